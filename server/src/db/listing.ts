import { InvalidCursorError, decodeCursor, encodeCursor } from "./page";

/**
 * What the console's list screens ask of a list route beyond its own filters: a search text, a creation-date range
 * and a sort order, paged by keyset like every list. Orders, invoices and financing requests share this, so a screen
 * searches, sorts and pages them the same way.
 */

/** The sort orders a list offers: newest first (the default), oldest first, soonest due, largest amount. */
export type SortOrder = "newest" | "oldest" | "due" | "amount";

export interface SearchFilter {
  q?: string;
  from?: string;
  to?: string;
  sort?: SortOrder;
  cursor?: string;
}

/** One sort order of one list: the SQL key expressions (the last is the unique id) and how to read them off a row. */
export interface SortKey<R> {
  exprs: string[];
  desc: boolean;
  key: (row: R) => (string | number)[];
}

/** The SQL a sorted, searched page adds: WHERE conditions, their parameters and the ORDER BY clause. */
export interface Listing<R> {
  where: string[];
  params: Record<string, unknown>;
  orderBy: string;
  cursorOf: (row: R) => string;
}

/** `%text%` for LIKE, with LIKE's own wildcards escaped (the query says ESCAPE '\'). */
function likeOf(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function dayStart(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000);
}

/**
 * Builds the search, date range, sort and keyset conditions of one list.
 * - `kind` tags cursors ("orders"); the default order keeps the list's existing cursors, the others add the sort's
 *   name, so a cursor of one order is refused by another.
 * - `searchIn` are the text columns the search matches (substring, ASCII case-insensitive); `idCol` matches a
 *   number exactly ("12" or "#12").
 */
export function listing<R extends { id: number }>(
  kind: string,
  filter: SearchFilter,
  spec: { idCol: string; createdCol: string; searchIn: string[]; sorts: Partial<Record<Exclude<SortOrder, "newest">, SortKey<R>>> },
): Listing<R> {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const q = filter.q?.trim();
  if (q) {
    const id = /^#?([1-9][0-9]{0,15})$/.exec(q);
    const text = spec.searchIn.map((c) => `${c} LIKE @q ESCAPE '\\'`);
    if (id) {
      text.push(`${spec.idCol} = @qid`);
      params.qid = Number(id[1]);
    }
    where.push(`(${text.join(" OR ")})`);
    params.q = likeOf(q);
  }
  if (filter.from) {
    where.push(`${spec.createdCol} >= @fromDay`);
    params.fromDay = dayStart(filter.from);
  }
  if (filter.to) {
    where.push(`${spec.createdCol} < @toDay`);
    params.toDay = dayStart(filter.to) + 86_400;
  }
  const sort = filter.sort && filter.sort !== "newest" ? spec.sorts[filter.sort] : undefined;
  if (!sort) {
    // Newest first by id, with the list's original cursors.
    const before = decodeCursor(kind, filter.cursor);
    if (before !== undefined) {
      where.push(`${spec.idCol} < @before`);
      params.before = before;
    }
    return { where, params, orderBy: `${spec.idCol} DESC`, cursorOf: (r) => encodeCursor(kind, r.id) };
  }
  const tag = `${kind}:${filter.sort}`;
  const after = decodeKeys(tag, filter.cursor, sort.exprs.length);
  if (after) {
    // A row-value comparison walks past the last row of the previous page, ties broken by the id.
    const names = after.map((_, i) => `@k${i}`);
    where.push(`(${sort.exprs.join(", ")}) ${sort.desc ? "<" : ">"} (${names.join(", ")})`);
    after.forEach((v, i) => (params[`k${i}`] = v));
  }
  const dir = sort.desc ? "DESC" : "ASC";
  return {
    where,
    params,
    orderBy: sort.exprs.map((e) => `${e} ${dir}`).join(", "),
    cursorOf: (r) => Buffer.from(JSON.stringify([tag, ...sort.key(r)])).toString("base64url"),
  };
}

function decodeKeys(tag: string, cursor: string | undefined, arity: number): (string | number)[] | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(v) &&
      v.length === arity + 1 &&
      v[0] === tag &&
      v.slice(1).every((x) => (typeof x === "number" && Number.isSafeInteger(x)) || (typeof x === "string" && x.length <= 100))
    ) {
      return v.slice(1) as (string | number)[];
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

/** Builds a page from `limit + 1` rows with the listing's cursor. */
export function listingPage<R, T>(rows: R[], limit: number, cursorOf: (r: R) => string, map: (r: R) => T): { items: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  return { items: slice.map(map), nextCursor: more ? cursorOf(slice[slice.length - 1]) : null };
}

/** The amount sort key: decimal strings of minor units order exactly by (length, text), with no integer overflow. */
export const amountKey = (col: string) => [`length(${col})`, col];

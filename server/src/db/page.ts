/** Helpers shared by the repos: opaque keyset cursors, limits, id parsing and date formatting. */

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** A page of a list, as every list route answers it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Thrown for a cursor the gateway did not issue; the route answers 400 VALIDATION_FAILED. */
export class InvalidCursorError extends Error {
  constructor() {
    super("The cursor is not one this API issued; start again without it.");
    this.name = "InvalidCursorError";
  }
}

/** The page size to use: the default when absent, capped at MAX_LIMIT, at least 1. */
export function clampLimit(limit: number | string | undefined | null): number {
  const n = typeof limit === "string" ? Number(limit) : limit;
  if (n === undefined || n === null || !Number.isFinite(n)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(n)));
}

/**
 * Cursors are base64url JSON of the last row's sort key, tagged with the list they belong to so a cursor from one
 * list cannot be replayed against another.
 */
export function encodeCursor(kind: string, key: number): string {
  return Buffer.from(JSON.stringify([kind, key])).toString("base64url");
}

/** Decodes a cursor issued by `encodeCursor(kind, …)`; undefined/empty means the first page. */
export function decodeCursor(kind: string, cursor: string | undefined | null): number | undefined {
  if (cursor === undefined || cursor === null || cursor === "") return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(v) && v[0] === kind && Number.isSafeInteger(v[1]) && v[1] >= 0) return v[1] as number;
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

/** Builds the page from `limit + 1` fetched rows: the extra row only says that there is a next page. */
export function pageOf<R, T>(rows: R[], limit: number, kind: string, keyOf: (r: R) => number, map: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  return {
    items: slice.map(map),
    nextCursor: more ? encodeCursor(kind, keyOf(slice[slice.length - 1])) : null,
  };
}

/** Parses an API id ("1", "42") into the integer the tables use; undefined for anything else. */
export function parseId(id: string | number | undefined | null): number | undefined {
  if (typeof id === "number") return Number.isSafeInteger(id) && id > 0 ? id : undefined;
  if (typeof id !== "string" || !/^[1-9][0-9]{0,15}$/.test(id)) return undefined;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Unix seconds to an ISO-8601 UTC string; null stays null. */
export function iso(seconds: number): string;
export function iso(seconds: number | null | undefined): string | null;
export function iso(seconds: number | null | undefined): string | null {
  return seconds === null || seconds === undefined ? null : new Date(seconds * 1000).toISOString();
}

/** The seq of an audit event: one integer ordering the chain (a block never holds a million logs). */
export const SEQ_PER_BLOCK = 1_000_000;
export function seqOf(blockNumber: number, logIndex: number): number {
  return blockNumber * SEQ_PER_BLOCK + logIndex;
}

import type { Database } from "../db/sqlite";
import { amountKey, listing, listingPage, type SearchFilter, type SortKey } from "../db/listing";
import { clampLimit, iso, parseId, type Page } from "../db/page";
import { prepared } from "../db/stmt";
import { formatMinor } from "../shared/money";
import { SerialisedJson } from "../shared/serialised";
import { scopeOrg, seesAll, type Scope } from "../shared/scope";

export type NoteStatus = "active" | "retired" | "financing" | "financed" | "paid" | "overdue" | "defaulted";
export const NOTE_STATUSES: readonly NoteStatus[] = ["active", "retired", "financing", "financed", "paid", "overdue", "defaulted"];

/** A payable note as the API shows it. */
export interface Note {
  id: string;
  rootId: string;
  parentId: string | null;
  invoiceId: string;
  issuerOrgId: string;
  issuerName: string;
  holderOrgId: string;
  holderName: string;
  face: string;
  paid: string;
  outstanding: string;
  maturity: string;
  status: NoteStatus;
  financingRequestId: string | null;
  tradeReference: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A note with its children: the tree as far as the caller may see it. */
export interface NoteNode extends Note {
  children: NoteNode[];
}

interface NoteRow {
  id: number;
  root_id: number;
  parent_id: number | null;
  invoice_id: number;
  issuer_org_id: number;
  issuer_name: string | null;
  holder_org_id: number;
  holder_name: string | null;
  face: string;
  paid: string;
  maturity: number;
  state: "active" | "retired" | "paid";
  financing_request_id: number | null;
  f_status: string | null;
  overdue_at: number | null;
  tree_paid: string | null;
  trade_reference: string | null;
  created_at: number;
  updated_at: number;
}

const SELECT = `SELECT n.id, n.root_id, n.parent_id, n.invoice_id, n.issuer_org_id, i.name AS issuer_name, n.holder_org_id,
  h.name AS holder_name, n.face, n.paid, n.maturity, n.state, n.financing_request_id, f.status AS f_status, t.overdue_at,
  t.paid AS tree_paid, n.trade_reference, n.created_at, n.updated_at FROM notes n
  LEFT JOIN organizations i ON i.id = n.issuer_org_id LEFT JOIN organizations h ON h.id = n.holder_org_id
  LEFT JOIN financing_requests f ON f.id = n.financing_request_id LEFT JOIN note_trees t ON t.root_id = n.root_id`;

/**
 * A note's status: its own (retired, paid) first, then its financing's (requested or approved: financing; disbursed:
 * financed; defaulted), then the tree's (overdue once marked), else active. A rejected financing leaves it active.
 */
export function noteStatus(r: Pick<NoteRow, "state" | "f_status" | "overdue_at">): NoteStatus {
  if (r.state === "retired" || r.state === "paid") return r.state;
  if (r.f_status === "defaulted") return "defaulted";
  if (r.overdue_at !== null) return "overdue";
  if (r.f_status === "disbursed" || r.f_status === "repaid") return "financed";
  if (r.f_status === "requested" || r.f_status === "approved") return "financing";
  return "active";
}

/** A row read in raw mode (columns in SELECT's order) as a NoteRow: a tree's thousand rows build faster this way. */
function rowOf(a: unknown[]): NoteRow {
  return {
    id: a[0] as number,
    root_id: a[1] as number,
    parent_id: a[2] as number | null,
    invoice_id: a[3] as number,
    issuer_org_id: a[4] as number,
    issuer_name: a[5] as string | null,
    holder_org_id: a[6] as number,
    holder_name: a[7] as string | null,
    face: a[8] as string,
    paid: a[9] as string,
    maturity: a[10] as number,
    state: a[11] as NoteRow["state"],
    financing_request_id: a[12] as number | null,
    f_status: a[13] as string | null,
    overdue_at: a[14] as number | null,
    tree_paid: a[15] as string | null,
    trade_reference: a[16] as string | null,
    created_at: a[17] as number,
    updated_at: a[18] as number,
  };
}

/** iso() remembering its answers: a tree's notes share a maturity and, a batch at a time, their creation times. */
function isoMemo(): (seconds: number) => string {
  const seen = new Map<number, string>();
  return (seconds) => {
    let v = seen.get(seconds);
    if (v === undefined) seen.set(seconds, (v = iso(seconds)));
    return v;
  };
}

function toNote(r: NoteRow, isoOf: (seconds: number) => string = iso): Note {
  const face = BigInt(r.face);
  const status = noteStatus(r);
  // A root answers for its tree: what the issuer has paid into it. Any other note: what clearing paid out to it.
  const paid = r.parent_id === null ? BigInt(r.tree_paid ?? "0") : BigInt(r.paid);
  const owes = r.parent_id === null || status !== "retired";
  return {
    id: String(r.id),
    rootId: String(r.root_id),
    parentId: r.parent_id === null ? null : String(r.parent_id),
    invoiceId: String(r.invoice_id),
    issuerOrgId: String(r.issuer_org_id),
    issuerName: r.issuer_name ?? "",
    holderOrgId: String(r.holder_org_id),
    holderName: r.holder_name ?? "",
    face: formatMinor(face),
    paid: formatMinor(paid),
    // A retired piece owes nothing itself (its children carry its face); a root owes what is unpaid on its tree.
    outstanding: formatMinor(owes ? face - paid : 0n),
    maturity: isoOf(r.maturity),
    status,
    financingRequestId: r.financing_request_id === null ? null : String(r.financing_request_id),
    tradeReference: r.trade_reference,
    createdAt: isoOf(r.created_at),
    updatedAt: isoOf(r.updated_at),
  };
}

/**
 * The notes `n` a scope may see, as a SQL condition on @org. The issuer (its whole trees), auditors and the operator
 * (everything); a supplier: the notes it holds or held, the children it created (its transfers' pieces), and their
 * ancestors up to the root; a bank: the notes financed with it and their ancestors. Ancestors come from `note_paths`.
 */
export function noteVisibility(scope: Scope): string | null {
  if (seesAll(scope)) return "1";
  if (scopeOrg(scope) === null) return null;
  switch (scope.role) {
    case "buyer":
      return "n.issuer_org_id = @org";
    case "supplier":
      return `n.id IN (SELECT p.ancestor_id FROM note_paths p JOIN notes m ON m.id = p.note_id
        WHERE m.holder_org_id = @org OR m.creator_org_id = @org)`;
    case "officer":
      return `n.id IN (SELECT p.ancestor_id FROM note_paths p JOIN financing_requests f ON f.note_id = p.note_id
        WHERE f.bank_org_id = @org)`;
    default:
      return null;
  }
}

/**
 * The same rule as noteVisibility for one note, from the note outwards: its own holder or creator first, else a
 * descendant the scope holds, created or financed (the closure's ancestor index), so one look-up never reads every
 * note of the organisation.
 */
function oneNoteVisibility(scope: Scope): string | null {
  if (seesAll(scope) || scopeOrg(scope) === null) return noteVisibility(scope);
  switch (scope.role) {
    case "supplier":
      return `(n.holder_org_id = @org OR n.creator_org_id = @org OR EXISTS (SELECT 1 FROM note_paths p JOIN notes m ON m.id = p.note_id
        WHERE p.ancestor_id = n.id AND (m.holder_org_id = @org OR m.creator_org_id = @org)))`;
    case "officer":
      return `EXISTS (SELECT 1 FROM note_paths p JOIN financing_requests f ON f.note_id = p.note_id WHERE p.ancestor_id = n.id AND f.bank_org_id = @org)`;
    default:
      return noteVisibility(scope);
  }
}

/** Returns a note, or undefined when it is unknown or outside the scope. */
export function getNote(db: Database, id: string, scope: Scope): Note | undefined {
  const n = parseId(id);
  const vis = oneNoteVisibility(scope);
  if (n === undefined || vis === null) return undefined;
  const r = prepared(db, `${SELECT} WHERE n.id = @id AND ${vis}`).get({ id: n, org: scopeOrg(scope) }) as NoteRow | undefined;
  return r && toNote(r);
}

export interface NoteFilter extends SearchFilter {
  holderOrgId?: string;
  issuerOrgId?: string;
  rootId?: string;
  status?: NoteStatus;
  limit?: number;
}

/** The SQL condition of a derived status (the same rule as noteStatus). */
const STATUS_SQL: Record<NoteStatus, string> = {
  retired: "n.state = 'retired'",
  paid: "n.state = 'paid'",
  defaulted: "n.state = 'active' AND f.status = 'defaulted'",
  overdue: "n.state = 'active' AND t.overdue_at IS NOT NULL AND f.status IS NOT 'defaulted'",
  financed: "n.state = 'active' AND t.overdue_at IS NULL AND f.status IN ('disbursed', 'repaid')",
  financing: "n.state = 'active' AND t.overdue_at IS NULL AND f.status IN ('requested', 'approved')",
  active: "n.state = 'active' AND t.overdue_at IS NULL AND (f.status IS NULL OR f.status IN ('rejected', 'withdrawn'))",
};

/** The orders a notes list may take besides newest first: oldest, soonest maturity, largest face (ties by id). */
const NOTE_SORTS: Record<"oldest" | "due" | "amount", SortKey<NoteRow>> = {
  oldest: { exprs: ["n.id"], desc: false, key: (r) => [r.id] },
  due: { exprs: ["n.maturity", "n.id"], desc: false, key: (r) => [r.maturity, r.id] },
  amount: { exprs: [...amountKey("n.face"), "n.id"], desc: true, key: (r) => [r.face.length, r.face, r.id] },
};

/**
 * Lists the scope's notes, newest first unless sorted, searched by holder or issuer name, trade reference or id, and
 * paged by keyset like every list (db/listing.ts): a page's cursor continues exactly after its last note.
 */
export function listNotes(db: Database, filter: NoteFilter, scope: Scope): Page<Note> {
  const limit = clampLimit(filter.limit);
  const vis = noteVisibility(scope);
  if (vis === null) return { items: [], nextCursor: null };
  const list = listing<NoteRow>("notes", filter, { idCol: "n.id", createdCol: "n.created_at", searchIn: ["h.name", "i.name", "n.trade_reference"], sorts: NOTE_SORTS });
  const where = [vis, ...list.where];
  const params: Record<string, unknown> = { org: scopeOrg(scope), n: limit + 1, ...list.params };
  if (filter.status) where.push(STATUS_SQL[filter.status]);
  if (filter.holderOrgId !== undefined) {
    where.push("n.holder_org_id = @holder");
    params.holder = parseId(filter.holderOrgId) ?? -1;
  }
  if (filter.issuerOrgId !== undefined) {
    where.push("n.issuer_org_id = @issuer");
    params.issuer = parseId(filter.issuerOrgId) ?? -1;
  }
  if (filter.rootId !== undefined) {
    where.push("n.root_id = @root");
    params.root = parseId(filter.rootId) ?? -1;
  }
  const rows = prepared(db, `${SELECT} WHERE ${where.join(" AND ")} ORDER BY ${list.orderBy} LIMIT @n`).all(params) as NoteRow[];
  return listingPage(rows, limit, list.cursorOf, (r) => toNote(r));
}

/** The visible ids of one tree for a scope that does not see it whole (null: it sees every node). */
function visibleInTree(db: Database, rootId: number, issuerOrgId: number, scope: Scope): Set<number> | null {
  if (seesAll(scope)) return null;
  const org = scopeOrg(scope);
  if (scope.role === "buyer" && org === issuerOrgId) return null;
  const sql =
    scope.role === "supplier"
      ? `SELECT DISTINCT p.ancestor_id FROM notes m JOIN note_paths p ON p.note_id = m.id
         WHERE m.root_id = @root AND (m.holder_org_id = @org OR m.creator_org_id = @org)`
      : scope.role === "officer"
        ? `SELECT DISTINCT p.ancestor_id FROM financing_requests f JOIN notes m ON m.id = f.note_id JOIN note_paths p ON p.note_id = m.id
           WHERE m.root_id = @root AND f.bank_org_id = @org`
        : null;
  return new Set(sql ? (prepared(db, sql).pluck().all({ root: rootId, org }) as number[]) : []);
}

/**
 * Each tree's notes as the API shows them, built once per state of the index: the key is the connection's
 * total_changes() and the database's data_version, which move with every write by this or another connection (a
 * note, its financing, its tree's payments, an organisation's name), so a cached tree is never older than the index.
 */
interface TreeEntry {
  list: { note: Note; parentId: number | null; id: number }[];
  /** The tree as each scope sees it ("*" for the whole tree), linked once per index state and shared by every caller
   * of that scope (it is only ever serialised), with its response body once a route has asked for it. */
  views: Map<string, TreeView>;
  /** The cache of this index state the entry belongs to (its serialised bodies count against BODY_BYTES_MAX). */
  state: TreeCache;
}
interface TreeCache {
  key: string;
  byRoot: Map<number, TreeEntry>;
  bodyBytes: number;
}
/** The serialised bodies one index state keeps at most (a 1,000-leaf tree's is about 0.5 MB); past it, it starts over. */
const BODY_BYTES_MAX = 64 * 1024 * 1024;
interface TreeView {
  root: NoteNode | undefined;
  body?: SerialisedJson<{ root: NoteNode }>;
  entry: TreeEntry;
}
const trees = new WeakMap<Database, TreeCache>();
function treeNotes(db: Database, rootId: number): TreeEntry {
  const key = `${prepared(db, "SELECT total_changes()").pluck().get() as number}:${prepared(db, "PRAGMA data_version").pluck().get() as number}`;
  let cache = trees.get(db);
  if (!cache || cache.key !== key) trees.set(db, (cache = { key, byRoot: new Map(), bodyBytes: 0 }));
  let list = cache.byRoot.get(rootId);
  if (!list) {
    const raw = prepared(db, `${SELECT} WHERE n.root_id = @root ORDER BY n.id`).raw(true).all({ root: rootId }) as unknown[][];
    const isoOf = isoMemo();
    list = { list: raw.map((a) => rowOf(a)).map((r) => ({ note: toNote(r, isoOf), parentId: r.parent_id, id: r.id })), views: new Map(), state: cache };
    // A few trees at most are read hot; the cache is per index state, so it never serves a stale tree.
    if (cache.byRoot.size > 64) {
      cache.byRoot.clear();
      cache.bodyBytes = 0;
    }
    cache.byRoot.set(rootId, list);
  }
  return list;
}

/**
 * The tree a visible note belongs to as the scope sees it (visibility includes every ancestor of a visible note, so
 * what is visible is one connected tree from the root); undefined when the note is unknown or outside the scope. The
 * tree's notes are read in one query per index state (treeNotes); each scope's view is then filtered by its visible
 * ids and linked in creation order once per index state.
 */
function treeView(db: Database, id: string, scope: Scope): TreeView | undefined {
  const note = getNote(db, id, scope);
  if (!note) return undefined;
  const rootId = Number(note.rootId);
  const entry = treeNotes(db, rootId);
  const whole = seesAll(scope) || (scope.role === "buyer" && scopeOrg(scope) === Number(note.issuerOrgId));
  const key = whole ? "*" : `${scope.role}:${scopeOrg(scope)}`;
  const cached = entry.views.get(key);
  if (cached) return cached;
  const visibleIds = whole ? null : visibleInTree(db, rootId, Number(note.issuerOrgId), scope);
  const nodes = new Map<number, NoteNode>();
  let root: NoteNode | undefined;
  for (const n of entry.list) {
    if (visibleIds && !visibleIds.has(n.id)) continue;
    const node: NoteNode = { ...n.note, children: [] };
    nodes.set(n.id, node);
    if (n.parentId === null) root = node;
    else nodes.get(n.parentId)?.children.push(node);
  }
  const view: TreeView = { root, entry };
  if (entry.views.size > 256) entry.views.clear();
  entry.views.set(key, view);
  return view;
}

/** The tree a visible note belongs to, from its root, as far as the scope may see it (see treeView). */
export function noteTree(db: Database, id: string, scope: Scope): NoteNode | undefined {
  return treeView(db, id, scope)?.root;
}

/**
 * The answer of GET /notes/{id}/tree, `{ root }`, serialised once per scope and index state and shared by every
 * request until the next write (a 1,000-leaf tree is ~450 kB of JSON: serialising and compressing it was most of a
 * read). Undefined when the note is unknown or outside the scope.
 */
export function noteTreeBody(db: Database, id: string, scope: Scope): SerialisedJson<{ root: NoteNode }> | undefined {
  const view = treeView(db, id, scope);
  if (!view?.root) return undefined;
  if (view.body) return view.body;
  view.body = new SerialisedJson({ root: view.root });
  // Many scopes reading many large trees between two writes would otherwise keep every body: past the budget, the
  // index state's cache starts over (this answer is still sent; the next read builds its view again).
  const state = view.entry.state;
  state.bodyBytes += view.body.bytes.length;
  if (state.bodyBytes > BODY_BYTES_MAX) {
    state.byRoot.clear();
    state.bodyBytes = 0;
  }
  return view.body;
}

/** One payout clearing made to a leaf: to its bank first (up to the financed amount), the rest to its holder. */
export interface NotePayout {
  noteId: string;
  orgId: string;
  amount: string;
}

/**
 * The payouts of the transactions `txHashes` on the tree `rootId`, one line per recipient and note, in chain order:
 * a financed leaf answers its bank's line and then its holder's (a zero line is left out).
 */
export function payoutsOf(db: Database, rootId: string, txHashes: string[]): NotePayout[] {
  const rows = prepared(
    db,
    `SELECT note_id, holder_org_id, bank_org_id, to_bank, to_holder FROM note_payouts
     WHERE root_id = ? AND tx_hash IN (SELECT value FROM json_each(?)) ORDER BY seq`,
  ).all(Number(rootId), JSON.stringify(txHashes.map((h) => h.toLowerCase()))) as {
    note_id: number; holder_org_id: number; bank_org_id: number | null; to_bank: string; to_holder: string;
  }[];
  const out: NotePayout[] = [];
  for (const r of rows) {
    if (BigInt(r.to_bank) > 0n && r.bank_org_id !== null) out.push({ noteId: String(r.note_id), orgId: String(r.bank_org_id), amount: formatMinor(r.to_bank) });
    if (BigInt(r.to_holder) > 0n) out.push({ noteId: String(r.note_id), orgId: String(r.holder_org_id), amount: formatMinor(r.to_holder) });
  }
  return out;
}

/** The ids of a note and its ancestors, root first (for its audit history). */
export function ancestorsOf(db: Database, noteId: number): number[] {
  return prepared(db, "SELECT ancestor_id FROM note_paths WHERE note_id = ? ORDER BY ancestor_id").pluck().all(noteId) as number[];
}

/** What clearing still has to do on a tree: what the issuer paid in, what was paid out, and whether leaves remain. */
export function treeState(db: Database, rootId: number): { paid: bigint; cleared: bigint; face: bigint } | undefined {
  const r = prepared(db, "SELECT t.paid, t.cleared, n.face FROM note_trees t JOIN notes n ON n.id = t.root_id WHERE t.root_id = ?").get(rootId) as
    | { paid: string; cleared: string; face: string }
    | undefined;
  return r && { paid: BigInt(r.paid), cleared: BigInt(r.cleared), face: BigInt(r.face) };
}

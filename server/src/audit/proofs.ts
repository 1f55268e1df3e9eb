import { toBeHex } from "ethers";
import type { Database } from "../db/sqlite";
import { prepared } from "../db/stmt";
import { iso } from "../db/page";
import { formatMinor } from "../shared/money";
import { SYSTEM_SCOPE, type Scope } from "../shared/scope";
import { FINANCING_STATUS, INVOICE_STATUS, ORDER_STATUS } from "../indexer/projections";
import { CURRENCY, getOrdersByIds } from "../orders/repo";
import { getInvoicesByIds } from "../invoices/repo";
import { getFinancingRequestsByIds } from "../financing/repo";
import type { Decoded } from "./abi-words";
import { readLogs, viewRound, type ChainReader, type RecordLog, type ViewCall } from "./chain-reads";

export type { ChainReader } from "./chain-reads";

/**
 * Row proofs: the ledger's own state for a record, read through its view functions (eth_call at a block) and its
 * events (eth_getLogs up to that block), put in the shape the API shows, and compared field by field with the
 * indexed row. The chain is read for a whole batch of rows at once: each round of view calls goes through the
 * RowReader (chain-reads.ts, 1,000 views per eth_call) and the batch's events come from one eth_getLogs (or, for a
 * sweep, from one pass over the chain for a segment of many batches).
 */

/** A record's fields as compared: API field name -> value, in the API's own representation. */
export type Fields = Record<string, unknown>;

export interface RowDifference {
  field: string;
  indexed: unknown;
  onChain: unknown;
}

export interface RowProof {
  entityType: string;
  entityId: string;
  match: boolean;
  /** The indexed row's compared fields (as the API returns them), or null when the index has no such row. */
  indexed: Fields | null;
  /** The same fields as the chain holds them at `block`, or null when the ledger has no such record. */
  onChain: Fields | null;
  differences: RowDifference[];
  block: number;
}

/**
 * How one entity type is proved. `views` are the first round of view calls of a row; `more` a second round that
 * depends on the first (e.g. the invoice's financing request); `events` the ledger events (indexed by the row id
 * in topic 1) whose arguments complete the row; `onChain` builds the API's fields from those. A view's answer is
 * its struct's fields by name (or its outputs by name when it returns several values).
 */
export interface RowVerifier {
  entityType: string;
  /** The API's rows of `ids` the scope may see, by id (one query for a batch). */
  indexedRows(db: Database, ids: readonly number[], scope: Scope): Map<number, object>;
  /** The compared fields of an API row. */
  project(row: object): Fields;
  views(id: number): ViewCall[];
  more?(id: number, first: Decoded[]): ViewCall[];
  events: string[];
  /** The row's fields on chain, or null when the ledger has no such record. */
  onChain(id: number, first: Decoded[], second: Decoded[], logs: RecordLog[], ctx: { token: string; plain: (commitment: string) => string; reveal: (commitment: string) => string | undefined }): Fields | null;
  /** The ids of the rows created in a block range, ascending (from the index). */
  idsIn(db: Database, fromBlock: number, toBlock: number, afterId: number, limit: number): number[];
  /** The first block the index says any of these rows was created in (0 when unknown). */
  firstBlock(db: Database, ids: readonly number[]): number;
}

const byId = <T extends { id: string }>(rows: T[]) => new Map<number, object>(rows.map((r) => [Number(r.id), r]));

const money = (v: bigint) => formatMinor(v);
const ts = (v: bigint) => (v === 0n ? null : iso(Number(v)));
const last = (logs: RecordLog[], name: string) => [...logs].reverse().find((l) => l.name === name);

function firstBlockOf(table: string) {
  return (db: Database, ids: readonly number[]): number =>
    (prepared(
      db,
      `SELECT min(e.block_number) FROM ${table} t JOIN events e ON e.tx_hash = t.tx_hash WHERE t.id IN (SELECT value FROM json_each(?))`,
    )
      .pluck()
      .get(JSON.stringify(ids)) as number | null) ?? 0;
}

/** Ids of a projection table created in a block range, by the block of its creating transaction. */
function idsByCreationBlock(table: string, also = "1") {
  return (db: Database, fromBlock: number, toBlock: number, afterId: number, limit: number): number[] =>
    prepared(
      db,
      `SELECT t.id FROM ${table} t WHERE t.id > @after AND ${also} AND (SELECT min(e.block_number) FROM events e WHERE e.tx_hash = t.tx_hash) BETWEEN @from AND @to
       ORDER BY t.id LIMIT @limit`,
    )
      .pluck()
      .all({ after: afterId, from: fromBlock, to: toBlock, limit }) as number[];
}

const orderVerifier: RowVerifier = {
  entityType: "order",
  indexedRows: (db, ids, scope) => byId(getOrdersByIds(db, ids, scope)),
  project: (r) => {
    const o = r as ReturnType<typeof getOrdersByIds>[number];
    return {
      status: o.status, buyerOrgId: o.buyerOrgId, supplierOrgId: o.supplierOrgId, amount: o.amount, invoiced: o.invoiced,
      remaining: o.remaining, currency: o.currency, reference: o.reference, dueDate: o.dueDate, documentHash: o.documentHash,
    };
  },
  views: (id) => [["order", [id]]],
  events: ["OrderIssued"],
  onChain(_id, [s], _s, logs, { token, plain }) {
    const issued = last(logs, "OrderIssued");
    if (Number(s.status) === 0 || !issued) return null;
    const currency = String(issued.args.currency);
    return {
      status: ORDER_STATUS[Number(s.status)],
      buyerOrgId: String(s.buyerOrgId),
      supplierOrgId: String(s.supplierOrgId),
      amount: money(s.amount as bigint),
      invoiced: money(s.invoiced as bigint),
      remaining: money((s.amount as bigint) - (s.invoiced as bigint)),
      currency: currency.toLowerCase() === token.toLowerCase() ? CURRENCY : currency,
      reference: plain(String(issued.args.referenceCommitment)),
      dueDate: iso(Number(issued.args.dueDate)),
      documentHash: issued.args.documentHash,
    };
  },
  idsIn: idsByCreationBlock("orders"),
  firstBlock: firstBlockOf("orders"),
};

const FINANCED = new Set(["disbursed", "repaid", "defaulted"]);

const invoiceVerifier: RowVerifier = {
  entityType: "invoice",
  indexedRows: (db, ids, scope) => byId(getInvoicesByIds(db, ids, scope)),
  project: (r) => {
    const i = r as ReturnType<typeof getInvoicesByIds>[number];
    return {
      status: i.status, orderId: i.orderId, invoiceNumber: i.invoiceNumber, supplierOrgId: i.supplierOrgId, buyerOrgId: i.buyerOrgId,
      amount: i.amount, paid: i.paid, outstanding: i.outstanding, dueDate: i.dueDate, documentHash: i.documentHash,
      financingRequestId: i.financingRequestId, financed: i.financed,
      dispute: i.dispute ? { reasonCode: i.dispute.reasonCode, reasonHash: i.dispute.reasonHash } : null,
    };
  },
  views: (id) => [["invoice", [id]]],
  more: (_id, [i]) => {
    const fr = i.financingRequestId as bigint;
    return fr === 0n ? [] : [["financingRequest", [fr]]];
  },
  events: ["InvoiceIssued", "InvoiceDisputed"],
  onChain(_id, [s], second, logs, { plain }) {
    const issued = last(logs, "InvoiceIssued");
    if (Number(s.status) === 0 || !issued) return null;
    const status = INVOICE_STATUS[Number(s.status)];
    const fr = s.financingRequestId as bigint;
    const frStatus = fr === 0n ? null : FINANCING_STATUS[Number(second[0].status)];
    const disputed = last(logs, "InvoiceDisputed");
    return {
      status,
      orderId: String(s.orderId),
      invoiceNumber: plain(String(issued.args.numberCommitment)),
      supplierOrgId: String(s.supplierOrgId),
      buyerOrgId: String(s.buyerOrgId),
      amount: money(s.amount as bigint),
      paid: money(s.paid as bigint),
      outstanding: money(status === "cancelled" ? 0n : (s.amount as bigint) - (s.paid as bigint)),
      dueDate: iso(Number(s.dueDate)),
      documentHash: issued.args.documentHash,
      financingRequestId: fr === 0n ? null : String(fr),
      financed: frStatus !== null && FINANCED.has(frStatus),
      dispute: status === "disputed" && disputed ? { reasonCode: Number(disputed.args.reasonCode), reasonHash: disputed.args.reasonCommitment } : null,
    };
  },
  idsIn: idsByCreationBlock("invoices"),
  firstBlock: firstBlockOf("invoices"),
};

const financingVerifier: RowVerifier = {
  entityType: "financing",
  // The ledger's financing requests only: a note financing (note_id set) is the notes contract's, not proved here yet.
  indexedRows: (db, ids, scope) => byId(getFinancingRequestsByIds(db, ids, scope).filter((f) => f.noteId === null)),
  project: (r) => {
    const f = r as ReturnType<typeof getFinancingRequestsByIds>[number];
    return {
      status: f.status, invoiceId: f.invoiceId, bankOrgId: f.bankOrgId, supplierOrgId: f.supplierOrgId, buyerOrgId: f.buyerOrgId,
      amount: f.amount, path: f.path, approvalsRequired: f.approvalsRequired, approvals: f.approvals.map((a) => a.officer),
      discountRateBps: f.discountRateBps, requestedAt: f.requestedAt, decidedAt: f.decidedAt, disbursedAt: f.disbursedAt,
      discount: f.discount, netAmount: f.netAmount, repaid: f.repaid, outstanding: f.outstanding, rejection: f.rejection,
    };
  },
  views: (id) => [["financingRequest", [id]], ["repaidOf", [id]]],
  more: (_id, [f]) => [["invoice", [f.invoiceId]]],
  events: ["FinancingDisbursed", "FinancingRejected"],
  onChain(_id, [s, repaidOf], [i], logs, { reveal }) {
    if (Number(s.status) === 0) return null;
    const status = FINANCING_STATUS[Number(s.status)];
    const approvals = Number(s.approvals);
    const officers = ([s.firstApprover, s.secondApprover] as string[]).slice(0, approvals).map((a) => a.toLowerCase());
    const disbursed = last(logs, "FinancingDisbursed");
    const rejected = last(logs, "FinancingRejected");
    return {
      status,
      invoiceId: String(s.invoiceId),
      bankOrgId: String(s.bankOrgId),
      supplierOrgId: String(i.supplierOrgId),
      buyerOrgId: String(i.buyerOrgId),
      amount: money(s.amount as bigint),
      path: s.fastTrack ? "fast-track" : "maker-checker",
      approvalsRequired: s.fastTrack ? 1 : 2,
      approvals: officers,
      discountRateBps: Number(s.discountRateBps),
      requestedAt: ts(s.requestedAt as bigint),
      decidedAt: ts(s.decidedAt as bigint),
      disbursedAt: ts(s.disbursedAt as bigint),
      discount: disbursed ? money(disbursed.args.discount as bigint) : null,
      netAmount: disbursed ? money(disbursed.args.netAmount as bigint) : null,
      repaid: money(repaidOf.repaid as bigint),
      outstanding: money(repaidOf.outstanding as bigint),
      rejection:
        status === "rejected"
          ? {
              reasonCode: rejected ? Number(rejected.args.reasonCode) : 0,
              officer: rejected ? String(rejected.args.officer).toLowerCase() : "",
              reason: rejected ? (reveal(String(rejected.args.reasonCommitment)) ?? null) : null,
            }
          : null,
    };
  },
  idsIn: idsByCreationBlock("financing_requests", "t.note_id IS NULL"),
  firstBlock: firstBlockOf("financing_requests"),
};

/** The verifiers by entity type; an entity type (notes) adds its own with `registerRowVerifier`. */
export const ROW_VERIFIERS = new Map<string, RowVerifier>([orderVerifier, invoiceVerifier, financingVerifier].map((v) => [v.entityType, v]));

export function registerRowVerifier(v: RowVerifier): void {
  ROW_VERIFIERS.set(v.entityType, v);
}

const canonical = (v: unknown) =>
  JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x));

export function diffFields(indexed: Fields | null, onChain: Fields | null): RowDifference[] {
  if (!indexed || !onChain) return [{ field: "presence", indexed: indexed !== null, onChain: onChain !== null }];
  const out: RowDifference[] = [];
  for (const field of new Set([...Object.keys(onChain), ...Object.keys(indexed)])) {
    const [a, b] = [indexed[field], onChain[field]];
    // Strings, numbers, booleans and nulls compare as they are; only objects and arrays need the canonical form.
    const same = a === b || (typeof a === "object" && typeof b === "object" && a !== null && b !== null && canonical(a) === canonical(b));
    if (!same) out.push({ field, indexed: a ?? null, onChain: b ?? null });
  }
  return out;
}

/** The block the index reflects (its checkpoint): the default block of a proof, so a lagging index is not blamed. */
export function indexedHead(db: Database): number {
  return (prepared(db, "SELECT block_number FROM checkpoint WHERE id = 1").pluck().get() as number | undefined) ?? 0;
}

export interface ProveContext {
  db: Database;
  chain: ChainReader;
  ledger: string;
  token: string;
  /**
   * The plain text of a commitment the gateway keeps (references, invoice numbers reach the chain only as commitments);
   * undefined when it holds no opening, and the row then shows the commitment, as the index does.
   */
  reveal?: (commitment: string) => string | undefined;
  /** Milliseconds per phase (views, logs, indexedRows, compare), added to when given: a sweep's profile. */
  profile?: Record<string, number>;
}

/** Runs `work`, adding its wall time to `phase` of the context's profile (when it keeps one). */
export async function timed<T>(ctx: { profile?: Record<string, number> }, phase: string, work: () => T | Promise<T>): Promise<T> {
  if (!ctx.profile) return work();
  const t0 = performance.now();
  try {
    return await work();
  } finally {
    ctx.profile[phase] = (ctx.profile[phase] ?? 0) + performance.now() - t0;
  }
}

/** Splits a flat round's answers back into each row's list. */
function perRow<T>(lists: readonly (readonly unknown[])[], flat: readonly T[]): T[][] {
  const out: T[][] = [];
  let k = 0;
  for (const c of lists) {
    out.push(flat.slice(k, k + c.length));
    k += c.length;
  }
  return out;
}

/**
 * Proves a batch of rows of one entity type at `block`: two rounds of view calls and the rows' events. `indexed`
 * holds the indexed rows by id (a missing id is a row the index does not have); `logs`, when given, the rows' events
 * already read (a sweep's segment), else they are read here from `fromBlock`.
 */
export async function proveBatch(
  ctx: ProveContext,
  v: RowVerifier,
  ids: readonly number[],
  block: number,
  indexed: Map<number, object>,
  opts: { logs?: Map<number, RecordLog[]>; fromBlock?: number } = {},
): Promise<RowProof[]> {
  if (ids.length === 0) return [];
  const tag = toBeHex(block);
  const firstCalls = ids.map((id) => v.views(id));
  const first = perRow(firstCalls, await timed(ctx, "views", () => viewRound(ctx.chain, ctx.ledger, tag, firstCalls.flat())));
  // A record the ledger does not have reads as zeros; its second round is skipped.
  const secondCalls = ids.map((id, n) => (v.more && !isEmpty(first[n]) ? v.more(id, first[n]) : []));
  const second = perRow(secondCalls, await timed(ctx, "views", () => viewRound(ctx.chain, ctx.ledger, tag, secondCalls.flat())));
  const logs = opts.logs ?? (await timed(ctx, "logs", () => readLogs(ctx.chain, ctx.ledger, v.events, ids, Math.min(opts.fromBlock ?? 0, block), block)));
  const reveal = (c: string) => ctx.reveal?.(c);
  const onChainCtx = { token: ctx.token, plain: (c: string) => reveal(c) ?? c, reveal };
  const t0 = performance.now();
  const proofs = ids.map((id, n) => {
    const row = indexed.get(id);
    const fields = row ? v.project(row) : null;
    const onChain = isEmpty(first[n]) ? null : v.onChain(id, first[n], second[n], logs.get(id) ?? [], onChainCtx);
    const differences = diffFields(fields, onChain);
    return { entityType: v.entityType, entityId: String(id), match: differences.length === 0, indexed: fields, onChain, differences, block };
  });
  if (ctx.profile) ctx.profile.compare = (ctx.profile.compare ?? 0) + performance.now() - t0;
  return proofs;
}

/** Whether a row's first view call read an empty record (status None). */
function isEmpty(first: Decoded[]): boolean {
  return !first[0] || Number(first[0].status ?? 0) === 0;
}

/**
 * Proves one row for a caller: undefined when the scope may not see it (or the index has no such row); the chain
 * is read at `block` (default: the block the index reflects).
 */
export async function proveRow(ctx: ProveContext, entityType: string, id: string, scope: Scope, block?: number): Promise<RowProof | undefined> {
  const v = ROW_VERIFIERS.get(entityType);
  const n = Number(id);
  if (!v || !Number.isSafeInteger(n) || n <= 0) return undefined;
  const indexed = v.indexedRows(ctx.db, [n], scope);
  if (!indexed.has(n)) return undefined;
  const [proof] = await proveBatch(ctx, v, [n], block ?? indexedHead(ctx.db), indexed);
  return proof;
}

/**
 * Proves the rows of a sweep batch as the system sees them (a sweep is run by an auditor or the operator), with the
 * events of its segment already read (see readSegmentLogs).
 */
export async function proveSweepBatch(ctx: ProveContext, v: RowVerifier, ids: readonly number[], block: number, logs: Map<number, RecordLog[]>): Promise<RowProof[]> {
  const indexed = await timed(ctx, "indexedRows", () => v.indexedRows(ctx.db, ids, SYSTEM_SCOPE));
  return proveBatch(ctx, v, ids, block, indexed, { logs });
}

/**
 * The events of a sweep segment's rows up to `block`, read from the first block the index says any of them was
 * created in: a row the index places too late loses its creating event and shows as a mismatch, so the narrowing
 * cannot hide one.
 */
export function readSegmentLogs(ctx: ProveContext, v: RowVerifier, ids: readonly number[], block: number): Promise<Map<number, RecordLog[]>> {
  return timed(ctx, "logs", () => readLogs(ctx.chain, ctx.ledger, v.events, ids, Math.min(v.firstBlock(ctx.db, ids), block), block));
}

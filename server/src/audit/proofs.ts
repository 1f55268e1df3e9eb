import { getAddress, toBeHex, zeroPadValue, type Result } from "ethers";
import type { Database } from "../db/sqlite";
import { prepared } from "../db/stmt";
import { iso } from "../db/page";
import { ledgerInterface } from "../chain/abi";
import { RowReader__factory } from "../../../typechain-types/factories/contracts/audit/RowReader__factory";
import RowReaderArtifact from "../../../artifacts/contracts/audit/RowReader.sol/RowReader.json";
import { formatMinor } from "../shared/money";
import { SYSTEM_SCOPE, type Scope } from "../shared/scope";
import { FINANCING_STATUS, INVOICE_STATUS, ORDER_STATUS } from "../indexer/projections";
import { CURRENCY, getOrder } from "../orders/repo";
import { getInvoice } from "../invoices/repo";
import { getFinancingRequest } from "../financing/repo";

/**
 * Row proofs: the ledger's own state for a record, read through its view functions (eth_call at a block) and its
 * events (eth_getLogs up to that block), put in the shape the API shows, and compared field by field with the
 * indexed row. The chain is read for a whole batch of rows at once: one JSON-RPC batch of view calls per round
 * (ethers sends up to 100 calls per HTTP request) and one eth_getLogs whose id topic is the list of the batch's ids.
 */

/** The chain's JSON-RPC as the verifier uses it (ethers' JsonRpcProvider batches concurrent sends). */
export interface ChainReader {
  send(method: string, params: unknown[]): Promise<unknown>;
}

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

/** A decoded ledger log of a record: its event name and arguments. */
interface RecordLog {
  name: string;
  args: Result;
  blockNumber: number;
}

/** What one round of view calls asks for one row: function name and arguments. */
type ViewCall = [fn: string, args: unknown[]];

/**
 * How one entity type is proved. `views` are the first round of view calls of a row; `more` a second round that
 * depends on the first (e.g. the invoice's financing request); `events` the ledger events (indexed by the row id
 * in topic 1) whose arguments complete the row; `onChain` builds the API's fields from those.
 */
export interface RowVerifier {
  entityType: string;
  /** The API's row (as the scope may see it), or undefined. */
  indexedRow(db: Database, id: string, scope: Scope): object | undefined;
  /** The compared fields of an API row. */
  project(row: object): Fields;
  views(id: number): ViewCall[];
  more?(id: number, first: Result[]): ViewCall[];
  events: string[];
  /** The row's fields on chain, or null when the ledger has no such record. */
  onChain(id: number, first: Result[], second: Result[], logs: RecordLog[], ctx: { token: string; plain: (commitment: string) => string; reveal: (commitment: string) => string | undefined }): Fields | null;
  /** The ids of the rows created in a block range, ascending (from the index). */
  idsIn(db: Database, fromBlock: number, toBlock: number, afterId: number, limit: number): number[];
  /** The first block the index says any of these rows was created in (0 when unknown). */
  firstBlock(db: Database, ids: number[]): number;
}

const money = (v: bigint) => formatMinor(v);
const ts = (v: bigint) => (v === 0n ? null : iso(Number(v)));
const last = (logs: RecordLog[], name: string) => [...logs].reverse().find((l) => l.name === name);

function firstBlockOf(table: string) {
  return (db: Database, ids: number[]): number =>
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
  indexedRow: (db, id, scope) => getOrder(db, id, scope),
  project: (r) => {
    const o = r as ReturnType<typeof getOrder> & object;
    return {
      status: o.status, buyerOrgId: o.buyerOrgId, supplierOrgId: o.supplierOrgId, amount: o.amount, invoiced: o.invoiced,
      remaining: o.remaining, currency: o.currency, reference: o.reference, dueDate: o.dueDate, documentHash: o.documentHash,
    };
  },
  views: (id) => [["order", [id]]],
  events: ["OrderIssued"],
  onChain(_id, [o], _s, logs, { token, plain }) {
    const issued = last(logs, "OrderIssued");
    const s = o[0] as Result;
    if (Number(s.status) === 0 || !issued) return null;
    return {
      status: ORDER_STATUS[Number(s.status)],
      buyerOrgId: String(s.buyerOrgId),
      supplierOrgId: String(s.supplierOrgId),
      amount: money(s.amount),
      invoiced: money(s.invoiced),
      remaining: money((s.amount as bigint) - (s.invoiced as bigint)),
      currency: getAddress(issued.args.currency) === getAddress(token) ? CURRENCY : issued.args.currency,
      reference: plain(issued.args.referenceCommitment),
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
  indexedRow: (db, id, scope) => getInvoice(db, id, scope),
  project: (r) => {
    const i = r as ReturnType<typeof getInvoice> & object;
    return {
      status: i.status, orderId: i.orderId, invoiceNumber: i.invoiceNumber, supplierOrgId: i.supplierOrgId, buyerOrgId: i.buyerOrgId,
      amount: i.amount, paid: i.paid, outstanding: i.outstanding, dueDate: i.dueDate, documentHash: i.documentHash,
      financingRequestId: i.financingRequestId, financed: i.financed,
      dispute: i.dispute ? { reasonCode: i.dispute.reasonCode, reasonHash: i.dispute.reasonHash } : null,
    };
  },
  views: (id) => [["invoice", [id]]],
  more: (_id, [i]) => {
    const fr = (i[0] as Result).financingRequestId as bigint;
    return fr === 0n ? [] : [["financingRequest", [fr]]];
  },
  events: ["InvoiceIssued", "InvoiceDisputed"],
  onChain(_id, [i], second, logs, { plain }) {
    const s = i[0] as Result;
    const issued = last(logs, "InvoiceIssued");
    if (Number(s.status) === 0 || !issued) return null;
    const status = INVOICE_STATUS[Number(s.status)];
    const fr = s.financingRequestId as bigint;
    const frStatus = fr === 0n ? null : FINANCING_STATUS[Number((second[0][0] as Result).status)];
    const disputed = last(logs, "InvoiceDisputed");
    return {
      status,
      orderId: String(s.orderId),
      invoiceNumber: plain(issued.args.numberCommitment),
      supplierOrgId: String(s.supplierOrgId),
      buyerOrgId: String(s.buyerOrgId),
      amount: money(s.amount),
      paid: money(s.paid),
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
  indexedRow: (db, id, scope) => {
    const f = getFinancingRequest(db, id, scope);
    return f && f.noteId === null ? f : undefined;
  },
  project: (r) => {
    const f = r as ReturnType<typeof getFinancingRequest> & object;
    return {
      status: f.status, invoiceId: f.invoiceId, bankOrgId: f.bankOrgId, supplierOrgId: f.supplierOrgId, buyerOrgId: f.buyerOrgId,
      amount: f.amount, path: f.path, approvalsRequired: f.approvalsRequired, approvals: f.approvals.map((a) => a.officer),
      discountRateBps: f.discountRateBps, requestedAt: f.requestedAt, decidedAt: f.decidedAt, disbursedAt: f.disbursedAt,
      discount: f.discount, netAmount: f.netAmount, repaid: f.repaid, outstanding: f.outstanding, rejection: f.rejection,
    };
  },
  views: (id) => [["financingRequest", [id]], ["repaidOf", [id]]],
  more: (_id, [f]) => [["invoice", [(f[0] as Result).invoiceId]]],
  events: ["FinancingDisbursed", "FinancingRejected"],
  onChain(_id, [f, repaidOf], [inv], logs, { reveal }) {
    const s = f[0] as Result;
    if (Number(s.status) === 0) return null;
    const status = FINANCING_STATUS[Number(s.status)];
    const i = inv[0] as Result;
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
      amount: money(s.amount),
      path: s.fastTrack ? "fast-track" : "maker-checker",
      approvalsRequired: s.fastTrack ? 1 : 2,
      approvals: officers,
      discountRateBps: Number(s.discountRateBps),
      requestedAt: ts(s.requestedAt),
      decidedAt: ts(s.decidedAt),
      disbursedAt: ts(s.disbursedAt),
      discount: disbursed ? money(disbursed.args.discount) : null,
      netAmount: disbursed ? money(disbursed.args.netAmount) : null,
      repaid: money(repaidOf.repaid),
      outstanding: money(repaidOf.outstanding),
      rejection:
        status === "rejected"
          ? {
              reasonCode: rejected ? Number(rejected.args.reasonCode) : 0,
              officer: rejected ? String(rejected.args.officer).toLowerCase() : "",
              reason: rejected ? (reveal(rejected.args.reasonCommitment) ?? null) : null,
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
    if (canonical(indexed[field]) !== canonical(onChain[field])) out.push({ field, indexed: indexed[field] ?? null, onChain: onChain[field] ?? null });
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
}

/** Where the RowReader's code is placed for a call (an address nothing is deployed at). */
const READER_ADDRESS = "0x00000000000000000000000000000000526f7752";
const readerInterface = RowReader__factory.createInterface();
/** The RowReader's runtime code (the compiler's artifact). */
const READER_CODE = (RowReaderArtifact as { deployedBytecode: string }).deployedBytecode;
/** View calls per RowReader call. */
const READER_CHUNK = 250;
/** Whether the node takes eth_call's state override (false after a node refused it: then one eth_call per view). */
let overrideWorks = true;

async function viewRound(chain: ChainReader, ledger: string, tag: string, calls: ViewCall[]): Promise<Result[]> {
  if (calls.length === 0) return [];
  if (overrideWorks && calls.length > 1) {
    try {
      const chunks: ViewCall[][] = [];
      for (let i = 0; i < calls.length; i += READER_CHUNK) chunks.push(calls.slice(i, i + READER_CHUNK));
      const answers = await Promise.all(
        chunks.map(async (chunk) => {
          const data = readerInterface.encodeFunctionData("read", [ledger, chunk.map(([fn, args]) => ledgerInterface.encodeFunctionData(fn, args))]);
          const out = (await chain.send("eth_call", [{ to: READER_ADDRESS, data }, tag, { [READER_ADDRESS]: { code: READER_CODE } }])) as string;
          const [results] = readerInterface.decodeFunctionResult("read", out) as unknown as [string[]];
          return results.map((r, i) => ledgerInterface.decodeFunctionResult(chunk[i][0], r));
        }),
      );
      return answers.flat();
    } catch (err) {
      if (!/override|invalid|unknown|params/i.test(String((err as Error).message))) throw err;
      overrideWorks = false;
    }
  }
  return Promise.all(
    calls.map(async ([fn, args]) => {
      const data = ledgerInterface.encodeFunctionData(fn, args);
      const out = (await chain.send("eth_call", [{ to: ledger, data }, tag])) as string;
      return ledgerInterface.decodeFunctionResult(fn, out);
    }),
  );
}

/**
 * Proves a batch of rows of one entity type at `block`: two rounds of view calls, sent concurrently (JSON-RPC
 * batches), and one eth_getLogs for all the rows' events. `indexedOf` gives each id's indexed row (or undefined).
 */
export async function proveBatch(
  ctx: ProveContext,
  v: RowVerifier,
  ids: number[],
  block: number,
  indexedOf: (id: number) => object | undefined,
  fromBlock = 0,
): Promise<RowProof[]> {
  if (ids.length === 0) return [];
  const tag = toBeHex(block);
  const firstCalls = ids.map((id) => v.views(id));
  const flatFirst = await viewRound(ctx.chain, ctx.ledger, tag, firstCalls.flat());
  const first: Result[][] = [];
  let k = 0;
  for (const c of firstCalls) {
    first.push(flatFirst.slice(k, k + c.length));
    k += c.length;
  }
  // A record the ledger does not have reads as zeros; its second round is skipped.
  const secondCalls = ids.map((id, n) => (v.more && !isEmpty(first[n]) ? v.more(id, first[n]) : []));
  const flatSecond = await viewRound(ctx.chain, ctx.ledger, tag, secondCalls.flat());
  const second: Result[][] = [];
  k = 0;
  for (const c of secondCalls) {
    second.push(flatSecond.slice(k, k + c.length));
    k += c.length;
  }

  const logs = new Map<number, RecordLog[]>();
  if (v.events.length > 0) {
    const topics0 = v.events.map((e) => ledgerInterface.getEvent(e)!.topicHash);
    const raw = (await ctx.chain.send("eth_getLogs", [
      { address: ctx.ledger, fromBlock: toBeHex(Math.min(fromBlock, block)), toBlock: tag, topics: [topics0, ids.map((id) => zeroPadValue(toBeHex(id), 32))] },
    ])) as { topics: string[]; data: string; blockNumber: string; removed?: boolean }[];
    for (const l of raw) {
      if (l.removed) continue;
      const parsed = ledgerInterface.parseLog({ topics: l.topics, data: l.data });
      if (!parsed) continue;
      const id = Number(BigInt(l.topics[1]));
      let list = logs.get(id);
      if (!list) logs.set(id, (list = []));
      list.push({ name: parsed.name, args: parsed.args, blockNumber: Number(l.blockNumber) });
    }
  }
  return ids.map((id, n) => {
    const row = indexedOf(id);
    const indexed = row ? v.project(row) : null;
    const onChain = isEmpty(first[n]) ? null : v.onChain(id, first[n], second[n], logs.get(id) ?? [], { token: ctx.token, plain: (c) => ctx.reveal?.(c) ?? c, reveal: (c) => ctx.reveal?.(c) });
    const differences = diffFields(indexed, onChain);
    return { entityType: v.entityType, entityId: String(id), match: differences.length === 0, indexed, onChain, differences, block };
  });
}

/** Whether a row's first view call read an empty record (status None). */
function isEmpty(first: Result[]): boolean {
  const s = first[0]?.[0] as Result | undefined;
  return !s || Number(s.status ?? 0) === 0;
}

/**
 * Proves one row for a caller: undefined when the scope may not see it (or the index has no such row); the chain
 * is read at `block` (default: the block the index reflects).
 */
export async function proveRow(ctx: ProveContext, entityType: string, id: string, scope: Scope, block?: number): Promise<RowProof | undefined> {
  const v = ROW_VERIFIERS.get(entityType);
  if (!v) return undefined;
  const row = v.indexedRow(ctx.db, id, scope);
  if (!row) return undefined;
  const at = block ?? indexedHead(ctx.db);
  const [proof] = await proveBatch(ctx, v, [Number(id)], at, () => row);
  return proof;
}

/**
 * Proves the rows of a sweep batch as the system sees them (a sweep is run by an auditor or the operator). The
 * chain's logs are read from the first block the index says the batch's rows were created in: a row the index
 * places too late loses its creating event and shows as a mismatch, so the narrowing cannot hide one.
 */
export function proveIds(ctx: ProveContext, v: RowVerifier, ids: number[], block: number) {
  const first = v.firstBlock(ctx.db, ids);
  return proveBatch(ctx, v, ids, block, (id) => v.indexedRow(ctx.db, String(id), SYSTEM_SCOPE), first);
}

import type { Database } from "../db/sqlite";
import { clampLimit, decodeCursor, encodeCursor, iso, parseId, seqOf, type Page } from "../db/page";
import { eventIdOf, prepared } from "../db/stmt";
import { EventDecoder, jsonArgs, rawLogFromRpc, type TrellisAddresses } from "../chain/abi";
import type { RpcProvider } from "../indexer/indexer";
import type { EntityType } from "../indexer/projections";
import { ancestorsOf, getNote } from "../notes/repo";
import { getFinancingRequest } from "../financing/repo";
import { getInvoice } from "../invoices/repo";
import { getOrder } from "../orders/repo";
import { getPolicy } from "../policy/repo";
import { scopeOrg, seesAll, type Scope } from "../shared/scope";

export type { EntityType };
export const ENTITY_TYPES: readonly EntityType[] = ["order", "invoice", "financing", "organization", "policy", "token", "note"];

/** An audit event as the API shows it. */
export interface AuditEvent {
  id: string;
  chainId: number;
  blockNumber: number;
  blockHash: string;
  logIndex: number;
  txHash: string;
  timestamp: string;
  eventType: string;
  entityType: EntityType;
  entityId: string;
  actor: string | null;
  orgIds: string[];
  args: Record<string, unknown>;
}

export interface EventFilter {
  entityType?: EntityType;
  entityId?: string;
  orgId?: string;
  eventType?: string;
  fromBlock?: number;
  toBlock?: number;
  /** ISO date-time: events in blocks at or after it. */
  from?: string;
  /** ISO date-time: events in blocks at or before it. */
  to?: string;
  limit?: number;
  cursor?: string;
  /** Chain order (default) or newest first. */
  order?: "asc" | "desc";
}

interface EventRow {
  seq: number;
  chain_id: number;
  block_number: number;
  log_index: number;
  block_hash: string;
  tx_hash: string;
  timestamp: number;
  event_type: string;
  entity_type: EntityType;
  entity_id: string;
  actor: string | null;
  org_ids: string;
  args: string;
}

function toEvent(r: EventRow): AuditEvent {
  return {
    id: eventIdOf(r.chain_id, r.seq),
    chainId: r.chain_id,
    blockNumber: r.block_number,
    blockHash: r.block_hash,
    logIndex: r.log_index,
    txHash: r.tx_hash,
    timestamp: iso(r.timestamp),
    eventType: r.event_type,
    entityType: r.entity_type,
    entityId: r.entity_id,
    actor: r.actor,
    orgIds: JSON.parse(r.org_ids) as string[],
    args: JSON.parse(r.args) as Record<string, unknown>,
  };
}

const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/**
 * Builds the query for a filter and scope. The plan is chosen here rather than left to chance: an entity filter
 * drives through `events_entity`, an organisation (the scope's or the filter's) through `event_orgs`' primary key,
 * an event type through `events_type`, and anything else through the seq primary key; the other conditions are
 * checked on the rows that index yields, and every variant is ordered by seq for keyset pagination.
 * Returns null when the filter or scope can match nothing.
 */
function buildQuery(db: Database, filter: EventFilter, scope: Scope, desc: boolean) {
  const params: Record<string, unknown> = {};
  let lo = 0;
  let hi = MAX_SEQ;
  if (filter.fromBlock !== undefined) lo = Math.max(lo, seqOf(Math.max(0, Math.floor(filter.fromBlock)), 0));
  if (filter.toBlock !== undefined) hi = Math.min(hi, seqOf(Math.floor(filter.toBlock) + 1, 0) - 1);
  if (filter.from !== undefined) {
    const t = Date.parse(filter.from);
    if (Number.isNaN(t)) return null;
    // Timestamps never decrease along the chain, so the first block at or after `from` is the lowest such number.
    const b = prepared(db, "SELECT number FROM blocks WHERE timestamp >= ? AND has_logs = 1 ORDER BY timestamp, number LIMIT 1")
      .pluck()
      .get(Math.ceil(t / 1000)) as number | undefined;
    if (b === undefined) return null;
    lo = Math.max(lo, seqOf(b, 0));
  }
  if (filter.to !== undefined) {
    const t = Date.parse(filter.to);
    if (Number.isNaN(t)) return null;
    const b = prepared(db, "SELECT number FROM blocks WHERE timestamp <= ? AND has_logs = 1 ORDER BY timestamp DESC, number DESC LIMIT 1")
      .pluck()
      .get(Math.floor(t / 1000)) as number | undefined;
    if (b === undefined) return null;
    hi = Math.min(hi, seqOf(b + 1, 0) - 1);
  }
  const cursor = decodeCursor(desc ? "events-desc" : "events", filter.cursor);
  if (cursor !== undefined) {
    if (desc) hi = Math.min(hi, cursor - 1);
    else lo = Math.max(lo, cursor + 1);
  }
  if (lo > hi) return null;
  params.lo = lo;
  params.hi = hi;

  const where: string[] = [];
  let scopeOrgId: number | null = null;
  if (!seesAll(scope)) {
    scopeOrgId = scopeOrg(scope);
    if (scopeOrgId === null) return null;
  }
  let filterOrgId: number | null = null;
  if (filter.orgId !== undefined) {
    filterOrgId = parseId(filter.orgId) ?? null;
    if (filterOrgId === null) return null;
  }
  // The organisation that drives the query through event_orgs, and one more that must also be involved.
  const driveOrg = scopeOrgId ?? filterOrgId;
  const alsoOrg = scopeOrgId !== null && filterOrgId !== null && filterOrgId !== scopeOrgId ? filterOrgId : null;

  if (filter.entityType !== undefined) {

    where.push("e.entity_type = @entityType");

    params.entityType = filter.entityType;

  }
  if (filter.entityId !== undefined) {
    where.push("e.entity_id = @entityId");
    params.entityId = String(filter.entityId);
  }
  if (filter.eventType !== undefined) {
    where.push("e.event_type = @eventType");
    params.eventType = filter.eventType;
  }
  if (alsoOrg !== null) {
    where.push("EXISTS (SELECT 1 FROM event_orgs x WHERE x.org_id = @alsoOrg AND x.seq = e.seq)");
    params.alsoOrg = alsoOrg;
  }
  const dir = desc ? "DESC" : "ASC";
  let sql: string;
  if (driveOrg !== null && filter.entityId === undefined) {
    params.org = driveOrg;
    // With a type, the (org_id, event_type, seq) index yields exactly the rows wanted, in order.
    const typed = filter.eventType !== undefined ? " AND eo.event_type = @eventType" : "";
    sql = `SELECT e.* FROM event_orgs eo ${typed ? "INDEXED BY event_orgs_type" : ""} JOIN events e ON e.seq = eo.seq
      WHERE eo.org_id = @org${typed} AND eo.seq BETWEEN @lo AND @hi${where.length ? " AND " + where.join(" AND ") : ""}
      ORDER BY eo.seq ${dir}`;
  } else {
    if (driveOrg !== null) {
      where.push("EXISTS (SELECT 1 FROM event_orgs x WHERE x.org_id = @org AND x.seq = e.seq)");
      params.org = driveOrg;
    }
    // Name the index: its equality columns plus the seq range give the rows in order, and the planner would otherwise
    // sometimes walk the primary key's range and filter.
    const index =
      filter.entityId !== undefined && filter.entityType !== undefined
        ? "INDEXED BY events_entity"
        : filter.eventType !== undefined
          ? "INDEXED BY events_type"
          : filter.entityType !== undefined
            ? "INDEXED BY events_entity_type"
            : "";
    sql = `SELECT e.* FROM events e ${index} WHERE e.seq BETWEEN @lo AND @hi${where.length ? " AND " + where.join(" AND ") : ""}
      ORDER BY e.seq ${dir}`;
  }
  return { sql, params };
}

/** Lists audit events matching the filter that the scope may see (events its organisation is party to). */
export function listEvents(db: Database, filter: EventFilter, scope: Scope): Page<AuditEvent> {
  const limit = clampLimit(filter.limit);
  const desc = filter.order === "desc";
  const q = buildQuery(db, filter, scope, desc);
  if (!q) return { items: [], nextCursor: null };
  const rows = prepared(db, `${q.sql} LIMIT @n`).all({ ...q.params, n: limit + 1 }) as EventRow[];
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return {
    items: page.map(toEvent),
    nextCursor: more ? encodeCursor(desc ? "events-desc" : "events", page[page.length - 1].seq) : null,
  };
}

/**
 * Yields every event matching the filter (ignoring `limit`), for streamed CSV/JSON exports. It reads in pages of
 * 1,000 by keyset rather than holding one SQLite cursor open, so the indexer can keep writing between pages.
 */
export function* iterateEvents(db: Database, filter: EventFilter, scope: Scope): Generator<AuditEvent> {
  let cursor = filter.cursor;
  for (;;) {
    const page = listEvents(db, { ...filter, cursor, limit: 500 }, scope);
    yield* page.items;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

/** Whether the scope may see an entity: the same rule as the entity's own GET. */
export function entityVisible(db: Database, entityType: EntityType, id: string, scope: Scope): boolean {
  switch (entityType) {
    case "order":
      return getOrder(db, id, scope) !== undefined;
    case "invoice":
      return getInvoice(db, id, scope) !== undefined;
    case "financing":
      return getFinancingRequest(db, id, scope) !== undefined;
    case "organization":
      return seesAll(scope) || (scopeOrg(scope) !== null && String(scopeOrg(scope)) === id);
    case "policy":
      return seesAll(scope) || (id !== "0" && getPolicy(db, id, scope) !== undefined);
    case "token":
      return seesAll(scope);
    case "note":
      return getNote(db, id, scope) !== undefined;
    default:
      return false;
  }
}

/**
 * Every event of one entity in chain order (for an invoice, with its order's and its financing requests' events),
 * or undefined when the entity is unknown, has no events, or is outside
 * the scope. Whoever may see an entity sees its whole history, including events other parties caused.
 */
export function entityHistory(db: Database, entityType: EntityType, id: string, scope: Scope): AuditEvent[] | undefined {
  if (!ENTITY_TYPES.includes(entityType) || !entityVisible(db, entityType, id, scope)) return undefined;
  const byEntity = prepared(db, "SELECT * FROM events WHERE entity_type = ? AND entity_id = ? ORDER BY seq");
  const rows = byEntity.all(entityType, id) as EventRow[];
  if (rows.length === 0) return undefined;
  if (entityType === "invoice") {
    // An invoice's story also runs through its order and the financing of its receivable: show every step.
    const orderId = prepared(db, "SELECT order_id FROM invoices WHERE id = ?").pluck().get(Number(id)) as number | undefined;
    const requests = (prepared(db, "SELECT id FROM financing_requests WHERE invoice_id = ?").pluck().all(Number(id)) as number[]).filter(
      (r) => getFinancingRequest(db, String(r), scope) !== undefined,
    );
    const related = [
      ...(orderId !== undefined && getOrder(db, String(orderId), scope) ? [["order", String(orderId)]] : []),
      ...requests.map((r) => ["financing", String(r)]),
    ];
    for (const [type, relatedId] of related) rows.push(...(byEntity.all(type, relatedId) as EventRow[]));
  }
  if (entityType === "note") {
    // A note's story is its tree's path to it (issue, each transfer or split on the way) and its financings.
    const ancestors = ancestorsOf(db, Number(id)).filter((a) => String(a) !== id);
    const requests = (prepared(db, "SELECT id FROM financing_requests WHERE note_id = ?").pluck().all(Number(id)) as number[]).filter(
      (r) => getFinancingRequest(db, String(r), scope) !== undefined,
    );
    for (const a of ancestors) rows.push(...(byEntity.all("note", String(a)) as EventRow[]));
    for (const r of requests) rows.push(...(byEntity.all("financing", String(r)) as EventRow[]));
  }
  if (entityType === "order" || entityType === "invoice" || entityType === "financing" || entityType === "note") {
    // The money moved by a step (disbursement, payment, payout, recourse) is the token's Transfer events of the same
    // transaction: they belong to this history.
    const txs = [...new Set(rows.map((r) => r.tx_hash))];
    const seen = new Set(rows.map((r) => r.seq));
    const transfers = prepared(
      db,
      "SELECT * FROM events WHERE tx_hash IN (SELECT value FROM json_each(?)) AND entity_type = 'token' AND event_type = 'Transfer' ORDER BY seq",
    ).all(JSON.stringify(txs)) as EventRow[];
    rows.push(...transfers.filter((t) => !seen.has(t.seq)));
  }
  rows.sort((x, y) => x.seq - y.seq);
  // Whoever may see the entity sees its whole history (and the transfers of its steps), except private policy entries.
  return rows.map(toEvent).filter((e) => !privatePolicyHidden(e, scope));
}

function privatePolicyHidden(event: AuditEvent, scope: Scope): boolean {
  if (seesAll(scope) || event.entityType !== "policy" || !PRIVATE_POLICY_EVENTS.has(event.eventType)) return false;
  const me = scopeOrg(scope);
  return me === null || !event.orgIds.includes(String(me));
}

/**
 * Policy entries about one counterparty (a supplier's credit limit, a trusted buyer) are that counterparty's and the
 * bank's: another party sees the bank's published terms (BankPolicySet) but not them, as `/banks/{id}/policy` shows.
 * The maker-checker steps (a proposal, its approval or rejection) are the bank's own: others see only the outcome.
 */
const PRIVATE_POLICY_EVENTS = new Set(["CreditLimitSet", "NoteCreditChanged", "TrustedBuyerSet", "PolicyChangeProposed", "PolicyChangeApproved", "PolicyChangeRejected"]);

/** Whether the scope may see one event: the same rule as the record routes, per event. */
export function eventVisible(db: Database, event: AuditEvent, scope: Scope): boolean {
  if (seesAll(scope)) return true;
  const me = scopeOrg(scope);
  if (me !== null && event.orgIds.includes(String(me))) return true;
  if (privatePolicyHidden(event, scope)) return false;
  return entityVisible(db, event.entityType, event.entityId, scope);
}

/** One field on which the index and the chain disagree. */
export interface Difference {
  field: string;
  indexed: unknown;
  onChain: unknown;
}

export interface VerifyResult {
  match: boolean;
  indexed: (AuditEvent & { address: string; topics: string[]; data: string }) | null;
  onChain: {
    blockNumber: number;
    blockHash: string;
    txHash: string;
    logIndex: number;
    address: string;
    topics: string[];
    data: string;
    eventType: string | null;
    args: Record<string, unknown> | null;
  } | null;
  differences: Difference[];
}

const canonical = (v: unknown) => JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x));

/**
 * Re-reads a log from the chain (its transaction receipt) and compares it with what the index holds: the raw log
 * (address, topics, data, block) and the audit row (block, hashes, event type, decoded arguments). Returns
 * undefined when the index has no such event, or the scope may not see it.
 */
export async function verifyEvent(
  db: Database,
  provider: RpcProvider,
  txHash: string,
  logIndex: number,
  scope: Scope,
): Promise<VerifyResult | undefined> {
  const tx = txHash.toLowerCase();
  const row = prepared(db, "SELECT * FROM events WHERE tx_hash = ? AND log_index = ?").get(tx, logIndex) as EventRow | undefined;
  if (!row) return undefined;
  const event = toEvent(row);
  if (!eventVisible(db, event, scope)) return undefined;
  const raw = prepared(db, "SELECT * FROM raw_logs WHERE chain_id = ? AND block_number = ? AND log_index = ?").get(
    row.chain_id,
    row.block_number,
    row.log_index,
  ) as { block_hash: string; tx_hash: string; address: string; topics: string; data: string } | undefined;
  const indexed = {
    ...event,
    address: raw?.address ?? "",
    topics: raw ? (JSON.parse(raw.topics) as string[]) : [],
    data: raw?.data ?? "",
  };

  const receipt = (await provider.send("eth_getTransactionReceipt", [tx])) as { logs: Parameters<typeof rawLogFromRpc>[0][] } | null;
  const rpcLog = receipt?.logs.find((l) => Number(l.logIndex) === logIndex);
  if (!rpcLog) {
    return { match: false, indexed, onChain: null, differences: [{ field: "presence", indexed: true, onChain: false }] };
  }
  const log = rawLogFromRpc(rpcLog);
  const identity = JSON.parse(prepared(db, "SELECT value FROM meta WHERE key = 'identity'").pluck().get() as string) as TrellisAddresses;
  const decoded = new EventDecoder(identity).decode(log);
  const onChain = {
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
    txHash: log.txHash,
    logIndex: log.logIndex,
    address: log.address,
    topics: log.topics,
    data: log.data,
    eventType: decoded?.name ?? null,
    args: decoded ? jsonArgs(decoded.args) : null,
  };
  const differences: Difference[] = [];
  const compare = (field: string, a: unknown, b: unknown) => {
    if (canonical(a) !== canonical(b)) differences.push({ field, indexed: a, onChain: b });
  };
  compare("blockNumber", indexed.blockNumber, onChain.blockNumber);
  compare("blockHash", indexed.blockHash, onChain.blockHash);
  compare("rawBlockHash", raw?.block_hash ?? null, onChain.blockHash);
  compare("address", indexed.address, onChain.address);
  compare("topics", indexed.topics, onChain.topics);
  compare("data", indexed.data, onChain.data);
  compare("eventType", indexed.eventType, onChain.eventType);
  compare("args", indexed.args, onChain.args);
  return { match: differences.length === 0, indexed, onChain, differences };
}

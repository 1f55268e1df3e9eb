import type { Database } from "../../db/sqlite";
import { seqOf } from "../../db/page";
import { jsonArgs, type DecodedEvent, type RawLog } from "../../chain/abi";
import type { DomainEvent } from "../../shared/domain-events";
import type { Attribution, Handlers, ProjectionContext, Reveal } from "./context";
import { financingHandlers } from "./financing";
import { invoiceHandlers } from "./invoices";
import { noteHandlers, noteLedgerHandlers } from "./notes";
import { orderHandlers } from "./orders";
import { policyHandlers } from "./policy";
import { registryHandlers } from "./registry";
import { SharedRows } from "./rows";
import { tokenHandlers } from "./token";
import type { OutboxEvent } from "../../webhooks/outbox";

/** Where each newly projected event goes for webhooks, inside the projection's transaction (webhooks/outbox.ts). */
export interface EventOutbox {
  enqueue(ev: OutboxEvent): unknown;
}

export { ORDER_STATUS, INVOICE_STATUS, FINANCING_STATUS, ORG_KIND, type EntityType } from "./context";

/** A handler as the dispatcher sees it: the decoder's arguments for the event it is registered under. */
type AnyHandler = (args: never, ctx: ProjectionContext) => Attribution | null;

interface AuditRow {
  seq: number;
  chain_id: number;
  block_number: number;
  log_index: number;
  block_hash: string;
  tx_hash: string;
  timestamp: number;
  event_type: string;
  entity_type: string;
  entity_id: string;
  actor: string | null;
  org_ids: string;
  args: string;
}

/**
 * Projects decoded events into the read tables through one handler module per domain (registry, policy, orders,
 * invoices, financing, notes, token), and writes each event's audit row. Every handler is written so that applying the
 * chain's events in order yields the contract's state; the indexer applies a log only when its raw row was newly
 * inserted, so a re-processed range changes nothing, and a rollback replays the surviving raw logs into emptied tables.
 */
export class Projector {
  private readonly ledger = new Map<string, AnyHandler>();
  private readonly token = new Map<string, AnyHandler>();
  private readonly notes = new Map<string, AnyHandler>();
  private readonly insertEvent;
  private readonly insertEventOrg;

  constructor(
    db: Database,
    private readonly chainId: number,
    tokenAddress: string,
    private readonly outbox?: EventOutbox,
    reveal: Reveal = () => undefined,
  ) {
    const rows = new SharedRows(db);
    const ledgerModules: Handlers<object>[] = [
      registryHandlers(db, reveal),
      policyHandlers(db, rows),
      orderHandlers(db, rows, reveal),
      invoiceHandlers(db, rows, reveal),
      financingHandlers(db, rows, reveal),
      noteLedgerHandlers(db, rows),
    ];
    for (const m of ledgerModules) register(this.ledger, m);
    register(this.notes, noteHandlers(db, rows, reveal));
    register(this.token, tokenHandlers(db, rows, tokenAddress));
    this.insertEvent = db.prepare<[AuditRow]>(`INSERT OR REPLACE INTO events (seq, chain_id, block_number, log_index, block_hash,
      tx_hash, timestamp, event_type, entity_type, entity_id, actor, org_ids, args) VALUES (@seq, @chain_id, @block_number,
      @log_index, @block_hash, @tx_hash, @timestamp, @event_type, @entity_type, @entity_id, @actor, @org_ids, @args)`);
    this.insertEventOrg = db.prepare("INSERT OR IGNORE INTO event_orgs (org_id, seq, event_type) VALUES (?, ?, ?)");
  }

  /**
   * Applies one log. `emit` receives the domain events it raises; it is absent when replaying raw logs after a
   * rollback, and then the audit rows of the surviving logs are kept as they are.
   */
  apply(log: RawLog, ev: DecodedEvent, timestamp: number, emit?: (e: DomainEvent) => void): void {
    const handlers = ev.source === "ledger" ? this.ledger : ev.source === "token" ? this.token : ev.source === "notes" ? this.notes : undefined;
    const handler = handlers?.get(ev.name);
    if (!handler) return;
    const seq = seqOf(log.blockNumber, log.logIndex);
    // The decoder built `ev.args` from the same typechain ABI whose OutputObject types the handler's arguments.
    const attribution = handler(ev.args as never, { log, seq, ts: timestamp, emit: emit ?? (() => undefined) });
    if (!emit || !attribution) return;
    const orgIds = [...new Set(attribution.orgIds.filter((o) => o > 0))];
    this.insertEvent.run({
      seq,
      chain_id: this.chainId,
      block_number: log.blockNumber,
      log_index: log.logIndex,
      block_hash: log.blockHash,
      tx_hash: log.txHash,
      timestamp,
      event_type: ev.name,
      entity_type: attribution.entityType,
      entity_id: attribution.entityId,
      actor: attribution.actor,
      org_ids: JSON.stringify(orgIds.map(String)),
      args: JSON.stringify(jsonArgs(ev.args)),
    });
    for (const o of orgIds) this.insertEventOrg.run(o, seq, ev.name);
    // The same organisations that see the event in the audit trail receive it by webhook; the message is written in
    // this transaction, so an event is in the outbox exactly when it is in the index. Never on a replay (no emit).
    this.outbox?.enqueue({
      eventKey: `${this.chainId}:${log.blockNumber}:${log.logIndex}`,
      type: ev.name,
      orgIds: orgIds.map(String),
      occurredAt: timestamp * 1000,
      data: {
        chainId: this.chainId,
        blockNumber: log.blockNumber,
        blockHash: log.blockHash,
        txHash: log.txHash,
        logIndex: log.logIndex,
        entityType: attribution.entityType,
        entityId: attribution.entityId,
        actor: attribution.actor,
        args: jsonArgs(ev.args),
      },
    });
  }
}

function register(into: Map<string, AnyHandler>, handlers: object): void {
  for (const [name, handler] of Object.entries(handlers)) {
    if (into.has(name)) throw new Error(`Two projection modules handle ${name}.`);
    into.set(name, handler as AnyHandler);
  }
}

import type { RawLog } from "../../chain/abi";
import type { DomainEvent } from "../../shared/domain-events";
import type { PayableNotes, SettlementToken, TrellisLedger } from "../../../../typechain-types";
import type { TypedContractEvent } from "../../../../typechain-types/common";

/** On-chain enum values to the API's lower-case words. */
export const ORDER_STATUS = ["none", "issued", "accepted", "rejected", "cancelled"] as const;
export const INVOICE_STATUS = ["none", "issued", "confirmed", "disputed", "cancelled", "overdue", "paid", "noted"] as const;
export const FINANCING_STATUS = ["none", "requested", "approved", "rejected", "withdrawn", "disbursed", "repaid", "defaulted"] as const;
/** IPayableNotes.NoteFinancingStatus to the financing request's words. */
export const NOTE_FINANCING_STATUS = ["none", "requested", "approved", "rejected", "disbursed", "repaid", "defaulted"] as const;
export const ORG_KIND = ["none", "core_enterprise", "supplier", "bank", "auditor"] as const;

export type EntityType = "order" | "invoice" | "financing" | "organization" | "policy" | "token" | "note";

/** How one event shows up in the audit trail. */
export interface Attribution {
  entityType: EntityType;
  entityId: string;
  orgIds: number[];
  actor: string | null;
}

/** The event names of a typechain contract: its filters, without the "Name(type,...)" signature aliases. */
type PlainName<K> = K extends `${string}(${string}` ? never : K;
type OutputOf<E> = E extends TypedContractEvent<infer _In, infer _Out, infer O> ? O : never;
/** Event name -> its typechain `OutputObject` (e.g. `InvoiceConfirmedEvent.OutputObject`). */
export type EventsOf<C extends { filters: object }> = { [K in keyof C["filters"] as PlainName<K>]: OutputOf<C["filters"][K]> };
export type LedgerEvents = EventsOf<TrellisLedger>;
export type TokenEvents = EventsOf<SettlementToken>;
export type NotesEvents = EventsOf<PayableNotes>;

/** What a handler knows about the log it projects. */
export interface ProjectionContext {
  log: RawLog;
  /** The log's audit sequence number (block * 1e6 + logIndex). */
  seq: number;
  /** The block's timestamp, unix seconds. */
  ts: number;
  /** Raises a domain event, published after the batch commits (dropped while replaying after a reorg). */
  emit(event: DomainEvent): void;
}

/** One domain's handlers: each takes the event's typed arguments and returns its audit attribution. */
export type Handlers<E> = { [K in keyof E]?: (args: E[K], ctx: ProjectionContext) => Attribution | null };

/**
 * The plain value behind a salted commitment, when this gateway made it (issue #12); undefined for another
 * gateway's commitments, whose rows then show the commitment itself.
 */
export type Reveal = (commitment: string) => string | undefined;

export const num = (v: bigint): number => Number(v);
export const dec = (v: bigint): string => v.toString();
export const lower = (a: string): string => a.toLowerCase();

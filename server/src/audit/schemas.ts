import { z } from "zod";
import { Address, Bytes32, Cursor, DateTime, page } from "../http/schemas";
import { CalendarDate, Timestamp } from "../shared/dates";

// ---- Requests ----

export const EntityType = z.enum(["order", "invoice", "financing", "organization", "policy", "token", "note"]);
const Num = z.string().regex(/^[0-9]{1,12}$/, "must be a non-negative integer");
/** A block number, given as a string of digits, handed on as a number. */
const BlockNumber = Num.transform(Number);
/** A calendar date or a zoned timestamp, validated strictly (shared/dates.ts) so the filter never rolls a day over. */
const IsoTime = z.union([CalendarDate, Timestamp]);
export const EventFilter = z
  .object({
    entityType: EntityType.optional(),
    entityId: z.string().regex(/^[0-9]{1,10}$/).optional(),
    orgId: z.string().regex(/^[0-9]{1,10}$/).optional(),
    eventType: z.string().regex(/^[A-Za-z]{1,64}$/, "must be an event name such as InvoiceConfirmed").optional(),
    fromBlock: BlockNumber.optional(),
    toBlock: BlockNumber.optional(),
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    cursor: Cursor,
  })
  .strict();
export const ExportQuery = EventFilter.omit({ cursor: true, limit: true }).extend({ format: z.enum(["csv", "json"]) }).strict();
export const VerifyParams = z.object({ txHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a transaction hash"), logIndex: Num }).strict();
export const HistoryParams = z.object({ entityType: EntityType, id: z.string().regex(/^[0-9]{1,10}$/, "must be an id") }).strict();

// ---- Responses ----

/** A ledger event as the audit trail shows it; `id` is "chainId:blockNumber:logIndex"-like and opaque. */
export const AuditEventRecord = z.object({
  id: z.string(),
  chainId: z.number().int(),
  blockNumber: z.number().int().nonnegative(),
  blockHash: Bytes32,
  logIndex: z.number().int().nonnegative(),
  txHash: Bytes32,
  timestamp: DateTime,
  eventType: z.string(),
  entityType: EntityType,
  entityId: z.string(),
  actor: Address.nullable(),
  orgIds: z.array(z.string()),
  args: z.record(z.string(), z.unknown()),
}).meta({ id: "AuditEvent" });
export const AuditEventPage = page(AuditEventRecord);
export const EntityHistory = z.object({ entityType: EntityType, entityId: z.string(), items: z.array(AuditEventRecord) });

const RawLog = { address: z.string(), topics: z.array(Bytes32), data: z.string() };
/** Whether an indexed event matches the chain, field by field. */
export const VerifyResultRecord = z.object({
  match: z.boolean(),
  indexed: AuditEventRecord.extend(RawLog).nullable(),
  onChain: z
    .object({
      blockNumber: z.number().int(),
      blockHash: Bytes32,
      txHash: Bytes32,
      logIndex: z.number().int(),
      ...RawLog,
      eventType: z.string().nullable(),
      args: z.record(z.string(), z.unknown()).nullable(),
    })
    .nullable(),
  differences: z.array(z.object({ field: z.string(), indexed: z.unknown(), onChain: z.unknown() })),
}).meta({ id: "VerifyResult" });

const DurationStats = z.object({ count: z.number().int(), avg: z.number().nullable(), p50: z.number().nullable(), p95: z.number().nullable() });
const DisputeStats = z.object({ count: z.number().int(), open: z.number().int(), resolved: z.number().int(), avgResolutionSeconds: z.number().nullable() });
/** Service levels per bank: volumes, approval rate, fast-track share, time to decision and disputes. */
export const ServiceAnalyticsRecord = z.object({
  generatedAt: DateTime,
  banks: z.array(
    z.object({
      bankOrgId: z.string(),
      bankName: z.string(),
      requests: z.number().int(),
      decided: z.number().int(),
      approved: z.number().int(),
      rejected: z.number().int(),
      withdrawn: z.number().int(),
      disbursed: z.number().int(),
      approvalRate: z.number().nullable().describe("approved / decided, 0..1; null before any decision"),
      fastTrackShare: z.number().nullable().describe("Share of requests that took the fast-track, 0..1"),
      timeToDecisionSeconds: DurationStats,
      disputes: DisputeStats,
    }),
  ),
  disputes: DisputeStats,
}).meta({ id: "ServiceAnalytics" });

// ---- Row proofs and sweeps ----

/** The entity types a row can be proved for (each has a verifier in audit/proofs.ts). */
export const ProvableType = z.enum(["order", "invoice", "financing"]);
export const RowProofParams = z.object({ entityType: ProvableType, id: z.string().regex(/^[1-9][0-9]{0,9}$/, "must be an id") }).strict();
export const RowProofQuery = z.object({ block: BlockNumber.optional() }).strict();
const FieldDifference = z.object({ field: z.string(), indexed: z.unknown(), onChain: z.unknown() });
/** A record proved against the ledger: its compared fields as indexed and as the chain holds them at `block`. */
export const RowProofRecord = z
  .object({
    entityType: z.string(),
    entityId: z.string(),
    match: z.boolean(),
    indexed: z.record(z.string(), z.unknown()).nullable().describe("The row's compared fields as the API returns them"),
    onChain: z.record(z.string(), z.unknown()).nullable().describe("The same fields from the ledger's view functions and events; null when the ledger has no such record"),
    differences: z.array(FieldDifference).describe("One entry per field that differs (field: the API field name)"),
    block: z.number().int().nonnegative().describe("The block the chain was read at"),
  })
  .meta({ id: "RowProof" });
export const SweepRequest = z
  .object({ entityType: ProvableType.optional(), fromBlock: z.number().int().nonnegative().optional(), toBlock: z.number().int().nonnegative().optional() })
  .strict();
export const SweepParams = z.object({ id: z.uuid() }).strict();
export const SweepRecord = z
  .object({
    id: z.string(),
    entityTypes: z.array(z.string()),
    fromBlock: z.number().int(),
    toBlock: z.number().int(),
    block: z.number().int().describe("The block the chain is read at (the index's head when the sweep was asked for)"),
    status: z.enum(["running", "done", "failed"]),
    done: z.boolean(),
    checked: z.number().int().describe("Rows proved so far"),
    mismatchCount: z.number().int(),
    mismatches: z.array(z.object({ entityType: z.string(), entityId: z.string(), fields: z.array(z.string()), differences: z.array(FieldDifference) })),
    error: z.string().nullable(),
    createdAt: DateTime,
    updatedAt: DateTime,
    finishedAt: DateTime.nullable(),
  })
  .meta({ id: "Sweep" });

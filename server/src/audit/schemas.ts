import { z } from "zod";
import { Address, Bytes32, Cursor, DateTime, page } from "../http/schemas";
import { CalendarDate, Timestamp } from "../shared/dates";

// ---- Requests ----

export const EntityType = z.enum(["order", "invoice", "financing", "organization", "policy", "token"]);
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

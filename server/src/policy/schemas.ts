import { z } from "zod";
import { DateTime, Id, Money, MoneyInput, RecordId, WrittenFields } from "../http/schemas";

// ---- Requests ----

const Bps = z.number().int().min(0).max(10_000);
export const PutPolicy = z
  .object({
    advanceRateBps: Bps,
    discountRateBps: Bps,
    fastTrackLimit: MoneyInput,
    trustedBuyers: z.array(Id).max(500).optional(),
    creditLimits: z.array(z.object({ supplierOrgId: Id, limit: MoneyInput }).strict()).max(500).optional(),
  })
  .strict();

// ---- Responses ----

/** A bank's lending policy with its fast-track list and the credit limits it set. */
export const BankPolicyRecord = z.object({
  bankOrgId: RecordId,
  bankName: z.string(),
  advanceRateBps: z.number().int(),
  discountRateBps: z.number().int(),
  fastTrackLimit: Money,
  trustedBuyers: z.array(RecordId),
  creditLimits: z.array(z.object({ supplierOrgId: RecordId, supplierName: z.string(), limit: Money, utilised: Money, available: Money })),
  updatedAt: DateTime.nullable().describe("When an officer last set the policy; null while the bank has none (it lends nothing)"),
}).meta({ id: "BankPolicy" });
export const WrittenBankPolicy = BankPolicyRecord.extend(WrittenFields);

/** A supplier's credit history, one record per bank. */
export const SupplierProfileRecord = z.object({
  supplierOrgId: RecordId,
  supplierName: z.string(),
  creditRecords: z.array(
    z.object({
      bankOrgId: RecordId,
      bankName: z.string(),
      limit: Money,
      utilised: Money,
      available: Money,
      financed: z.number().int(),
      repaidOnTime: z.number().int(),
      repaidLate: z.number().int(),
      overdue: z.number().int(),
      defaulted: z.number().int(),
      overdueOpen: z.number().int(),
      updatedAt: DateTime,
    }),
  ),
}).meta({ id: "SupplierProfile" });

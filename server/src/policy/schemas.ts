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
/** The policy with what the chain's views add: each supplier's fast-track exposure and the treasury's allowance. */
export const BankPolicyView = BankPolicyRecord.extend({
  creditLimits: z.array(
    z.object({
      supplierOrgId: RecordId,
      supplierName: z.string(),
      limit: Money,
      utilised: Money,
      available: Money,
      fastTrackExposure: Money.describe("Open, approved and disbursed-not-repaid fast-track requests of the supplier at this bank"),
      fastTrackHeadroom: Money.describe("How much more may take the fast-track now: the fast-track limit less the exposure"),
    }),
  ),
  ledgerAllowance: Money.describe("What the bank's treasury still allows the ledger to draw; disbursement beyond it is refused"),
}).meta({ id: "BankPolicyView" });
const PolicyChange = z.object({
  kind: z.enum(["rates", "trustedBuyer", "creditLimit"]),
  advanceRateBps: z.number().int().optional(),
  discountRateBps: z.number().int().optional(),
  fastTrackLimit: Money.optional(),
  buyerOrgId: RecordId.optional(),
  trusted: z.boolean().optional(),
  supplierOrgId: RecordId.optional(),
  limit: Money.optional(),
});
/** A maker-checker policy proposal: one officer's changes, applied only when a different officer approves. */
export const PolicyProposalRecord = z
  .object({
    id: RecordId,
    bankOrgId: RecordId,
    changes: z.array(PolicyChange),
    proposedBy: z.string(),
    status: z.enum(["pending", "approved", "rejected"]),
    approvedBy: z.string().nullable(),
    proposedAt: DateTime,
    decidedAt: DateTime.nullable(),
  })
  .meta({ id: "PolicyProposal" });
export const ProposedPolicy = z.object({ proposal: PolicyProposalRecord, ...WrittenFields });
export const ApprovedPolicy = z.object({ proposal: PolicyProposalRecord, policy: BankPolicyRecord, ...WrittenFields });
export const PolicyProposalList = z.object({ items: z.array(PolicyProposalRecord) });
export const PolicyProposalParam = z.object({ orgId: z.string().regex(/^[0-9]{1,10}$/), id: z.string().regex(/^[0-9]{1,10}$/) });

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

import { z } from "zod";
import { SearchFields } from "../http/search";
import { FreeText } from "../orders/schemas";
import { Address, Amount, Cursor, DateTime, Id, Limit, Money, OrgId, RecordId, WrittenFields, page } from "../http/schemas";
import { CreateInvoice, WrittenInvoice } from "../invoices/schemas";

// ---- Requests ----

/** An invoice's financing, or a payable note's (issue #11): the same bank rules and the same approval routes. */
export const CreateFinancingRequest = z.union([
  z.object({ invoiceId: Id, bankOrgId: Id, amount: Amount }).strict(),
  z.object({ noteId: Id, bankOrgId: Id, amount: Amount }).strict(),
]);
export const RejectFinancingRequest = z
  .object({ reasonCode: z.number().int().min(0).max(65535).default(0), reason: FreeText(2000).optional() })
  .strict();
export const RepayFinancing = z.object({ amount: Amount }).strict();
export const OneStop = CreateInvoice.extend({ bankOrgId: Id, financingAmount: Amount }).strict();
export const FinancingStatus = z.enum(["requested", "approved", "rejected", "withdrawn", "disbursed", "repaid", "defaulted"]);
export const ListFinancingQuery = z
  .object({
    status: FinancingStatus.optional(),
    bankOrgId: Id.optional(),
    invoiceId: Id.optional(),
    ...SearchFields,
    sort: z.enum(["newest", "oldest", "amount"]).optional().describe("newest (default), oldest or amount (largest first)"),
    limit: Limit,
    cursor: Cursor,
  })
  .strict();

// ---- Responses ----

/** A financing request as the API shows it. */
export const FinancingRequestRecord = z.object({
  id: RecordId,
  status: FinancingStatus,
  invoiceId: RecordId.describe("The invoice financed; for a note financing, the invoice the note's tree was issued from"),
  noteId: RecordId.nullable().describe("The payable note financed (its holder is the supplier), or null for an invoice financing"),
  bankOrgId: RecordId,
  bankName: z.string(),
  supplierOrgId: RecordId,
  supplierName: z.string(),
  buyerOrgId: RecordId,
  buyerName: z.string(),
  amount: Money,
  path: z.enum(["fast-track", "maker-checker"]),
  approvalsRequired: z.number().int(),
  approvals: z.array(z.object({ officer: Address, at: DateTime })),
  discountRateBps: z.number().int(),
  requestedAt: DateTime,
  decidedAt: DateTime.nullable(),
  disbursedAt: DateTime.nullable(),
  discount: Money.nullable(),
  netAmount: Money.nullable(),
  repaid: Money,
  outstanding: Money,
  rejection: z.object({ reasonCode: z.number().int(), officer: z.string(), reason: z.string().nullable() }).nullable(),
  updatedAt: DateTime,
}).meta({ id: "FinancingRequest" });
export const WrittenFinancingRequest = FinancingRequestRecord.extend(WrittenFields).meta({ id: "WrittenFinancingRequest" });
export const FinancingPage = page(FinancingRequestRecord);

/** A one-stop financing request kept until the buyer confirms its invoice. */
export const FinancingIntentRecord = z.object({
  invoiceId: RecordId,
  bankOrgId: OrgId,
  amount: Money,
  status: z.enum(["awaiting_confirmation", "submitted", "failed"]),
  financingRequestId: RecordId.nullable(),
  error: z.string().nullable(),
  createdAt: DateTime,
  updatedAt: DateTime,
}).meta({ id: "FinancingIntent" });
export const OneStopFiled = z.object({ invoice: WrittenInvoice, financingIntent: FinancingIntentRecord, financingRequest: z.null() });
export const OneStopStatus = z.object({ financingIntent: FinancingIntentRecord, financingRequest: FinancingRequestRecord.nullable() });

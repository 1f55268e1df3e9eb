import { z } from "zod";
import { SearchFields } from "../http/search";
import { DISPUTE_CATEGORIES } from "../disputes/schemas";
import { FreeText } from "../orders/schemas";
import { Amount, Bytes32, Cursor, DateTime, DueDate, Hash, Id, Limit, Money, RecordId, WrittenFields, page } from "../http/schemas";

// ---- Requests ----

/** Any Unicode (it reaches the chain only as a keyed hash and a salted commitment), at most 64 characters. */
export const InvoiceNumber = FreeText(64);
export const CreateInvoice = z
  .object({
    orderId: Id,
    invoiceNumber: InvoiceNumber,
    amount: Amount,
    dueDate: DueDate,
    documentHash: Hash,
    correctionOf: Id.optional().describe(
      "The invoice (yours) this one corrects: the document of a live invoice backs no other invoice (409 DUPLICATE_DOCUMENT) unless the new one says it corrects it",
    ),
  })
  .strict();
const DisputeFields = {
  reasonCode: z.number().int().min(0).max(65535).default(0),
  category: z.enum(DISPUTE_CATEGORIES).default("other"),
  reason: FreeText(2000),
  reasonHash: Hash.describe("The hash of a reasoning kept elsewhere; computed from `reason` when omitted"),
};
/** A reason, or the hash of one kept elsewhere: said as two shapes, so that the OpenAPI document says it too. */
export const DisputeInvoice = z.union([
  z.object({ ...DisputeFields, reasonHash: DisputeFields.reasonHash.optional() }).strict(),
  z.object({ ...DisputeFields, reason: DisputeFields.reason.optional() }).strict(),
]);
export const PayInvoice = z.object({ amount: Amount }).strict();
export const InvoiceStatus = z.enum(["issued", "confirmed", "disputed", "cancelled", "overdue", "paid", "noted"]);
export const ListInvoicesQuery = z.object({ status: InvoiceStatus.optional(), orderId: Id.optional(), ...SearchFields, limit: Limit, cursor: Cursor }).strict();

// ---- Responses ----

/** An invoice as the API shows it. */
export const InvoiceRecord = z.object({
  id: RecordId,
  status: InvoiceStatus,
  orderId: RecordId,
  invoiceNumber: z.string(),
  supplierOrgId: RecordId,
  supplierName: z.string(),
  buyerOrgId: RecordId,
  buyerName: z.string(),
  amount: Money,
  paid: Money,
  outstanding: Money,
  dueDate: DateTime,
  documentHash: Bytes32,
  financingRequestId: RecordId.nullable(),
  financed: z.boolean(),
  noteId: RecordId.nullable().describe("The payable note the invoice is settled through (status noted), or null"),
  dispute: z
    .object({ reasonCode: z.number().int(), reasonHash: z.string().describe("The salted commitment on the chain"), reason: z.string().nullable() })
    .nullable(),
  createdAt: DateTime,
  confirmedAt: DateTime.nullable(),
  updatedAt: DateTime,
}).meta({ id: "Invoice" });
export const WrittenInvoice = InvoiceRecord.extend(WrittenFields).meta({ id: "WrittenInvoice" });
export const InvoicePage = page(InvoiceRecord);

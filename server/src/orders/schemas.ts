import { z } from "zod";
import { SearchFields } from "../http/search";
import { Amount, Bytes32, Cursor, DateTime, DueDate, Hash, Id, Limit, Money, RecordId, WrittenFields, page } from "../http/schemas";

// ---- Requests ----

/**
 * Free text that reaches the chain only as a salted commitment, so any Unicode is allowed ("采购单-2027-007"): NFC
 * normalised, trimmed, without control characters, at most `max` characters.
 */
export const FreeText = (max: number) =>
  z
    .string()
    .transform((v) => v.normalize("NFC").trim())
    .pipe(z.string().min(1).max(max).regex(/^[^\p{Cc}\p{Cs}]+$/u, "must not contain control characters"));
const Reference = FreeText(120);
export const CreateOrder = z
  .object({ supplierOrgId: Id, amount: Amount, reference: Reference, dueDate: DueDate, documentHash: Hash.optional() })
  .strict();
export const RejectOrder = z.object({ reasonCode: z.number().int().min(0).max(65535).optional(), note: FreeText(2000).optional() }).strict();
export const OrderStatus = z.enum(["issued", "accepted", "rejected", "cancelled"]);
export const ListOrdersQuery = z.object({ status: OrderStatus.optional(), ...SearchFields, limit: Limit, cursor: Cursor }).strict();

// ---- Responses ----

/** An order as the API shows it. */
export const OrderRecord = z.object({
  id: RecordId,
  status: OrderStatus,
  buyerOrgId: RecordId,
  buyerName: z.string(),
  supplierOrgId: RecordId,
  supplierName: z.string(),
  amount: Money,
  invoiced: Money,
  remaining: Money,
  currency: z.string(),
  reference: z.string(),
  rejection: z.object({ reasonCode: z.number().int(), note: z.string().nullable() }).nullable(),
  dueDate: DateTime,
  documentHash: Bytes32,
  createdAt: DateTime,
  updatedAt: DateTime,
}).meta({ id: "Order" });
export const WrittenOrder = OrderRecord.extend(WrittenFields).meta({ id: "WrittenOrder" });
export const OrderPage = page(OrderRecord);

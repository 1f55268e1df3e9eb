import { z } from "zod";
import { Amount, Bytes32, Cursor, DateTime, DueDate, Hash, Id, Limit, Money, RecordId, WrittenFields, page } from "../http/schemas";

// ---- Requests ----

const Reference = z.string().min(1).max(31).regex(/^[\x20-\x7E]+$/, "must be printable ASCII (at most 31 characters)");
export const CreateOrder = z
  .object({ supplierOrgId: Id, amount: Amount, reference: Reference, dueDate: DueDate, documentHash: Hash.optional() })
  .strict();
export const RejectOrder = z.object({ reasonCode: z.number().int().min(0).max(65535).optional() }).strict();
export const OrderStatus = z.enum(["issued", "accepted", "rejected", "cancelled"]);
export const ListOrdersQuery = z.object({ status: OrderStatus.optional(), limit: Limit, cursor: Cursor }).strict();

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
  dueDate: DateTime,
  documentHash: Bytes32,
  createdAt: DateTime,
  updatedAt: DateTime,
}).meta({ id: "Order" });
export const WrittenOrder = OrderRecord.extend(WrittenFields).meta({ id: "WrittenOrder" });
export const OrderPage = page(OrderRecord);

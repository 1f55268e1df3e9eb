import { z } from "zod";
import { Bytes32, DateTime, OrgId, RecordId } from "../http/schemas";

export const DISPUTE_CATEGORIES = ["quantity", "quality", "pricing", "delivery", "duplicate", "decision", "fees", "service", "other"] as const;

// ---- Requests ----

export const ListDisputesQuery = z.object({ status: z.enum(["open", "answered"]).optional() }).strict();
export const RespondToDispute = z.object({ response: z.string().min(1).max(4000) }).strict();
export const FinancingComplaint = z.object({ category: z.enum(DISPUTE_CATEGORIES), reason: z.string().min(1).max(2000) }).strict();

// ---- Responses ----

/** A dispute (on an invoice) or complaint (about a bank's decision) with its 48-hour response clock. */
export const ComplaintRecord = z.object({
  id: RecordId,
  kind: z.enum(["invoice_dispute", "financing_complaint", "bank_complaint"]),
  category: z.enum(DISPUTE_CATEGORIES),
  subjectType: z.enum(["invoice", "financing", "organization"]),
  subjectId: RecordId,
  raisedByOrgId: OrgId,
  assignedOrgId: OrgId,
  reason: z.string(),
  reasonHash: Bytes32,
  txHash: Bytes32.nullable(),
  status: z.enum(["open", "answered"]),
  openedAt: DateTime,
  respondBy: DateTime,
  clock: z.enum(["within_48h", "past_48h", "answered_in_time", "answered_late"]),
  response: z.string().nullable(),
  respondedAt: DateTime.nullable(),
  responseSeconds: z.number().int().nullable(),
}).meta({ id: "Complaint" });
export const ComplaintList = z.object({ items: z.array(ComplaintRecord), nextCursor: z.null() });
/** What filing a complaint answers: its id, and whom it went to. */
export const ComplaintOpened = z.object({
  id: RecordId,
  status: z.literal("open"),
  subjectType: z.literal("financing"),
  subjectId: RecordId,
  assignedOrgId: OrgId,
});

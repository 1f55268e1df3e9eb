import { z } from "zod";
import { FreeText } from "../orders/schemas";
import { SearchFields } from "../http/search";
import { Amount, Bytes32, Cursor, DateTime, Hash, Id, Limit, Money, OrgId, RecordId, WrittenFields, page } from "../http/schemas";

// ---- Requests ----

export const IssueNote = z.object({ invoiceId: Id }).strict();
export const TransferNote = z
  .object({
    toOrgId: Id,
    amount: Amount,
    tradeReference: FreeText(200)
      .pipe(z.string().min(1, "is required"))
      .describe("The contract or invoice between holder and recipient (or its hash); it reaches the chain only as a salted commitment"),
    documentHash: Hash.optional(),
  })
  .strict();
export const SplitNote = z.object({ amounts: z.array(Amount).min(2).max(10) }).strict();
export const PayNoteTree = z.object({ amount: Amount }).strict();
export const NoteStatus = z.enum(["active", "retired", "financing", "financed", "paid", "overdue", "defaulted"]);
export const ListNotesQuery = z
  .object({
    holderOrgId: Id.optional(),
    issuerOrgId: Id.optional(),
    rootId: Id.optional(),
    status: NoteStatus.optional(),
    ...SearchFields,
    limit: Limit,
    cursor: Cursor,
  })
  .strict();

// ---- Responses ----

/** A payable note as the API shows it. */
export const NoteRecord = z
  .object({
    id: RecordId,
    rootId: RecordId,
    parentId: RecordId.nullable(),
    invoiceId: RecordId,
    issuerOrgId: OrgId,
    issuerName: z.string(),
    holderOrgId: OrgId,
    holderName: z.string(),
    face: Money,
    paid: Money,
    outstanding: Money,
    maturity: DateTime,
    status: NoteStatus,
    financingRequestId: RecordId.nullable(),
    tradeReference: z.string().nullable().describe("The plain trade reference where this gateway holds it, else its commitment; null on a root or a kept remainder"),
    createdAt: DateTime,
    updatedAt: DateTime,
  })
  .meta({ id: "Note" });
export const WrittenNote = NoteRecord.extend(WrittenFields).meta({ id: "WrittenNote" });
export const NotePage = page(NoteRecord);

type NodeShape = z.infer<typeof NoteRecord> & { children: NodeShape[] };
/** A note with its children, as far as the caller may see the tree. */
export const NoteNode: z.ZodType<NodeShape> = NoteRecord.extend({
  get children() {
    return z.array(NoteNode);
  },
}).meta({ id: "NoteNode" });
export const NoteTree = z.object({ root: NoteNode });

export const NoteTransferred = z.object({ transferred: NoteRecord, remainder: NoteRecord.nullable(), ...WrittenFields });
export const NoteSplitResult = z.object({ items: z.array(NoteRecord), ...WrittenFields });
export const NotePayout = z.object({ noteId: RecordId, orgId: OrgId, amount: Money }).meta({ id: "NotePayout" });
export const NoteTreePaid = z.object({
  note: NoteRecord,
  payouts: z.array(NotePayout),
  /** Every transaction of the payment: the payment with its first page of clearing, then each further page. */
  transactions: z.array(z.object({ txHash: Bytes32, blockNumber: z.number().int().nonnegative() })),
  ...WrittenFields,
});

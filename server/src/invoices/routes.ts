import { encodeBytes32String } from "ethers";
import { z } from "zod";
import { toMinor } from "../shared/money";
import { sha256Hex } from "../shared/hash";
import { actOn, eventArg, toUnixSeconds, visible, writeThenRead } from "../http/write";
import { Amount, Cursor, DueDate, Hash, Id, IdParam, Limit, route } from "../http/route";
import { badRequest } from "../http/errors";
import { openComplaint, DISPUTE_CATEGORIES } from "../disputes/service";
import type { Ctx } from "../http/route";

export const InvoiceNumber = z.string().min(1).max(31).regex(/^[\x21-\x7E][\x20-\x7E]*$/, "must be printable ASCII (at most 31 characters)");
export const CreateInvoice = z
  .object({ orderId: Id, invoiceNumber: InvoiceNumber, amount: Amount, dueDate: DueDate, documentHash: Hash })
  .strict();
const Dispute = z
  .object({
    reasonCode: z.number().int().min(0).max(65535).default(0),
    category: z.enum(DISPUTE_CATEGORIES).default("other"),
    reason: z.string().min(1).max(2000).optional(),
    reasonHash: Hash.optional().describe("The hash of a reasoning kept elsewhere; computed from `reason` when omitted"),
  })
  .strict()
  .refine((d) => d.reason !== undefined || d.reasonHash !== undefined, { message: "give a reason (or the reasonHash of one)", path: ["reason"] });
const Payment = z.object({ amount: Amount }).strict();
const ListQuery = z
  .object({
    status: z.enum(["issued", "confirmed", "disputed", "cancelled", "overdue", "paid"]).optional(),
    orderId: Id.optional(),
    limit: Limit,
    cursor: Cursor,
  })
  .strict();

/** Issues an invoice as the supplier (also used by one-stop). */
export async function issueInvoice(ctx: Ctx, b: z.infer<typeof CreateInvoice>, step: number) {
  visible(ctx.services.read.getOrder(b.orderId, ctx.scope), `Order ${b.orderId}`);
  const due = toUnixSeconds(b.dueDate);
  if (due <= Date.now() / 1000) throw badRequest("The due date must be in the future.");
  return writeThenRead(
    ctx,
    "ledger",
    "issueInvoice",
    [b.orderId, encodeBytes32String(b.invoiceNumber), toMinor(b.amount), due, b.documentHash],
    step,
    eventArg("InvoiceIssued", "invoiceId"),
    (id) => ctx.services.read.getInvoice(id, ctx.scope),
  );
}

const simple = (action: string, fn: string, roles: ("buyer" | "supplier")[], summary: string) =>
  route({
    method: "post",
    path: `/invoices/:id/${action}`,
    summary,
    tag: "invoices",
    roles,
    params: IdParam,
    handler: async (ctx) => {
      const id = ctx.params.id as string;
      const out = await actOn(ctx, "invoice", fn);
      if (fn !== "confirmInvoice") return out;
      // The indexed confirmation submitted any one-stop request waiting for it (financing/intents.ts) before actOn's
      // wait for the block returned, so the invoice read now names that request.
      return { ...out, ...ctx.services.read.getInvoice(id, ctx.scope) };
    },
  });

export const invoiceRoutes = [
  route({
    method: "post",
    path: "/invoices",
    summary: "Issue an invoice against an accepted order (supplier)",
    tag: "invoices",
    roles: ["supplier"],
    body: CreateInvoice,
    handler: async (ctx) => issueInvoice(ctx, ctx.body, 0),
  }),
  simple("confirm", "confirmInvoice", ["buyer"], "Confirm an invoice: an irrevocable promise to pay (buyer)"),
  simple("withdraw-dispute", "withdrawDispute", ["buyer"], "Withdraw a dispute (buyer)"),
  simple("cancel", "cancelInvoice", ["supplier"], "Cancel an issued or disputed invoice (supplier)"),
  route({
    method: "post",
    path: "/invoices/:id/dispute",
    summary: "Dispute an invoice with a category and reason (buyer); opens a 48-hour complaint for the supplier",
    tag: "invoices",
    roles: ["buyer"],
    params: IdParam,
    body: Dispute,
    handler: async (ctx) => {
      const b = ctx.body as z.infer<typeof Dispute>;
      const reasonHash = b.reasonHash ?? sha256Hex(b.reason!);
      const out = await actOn(ctx, "invoice", "disputeInvoice", [b.reasonCode, reasonHash]);
      openComplaint(ctx, {
        kind: "invoice_dispute",
        category: b.category,
        subjectType: "invoice",
        subjectId: out.id,
        assignedOrg: out.supplierOrgId,
        reason: b.reason ?? `(reason kept off-platform, hash ${reasonHash})`,
        reasonHash,
        txHash: out.txHash,
      });
      return out;
    },
  }),
  route({
    method: "post",
    path: "/invoices/:id/payments",
    summary: "Pay an invoice in full or in part (buyer); a financed invoice repays the bank first",
    tag: "invoices",
    roles: ["buyer"],
    params: IdParam,
    body: Payment,
    handler: async (ctx) => {
      return actOn(ctx, "invoice", "payInvoice", [toMinor((ctx.body as z.infer<typeof Payment>).amount)]);
    },
  }),
  route({
    method: "post",
    path: "/invoices/:id/mark-overdue",
    summary: "Mark an invoice overdue once its due date plus the grace period has passed unpaid (any party to it)",
    tag: "invoices",
    roles: ["buyer", "supplier", "officer", "operator", "auditor"],
    params: IdParam,
    handler: async (ctx) => {
      return actOn(ctx, "invoice", "markOverdue");
    },
  }),
  route({
    method: "get",
    path: "/invoices",
    summary: "List the invoices your organisation is party to",
    tag: "invoices",
    roles: "any",
    query: ListQuery,
    handler: async (ctx) => ctx.services.read.listInvoices(ctx.query, ctx.scope),
  }),
  route({
    method: "get",
    path: "/invoices/:id",
    summary: "One invoice",
    tag: "invoices",
    roles: "any",
    params: IdParam,
    handler: async (ctx) => visible(ctx.services.read.getInvoice(ctx.params.id, ctx.scope), `Invoice ${ctx.params.id}`),
  }),
];

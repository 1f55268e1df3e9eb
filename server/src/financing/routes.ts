import crypto from "node:crypto";
import { z } from "zod";
import { toMinor } from "../shared/money";
import { eventArg, visible, writeThenRead } from "../http/write";
import { Amount, Cursor, Id, IdParam, Limit, route, type Ctx } from "../http/route";
import { CreateInvoice, issueInvoice } from "../invoices/routes";
import { DISPUTE_CATEGORIES, openComplaint } from "../disputes/service";

const CreateRequest = z.object({ invoiceId: Id, bankOrgId: Id, amount: Amount }).strict();
const Reject = z.object({ reasonCode: z.number().int().min(0).max(65535), reason: z.string().max(2000).optional() }).strict();
const Complaint = z.object({ category: z.enum(DISPUTE_CATEGORIES), reason: z.string().min(1).max(2000) }).strict();
const OneStop = CreateInvoice.extend({ bankOrgId: Id, financingAmount: Amount }).strict();
const ListQuery = z
  .object({
    status: z.enum(["requested", "approved", "rejected", "withdrawn", "disbursed", "repaid", "defaulted"]).optional(),
    bankOrgId: Id.optional(),
    invoiceId: Id.optional(),
    limit: Limit,
    cursor: Cursor,
  })
  .strict();

async function requestFinancing(ctx: Ctx, invoiceId: string, bankOrgId: string, amount: string, step: number) {
  visible(ctx.services.read.getInvoice(invoiceId, ctx.scope), `Invoice ${invoiceId}`);
  return writeThenRead(ctx, "ledger", "requestFinancing", [invoiceId, bankOrgId, toMinor(amount)], step, eventArg("FinancingRequested", "requestId"), (id) =>
    ctx.services.read.getFinancing(id, ctx.scope),
  );
}

const officerAction = (action: "approve" | "disburse" | "reject", fn: string, summary: string) =>
  route({
    method: "post",
    path: `/financing-requests/:id/${action}`,
    summary,
    tag: "financing",
    roles: ["officer"],
    params: IdParam,
    body: action === "reject" ? Reject : undefined,
    handler: async (ctx) => {
      const id = ctx.params.id as string;
      visible(ctx.services.read.getFinancing(id, ctx.scope), `Financing request ${id}`);
      let args: unknown[] = [id];
      if (action === "reject") {
        const b = ctx.body as z.infer<typeof Reject>;
        const hash = "0x" + crypto.createHash("sha256").update(b.reason ?? "").digest("hex");
        args = [id, b.reasonCode, hash];
      }
      return writeThenRead(ctx, "ledger", fn, args, 0, () => id, (i) => ctx.services.read.getFinancing(i, ctx.scope));
    },
  });

export const financingRoutes = [
  route({
    method: "post",
    path: "/financing-requests",
    summary: "Request financing of a confirmed invoice from a bank (supplier)",
    tag: "financing",
    roles: ["supplier"],
    body: CreateRequest,
    handler: async (ctx) => {
      const b = ctx.body as z.infer<typeof CreateRequest>;
      return requestFinancing(ctx, b.invoiceId, b.bankOrgId, b.amount, 0);
    },
  }),
  officerAction("approve", "approveFinancing", "Approve a request (officer of the bank; fast-track needs one, maker-checker two different officers)"),
  officerAction("reject", "rejectFinancing", "Reject a request with a reason code (officer of the bank)"),
  officerAction("disburse", "disburseFinancing", "Pay out the advance less the discount (officer of the bank)"),
  route({
    method: "post",
    path: "/financing-requests/:id/withdraw",
    summary: "Withdraw an undecided request (supplier)",
    tag: "financing",
    roles: ["supplier"],
    params: IdParam,
    handler: async (ctx) => {
      const id = ctx.params.id as string;
      visible(ctx.services.read.getFinancing(id, ctx.scope), `Financing request ${id}`);
      return writeThenRead(ctx, "ledger", "withdrawFinancing", [id], 0, () => id, (i) => ctx.services.read.getFinancing(i, ctx.scope));
    },
  }),
  route({
    method: "post",
    path: "/financing-requests/:id/complaints",
    summary: "Complain about a bank's decision (supplier); routed to the bank with a 48-hour clock",
    tag: "disputes",
    roles: ["supplier"],
    params: IdParam,
    body: Complaint,
    handler: async (ctx) => {
      const fr = visible(ctx.services.read.getFinancing(ctx.params.id, ctx.scope), `Financing request ${ctx.params.id}`);
      const b = ctx.body as z.infer<typeof Complaint>;
      const id = openComplaint(ctx, {
        kind: "financing_complaint",
        category: b.category,
        subjectType: "financing",
        subjectId: fr.id,
        assignedOrg: fr.bankOrgId,
        reason: b.reason,
        reasonHash: "0x" + crypto.createHash("sha256").update(b.reason).digest("hex"),
      });
      return { id: String(id), status: "open", subjectType: "financing", subjectId: fr.id, assignedOrgId: fr.bankOrgId };
    },
  }),
  route({
    method: "post",
    path: "/one-stop",
    summary: "Issue an invoice and request its financing in one call (supplier)",
    tag: "financing",
    roles: ["supplier"],
    body: OneStop,
    handler: async (ctx) => {
      const b = ctx.body as z.infer<typeof OneStop>;
      const { bankOrgId, financingAmount, ...inv } = b;
      const invoice = await issueInvoice(ctx, inv, 0);
      const financingRequest = await requestFinancing(ctx, invoice.id as string, bankOrgId, financingAmount, 1);
      const fresh = ctx.services.read.getInvoice(invoice.id as string, ctx.scope);
      return { invoice: { ...fresh, txHash: invoice.txHash, blockNumber: invoice.blockNumber }, financingRequest };
    },
  }),
  route({
    method: "get",
    path: "/financing-requests",
    summary: "List financing requests visible to you (a bank sees those addressed to it)",
    tag: "financing",
    roles: "any",
    query: ListQuery,
    handler: async (ctx) => ctx.services.read.listFinancing(ctx.query, ctx.scope),
  }),
  route({
    method: "get",
    path: "/financing-requests/:id",
    summary: "One financing request: path, approvals so far, timestamps",
    tag: "financing",
    roles: "any",
    params: IdParam,
    handler: async (ctx) => visible(ctx.services.read.getFinancing(ctx.params.id, ctx.scope), `Financing request ${ctx.params.id}`),
  }),
];

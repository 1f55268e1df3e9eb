import { z } from "zod";
import { toMinor } from "../shared/money";
import { sha256Hex } from "../shared/hash";
import { actOn, eventArg, visible, writeThenRead } from "../http/write";
import { Amount, Cursor, Id, IdParam, Limit, route, type Ctx } from "../http/route";
import type { Role } from "../shared/scope";
import { CreateInvoice, issueInvoice } from "../invoices/routes";
import { DISPUTE_CATEGORIES, openComplaint } from "../disputes/service";
import { AppError } from "../http/errors";
import { intentOf, recordIntent } from "./intents";

const CreateRequest = z.object({ invoiceId: Id, bankOrgId: Id, amount: Amount }).strict();
const Reject = z.object({ reasonCode: z.number().int().min(0).max(65535).default(0), reason: z.string().max(2000).optional() }).strict();
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

/** A write on one financing request by a party to it; only `reject` takes a body (its reason). */
const requestAction = (action: "approve" | "disburse" | "reject" | "withdraw" | "default", fn: string, summary: string, roles: Role[] = ["officer"]) =>
  route({
    method: "post",
    path: `/financing-requests/:id/${action}`,
    summary,
    tag: "financing",
    roles,
    params: IdParam,
    body: action === "reject" ? Reject : undefined,
    handler: async (ctx) => {
      if (action !== "reject") return actOn(ctx, "financing", fn);
      const b = ctx.body as z.infer<typeof Reject>;
      return actOn(ctx, "financing", fn, [b.reasonCode, sha256Hex(b.reason ?? "")]);
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
  requestAction("approve", "approveFinancing", "Approve a request (officer of the bank; fast-track needs one, maker-checker two different officers)"),
  requestAction("reject", "rejectFinancing", "Reject a request with a reason code (officer of the bank)"),
  requestAction("disburse", "disburseFinancing", "Pay out the advance less the discount (officer of the bank)"),
  requestAction("withdraw", "withdrawFinancing", "Withdraw an undecided request (supplier)", ["supplier"]),
  requestAction("default", "declareDefault", "Declare a disbursed request whose invoice is overdue defaulted (officer of the bank)"),
  route({
    method: "post",
    path: "/financing-requests/:id/repayments",
    summary: "Repay the bank directly from the supplier's treasury (recourse)",
    tag: "financing",
    roles: ["supplier"],
    params: IdParam,
    body: z.object({ amount: Amount }).strict(),
    handler: async (ctx) => {
      return actOn(ctx, "financing", "repayFinancing", [toMinor((ctx.body as { amount: string }).amount)]);
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
        reasonHash: sha256Hex(b.reason),
      });
      return { id: String(id), status: "open", subjectType: "financing", subjectId: fr.id, assignedOrgId: fr.bankOrgId };
    },
  }),
  route({
    method: "post",
    path: "/one-stop",
    summary:
      "Issue an invoice and its financing request in one call (supplier). The request is submitted, signed by you, as soon as the buyer confirms the invoice",
    tag: "financing",
    roles: ["supplier"],
    body: OneStop,
    handler: async (ctx) => {
      const b = ctx.body as z.infer<typeof OneStop>;
      const { bankOrgId, financingAmount, ...inv } = b;
      const bank = ctx.services.read.getOrganization(bankOrgId);
      if (!bank || bank.kind !== "bank") throw new AppError("not_found", "NOT_FOUND", `Bank ${bankOrgId} was not found.`);
      if (toMinor(financingAmount) > toMinor(inv.amount)) {
        throw new AppError("unprocessable", "AMOUNT_EXCEEDS_ADVANCE", "The financing amount cannot exceed the invoice amount.");
      }
      const invoice = await issueInvoice(ctx, inv, 0);
      const financingIntent = recordIntent(ctx.services, ctx.user, invoice.id as string, bankOrgId, toMinor(financingAmount));
      return { invoice, financingIntent, financingRequest: null };
    },
  }),
  route({
    method: "get",
    path: "/one-stop/:id",
    summary: "The one-stop financing intent of an invoice: awaiting confirmation, submitted (with its request) or failed",
    tag: "financing",
    roles: "any",
    params: IdParam,
    handler: async (ctx) => {
      visible(ctx.services.read.getInvoice(ctx.params.id, ctx.scope), `Invoice ${ctx.params.id}`);
      const intent = visible(intentOf(ctx.services, ctx.params.id), `One-stop request for invoice ${ctx.params.id}`);
      const financingRequest = intent.financingRequestId ? (ctx.services.read.getFinancing(intent.financingRequestId, ctx.scope) ?? null) : null;
      return { financingIntent: intent, financingRequest };
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

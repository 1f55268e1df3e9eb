import { commit, consortiumKeyOf, invoiceKey } from "../commitments/service";
import type { z } from "zod";
import type { IdempotencyStep } from "../chain/ledger-client";
import { openComplaint } from "../disputes/service";
import type { Services } from "../services";
import { badRequest } from "../shared/errors";
import { sha256Hex } from "../shared/hash";
import { toMinor } from "../shared/money";
import type { Actor } from "../app/actor";
import { actOn, eventArg, toUnixSeconds, visible, writeThenRead, type Target } from "../app/write";
import type { Invoice } from "./repo";
import type { CreateInvoice, DisputeInvoice } from "./schemas";

const invoices = (s: Services, a: Actor): Target<Invoice> => ({ label: "Invoice", read: (id) => s.read.getInvoice(id, a.scope) });

/** Issues an invoice against an order the supplier can see; the due date must be in the future. */
export async function issueInvoice(s: Services, actor: Actor, idem: IdempotencyStep | undefined, input: z.infer<typeof CreateInvoice>) {
  visible(s.read.getOrder(input.orderId, actor.scope), `Order ${input.orderId}`);
  const due = toUnixSeconds(input.dueDate);
  if (due <= Date.now() / 1000) throw badRequest("The due date must be in the future.");
  // The number reaches the chain as a keyed hash (uniqueness) and a salted commitment (disclosure), never as text.
  const key = invoiceKey(consortiumKeyOf(s.config.dataDir), actor.user.orgId, input.invoiceNumber);
  const number = commit(s.gdb, "invoice", "number", input.invoiceNumber);
  const args = [input.orderId, key, number, toMinor(input.amount), due, input.documentHash];
  return writeThenRead(s, actor, idem, { target: "ledger", fn: "issueInvoice", args }, eventArg("InvoiceIssued", "invoiceId"), (id) => invoices(s, actor).read(id));
}

/** Confirms an invoice as its buyer: an irrevocable promise to pay. */
export async function confirmInvoice(s: Services, actor: Actor, idem: IdempotencyStep | undefined, id: string) {
  const out = await actOn(s, actor, idem, invoices(s, actor), id, "confirmInvoice");
  // The indexed confirmation published `invoiceConfirmed`; the one-stop intents module submitted any request waiting
  // for it before actOn's wait for the block returned, so the invoice read now names that request.
  return { ...out, ...visible(s.read.getInvoice(id, actor.scope), `Invoice ${id}`) };
}

export type InvoiceAction = "withdraw-dispute" | "cancel" | "mark-overdue";
const FN: Record<InvoiceAction, string> = { "withdraw-dispute": "withdrawDispute", cancel: "cancelInvoice", "mark-overdue": "markOverdue" };

/** A write on an invoice that takes nothing but its id. */
export async function actOnInvoice(s: Services, actor: Actor, idem: IdempotencyStep | undefined, id: string, action: InvoiceAction) {
  return actOn(s, actor, idem, invoices(s, actor), id, FN[action]);
}

/** Pays an invoice in full or in part as its buyer; a financed invoice repays the bank first (on-chain). */
export async function payInvoice(s: Services, actor: Actor, idem: IdempotencyStep | undefined, id: string, amount: string) {
  return actOn(s, actor, idem, invoices(s, actor), id, "payInvoice", [toMinor(amount)]);
}

/**
 * Disputes an invoice as its buyer: on-chain with a reason code and the reason's hash, and off-chain as a complaint
 * routed to the supplier with a 48-hour clock.
 */
export async function disputeInvoice(s: Services, actor: Actor, idem: IdempotencyStep | undefined, id: string, input: z.infer<typeof DisputeInvoice>) {
  // A reason given here is committed with a fresh salt; a reasonHash is a commitment the buyer made elsewhere.
  const reasonHash = input.reason !== undefined ? commit(s.gdb, "dispute", "reason", input.reason) : input.reasonHash;
  if (reasonHash === undefined) throw badRequest("Give a reason (or the reasonHash of one).");
  const out = await actOn(s, actor, idem, invoices(s, actor), id, "disputeInvoice", [input.reasonCode, reasonHash]);
  openComplaint(s, actor, {
    kind: "invoice_dispute",
    category: input.category,
    subjectType: "invoice",
    subjectId: out.id,
    assignedOrg: out.supplierOrgId,
    reason: input.reason ?? `(reason kept off-platform, hash ${reasonHash})`,
    reasonHash,
    txHash: out.txHash,
  });
  return out;
}

import { ZeroHash } from "ethers";
import { commit, consortiumKeyOf, invoiceKey } from "../commitments/service";
import type { z } from "zod";
import type { IdempotencyStep } from "../chain/ledger-client";
import { openComplaint } from "../disputes/service";
import type { Services } from "../services";
import { badRequest, conflict, unprocessable } from "../shared/errors";
import { KeyedMutex } from "../shared/mutex";
import { IdempotencyRepo } from "../store/idempotency-repo";
import { assertOrgActive } from "../orgs/service";
import { toMinor } from "../shared/money";
import type { Actor } from "../app/actor";
import { actOn, eventArg, toUnixSeconds, visible, writeThenRead, type Target } from "../app/write";
import { liveInvoicesWithDocument, type Invoice } from "./repo";
import type { CreateInvoice, DisputeInvoice } from "./schemas";

const invoices = (s: Services, a: Actor): Target<Invoice> => ({ label: "Invoice", read: (id) => s.read.getInvoice(id, a.scope) });

/**
 * An invoice falls due within sensible terms of its order: not before the order was issued, and not more than
 * `maxTenorDays` (TRELLIS_MAX_INVOICE_TENOR_DAYS, default 365) after the order's own due date. A 30-day order cannot
 * carry an invoice due in the year 9999, which a bank would otherwise be asked to finance.
 */
export function checkInvoiceTerms(order: { id: string; createdAt: string; dueDate: string }, due: number, maxTenorDays: number): void {
  const earliest = Math.floor(Date.parse(order.createdAt) / 1000);
  const latest = Math.floor(Date.parse(order.dueDate) / 1000) + maxTenorDays * 86_400;
  if (due < earliest || due > latest) {
    throw unprocessable(
      "INVOICE_DUE_DATE_OUT_OF_RANGE",
      `An invoice on order ${order.id} must fall due between the order's date and ${maxTenorDays} days after the order's due date.`,
      { earliest: new Date(earliest * 1000).toISOString(), latest: new Date(latest * 1000).toISOString(), maxTenorDays },
    );
  }
}

/**
 * One document, one invoice: a document whose hash a live invoice (any status but cancelled) already carries backs
 * no second invoice, 409 DUPLICATE_DOCUMENT, unless the supplier says the new invoice corrects one of them
 * (`correctionOf`) and every live invoice on that document is its own. The answer names the other invoice only to a
 * caller who may see it. The index is the whole chain, so the rule holds for invoices issued through any gateway;
 * two gateways issuing the same document in the same few seconds can both pass (the chain does not check it).
 * The zero hash means "no document" and is never a duplicate.
 */
export function checkDocument(s: Services, actor: Actor, documentHash: string, correctionOf: string | undefined): void {
  const corrected = correctionOf === undefined ? undefined : visible(s.read.getInvoice(correctionOf, actor.scope), `Invoice ${correctionOf}`);
  const hash = documentHash.toLowerCase();
  if (hash === ZeroHash) return;
  const holders = liveInvoicesWithDocument(s.idb, hash);
  if (holders.length === 0) return;
  const own = (h: { supplierOrgId: string }) => h.supplierOrgId === actor.user.orgId;
  if (corrected && holders.some((h) => h.id === corrected.id) && holders.every(own)) return;
  const other = holders.find((h) => !own(h)) ?? holders[0];
  const seen = s.read.getInvoice(other.id, actor.scope);
  if (!seen) {
    throw conflict("DUPLICATE_DOCUMENT", `The document ${hash} is already anchored to another live invoice; one document backs one invoice.`);
  }
  const hint = own(other) ? ` If this invoice corrects it, say correctionOf: "${other.id}".` : "";
  throw conflict("DUPLICATE_DOCUMENT", `The document ${hash} is already anchored to invoice ${other.id} (${seen.status}).${hint}`, {
    invoiceId: other.id,
    status: seen.status,
  });
}

/** Issues of one document wait for each other in this gateway, so two at once cannot both pass checkDocument. */
const documentLocks = new KeyedMutex();

/**
 * Issues an invoice against an order the supplier can see; the due date must be in the future and within the
 * order's terms (checkInvoiceTerms), and its document must not back another live invoice (checkDocument).
 */
export async function issueInvoice(s: Services, actor: Actor, idem: IdempotencyStep | undefined, input: z.infer<typeof CreateInvoice>) {
  const order = visible(s.read.getOrder(input.orderId, actor.scope), `Order ${input.orderId}`);
  const due = toUnixSeconds(input.dueDate);
  if (due <= Date.now() / 1000) throw badRequest("The due date must be in the future.");
  checkInvoiceTerms(order, due, s.config.maxInvoiceTenorDays);
  return documentLocks.run(input.documentHash.toLowerCase(), async () => {
    // A retried request whose write is already on the chain resumes it: its own invoice is not a duplicate.
    const resumed = idem !== undefined && new IdempotencyRepo(s.gdb).stepTx(idem) !== undefined;
    if (!resumed) checkDocument(s, actor, input.documentHash, input.correctionOf);
    // The number reaches the chain as a keyed hash (uniqueness) and a salted commitment (disclosure), never as text.
    const key = invoiceKey(consortiumKeyOf(s.config.dataDir), actor.user.orgId, input.invoiceNumber);
    const number = commit(s.gdb, "invoice", "number", input.invoiceNumber);
    const args = [input.orderId, key, number, toMinor(input.amount), due, input.documentHash];
    return writeThenRead(s, actor, idem, { target: "ledger", fn: "issueInvoice", args }, eventArg("InvoiceIssued", "invoiceId"), (id) => invoices(s, actor).read(id));
  });
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
 * routed to the supplier with a 48-hour clock. A suspended organisation may not (403 ORG_SUSPENDED), checked before
 * the chain is touched.
 */
export async function disputeInvoice(s: Services, actor: Actor, idem: IdempotencyStep | undefined, id: string, input: z.infer<typeof DisputeInvoice>) {
  assertOrgActive(s, actor.user.orgId);
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

import type { Actor } from "../app/actor";
import { revealer } from "../commitments/service";
import { CURRENCY } from "../orders/repo";
import type { Services } from "../services";
import { formatMinor } from "../shared/money";
import { noteSummary } from "../notes/service";
import type { PendingWrite } from "./context";

/** "360000.00" -> "360,000.00": an amount as a person reads it. */
export function grouped(decimal: string): string {
  const [whole, cents = "00"] = decimal.split(".");
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents.padEnd(2, "0")}`;
}

const money = (minor: unknown) => `${CURRENCY} ${grouped(formatMinor(BigInt(minor as bigint)))}`;

/** The verb of each ledger function a route can call, as the first words of the summary. */
const VERBS: Record<string, string> = {
  approveFinancing: "Approve financing request",
  rejectFinancing: "Reject financing request",
  disburseFinancing: "Disburse financing request",
  repayFinancing: "Repay financing request",
  cancelFinancing: "Cancel financing request",
  requestFinancing: "Request financing for invoice",
  confirmInvoice: "Confirm invoice",
  rejectInvoice: "Reject invoice",
  cancelInvoice: "Cancel invoice",
  payInvoice: "Pay invoice",
  disputeInvoice: "Dispute invoice",
  issueInvoice: "Issue an invoice for order",
  acceptOrder: "Accept order",
  rejectOrder: "Reject order",
  cancelOrder: "Cancel order",
  issueOrder: "Issue an order to",
  setBankPolicy: "Set the bank policy",
  setTrustedBuyer: "Set a trusted buyer",
  setCreditLimit: "Set a credit limit",
};

/**
 * A sentence a person can check before signing, built from the route's ledger call and the records it names:
 * "Approve financing request #7, TDT 360,000.00, Pearl River Parts, Bank A". A call this table does not know reads
 * as its function name and target, so nothing is ever signed without a sentence.
 */
export function summarize(s: Services, actor: Actor, { call }: PendingWrite): string {
  const { fn, args } = call;
  const verb = VERBS[fn];
  // Names, references and numbers reach the chain only as commitments: the plain text is what this gateway keeps.
  const org = (id: unknown) => s.read.getOrganization(String(id))?.name ?? `organisation ${String(id)}`;
  const reveal = revealer(s.gdb);
  const plain = (commitment: unknown) => reveal(String(commitment)) ?? String(commitment);
  const id = String(args[0]);
  try {
    if (call.target === "notes") {
      const sentence = noteSummary(s, actor, fn, args, money, plain);
      if (sentence) return sentence;
    }
    if (fn.endsWith("Financing") && fn !== "requestFinancing") {
      const r = s.read.getFinancing(id, actor.scope);
      if (r) {
        const amount = fn === "repayFinancing" ? `${money(args[1])} of ${CURRENCY} ${grouped(r.amount)}` : `${CURRENCY} ${grouped(r.amount)}`;
        return `${verb} #${id}, ${amount}, ${r.supplierName}, ${r.bankName}`;
      }
    }
    if (fn === "requestFinancing") {
      const inv = s.read.getInvoice(id, actor.scope);
      return `${verb} #${id}${inv ? ` (${inv.invoiceNumber})` : ""}, ${money(args[2])}, at ${org(args[1])}`;
    }
    if (fn.endsWith("Invoice") && fn !== "issueInvoice") {
      const inv = s.read.getInvoice(id, actor.scope);
      if (inv) {
        const amount = fn === "payInvoice" ? `pay ${money(args[1])} of ${CURRENCY} ${grouped(inv.amount)}` : `${CURRENCY} ${grouped(inv.amount)}`;
        return `${verb} #${id} (${inv.invoiceNumber}), ${amount}, ${inv.supplierName} to ${inv.buyerName}`;
      }
    }
    if (fn === "issueInvoice") {
      return `${verb} #${id}: ${plain(args[2])}, ${money(args[3])}`;
    }
    if (fn.endsWith("Order") && fn !== "issueOrder") {
      const o = s.read.getOrder(id, actor.scope);
      if (o) return `${verb} #${id} (${o.reference}), ${CURRENCY} ${grouped(o.amount)}, ${o.buyerName} to ${o.supplierName}`;
    }
    if (fn === "issueOrder") {
      return `${verb} ${org(args[0])}: ${plain(args[4])}, ${money(args[2])}`;
    }
    if (fn === "setBankPolicy") {
      const [advance, discount, limit] = args as [number, number, bigint];
      return `${verb} of ${org(actor.user.orgId)}: advance rate ${Number(advance) / 100}%, discount rate ${Number(discount) / 100}%, fast-track limit ${money(limit)}`;
    }
    if (fn === "setTrustedBuyer") return `${args[1] ? "Trust" : "Stop trusting"} buyer ${org(args[0])} at ${org(actor.user.orgId)}`;
    if (fn === "setCreditLimit") return `${verb} of ${money(args[1])} for ${org(args[0])} at ${org(actor.user.orgId)}`;
    if (call.target === "token" && (fn === "approve" || fn === "transfer")) return `Token ${fn}: ${money(args[1])} to ${String(args[0])}`;
  } catch {
    // A summary never stops a write: fall through to the plain sentence.
  }
  return `${verb ?? `Call ${fn} on the ${call.target}`}${args.length ? ` #${id}` : ""}`;
}

import { ZeroHash } from "ethers";
import { commit } from "../commitments/service";
import type { z } from "zod";
import type { IdempotencyStep } from "../chain/ledger-client";
import { openComplaint } from "../disputes/service";
import type { FinancingComplaint } from "../disputes/schemas";
import { issueInvoice } from "../invoices/service";
import type { Services } from "../services";
import { AppError, unprocessable } from "../shared/errors";
import { noteFinancingChainId, requestNoteFinancing } from "../notes/service";
import { toMinor } from "../shared/money";
import type { Actor } from "../app/actor";
import { sha256Hex } from "../shared/hash";
import { actOn, eventArg, visible, writeThenRead, type Target } from "../app/write";
import { intentOf, recordIntent } from "./intents";
import type { FinancingRequest } from "./repo";
import type { CreateFinancingRequest, OneStop, RejectFinancingRequest } from "./schemas";

const requests = (s: Services, a: Actor): Target<FinancingRequest> => ({
  label: "Financing request",
  read: (id) => s.read.getFinancing(id, a.scope),
});

/** Asks a bank to finance a confirmed invoice the supplier can see, or a live note it holds. */
export async function requestFinancing(s: Services, actor: Actor, idem: IdempotencyStep | undefined, input: z.infer<typeof CreateFinancingRequest>) {
  if ("noteId" in input) return requestNoteFinancing(s, actor, idem, input, (id) => requests(s, actor).read(id));
  visible(s.read.getInvoice(input.invoiceId, actor.scope), `Invoice ${input.invoiceId}`);
  return writeThenRead(
    s,
    actor,
    idem,
    { target: "ledger", fn: "requestFinancing", args: [input.invoiceId, input.bankOrgId, toMinor(input.amount)] },
    eventArg("FinancingRequested", "requestId"),
    (id) => requests(s, actor).read(id),
  );
}

export type RequestAction = "approve" | "disburse" | "withdraw" | "default";
const FN: Record<RequestAction, string> = { approve: "approveFinancing", disburse: "disburseFinancing", withdraw: "withdrawFinancing", default: "declareDefault" };

/** A write on one financing request that takes nothing but its id. */
export async function actOnRequest(s: Services, actor: Actor, idem: IdempotencyStep | undefined, id: string, action: RequestAction) {
  if (isNoteFinancing(s, actor, id)) {
    if (action === "withdraw") throw unprocessable("NOTE_FINANCING_NOT_WITHDRAWABLE", "A note financing cannot be withdrawn; the bank rejects it if it will not finance.");
    return actOn(s, actor, idem, requests(s, actor), id, NOTE_FN[action], [], "notes", noteFinancingChainId(id));
  }
  return actOn(s, actor, idem, requests(s, actor), id, FN[action]);
}

/** The notes contract's function of each action on a note financing (withdrawing one is not a thing). */
const NOTE_FN: Record<Exclude<RequestAction, "withdraw">, string> = { approve: "approveNoteFinancing", disburse: "disburseNoteFinancing", default: "declareNoteDefault" };

/** Whether a visible financing request finances a note (its writes go to the notes contract). */
function isNoteFinancing(s: Services, actor: Actor, id: string): boolean {
  return s.read.getFinancing(id, actor.scope)?.noteId != null;
}

/** Rejects a request as an officer of its bank; the reason reaches the chain only as a salted commitment (or zero). */
export async function rejectRequest(s: Services, actor: Actor, idem: IdempotencyStep | undefined, id: string, input: z.infer<typeof RejectFinancingRequest>) {
  const reason = input.reason ? commit(s.gdb, "financing", "reason", input.reason) : ZeroHash;
  if (isNoteFinancing(s, actor, id)) return actOn(s, actor, idem, requests(s, actor), id, "rejectNoteFinancing", [input.reasonCode, reason], "notes", noteFinancingChainId(id));
  return actOn(s, actor, idem, requests(s, actor), id, "rejectFinancing", [input.reasonCode, reason]);
}

/** Repays the bank directly from the supplier's treasury (recourse). */
export async function repayRequest(s: Services, actor: Actor, idem: IdempotencyStep | undefined, id: string, amount: string) {
  if (isNoteFinancing(s, actor, id)) throw unprocessable("NOTE_FINANCING_REPAID_BY_CLEARING", "A note financing is repaid by clearing its tree when the issuer pays it, not by the holder.");
  return actOn(s, actor, idem, requests(s, actor), id, "repayFinancing", [toMinor(amount)]);
}

/** Files a supplier's complaint about a bank's decision, routed to the bank with a 48-hour clock. */
export function complainAboutRequest(s: Services, actor: Actor, id: string, input: z.infer<typeof FinancingComplaint>) {
  const fr = visible(s.read.getFinancing(id, actor.scope), `Financing request ${id}`);
  const complaintId = openComplaint(s, actor, {
    kind: "financing_complaint",
    category: input.category,
    subjectType: "financing",
    subjectId: fr.id,
    assignedOrg: fr.bankOrgId,
    reason: input.reason,
    reasonHash: sha256Hex(input.reason),
  });
  return { id: String(complaintId), status: "open" as const, subjectType: "financing" as const, subjectId: fr.id, assignedOrgId: fr.bankOrgId };
}

/**
 * One-stop: issues the invoice now and keeps its financing request as an intent, submitted (signed by the supplier)
 * once the buyer has confirmed the invoice.
 */
export async function fileOneStop(s: Services, actor: Actor, idem: IdempotencyStep | undefined, input: z.infer<typeof OneStop>) {
  const { bankOrgId, financingAmount, ...invoiceInput } = input;
  const bank = s.read.getOrganization(bankOrgId);
  if (!bank || bank.kind !== "bank") throw new AppError("not_found", "NOT_FOUND", `Bank ${bankOrgId} was not found.`);
  if (toMinor(financingAmount) > toMinor(invoiceInput.amount)) {
    throw new AppError("unprocessable", "AMOUNT_EXCEEDS_ADVANCE", "The financing amount cannot exceed the invoice amount.");
  }
  const invoice = await issueInvoice(s, actor, idem, invoiceInput);
  const financingIntent = recordIntent(s, actor.user, invoice.id, bankOrgId, toMinor(financingAmount));
  return { invoice, financingIntent, financingRequest: null };
}

/** The one-stop intent of an invoice the actor can see, with the request it became (if it was submitted). */
export function oneStopStatus(s: Services, actor: Actor, invoiceId: string) {
  visible(s.read.getInvoice(invoiceId, actor.scope), `Invoice ${invoiceId}`);
  const intent = visible(intentOf(s, invoiceId), `One-stop request for invoice ${invoiceId}`);
  const financingRequest = intent.financingRequestId ? (s.read.getFinancing(intent.financingRequestId, actor.scope) ?? null) : null;
  return { financingIntent: intent, financingRequest };
}

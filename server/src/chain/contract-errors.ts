import { AppError, type ErrorKind } from "../shared/errors";
import type { DecodedRevert } from "./abi";

type Rule = [kind: ErrorKind, code: string, message: (a: Record<string, string>) => string];

const MINOR = (v: string) => {
  const n = BigInt(v);
  const s = (n < 0n ? -n : n).toString().padStart(3, "0");
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
};

/** A note financing's API id: NOTE_FINANCING_ID_BASE (indexer/projections/notes.ts) + the contract's id. */
const NOTE_FIN = (v: string) => String(1_000_000_000 + Number(v));

/** IOrgRegistry.MemberRole values to words. */
const ROLE: Record<string, string> = { "0": "none", "1": "member", "2": "officer", "3": "admin" };

const RULES: Record<string, Rule> = {
  RegistryUnknownOrg: ["not_found", "NOT_FOUND", (a) => `Organisation ${a.orgId} was not found.`],
  RegistryOrgSuspended: ["unprocessable", "ORG_SUSPENDED", (a) => `Organisation ${a.orgId} is suspended and cannot act or be dealt with.`],
  RegistryWrongOrgKind: ["unprocessable", "WRONG_ORG_KIND", (a) => `Organisation ${a.orgId} is not of the kind this action needs.`],
  RegistryNotMember: ["forbidden", "FORBIDDEN", () => "Your account is not a member of any organisation on the ledger."],
  RegistryAlreadyMember: ["conflict", "ALREADY_MEMBER", (a) => `Account ${a.account} already belongs to organisation ${a.orgId}.`],
  RegistryNotMemberOf: ["not_found", "NOT_FOUND", (a) => `Account ${a.account} is not a member of organisation ${a.orgId}.`],
  RegistryStatusUnchanged: ["conflict", "INVALID_STATUS", (a) => `Organisation ${a.orgId} is already in that status.`],
  RegistryZeroAddress: ["invalid", "VALIDATION_FAILED", () => "An account address is required."],
  RegistryInvalidKind: ["invalid", "VALIDATION_FAILED", () => "That is not a valid organisation kind."],
  RegistryGracePeriodTooLong: ["unprocessable", "RULE_VIOLATION", () => "The grace period may be at most 365 days."],
  AccessControlUnauthorizedAccount: ["forbidden", "FORBIDDEN", () => "Your account lacks the on-chain role for this action."],
  RegistryNotOperator: ["forbidden", "OPERATOR_ONLY", () => "Only the platform operator onboards, suspends or reinstates organisations."],
  RegistryTreasuryInUse: ["conflict", "TREASURY_IN_USE", (a) => `That treasury already belongs to organisation ${a.existingOrgId ?? a.orgId}.`],
  RegistryRoleRequired: ["forbidden", "ROLE_REQUIRED", (a) => `Your role in organisation ${a.orgId} does not allow this (${ROLE[a.required] ?? a.required} needed, you are ${ROLE[a.actual] ?? a.actual}).`],
  RegistryInvalidRole: ["invalid", "VALIDATION_FAILED", () => "That is not a role a member can be given (remove the member instead)."],
  RegistryEmptyKycHash: ["invalid", "VALIDATION_FAILED", () => "The KYC dossier hash is required."],
  RegistryDuplicateKyc: ["conflict", "DUPLICATE_KYC", (a) => `Organisation ${a.existingOrgId} was onboarded with this KYC dossier: one identity, one organisation.`],
  RegistrySecondApprovalRequired: ["forbidden", "SECOND_APPROVAL_REQUIRED", () => "In a bank, an officer or admin needs a proposal and a second member's approval."],
  RegistryLastAdmin: ["conflict", "LAST_ADMIN", (a) => `Organisation ${a.orgId} would be left without an admin.`],
  RegistryTooFewGovernors: ["conflict", "TOO_FEW_GOVERNORS", (a) => `Bank ${a.orgId} would be left with fewer than two governors.`],
  RegistryUnknownProposal: ["not_found", "NOT_FOUND", (a) => `Member proposal ${a.proposalId} was not found.`],
  RegistryProposalDecided: ["conflict", "PROPOSAL_NOT_OPEN", (a) => `Member proposal ${a.proposalId} is already decided.`],
  RegistrySelfApproval: ["forbidden", "SAME_OFFICER", () => "The proposer cannot approve their own proposal; a second governor does."],
  PolicyUnknownProposal: ["not_found", "NOT_FOUND", (a) => `Policy proposal ${a.proposalId} was not found.`],
  PolicyProposalDecided: ["conflict", "PROPOSAL_NOT_OPEN", (a) => `Policy proposal ${a.proposalId} is already decided.`],
  PolicyNotBank: ["not_found", "NOT_FOUND", (a) => `Policy proposal ${a.proposalId} was not found.`],
  PolicySelfApproval: ["forbidden", "SAME_OFFICER", () => "Maker-checker: the officer who proposed a policy change cannot approve it."],
  OrderSelfDealing: ["unprocessable", "SELF_DEALING", () => "An organisation cannot order from itself."],
  InvoiceEmptyKey: ["invalid", "VALIDATION_FAILED", () => "The invoice number is required."],
  FinancingAllowanceTooLow: ["unprocessable", "ALLOWANCE_TOO_LOW", (a) => `Bank ${a.bankOrgId}'s treasury allows the ledger ${MINOR(a.allowance)}, less than the ${MINOR(a.needed)} this disbursement needs; the treasury raises its allowance first.`],
  PolicyRateTooHigh: ["unprocessable", "RULE_VIOLATION", (a) => `A rate of ${a.rateBps} bps is above 100 %.`],
  OrderUnknown: ["not_found", "NOT_FOUND", (a) => `Order ${a.orderId} was not found.`],
  OrderInvalidStatus: ["conflict", "INVALID_STATUS", (a) => `Order ${a.orderId} is not in a status that allows this.`],
  OrderNotBuyer: ["not_found", "NOT_FOUND", (a) => `Order ${a.orderId} was not found.`],
  OrderNotSupplier: ["not_found", "NOT_FOUND", (a) => `Order ${a.orderId} was not found.`],
  OrderZeroAmount: ["invalid", "VALIDATION_FAILED", () => "The amount must be more than zero."],
  OrderDueDateNotInFuture: ["unprocessable", "DUE_DATE_NOT_IN_FUTURE", () => "The due date must be in the future."],
  OrderUnsupportedCurrency: ["invalid", "VALIDATION_FAILED", () => "Orders must be in the ledger's settlement token."],
  InvoiceUnknown: ["not_found", "NOT_FOUND", (a) => `Invoice ${a.invoiceId} was not found.`],
  InvoiceInvalidStatus: ["conflict", "INVALID_STATUS", (a) => `Invoice ${a.invoiceId} is not in a status that allows this.`],
  InvoiceDuplicate: ["conflict", "DUPLICATE_INVOICE", (a) => `This supplier already registered that invoice number (invoice ${a.existingInvoiceId}).`],
  InvoiceAmountExceedsOrder: ["unprocessable", "AMOUNT_EXCEEDS_ORDER", (a) => `The amount ${MINOR(a.requested)} is more than the order's uninvoiced remainder ${MINOR(a.remaining)}.`],
  InvoiceZeroAmount: ["invalid", "VALIDATION_FAILED", () => "The amount must be more than zero."],
  InvoiceDueDateNotInFuture: ["unprocessable", "DUE_DATE_NOT_IN_FUTURE", () => "The due date must be in the future."],
  InvoiceNotBuyer: ["not_found", "NOT_FOUND", (a) => `Invoice ${a.invoiceId} was not found.`],
  InvoiceNotSupplier: ["not_found", "NOT_FOUND", (a) => `Invoice ${a.invoiceId} was not found.`],
  InvoicePaymentExceedsOutstanding: ["unprocessable", "PAYMENT_EXCEEDS_OUTSTANDING", (a) => `The payment ${MINOR(a.amount)} is more than the ${MINOR(a.outstanding)} still owed.`],
  InvoiceNotYetOverdue: ["unprocessable", "NOT_YET_OVERDUE", () => "The invoice is not overdue yet (due date plus grace period)."],
  FinancingUnknown: ["not_found", "NOT_FOUND", (a) => `Financing request ${a.requestId} was not found.`],
  FinancingInvalidStatus: ["conflict", "INVALID_STATUS", (a) => `Financing request ${a.requestId} is not in a status that allows this.`],
  FinancingInvoiceAlreadyFinanced: ["conflict", "INVOICE_ALREADY_FINANCED", (a) => `Invoice ${a.invoiceId} is already held by financing request ${a.requestId}.`],
  FinancingInvoiceNotFinanceable: ["unprocessable", "NOT_FINANCEABLE", (a) => `Invoice ${a.invoiceId} cannot be financed: only confirmed, unpaid invoices before their due date can.`],
  FinancingAmountExceedsAdvance: ["unprocessable", "AMOUNT_EXCEEDS_ADVANCE", (a) => `The amount ${MINOR(a.amount)} is more than the bank's advance rate allows (${MINOR(a.maximum)}).`],
  FinancingAmountExceedsCredit: ["unprocessable", "AMOUNT_EXCEEDS_CREDIT", (a) => `The amount ${MINOR(a.amount)} is more than the supplier's available credit (${MINOR(a.available)}).`],
  FinancingZeroAmount: ["invalid", "VALIDATION_FAILED", () => "The amount must be more than zero."],
  FinancingNotBank: ["not_found", "NOT_FOUND", (a) => `Financing request ${a.requestId} was not found.`],
  FinancingNotSupplier: ["not_found", "NOT_FOUND", (a) => `Financing request ${a.requestId} was not found.`],
  FinancingDuplicateApproval: ["conflict", "DUPLICATE_APPROVAL", () => "You already approved this request; maker-checker needs a second, different officer."],
  FinancingNotOverdue: ["unprocessable", "NOT_OVERDUE", () => "Only a financed invoice marked overdue can be declared defaulted."],
  FinancingRepaymentExceedsOutstanding: ["unprocessable", "PAYMENT_EXCEEDS_OUTSTANDING", (a) => `The repayment ${MINOR(a.amount)} is more than the ${MINOR(a.outstanding)} still owed to the bank.`],
  // Payable notes (issue #11). A note financing's id is shown as the API's (NOTE_FINANCING_ID_BASE + the contract's).
  NoteUnknown: ["not_found", "NOT_FOUND", (a) => `Note ${a.noteId} was not found.`],
  NoteRetired: ["conflict", "NOTE_RETIRED", (a) => `Note ${a.noteId} was transferred or split; its pieces act now.`],
  NotePaid: ["conflict", "NOTE_PAID", (a) => `Note ${a.noteId} is being paid (${MINOR(a.paid)} so far) and can no longer be transferred, split or financed.`],
  NoteNotHolder: ["forbidden", "NOT_HOLDER", (a) => `Your organisation does not hold note ${a.noteId}.`],
  NoteInFinancing: ["conflict", "NOTE_IN_FINANCING", (a) => `Note ${a.noteId} has financing request ${NOTE_FIN(a.financingId)}; a note is financed once and cannot move while financed.`],
  NoteZeroAmount: ["invalid", "VALIDATION_FAILED", () => "The amount must be more than zero."],
  NoteAmountExceedsFace: ["unprocessable", "AMOUNT_EXCEEDS_NOTE", (a) => `The amount ${MINOR(a.amount)} is more than note ${a.noteId}'s face ${MINOR(a.face)}.`],
  NoteEmptyTradeReference: ["invalid", "VALIDATION_FAILED", () => "A transfer needs a trade reference."],
  NoteRecipientNotSupplier: ["unprocessable", "RECIPIENT_NOT_SUPPLIER", (a) => `Organisation ${a.orgId} is not an active supplier other than the holder.`],
  NoteSplitCount: ["invalid", "VALIDATION_FAILED", (a) => `A split makes 2 to ${a.maximum} pieces, not ${a.count}.`],
  NoteSplitSumMismatch: ["unprocessable", "SPLIT_SUM_MISMATCH", (a) => `The pieces add up to ${MINOR(a.sum)}, not note ${a.noteId}'s face ${MINOR(a.face)}.`],
  NoteNotRoot: ["unprocessable", "NOTE_NOT_ROOT", (a) => `Note ${a.noteId} is not the root of its tree; the issuer pays a tree at its root.`],
  NoteNotIssuer: ["forbidden", "NOT_ISSUER", (a) => `Only the issuer of tree ${a.rootId} pays it.`],
  NotePaymentExceedsOutstanding: ["unprocessable", "PAYMENT_EXCEEDS_OUTSTANDING", (a) => `The payment ${MINOR(a.amount)} is more than the ${MINOR(a.outstanding)} still owed on tree ${a.rootId}.`],
  NoteInvalidSteps: ["invalid", "VALIDATION_FAILED", (a) => `A clearing page visits 1 to ${a.maximum} notes.`],
  NoteNotOverdue: ["unprocessable", "NOT_YET_OVERDUE", (a) => `Tree ${a.rootId} cannot be marked overdue: it is paid, already overdue, or its maturity plus the grace period has not passed.`],
  NoteMatured: ["unprocessable", "NOTE_MATURED", (a) => `Note ${a.noteId} is at or past its maturity and can no longer be financed.`],
  NoteActorNotAllowed: ["forbidden", "FORBIDDEN", () => "Your organisation's role may not do this with notes."],
  NoteNotBank: ["not_found", "NOT_FOUND", (a) => `Bank ${a.orgId} was not found.`],
  NoteFinancingUnknown: ["not_found", "NOT_FOUND", (a) => `Financing request ${NOTE_FIN(a.financingId)} was not found.`],
  NoteFinancingInvalidStatus: ["conflict", "INVALID_STATUS", (a) => `Financing request ${NOTE_FIN(a.financingId)} is not in a status that allows this.`],
  NoteFinancingNotBank: ["not_found", "NOT_FOUND", (a) => `Financing request ${NOTE_FIN(a.financingId)} was not found.`],
  NoteFinancingDuplicateApproval: ["conflict", "DUPLICATE_APPROVAL", () => "You already approved this request; maker-checker needs a second, different officer."],
  NoteFinancingExceedsAdvance: ["unprocessable", "AMOUNT_EXCEEDS_ADVANCE", (a) => `The amount ${MINOR(a.amount)} is more than the bank's advance rate allows (${MINOR(a.maximum)}).`],
  NoteFinancingExceedsCredit: ["unprocessable", "AMOUNT_EXCEEDS_CREDIT", (a) => `The amount ${MINOR(a.amount)} is more than the holder's available credit (${MINOR(a.available)}).`],
  NoteFinancingAllowanceTooLow: ["unprocessable", "ALLOWANCE_TOO_LOW", (a) => `Bank ${a.bankOrgId}'s treasury allows the notes contract ${MINOR(a.allowance)}, less than the ${MINOR(a.needed)} this disbursement needs.`],
  NoteFinancingNotOverdue: ["unprocessable", "NOT_OVERDUE", () => "Only a financed note of a tree marked overdue can be declared defaulted."],
  NotesAlreadyBound: ["conflict", "NOTES_ALREADY_BOUND", (a) => `The ledger is already bound to the notes contract ${a.notes}.`],
  NotesOnly: ["forbidden", "FORBIDDEN", () => "Only the payable-notes contract may call this."],
  ERC20InsufficientBalance: ["unprocessable", "INSUFFICIENT_FUNDS", (a) => `The paying treasury holds ${MINOR(a.balance)}, less than the ${MINOR(a.needed)} needed.`],
  ERC20InsufficientAllowance: ["unprocessable", "INSUFFICIENT_ALLOWANCE", () => "The paying treasury has not authorised the ledger for this amount."],
  ERC2771ForwarderInvalidSigner: ["forbidden", "FORBIDDEN", () => "The forward request is not signed by its sender."],
  ERC2771ForwarderExpiredRequest: ["unprocessable", "REQUEST_EXPIRED", () => "The signed request has expired."],
};

/** Maps a decoded contract error to the API's error; unknown errors become a 422 that names the contract error. */
export function toAppError(decoded: DecodedRevert | undefined, actorOrgId?: string): AppError {
  if (!decoded) return new AppError("unprocessable", "RULE_VIOLATION", "The ledger refused the transaction.");
  if (decoded.name === "RegistryWrongOrgKind" && actorOrgId !== undefined && decoded.args.orgId === actorOrgId) {
    return new AppError("forbidden", "FORBIDDEN", "Your organisation's role may not do this.");
  }
  if (decoded.name === "RegistryOrgSuspended" && actorOrgId !== undefined && decoded.args.orgId === actorOrgId) {
    return new AppError("forbidden", "ORG_SUSPENDED", "Your organisation is suspended and cannot act.");
  }
  const rule = RULES[decoded.name];
  if (!rule) return new AppError("unprocessable", "RULE_VIOLATION", `The ledger refused the transaction (${decoded.name}).`, { contractError: decoded });
  return new AppError(rule[0], rule[1], rule[2](decoded.args), { contractError: decoded });
}

/** Digs the revert data out of an ethers error or a JSON-RPC error object. */
export function revertDataOf(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  const walk = (e: unknown): string | undefined => {
    if (!e || typeof e !== "object" || seen.has(e)) return undefined;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (typeof o.data === "string" && o.data.startsWith("0x")) return o.data;
    for (const k of ["data", "error", "info", "cause", "revert"]) {
      const found = walk(o[k]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(err);
}

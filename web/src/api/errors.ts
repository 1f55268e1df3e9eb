import { ApiError } from "./client";

// Every error code in docs/API.md, as a sentence a person can act on. Unknown codes fall back to the API message.
const SENTENCES: Record<string, string> = {
  VALIDATION_FAILED: "Some fields are missing or not in the expected format.",
  MALFORMED_JSON: "The console sent a request the gateway could not read. Please reload the page and try again.",
  UNAUTHENTICATED: "Your session has ended. Please sign in again.",
  INVALID_CREDENTIALS: "The username, password or one-time code is not right.",
  TOTP_REQUIRED: "Enter the six-digit code from your authenticator app.",
  LOGIN_LOCKED: "Too many failed sign-ins for this username. Wait a few minutes and try again.",
  AUTH_RATE_LIMITED: "Too many failed sign-ins from this computer. Wait a minute and try again.",
  CSRF_TOKEN_INVALID: "Your session could not be confirmed. Please reload the page.",
  FORBIDDEN: "Your role or organisation is not allowed to do this.",
  NOT_FOUND: "Nothing was found with that id, or it belongs to an organisation you cannot see.",
  INVALID_STATUS: "This cannot be done in the record's current status. Refresh to see its latest state.",
  INVOICE_ALREADY_FINANCED: "This invoice already has a financing request.",
  DUPLICATE_APPROVAL: "You have already approved this request; a second officer must give the other approval.",
  DUPLICATE_INVOICE: "An invoice with this number already exists for your organisation.",
  IDEMPOTENCY_CONFLICT: "This request was already submitted with different details. Reload and try again.",
  PAYLOAD_TOO_LARGE: "The file is too large. Documents may be at most 10 MiB.",
  AMOUNT_EXCEEDS_ORDER: "The invoice amount is more than what remains to be invoiced on the order.",
  AMOUNT_EXCEEDS_ADVANCE: "The amount is more than the bank will advance against this invoice.",
  AMOUNT_EXCEEDS_CREDIT: "The amount is more than the credit still available with this bank.",
  PAYMENT_EXCEEDS_OUTSTANDING: "The payment is more than what is still outstanding on the invoice.",
  NOT_FINANCEABLE: "This invoice cannot be financed: it must be confirmed by the buyer and not overdue or paid.",
  DUE_DATE_NOT_IN_FUTURE: "The due date must be in the future.",
  ORG_SUSPENDED: "One of the organisations involved is suspended.",
  NOT_YET_OVERDUE: "This invoice is not yet overdue.",
  RULE_VIOLATION: "The ledger refused this action because it breaks a business rule.",
  CHAIN_UNAVAILABLE: "The ledger could not be reached. Please try again in a moment.",
  NETWORK_ERROR: "The gateway could not be reached. Check your connection and try again.",
};

export const KNOWN_ERROR_CODES = Object.keys(SENTENCES);

/** Turns any thrown value into a sentence for the user, naming the API code so support can find it. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const sentence = SENTENCES[error.code];
    if (!sentence) return error.message || `The request failed (${error.code}).`;
    const detail = error.message && error.message !== sentence ? ` ${error.message}` : "";
    return `${sentence}${detail}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

import { i18next, t } from "../i18n";
import { ApiError } from "./client";

// Every error code the console knows has one sentence per language (catalogue keys "error.<CODE>"). The sentence is
// the whole message: the server's own words are shown only for a code the console does not know, so nothing is said
// twice and no internal part (the gateway, the relayer) is named to the user.
export const KNOWN_ERROR_CODES = [
  "VALIDATION_FAILED", "MALFORMED_JSON", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "INVALID_STATUS",
  "INVOICE_ALREADY_FINANCED", "DUPLICATE_APPROVAL", "DUPLICATE_INVOICE", "DUPLICATE_DOCUMENT", "IDEMPOTENCY_CONFLICT", "PAYLOAD_TOO_LARGE",
  "AMOUNT_EXCEEDS_ORDER", "AMOUNT_EXCEEDS_ADVANCE", "AMOUNT_EXCEEDS_CREDIT", "PAYMENT_EXCEEDS_OUTSTANDING",
  "NOT_FINANCEABLE", "DUE_DATE_NOT_IN_FUTURE", "ORG_SUSPENDED", "NOT_YET_OVERDUE", "RULE_VIOLATION",
  "CHAIN_UNAVAILABLE", "NETWORK_ERROR", "NOT_INDEXED", "RATE_LIMITED", "UNSUPPORTED_MEDIA_TYPE", "CONFLICT",
  "INTERNAL", "DOCUMENT_MISMATCH", "INVALID_CREDENTIALS", "TOTP_REQUIRED", "LOGIN_LOCKED", "AUTH_RATE_LIMITED",
  "CSRF_TOKEN_INVALID",
] as const;

/** A status-only failure (no error body) still gets a sentence of its kind. */
function byStatus(status: number): string {
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status === 409) return "CONFLICT";
  if (status === 413) return "PAYLOAD_TOO_LARGE";
  if (status === 429) return "RATE_LIMITED";
  if (status === 0) return "NETWORK_ERROR";
  return "INTERNAL";
}

/** Turns any thrown value into one sentence for the user, in the console's language. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const code = error.code.startsWith("HTTP_") ? byStatus(error.status) : error.code;
    const key = `error.${code}`;
    if (i18next.exists(key)) return t(key);
    // A code the console does not know yet: the server's sentence (already localised where it supports that).
    return error.message || t("error.INTERNAL");
  }
  if (error instanceof Error && i18next.exists(`error.${error.message}`)) return t(`error.${error.message}`);
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * The one error type of the gateway. Lower layers (chain/, store/, indexer/, services) throw it with a neutral
 * `kind`; only the HTTP edge (`http/errors.ts`) turns a kind into a status code.
 */
export type ErrorKind =
  | "invalid"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "unprocessable"
  | "too_large"
  | "unsupported_media"
  | "rate_limited"
  | "timeout"
  | "unavailable"
  | "internal";

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError("invalid", "VALIDATION_FAILED", message, details);
export const unauthenticated = (message = "A valid bearer token is required.") => new AppError("unauthenticated", "UNAUTHENTICATED", message);
export const forbidden = (message = "Your role or organisation may not do this.", code = "FORBIDDEN") => new AppError("forbidden", code, message);
export const notFound = (what: string) => new AppError("not_found", "NOT_FOUND", `${what} was not found.`);
export const conflict = (code: string, message: string, details?: unknown) => new AppError("conflict", code, message, details);
export const unprocessable = (code: string, message: string, details?: unknown) => new AppError("unprocessable", code, message, details);
export const internal = (message: string, details?: unknown) => new AppError("internal", "INTERNAL", message, details);
export const chainUnavailable = (message = "The ledger could not be reached; retry with the same Idempotency-Key.") =>
  new AppError("unavailable", "CHAIN_UNAVAILABLE", message);

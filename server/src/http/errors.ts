/** The one error type of the gateway: an HTTP status, a stable machine code and a sentence for people. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError(400, "VALIDATION_FAILED", message, details);
export const unauthenticated = (message = "A valid bearer token is required.") => new AppError(401, "UNAUTHENTICATED", message);
export const forbidden = (message = "Your role or organisation may not do this.") => new AppError(403, "FORBIDDEN", message);
export const notFound = (what: string) => new AppError(404, "NOT_FOUND", `${what} was not found.`);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: unknown) => new AppError(422, code, message, details);
export const chainUnavailable = (message = "The ledger could not be reached; retry with the same Idempotency-Key.") =>
  new AppError(503, "CHAIN_UNAVAILABLE", message);

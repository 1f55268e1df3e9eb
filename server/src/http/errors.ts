import { AppError, type ErrorKind } from "../shared/errors";

/** The edge's one mapping from a neutral error kind to an HTTP status. */
export const STATUS_OF: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  timeout: 408,
  conflict: 409,
  too_large: 413,
  unsupported_media: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

const KIND_OF: Record<number, ErrorKind> = Object.fromEntries(Object.entries(STATUS_OF).map(([k, v]) => [v, k as ErrorKind]));

export const statusOf = (e: AppError): number => STATUS_OF[e.kind];
/** The kind for a status another library (body-parser, express) reports. */
export const kindOfStatus = (status: number): ErrorKind => KIND_OF[status] ?? (status >= 500 ? "internal" : "invalid");

export { AppError };
export * from "../shared/errors";

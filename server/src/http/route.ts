import type { Request, Response } from "express";
import { z } from "zod";
import type { Services } from "../services";
import type { Role, Scope } from "../shared/scope";
import { ROLES } from "../shared/roles";
import type { IdempotencyStep } from "../chain/ledger-client";

/** The authenticated person behind a request. */
export interface AuthUser {
  id: string;
  name: string;
  role: Role;
  orgId: string;
  address: string;
  /** An admin of the organisation: may deactivate its people and revoke their tokens. */
  isAdmin?: boolean;
  /** How the request authenticated: an API token (bearer) or a console session (cookie). */
  credential?: { kind: "token"; tokenId: string } | { kind: "session"; sessionHash: string; csrfToken: string };
}

export interface Ctx<B = unknown, Q = unknown, P = Record<string, string>> {
  user: AuthUser;
  scope: Scope;
  body: B;
  query: Q;
  params: P;
  services: Services;
  /** The idempotency step for the n-th chain write of this request (undefined without an Idempotency-Key). */
  step(n: number): IdempotencyStep | undefined;
  req: Request;
  res: Response;
}

export interface RouteDef {
  method: "get" | "post" | "put" | "delete";
  operationId?: string;
  /** The zod schema of the success body. */
  response?: z.ZodType;
  /** Answered without authentication (signing in); everything else authenticates before its body is read. */
  public?: boolean;
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed; others get 403 before anything reaches the chain. */
  roles: Role[] | "any";
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** Success status (default 200 for reads, 201 for POST writes). */
  status?: number;
  /** The handler writes the response itself (streams, raw uploads). */
  raw?: boolean;
  handler(ctx: Ctx<any, any, any>): Promise<unknown>;
}

export const route = (def: RouteDef): RouteDef => def;

export const ALL_ROLES: Role[] = [...ROLES];

// Shared schema pieces.
export const IdParam = z.object({ id: z.string().regex(/^[1-9][0-9]{0,9}$/, "must be a positive integer id") }).strict();
export const OrgIdParam = z.object({ orgId: z.string().regex(/^[0-9]{1,10}$/, "must be an organisation id") }).strict();
export const Amount = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,23})(\.[0-9]{1,2})?$/, 'must be a decimal string with at most two decimals, such as "400000.00"')
  .refine((v) => v !== "0" && !/^0(\.0{1,2})?$/.test(v), "must be more than zero");
/** An id: a string of digits as the API returns it, or the same integer as a JSON number. */
export const Id = z
  .union([z.string(), z.number().int().positive().max(4_294_967_295)])
  .transform((v) => String(v))
  .pipe(z.string().regex(/^[1-9][0-9]{0,9}$/, "must be a positive integer id"));
export const Hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex hash");
/** A date: "2027-03-31" (end of that day, UTC), an ISO timestamp, or unix seconds as a JSON number. */
export const DueDate = z.union([
  z
    .string()
    .max(40)
    .refine((v) => /^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v)), "must be a date such as 2027-03-31 or an ISO timestamp"),
  z
    .number()
    .int()
    .min(1_000_000_000, "must be unix seconds")
    .max(1_099_511_627_775)
    .transform((v) => new Date(v * 1000).toISOString()),
]);
export const ShortText = (max: number) => z.string().min(1).max(max);
export const Limit = z.coerce.number().int().min(1).max(500).optional();
export const Cursor = z.string().max(200).optional();

import type { Request, Response } from "express";
import { z } from "zod";
import type { Services } from "../services";
import type { Role, Scope } from "../shared/scope";
import { ROLES } from "../shared/roles";
import type { IdempotencyStep } from "../chain/ledger-client";
import type { Actor, AuthUser } from "../app/actor";
import type { SerialisedJson } from "../shared/serialised";

export type { AuthUser };

/** What a handler gets: the caller, the parsed inputs (typed from the route's schemas) and the services. */
export interface Ctx<B = unknown, Q = unknown, P = unknown> {
  user: AuthUser;
  scope: Scope;
  /** The caller and scope as the application layer takes them. */
  actor: Actor;
  body: B;
  /** The raw request body of a `rawBody` route (undefined when none was sent). */
  rawBody: Buffer | undefined;
  query: Q;
  params: P;
  services: Services;
  /** The idempotency step for the n-th chain write of this request (undefined without an Idempotency-Key). */
  step(n: number): IdempotencyStep | undefined;
  req: Request;
  res: Response;
}

/**
 * The error statuses a route's own handler can answer. The edge adds the ones every route of its kind can answer
 * (400 for invalid input, 401 where it authenticates, 403 for a role outside `roles` or a write without its CSRF
 * token, 408/409/413/415 for writes, 429, 500); see openapi.ts. A public route lists the 401 its handler answers.
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

/** A response the handler writes itself (a stream): each content type it may answer with its schema (null: text). */
export interface RawResponse {
  raw: Record<string, z.ZodType | null>;
  description: string;
}

type Input<S> = S extends z.ZodType ? z.infer<S> : undefined;
/** A handler answers its response schema's shape, or that shape already serialised (a cached read, SerialisedJson). */
type Output<R> = R extends z.ZodType ? z.input<R> | SerialisedJson<z.input<R>> : void;

/**
 * One API route. `B`, `Q` and `P` are the zod schemas of the body, query and path parameters, `R` the zod schema of
 * the success body (or a RawResponse for a streamed answer); the handler's context and result are typed from them.
 */
export interface RouteDef<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined, R extends z.ZodType | RawResponse> {
  method: "get" | "post" | "put" | "delete";
  /** Answered without authentication (signing in); every other route authenticates before its body is read. */
  public?: boolean;
  path: string;
  /** The operation's stable name in the OpenAPI document, camelCase verb + noun ("approveFinancingRequest"). */
  operationId: string;
  summary: string;
  tag: string;
  /** Roles allowed; others get 403 before anything reaches the chain. */
  roles: Role[] | "any";
  body?: B;
  /** The body is not JSON but raw bytes of this content type, given to the handler as a Buffer. */
  rawBody?: string;
  query?: Q;
  params?: P;
  /** Paths whose raw parameters fail this go on to the next route of the same shape (two templates alike). */
  when?: (params: Record<string, string>) => boolean;
  response: R;
  /** Success status (default 201 for a POST, 200 otherwise). */
  status?: number;
  /** The error statuses the handler itself can answer, besides the edge's (see ErrorStatus). */
  errors: readonly ErrorStatus[];
  /** Other success statuses the handler answers (it sets `res.locals.status`), with their schemas. */
  alsoAnswers?: Record<number, { description: string; schema: z.ZodType }>;
  handler(ctx: Ctx<Input<B>, Input<Q>, Input<P>>): Promise<Output<R>>;
}

/** A route with its types erased, as the route table, the mounting and the OpenAPI builder hold it. */
export interface Route {
  method: "get" | "post" | "put" | "delete";
  public?: boolean;
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  roles: Role[] | "any";
  body?: z.ZodType;
  rawBody?: string;
  query?: z.ZodType;
  params?: z.ZodType;
  when?: (params: Record<string, string>) => boolean;
  response: z.ZodType | RawResponse;
  status?: number;
  errors: readonly ErrorStatus[];
  alsoAnswers?: Record<number, { description: string; schema: z.ZodType }>;
  handler(ctx: Ctx): Promise<unknown>;
}

/** Declares a route; the handler is checked against the route's own schemas. */
export function route<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  R extends z.ZodType | RawResponse = z.ZodType,
>(def: RouteDef<B, Q, P, R>): Route {
  return def;
}

/** The success status of a route: as declared, else 201 for a POST and 200 otherwise. */
export const successStatus = (r: Route): number => r.status ?? (r.method === "post" ? 201 : 200);

export const isRaw = (r: Route["response"]): r is RawResponse => "raw" in r;

export const ALL_ROLES: Role[] = [...ROLES];

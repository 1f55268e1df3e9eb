import { z } from "zod";
import { isRaw, successStatus, type ErrorStatus, type Route } from "./route";
import { ErrorBody } from "./schemas";
import { SESSION_COOKIE } from "./auth";
import { SigningRequestEnvelope } from "../signing/schemas";

/**
 * JSON Schema (2020-12, as OpenAPI 3.1 uses it) of a zod schema: as a request sends it ("input") or as a response
 * answers it ("output", where an object lists every field it has and allows no other). Schemas named with
 * `.meta({ id })` (the records) go to `components.schemas` once and are referenced from every operation.
 */
function schemaOf(s: z.ZodType, io: "input" | "output", components: Record<string, unknown>): Record<string, unknown> {
  const json = z.toJSONSchema(s, { io, unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  delete json.$schema;
  const defs = (json.$defs ?? {}) as Record<string, unknown>;
  delete json.$defs;
  const relink = (v: unknown): unknown =>
    JSON.parse(JSON.stringify(v), (key, x) => (key === "$ref" && typeof x === "string" ? x.replace("#/$defs/", "#/components/schemas/") : x));
  for (const [id, def] of Object.entries(defs)) {
    const linked = relink(def);
    if (components[id] !== undefined && JSON.stringify(components[id]) !== JSON.stringify(linked)) {
      throw new Error(`Two different schemas are named ${id} in the OpenAPI document.`);
    }
    components[id] = linked;
  }
  return relink(json) as Record<string, unknown>;
}

/** Every status an error answer can have, with what it means. */
const ERROR_DESCRIPTIONS: Record<ErrorStatus | 408 | 500, string> = {
  400: "Invalid input (VALIDATION_FAILED, MALFORMED_JSON)",
  401: "No, bad, expired or revoked credentials (UNAUTHENTICATED), or a refused sign-in (INVALID_CREDENTIALS, TOTP_REQUIRED)",
  403: "Role or organisation not allowed (FORBIDDEN, ORG_SUSPENDED), or a session write without its CSRF token (CSRF_TOKEN_INVALID)",
  404: "Unknown id, or not visible to you (NOT_FOUND)",
  408: "The request body did not arrive in time (REQUEST_TIMEOUT)",
  409: "State conflict, duplicate, or an Idempotency-Key reused for a different request",
  413: "Body too large (PAYLOAD_TOO_LARGE), or the document quota used up (DOCUMENT_QUOTA_EXCEEDED)",
  415: "Body not in a supported encoding (UNSUPPORTED_MEDIA_TYPE)",
  422: "Business rule refused",
  429: "Too many requests from your address or user (RATE_LIMITED), failed authentications from your address (AUTH_RATE_LIMITED), or failed sign-ins for the username (LOGIN_LOCKED); see Retry-After",
  500: "Internal error; the request was not completed (INTERNAL)",
  503: "The ledger could not be reached; retry with the same Idempotency-Key (CHAIN_UNAVAILABLE)",
};

/**
 * The error statuses a route can answer: its handler's own (`errors`) and the edge's. Every route may answer 429
 * (per-address, per-user and failed-authentication limits) and 500; every route but a public one 401
 * (authentication); 400 where it parses input (every write parses a body); 403 where only some roles may call it or
 * where a session write must carry its CSRF token; a write also 408 (the body's time bound), 413 and 415 (body
 * parsing), and 409 (Idempotency-Key reuse) unless it is public (a public write takes no Idempotency-Key).
 */
export function errorStatuses(r: Route): number[] {
  const write = r.method !== "get";
  const set = new Set<number>([429, 500, ...r.errors]);
  if (!r.public) set.add(401);
  if (write || r.params || r.query || r.body) set.add(400);
  if (r.roles !== "any" || (write && !r.public)) set.add(403);
  if (write) [408, 413, 415].forEach((s) => set.add(s));
  if (write && !r.public) set.add(409);
  return [...set].sort((a, b) => a - b);
}

const ERROR_SCHEMA_REF = { $ref: "#/components/schemas/Error" };

/** OpenAPI 3.1, generated from the same route table and zod schemas that validate requests. */
export function buildOpenApi(routes: Route[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Record<string, unknown> = {};
  const errorSchema = schemaOf(ErrorBody, "output", components);
  for (const r of routes) {
    const p = "/api/v1" + r.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");
    const parameters: unknown[] = [];
    for (const [where, schema] of [["path", r.params], ["query", r.query]] as const) {
      if (!schema) continue;
      const js = schemaOf(schema, "input", components) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({ name, in: where, required: where === "path" || (js.required ?? []).includes(name), schema: s });
      }
    }
    if (r.method !== "get" && !r.public) {
      parameters.push({ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", pattern: "^[A-Za-z0-9._:-]{1,200}$" } });
    }
    const success = isRaw(r.response)
      ? {
          description: r.response.description,
          content: Object.fromEntries(
            Object.entries(r.response.raw).map(([type, schema]) => [type, { schema: schema ? schemaOf(schema, "output", components) : { type: "string" } }]),
          ),
        }
      : { description: "Success", content: { "application/json": { schema: schemaOf(r.response, "output", components) } } };
    const responses: Record<string, unknown> = { [String(successStatus(r))]: success };
    for (const [status, extra] of Object.entries(r.alsoAnswers ?? {})) {
      responses[status] = { description: extra.description, content: { "application/json": { schema: schemaOf(extra.schema, "output", components) } } };
    }
    // Self-custody: any write answers 202 with a signing request to a caller who holds their own key.
    // A route whose own success is 202 (a proposal) answers either shape: its body, or a signing request.
    if (r.method !== "get" && !r.rawBody && !r.public) {
      const description =
        "The caller holds their own key: sign `signingRequest.typedData` (EIP-712) and POST it to /api/v1/signing-requests/{id}/signature";
      const envelope = schemaOf(SigningRequestEnvelope, "output", components);
      const own = responses["202"] as { description: string; content: { "application/json"?: { schema: unknown } } } | undefined;
      const ownSchema = own?.content["application/json"]?.schema;
      responses["202"] = ownSchema
        ? { description: `${own.description}; or, when ${description[0].toLowerCase()}${description.slice(1)}`, content: { "application/json": { schema: { oneOf: [ownSchema, envelope] } } } }
        : { description, content: { "application/json": { schema: envelope } } };
    }
    for (const status of errorStatuses(r)) {
      responses[String(status)] = { description: ERROR_DESCRIPTIONS[status as keyof typeof ERROR_DESCRIPTIONS], content: { "application/json": { schema: ERROR_SCHEMA_REF } } };
    }
    const op: Record<string, unknown> = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [r.tag],
      description: r.public ? "Public: no credentials." : `Roles: ${r.roles === "any" ? "any authenticated user" : r.roles.join(", ")}.`,
      security: r.public ? [] : [{ bearer: [] }, { session: [] }],
      parameters,
      responses,
    };
    if (r.body) op.requestBody = { required: true, content: { "application/json": { schema: schemaOf(r.body, "input", components) } } };
    if (r.rawBody) op.requestBody = { required: true, content: { [r.rawBody]: { schema: { type: "string", contentMediaType: r.rawBody } } } };
    paths[p] = { ...(paths[p] ?? {}), [r.method]: op };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Trellis gateway", version: "1.0.0", description: "Supply-chain finance on a shared ledger. See docs/API.md." },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An API token (scripts, machines): 'Authorization: Bearer <token>'" },
        session: {
          type: "apiKey",
          in: "cookie",
          name: SESSION_COOKIE,
          description: "The console's HttpOnly session cookie, set by createSession; a write must repeat the session's CSRF token in the X-CSRF-Token header",
        },
      },
      schemas: { Error: errorSchema, ...Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))) },
    },
    paths,
  };
}

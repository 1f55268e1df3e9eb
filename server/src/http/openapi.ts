import { z } from "zod";
import type { RouteDef } from "./route";

const ErrorBody = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string" }, details: {} },
    },
  },
};

function schemaOf(s: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** OpenAPI 3.1, generated from the same route table and zod schemas that validate requests. */
export function buildOpenApi(routes: RouteDef[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const p = "/api/v1" + r.path.replace(/:([A-Za-z]+)/g, "{$1}");
    const parameters: unknown[] = [];
    for (const [where, schema] of [["path", r.params], ["query", r.query]] as const) {
      if (!schema) continue;
      const js = schemaOf(schema) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({ name, in: where, required: where === "path" || (js.required ?? []).includes(name), schema: s });
      }
    }
    if (r.method !== "get") {
      parameters.push({ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", maxLength: 200 } });
    }
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      description: `Roles: ${r.roles === "any" ? "any authenticated user" : r.roles.join(", ")}.`,
      security: r.public ? [] : [{ bearer: [] }, { session: [] }],
      parameters,
      responses: {
        [String(r.status ?? (r.method === "post" ? 201 : 200))]: { description: "Success" },
        "400": { description: "Invalid input", content: { "application/json": { schema: ErrorBody } } },
        "401": { description: "No or bad token", content: { "application/json": { schema: ErrorBody } } },
        "403": { description: "Role or organisation not allowed", content: { "application/json": { schema: ErrorBody } } },
        "404": { description: "Unknown id, or not visible to you", content: { "application/json": { schema: ErrorBody } } },
        "429": { description: "Rate limited (per user, per address, or failed authentications)", content: { "application/json": { schema: ErrorBody } } },
        ...(r.method !== "get"
          ? {
              "408": { description: "The body did not arrive in time", content: { "application/json": { schema: ErrorBody } } },
              "409": { description: "State conflict or duplicate", content: { "application/json": { schema: ErrorBody } } },
              "413": { description: "Body too large", content: { "application/json": { schema: ErrorBody } } },
              "422": { description: "Business rule refused", content: { "application/json": { schema: ErrorBody } } },
            }
          : {}),
      },
    };
    if (r.body) op.requestBody = { required: true, content: { "application/json": { schema: schemaOf(r.body) } } };
    if (r.raw && r.method !== "get") op.requestBody = { required: true, content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } };
    paths[p] = { ...(paths[p] ?? {}), [r.method]: op };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Trellis gateway", version: "1.0.0", description: "Supply-chain finance on a shared ledger. See docs/API.md." },
    servers: [{ url: "/" }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" }, session: { type: "apiKey", in: "cookie", name: "trellis_session" } } },
    paths,
  };
}

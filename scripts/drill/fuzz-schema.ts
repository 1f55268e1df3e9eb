/**
 * The schema fuzz drill: requests generated from the gateway's own `/openapi.json`, for every operation and every
 * demo role, valid and mutated (bodies, queries, path parameters, headers). Each request is classified with a
 * JSON Schema 2020-12 validator (ajv) against the operation's documented schemas, so the drill knows, without a
 * table of its own, whether the gateway should have accepted the input; it then counts
 *
 * - answers of 5xx (or no answer at all),
 * - statuses the operation does not document,
 * - invalid input that was accepted (2xx),
 * - valid input, from a role the operation allows, that was refused as invalid (400),
 * - requests without a valid token that got anything but 401.
 *
 * Business refusals of valid input (403, 404, 409, 422) are expected: random ids are mostly not visible and random
 * amounts mostly exceed something. Opaque values (`cursor`) are only sent when mutated, since no schema can say which
 * strings the gateway issued.
 */
import crypto from "node:crypto";
import Ajv2020 from "ajv/dist/2020";
import type { ValidateFunction } from "ajv";
import { Wallet } from "ethers";
import { apiClient, type Platform } from "../../test/helpers/platform";
import { DOC, inDays, newDoc } from "../bench/lib";

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Param {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: Schema;
}
interface Operation {
  id: string;
  method: string;
  path: string;
  roles: string[] | "any";
  params: Param[];
  body?: { type: "json"; schema: Schema } | { type: "raw" };
  documented: Set<number>;
  /** Needs no credential (`security: []`): signing in. A request without one is not an "unauthenticated" case. */
  public: boolean;
}

export interface SchemaFuzzResult {
  requests: number;
  operations: number;
  /** Operations for which no valid request could be generated from the schema (so only mutations were sent). */
  ungenerated: string[];
  valid: number;
  invalid: number;
  unauthenticated: number;
  status5xx: number;
  undocumented: number;
  acceptedInvalid: number;
  rejectedValid: number;
  unauthenticatedNot401: number;
  /** Requests without a valid token that were answered 2xx (must be 0). */
  unauthenticatedAccepted: number;
  statusCounts: Record<string, number>;
  /** Per finding kind, up to 8 distinct examples (operation, what was sent, the answer). */
  samples: Record<string, string[]>;
  /** Per operation: requests and findings. */
  byOperation: Record<string, { requests: number; status5xx: number; undocumented: number; acceptedInvalid: number; rejectedValid: number }>;
  seconds: number;
}

/** A small deterministic PRNG (mulberry32), so a run can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = ["' OR 1=1 --", "../../etc/passwd", "%00", "<script>alert(1)</script>", "${7*7}", "\u0000", "😀".repeat(40), "1e309", "-1", "0x" + "f".repeat(80), "9".repeat(400), "NaN", "", " ", "2027-02-30", "0.001", "1,000.00"];
const WRONG_TYPES: unknown[] = [null, true, false, -1, 0, 1.5, 2 ** 53 + 1, 1e308, [], {}, [1, "a"], { $gt: "" }];

/** The query's key-value pairs as a URL carries them. */
const queryPairs = (q: Record<string, unknown>): [string, string][] => Object.entries(q).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, string] => [k, String(x)]) : [[k, String(v)] as [string, string]]));

/** Reads the operations out of an OpenAPI 3.1 document as the gateway publishes it. */
export function operationsOf(spec: Schema): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries<Schema>(spec.paths)) {
    for (const [method, op] of Object.entries<Schema>(methods)) {
      const roles = /Roles: any authenticated user/.test(op.description ?? "")
        ? "any"
        : (/Roles: ([a-z, ]+)\./.exec(op.description ?? "")?.[1].split(/,\s*/) ?? "any");
      const content = op.requestBody?.content ?? {};
      const body = content["application/json"] ? { type: "json" as const, schema: content["application/json"].schema } : content["application/octet-stream"] ? { type: "raw" as const } : undefined;
      ops.push({
        id: op.operationId ?? `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        roles,
        params: op.parameters ?? [],
        body,
        documented: new Set(Object.keys(op.responses ?? {}).map(Number)),
        public: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  return ops;
}

/**
 * Runs `requests` generated requests against `p` (a fresh platform with the demo data) and classifies each answer.
 * Requests go 16 at a time.
 */
export async function schemaFuzzDrill(p: Platform, opts: { requests: number; seed?: number }): Promise<SchemaFuzzResult> {
  const t0 = performance.now();
  const rand = prng(opts.seed ?? 20261201);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const chance = (q: number) => rand() < q;
  const spec = (await (await fetch(`${p.baseUrl}/openapi.json`)).json()) as Schema;
  const ops = operationsOf(spec);
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
  const ajvCoerce = new Ajv2020({ strict: false, validateFormats: false, coerceTypes: true });
  const compiled = new Map<Schema, ValidateFunction>();
  /** A validator for a schema object of the document (compiled once per object). */
  const validator = (s: Schema) => {
    let v = compiled.get(s);
    if (!v) compiled.set(s, (v = ajv.compile(s)));
    return v;
  };
  // OpenAPI does not forbid parameters an operation does not list; an operation that lists some validates them
  // strictly (zod .strict()), so there an unknown parameter is invalid, and where it lists none it is ignored.
  const objectSchema = (ps: Param[]) => ({ type: "object", properties: Object.fromEntries(ps.map((x) => [x.name, x.schema])), required: ps.filter((x) => x.required).map((x) => x.name), additionalProperties: ps.length === 0 });
  /** Per operation: its path and query parameters as one object schema each (values arrive as strings: coerced). */
  const paramValidators = new Map(ops.map((o) => [o, { path: ajvCoerce.compile(objectSchema(o.params.filter((x) => x.in === "path"))), query: ajvCoerce.compile(objectSchema(o.params.filter((x) => x.in === "query"))) }]));

  // The world the valid requests refer to: real ids of every kind, made through the API.
  const c = p.credentials;
  const users = { operator: c.users.operator, auditor: c.users.auditor, buyer: c.users.buyer, supplier: c.users.supplier, officer: c.users.officer1 };
  const api = Object.fromEntries(Object.entries(users).map(([r, u]) => [r, apiClient(p.baseUrl, u.token)])) as Record<keyof typeof users, ReturnType<typeof apiClient>>;
  const ok = async (r: Promise<{ status: number; body: any }>) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const x = await r;
    if (x.status >= 300) throw new Error(`schema fuzz setup answered ${x.status}: ${JSON.stringify(x.body)}`);
    return x.body;
  };
  const order = await ok(api.buyer("POST", "/orders", { supplierOrgId: c.orgs.pearl, amount: "500.00", reference: "FZS-ORDER", dueDate: inDays(60) }));
  await ok(api.supplier("POST", `/orders/${order.id}/accept`));
  const invoice = await ok(api.supplier("POST", "/invoices", { orderId: order.id, invoiceNumber: "FZS-INV", amount: "400.00", dueDate: inDays(60), documentHash: newDoc() }));
  await ok(api.buyer("POST", `/invoices/${invoice.id}/confirm`));
  const fr = await ok(api.supplier("POST", "/financing-requests", { invoiceId: invoice.id, bankOrgId: c.orgs.bankA, amount: "100.00" }));
  const disputed = await ok(api.supplier("POST", "/invoices", { orderId: order.id, invoiceNumber: "FZS-INV-D", amount: "50.00", dueDate: inDays(60), documentHash: newDoc() }));
  const dispute = await ok(api.buyer("POST", `/invoices/${disputed.id}/dispute`, { reasonCode: 1, category: "quality", reason: "fuzz" }));
  const complaints = await ok(api.supplier("GET", "/disputes"));
  const ids = {
    id: [order.id, invoice.id, fr.id, disputed.id, complaints.items[0]?.id ?? "1", "1", "2", "3", "999999"],
    orgId: Object.values(c.orgs),
    txHash: [order.txHash, invoice.txHash, dispute.txHash],
  };

  let n = 0;
  const unique = () => `${(++n).toString(36)}${crypto.randomBytes(2).toString("hex")}`;
  /** Valid-looking values for a field, by name: what a real client would send. */
  const pools = (name: string): unknown[] => {
    switch (name) {
      case "id":
      case "orderId":
      case "invoiceId":
      case "entityId":
        return [...ids.id, Number(pick(ids.id))];
      case "orgId":
      case "supplierOrgId":
      case "bankOrgId":
        return [...ids.orgId, Number(pick(ids.orgId))];
      case "amount":
      case "fastTrackLimit":
      case "limit":
      case "financingAmount":
        return ["1.00", "12.34", "0.50", "100", "250000.00"];
      case "dueDate":
        return [inDays(30), inDays(45), new Date(Date.now() + 40 * 86_400_000).toISOString(), Math.floor(Date.now() / 1000) + 50 * 86_400];
      case "documentHash":
      case "kycHash":
      case "reasonHash":
        return [DOC, "0x" + crypto.randomBytes(32).toString("hex")];
      case "txHash":
        return ids.txHash;
      case "name":
        return [`fz-${unique()}`, `Fuzz Org ${unique()}`];
      case "invoiceNumber":
      case "reference":
        return [`FZS-${unique()}`];
      case "address":
      case "from":
      case "to":
        return [Wallet.createRandom().address];
      case "logIndex":
        return ["0", "1"];
      case "eventType":
        return ["OrderIssued", "InvoiceConfirmed"];
      case "reason":
      case "response":
        return ["The parts arrived late.", "Accepted."];
      default:
        return [];
    }
  };
  const GENERIC: unknown[] = ["1", "12", "abc", "fuzz", "0x" + "ab".repeat(32), "0x" + "ab".repeat(20), "0x" + "ab".repeat(65), "0x12345678", "2027-03-31", "2027-03-31T12:00:00Z", 1, 7];

  /** A value valid for `s` (checked with ajv), or undefined if none could be made. */
  const gen = (s: Schema, name: string, depth = 0): unknown => {
    if (depth > 6) return undefined;
    if (s.anyOf) return gen(pick(s.anyOf), name, depth + 1);
    if (s.enum) return pick(s.enum);
    if (s.const !== undefined) return s.const;
    const fits = (v: unknown) => validator(s)(v);
    const named = pools(name).filter(fits);
    if (named.length) return pick(named);
    switch (s.type) {
      case "object": {
        const out: Record<string, unknown> = {};
        for (const [k, sub] of Object.entries<Schema>(s.properties ?? {})) {
          if ((s.required ?? []).includes(k) || chance(0.5)) {
            const v = gen(sub, k, depth + 1);
            if (v === undefined) return undefined;
            out[k] = v;
          }
        }
        return out;
      }
      case "array": {
        const items = Array.from({ length: Math.min(s.maxItems ?? 2, Math.floor(rand() * 3)) }, () => gen(s.items ?? {}, name, depth + 1));
        return items.includes(undefined) ? undefined : items;
      }
      case "integer":
      case "number": {
        const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 0);
        const hi = Math.min(s.maximum ?? lo + 1000, lo + 1000);
        return lo + Math.floor(rand() * (hi - lo + 1));
      }
      case "boolean":
        return chance(0.5);
      case "string": {
        const generic = GENERIC.filter(fits);
        if (generic.length) return pick(generic);
        if (!s.pattern) {
          const len = Math.max(s.minLength ?? 1, Math.min(s.maxLength ?? 12, 12));
          return "f".repeat(len);
        }
        return undefined;
      }
      default:
        return s.type === undefined ? "any" : undefined;
    }
  };

  /** A value certainly invalid for `s` (checked), or undefined. */
  const bad = (s: Schema): unknown => {
    const candidates = [...WRONG_TYPES, ...HOSTILE, ...(s.maxLength ? ["x".repeat(s.maxLength + 1)] : []), ...(s.maximum !== undefined ? [s.maximum + 1] : []), ...(s.minimum !== undefined ? [s.minimum - 1] : [])];
    for (let i = 0; i < 8; i++) {
      const v = pick(candidates);
      if (!validator(s)(v)) return v;
    }
    return undefined;
  };

  type Req = { op: Operation; role: keyof typeof users | "anon"; auth?: string; path: string; query: Record<string, unknown>; headers: Record<string, string>; body?: unknown; raw?: Buffer | string; valid: boolean; what: string };

  const paramsOf = (op: Operation, where: Param["in"]) => op.params.filter((x) => x.in === where);

  const ungenerated = new Set<string>();
  /** Builds one request for `op`: valid, then perhaps one mutation; validity is decided by the schemas, not by intent. */
  const build = (op: Operation): Req | undefined => {
    const role = op.roles === "any" ? pick(Object.keys(users) as (keyof typeof users)[]) : chance(0.85) ? (pick(op.roles.filter((r) => r in users)) as keyof typeof users) ?? "operator" : pick(Object.keys(users) as (keyof typeof users)[]);
    const pathParams: Record<string, unknown> = {};
    for (const x of paramsOf(op, "path")) pathParams[x.name] = gen(x.schema, x.name);
    const query: Record<string, unknown> = {};
    for (const x of paramsOf(op, "query")) if (x.name !== "cursor" && (x.required || chance(0.3))) query[x.name] = gen(x.schema, x.name);
    const headers: Record<string, string> = {};
    if (op.method !== "GET" && chance(0.3)) headers["Idempotency-Key"] = `fz-${unique()}`;
    let body: unknown;
    let raw: Buffer | string | undefined;
    if (op.body?.type === "json") body = gen(op.body.schema, "body");
    else if (op.body?.type === "raw") raw = crypto.randomBytes(64 + Math.floor(rand() * 2000));
    // A schema the generator cannot satisfy (a pattern no pool value fits): the operation gets mutations only.
    if ((op.body?.type === "json" && body === undefined) || Object.values(pathParams).includes(undefined) || Object.values(query).includes(undefined)) {
      ungenerated.add(op.id);
      if (body === undefined && op.body?.type === "json") body = {};
      for (const [k, v] of Object.entries(pathParams)) if (v === undefined) pathParams[k] = "1";
      for (const [k, v] of Object.entries(query)) if (v === undefined) delete query[k];
    }
    let what = "valid";
    if (chance(0.6)) {
      const kinds = ["path", "query", "header", "body", "rawBody", "unknownQuery"].filter((k) =>
        k === "path" ? paramsOf(op, "path").length : k === "query" ? paramsOf(op, "query").length : k === "body" ? op.method !== "GET" : k === "rawBody" ? op.method !== "GET" : true,
      );
      what = pick(kinds);
      if (what === "path") {
        const x = pick(paramsOf(op, "path"));
        // Never empty: an empty segment is another route (GET /orders/ is the list), not a bad parameter.
        pathParams[x.name] = [bad(x.schema), pick(HOSTILE)].find((v) => v !== undefined && String(v) !== "") ?? "-1";
      } else if (what === "query") {
        const x = pick(paramsOf(op, "query"));
        query[x.name] = chance(0.2) ? [String(gen(x.schema, x.name) ?? "1"), "2"] : bad(x.schema) ?? pick(HOSTILE);
      } else if (what === "unknownQuery") query[pick(["admin", "__proto__", "role", "x".repeat(50)])] = "1";
      else if (what === "header") headers["Idempotency-Key"] = pick(["x".repeat(201), "a b", "cl\u00e9", "a/b", "*"]);
      else if (what === "rawBody") raw = pick(['{"amount": ', "{'a':1}", "[1,2,", "\u0000", '{"a":1}{"b":2}', "<xml/>", "{".repeat(3000)]);
      else if (what === "body") {
        const s = op.body?.type === "json" ? op.body.schema : undefined;
        const obj = body && typeof body === "object" && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : {};
        if (!s) body = { unexpected: pick(WRONG_TYPES) };
        else {
          const props = Object.keys(s.properties ?? {});
          const m = pick(["drop", "extra", "wrong", "notObject"]);
          if (m === "drop" && (s.required ?? []).length) delete obj[pick(s.required as string[])];
          else if (m === "extra") obj[pick(["admin", "status", "constructor", "x".repeat(300)])] = pick(WRONG_TYPES);
          else if (m === "wrong" && props.length) {
            const k = pick(props);
            obj[k] = bad(s.properties[k]) ?? pick(WRONG_TYPES);
          } else {
            body = pick([[], null, 7, "text", [obj]]);
            what = "body:notObject";
          }
          if (what === "body") {
            body = obj;
            what = `body:${m}`;
          }
        }
        if (op.body?.type === "raw") {
          raw = Buffer.alloc(0);
          body = undefined;
          what = "body:empty";
        }
      }
    }
    // Validity by the documented schemas.
    const pv = paramValidators.get(op)!;
    const pathOk = pv.path({ ...pathParams });
    // The query as it is sent (a repeated key arrives as an array; an empty array sends nothing); an opaque cursor
    // the gateway did not issue is never valid input (an empty one means none).
    const sent: Record<string, string | string[]> = {};
    for (const [k, v] of queryPairs(query)) sent[k] = k in sent ? ([] as string[]).concat(sent[k], v) : v;
    const queryOk = !(sent.cursor !== undefined && sent.cursor !== "") && pv.query(sent);
    const headerOk = headers["Idempotency-Key"] === undefined || validator(paramsOf(op, "header").find((x) => x.name === "Idempotency-Key")?.schema ?? { type: "string" })(headers["Idempotency-Key"]);
    let bodyOk: boolean;
    if (op.body?.type === "raw") bodyOk = raw !== undefined && raw.length > 0;
    else if (typeof raw === "string") bodyOk = false;
    else if (op.body?.type === "json") bodyOk = body !== undefined && validator(op.body.schema)(body);
    else bodyOk = body === undefined;
    const valid = pathOk && queryOk && headerOk && bodyOk && [...Object.values(pathParams)].every((v) => v !== undefined);
    let path = op.path.replace(/^\/api\/v1/, "");
    for (const [k, v] of Object.entries(pathParams)) path = path.replace(`{${k}}`, encodeURIComponent(String(v)));
    return { op, role, path, query, headers, body, raw, valid, what };
  };

  const result: SchemaFuzzResult = {
    requests: 0,
    operations: ops.length,
    ungenerated: [],
    valid: 0,
    invalid: 0,
    unauthenticated: 0,
    status5xx: 0,
    undocumented: 0,
    acceptedInvalid: 0,
    rejectedValid: 0,
    unauthenticatedNot401: 0,
    unauthenticatedAccepted: 0,
    statusCounts: {},
    samples: {},
    byOperation: Object.fromEntries(ops.map((o) => [o.id, { requests: 0, status5xx: 0, undocumented: 0, acceptedInvalid: 0, rejectedValid: 0 }])),
    seconds: 0,
  };
  const sample = (kind: string, line: string) => {
    const xs = (result.samples[kind] ??= []);
    if (xs.length < 8 && !xs.some((x) => x.split(" -> ")[0] === line.split(" -> ")[0])) xs.push(line);
  };

  const send = async (r: Req, anon?: string) => {
    const qs = queryPairs(r.query)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join("&");
    const headers: Record<string, string> = { ...r.headers };
    if (anon === undefined) headers.authorization = `Bearer ${users[r.role as keyof typeof users].token}`;
    else if (anon !== "") headers.authorization = anon;
    let body: string | Uint8Array | undefined;
    if (r.op.method !== "GET") {
      if (r.raw !== undefined) {
        body = typeof r.raw === "string" ? r.raw : new Uint8Array(r.raw);
        headers["content-type"] = r.op.body?.type === "raw" ? "application/octet-stream" : "application/json";
      } else if (r.body !== undefined) {
        body = JSON.stringify(r.body);
        headers["content-type"] = "application/json";
      }
    }
    let status = 0;
    let text = "";
    try {
      const ctl = new AbortController();
      const res = await fetch(`${p.baseUrl}/api/v1${r.path}${qs ? `?${qs}` : ""}`, { method: r.op.method, headers, body, signal: ctl.signal });
      status = res.status;
      if ((res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
        // A live stream never ends by itself: its status and headers are the answer; close it.
        ctl.abort();
        text = "(event stream)";
      } else {
        text = (await res.text()).slice(0, 240);
      }
    } catch (err) {
      text = String(err);
    }
    const where = `${r.op.id} [${anon === undefined ? r.role : "unauthenticated"}, ${r.what}]`;
    const shown = `${r.op.method} ${r.path.slice(0, 80)}${qs ? `?${qs.slice(0, 60)}` : ""}${r.body !== undefined ? ` ${JSON.stringify(r.body).slice(0, 160)}` : ""}`;
    const per = result.byOperation[r.op.id];
    result.requests++;
    per.requests++;
    result.statusCounts[status] = (result.statusCounts[status] ?? 0) + 1;
    if (status >= 500 || status === 0) {
      result.status5xx++;
      per.status5xx++;
      sample("5xx", `${where}: ${shown} -> ${status} ${text}`);
    }
    if (status !== 0 && !r.op.documented.has(status)) {
      result.undocumented++;
      per.undocumented++;
      sample(`undocumented ${status}`, `${r.op.id} -> ${status} ${text.slice(0, 120)}`);
    }
    if (anon !== undefined) {
      result.unauthenticated++;
      if (status !== 401) {
        result.unauthenticatedNot401++;
        if (status >= 200 && status < 300) result.unauthenticatedAccepted++;
        sample("unauthenticated not 401", `${where}: ${JSON.stringify(anon).slice(0, 40)} -> ${status} ${text}`);
      }
      return;
    }
    const allowed = r.op.roles === "any" || r.op.roles.includes(r.role);
    if (r.valid) result.valid++;
    else result.invalid++;
    if (!r.valid && status >= 200 && status < 300) {
      result.acceptedInvalid++;
      per.acceptedInvalid++;
      sample("accepted invalid", `${where}: ${shown} -> ${status} ${text.slice(0, 120)}`);
    }
    if (r.valid && allowed && status === 400) {
      result.rejectedValid++;
      per.rejectedValid++;
      sample("rejected valid", `${where}: ${shown} -> ${status} ${text}`);
    }
  };

  const BAD_AUTH = ["", "Bearer", "Bearer x", `Bearer ${"a".repeat(300)}`, `Basic ${Buffer.from("a:b").toString("base64")}`, `Bearer ${c.users.buyer.token}x`, `Bearer  ${c.users.buyer.token} trailing`, "Bearer trl_" + crypto.randomBytes(32).toString("base64url")];
  // Every operation gets its share: the operations are cycled, so a short run still covers each of them.
  const order0 = ops.map((_, i) => i);
  for (let i = 0; i < opts.requests; i += 16) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(i + 16, opts.requests); j++) {
      const op = ops[order0[j % ops.length]];
      const r = build(op);
      if (!r) continue;
      batch.push(chance(0.08) && !op.public ? send(r, pick(BAD_AUTH)) : send(r));
    }
    await Promise.all(batch);
  }
  result.ungenerated = [...ungenerated];
  result.seconds = Math.round((performance.now() - t0) / 100) / 10;
  return result;
}

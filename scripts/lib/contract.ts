import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";

/**
 * The API contract as a test sees it: the gateway's own /openapi.json, compiled once per gateway. `check` says
 * whether one real response keeps it: its status is one the operation documents, and its body matches the schema
 * documented for that status. Every response the shared apiClient receives goes through it.
 */

interface MediaType {
  schema?: Record<string, unknown>;
}
interface Operation {
  operationId: string;
  parameters?: { name: string; in: string; schema?: { enum?: string[] } }[];
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

const SPEC_ID = "https://trellis.invalid/openapi.json";

const escape = (seg: string) => seg.replace(/[.*+?^$()|[\]\\{}-]/g, "\\$&");

/**
 * A path's pattern: each parameter any segment, or (strict) only its enum's values when the document gives one, so
 * that /audit/verify/{entityType}/{id} and /audit/verify/{txHash}/{logIndex}, which both match any two segments,
 * are told apart.
 */
function pathPattern(path: string, methods: Record<string, Operation>, strict: boolean): RegExp {
  const segment = (name: string) => {
    const schema = Object.values(methods).flatMap((op) => op.parameters ?? []).find((p) => p.in === "path" && p.name === name)?.schema;
    return strict && schema?.enum ? `(?:${schema.enum.map(escape).join("|")})` : "[^/]+";
  };
  return new RegExp("^" + path.split("/").map((seg) => (/^\{[A-Za-z]+\}$/.test(seg) ? segment(seg.slice(1, -1)) : escape(seg))).join("/") + "$");
}

interface Template {
  path: string;
  pattern: RegExp;
  strict: RegExp;
  /** Literal segments win over parameters: /audit/verify/{txHash}/{logIndex} before /audit/{entityType}/{id}/history. */
  params: number;
  methods: Record<string, Operation>;
}

export class Contract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: Template[];
  private readonly errorSchema: Record<string, unknown>;

  constructor(spec: Spec) {
    addFormats(this.ajv);
    // The document itself is a schema resource, so the $refs to #/components/schemas/... resolve inside it.
    this.ajv.addSchema({ ...spec, $id: SPEC_ID });
    this.errorSchema = { $ref: `${SPEC_ID}#/components/schemas/Error` };
    this.templates = Object.entries(spec.paths)
      .map(([path, methods]) => ({
        path,
        methods,
        params: (path.match(/\{/g) ?? []).length,
        pattern: pathPattern(path, methods, false),
        strict: pathPattern(path, methods, true),
      }))
      .sort((a, b) => a.params - b.params);
  }

  /** The operation a request reaches, or undefined when the gateway has no such route. */
  operation(method: string, url: string): { path: string; op: Operation } | undefined {
    const path = url.split("?")[0];
    const found = this.templates.filter((t) => t.methods[method.toLowerCase()] && t.pattern.test(path));
    // Of templates alike (as many parameters), the one whose enums the path keeps wins.
    const t = found.find((x) => x.params === found[0].params && x.strict.test(path)) ?? found[0];
    return t && { path: t.path, op: t.methods[method.toLowerCase()] };
  }

  /** Every way one response breaks the contract (none when it keeps it). */
  check(method: string, url: string, status: number, contentType: string | null, body: unknown): string[] {
    const found = this.operation(method, url);
    if (!found) {
      // A path the document does not have: only the gateway's "no such route" answer is allowed.
      return status === 404 ? this.validate("error", this.errorSchema, body) : [`${method} ${url} is not in the document and answered ${status}`];
    }
    const { path, op } = found;
    const documented = op.responses[String(status)];
    if (!documented) return [`${op.operationId} (${method} ${path}) answered ${status}, which it does not document (${Object.keys(op.responses).join(", ")})`];
    const media = (contentType ?? "").split(";")[0].trim();
    const content = documented.content ?? {};
    const entry = content[media];
    if (!entry) return [`${op.operationId} answered ${status} as ${media || "no content type"}, not as ${Object.keys(content).join(" or ")}`];
    if (media !== "application/json") return [];
    const pointer = ["paths", path, method.toLowerCase(), "responses", String(status), "content", media, "schema"]
      .map((p) => encodeURIComponent(p.replace(/~/g, "~0").replace(/\//g, "~1")))
      .join("/");
    return this.validate(`${op.operationId} ${status}`, { $ref: `${SPEC_ID}#/${pointer}` }, body).map((e) => `${op.operationId} ${status}: ${e}`);
  }

  private validate(key: string, schema: Record<string, unknown>, body: unknown): string[] {
    let v = this.validators.get(key);
    if (!v) this.validators.set(key, (v = this.ajv.compile(schema)));
    if (v(body)) return [];
    return (v.errors ?? []).map((e) => `${e.instancePath || "(body)"} ${e.message ?? "is invalid"}${e.params ? " " + JSON.stringify(e.params) : ""}`);
  }
}

const contracts = new Map<string, Promise<Contract>>();

/** The contract of the gateway at `baseUrl`, fetched and compiled once. */
export function contractOf(baseUrl: string): Promise<Contract> {
  let c = contracts.get(baseUrl);
  if (!c) {
    c = fetch(`${baseUrl}/openapi.json`)
      .then((r) => r.json() as Promise<Spec>)
      .then((spec) => new Contract(spec));
    contracts.set(baseUrl, c);
    c.catch(() => contracts.delete(baseUrl));
  }
  return c;
}

import { z } from "zod";
import { visible } from "../http/write";
import { Cursor, route } from "../http/route";
import { badRequest } from "../http/errors";

const EntityType = z.enum(["order", "invoice", "financing", "organization", "policy", "token"]);
const Num = z.string().regex(/^[0-9]{1,12}$/, "must be a non-negative integer");
const IsoTime = z.string().max(40).refine((v) => !Number.isNaN(Date.parse(v)), "must be an ISO date or timestamp");
export const EventFilter = z
  .object({
    entityType: EntityType.optional(),
    entityId: z.string().regex(/^[0-9]{1,10}$/).optional(),
    orgId: z.string().regex(/^[0-9]{1,10}$/).optional(),
    eventType: z.string().regex(/^[A-Za-z]{1,64}$/, "must be an event name such as InvoiceConfirmed").optional(),
    fromBlock: Num.optional(),
    toBlock: Num.optional(),
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    cursor: Cursor,
  })
  .strict();

export const auditRoutes = [
  route({
    method: "get",
    path: "/audit/events",
    summary: "Ledger events, filtered and cursor-paginated (auditors see all; others their own organisation's)",
    tag: "audit",
    roles: "any",
    query: EventFilter,
    handler: async (ctx) => ctx.services.read.listEvents(ctx.query, ctx.scope),
  }),
  route({
    method: "get",
    path: "/audit/export",
    summary: "Export events as CSV or JSON, streamed (same filters as /audit/events)",
    tag: "audit",
    roles: "any",
    query: EventFilter.omit({ cursor: true, limit: true }).extend({ format: z.enum(["csv", "json"]) }).strict(),
    raw: true,
    handler: async (ctx) => {
      const { format, ...filter } = ctx.query as { format: "csv" | "json" };
      const res = ctx.res;
      res.status(200);
      res.setHeader("content-disposition", `attachment; filename="trellis-events.${format}"`);
      res.type(format === "csv" ? "text/csv" : "application/json");
      const cols = ["id", "blockNumber", "logIndex", "txHash", "timestamp", "eventType", "entityType", "entityId", "actor", "orgIds", "args"];
      const cell = (v: unknown) => {
        const s = typeof v === "string" ? v : JSON.stringify(v ?? "");
        return /[",\n\r]/.test(s) || /^[=+\-@\t]/.test(s) ? `"${(/^[=+\-@\t]/.test(s) ? "'" : "") + s.replace(/"/g, '""')}"` : s;
      };
      if (format === "csv") res.write(cols.join(",") + "\n");
      else res.write("[");
      let first = true;
      let buf = "";
      for (const ev of ctx.services.read.iterateEvents(filter, ctx.scope) as Iterable<Record<string, unknown>>) {
        buf += format === "csv" ? cols.map((c) => cell(ev[c])).join(",") + "\n" : (first ? "" : ",") + JSON.stringify(ev);
        first = false;
        if (buf.length > 64 * 1024) {
          if (!res.write(buf)) await new Promise((r) => res.once("drain", r));
          buf = "";
        }
      }
      res.end(buf + (format === "json" ? "]" : ""));
    },
  }),
  route({
    method: "get",
    path: "/audit/verify/:txHash/:logIndex",
    summary: "Re-read an event from the chain and say whether the indexed row matches",
    tag: "audit",
    roles: "any",
    params: z.object({ txHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a transaction hash"), logIndex: Num }).strict(),
    handler: async (ctx) => {
      const { txHash, logIndex } = ctx.params as { txHash: string; logIndex: string };
      return visible(await ctx.services.read.verifyEvent(txHash, Number(logIndex), ctx.scope), `Event ${txHash}/${logIndex}`);
    },
  }),
  route({
    method: "get",
    path: "/audit/:entityType/:id/history",
    summary: "Every event of an order, invoice (with its order and financing), financing request or organisation, in chain order",
    tag: "audit",
    roles: "any",
    params: z.object({ entityType: EntityType, id: z.string().regex(/^[0-9]{1,10}$/, "must be an id") }).strict(),
    handler: async (ctx) => {
      const { entityType, id } = ctx.params as { entityType: string; id: string };
      const items = ctx.services.read.entityHistory(entityType, id, ctx.scope);
      if (!items) throw badRequest(`Unknown ${entityType} ${id}`);
      return { entityType, entityId: id, items };
    },
  }),
  route({
    method: "get",
    path: "/analytics/service",
    summary: "Service analytics: time to decision, fast-track share, approval rate, disputes, per bank",
    tag: "audit",
    roles: "any",
    handler: async (ctx) => ctx.services.read.serviceAnalytics(ctx.scope),
  }),
];

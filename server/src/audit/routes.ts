import { route } from "../http/route";
import { visible } from "../app/write";
import { entityHistory, exportChunks } from "./service";
import { z } from "zod";
import { AuditEventPage, AuditEventRecord, EntityHistory, EventFilter, ExportQuery, HistoryParams, ServiceAnalyticsRecord, VerifyParams, VerifyResultRecord } from "./schemas";

export const auditRoutes = [
  route({
    method: "get",
    path: "/audit/events",
    operationId: "listAuditEvents",
    summary: "Ledger events, filtered and cursor-paginated (auditors see all; others their own organisation's)",
    tag: "audit",
    roles: "any",
    query: EventFilter,
    response: AuditEventPage,
    errors: [],
    handler: async (ctx) => ctx.services.read.listEvents(ctx.query, ctx.scope),
  }),
  route({
    method: "get",
    path: "/audit/export",
    operationId: "exportAuditEvents",
    summary: "Export events as CSV or JSON, streamed (same filters as /audit/events)",
    tag: "audit",
    roles: "any",
    query: ExportQuery,
    response: {
      raw: { "text/csv": null, "application/json": z.array(AuditEventRecord) },
      description: "Every matching event: a CSV file (one line per event), or one JSON array of events",
    },
    errors: [],
    handler: async (ctx) => {
      const { format, ...filter } = ctx.query;
      const res = ctx.res;
      res.status(200);
      res.setHeader("content-disposition", `attachment; filename="trellis-events.${format}"`);
      res.type(format === "csv" ? "text/csv" : "application/json");
      // Written in chunks of about 64 KiB, waiting for the socket to drain, so a large export never sits in memory.
      let buf = "";
      for (const chunk of exportChunks(ctx.services, ctx.actor, filter, format)) {
        buf += chunk;
        if (buf.length > 64 * 1024) {
          if (!res.write(buf)) await new Promise((r) => res.once("drain", r));
          buf = "";
        }
      }
      res.end(buf);
    },
  }),
  route({
    method: "get",
    path: "/audit/verify/:txHash/:logIndex",
    operationId: "verifyAuditEvent",
    summary: "Re-read an event from the chain and say whether the indexed row matches",
    tag: "audit",
    roles: "any",
    params: VerifyParams,
    response: VerifyResultRecord,
    errors: [404, 503],
    handler: async (ctx) => {
      const { txHash, logIndex } = ctx.params;
      return visible(await ctx.services.read.verifyEvent(txHash, Number(logIndex), ctx.scope), `Event ${txHash}/${logIndex}`);
    },
  }),
  route({
    method: "get",
    path: "/audit/:entityType/:id/history",
    operationId: "getEntityHistory",
    summary: "Every event of an order, invoice (with its order and financing), financing request or organisation, in chain order",
    tag: "audit",
    roles: "any",
    params: HistoryParams,
    response: EntityHistory,
    errors: [404],
    handler: async (ctx) => entityHistory(ctx.services, ctx.actor, ctx.params.entityType, ctx.params.id),
  }),
  route({
    method: "get",
    path: "/analytics/service",
    operationId: "getServiceAnalytics",
    summary: "Service analytics: time to decision, fast-track share, approval rate, disputes, per bank",
    tag: "audit",
    roles: "any",
    response: ServiceAnalyticsRecord,
    errors: [],
    handler: async (ctx) => ctx.services.read.serviceAnalytics(ctx.scope),
  }),
];

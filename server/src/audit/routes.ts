import { route } from "../http/route";
import { visible } from "../app/write";
import { entityHistory, exportChunks } from "./service";
import { z } from "zod";
import { AuditEventPage, AuditEventRecord, EntityHistory, EventFilter, ExportQuery, HistoryParams, ProvableType, RowProofParams, RowProofQuery, RowProofRecord, ServiceAnalyticsRecord, SweepParams, SweepRecord, SweepRequest, VerifyParams, VerifyResultRecord } from "./schemas";
import { proveRow } from "./service";
import { startSweep, sweepOrThrow } from "./sweeps";

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
    path: "/audit/verify/:entityType/:id",
    operationId: "verifyAuditRow",
    summary: "Prove a record: re-read the ledger's state (view functions and events, at the index's head or ?block=) and compare it field by field with the row the API returns",
    tag: "audit",
    roles: "any",
    params: RowProofParams,
    when: (p) => ProvableType.safeParse(p.entityType).success,
    query: RowProofQuery,
    response: RowProofRecord,
    errors: [404, 422, 503],
    handler: async (ctx) => proveRow(ctx.services, ctx.actor, ctx.params.entityType, ctx.params.id, ctx.query.block),
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
    method: "post",
    path: "/audit/sweeps",
    operationId: "startAuditSweep",
    summary: "Prove every order, invoice and financing request created in a block range, in the background (auditors and the operator)",
    tag: "audit",
    roles: ["auditor", "operator"],
    body: SweepRequest,
    response: SweepRecord,
    // 422 SWEEP_RANGE_EMPTY: the range holds no block the index has (fromBlock after toBlock or after the head).
    errors: [422],
    handler: async (ctx) => startSweep(ctx.services, ctx.actor, ctx.body),
  }),
  route({
    method: "get",
    path: "/audit/sweeps/:id",
    operationId: "getAuditSweep",
    summary: "A sweep's progress: rows checked, every mismatch with its entity and fields, done",
    tag: "audit",
    roles: ["auditor", "operator"],
    params: SweepParams,
    response: SweepRecord,
    errors: [404],
    handler: async (ctx) => sweepOrThrow(ctx.services, ctx.params.id),
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

import { z } from "zod";
import { route } from "../http/route";
import { AppError } from "../shared/errors";
import { seesAll } from "../shared/scope";
import type { CaseChanged } from "../desk/repo";
import { feedOf, type ChangeNotice } from "./service";

/** How often an idle stream sends a comment line, so proxies and the browser keep it open. */
/** Read per stream, so an operator (or a test) can shorten it without a restart of the module. */
export const heartbeatMs = () => Math.max(100, Number(process.env.TRELLIS_SSE_HEARTBEAT_MS ?? 15_000));

const StreamQuery = z
  .object({
    lastEventId: z.string().regex(/^(0|[1-9][0-9]{0,15})$/, "must be an event id this stream sent (a whole number)").optional().describe("Resume after this event id (for clients that cannot send the Last-Event-ID header)"),
  })
  .strict();

/** A Last-Event-ID this stream issued: a chain position (block × 1,000,000 + log index). */
function positionOf(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new AppError("invalid", "VALIDATION_FAILED", "Last-Event-ID must be an event id this stream sent (a whole number).");
  }
  return Number(value);
}

const frame = (n: ChangeNotice) => `id: ${n.seq}\nevent: change\ndata: ${JSON.stringify(n)}\n\n`;
// The service desk's changes are not on the ledger, so they carry no id: Last-Event-ID stays a chain position.
const deskFrame = (data: object) => `event: desk\ndata: ${JSON.stringify(data)}\n\n`;

export const eventRoutes = [
  route({
    method: "get",
    path: "/events/stream",
    operationId: "streamEvents",
    summary:
      "Server-sent events: each indexed change the caller may see (event `change`, data {seq, id, eventType, entityType, entityId, orgIds, blockNumber, txHash, timestamp}); resumable with Last-Event-ID; a comment line every 15 s",
    tag: "events",
    roles: "any",
    query: StreamQuery,
    response: {
      raw: { "text/event-stream": null },
      description:
        "An endless text/event-stream. Each indexed change the caller's organisation is party to (all changes for auditors and the operator) arrives as `id: <seq>`, `event: change`, `data: <JSON>`; after a reconnect with Last-Event-ID the changes missed are sent first. A step of a case the caller's organisation filed or handles arrives as `event: desk`, `data: {type: \"case\", caseId, action}`, and a notification for the caller as `event: desk`, `data: {type: \"notification\"}` (no id: these are not on the ledger)",
    },
    errors: [],
    handler: async (ctx) => {
      const { req, res, services } = ctx;
      const feed = feedOf(services.indexer, services.idb);
      const resumeAt = positionOf(req.header("last-event-id") ?? ctx.query.lastEventId);
      const after = resumeAt ?? feed.head();
      res.status(200);
      res.setHeader("content-type", "text/event-stream; charset=utf-8");
      res.setHeader("cache-control", "no-cache, no-transform");
      res.setHeader("connection", "keep-alive");
      res.setHeader("x-accel-buffering", "no");
      res.flushHeaders();
      // The browser reconnects after 2 s if the stream drops, sending the last id it saw.
      res.write(`retry: 2000\n: connected at ${after}\n\n`);
      await new Promise<void>((resolve) => {
        const close = feed.subscribe(ctx.scope, after, (n) => res.write(frame(n)));
        const onCase = (c: CaseChanged) => {
          if (seesAll(ctx.scope) || (ctx.scope.orgId !== null && c.orgIds.includes(ctx.scope.orgId))) res.write(deskFrame({ type: "case", caseId: c.caseId, action: c.action }));
        };
        const onNotification = (n: { userId: string }) => {
          if (n.userId === ctx.user.id) res.write(deskFrame({ type: "notification" }));
        };
        services.desk.repo.changes.on("case", onCase);
        services.desk.inbox.changes.on("notification", onNotification);
        const beat = setInterval(() => res.write(": heartbeat\n\n"), heartbeatMs());
        const end = () => {
          clearInterval(beat);
          services.desk.repo.changes.off("case", onCase);
          services.desk.inbox.changes.off("notification", onNotification);
          close();
          resolve();
        };
        req.once("close", end);
        res.once("error", end);
      });
      res.end();
    },
  }),
];

import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import express, { NextFunction, Request, Response } from "express";
import helmet from "helmet";
import compression from "compression";
import rateLimit, { ipKeyGenerator, MemoryStore } from "express-rate-limit";
import swaggerUi from "swagger-ui-express";
import client from "prom-client";
import { z } from "zod";
import type { Services } from "../services";
import { AppError, badRequest, forbidden, kindOfStatus, statusOf } from "./errors";
import { authenticate, checkCsrf, CSRF_HEADER, presented } from "./auth";
import { parseJson, readBody } from "./body";
import { Idempotency } from "./idempotency";
import { buildOpenApi } from "./openapi";
import { isRaw, successStatus, type Ctx, type Route } from "./route";
import { actorOf, type AuthUser } from "../app/actor";
import { allRoutes } from "./routes";
import { withSigningRequests } from "../signing/service";
import { InvalidCursorError } from "../db/page";
import { MoneyFormatError } from "../shared/money";
import { SerialisedJson } from "../shared/serialised";

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });
const httpDuration = new client.Histogram({
  name: "trellis_http_request_duration_seconds",
  help: "HTTP request duration by route and status",
  labelNames: ["method", "route", "status"],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});
const indexedBlock = new client.Gauge({ name: "trellis_indexed_block", help: "Last block indexed", registers: [registry] });

/** Formats a zod error as the API's details: a list of { path, message }. */
export function zodDetails(err: z.ZodError) {
  return err.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

function parse(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return value;
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw badRequest(`The request ${where} is invalid: ${r.error.issues[0].path.join(".") || where} ${r.error.issues[0].message}.`, zodDetails(r.error));
  return r.data;
}

export function createApp(services: Services): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  // gzip (or deflate) for every compressible answer to a read except the live event stream, which must reach the
  // browser event by event rather than in compressed blocks. An answer to a write is one record, small enough that
  // gzip saves little on it, so writes skip the middleware and its per-response work (docs/BENCHMARKS.md).
  const compress = compression({ filter: (req, res) => !String(res.getHeader("content-type") ?? "").startsWith("text/event-stream") && compression.filter(req, res) });
  app.use((req, res, next) => (req.method === "GET" || req.method === "HEAD" ? compress(req, res, next) : next()));
  app.use(
    helmet({
      contentSecurityPolicy: {
        // No inline scripts or styles: the console's bundle is all files (a script injected into the page cannot run).
        directives: { "default-src": ["'self'"], "img-src": ["'self'", "data:"], "style-src": ["'self'"], "script-src": ["'self'"], "object-src": ["'none'"], "frame-ancestors": ["'none'"] },
      },
    }),
  );
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    const end = httpDuration.startTimer({ method: req.method });
    res.on("finish", () => {
      const route = (req.route?.path as string) ?? "other";
      end({ route, status: String(res.statusCode) });
      // One structured line per request: writes and failures at info, successful reads at debug.
      const level = res.statusCode >= 500 ? "error" : req.method === "GET" && res.statusCode < 400 ? "debug" : "info";
      services.logger[level](
        { method: req.method, route, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        "http",
      );
    });
    next();
  });

  // Liveness: the process answers (restarting it would not help a chain outage, so the chain does not count here).
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok", chain: services.chain.current().state });
  });
  // Readiness: the chain answers and is this data directory's, and the index is within readyMaxLagBlocks of its head.
  app.get("/readyz", (_req, res) => {
    const s = services.indexer.status();
    const chain = services.chain.current();
    const head = Math.max(s.headBlock, chain.headBlock);
    const lagBlocks = Math.max(0, head - s.indexedBlock);
    const reason =
      chain.state !== "up"
        ? `chain ${chain.state}: ${chain.reason}`
        : lagBlocks > services.config.readyMaxLagBlocks
          ? `the index is ${lagBlocks} blocks behind the chain (at most ${services.config.readyMaxLagBlocks} allowed)`
          : null;
    res.status(reason ? 503 : 200).json({ ready: reason === null, ...(reason ? { reason } : {}), chain, ...s, headBlock: head, lagBlocks });
  });
  app.get("/metrics", (req, _res, next) => next(metricsAccess(services, req)), async (_req, res) => {
    indexedBlock.set(services.indexer.status().indexedBlock);
    res.type(registry.contentType).send(await registry.metrics());
  });
  const spec = buildOpenApi(allRoutes);
  app.get("/openapi.json", (_req, res) => {
    res.json(spec);
  });
  // Swagger UI's page carries its own inline <style>: only /docs may use inline styles (never inline scripts).
  app.use("/docs", (_req, res, next) => {
    res.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; frame-ancestors 'none'");
    next();
  });
  app.use("/docs", swaggerUi.serve, swaggerUi.setup(spec as swaggerUi.JsonObject));

  const api = express.Router();
  const limited = (message: string) => (_req: Request, _res: Response, next: NextFunction) => next(new AppError("rate_limited", "RATE_LIMITED", message));
  // Before authentication, every request counts against its client address; a generous bound that only a flood hits.
  api.use(
    rateLimit({
      windowMs: 60_000,
      limit: () => services.config.auth.ipRequestsPerMinute,
      keyGenerator: (req) => `ip:${clientKey(req)}`,
      standardHeaders: "draft-7",
      legacyHeaders: false,
      handler: limited("Too many requests from your address; slow down and retry."),
    }),
  );
  const limits: Limits = {
    // After authentication, requests count against the user, however the credential was spelled.
    user: rateLimit({
      windowMs: 60_000,
      limit: () => services.config.auth.userRequestsPerMinute,
      keyGenerator: (_req, res) => `user:${(res.locals.user as AuthUser | undefined)?.id ?? "-"}`,
      standardHeaders: "draft-7",
      legacyHeaders: false,
      handler: limited("Too many requests; slow down and retry."),
    }),
    failures: new MemoryStore(),
  };
  limits.failures.init({ windowMs: 60_000 } as Parameters<MemoryStore["init"]>[0]);
  const idempotency = new Idempotency(services.gdb);
  for (const def of allRoutes) mount(api, def, services, idempotency, limits);
  api.use((_req, _res, next) => next(new AppError("not_found", "NOT_FOUND", "There is no such API route.")));
  app.use("/api/v1", api);

  const webDir = services.config.webDir ?? path.resolve(__dirname, "..", "..", "..", "web", "dist");
  if (fs.existsSync(path.join(webDir, "index.html"))) {
    // Vite names every built asset by its content hash, so a cached copy can never be stale: keep it a year. The
    // page itself must always be revalidated, or a browser would keep asking for the previous build's assets.
    app.use(
      express.static(webDir, {
        index: "index.html",
        setHeaders: (res, file) => {
          const hashed = path.relative(webDir, file).split(path.sep)[0] === "assets";
          res.setHeader("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
        },
      }),
    );
    // Any other path without a file extension is a console route: the page answers it. A missing file is a 404.
    app.get(/^\/(?!api\/|docs|openapi\.json)(?:[^.]*|.*\/[^./]*)$/, (_req, res) => {
      res.setHeader("Cache-Control", "no-cache");
      res.sendFile(path.join(webDir, "index.html"));
    });
  } else {
    app.get("/", (_req, res) => {
      res.type("text/plain").send("Trellis gateway. The console is not built (npm run build:web). API: /api/v1, docs: /docs\n");
    });
  }

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = normalise(err);
    if (statusOf(e) >= 500 && e.code !== "CHAIN_UNAVAILABLE") services.logger.error({ err, path: req.path }, "request failed");
    if (res.headersSent) {
      res.end();
      return;
    }
    if (e.kind === "unavailable") res.setHeader("Retry-After", String(Math.max(1, Math.ceil(services.config.chainProbeMs / 1000) * 2)));
    // An answer given before the body was read (401, 413, 408) closes the connection: Node discards the rest of the
    // body as it arrives instead of keeping the socket for another request.
    if (!req.complete) res.setHeader("Connection", "close");
    const retryAfter = (e.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    if (e.kind === "rate_limited" && retryAfter) res.setHeader("Retry-After", String(retryAfter));
    res.status(statusOf(e)).json({ error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } });
  });
  return app;
}

/**
 * Who may read /metrics: an operator's token, or the separate metrics token (TRELLIS_METRICS_TOKEN) a scraper is
 * given so that it needs no user. Returns undefined to let the request through, else the error to answer with.
 */
function metricsAccess(services: Services, req: Request): AppError | undefined {
  const token = services.config.metricsToken;
  const given = /^Bearer\s+(\S+)$/.exec(req.header("authorization")?.trim() ?? "")?.[1];
  const [a, b] = [Buffer.from(given ?? ""), Buffer.from(token ?? "")];
  if (token && a.length === b.length && crypto.timingSafeEqual(a, b)) return undefined;
  try {
    // An operator's API token or console session (a read: no CSRF token needed).
    const user = authenticate(services.gdb, presented(req));
    return user.role === "operator" ? undefined : forbidden("Only the operator (or the metrics token) may read metrics.");
  } catch (err) {
    return err as AppError;
  }
}

function normalise(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof InvalidCursorError) return new AppError("invalid", "VALIDATION_FAILED", "The cursor is not valid for this list; start again without it.");
  if (err instanceof MoneyFormatError) return new AppError("invalid", "VALIDATION_FAILED", err.message);
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === "entity.too.large") return new AppError("too_large", "PAYLOAD_TOO_LARGE", "The request body is too large.");
  if (e?.type === "entity.parse.failed") return new AppError("invalid", "MALFORMED_JSON", "The request body is not valid JSON.");
  if (e?.type === "encoding.unsupported" || e?.type === "charset.unsupported") return new AppError("unsupported_media", "UNSUPPORTED_MEDIA_TYPE", "Send UTF-8 JSON.");
  if (e?.status && e.status >= 400 && e.status < 500) return new AppError(kindOfStatus(e.status), "BAD_REQUEST", e.message ?? "Bad request.");
  return new AppError("internal", "INTERNAL", "Something went wrong on our side; the request was not completed.");
}

interface Limits {
  user: express.RequestHandler;
  /** Failed authentications per client address in the current minute. */
  failures: MemoryStore;
}

/** The client's address as a rate-limit key (IPv6 addresses by their /56, as express-rate-limit advises). */
function clientKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? "unknown");
}

const JSON_LIMIT = 64 * 1024;
const RAW_LIMIT = 10 * 1024 * 1024;

/**
 * Mounts one route. The order is the point: authenticate from the headers (a client address with too many recent
 * failures is refused first), count the request against the user, check CSRF and the role, and only then read the
 * body, bounded in size and time. A stranger's upload is answered 401 without a byte of it being buffered.
 */
function mount(router: express.Router, def: Route, services: Services, idempotency: Idempotency, limits: Limits) {
  const isWrite = def.method !== "get";
  const streams = isRaw(def.response);
  const authStep = async (req: Request, res: Response, next: NextFunction) => {
    // A path this route does not take (see Route.when) goes on to the next route of the same shape.
    if (def.when && !def.when(req.params as Record<string, string>)) return next("route");
    const settings = services.config.auth;
    const address = `fail:${clientKey(req)}`;
    try {
      const failures = await limits.failures.get(address);
      if (failures && failures.totalHits >= settings.authFailuresPerMinute) {
        const retryAfterSeconds = Math.max(1, Math.ceil(((failures.resetTime?.getTime() ?? Date.now() + 60_000) - Date.now()) / 1000));
        throw new AppError("rate_limited", "AUTH_RATE_LIMITED", "Too many failed sign-ins or bad credentials from your address; wait a minute.", { retryAfterSeconds });
      }
      if (def.public) {
        // Signing in: a refused attempt counts as a failed authentication of this address too.
        res.on("finish", () => {
          if (res.statusCode === 401) void limits.failures.increment(address);
        });
        return next();
      }
      const credential = presented(req);
      try {
        res.locals.user = authenticate(services.gdb, credential);
      } catch (err) {
        // A wrong, expired or malformed credential counts against the address; none at all (a console page asking
        // who is signed in before anyone has) is only a 401.
        if (credential.kind !== "none") await limits.failures.increment(address);
        throw err;
      }
      next();
    } catch (err) {
      next(err);
    }
  };
  const userStep: express.RequestHandler = def.public ? (_q, _s, n) => n() : limits.user;
  router[def.method](def.path, authStep, userStep, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const settings = services.config.auth;
      const user = res.locals.user as AuthUser | undefined;
      if (user) {
        checkCsrf(user, req.method, req.header(CSRF_HEADER));
        if (def.roles !== "any" && !def.roles.includes(user.role)) throw forbidden(`The ${user.role} role may not do this.`);
      }
      const params = parse(def.params, req.params, "path");
      const query = parse(def.query, req.query, "query");
      const rawBody = isWrite ? await readBody(req, { limit: def.rawBody ? RAW_LIMIT : JSON_LIMIT, timeoutMs: settings.bodyTimeoutMs }) : undefined;
      // A write without a body is an action without fields: an empty object.
      const json = def.rawBody || !isWrite ? undefined : (parseJson(req, rawBody) ?? {});
      const parsedBody = json === undefined ? undefined : parse(def.body ?? z.object({}).strict(), json, "body");
      const key = isWrite && user ? req.header("idempotency-key") : undefined;
      if (key !== undefined && !/^[A-Za-z0-9._:-]{1,200}$/.test(key)) throw badRequest("The Idempotency-Key header must be 1-200 characters of letters, digits, '.', '_', ':' or '-'.");
      const ctx = {
        body: def.body ? parsedBody : undefined,
        rawBody: def.rawBody ? rawBody : undefined,
        query,
        params,
        services,
        step: (n: number) => (key && user ? { userId: user.id, key, step: n } : undefined),
        req,
        res,
      } as Omit<Ctx, "user" | "scope" | "actor"> as Ctx;
      if (user) {
        const actor = actorOf(user);
        Object.assign(ctx, { user, scope: actor.scope, actor });
      } else {
        // A public route (signing in) has no user; reaching for one is a programming error, never an anonymous caller.
        const none = () => {
          throw new AppError("internal", "INTERNAL", "This route runs without a signed-in user.");
        };
        Object.defineProperties(ctx, { user: { get: none }, scope: { get: none }, actor: { get: none } });
      }
      // A self-custodied caller's chain write answers 202 with a signing request (server/src/signing/).
      const inputs = { params: req.params, query: req.query, body: json };
      const run = () =>
        withSigningRequests(services, def, ctx, inputs, key, async () => {
          const result = await def.handler(ctx);
          return { status: (res.locals.status as number | undefined) ?? successStatus(def), body: result };
        });
      if (streams && !isWrite) {
        await def.handler(ctx);
        return;
      }
      const out = key
        ? await idempotency.run(user!.id, key, requestHash(req, def.rawBody ? rawBody : parsedBody), run, (status, b) => {
            res.setHeader("Idempotent-Replayed", "true");
            res.status(status).json(b);
          })
        : await run();
      if (out) sendBody(req, res, out.status, out.body);
    } catch (err) {
      next(err);
    }
  });
}

/**
 * Sends a route's success body. A body the domain serialised once (SerialisedJson) goes out as its bytes, gzipped once
 * and then reused when the client accepts gzip (the compression middleware leaves an encoded answer alone); any other
 * body is serialised here. Either way Express adds the ETag and answers a matching If-None-Match with 304.
 */
function sendBody(req: Request, res: Response, status: number, body: unknown) {
  if (!(body instanceof SerialisedJson)) {
    res.status(status).json(body);
    return;
  }
  res.status(status).type("json").vary("Accept-Encoding");
  if (body.bytes.length >= 1024 && req.acceptsEncodings("gzip", "identity") === "gzip") {
    body.gzip ??= zlib.gzipSync(body.bytes);
    res.setHeader("Content-Encoding", "gzip");
    res.send(body.gzip);
  } else {
    res.send(body.bytes);
  }
}

function requestHash(req: Request, body: unknown): string {
  const b = Buffer.isBuffer(body) ? crypto.createHash("sha256").update(body).digest("hex") : JSON.stringify(body ?? null);
  return crypto.createHash("sha256").update(`${req.method} ${req.path}\n${b}`).digest("hex");
}


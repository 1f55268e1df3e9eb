import http from "node:http";
import https from "node:https";
import net from "node:net";
import { AppError } from "../shared/errors";
import type { AttemptRecord, ClaimedDelivery, WebhookOutbox } from "./outbox";
import { signWebhook } from "./signing";
import { guardedLookup, isBlockedAddress } from "./ssrf";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface DelivererOptions {
  outbox: WebhookOutbox;
  /** Unix milliseconds; injectable so tests can move three days in a moment. */
  clock?: () => number;
  /** Connect to private, loopback and link-local targets too (--webhook-allow-private). */
  allowPrivate?: boolean;
  /** How long one event is retried from its first attempt: 24 hours by default. */
  retryWindowMs?: number;
  /** An endpoint that has failed without a single success for this long is disabled: 3 days by default. */
  disableAfterMs?: number;
  /** The first retry's delay; each next one doubles, up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A receiver that has not answered in this time has failed the attempt. */
  timeoutMs?: number;
  /** Attempts in flight at once. */
  concurrency?: number;
  /** How often the loop looks for due retries when nothing wakes it. */
  pollMs?: number;
  /** How long a claimed delivery stays claimed; past it, another run may attempt it again. */
  leaseMs?: number;
  /** Called once when an endpoint is disabled, to tell its owner. */
  onDisabled?: (endpointId: number, reason: string) => void;
  /** Called after every attempt (metrics, the benchmark). */
  onAttempt?: (d: ClaimedDelivery, a: AttemptRecord, delivered: boolean) => void;
}

/** The delay before retry number `attempt` (1 for the first retry): initial * 2^(attempt-1), capped. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
}

/** The response body kept with a failed attempt, enough to see an error message. */
const MAX_ERROR_BODY = 300;

/**
 * Sends the outbox's due deliveries, signed per Standard Webhooks, and schedules retries: exponential back-off from
 * 5 s up to 1 hour between attempts, for 24 hours from the first; every retry of one event carries the same
 * `webhook-id` (the message id) and a fresh timestamp and signature. A 2xx answer is a delivery; anything else, a
 * time-out or a refused connection is a failure. Redirects are not followed. An endpoint that has not had one
 * success for 3 days is disabled with the reason recorded, and `onDisabled` tells its owner.
 */
export class WebhookDeliverer {
  private readonly o: Required<Omit<DelivererOptions, "onDisabled" | "onAttempt">> & Pick<DelivererOptions, "onDisabled" | "onAttempt">;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private readonly lookup: net.LookupFunction;

  constructor(options: DelivererOptions) {
    this.o = {
      clock: Date.now,
      allowPrivate: false,
      retryWindowMs: 24 * HOUR,
      disableAfterMs: 72 * HOUR,
      initialBackoffMs: 5_000,
      maxBackoffMs: HOUR,
      timeoutMs: 10_000,
      concurrency: 8,
      pollMs: 1_000,
      leaseMs: MINUTE,
      ...options,
    };
    for (const key of ["retryWindowMs", "disableAfterMs", "initialBackoffMs", "maxBackoffMs", "timeoutMs", "concurrency", "pollMs", "leaseMs"] as const) {
      const v = this.o[key];
      if (!Number.isFinite(v) || v <= 0) throw new AppError("invalid", "WEBHOOK_CONFIG_INVALID", `The webhook deliverer's ${key} must be a positive number.`);
    }
    if (this.o.leaseMs <= this.o.timeoutMs) {
      throw new AppError("invalid", "WEBHOOK_CONFIG_INVALID", "The delivery lease must outlast the request time-out, or an attempt could run twice at once.");
    }
    this.lookup = guardedLookup(this.o.allowPrivate);
  }

  /** Attempts every delivery due now (up to `concurrency`), and returns how many it attempted. */
  async runOnce(): Promise<number> {
    const due = this.o.outbox.claimDue(this.o.clock(), this.o.concurrency, this.o.leaseMs);
    await Promise.all(due.map((d) => this.attempt(d)));
    return due.length;
  }

  /** Starts the background loop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Tells the loop that something was enqueued, so it does not wait for the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let n = 0;
      try {
        n = await this.runOnce();
      } catch {
        // A database error (busy, closed during shutdown) must not end the loop; the next poll tries again.
      }
      if (n > 0 || !this.running) continue;
      if (this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.o.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }

  private async attempt(d: ClaimedDelivery): Promise<void> {
    const attemptedAt = this.o.clock();
    const started = performance.now();
    const { statusCode, error } = await this.post(d, new Date(attemptedAt));
    const record: AttemptRecord = { attemptedAt, durationMs: Math.round(performance.now() - started), statusCode, error };
    const delivered = error === null && statusCode !== null && statusCode >= 200 && statusCode < 300;
    if (delivered) {
      this.o.outbox.markDelivered(d, record);
    } else {
      const windowEnd = d.retryFrom + this.o.retryWindowMs;
      // The retry after this one; the last retry lands exactly at the end of the window.
      const next = attemptedAt >= windowEnd ? null : Math.min(windowEnd, attemptedAt + backoffDelay(d.attempts + 1, this.o.initialBackoffMs, this.o.maxBackoffMs));
      const failingSince = this.o.outbox.markFailed(d, record, next);
      if (attemptedAt - failingSince >= this.o.disableAfterMs) {
        const hours = Math.round((attemptedAt - failingSince) / HOUR);
        const last = statusCode !== null ? `HTTP ${statusCode}` : (error ?? "no answer");
        const reason = `Every delivery to ${d.url} failed for ${hours} hours without a success (last: ${last}).`;
        if (this.o.outbox.disableEndpoint(d.endpointId, reason, attemptedAt)) this.o.onDisabled?.(d.endpointId, reason);
      }
    }
    this.o.onAttempt?.(d, record, delivered);
  }

  private post(d: ClaimedDelivery, at: Date): Promise<{ statusCode: number | null; error: string | null }> {
    let url: URL;
    try {
      url = new URL(d.url);
    } catch {
      return Promise.resolve({ statusCode: null, error: "The webhook URL is not valid." });
    }
    const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
    // Node skips `lookup` for an IP literal, so a literal is vetted here; names are vetted at connect time.
    if (!this.o.allowPrivate && net.isIP(host) !== 0 && isBlockedAddress(host)) {
      return Promise.resolve({ statusCode: null, error: `Refused: ${host} is a private, loopback or reserved address.` });
    }
    const body = Buffer.from(d.payload, "utf8");
    const headers = {
      ...signWebhook(d.secret, d.messageId, at, d.payload),
      "content-type": "application/json",
      "content-length": String(body.length),
      "user-agent": "Trellis-Webhooks/1",
    };
    const transport = url.protocol === "https:" ? https : http;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (statusCode: number | null, error: string | null) => {
        if (settled) return;
        settled = true;
        resolve({ statusCode, error });
      };
      const req = transport.request(url, { method: "POST", headers, lookup: this.lookup, timeout: this.o.timeoutMs, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on("data", (c: Buffer) => {
          if (kept < MAX_ERROR_BODY) {
            chunks.push(c);
            kept += c.length;
          }
        });
        res.on("end", () => {
          const code = res.statusCode ?? null;
          const ok = code !== null && code >= 200 && code < 300;
          finish(code, ok ? null : `HTTP ${code}: ${Buffer.concat(chunks).toString("utf8").slice(0, MAX_ERROR_BODY)}`.trim());
        });
        res.on("error", (e) => finish(res.statusCode ?? null, e.message));
      });
      req.on("timeout", () => req.destroy(new Error(`No answer within ${this.o.timeoutMs} ms.`)));
      req.on("error", (e: NodeJS.ErrnoException) => finish(null, e.code ? `${e.code}: ${e.message}` : e.message));
      req.end(body);
    });
  }
}

import type { GatewayDb } from "../store/gateway-db";
import { AppError, conflict, statusOf } from "./errors";

type Result = { status: number; body: unknown };

/**
 * Idempotency-Key handling: the same key from the same user returns the stored response and sends nothing. A request
 * that crashed half-way is resumed: its chain writes are keyed by (user, key, step) in `idempotency_steps`, so the
 * retry waits for the transaction already journaled instead of signing a second one.
 */
export class Idempotency {
  private readonly inFlight = new Map<string, Promise<Result | undefined>>();

  constructor(private readonly db: GatewayDb) {}

  async run(
    userId: string,
    key: string,
    requestHash: string,
    work: () => Promise<Result>,
    replay: (status: number, body: unknown) => void,
  ): Promise<Result | undefined> {
    const id = `${userId}\u0000${key}`;
    const running = this.inFlight.get(id);
    if (running) {
      await running.catch(() => undefined);
    }
    const row = this.db.prepare("SELECT request_hash, status_code, response FROM idempotency WHERE user_id = ? AND key = ?").get(userId, key) as
      | { request_hash: string; status_code: number | null; response: string | null }
      | undefined;
    if (row && row.request_hash !== requestHash) {
      throw conflict("IDEMPOTENCY_CONFLICT", "This Idempotency-Key was already used for a different request.");
    }
    if (row && row.status_code !== null) {
      replay(row.status_code, JSON.parse(row.response!));
      return undefined;
    }
    if (!row) {
      this.db
        .prepare("INSERT INTO idempotency (user_id, key, request_hash, created_at) VALUES (?, ?, ?, ?)")
        .run(userId, key, requestHash, new Date().toISOString());
    }
    const p = (async () => {
      try {
        const result = await work();
        this.store(userId, key, result.status, result.body);
        return result;
      } catch (err) {
        const status = err instanceof AppError ? statusOf(err) : 500;
        const e = err as AppError;
        // Client mistakes are final and stored; outages (5xx) are not, so the retry can complete the request.
        if (status >= 400 && status < 500) {
          this.store(userId, key, status, { error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } });
        }
        throw err;
      }
    })();
    this.inFlight.set(id, p);
    try {
      return await p;
    } finally {
      if (this.inFlight.get(id) === p) this.inFlight.delete(id);
    }
  }

  private store(userId: string, key: string, status: number, body: unknown) {
    this.db
      .prepare("UPDATE idempotency SET status_code = ?, response = ? WHERE user_id = ? AND key = ?")
      .run(status, JSON.stringify(body), userId, key);
  }
}

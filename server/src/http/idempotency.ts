import type { GatewayDb } from "../store/gateway-db";
import { IdempotencyRepo } from "../store/idempotency-repo";
import { AppError, conflict, statusOf } from "./errors";

type Result = { status: number; body: unknown };

/**
 * Idempotency-Key handling: the same key from the same user returns the stored response and sends nothing. A request
 * that crashed half-way is resumed: its chain writes are keyed by (user, key, step) in `idempotency_steps`, so the
 * retry waits for the transaction already journaled instead of signing a second one.
 */
export class Idempotency {
  private readonly inFlight = new Map<string, Promise<Result | undefined>>();

  private readonly repo: IdempotencyRepo;

  constructor(db: GatewayDb) {
    this.repo = new IdempotencyRepo(db);
  }

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
    const row = this.repo.find(userId, key);
    if (row && row.requestHash !== requestHash) {
      throw conflict("IDEMPOTENCY_CONFLICT", "This Idempotency-Key was already used for a different request.");
    }
    if (row && row.statusCode !== null) {
      replay(row.statusCode, JSON.parse(row.response!));
      return undefined;
    }
    if (!row) this.repo.begin(userId, key, requestHash);
    const p = (async () => {
      try {
        const result = await work();
        this.repo.answer(userId, key, result.status, result.body);
        return result;
      } catch (err) {
        const status = err instanceof AppError ? statusOf(err) : 500;
        const e = err as AppError;
        // Client mistakes are final and stored; outages (5xx) are not, so the retry can complete the request.
        if (status >= 400 && status < 500) {
          this.repo.answer(userId, key, status, { error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } });
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
}

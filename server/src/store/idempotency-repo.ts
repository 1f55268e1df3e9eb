import type { GatewayDb } from "./gateway-db";

/** A stored Idempotency-Key: the request it was first used for, and its answer once there is one. */
export interface IdempotencyRecord {
  requestHash: string;
  statusCode: number | null;
  response: string | null;
}

/** Step n of the request with an Idempotency-Key: the chain write it made is found again by (user, key, step). */
export interface IdempotencyStep {
  userId: string;
  key: string;
  step: number;
}

/**
 * All SQL on idempotency records, in `gateway.db`: the HTTP edge's stored answers (`idempotency`) and the chain
 * writes each keyed request made (`idempotency_steps`, written in the journal's transaction before broadcast).
 */
export class IdempotencyRepo {
  private readonly st;

  constructor(db: GatewayDb) {
    this.st = {
      get: db.prepare("SELECT request_hash, status_code, response FROM idempotency WHERE user_id = ? AND key = ?"),
      begin: db.prepare("INSERT INTO idempotency (user_id, key, request_hash, created_at) VALUES (?, ?, ?, ?)"),
      answer: db.prepare("UPDATE idempotency SET status_code = ?, response = ? WHERE user_id = ? AND key = ?"),
      step: db.prepare("SELECT tx_hash FROM idempotency_steps WHERE user_id = ? AND key = ? AND step = ?").pluck(),
      recordStep: db.prepare("INSERT INTO idempotency_steps (user_id, key, step, tx_hash) VALUES (?, ?, ?, ?)"),
      forgetStep: db.prepare("DELETE FROM idempotency_steps WHERE user_id = ? AND key = ? AND step = ?"),
    };
  }

  find(userId: string, key: string): IdempotencyRecord | undefined {
    const row = this.st.get.get(userId, key) as { request_hash: string; status_code: number | null; response: string | null } | undefined;
    return row && { requestHash: row.request_hash, statusCode: row.status_code, response: row.response };
  }

  /** Records a key as in progress for a request. */
  begin(userId: string, key: string, requestHash: string): void {
    this.st.begin.run(userId, key, requestHash, new Date().toISOString());
  }

  /** Stores the answer a repeated request gets. */
  answer(userId: string, key: string, status: number, body: unknown): void {
    this.st.answer.run(status, JSON.stringify(body), userId, key);
  }

  /** The transaction a step already signed, if any. */
  stepTx(step: IdempotencyStep): string | undefined {
    return (this.st.step.get(step.userId, step.key, step.step) as string | undefined) ?? undefined;
  }

  recordStep(step: IdempotencyStep, txHash: string): void {
    this.st.recordStep.run(step.userId, step.key, step.step, txHash);
  }

  /** Forgets a step whose transaction the chain refused as a whole, so that it can be signed again. */
  forgetStep(step: IdempotencyStep): void {
    this.st.forgetStep.run(step.userId, step.key, step.step);
  }
}

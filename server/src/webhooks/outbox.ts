import { prepared } from "../db/stmt";
import type { Database } from "../db/sqlite";
import { AppError, notFound } from "../shared/errors";
import { newMessageId, newWebhookSecret } from "./signing";

/**
 * The webhook outbox's tables, as one migration for the database the indexer writes (so a message is inserted in
 * the same transaction as the event it announces, and an event is never indexed without its message, nor the other
 * way round). Times are unix milliseconds.
 *
 * - webhook_endpoints: where an organisation wants events sent, with its signing secret and its health.
 * - webhook_messages: one per event, with the exact body sent and the `webhook-id` every retry reuses. `event_key`
 *   (for example "chainId:blockNumber:logIndex") is unique, so replaying a block range enqueues nothing twice.
 * - webhook_deliveries: one per (message, endpoint): its state, attempt count, next attempt and retry window.
 * - webhook_attempts: every HTTP attempt, for the owner's delivery log.
 */
export const WEBHOOK_OUTBOX_MIGRATION = `
CREATE TABLE webhook_endpoints (
  id INTEGER PRIMARY KEY,
  org_id TEXT NOT NULL,
  url TEXT NOT NULL,
  description TEXT,
  event_types TEXT NOT NULL,
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  failing_since INTEGER,
  disabled_at INTEGER,
  disabled_reason TEXT,
  deleted_at INTEGER
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id);
CREATE TABLE webhook_messages (
  id TEXT PRIMARY KEY,
  event_key TEXT NOT NULL UNIQUE,
  event_type TEXT NOT NULL,
  org_ids TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL REFERENCES webhook_messages (id),
  endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints (id),
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  retry_from INTEGER NOT NULL,
  next_attempt_at INTEGER,
  lease_until INTEGER,
  last_status_code INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER,
  UNIQUE (message_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE TABLE webhook_attempts (
  id INTEGER PRIMARY KEY,
  delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id),
  attempted_at INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  status_code INTEGER,
  error TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);
`;

export interface WebhookEndpoint {
  id: number;
  orgId: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  createdAt: number;
  failingSince: number | null;
  disabledAt: number | null;
  disabledReason: string | null;
}

export interface NewEndpoint {
  orgId: string;
  url: string;
  /** Event types to receive; "*" for all. */
  eventTypes: readonly string[];
  description?: string;
}

export interface OutboxEvent {
  /** Unique per event: "chainId:blockNumber:logIndex" for an indexed log. */
  eventKey: string;
  type: string;
  /** The organisations that may see the event; only their endpoints receive it. */
  orgIds: readonly string[];
  /** Unix milliseconds at which the event happened (the block time). */
  occurredAt: number;
  data: unknown;
}

export type DeliveryStatus = "pending" | "delivered" | "failed" | "cancelled";

export interface Delivery {
  id: number;
  messageId: string;
  endpointId: number;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  retryFrom: number;
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

/** A delivery claimed for an attempt, with what the attempt needs. */
export interface ClaimedDelivery extends Delivery {
  url: string;
  secret: string;
  payload: string;
}

export interface AttemptRecord {
  attemptedAt: number;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

interface EndpointRow {
  id: number;
  org_id: string;
  url: string;
  description: string | null;
  event_types: string;
  secret: string;
  created_at: number;
  failing_since: number | null;
  disabled_at: number | null;
  disabled_reason: string | null;
}

interface DeliveryRow {
  id: number;
  message_id: string;
  endpoint_id: number;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  retry_from: number;
  next_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

/** An endpoint `e` that is live, of one of the organisations (@orgs, a JSON array) and subscribed to the type (@type). */
const LIVE_SUBSCRIBER = `e.deleted_at IS NULL AND e.disabled_at IS NULL
  AND e.org_id IN (SELECT value FROM json_each(@orgs))
  AND EXISTS (SELECT 1 FROM json_each(e.event_types) t WHERE t.value = '*' OR t.value = @type)`;

const endpointView = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  orgId: r.org_id,
  url: r.url,
  description: r.description,
  eventTypes: JSON.parse(r.event_types) as string[],
  createdAt: r.created_at,
  failingSince: r.failing_since,
  disabledAt: r.disabled_at,
  disabledReason: r.disabled_reason,
});

const deliveryView = (r: DeliveryRow): Delivery => ({
  id: r.id,
  messageId: r.message_id,
  endpointId: r.endpoint_id,
  eventType: r.event_type,
  status: r.status,
  attempts: r.attempts,
  retryFrom: r.retry_from,
  nextAttemptAt: r.next_attempt_at,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

const DELIVERY_COLUMNS = `d.id, d.message_id, d.endpoint_id, m.event_type, d.status, d.attempts, d.retry_from, d.next_attempt_at,
  d.last_status_code, d.last_error, d.created_at, d.delivered_at`;

/** The outbox's SQL. Every method is synchronous, so it joins a transaction its caller has open. */
export class WebhookOutbox {
  constructor(private readonly db: Database) {}

  /** Creates the tables in a database that does not have them yet (tests, and until the migration is wired). */
  static install(db: Database): WebhookOutbox {
    db.exec(WEBHOOK_OUTBOX_MIGRATION);
    return new WebhookOutbox(db);
  }

  /** Registers an endpoint and returns it with its secret, which is shown to the owner only this once. */
  createEndpoint(e: NewEndpoint, now: number): WebhookEndpoint & { secret: string } {
    if (e.eventTypes.length === 0)
      throw new AppError("invalid", "WEBHOOK_EVENTS_EMPTY", 'A webhook needs at least one event type, or "*".');
    const secret = newWebhookSecret();
    const r = prepared(
      this.db,
      "INSERT INTO webhook_endpoints (org_id, url, description, event_types, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    ).run(e.orgId, e.url, e.description ?? null, JSON.stringify([...new Set(e.eventTypes)].sort()), secret, now);
    return { ...this.getEndpoint(Number(r.lastInsertRowid)), secret };
  }

  getEndpoint(id: number): WebhookEndpoint {
    const r = prepared(this.db, "SELECT * FROM webhook_endpoints WHERE id = ? AND deleted_at IS NULL").get(id) as
      EndpointRow | undefined;
    if (!r) throw notFound("The webhook");
    return endpointView(r);
  }

  listEndpoints(orgId: string): WebhookEndpoint[] {
    return (
      prepared(this.db, "SELECT * FROM webhook_endpoints WHERE org_id = ? AND deleted_at IS NULL ORDER BY id").all(
        orgId,
      ) as EndpointRow[]
    ).map(endpointView);
  }

  /** Removes an endpoint; what was still waiting for it is cancelled. */
  deleteEndpoint(id: number, now: number): void {
    this.getEndpoint(id);
    this.db.transaction(() => {
      prepared(this.db, "UPDATE webhook_endpoints SET deleted_at = ? WHERE id = ?").run(now, id);
      prepared(
        this.db,
        "UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL, last_error = 'The webhook was deleted.' WHERE endpoint_id = ? AND status = 'pending'",
      ).run(id);
    })();
  }

  /**
   * Writes the message for one event and a pending delivery for every live endpoint of an organisation allowed to
   * see it that subscribed to its type. Returns null when the event was already enqueued (a replay), and no message
   * id (nothing written) when no endpoint takes it.
   */
  enqueue(ev: OutboxEvent, now: number): { messageId: string | null; deliveries: number } | null {
    const orgJson = JSON.stringify([...new Set(ev.orgIds)]);
    // Most events reach no endpoint at all: a message nobody is sent is not written (its body, id and row would cost
    // the indexer's commit for nothing, docs/BENCHMARKS.md). An endpoint registered later never gets older events.
    if (!prepared(this.db, `SELECT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE ${LIVE_SUBSCRIBER}) AS yes`).pluck().get({ orgs: orgJson, type: ev.type })) {
      return { messageId: null, deliveries: 0 };
    }
    const messageId = newMessageId();
    const payload = JSON.stringify({ type: ev.type, timestamp: new Date(ev.occurredAt).toISOString(), data: ev.data });
    return this.db.transaction(() => {
      const inserted = prepared(
        this.db,
        "INSERT INTO webhook_messages (id, event_key, event_type, org_ids, payload, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING",
      ).run(messageId, ev.eventKey, ev.type, orgJson, payload, now);
      if (inserted.changes === 0) return null;
      const fanned = prepared(
        this.db,
        `INSERT INTO webhook_deliveries (message_id, endpoint_id, status, retry_from, next_attempt_at, created_at)
           SELECT ?, e.id, 'pending', ?, ?, ? FROM webhook_endpoints e WHERE ${LIVE_SUBSCRIBER}`,
      ).run(messageId, now, now, now, { orgs: orgJson, type: ev.type });
      return { messageId, deliveries: fanned.changes };
    })();
  }

  /**
   * Leases up to `limit` deliveries that are due at `now`, for `leaseMs`. A process that dies mid-attempt loses its
   * lease and the delivery is attempted again with the same message id: delivery is at least once.
   */
  claimDue(now: number, limit: number, leaseMs: number): ClaimedDelivery[] {
    return this.db.transaction(() => {
      const rows = prepared(
        this.db,
        `SELECT ${DELIVERY_COLUMNS}, e.url, e.secret, m.payload
           FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id JOIN webhook_endpoints e ON e.id = d.endpoint_id
           WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until <= ?)
           ORDER BY d.next_attempt_at, d.id LIMIT ?`,
      ).all(now, now, limit) as Array<DeliveryRow & { url: string; secret: string; payload: string }>;
      const lease = prepared(this.db, "UPDATE webhook_deliveries SET lease_until = ? WHERE id = ?");
      for (const r of rows) lease.run(now + leaseMs, r.id);
      return rows.map((r) => ({ ...deliveryView(r), url: r.url, secret: r.secret, payload: r.payload }));
    })();
  }

  private recordAttempt(deliveryId: number, a: AttemptRecord): void {
    prepared(
      this.db,
      "INSERT INTO webhook_attempts (delivery_id, attempted_at, duration_ms, status_code, error) VALUES (?, ?, ?, ?, ?)",
    ).run(deliveryId, a.attemptedAt, a.durationMs, a.statusCode, a.error);
  }

  markDelivered(d: { id: number; endpointId: number }, a: AttemptRecord): void {
    this.db.transaction(() => {
      this.recordAttempt(d.id, a);
      prepared(
        this.db,
        "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, next_attempt_at = NULL, lease_until = NULL, last_status_code = ?, last_error = NULL WHERE id = ?",
      ).run(a.attemptedAt, a.statusCode, d.id);
      prepared(this.db, "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ?").run(d.endpointId);
    })();
  }

  /**
   * Records a failed attempt; the delivery is tried again at `nextAttemptAt`, or fails for good when that is null.
   * Returns since when the endpoint has been failing without a success in between.
   */
  markFailed(d: { id: number; endpointId: number }, a: AttemptRecord, nextAttemptAt: number | null): number {
    return this.db.transaction(() => {
      this.recordAttempt(d.id, a);
      this.db
        // A delivery cancelled while its attempt was in flight (the endpoint was disabled or deleted) stays cancelled.
        .prepare(
          `UPDATE webhook_deliveries SET status = CASE WHEN status = 'pending' THEN ? ELSE status END,
             next_attempt_at = CASE WHEN status = 'pending' THEN ? ELSE NULL END,
             attempts = attempts + 1, lease_until = NULL, last_status_code = ?, last_error = ? WHERE id = ?`,
        )
        .run(nextAttemptAt === null ? "failed" : "pending", nextAttemptAt, a.statusCode, a.error, d.id);
      prepared(this.db, "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, ?) WHERE id = ?").run(
        a.attemptedAt,
        d.endpointId,
      );
      return (
        prepared(this.db, "SELECT failing_since FROM webhook_endpoints WHERE id = ?").get(d.endpointId) as {
          failing_since: number;
        }
      ).failing_since;
    })();
  }

  /**
   * Stops sending to an endpoint and says why; what was waiting for it is cancelled (and can be retried by hand).
   * Returns false when it was already disabled, so concurrent failures tell the owner only once.
   */
  disableEndpoint(id: number, reason: string, now: number): boolean {
    return this.db.transaction(() => {
      const r = prepared(
        this.db,
        "UPDATE webhook_endpoints SET disabled_at = ?, disabled_reason = ? WHERE id = ? AND disabled_at IS NULL",
      ).run(now, reason, id);
      if (r.changes === 0) return false;
      prepared(
        this.db,
        "UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL, lease_until = NULL, last_error = ? WHERE endpoint_id = ? AND status = 'pending'",
      ).run(`The webhook was disabled: ${reason}`, id);
      return true;
    })();
  }

  enableEndpoint(id: number): void {
    this.getEndpoint(id);
    prepared(
      this.db,
      "UPDATE webhook_endpoints SET disabled_at = NULL, disabled_reason = NULL, failing_since = NULL WHERE id = ?",
    ).run(id);
  }

  getDelivery(id: number): Delivery {
    const r = prepared(
      this.db,
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id WHERE d.id = ?`,
    ).get(id) as DeliveryRow | undefined;
    if (!r) throw notFound("The delivery");
    return deliveryView(r);
  }

  /** An endpoint's deliveries, newest first, before `beforeId` when paging. */
  listDeliveries(endpointId: number, limit = 50, beforeId?: number): Delivery[] {
    return (
      prepared(
        this.db,
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id WHERE d.endpoint_id = ? AND d.id < ? ORDER BY d.id DESC LIMIT ?`,
      ).all(endpointId, beforeId ?? Number.MAX_SAFE_INTEGER, limit) as DeliveryRow[]
    ).map(deliveryView);
  }

  attempts(deliveryId: number): AttemptRecord[] {
    return prepared(
      this.db,
      "SELECT attempted_at AS attemptedAt, duration_ms AS durationMs, status_code AS statusCode, error FROM webhook_attempts WHERE delivery_id = ? ORDER BY id",
    ).all(deliveryId) as AttemptRecord[];
  }

  /** Queues a finished delivery again at once with a fresh retry window; same message, same webhook-id. */
  retryDelivery(id: number, now: number): Delivery {
    const d = this.getDelivery(id);
    if (d.status === "pending")
      throw new AppError("conflict", "WEBHOOK_DELIVERY_PENDING", "This delivery is still being retried.");
    const endpoint = this.getEndpoint(d.endpointId);
    if (endpoint.disabledAt !== null)
      throw new AppError(
        "conflict",
        "WEBHOOK_DISABLED",
        "The webhook is disabled; enable it before retrying a delivery.",
      );
    prepared(
      this.db,
      "UPDATE webhook_deliveries SET status = 'pending', retry_from = ?, next_attempt_at = ?, lease_until = NULL WHERE id = ?",
    ).run(now, now, id);
    return this.getDelivery(id);
  }

  /** Deliveries still waiting, for health checks and the benchmark. */
  pendingCount(): number {
    return (
      prepared(this.db, "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'pending'").get() as { n: number }
    ).n;
  }
}

import BetterSqlite3 from "better-sqlite3";
import { expect } from "chai";
import { AppError } from "../../../server/src/shared/errors";
import { WEBHOOK_OUTBOX_MIGRATION, WebhookOutbox, type OutboxEvent } from "../../../server/src/webhooks/outbox";

const T0 = Date.parse("2026-03-02T09:00:00Z");

function fixture() {
  const db = new BetterSqlite3(":memory:");
  db.pragma("foreign_keys = ON");
  const outbox = WebhookOutbox.install(db);
  const bank = outbox.createEndpoint({ orgId: "1", url: "https://bank.example/hooks", eventTypes: ["*"] }, T0);
  const supplierInvoices = outbox.createEndpoint({ orgId: "2", url: "https://erp.example/in", eventTypes: ["invoice.confirmed", "invoice.financed"], description: "ERP" }, T0);
  const buyer = outbox.createEndpoint({ orgId: "3", url: "https://buyer.example/in", eventTypes: ["*"] }, T0);
  return { db, outbox, endpoints: { bank, supplierInvoices, buyer } };
}

const event = (over: Partial<OutboxEvent> = {}): OutboxEvent => ({
  eventKey: "31337:10:0",
  type: "invoice.confirmed",
  orgIds: ["1", "2"],
  occurredAt: T0,
  data: { invoiceId: "7", amount: "1250.00" },
  ...over,
});

function appError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(AppError);
    return e as AppError;
  }
  return expect.fail("expected an AppError");
}

describe("webhook outbox", () => {
  it("exports its tables as one migration", () => {
    const db = new BetterSqlite3(":memory:");
    db.exec(WEBHOOK_OUTBOX_MIGRATION);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    expect(tables).to.deep.equal(["webhook_attempts", "webhook_deliveries", "webhook_endpoints", "webhook_messages"]);
  });

  describe("createEndpoint", () => {
    it("stores the endpoint and returns its whsec_ secret once", () => {
      const { outbox, endpoints } = fixture();
      expect(endpoints.supplierInvoices.secret).to.match(/^whsec_/);
      const stored = outbox.getEndpoint(endpoints.supplierInvoices.id);
      expect(stored).to.deep.include({ orgId: "2", url: "https://erp.example/in", description: "ERP", eventTypes: ["invoice.confirmed", "invoice.financed"], disabledAt: null });
      expect(stored).to.not.have.property("secret");
      expect(outbox.listEndpoints("2").map((e) => e.id)).to.deep.equal([endpoints.supplierInvoices.id]);
    });

    it("refuses an endpoint with no event types", () => {
      const { outbox } = fixture();
      expect(appError(() => outbox.createEndpoint({ orgId: "1", url: "https://x.example", eventTypes: [] }, T0)).code).to.equal("WEBHOOK_EVENTS_EMPTY");
    });
  });

  describe("enqueue", () => {
    it("fans an event out only to endpoints of organisations that may see it and that subscribed to its type", () => {
      const { outbox, endpoints } = fixture();
      const r = outbox.enqueue(event(), T0);
      expect(r?.deliveries).to.equal(2);
      expect(outbox.listDeliveries(endpoints.bank.id)).to.have.length(1);
      expect(outbox.listDeliveries(endpoints.supplierInvoices.id)).to.have.length(1);
      expect(outbox.listDeliveries(endpoints.buyer.id)).to.have.length(0);
      expect(outbox.enqueue(event({ eventKey: "31337:11:0", type: "order.created" }), T0)?.deliveries).to.equal(1);
    });

    it("writes no message for an event no live endpoint takes, and writes the next one that is taken", () => {
      const { db, outbox, endpoints } = fixture();
      const messages = () => (db.prepare("SELECT event_key FROM webhook_messages ORDER BY event_key").pluck().all() as string[]);
      // Organisation 2 takes only invoice events; organisation 4 has no endpoint; a deleted endpoint takes nothing.
      expect(outbox.enqueue(event({ eventKey: "31337:12:0", type: "order.created", orgIds: ["2", "4"] }), T0)).to.deep.equal({ messageId: null, deliveries: 0 });
      outbox.deleteEndpoint(endpoints.buyer.id, T0);
      expect(outbox.enqueue(event({ eventKey: "31337:12:1", orgIds: ["3"] }), T0)).to.deep.equal({ messageId: null, deliveries: 0 });
      expect(messages()).to.deep.equal([]);
      const taken = outbox.enqueue(event({ eventKey: "31337:12:2", orgIds: ["3", "2"] }), T0);
      expect(taken?.deliveries).to.equal(1);
      expect(taken?.messageId).to.match(/^msg_/);
      expect(messages()).to.deep.equal(["31337:12:2"]);
      expect(outbox.listDeliveries(endpoints.supplierInvoices.id).map((d) => d.messageId)).to.deep.equal([taken?.messageId]);
    });

    it("writes the body once, in the Standard Webhooks shape, and reuses one message id for every endpoint", () => {
      const { outbox } = fixture();
      const r = outbox.enqueue(event(), T0);
      const due = outbox.claimDue(T0, 10, 60_000);
      expect(due.map((d) => d.messageId)).to.deep.equal([r?.messageId, r?.messageId]);
      expect(JSON.parse(due[0].payload)).to.deep.equal({ type: "invoice.confirmed", timestamp: "2026-03-02T09:00:00.000Z", data: { invoiceId: "7", amount: "1250.00" } });
    });

    it("does nothing for an event it already has (a replayed block)", () => {
      const { outbox } = fixture();
      expect(outbox.enqueue(event(), T0)).to.not.equal(null);
      expect(outbox.enqueue(event(), T0 + 1000)).to.equal(null);
      expect(outbox.pendingCount()).to.equal(2);
    });

    it("joins its caller's transaction: rolled back with the indexed event, committed with it", () => {
      const { db, outbox } = fixture();
      db.exec("CREATE TABLE events (seq INTEGER PRIMARY KEY, event_type TEXT NOT NULL)");
      const indexOne = db.transaction((seq: number, fail: boolean) => {
        db.prepare("INSERT INTO events (seq, event_type) VALUES (?, 'invoice.confirmed')").run(seq);
        outbox.enqueue(event({ eventKey: `31337:${seq}:0` }), T0);
        if (fail) throw new Error("the projection failed");
      });
      expect(() => indexOne(20, true)).to.throw("the projection failed");
      expect(db.prepare("SELECT COUNT(*) AS n FROM webhook_messages").get()).to.deep.equal({ n: 0 });
      expect(outbox.pendingCount()).to.equal(0);
      indexOne(21, false);
      expect(db.prepare("SELECT COUNT(*) AS n FROM webhook_messages").get()).to.deep.equal({ n: 1 });
      expect(db.prepare("SELECT COUNT(*) AS n FROM events").get()).to.deep.equal({ n: 1 });
    });
  });

  describe("claimDue", () => {
    it("leases a due delivery so a second run does not take it until the lease lapses", () => {
      const { outbox } = fixture();
      outbox.enqueue(event({ orgIds: ["1"] }), T0);
      expect(outbox.claimDue(T0, 10, 60_000)).to.have.length(1);
      expect(outbox.claimDue(T0 + 59_999, 10, 60_000)).to.have.length(0);
      expect(outbox.claimDue(T0 + 60_000, 10, 60_000)).to.have.length(1);
    });

    it("does not hand out a retry before its time", () => {
      const { outbox } = fixture();
      outbox.enqueue(event({ orgIds: ["1"] }), T0);
      const [d] = outbox.claimDue(T0, 10, 60_000);
      outbox.markFailed(d, { attemptedAt: T0, durationMs: 3, statusCode: 503, error: "HTTP 503" }, T0 + 5_000);
      expect(outbox.claimDue(T0 + 4_999, 10, 60_000)).to.have.length(0);
      const [again] = outbox.claimDue(T0 + 5_000, 10, 60_000);
      expect(again.messageId).to.equal(d.messageId);
      expect(again.attempts).to.equal(1);
      expect(again.lastStatusCode).to.equal(503);
    });
  });

  describe("deliveries and attempts", () => {
    it("records every attempt and the final state, and clears the endpoint's failing streak on success", () => {
      const { outbox, endpoints } = fixture();
      outbox.enqueue(event({ orgIds: ["1"] }), T0);
      const [d] = outbox.claimDue(T0, 10, 60_000);
      expect(outbox.markFailed(d, { attemptedAt: T0, durationMs: 2, statusCode: null, error: "ECONNREFUSED" }, T0 + 5_000)).to.equal(T0);
      expect(outbox.getEndpoint(endpoints.bank.id).failingSince).to.equal(T0);
      outbox.markDelivered(d, { attemptedAt: T0 + 5_000, durationMs: 4, statusCode: 204, error: null });
      expect(outbox.getDelivery(d.id)).to.deep.include({ status: "delivered", attempts: 2, deliveredAt: T0 + 5_000, lastStatusCode: 204, nextAttemptAt: null });
      expect(outbox.attempts(d.id)).to.deep.equal([
        { attemptedAt: T0, durationMs: 2, statusCode: null, error: "ECONNREFUSED" },
        { attemptedAt: T0 + 5_000, durationMs: 4, statusCode: 204, error: null },
      ]);
      expect(outbox.getEndpoint(endpoints.bank.id).failingSince).to.equal(null);
    });

    it("retries a failed delivery by hand with a fresh window and the same message", () => {
      const { outbox } = fixture();
      outbox.enqueue(event({ orgIds: ["1"] }), T0);
      const [d] = outbox.claimDue(T0, 10, 60_000);
      outbox.markFailed(d, { attemptedAt: T0, durationMs: 1, statusCode: 500, error: "HTTP 500" }, null);
      expect(outbox.getDelivery(d.id).status).to.equal("failed");
      const again = outbox.retryDelivery(d.id, T0 + 100_000);
      expect(again).to.deep.include({ status: "pending", retryFrom: T0 + 100_000, nextAttemptAt: T0 + 100_000, messageId: d.messageId });
      const e = appError(() => outbox.retryDelivery(d.id, T0 + 100_001));
      expect(e.code).to.equal("WEBHOOK_DELIVERY_PENDING");
      expect(e.kind).to.equal("conflict");
    });

    it("cancels what was waiting when an endpoint is disabled or deleted, and stops fanning out to it", () => {
      const { outbox, endpoints } = fixture();
      outbox.enqueue(event(), T0);
      expect(outbox.disableEndpoint(endpoints.bank.id, "failing for 3 days", T0 + 1)).to.equal(true);
      expect(outbox.disableEndpoint(endpoints.bank.id, "again", T0 + 2)).to.equal(false);
      const [cancelled] = outbox.listDeliveries(endpoints.bank.id);
      expect(cancelled).to.deep.include({ status: "cancelled", lastError: "The webhook was disabled: failing for 3 days" });
      expect(outbox.getEndpoint(endpoints.bank.id)).to.deep.include({ disabledAt: T0 + 1, disabledReason: "failing for 3 days" });
      expect(appError(() => outbox.retryDelivery(cancelled.id, T0 + 2)).code).to.equal("WEBHOOK_DISABLED");
      expect(outbox.enqueue(event({ eventKey: "31337:12:0" }), T0 + 2)?.deliveries).to.equal(1);

      outbox.deleteEndpoint(endpoints.supplierInvoices.id, T0 + 3);
      expect(outbox.listDeliveries(endpoints.supplierInvoices.id).map((d) => d.status)).to.deep.equal(["cancelled", "cancelled"]);
      expect(appError(() => outbox.getEndpoint(endpoints.supplierInvoices.id)).kind).to.equal("not_found");
      expect(outbox.enqueue(event({ eventKey: "31337:13:0" }), T0 + 4)?.deliveries).to.equal(0);

      outbox.enableEndpoint(endpoints.bank.id);
      expect(outbox.enqueue(event({ eventKey: "31337:14:0" }), T0 + 5)?.deliveries).to.equal(1);
    });
  });
});

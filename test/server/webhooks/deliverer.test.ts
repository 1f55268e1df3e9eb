import http from "node:http";
import net from "node:net";
import BetterSqlite3 from "better-sqlite3";
import { expect } from "chai";
import { Webhook } from "standardwebhooks";
import { AppError } from "../../../server/src/shared/errors";
import { backoffDelay, WebhookDeliverer, type DelivererOptions } from "../../../server/src/webhooks/deliverer";
import { WebhookOutbox, type OutboxEvent } from "../../../server/src/webhooks/outbox";

const H = 3_600_000;

interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
}

/** A real webhook receiver on 127.0.0.1 that can be taken down and brought back on the same port. */
class Receiver {
  readonly received: Received[] = [];
  /** Status to answer with; a function lets a test fail the first few requests. */
  respond: (n: number) => number = () => 204;
  hang = false;
  private server: http.Server | null = null;
  port = 0;

  async up(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        this.received.push({
          id: String(req.headers["webhook-id"]),
          timestamp: String(req.headers["webhook-timestamp"]),
          signature: String(req.headers["webhook-signature"]),
          body: Buffer.concat(chunks).toString("utf8"),
        });
        if (this.hang) return;
        res.statusCode = this.respond(this.received.length);
        res.end(res.statusCode >= 300 ? "receiver says no" : "");
      });
    });
    await new Promise<void>((r) => this.server?.listen(this.port, "127.0.0.1", r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async down(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }
}

function setup(opts: Partial<DelivererOptions> = {}) {
  const db = new BetterSqlite3(":memory:");
  const outbox = WebhookOutbox.install(db);
  const clock = { now: Date.parse("2026-03-02T09:00:00Z") };
  const disabled: Array<{ id: number; reason: string }> = [];
  const deliverer = new WebhookDeliverer({
    outbox,
    clock: () => clock.now,
    allowPrivate: true,
    timeoutMs: 2_000,
    onDisabled: (id, reason) => disabled.push({ id, reason }),
    ...opts,
  });
  return { db, outbox, clock, deliverer, disabled };
}

let seq = 0;
const event = (type = "invoice.confirmed", orgIds = ["1"]): OutboxEvent => ({
  eventKey: `31337:${++seq}:0`,
  type,
  orgIds,
  occurredAt: Date.parse("2026-03-02T08:59:58Z"),
  data: { invoiceId: String(seq), amount: "1250.00", note: "发票已确认" },
});

describe("webhook deliverer", () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = new Receiver();
    await receiver.up();
  });
  afterEach(() => receiver.down());

  describe("when the receiver is up", () => {
    it("posts the event signed per Standard Webhooks, verified by the reference library", async () => {
      const { outbox, deliverer } = setup({ clock: Date.now });
      const ep = outbox.createEndpoint({ orgId: "1", url: receiver.url, eventTypes: ["*"] }, Date.now());
      const r = outbox.enqueue(event(), Date.now());
      expect(await deliverer.runOnce()).to.equal(1);
      expect(receiver.received).to.have.length(1);
      const got = receiver.received[0];
      expect(got.id).to.equal(r?.messageId);
      const verified = new Webhook(ep.secret).verify(got.body, { "webhook-id": got.id, "webhook-timestamp": got.timestamp, "webhook-signature": got.signature });
      expect(verified).to.deep.equal({ type: "invoice.confirmed", timestamp: "2026-03-02T08:59:58.000Z", data: { invoiceId: String(seq), amount: "1250.00", note: "发票已确认" } });
      const [d] = outbox.listDeliveries(ep.id);
      expect(d).to.deep.include({ status: "delivered", attempts: 1, lastStatusCode: 204 });
    });
  });

  describe("when the receiver is taken down and brought back", () => {
    it("delivers every event at least once, with the same webhook-id on every retry and valid signatures", async () => {
      const { db, outbox, deliverer } = setup({ clock: Date.now });
      const ep = outbox.createEndpoint({ orgId: "1", url: receiver.url, eventTypes: ["*"] }, Date.now());
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(outbox.enqueue(event(), Date.now())?.messageId ?? "");
      expect(await deliverer.runOnce()).to.equal(3);
      await receiver.down();
      for (let i = 0; i < 3; i++) ids.push(outbox.enqueue(event(), Date.now())?.messageId ?? "");
      // Attempts against the closed port fail with a refused connection and are scheduled again.
      expect(await deliverer.runOnce()).to.equal(3);
      const failed = outbox.listDeliveries(ep.id).filter((d) => d.status === "pending");
      expect(failed).to.have.length(3);
      for (const d of failed) {
        expect(d.attempts).to.equal(1);
        expect(d.lastError).to.match(/ECONNREFUSED/);
      }
      await receiver.up();
      // Bring the retries forward instead of waiting out the 5 s back-off.
      db.prepare("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE status = 'pending'").run(Date.now());
      expect(await deliverer.runOnce()).to.equal(3);
      expect(outbox.pendingCount()).to.equal(0);
      const receivedIds = receiver.received.map((r) => r.id);
      expect(new Set(receivedIds)).to.deep.equal(new Set(ids));
      const wh = new Webhook(ep.secret);
      for (const got of receiver.received) {
        expect(() => wh.verify(got.body, { "webhook-id": got.id, "webhook-timestamp": got.timestamp, "webhook-signature": got.signature })).to.not.throw();
      }
      for (const d of outbox.listDeliveries(ep.id)) expect(d.status).to.equal("delivered");
    });

    it("keeps the webhook-id of an event across failed attempts and re-signs each attempt", async () => {
      const { outbox, deliverer, clock } = setup();
      receiver.respond = (n) => (n <= 2 ? 503 : 200);
      outbox.createEndpoint({ orgId: "1", url: receiver.url, eventTypes: ["*"] }, clock.now);
      const r = outbox.enqueue(event(), clock.now);
      await deliverer.runOnce();
      clock.now += 5_000;
      await deliverer.runOnce();
      clock.now += 10_000;
      await deliverer.runOnce();
      expect(receiver.received.map((x) => x.id)).to.deep.equal([r?.messageId, r?.messageId, r?.messageId]);
      expect(new Set(receiver.received.map((x) => x.timestamp)).size).to.equal(3);
      expect(new Set(receiver.received.map((x) => x.body)).size).to.equal(1);
      expect(outbox.pendingCount()).to.equal(0);
    });
  });

  describe("retries", () => {
    it("backs off exponentially from 5 s, capped at an hour", () => {
      expect([1, 2, 3, 4, 5, 10, 11, 20].map((n) => backoffDelay(n, 5_000, H))).to.deep.equal([5_000, 10_000, 20_000, 40_000, 80_000, 2_560_000, H, H]);
    });

    it("retries on that schedule for 24 hours from the first attempt, then gives the delivery up", async () => {
      const { outbox, deliverer, clock } = setup();
      receiver.respond = () => 500;
      const ep = outbox.createEndpoint({ orgId: "1", url: receiver.url, eventTypes: ["*"] }, clock.now);
      outbox.enqueue(event(), clock.now);
      const start = clock.now;
      const attemptTimes: number[] = [];
      for (let i = 0; i < 100; i++) {
        const [d] = outbox.listDeliveries(ep.id);
        if (d.status !== "pending" || d.nextAttemptAt === null) break;
        clock.now = d.nextAttemptAt;
        attemptTimes.push(clock.now - start);
        await deliverer.runOnce();
      }
      const [d] = outbox.listDeliveries(ep.id);
      expect(d.status).to.equal("failed");
      expect(d.lastError).to.equal("HTTP 500: receiver says no");
      expect(attemptTimes.slice(0, 5)).to.deep.equal([0, 5_000, 15_000, 35_000, 75_000]);
      expect(attemptTimes[attemptTimes.length - 1]).to.equal(24 * H);
      // Gaps double to the hour cap, then stay at an hour until the window ends.
      const gaps = attemptTimes.slice(1).map((t, i) => t - attemptTimes[i]);
      for (let i = 1; i < gaps.length - 1; i++) expect(gaps[i]).to.equal(Math.min(H, gaps[i - 1] * 2));
      expect(receiver.received).to.have.length(attemptTimes.length);
      expect(outbox.attempts(d.id)).to.have.length(attemptTimes.length);
    });

    it("takes a configurable retry window", async () => {
      const { outbox, deliverer, clock } = setup({ retryWindowMs: 60_000 });
      receiver.respond = () => 502;
      const ep = outbox.createEndpoint({ orgId: "1", url: receiver.url, eventTypes: ["*"] }, clock.now);
      outbox.enqueue(event(), clock.now);
      for (let i = 0; i < 20; i++) {
        const [d] = outbox.listDeliveries(ep.id);
        if (d.nextAttemptAt === null) break;
        clock.now = d.nextAttemptAt;
        await deliverer.runOnce();
      }
      const [d] = outbox.listDeliveries(ep.id);
      expect(d.status).to.equal("failed");
      // 0, 5, 15, 35 and the last at exactly 60 s.
      expect(d.attempts).to.equal(5);
    });

    it("counts a receiver that does not answer in time as a failure", async () => {
      const { outbox, deliverer, clock } = setup({ timeoutMs: 300 });
      receiver.hang = true;
      const ep = outbox.createEndpoint({ orgId: "1", url: receiver.url, eventTypes: ["*"] }, clock.now);
      outbox.enqueue(event(), clock.now);
      await deliverer.runOnce();
      const [d] = outbox.listDeliveries(ep.id);
      expect(d).to.deep.include({ status: "pending", attempts: 1, lastStatusCode: null });
      expect(d.lastError).to.match(/No answer within 300 ms/);
    });
  });

  describe("an endpoint failing for 3 days", () => {
    it("is disabled with the reason recorded, its owner told once, and gets nothing more", async () => {
      const { outbox, deliverer, clock, disabled } = setup();
      await receiver.down();
      const ep = outbox.createEndpoint({ orgId: "1", url: receiver.url, eventTypes: ["*"] }, clock.now);
      const start = clock.now;
      // A new event every 6 hours; each is retried per schedule. Step the clock to each next due attempt.
      let nextEventAt = start;
      for (let i = 0; i < 2000 && outbox.getEndpoint(ep.id).disabledAt === null; i++) {
        const due = outbox.listDeliveries(ep.id, 500).filter((d) => d.status === "pending").map((d) => d.nextAttemptAt ?? Infinity);
        const nextAttempt = due.length > 0 ? Math.min(...due) : Infinity;
        clock.now = Math.min(nextAttempt, nextEventAt);
        if (clock.now === nextEventAt) {
          outbox.enqueue(event(), clock.now);
          nextEventAt += 6 * H;
        }
        await deliverer.runOnce();
      }
      const endpoint = outbox.getEndpoint(ep.id);
      expect(endpoint.disabledAt).to.not.equal(null);
      expect(endpoint.disabledAt ?? 0).to.be.at.least(start + 72 * H);
      expect(endpoint.disabledAt ?? Infinity).to.be.below(start + 73 * H);
      expect(endpoint.disabledReason).to.match(/^Every delivery to http:\/\/127\.0\.0\.1:\d+\/hooks failed for 72 hours without a success \(last: ECONNREFUSED/);
      expect(disabled).to.deep.equal([{ id: ep.id, reason: endpoint.disabledReason }]);
      expect(outbox.listDeliveries(ep.id, 500).filter((d) => d.status === "pending")).to.deep.equal([]);
      expect(outbox.enqueue(event(), clock.now)?.deliveries).to.equal(0);
    });

    it("is not disabled when a success comes in between", async () => {
      const { outbox, deliverer, clock, disabled } = setup();
      let failing = true;
      receiver.respond = () => (failing ? 500 : 200);
      const ep = outbox.createEndpoint({ orgId: "1", url: receiver.url, eventTypes: ["*"] }, clock.now);
      outbox.enqueue(event(), clock.now);
      await deliverer.runOnce();
      clock.now += 48 * H;
      failing = false;
      outbox.enqueue(event(), clock.now);
      await deliverer.runOnce();
      failing = true;
      clock.now += 30 * H;
      outbox.enqueue(event(), clock.now);
      await deliverer.runOnce();
      expect(outbox.getEndpoint(ep.id).disabledAt).to.equal(null);
      expect(outbox.getEndpoint(ep.id).failingSince).to.equal(clock.now);
      expect(disabled).to.deep.equal([]);
    });
  });

  describe("SSRF", () => {
    it("refuses to connect to a loopback target unless private targets are allowed", async () => {
      const { outbox, deliverer, clock } = setup({ allowPrivate: false });
      const ep = outbox.createEndpoint({ orgId: "1", url: receiver.url, eventTypes: ["*"] }, clock.now);
      outbox.enqueue(event(), clock.now);
      await deliverer.runOnce();
      expect(receiver.received).to.have.length(0);
      expect(outbox.listDeliveries(ep.id)[0].lastError).to.match(/^Refused: 127\.0\.0\.1 is a private/);
    });

    it("refuses a host name that resolves to loopback at connect time", async () => {
      const { outbox, deliverer, clock } = setup({ allowPrivate: false });
      const ep = outbox.createEndpoint({ orgId: "1", url: `http://localhost:${receiver.port}/hooks`, eventTypes: ["*"] }, clock.now);
      outbox.enqueue(event(), clock.now);
      await deliverer.runOnce();
      expect(receiver.received).to.have.length(0);
      expect(outbox.listDeliveries(ep.id)[0].lastError).to.match(/^WEBHOOK_TARGET_PRIVATE/);
    });
  });

  describe("the background loop", () => {
    it("delivers soon after wake() and stops cleanly", async () => {
      const { outbox, deliverer } = setup({ clock: Date.now, pollMs: 60_000 });
      outbox.createEndpoint({ orgId: "1", url: receiver.url, eventTypes: ["*"] }, Date.now());
      deliverer.start();
      const t0 = performance.now();
      outbox.enqueue(event(), Date.now());
      deliverer.wake();
      while (receiver.received.length === 0 && performance.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 5));
      expect(receiver.received).to.have.length(1);
      // With a 60 s poll, only the wake-up explains a delivery this fast.
      expect(performance.now() - t0).to.be.below(2_000);
      await deliverer.stop();
    });
  });

  describe("configuration", () => {
    it("refuses a lease no longer than the request time-out", () => {
      const { outbox } = setup();
      try {
        new WebhookDeliverer({ outbox, timeoutMs: 10_000, leaseMs: 10_000 });
        expect.fail("expected an error");
      } catch (e) {
        expect(e).to.be.instanceOf(AppError);
        expect((e as AppError).code).to.equal("WEBHOOK_CONFIG_INVALID");
      }
    });
  });
});

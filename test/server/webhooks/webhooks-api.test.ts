import http from "node:http";
import net from "node:net";
import { expect } from "chai";
import { Webhook } from "standardwebhooks";
import { startPlatform, type Platform } from "../../../scripts/lib/platform";
import { apiClient } from "../../../scripts/lib/api-client";
import { clients, newDoc, inDays } from "../lifecycle";

interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
}

/** A real webhook receiver on 127.0.0.1 that can answer an error, be taken down and brought back on the same port. */
class Receiver {
  readonly received: Received[] = [];
  status = 204;
  private server: http.Server | null = null;
  port = 0;

  async up(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        this.received.push({ id: String(req.headers["webhook-id"]), timestamp: String(req.headers["webhook-timestamp"]), signature: String(req.headers["webhook-signature"]), body: Buffer.concat(chunks).toString("utf8") });
        res.statusCode = this.status;
        res.end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(this.port, "127.0.0.1", r));
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
    return `http://127.0.0.1:${this.port}/trellis`;
  }

  types(): string[] {
    return this.received.map((r) => (JSON.parse(r.body) as { type: string }).type);
  }
}

const until = async <T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 20_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false && v !== null) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe("webhooks, notifications and the keeper over the API (real chain)", function () {
  this.timeout(300_000);
  let p: Platform;
  let c: ReturnType<typeof clients>;
  const acme = new Receiver();
  const bankB = new Receiver();

  before(async () => {
    await acme.up();
    await bankB.up();
    p = await startPlatform({ chain: "hardhat", args: ["--webhook-allow-private"] });
    c = clients(p.credentials);
  });
  after(async () => {
    await p?.stop();
    await acme.down();
    await bankB.down();
  });

  const orderAndInvoice = async (tag: string, due = inDays(30)) => {
    const order = await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "250.00", reference: `PO-WH-${tag}-${Date.now() % 1e6}`, dueDate: due });
    expect(order.status).to.equal(201);
    await c.supplier("POST", `/orders/${order.body.id}/accept`);
    const inv = await c.supplier("POST", "/invoices", { orderId: order.body.id, invoiceNumber: `WH-${tag}-${Date.now() % 1e6}`, amount: "250.00", dueDate: due, documentHash: newDoc() });
    expect(inv.status).to.equal(201);
    return { orderId: order.body.id as string, invoiceId: inv.body.id as string };
  };

  it("delivers every event an organisation may see at least once, signed, with the same webhook-id on retries, through an outage", async () => {
    const created = await c.buyer("POST", "/webhooks", { url: acme.url, events: ["*"], description: "Acme ERP" });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body).to.include({ url: acme.url, status: "active", description: "Acme ERP" });
    expect(created.body.secret).to.match(/^whsec_/);
    const listed = await c.buyer("GET", "/webhooks");
    expect(listed.body.items).to.have.length(1);
    expect(listed.body.items[0]).to.not.have.property("secret");
    expect((await c.buyer("POST", "/webhooks", { url: acme.url, events: ["NoSuchEvent"] })).body.error.code).to.equal("WEBHOOK_EVENT_UNKNOWN");
    // Bank B takes everything too, but sees nothing of Acme's and Pearl's orders and invoices.
    const b = await c.officer3("POST", "/webhooks", { url: bankB.url, events: ["*"] });
    expect(b.status).to.equal(201);
    expect((await c.officer3("GET", `/webhooks/${created.body.id}`)).status).to.equal(404);

    const idb = p.gateway.services.idb;
    const startSeq = (idb.prepare("SELECT COALESCE(MAX(seq), 0) AS m FROM events").get() as { m: number }).m;
    const verifier = new Webhook(created.body.secret);

    // Phase 1: the receiver is up.
    const first = await orderAndInvoice("up");
    await c.buyer("POST", `/invoices/${first.invoiceId}/confirm`);
    await until("the first events", () => acme.types().includes("InvoiceConfirmed"));

    // Phase 2: the receiver answers 503, then is taken down altogether.
    acme.status = 503;
    const second = await orderAndInvoice("503");
    await until("failing attempts", () => acme.types().filter((t) => t === "InvoiceIssued").length >= 2);
    const refusedIds = new Set(acme.received.filter((r) => JSON.parse(r.body).data.entityId === second.invoiceId).map((r) => r.id));
    await acme.down();
    await c.buyer("POST", `/invoices/${second.invoiceId}/confirm`);
    const third = await orderAndInvoice("down");
    const pending = await c.buyer("GET", `/webhooks/${created.body.id}/deliveries`);
    expect(pending.body.items.some((d: { status: string; attempts: number }) => d.status === "pending")).to.equal(true);

    // Phase 3: back up; the back-off's next attempts (5 s, then 10 s, 20 s, ...) reach it.
    acme.status = 204;
    await acme.up();
    const expected = (idb.prepare("SELECT COUNT(*) AS n FROM event_orgs WHERE org_id = ? AND seq > ?").get(Number(p.credentials.orgs.acme), startSeq) as { n: number }).n;
    const all = await until("every delivery delivered", async () => {
      const r = await c.buyer("GET", `/webhooks/${created.body.id}/deliveries?limit=500`);
      const items = r.body.items as Array<{ id: string; status: string; messageId: string; attempts: number; eventType: string }>;
      return items.length === expected && items.every((d) => d.status === "delivered") ? items : undefined;
    }, 60_000);
    expect(expected).to.be.greaterThanOrEqual(10);

    // Every delivery reached the receiver under its webhook-id, and every request it got verifies.
    const receivedIds = new Set(acme.received.map((r) => r.id));
    for (const d of all) expect(receivedIds.has(d.messageId), `${d.eventType} ${d.messageId}`).to.equal(true);
    for (const r of acme.received) {
      const payload = verifier.verify(r.body, { "webhook-id": r.id, "webhook-timestamp": r.timestamp, "webhook-signature": r.signature }) as { type: string; data: { chainId: number } };
      expect(payload.data.chainId).to.equal(31337);
    }
    // The ids refused with 503 came again, the same, and then succeeded; those retried carry several attempts.
    expect(refusedIds.size).to.be.greaterThanOrEqual(1);
    for (const id of refusedIds) expect(acme.received.filter((r) => r.id === id).length).to.be.greaterThanOrEqual(2);
    expect(all.filter((d) => d.attempts >= 2).length).to.be.greaterThanOrEqual(refusedIds.size);
    expect(acme.types()).to.include.members(["OrderIssued", "OrderAccepted", "InvoiceIssued", "InvoiceConfirmed"]);
    expect(new Set(all.map((d) => JSON.stringify(d.messageId))).size).to.equal(all.length);
    expect(third.invoiceId).to.be.a("string");

    // Bank B received nothing of it.
    const bankTypes = bankB.received.map((r) => JSON.parse(r.body).data.entityId as string);
    expect(bankTypes).to.not.include(first.invoiceId);
    expect(bankTypes).to.not.include(third.invoiceId);

    // A delivered event can be sent again by hand, under the same id.
    const one = all[0];
    const retried = await c.buyer("POST", `/webhooks/${created.body.id}/deliveries/${one.id}/retry`);
    expect(retried.status, JSON.stringify(retried.body)).to.equal(200);
    expect(retried.body).to.include({ messageId: one.messageId, status: "pending" });
    await until("the manual retry", () => acme.received.filter((r) => r.id === one.messageId).length >= 2 || undefined);
    expect((await c.officer3("POST", `/webhooks/${created.body.id}/deliveries/${one.id}/retry`)).status).to.equal(404);

    const del = await c.buyer("DELETE", `/webhooks/${created.body.id}`);
    expect(del.body).to.deep.equal({ id: created.body.id, deleted: true });
    expect((await c.buyer("GET", `/webhooks/${created.body.id}`)).status).to.equal(404);
  });

  it("tells the buyer of an invoice to confirm, and reminds both parties 7 days and 1 day before it is due, once each", async () => {
    const { invoiceId } = await orderAndInvoice("remind", inDays(5));
    const toConfirm = await until("the invoice_to_confirm notification", async () => {
      const r = await c.buyer("GET", "/notifications?unread=true&limit=200");
      return r.body.items.find((n: { kind: string; subject: { id: string } | null }) => n.kind === "invoice_to_confirm" && n.subject?.id === invoiceId);
    });
    expect(toConfirm.title).to.contain(invoiceId);
    await c.buyer("POST", `/invoices/${invoiceId}/confirm`);
    await p.gateway.keeper.runOnce();
    await p.gateway.keeper.runOnce();
    const seven = async (who: "buyer" | "supplier", kind: string) =>
      ((await c[who]("GET", "/notifications?limit=500")).body.items as Array<{ kind: string; subject: { id: string } | null }>).filter((n) => n.kind === kind && n.subject?.id === invoiceId);
    expect(await seven("buyer", "due_in_7_days")).to.have.length(1);
    expect(await seven("supplier", "due_in_7_days")).to.have.length(1);
    expect(await seven("buyer", "due_in_1_day")).to.have.length(0);
    // Half a day before it falls due (the due date is the end of its day, so how far that is depends on the time now).
    const due = Date.parse((await c.buyer("GET", `/invoices/${invoiceId}`)).body.dueDate);
    p.gateway.services.desk.clock.advance(due - p.gateway.services.desk.clock.now() - 0.5 * 86_400_000);
    await p.gateway.keeper.runOnce();
    await p.gateway.keeper.runOnce();
    expect(await seven("buyer", "due_in_1_day")).to.have.length(1);
    const all = await c.buyer("POST", "/notifications/read-all");
    expect(all.body.marked).to.be.greaterThanOrEqual(2);
    expect((await c.buyer("GET", "/notifications/unread-count")).body.unread).to.equal(0);
  });

  it("marks a confirmed invoice overdue by itself once the grace period has passed, signing with its role-less keeper account", async () => {
    const { invoiceId } = await orderAndInvoice("overdue", inDays(3));
    await c.buyer("POST", `/invoices/${invoiceId}/confirm`);
    const before = await p.gateway.keeper.runOnce();
    expect(before.overdueMarked).to.not.include(invoiceId);
    await p.gateway.services.provider.send("evm_increaseTime", [10 * 86400]);
    await p.gateway.services.provider.send("evm_mine", []);
    const round = await p.gateway.keeper.runOnce();
    expect(round.overdueMarked).to.include(invoiceId);
    const inv = await c.buyer("GET", `/invoices/${invoiceId}`);
    expect(inv.body.status).to.equal("overdue");
    const row = p.gateway.services.idb.prepare("SELECT actor FROM events WHERE event_type = 'InvoiceMarkedOverdue' AND entity_id = ?").get(invoiceId) as { actor: string };
    expect(row.actor.toLowerCase()).to.equal(p.gateway.keeper.address.toLowerCase());
    // The keeper holds no role: it is none of the operator, a member or a treasury.
    expect(p.gateway.keeper.address.toLowerCase()).to.not.equal(p.gateway.services.operatorAddress.toLowerCase());
    const member = p.gateway.services.idb.prepare("SELECT COUNT(*) AS n FROM members WHERE lower(account) = ?").get(p.gateway.keeper.address.toLowerCase()) as { n: number };
    expect(member.n).to.equal(0);
    expect((await p.gateway.keeper.runOnce()).overdueMarked).to.not.include(invoiceId);
  });

  it("refuses private, loopback and metadata targets without --webhook-allow-private", async () => {
    const strict = await startPlatform({ chain: "hardhat", node: p.node });
    try {
      const buyer = apiClient(strict.baseUrl, strict.credentials.users.buyer.token);
      for (const url of [acme.url, "http://10.0.0.8/hook", "http://169.254.169.254/latest/meta-data", "http://[::1]:8080/x", "http://100.100.100.200/"]) {
        const r = await buyer("POST", "/webhooks", { url, events: ["*"] });
        expect(r.status, url).to.equal(422);
        expect(r.body.error.code).to.equal("WEBHOOK_TARGET_PRIVATE");
      }
      expect((await buyer("GET", "/webhooks")).body.items).to.have.length(0);
    } finally {
      await strict.stopGateway();
    }
  });
});

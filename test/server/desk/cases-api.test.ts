import net from "node:net";
import { expect } from "chai";
import { SMTPServer } from "smtp-server";
import { startPlatform, type Platform } from "../../../scripts/lib/platform";
import { clients, confirmedInvoice, newDoc, fastTrackLifecycle, inDays } from "../lifecycle";

const HOUR = 3_600_000;

/** A real SMTP server (smtp-server) on 127.0.0.1 keeping the envelopes and raw messages it is given. */
async function startSmtp() {
  const arrived: Array<{ to: string[]; raw: string }> = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        arrived.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.server.address() as net.AddressInfo).port;
  return { arrived, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const until = async <T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe("service desk over the API (real chain)", function () {
  this.timeout(240_000);
  let p: Platform;
  let c: ReturnType<typeof clients>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const ids: Record<string, string> = {};

  before(async () => {
    smtp = await startSmtp();
    p = await startPlatform({ chain: "hardhat", args: ["--smtp-url", `smtp://127.0.0.1:${smtp.port}`] });
    c = clients(p.credentials);
    for (const name of ["buyer", "supplier", "officer1", "officer2", "officer3", "auditor"] as const) ids[name] = (await c[name]("GET", "/me")).body.user.id;
  });
  after(async () => {
    await p?.stop();
    await smtp?.close();
  });

  describe("a supplier's complaint in Chinese about a bank", () => {
    const text = "银行拒绝了我们的融资申请，却没有说明任何理由。";
    let caseId: string;
    let assignee: string;

    it("is classified and assigned to the least-loaded officer of the bank on filing", async () => {
      expect((await c.supplier("PUT", "/notifications/email", { email: "pearl@example.com" })).body).to.deep.equal({ email: "pearl@example.com", smtpConfigured: true });
      const filed = await c.supplier("POST", "/cases", { aboutOrgId: p.credentials.orgs.bankA, text });
      expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
      expect(filed.body).to.include({ kind: "bank_complaint", category: "financing_decision", classifiedBy: "classifier", status: "open", handlingOrgId: p.credentials.orgs.bankA, text, responseClock: "running", escalated: false });
      expect(filed.body.confidence).to.be.greaterThan(0.5);
      expect(filed.body.subject).to.deep.equal({ type: "organization", id: p.credentials.orgs.bankA });
      expect([ids.officer1, ids.officer2]).to.include(filed.body.assignee.userId);
      expect(Date.parse(filed.body.respondBy) - Date.parse(filed.body.openedAt)).to.equal(48 * HOUR);
      expect(Date.parse(filed.body.escalateAt) - Date.parse(filed.body.openedAt)).to.equal(24 * HOUR);
      expect(filed.body.history.map((h: { action: string }) => h.action)).to.deep.equal(["filed", "classified", "assigned"]);
      caseId = filed.body.id;
      assignee = filed.body.assignee.userId;

      // A second complaint goes to the other officer: least loaded first.
      const second = await c.supplier("POST", "/cases", { aboutOrgId: p.credentials.orgs.bankA, text: "贴现利率比合同约定的高，手续费也太贵了" });
      expect(second.body).to.include({ category: "fees" });
      expect(second.body.assignee.userId).to.equal(assignee === ids.officer1 ? ids.officer2 : ids.officer1);
      // Bank B's officer sees neither; the bank's officers see theirs with assignee=me.
      expect((await c.officer3("GET", `/cases/${caseId}`)).status).to.equal(404);
      const mine = await (assignee === ids.officer1 ? c.officer1 : c.officer2)("GET", "/cases?assignee=me&status=open");
      expect(mine.body.items.map((x: { id: string }) => x.id)).to.include(caseId);
      expect(mine.body.items.map((x: { id: string }) => x.id)).to.not.include(second.body.id);
      // The assignee has it in the inbox.
      const inbox = await (assignee === ids.officer1 ? c.officer1 : c.officer2)("GET", "/notifications?unread=true");
      expect(inbox.body.items.find((n: { kind: string; subject: { id: string } | null }) => n.kind === "case_assigned" && n.subject?.id === caseId)).to.not.equal(undefined);
    });

    it("is escalated to the bank's admins at 24 hours and flagged at 48 hours without an answer, once each", async () => {
      const officer = assignee === ids.officer1 ? c.officer1 : c.officer2;
      p.gateway.services.desk.clock.advance(25 * HOUR);
      const first = await p.gateway.keeper.runOnce();
      expect(first.caseActions).to.deep.include({ caseId, action: "escalate" });
      expect(first.caseActions.filter((a) => a.caseId === caseId)).to.have.length(1);
      const again = await p.gateway.keeper.runOnce();
      expect(again.caseActions.filter((a) => a.caseId === caseId)).to.have.length(0);
      const escalated = await officer("GET", `/cases/${caseId}`);
      expect(escalated.body).to.include({ escalated: true, responseClock: "running" });
      // Bank A's admin is told.
      const admin = await c.adminA("GET", "/notifications?unread=true");
      expect(admin.body.items.some((n: { kind: string; subject: { id: string } | null }) => n.kind === "case_escalated" && n.subject?.id === caseId)).to.equal(true);
      const counts = await c.adminA("GET", "/notifications/unread-count");
      expect(counts.body.byKind.case_escalated).to.be.greaterThanOrEqual(1);

      p.gateway.services.desk.clock.advance(24 * HOUR);
      const late = await p.gateway.keeper.runOnce();
      expect(late.caseActions).to.deep.include({ caseId, action: "response_breach" });
      const breached = await officer("GET", `/cases/${caseId}`);
      expect(breached.body.responseClock).to.equal("breached");
      expect(breached.body.responseBreachedAt).to.be.a("string");
      expect(breached.body.history.map((h: { action: string }) => h.action)).to.include.members(["escalated", "response_breached"]);
    });

    it("is answered, reclassified, reassigned, resolved and rated by the filer, every step in its history", async () => {
      const officer = assignee === ids.officer1 ? c.officer1 : c.officer2;
      const other = assignee === ids.officer1 ? ids.officer2 : ids.officer1;
      expect((await c.supplier("POST", `/cases/${caseId}/respond`, { response: "no" })).body.error.code).to.equal("CASE_NOT_HANDLER");
      const answered = await officer("POST", `/cases/${caseId}/respond`, { response: "我们会在两个工作日内复核该申请。" });
      expect(answered.status).to.equal(200);
      expect(answered.body).to.include({ status: "answered", responseClock: "breached", response: "我们会在两个工作日内复核该申请。" });
      expect(answered.body.responseSeconds).to.be.greaterThan(48 * 3600);
      const re = await officer("POST", `/cases/${caseId}/reclassify`, { category: "service" });
      expect(re.body).to.include({ category: "service", confidence: 1, classifiedBy: "person" });
      const moved = await officer("POST", `/cases/${caseId}/reassign`, { assigneeUserId: other });
      expect(moved.body.assignee.userId).to.equal(other);
      const outsider = await officer("POST", `/cases/${caseId}/reassign`, { assigneeUserId: ids.officer3 });
      expect(outsider.status).to.equal(422);
      expect(outsider.body.error.code).to.equal("ASSIGNEE_NOT_IN_ORG");
      expect((await c.supplier("POST", `/cases/${caseId}/rate`, { rating: 4 })).body.error.code).to.equal("CASE_NOT_RESOLVED");
      const resolved = await (other === ids.officer1 ? c.officer1 : c.officer2)("POST", `/cases/${caseId}/resolve`, { outcome: "upheld", resolution: "复核后已批准融资。" });
      expect(resolved.body).to.include({ status: "resolved", outcome: "upheld", resolutionClock: "met" });
      expect((await officer("POST", `/cases/${caseId}/rate`, { rating: 5 })).body.error.code).to.equal("CASE_NOT_FILER");
      const rated = await c.supplier("POST", `/cases/${caseId}/rate`, { rating: 4, comment: "处理及时" });
      expect(rated.status).to.equal(200);
      expect(rated.body).to.include({ rating: 4, ratingComment: "处理及时" });
      const twice = await c.supplier("POST", `/cases/${caseId}/rate`, { rating: 5 });
      expect(twice.status).to.equal(409);
      expect(twice.body.error.code).to.equal("CASE_ALREADY_RATED");
      expect(rated.body.history.map((h: { action: string }) => h.action)).to.deep.equal([
        "filed", "classified", "assigned", "escalated", "response_breached", "responded", "reclassified", "reassigned", "resolved", "rated",
      ]);
      // The filer's inbox was told of the answer and the resolution, and by email too.
      const inbox = await c.supplier("GET", `/notifications`);
      const kinds = inbox.body.items.filter((n: { subject: { id: string } | null }) => n.subject?.id === caseId).map((n: { kind: string }) => n.kind);
      expect(kinds).to.include.members(["case_answered", "case_resolved"]);
      const mail = await until("the resolution email", () => smtp.arrived.find((m) => m.to.includes("pearl@example.com") && /resolved/.test(m.raw)));
      expect(mail.raw).to.match(/Subject: .*Case/);
      const read = await c.supplier("POST", `/notifications/${inbox.body.items[0].id}/read`);
      expect(read.body.readAt).to.be.a("string");
      expect((await c.buyer("POST", `/notifications/${inbox.body.items[0].id}/read`)).status).to.equal(404);
      // Both lists page by the id their last page answered; anything else is refused, not read as a number.
      const page = await c.supplier("GET", "/notifications?limit=1");
      expect(page.body.nextCursor).to.be.a("string");
      const next = await c.supplier("GET", `/notifications?limit=1&cursor=${page.body.nextCursor}`);
      expect(next.status).to.equal(200);
      expect(next.body.items[0].id).to.not.equal(page.body.items[0].id);
      for (const bad of ["1.5", "1e%2B308", "-1", "abc", "0"]) {
        for (const list of ["/notifications", "/cases"]) {
          const r = await c.supplier("GET", `${list}?cursor=${bad}`);
          expect(r.status, `${list}?cursor=${bad}`).to.equal(400);
          expect(r.body.error.code).to.equal("VALIDATION_FAILED");
        }
      }
      expect((await c.supplier("GET", "/cases?cursor=")).status).to.equal(200);
    });
  });

  describe("a buyer's dispute on an invoice", () => {
    it("becomes a case assigned to the supplier, and the old dispute routes still answer it", async () => {
      const order = await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "120.00", reference: `PO-DESK-${Date.now() % 1e6}`, dueDate: inDays(30) });
      await c.supplier("POST", `/orders/${order.body.id}/accept`);
      const inv = await c.supplier("POST", "/invoices", { orderId: order.body.id, invoiceNumber: `DESK-${Date.now() % 1e6}`, amount: "120.00", dueDate: inDays(30), documentHash: newDoc() });
      const invoiceId: string = inv.body.id;
      const d = await c.buyer("POST", `/invoices/${invoiceId}/dispute`, { reasonCode: 1, category: "quantity", reason: "到货数量少了10件，和订单不符" });
      expect(d.status, JSON.stringify(d.body)).to.equal(201);
      const list = await c.supplier("GET", "/cases?status=open");
      const mine = list.body.items.find((x: { subject: { type: string; id: string } }) => x.subject.type === "invoice" && x.subject.id === invoiceId);
      expect(mine).to.include({ kind: "invoice_dispute", category: "quantity", handlingOrgId: p.credentials.orgs.pearl });
      expect(mine.assignee.userId).to.equal(ids.supplier);
      const ans = await c.supplier("POST", `/disputes/${mine.id}/respond`, { response: "补发10件。" });
      expect(ans.body).to.include({ status: "answered", clock: "answered_in_time" });
      const after = await c.buyer("GET", `/cases/${mine.id}`);
      expect(after.body).to.include({ status: "answered", response: "补发10件。", responseClock: "met" });
    });
  });

  describe("analytics of complaint handling", () => {
    it("measures response and resolution times, the 48-hour share, breaches, satisfaction and each bank's weak spots", async () => {
      const r = await c.officer1("GET", "/analytics/cases");
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
      expect(r.body.overall.cases).to.be.greaterThanOrEqual(2);
      expect(r.body.overall.responseBreaches).to.be.greaterThanOrEqual(1);
      expect(r.body.overall.satisfaction).to.deep.include({ ratings: 1, average: 4 });
      expect(r.body.overall.firstResponseSeconds.p50).to.be.greaterThan(48 * 3600);
      const service = r.body.byCategory.find((x: { key: string }) => x.key === "service");
      expect(service.cases).to.equal(1);
      const bank = r.body.weakSpots.find((w: { orgId: string }) => w.orgId === p.credentials.orgs.bankA);
      expect(bank.categories.map((x: { category: string }) => x.category)).to.include.members(["service", "fees"]);
      // Bank B sees none of Bank A's cases.
      const other = await c.officer3("GET", "/analytics/cases");
      expect(other.body.overall.cases).to.equal(0);
    });
  });

  describe("client profiles and service levels", () => {
    it("shows a supplier's timeline, lifecycle, value to each bank and utilisation, to itself in whole and to its bank in part", async () => {
      await fastTrackLifecycle(p.credentials);
      const { invoiceId } = await confirmedInvoice(p.credentials, "1000000.00", "PROFILE");
      const req = await c.supplier("POST", "/financing-requests", { invoiceId, bankOrgId: p.credentials.orgs.bankA, amount: "800000.00" });
      expect(req.body).to.include({ path: "maker-checker" });
      // The request waits in Bank A's queue: its officers are told.
      await until("request_in_queue", async () =>
        ((await c.officer2("GET", "/notifications?unread=true&limit=200")).body.items as Array<{ kind: string; subject: { id: string } | null }>).find((n) => n.kind === "request_in_queue" && n.subject?.id === req.body.id),
      );
      await c.officer1("POST", `/financing-requests/${req.body.id}/approve`);
      await c.officer2("POST", `/financing-requests/${req.body.id}/approve`);
      const paid = await c.officer1("POST", `/financing-requests/${req.body.id}/disburse`);
      expect(paid.body.status).to.equal("disbursed");
      await until("payout_received", async () =>
        ((await c.supplier("GET", "/notifications?limit=200")).body.items as Array<{ kind: string; subject: { id: string } | null }>).find((n) => n.kind === "payout_received" && n.subject?.id === req.body.id),
      );

      const own = await c.supplier("GET", `/analytics/clients/${p.credentials.orgs.pearl}`);
      expect(own.status, JSON.stringify(own.body)).to.equal(200);
      expect(own.body).to.include({ kind: "supplier", scope: "whole" });
      expect(own.body.lifecycle.stage).to.equal("active");
      const a = own.body.valueByBank.find((b: { bankOrgId: string }) => b.bankOrgId === p.credentials.orgs.bankA);
      expect(a.financed).to.equal(2);
      expect(a.volumeFinanced).to.equal("1160000.00");
      expect(Number(a.discountIncome)).to.be.greaterThan(0);
      expect(own.body.timeline.map((e: { summary: string }) => e.summary)).to.include.members(["financing disbursed", "invoice issued", "order received", "complaint filed (service)"]);
      expect(own.body.utilisation.length).to.be.greaterThanOrEqual(3);
      expect(own.body.utilisation[own.body.utilisation.length - 1].outstanding).to.equal("800000.00");
      expect(own.body.onTime.settled).to.be.greaterThanOrEqual(1);

      const bank = await c.officer1("GET", `/analytics/clients/${p.credentials.orgs.pearl}`);
      expect(bank.body.scope).to.equal("bank");
      expect(bank.body.valueByBank.map((b: { bankOrgId: string }) => b.bankOrgId)).to.deep.equal([p.credentials.orgs.bankA]);
      expect(bank.body.timeline.some((e: { type: string }) => e.type === "order")).to.equal(false);
      expect((await c.officer3("GET", `/analytics/clients/${p.credentials.orgs.pearl}`)).status).to.equal(404);
      expect((await c.supplier("GET", `/analytics/clients/${p.credentials.orgs.acme}`)).status).to.equal(404);
      const buyer = await c.buyer("GET", `/analytics/clients/${p.credentials.orgs.acme}`);
      expect(buyer.body).to.include({ kind: "core_enterprise", scope: "whole" });

      const levels = await c.officer1("GET", `/analytics/service-levels?from=${inDays(-3)}`);
      expect(levels.status, JSON.stringify(levels.body)).to.equal(200);
      expect(levels.body.fastTrack.funded).to.be.greaterThanOrEqual(1);
      expect(levels.body.makerChecker.funded).to.equal(1);
      expect(levels.body.fastTrackShare).to.be.within(0.01, 0.99);
      expect(levels.body.makerChecker.invoiceToFundsSeconds.p50).to.be.a("number");
      expect((await c.officer3("GET", "/analytics/service-levels")).body.requests).to.equal(0);
      expect((await c.officer1("GET", "/analytics/service-levels?from=2026-02-30")).status).to.equal(400);
    });
  });
});

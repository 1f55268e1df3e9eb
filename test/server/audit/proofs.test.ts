import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { expect } from "chai";
import { contractOf } from "../../../scripts/lib/contract";
import { apiClient } from "../../../scripts/lib/api-client";
import { startPlatform, type Platform } from "../../../scripts/lib/platform";
import { sweepRunner } from "../../../server/src/audit/sweeps";
import { clients, confirmedInvoice, newDoc, fastTrackLifecycle, inDays } from "../lifecycle";

/** Row proofs and sweeps against a Hardhat chain carrying a varied demo: every status the records can take. */
describe("audit: prove any row, sweeps", function () {
  this.timeout(240_000);
  let p: Platform;
  let c: ReturnType<typeof clients>;
  let paidInvoice = "";
  const ids = { order: [] as string[], invoice: [] as string[], financing: [] as string[] };

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
    c = clients(p.credentials);
    const ft = await fastTrackLifecycle(p.credentials);
    // Maker-checker, one approval then a rejection by the checker.
    const mc = await confirmedInvoice(p.credentials, "900000.00", "MC");
    const req = await c.supplier("POST", "/financing-requests", { invoiceId: mc.invoiceId, bankOrgId: p.credentials.orgs.bankA, amount: "700000.00" });
    expect(req.status).to.equal(201);
    expect((await c.officer1("POST", `/financing-requests/${req.body.id}/approve`)).status).to.equal(201);
    expect((await c.officer2("POST", `/financing-requests/${req.body.id}/reject`, { reasonCode: 3 })).status).to.equal(201);
    // A disputed invoice, a rejected order and an issued order.
    const order = await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "1000.00", reference: "PO-DSP", dueDate: inDays(30) });
    await c.supplier("POST", `/orders/${order.body.id}/accept`);
    const inv = await c.supplier("POST", "/invoices", { orderId: order.body.id, invoiceNumber: "INV-DSP", amount: "600.00", dueDate: inDays(30), documentHash: newDoc() });
    expect((await c.buyer("POST", `/invoices/${inv.body.id}/dispute`, { reasonCode: 2, category: "quality", reason: "Scratched" })).status).to.equal(201);
    const rejected = await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "10.00", reference: "PO-REJ", dueDate: inDays(30) });
    expect((await c.supplier("POST", `/orders/${rejected.body.id}/reject`, { reasonCode: 4 })).status).to.equal(201);
    await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "20.00", reference: "PO-OPEN", dueDate: inDays(30) });
    paidInvoice = ft.invoiceId;
    for (const [type, path] of [["order", "/orders"], ["invoice", "/invoices"], ["financing", "/financing-requests"]] as const) {
      const list = await c.auditor("GET", `${path}?limit=500`);
      expect(list.status).to.equal(200);
      ids[type] = list.body.items.map((r: { id: string }) => r.id);
    }
    expect(ids.order.length).to.be.greaterThan(4);
    expect(ids.financing.length).to.be.greaterThan(1);
  });
  after(async () => {
    await p?.stop();
  });

  const sweep = async () => {
    const s = await c.auditor("POST", "/audit/sweeps", {});
    expect(s.status, JSON.stringify(s.body)).to.equal(201);
    expect(s.body).to.include({ status: "running", done: false, checked: 0 });
    await sweepRunner(p.gateway.services).idle();
    const r = await c.auditor("GET", `/audit/sweeps/${s.body.id}`);
    expect(r.status).to.equal(200);
    expect(r.body).to.include({ status: "done", done: true, error: null });
    return r.body;
  };

  it("proves every record of the demo: match, no differences, read at the index's head", async () => {
    const head = Number(p.gateway.services.idb.prepare("SELECT block_number FROM checkpoint").pluck().get());
    for (const [type, list] of Object.entries(ids)) {
      for (const id of list) {
        const r = await c.auditor("GET", `/audit/verify/${type}/${id}`);
        expect(r.status).to.equal(200);
        expect(r.body.differences, `${type} ${id}`).to.deep.equal([]);
        expect(r.body).to.include({ match: true, entityType: type, entityId: id, block: head });
        expect(r.body.onChain).to.deep.equal(r.body.indexed);
      }
    }
    const inv = await c.auditor("GET", `/audit/verify/invoice/${ids.invoice[0]}`);
    expect(Object.keys(inv.body.onChain)).to.include.members(["status", "amount", "paid", "outstanding", "buyerOrgId", "supplierOrgId", "financingRequestId", "financed", "invoiceNumber", "documentHash"]);
    const fr = await c.auditor("GET", `/audit/verify/financing/${ids.financing[0]}`);
    expect(Object.keys(fr.body.onChain)).to.include.members(["status", "approvals", "repaid", "outstanding", "bankOrgId", "rejection"]);
  });

  it("reads the chain at ?block=: an invoice proved before its payment shows the payment as the difference", async () => {
    const history = await c.auditor("GET", `/audit/invoice/${paidInvoice}/history`);
    const payment = history.body.items.find((e: { eventType: string }) => e.eventType === "InvoicePaymentMade");
    if (!payment) return void expect.fail("the first invoice has a payment");
    const r = await c.auditor("GET", `/audit/verify/invoice/${paidInvoice}?block=${payment.blockNumber - 1}`);
    expect(r.status).to.equal(200);
    expect(r.body).to.include({ match: false, block: payment.blockNumber - 1 });
    expect(r.body.differences.map((d: { field: string }) => d.field)).to.include.members(["paid", "outstanding"]);
    expect(r.body.differences.find((d: { field: string }) => d.field === "paid")).to.deep.include({ onChain: "0.00" });
  });

  it("refuses ?block= before the ledger was deployed or past the index's head with 422, naming the bounds", async () => {
    const deployed = JSON.parse(fs.readFileSync(path.join(p.dataDir, "deployment.json"), "utf8")).deploymentBlock as number;
    const before = await c.auditor("GET", `/audit/verify/invoice/${paidInvoice}?block=${deployed - 1}`);
    expect(before.status).to.equal(422);
    expect(before.body.error).to.deep.include({ code: "BLOCK_BEFORE_LEDGER", details: { deploymentBlock: deployed } });
    const head = p.gateway.services.indexer.indexedBlock();
    const later = await c.auditor("GET", `/audit/verify/invoice/${paidInvoice}?block=${head + 1000}`);
    expect(later.status).to.equal(422);
    expect(later.body.error).to.deep.include({ code: "BLOCK_NOT_INDEXED", details: { indexedBlock: head } });
    // The forwarder's block begins the deployment; the ledger came after it, so it is refused too.
    expect((await c.auditor("GET", `/audit/verify/invoice/${paidInvoice}?block=${deployed}`)).body.error.code).to.equal("BLOCK_BEFORE_LEDGER");
    // The head and the record's first block are provable.
    expect((await c.auditor("GET", `/audit/verify/invoice/${paidInvoice}?block=${head}`)).body).to.include({ match: true, block: head });
    const created = (await c.auditor("GET", `/audit/invoice/${paidInvoice}/history`)).body.items[0].blockNumber as number;
    expect((await c.auditor("GET", `/audit/verify/invoice/${paidInvoice}?block=${created}`)).status).to.equal(200);
  });

  it("keeps /audit/verify/{txHash}/{logIndex}, and answers 404 for rows outside the caller's scope or unknown", async () => {
    const history = await c.auditor("GET", `/audit/order/${ids.order[0]}/history`);
    const ev = history.body.items[0];
    const old = await c.auditor("GET", `/audit/verify/${ev.txHash}/${ev.logIndex}`);
    expect(old.status).to.equal(200);
    expect(old.body.match).to.equal(true);
    const unknown = await c.auditor("GET", "/audit/verify/invoice/999999");
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal("NOT_FOUND");
    // Bank B's officer was never offered these invoices.
    const outside = await c.officer3("GET", `/audit/verify/invoice/${ids.invoice[0]}`);
    expect(outside.status).to.equal(404);
    const mine = await c.supplier("GET", `/audit/verify/invoice/${ids.invoice[0]}`);
    expect(mine.status).to.equal(200);
    expect(mine.body.match).to.equal(true);
    const bad = await c.auditor("GET", "/audit/verify/invoice/0");
    expect(bad.status).to.equal(400);
    expect((await c.supplier("POST", "/audit/sweeps", {})).status).to.equal(403);
  });

  it("sweeps the whole chain: 0 mismatches, then exactly the rows corrupted in index.db, each with its field", async () => {
    const total = ids.order.length + ids.invoice.length + ids.financing.length;
    const clean = await sweep();
    expect(clean.checked).to.equal(total);
    expect(clean.mismatchCount).to.equal(0);
    expect(clean.mismatches).to.deep.equal([]);

    const idb = p.gateway.services.idb;
    const inv = paidInvoice;
    const ord = ids.order[ids.order.length - 1];
    const fr = ids.financing[0];
    idb.prepare("UPDATE invoices SET paid = '1' WHERE id = ?").run(Number(inv));
    idb.prepare("UPDATE orders SET status = 'cancelled' WHERE id = ?").run(Number(ord));
    idb.prepare("UPDATE financing_requests SET bank_org_id = ? WHERE id = ?").run(Number(p.credentials.orgs.bankB), Number(fr));

    const one = await c.auditor("GET", `/audit/verify/invoice/${inv}`);
    expect(one.status).to.equal(200);
    expect(one.body.match).to.equal(false);
    expect(one.body.differences.map((d: { field: string }) => d.field)).to.deep.equal(["paid", "outstanding"]);
    expect(one.body.differences[0]).to.deep.include({ field: "paid", indexed: "0.01", onChain: "400000.00" });

    const dirty = await sweep();
    expect(dirty.checked).to.equal(total);
    expect(dirty.mismatchCount).to.equal(3);
    const found = dirty.mismatches.map((m: { entityType: string; entityId: string; fields: string[] }) => [m.entityType, m.entityId, m.fields]);
    expect(found).to.have.deep.members([
      ["financing", fr, ["bankOrgId"]],
      ["invoice", inv, ["paid", "outstanding"]],
      ["order", ord, ["status"]],
    ]);
    const ranged = await c.auditor("POST", "/audit/sweeps", { entityType: "order", fromBlock: 10, toBlock: 5 });
    expect(ranged.status).to.equal(422);
    expect(ranged.body.error.code).to.equal("SWEEP_RANGE_EMPTY");
    expect((await c.auditor("GET", "/audit/sweeps/00000000-0000-4000-8000-000000000000")).status).to.equal(404);
  });

  describe("scoped audit", () => {
    it("hides other suppliers' credit limits and trusted buyers from a supplier: history omits them, verify answers 404", async () => {
      const bank = p.credentials.orgs.bankA;
      // The operator onboards the organisation with its first admin; the admin adds the member.
      const org = await c.operator("POST", "/orgs", { kind: "supplier", name: `Other Supplier ${Date.now() % 1e6}`, admin: { name: `other-admin-${Date.now() % 1e6}` } });
      expect(org.status, JSON.stringify(org.body)).to.equal(201);
      const admin = apiClient(p.baseUrl, org.body.admin.token);
      const user = await admin("POST", `/orgs/${org.body.id}/members`, { name: `other-${Date.now() % 1e6}`, role: "member" });
      expect(user.status, JSON.stringify(user.body)).to.equal(201);
      const other = apiClient(p.baseUrl, user.body.token);

      const full = await c.auditor("GET", `/audit/policy/${bank}/history`);
      expect(full.status).to.equal(200);
      const types = full.body.items.map((e: { eventType: string }) => e.eventType);
      expect(types).to.include.members(["BankPolicySet", "CreditLimitSet", "TrustedBuyerSet"]);
      const limit = full.body.items.find((e: { eventType: string }) => e.eventType === "CreditLimitSet");

      const seen = await other("GET", `/audit/policy/${bank}/history`);
      expect(seen.status).to.equal(200);
      const otherTypes = [...new Set(seen.body.items.map((e: { eventType: string }) => e.eventType))];
      expect(otherTypes).to.deep.equal(["BankPolicySet"]);
      const verify = await other("GET", `/audit/verify/${limit.txHash}/${limit.logIndex}`);
      expect(verify.status).to.equal(404);
      expect(verify.body.error.code).to.equal("NOT_FOUND");
      const events = await other("GET", "/audit/events?eventType=CreditLimitSet");
      expect(events.status).to.equal(200);
      expect(events.body.items).to.deep.equal([]);
      const exported = await other("GET", "/audit/export?format=json&eventType=TrustedBuyerSet");
      expect(exported.status).to.equal(200);
      expect(exported.body).to.deep.equal([]);

      // The supplier the limit is about sees its own entry, and the bank's officer sees them all.
      const own = await c.supplier("GET", `/audit/policy/${bank}/history`);
      expect(own.body.items.filter((e: { eventType: string }) => e.eventType === "CreditLimitSet").map((e: { args: { supplierOrgId: string } }) => e.args.supplierOrgId)).to.deep.equal([p.credentials.orgs.pearl]);
      expect(own.body.items.some((e: { eventType: string }) => e.eventType === "TrustedBuyerSet")).to.equal(false);
      expect((await c.supplier("GET", `/audit/verify/${limit.txHash}/${limit.logIndex}`)).status).to.equal(200);
      const officer = await c.officer1("GET", `/audit/policy/${bank}/history`);
      expect(officer.body.items.map((e: { eventType: string }) => e.eventType)).to.include.members(["CreditLimitSet", "TrustedBuyerSet"]);
    });

    it("puts the treasuries' token Transfer events in the histories they belong to: disbursement, payment, payout", async () => {
      for (const who of [c.buyer, c.supplier, c.auditor]) {
        const h = await who("GET", `/audit/invoice/${paidInvoice}/history`);
        expect(h.status).to.equal(200);
        const items = h.body.items as { eventType: string; txHash: string; entityType: string }[];
        const txOf = (t: string) => items.filter((e) => e.eventType === t).map((e) => e.txHash);
        const transfersIn = (tx: string) => items.filter((e) => e.eventType === "Transfer" && e.entityType === "token" && e.txHash === tx).length;
        const [disbursed] = txOf("FinancingDisbursed");
        expect(transfersIn(disbursed)).to.be.greaterThan(0);
        const payments = txOf("InvoicePaymentMade");
        expect(payments).to.have.length(2);
        // The partial payment goes to the bank; the final one to the bank and the remainder to the supplier (payout).
        expect(transfersIn(payments[0])).to.be.greaterThan(0);
        expect(transfersIn(payments[1])).to.equal(2);
        const seqs = items.map((e) => e.txHash);
        expect(seqs.length).to.equal(new Set(items.map((e) => JSON.stringify(e))).size);
      }
    });
  });

  describe("documents you can check", () => {
    const check = async (token: string, bytes: Buffer) => {
      const res = await fetch(`${p.baseUrl}/api/v1/documents/verify`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
        body: bytes,
      });
      const body = (await res.json()) as { sha256: string; size: number; anchored: boolean; records: { entityType: string; entityId: string; status: string; txHash: string }[] };
      expect((await contractOf(p.baseUrl)).check("POST", "/api/v1/documents/verify", res.status, res.headers.get("content-type"), body)).to.deep.equal([]);
      return { status: res.status, body };
    };

    it("answers which anchored records carry a file's hash, within the caller's scope", async () => {
      const file = Buffer.from(`delivery note ${Date.now()}`);
      const sha = "0x" + crypto.createHash("sha256").update(file).digest("hex");
      const order = await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "50.00", reference: "PO-DOC", dueDate: inDays(30) });
      await c.supplier("POST", `/orders/${order.body.id}/accept`);
      const inv = await c.supplier("POST", "/invoices", { orderId: order.body.id, invoiceNumber: `INV-DOC-${Date.now() % 1e6}`, amount: "50.00", dueDate: inDays(30), documentHash: sha });
      expect(inv.status).to.equal(201);

      const mine = await check(p.credentials.users.supplier.token, file);
      expect(mine.status).to.equal(200);
      expect(mine.body).to.include({ sha256: sha, size: file.length, anchored: true });
      expect(mine.body.records).to.have.length(1);
      expect(mine.body.records[0]).to.include({ entityType: "invoice", entityId: inv.body.id, status: "issued", txHash: inv.body.txHash });
      expect((await check(p.credentials.users.buyer.token, file)).body.records.map((r) => r.entityId)).to.deep.equal([inv.body.id]);
      // Bank B was never offered the invoice: it learns nothing about it.
      const outside = await check(p.credentials.users.officer3.token, file);
      expect(outside.body).to.include({ anchored: false });
      expect(outside.body.records).to.deep.equal([]);
      const other = await check(p.credentials.users.supplier.token, Buffer.from("not anchored anywhere"));
      expect(other.body).to.include({ anchored: false });
      const empty = await fetch(`${p.baseUrl}/api/v1/documents/verify`, { method: "POST", headers: { authorization: `Bearer ${p.credentials.users.supplier.token}`, "content-type": "application/octet-stream" } });
      expect(empty.status).to.equal(400);
    });
  });

  describe("one document, one invoice (409 DUPLICATE_DOCUMENT)", () => {
    const head = async () => Number(await p.gateway.services.provider.send("eth_blockNumber", []));
    /** An accepted order of Acme's to `supplier` (Pearl River by default), for `amount`. */
    const acceptedOrder = async (amount: string, supplier = c.supplier, supplierOrgId = p.credentials.orgs.pearl) => {
      const order = await c.buyer("POST", "/orders", { supplierOrgId, amount, reference: `PO-DD-${Date.now() % 1e6}`, dueDate: inDays(40) });
      expect(order.status, JSON.stringify(order.body)).to.equal(201);
      expect((await supplier("POST", `/orders/${order.body.id}/accept`)).status).to.equal(201);
      return order.body.id as string;
    };
    let n = 0;
    const invoice = (supplier: typeof c.supplier, orderId: string, documentHash: string, extra: object = {}) =>
      supplier("POST", "/invoices", { orderId, invoiceNumber: `INV-DD-${++n}-${Date.now() % 1e6}`, amount: "10.00", dueDate: inDays(30), documentHash, ...extra });

    it("refuses a second invoice on a live invoice's document, naming it to its supplier; nothing reaches the chain", async () => {
      const doc = newDoc();
      const orderId = await acceptedOrder("100.00");
      const first = await invoice(c.supplier, orderId, doc);
      expect(first.status, JSON.stringify(first.body)).to.equal(201);
      const h = await head();
      const again = await invoice(c.supplier, orderId, doc.toUpperCase().replace("0X", "0x"));
      expect(again.status).to.equal(409);
      expect(again.body.error).to.deep.equal({
        code: "DUPLICATE_DOCUMENT",
        message: `The document ${doc} is already anchored to invoice ${first.body.id} (issued). If this invoice corrects it, say correctionOf: "${first.body.id}".`,
        details: { invoiceId: first.body.id, status: "issued" },
      });
      expect(await head(), "nothing sent").to.equal(h);
      // The one-stop path issues through the same check.
      const oneStop = await c.supplier("POST", "/one-stop", { orderId, invoiceNumber: `INV-DD-OS-${Date.now() % 1e6}`, amount: "10.00", dueDate: inDays(30), documentHash: doc, bankOrgId: p.credentials.orgs.bankA, financingAmount: "5.00" });
      expect(oneStop.status).to.equal(409);
      expect(oneStop.body.error).to.include({ code: "DUPLICATE_DOCUMENT" });
      expect(oneStop.body.error.details).to.deep.equal({ invoiceId: first.body.id, status: "issued" });
      // A paid or confirmed invoice still stands on its document: only a cancelled one frees it.
      expect((await c.buyer("POST", `/invoices/${first.body.id}/confirm`)).status).to.equal(201);
      const confirmed = await invoice(c.supplier, orderId, doc);
      expect(confirmed.status).to.equal(409);
      expect(confirmed.body.error.details).to.deep.equal({ invoiceId: first.body.id, status: "confirmed" });
    });

    it("accepts the supplier's correction of its own invoice, and any invoice on a cancelled invoice's document", async () => {
      const doc = newDoc();
      const orderId = await acceptedOrder("100.00");
      const original = await invoice(c.supplier, orderId, doc);
      expect(original.status).to.equal(201);
      const correction = await invoice(c.supplier, orderId, doc, { correctionOf: original.body.id });
      expect(correction.status, JSON.stringify(correction.body)).to.equal(201);
      expect(correction.body).to.include({ documentHash: doc, status: "issued" });
      // A correction of the correction: both live holders are the supplier's own, and it names one of them.
      const second = await invoice(c.supplier, orderId, doc, { correctionOf: correction.body.id });
      expect(second.status, JSON.stringify(second.body)).to.equal(201);
      // Without saying so it is still a duplicate, of the first live holder.
      const plain = await invoice(c.supplier, orderId, doc);
      expect(plain.status).to.equal(409);
      expect(plain.body.error.details).to.deep.equal({ invoiceId: original.body.id, status: "issued" });
      // Naming an invoice that does not carry the document does not open it.
      const unrelated = await invoice(c.supplier, orderId, newDoc());
      const wrong = await invoice(c.supplier, orderId, doc, { correctionOf: unrelated.body.id });
      expect(wrong.status).to.equal(409);
      expect(wrong.body.error.details).to.deep.equal({ invoiceId: original.body.id, status: "issued" });
      // A correction of an invoice the caller cannot see is 404, as the invoice's own GET.
      const unknown = await invoice(c.supplier, orderId, doc, { correctionOf: "999999" });
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.code).to.equal("NOT_FOUND");

      const freed = newDoc();
      const cancelled = await invoice(c.supplier, orderId, freed);
      expect((await c.supplier("POST", `/invoices/${cancelled.body.id}/cancel`)).body.status).to.equal("cancelled");
      const reissued = await invoice(c.supplier, orderId, freed);
      expect(reissued.status, JSON.stringify(reissued.body)).to.equal(201);
      expect(reissued.body.documentHash).to.equal(freed);
    });

    it("tells another supplier only that the document backs another live invoice, and lets no correction claim it", async () => {
      const org = await c.operator("POST", "/orgs", { kind: "supplier", name: `Copycat Parts ${Date.now() % 1e6}`, admin: { name: `copycat-${Date.now() % 1e6}` } });
      expect(org.status, JSON.stringify(org.body)).to.equal(201);
      const copycat = apiClient(p.baseUrl, org.body.admin.token);
      const doc = newDoc();
      const pearlsOrder = await acceptedOrder("100.00");
      const pearls = await invoice(c.supplier, pearlsOrder, doc);
      expect(pearls.status).to.equal(201);
      const orderId = await acceptedOrder("100.00", copycat, org.body.id);
      const copy = await invoice(copycat, orderId, doc);
      expect(copy.status).to.equal(409);
      expect(copy.body.error).to.deep.equal({
        code: "DUPLICATE_DOCUMENT",
        message: `The document ${doc} is already anchored to another live invoice; one document backs one invoice.`,
      });
      expect(JSON.stringify(copy.body)).to.not.include(`invoice ${pearls.body.id}`);
      // Pearl River's invoice is not the copycat's to correct: 404, as its GET.
      const claimed = await invoice(copycat, orderId, doc, { correctionOf: pearls.body.id });
      expect(claimed.status).to.equal(404);
      // Its own invoice named as corrected does not help either while Pearl River's holds the document.
      const own = await invoice(copycat, orderId, newDoc());
      expect(own.status).to.equal(201);
      const viaOwn = await invoice(copycat, orderId, doc, { correctionOf: own.body.id });
      expect(viaOwn.status).to.equal(409);
      expect(viaOwn.body.error.details).to.equal(undefined);
      const mine = await copycat("GET", "/invoices");
      expect(mine.body.items.map((i: { id: string }) => i.id), "only the copycat's own invoice reached the chain").to.deep.equal([own.body.id]);
    });

    it("lets one of two simultaneous issues on a new document through and refuses the other", async () => {
      const doc = newDoc();
      const orderId = await acceptedOrder("100.00");
      const both = await Promise.all([invoice(c.supplier, orderId, doc), invoice(c.supplier, orderId, doc)]);
      expect(both.map((r) => r.status).sort()).to.deep.equal([201, 409]);
      const made = both.find((r) => r.status === 201)!;
      expect(both.find((r) => r.status === 409)!.body.error.details).to.deep.equal({ invoiceId: made.body.id, status: "issued" });
    });
  });
});

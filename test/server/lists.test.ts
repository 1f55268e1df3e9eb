import { expect } from "chai";
import { apiClient, startPlatform, type Platform } from "../helpers/platform";
import { inDays, newDoc } from "./lifecycle";

// The list routes the console's screens search, sort and page: orders, invoices and financing requests take
// q, from, to and sort beside their filters and cursors; GET /people names the people a caller may know.

describe("searching, sorting and paging lists", function () {
  this.timeout(240_000);
  let p: Platform;
  let buyer: ReturnType<typeof apiClient>;
  let supplier: ReturnType<typeof apiClient>;
  let officer1: ReturnType<typeof apiClient>;
  const tag = `L${Date.now() % 1e6}`;
  const orders: { id: string; reference: string; amount: string; due: string }[] = [];
  const invoices: { id: string; number: string }[] = [];

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
    const u = p.credentials.users;
    buyer = apiClient(p.baseUrl, u.buyer.token);
    supplier = apiClient(p.baseUrl, u.supplier.token);
    officer1 = apiClient(p.baseUrl, u.officer1.token);
    // Four orders with distinct amounts and due dates, out of order on purpose; one with a Chinese reference.
    const plan = [
      { reference: `${tag}-采购单-001`, amount: "1500.00", due: inDays(90) },
      { reference: `${tag}-PO-002`, amount: "200.00", due: inDays(30) },
      { reference: `${tag}-PO-003`, amount: "99999.00", due: inDays(60) },
      { reference: `${tag}-PO-004`, amount: "350.50", due: inDays(45) },
    ];
    for (const o of plan) {
      const r = await buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: o.amount, reference: o.reference, dueDate: o.due });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      orders.push({ id: r.body.id, ...o });
      expect((await supplier("POST", `/orders/${r.body.id}/accept`)).status).to.equal(201);
      const number = `${tag}-INV-${orders.length}`;
      const inv = await supplier("POST", "/invoices", { orderId: r.body.id, invoiceNumber: number, amount: o.amount, dueDate: o.due, documentHash: newDoc() });
      expect(inv.status, JSON.stringify(inv.body)).to.equal(201);
      invoices.push({ id: inv.body.id, number });
    }
    const conf = await buyer("POST", `/invoices/${invoices[2].id}/confirm`);
    expect(conf.status).to.equal(201);
    const fr = await supplier("POST", "/financing-requests", { invoiceId: invoices[2].id, bankOrgId: p.credentials.orgs.bankA, amount: "50000.00" });
    expect(fr.status, JSON.stringify(fr.body)).to.equal(201);
  });
  after(async () => {
    await p?.stop();
  });

  describe("GET /orders", () => {
    it("finds orders by a part of their reference, in any script, and by id", async () => {
      const r = await buyer("GET", `/orders?q=${encodeURIComponent("采购单")}`);
      expect(r.status).to.equal(200);
      expect(r.body.items.map((o: { id: string }) => o.id)).to.deep.equal([orders[0].id]);
      const byId = await buyer("GET", `/orders?q=${encodeURIComponent(`#${orders[1].id}`)}`);
      expect(byId.body.items.map((o: { id: string }) => o.id)).to.include(orders[1].id);
      expect(byId.body.items.every((o: { id: string; reference: string }) => o.id === orders[1].id || o.reference.includes(orders[1].id))).to.equal(true);
      // LIKE's wildcards are taken literally: "%" finds no reference that lacks one.
      const wild = await buyer("GET", "/orders?q=%25");
      expect(wild.body.items).to.deep.equal([]);
    });

    it("sorts by amount (largest first) and by due date (soonest first), paging with the sort's own cursor", async () => {
      const byAmount: string[] = [];
      let cursor: string | null = null;
      do {
        const r: { status: number; body: { items: { id: string; amount: string }[]; nextCursor: string | null } } = await buyer(
          "GET",
          `/orders?q=${tag}&sort=amount&limit=1${cursor ? `&cursor=${cursor}` : ""}`,
        );
        expect(r.status).to.equal(200);
        expect(r.body.items).to.have.length(1);
        byAmount.push(r.body.items[0].amount);
        cursor = r.body.nextCursor;
      } while (cursor);
      expect(byAmount).to.deep.equal(["99999.00", "1500.00", "350.50", "200.00"]);
      const due = await buyer("GET", `/orders?q=${tag}&sort=due`);
      expect(due.body.items.map((o: { id: string }) => o.id)).to.deep.equal([orders[1].id, orders[3].id, orders[2].id, orders[0].id]);
      const oldest = await buyer("GET", `/orders?q=${tag}&sort=oldest&limit=2`);
      expect(oldest.body.items.map((o: { id: string }) => o.id)).to.deep.equal([orders[0].id, orders[1].id]);
    });

    it("refuses a cursor of another sort order with 400 VALIDATION_FAILED", async () => {
      const first = await buyer("GET", `/orders?q=${tag}&sort=amount&limit=1`);
      expect(first.body.nextCursor).to.be.a("string");
      const r = await buyer("GET", `/orders?q=${tag}&sort=due&cursor=${first.body.nextCursor}`);
      expect(r.status).to.equal(400);
      expect(r.body.error.code).to.equal("VALIDATION_FAILED");
    });

    it("filters by creation day: today finds them, a range in the past finds none", async () => {
      const today = new Date().toISOString().slice(0, 10);
      const now = await buyer("GET", `/orders?q=${tag}&from=${today}&to=${today}`);
      expect(now.body.items).to.have.length(4);
      const past = await buyer("GET", `/orders?q=${tag}&from=2020-01-01&to=2020-12-31`);
      expect(past.body.items).to.deep.equal([]);
      const bad = await buyer("GET", "/orders?from=2027-02-30");
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal("VALIDATION_FAILED");
    });
  });

  describe("GET /invoices", () => {
    it("finds an invoice by number for the supplier and combines the search with a status", async () => {
      const r = await supplier("GET", `/invoices?q=${encodeURIComponent(invoices[3].number)}`);
      expect(r.body.items.map((i: { id: string }) => i.id)).to.deep.equal([invoices[3].id]);
      const confirmed = await supplier("GET", `/invoices?q=${tag}&status=confirmed`);
      expect(confirmed.body.items.map((i: { id: string }) => i.id)).to.deep.equal([invoices[2].id]);
      const byAmount = await supplier("GET", `/invoices?q=${tag}&sort=amount&limit=2`);
      expect(byAmount.body.items.map((i: { amount: string }) => i.amount)).to.deep.equal(["99999.00", "1500.00"]);
      expect(byAmount.body.nextCursor).to.be.a("string");
    });
  });

  describe("GET /financing-requests", () => {
    it("finds the bank's request by its invoice number and by the supplier's name; refuses sort=due", async () => {
      const r = await officer1("GET", `/financing-requests?q=${encodeURIComponent(invoices[2].number)}`);
      expect(r.status).to.equal(200);
      expect(r.body.items).to.have.length(1);
      expect(r.body.items[0]).to.include({ invoiceId: invoices[2].id, amount: "50000.00" });
      const byName = await officer1("GET", `/financing-requests?q=${encodeURIComponent("Pearl")}&status=requested`);
      expect(byName.body.items.map((f: { invoiceId: string }) => f.invoiceId)).to.include(invoices[2].id);
      const none = await officer1("GET", "/financing-requests?q=nothing-like-this");
      expect(none.body.items).to.deep.equal([]);
      const due = await officer1("GET", "/financing-requests?sort=due");
      expect(due.status).to.equal(400);
      expect(due.body.error.code).to.equal("VALIDATION_FAILED");
    });
  });

  describe("GET /people", () => {
    it("names a bank's own people to its officer, and refuses another organisation's", async () => {
      const r = await officer1("GET", "/people");
      expect(r.status).to.equal(200);
      const names = r.body.items.map((x: { name: string }) => x.name);
      expect(names).to.include.members(["adminA", "officer1", "officer2"]);
      expect(names).to.not.include("officer3");
      const admin = r.body.items.find((x: { name: string }) => x.name === "adminA");
      expect(admin).to.include({ admin: true, active: true, orgId: p.credentials.orgs.bankA });
      const officer = r.body.items.find((x: { name: string }) => x.name === "officer1");
      expect(officer.address.toLowerCase()).to.equal(p.credentials.users.officer1.address.toLowerCase());
      const other = await officer1("GET", `/people?orgId=${p.credentials.orgs.bankB}`);
      expect(other.status).to.equal(403);
      expect(other.body.error.code).to.equal("FORBIDDEN");
    });

    it("names everyone to the auditor, one organisation at a time when asked", async () => {
      const auditor = apiClient(p.baseUrl, p.credentials.users.auditor.token);
      const all = await auditor("GET", "/people");
      expect(all.body.items.map((x: { name: string }) => x.name)).to.include.members(["officer1", "officer3", "buyer", "supplier"]);
      const bankB = await auditor("GET", `/people?orgId=${p.credentials.orgs.bankB}`);
      expect(bankB.body.items.map((x: { name: string }) => x.name).sort()).to.deep.equal(["adminB", "officer3", "officer4"]);
    });

    it("tells an admin that they are one in GET /me", async () => {
      const me = await apiClient(p.baseUrl, p.credentials.users.adminA.token)("GET", "/me");
      expect(me.body.user).to.include({ name: "adminA", admin: true });
      const officer = await officer1("GET", "/me");
      expect(officer.body.user).to.include({ name: "officer1", admin: false });
    });
  });
});

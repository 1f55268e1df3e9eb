import crypto from "node:crypto";
import { expect } from "chai";
import { apiClient } from "../../scripts/lib/api-client";
import type { DemoCredentials } from "../../server/src/seed";

/**
 * A fresh document hash: each invoice is issued on its own document, because the gateway refuses a document that
 * already backs another live invoice (409 DUPLICATE_DOCUMENT).
 */
export const newDoc = () => "0x" + crypto.randomBytes(32).toString("hex");

export function clients(creds: DemoCredentials) {
  const u = creds.users;
  return {
    anon: apiClient(creds.baseUrl),
    operator: apiClient(creds.baseUrl, u.operator.token),
    buyer: apiClient(creds.baseUrl, u.buyer.token),
    supplier: apiClient(creds.baseUrl, u.supplier.token),
    officer1: apiClient(creds.baseUrl, u.officer1.token),
    officer2: apiClient(creds.baseUrl, u.officer2.token),
    officer3: apiClient(creds.baseUrl, u.officer3.token),
    officer4: apiClient(creds.baseUrl, u.officer4.token),
    adminA: apiClient(creds.baseUrl, u.adminA.token),
    adminB: apiClient(creds.baseUrl, u.adminB.token),
    auditor: apiClient(creds.baseUrl, u.auditor.token),
  };
}

export const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

let seq = 0;
/** Creates an accepted order and a confirmed invoice for `amount`; returns their ids. */
export async function confirmedInvoice(creds: DemoCredentials, amount: string, tag = "") {
  const c = clients(creds);
  seq += 1;
  const order = await c.buyer("POST", "/orders", { supplierOrgId: creds.orgs.pearl, amount, reference: `PO-${tag}${seq}-${Date.now() % 1e6}`, dueDate: inDays(60) });
  expect(order.status, JSON.stringify(order.body)).to.equal(201);
  expect((await c.supplier("POST", `/orders/${order.body.id}/accept`)).status).to.equal(201);
  const inv = await c.supplier("POST", "/invoices", { orderId: order.body.id, invoiceNumber: `INV-${tag}${seq}-${Date.now() % 1e6}`, amount, dueDate: inDays(60), documentHash: newDoc() });
  expect(inv.status, JSON.stringify(inv.body)).to.equal(201);
  const conf = await c.buyer("POST", `/invoices/${inv.body.id}/confirm`);
  expect(conf.status).to.equal(201);
  expect(conf.body.status).to.equal("confirmed");
  return { orderId: order.body.id as string, invoiceId: inv.body.id as string };
}

/**
 * The fast-track story over HTTP: order → accept → invoice → confirm → request → one approval → disburse →
 * partial pay → pay, asserting every record and the money on each side.
 */
export async function fastTrackLifecycle(creds: DemoCredentials) {
  const c = clients(creds);
  const balances = async () => {
    const r = await c.auditor("GET", "/balances");
    expect(r.status).to.equal(200);
    return Object.fromEntries(r.body.items.map((i: { orgId: string; balance: string }) => [i.orgId, Math.round(Number(i.balance) * 100)]));
  };
  const before = await balances();

  const order = await c.buyer("POST", "/orders", { supplierOrgId: creds.orgs.pearl, amount: "400000.00", reference: `PO-FT-${Date.now() % 1e6}`, dueDate: inDays(90) });
  expect(order.status).to.equal(201);
  expect(order.body).to.include({ status: "issued", amount: "400000.00", remaining: "400000.00", buyerOrgId: creds.orgs.acme, supplierOrgId: creds.orgs.pearl });
  expect(order.body.txHash).to.match(/^0x[0-9a-f]{64}$/);
  expect(order.body.blockNumber).to.be.a("number");

  const accepted = await c.supplier("POST", `/orders/${order.body.id}/accept`);
  expect(accepted.body.status).to.equal("accepted");

  const doc = newDoc();
  const inv = await c.supplier("POST", "/invoices", { orderId: order.body.id, invoiceNumber: `INV-FT-${Date.now() % 1e6}`, amount: "400000.00", dueDate: inDays(30), documentHash: doc });
  expect(inv.status).to.equal(201);
  expect(inv.body).to.include({ status: "issued", amount: "400000.00", paid: "0.00", documentHash: doc });
  expect((await c.buyer("GET", `/orders/${order.body.id}`)).body).to.include({ invoiced: "400000.00", remaining: "0.00" });

  expect((await c.buyer("POST", `/invoices/${inv.body.id}/confirm`)).body.status).to.equal("confirmed");

  const req = await c.supplier("POST", "/financing-requests", { invoiceId: inv.body.id, bankOrgId: creds.orgs.bankA, amount: "360000.00" });
  expect(req.status, JSON.stringify(req.body)).to.equal(201);
  expect(req.body).to.include({ status: "requested", path: "fast-track", approvalsRequired: 1, amount: "360000.00", bankOrgId: creds.orgs.bankA });

  const approved = await c.officer1("POST", `/financing-requests/${req.body.id}/approve`);
  expect(approved.body.status).to.equal("approved");
  expect(approved.body.approvals).to.have.length(1);
  expect(approved.body.approvals[0].officer.toLowerCase()).to.equal(creds.users.officer1.address.toLowerCase());
  expect(approved.body.decidedAt).to.be.a("string");

  const disbursed = await c.officer1("POST", `/financing-requests/${req.body.id}/disburse`);
  expect(disbursed.body.status).to.equal("disbursed");
  const discount = Math.round(Number(disbursed.body.discount) * 100);
  const net = Math.round(Number(disbursed.body.netAmount) * 100);
  expect(discount + net).to.equal(36_000_000);
  expect(discount).to.be.greaterThan(0);
  const mid = await balances();
  expect(mid[creds.orgs.pearl] - before[creds.orgs.pearl]).to.equal(net);
  expect(mid[creds.orgs.bankA] - before[creds.orgs.bankA]).to.equal(-net);

  const part = await c.buyer("POST", `/invoices/${inv.body.id}/payments`, { amount: "100000.00" });
  expect(part.body).to.include({ status: "confirmed", paid: "100000.00", outstanding: "300000.00" });
  const full = await c.buyer("POST", `/invoices/${inv.body.id}/payments`, { amount: "300000.00" });
  expect(full.body).to.include({ status: "paid", paid: "400000.00", outstanding: "0.00" });
  const after = await balances();
  // The bank is repaid its 360,000.00 first; the supplier gets the other 40,000.00.
  expect(after[creds.orgs.bankA] - mid[creds.orgs.bankA]).to.equal(36_000_000);
  expect(after[creds.orgs.pearl] - mid[creds.orgs.pearl]).to.equal(4_000_000);
  expect(after[creds.orgs.acme] - mid[creds.orgs.acme]).to.equal(-40_000_000);
  const fr = await c.supplier("GET", `/financing-requests/${req.body.id}`);
  expect(fr.body).to.include({ status: "repaid", repaid: "360000.00", outstanding: "0.00" });

  const history = await c.auditor("GET", `/audit/invoice/${inv.body.id}/history`);
  expect(history.status).to.equal(200);
  const types = history.body.items.map((e: { eventType: string }) => e.eventType);
  expect(types).to.include.members(["InvoiceIssued", "InvoiceConfirmed", "InvoicePaymentMade"]);
  const ev = history.body.items[0];
  const verified = await c.auditor("GET", `/audit/verify/${ev.txHash}/${ev.logIndex}`);
  expect(verified.status).to.equal(200);
  expect(verified.body.match).to.equal(true);
  return { orderId: order.body.id, invoiceId: inv.body.id, requestId: req.body.id };
}

import { createHash } from "node:crypto";
import { expect } from "chai";
import { keccak256, toUtf8Bytes, Wallet, ZeroHash } from "ethers";
import { TrellisLedger__factory } from "../../typechain-types";
import { apiClient } from "../../scripts/lib/api-client";
import { startPlatform, type Platform } from "../../scripts/lib/platform";
import { contractOf } from "../../scripts/lib/contract";
import { clients, confirmedInvoice, newDoc, fastTrackLifecycle, inDays } from "./lifecycle";

describe("gateway API on a Hardhat node", function () {
  this.timeout(180_000);
  let p: Platform;
  let c: ReturnType<typeof clients>;

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
    c = clients(p.credentials);
  });
  after(async () => {
    await p?.stop();
  });

  const head = async () => Number(await p.gateway.services.provider.send("eth_blockNumber", []));

  describe("the demo world", () => {
    it("answers /me for every demo user with its organisation and role", async () => {
      const expected = { operator: "operator", buyer: "buyer", supplier: "supplier", officer1: "officer", officer2: "officer", officer3: "officer", auditor: "auditor" } as const;
      for (const [name, role] of Object.entries(expected)) {
        const r = await apiClient(p.baseUrl, p.credentials.users[name as keyof typeof expected].token)("GET", "/me");
        expect(r.status).to.equal(200);
        expect(r.body.user).to.include({ name, role });
        expect(r.body.org.id).to.equal(p.credentials.users[name as keyof typeof expected].orgId);
      }
    });

    it("shows Bank A's seeded policy", async () => {
      const r = await c.officer1("GET", `/banks/${p.credentials.orgs.bankA}/policy`);
      expect(r.status).to.equal(200);
      expect(r.body).to.include({ advanceRateBps: 9000, fastTrackLimit: "500000.00" });
      expect(r.body.trustedBuyers).to.deep.equal([p.credentials.orgs.acme]);
    });
  });

  describe("lifecycles", () => {
    it("runs the fast-track lifecycle end to end", async () => {
      await fastTrackLifecycle(p.credentials);
    });

    it("runs maker-checker with two different officers and refuses the same officer twice", async () => {
      const { invoiceId } = await confirmedInvoice(p.credentials, "1000000.00", "MC");
      const req = await c.supplier("POST", "/financing-requests", { invoiceId, bankOrgId: p.credentials.orgs.bankA, amount: "800000.00" });
      expect(req.status).to.equal(201);
      expect(req.body).to.include({ path: "maker-checker", approvalsRequired: 2 });
      const first = await c.officer1("POST", `/financing-requests/${req.body.id}/approve`);
      expect(first.body).to.include({ status: "requested" });
      expect(first.body.approvals).to.have.length(1);
      const again = await c.officer1("POST", `/financing-requests/${req.body.id}/approve`);
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal("DUPLICATE_APPROVAL");
      const second = await c.officer2("POST", `/financing-requests/${req.body.id}/approve`);
      expect(second.body.status).to.equal("approved");
      expect(second.body.approvals.map((a: { officer: string }) => a.officer.toLowerCase())).to.deep.equal(
        [p.credentials.users.officer1.address, p.credentials.users.officer2.address].map((a) => a.toLowerCase()),
      );
    });

    it("files an invoice and its financing request in one call (one-stop); the request goes out on confirmation", async () => {
      const order = await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "50000.00", reference: "PO-ONE", dueDate: inDays(40) });
      await c.supplier("POST", `/orders/${order.body.id}/accept`);
      const r = await c.supplier("POST", "/one-stop", { orderId: order.body.id, invoiceNumber: `INV-ONE-${Date.now() % 1e6}`, amount: "50000.00", dueDate: inDays(40), documentHash: newDoc(), bankOrgId: p.credentials.orgs.bankA, financingAmount: "40000.00" });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      expect(r.body.invoice).to.include({ status: "issued", amount: "50000.00" });
      expect(r.body.financingIntent).to.include({ status: "awaiting_confirmation", amount: "40000.00", bankOrgId: p.credentials.orgs.bankA });
      const confirmed = await c.buyer("POST", `/invoices/${r.body.invoice.id}/confirm`);
      expect(confirmed.body.status).to.equal("confirmed");
      expect(confirmed.body.financingRequestId).to.be.a("string");
      const after = await c.supplier("GET", `/one-stop/${r.body.invoice.id}`);
      expect(after.body.financingIntent.status).to.equal("submitted");
      expect(after.body.financingRequest).to.include({ status: "requested", path: "fast-track", amount: "40000.00", invoiceId: r.body.invoice.id });
    });

    it("submits the one-stop request however the confirmation reached the ledger (here not through the API)", async () => {
      const order = await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "30000.00", reference: "PO-ONE-EXT", dueDate: inDays(40) });
      await c.supplier("POST", `/orders/${order.body.id}/accept`);
      const r = await c.supplier("POST", "/one-stop", { orderId: order.body.id, invoiceNumber: `INV-EXT-${Date.now() % 1e6}`, amount: "30000.00", dueDate: inDays(40), documentHash: newDoc(), bankOrgId: p.credentials.orgs.bankA, financingAmount: "20000.00" });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      const { ledger, indexer } = p.gateway.services;
      // The buyer's own key confirms on the ledger directly; only the indexer's invoiceConfirmed event can react.
      const receipt = await ledger.act({ address: p.credentials.users.buyer.address }, "ledger", "confirmInvoice", [r.body.invoice.id]);
      await indexer.waitFor(receipt.blockNumber);
      const after = await c.supplier("GET", `/one-stop/${r.body.invoice.id}`);
      expect(after.status).to.equal(200);
      expect(after.body.financingIntent).to.include({ status: "submitted", amount: "20000.00", error: null });
      expect(after.body.financingRequest).to.include({ status: "requested", amount: "20000.00", invoiceId: r.body.invoice.id });
      expect(after.body.financingIntent.financingRequestId).to.equal(after.body.financingRequest.id);
    });
  });

  describe("errors", () => {
    it("400 for invalid input, unknown fields and malformed JSON", async () => {
      const bad = await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "12.345", reference: "X", dueDate: inDays(5) });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal("VALIDATION_FAILED");
      const unknown = await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "1.00", reference: "X", dueDate: inDays(5), extra: 1 });
      expect(unknown.status).to.equal(400);
      const malformed = await c.buyer("POST", "/orders", "{not json");
      expect(malformed.status).to.equal(400);
      expect(malformed.body.error.code).to.equal("MALFORMED_JSON");
      for (const amount of ["-1.00", "1e5", "0.00", "99999999999999999999999999.00", 5]) {
        const r = await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount, reference: "X", dueDate: inDays(5) });
        expect(r.status, String(amount)).to.equal(400);
      }
    });

    it("400 for a cursor the API did not issue and for injection strings in filters", async () => {
      const r = await c.auditor("GET", "/audit/events?cursor=not-a-cursor");
      expect(r.status).to.equal(400);
      expect(r.body.error.code).to.equal("VALIDATION_FAILED");
      const inj = await c.auditor("GET", `/audit/events?eventType=${encodeURIComponent("x' OR 1=1 --")}`);
      expect(inj.status).to.equal(400);
    });

    it("accepts ids as JSON numbers and due dates as unix seconds, as a client in another language may send them", async () => {
      const due = Math.floor(Date.now() / 1000) + 20 * 86400;
      const r = await c.buyer("POST", "/orders", { supplierOrgId: Number(p.credentials.orgs.pearl), amount: "12.50", reference: "PO-NUM", dueDate: due });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      expect(r.body).to.include({ supplierOrgId: p.credentials.orgs.pearl, amount: "12.50" });
      expect(Date.parse(r.body.dueDate) / 1000).to.equal(due);
    });

    it("401 without or with a bad token", async () => {
      expect((await c.anon("GET", "/orders")).status).to.equal(401);
      const r = await apiClient(p.baseUrl, "trl_not-a-real-token-at-all")("GET", "/orders");
      expect(r.status).to.equal(401);
      expect(r.body.error.code).to.equal("UNAUTHENTICATED");
    });

    it("404 for unknown ids and for another organisation's rows", async () => {
      const r = await c.buyer("GET", "/orders/999999");
      expect(r.status).to.equal(404);
      expect(r.body.error.code).to.equal("NOT_FOUND");
      const { invoiceId } = await confirmedInvoice(p.credentials, "1000.00", "SC");
      const req = await c.supplier("POST", "/financing-requests", { invoiceId, bankOrgId: p.credentials.orgs.bankA, amount: "900.00" });
      // Bank B is not party to a request addressed to Bank A.
      expect((await c.officer3("GET", `/financing-requests/${req.body.id}`)).status).to.equal(404);
      expect((await c.officer3("POST", `/financing-requests/${req.body.id}/approve`)).status).to.equal(404);
    });

    it("409 for a duplicate invoice number and for an invoice already financed at another bank", async () => {
      const { orderId, invoiceId } = await confirmedInvoice(p.credentials, "2000.00", "DUP");
      const inv = (await c.supplier("GET", `/invoices/${invoiceId}`)).body;
      expect(inv.orderId).to.equal(orderId);
      const other = await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "50.00", reference: "PO-DUP2", dueDate: inDays(20) });
      await c.supplier("POST", `/orders/${other.body.id}/accept`);
      const dup = await c.supplier("POST", "/invoices", { orderId: other.body.id, invoiceNumber: inv.invoiceNumber, amount: "1.00", dueDate: inDays(10), documentHash: newDoc() });
      expect(dup.status).to.equal(409);
      expect(dup.body.error.code).to.equal("DUPLICATE_INVOICE");
      const a = await c.supplier("POST", "/financing-requests", { invoiceId, bankOrgId: p.credentials.orgs.bankA, amount: "1000.00" });
      expect(a.status).to.equal(201);
      const b = await c.supplier("POST", "/financing-requests", { invoiceId, bankOrgId: p.credentials.orgs.bankB, amount: "1000.00" });
      expect(b.status).to.equal(409);
      expect(b.body.error.code).to.equal("INVOICE_ALREADY_FINANCED");
    });

    it("413 for an oversized body", async () => {
      const r = await c.buyer("POST", "/orders", { supplierOrgId: "2", amount: "1.00", reference: "X".repeat(200_000), dueDate: inDays(5) });
      expect(r.status).to.equal(413);
      expect(r.body.error.code).to.equal("PAYLOAD_TOO_LARGE");
    });

    it("422 for business rules: over the order remainder and over the advance rate", async () => {
      const order = await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "100.00", reference: "PO-422", dueDate: inDays(20) });
      await c.supplier("POST", `/orders/${order.body.id}/accept`);
      const over = await c.supplier("POST", "/invoices", { orderId: order.body.id, invoiceNumber: "INV-422", amount: "100.01", dueDate: inDays(20), documentHash: newDoc() });
      expect(over.status).to.equal(422);
      expect(over.body.error.code).to.equal("AMOUNT_EXCEEDS_ORDER");
      const { invoiceId } = await confirmedInvoice(p.credentials, "1000.00", "ADV");
      const adv = await c.supplier("POST", "/financing-requests", { invoiceId, bankOrgId: p.credentials.orgs.bankA, amount: "900.01" });
      expect(adv.status).to.equal(422);
      expect(adv.body.error.code).to.equal("AMOUNT_EXCEEDS_ADVANCE");
    });
  });

  describe("authorization", () => {
    it("refuses every write attempted by a wrong role with 403, and nothing reaches the chain", async () => {
      const { orderId, invoiceId } = await confirmedInvoice(p.credentials, "3000.00", "AZ");
      const req = await c.supplier("POST", "/financing-requests", { invoiceId, bankOrgId: p.credentials.orgs.bankA, amount: "100.00" });
      const writes: [string, string, unknown, string[]][] = [
        ["POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "1.00", reference: "R", dueDate: inDays(9) }, ["buyer"]],
        ["POST", `/orders/${orderId}/accept`, undefined, ["supplier"]],
        ["POST", `/orders/${orderId}/reject`, {}, ["supplier"]],
        ["POST", `/orders/${orderId}/cancel`, undefined, ["buyer"]],
        ["POST", "/invoices", { orderId, invoiceNumber: "AZ-X", amount: "1.00", dueDate: inDays(9), documentHash: newDoc() }, ["supplier"]],
        ["POST", `/invoices/${invoiceId}/confirm`, undefined, ["buyer"]],
        ["POST", `/invoices/${invoiceId}/dispute`, { reasonCode: 1, category: "quality", reason: "r" }, ["buyer"]],
        ["POST", `/invoices/${invoiceId}/withdraw-dispute`, undefined, ["buyer"]],
        ["POST", `/invoices/${invoiceId}/cancel`, undefined, ["supplier"]],
        ["POST", `/invoices/${invoiceId}/payments`, { amount: "1.00" }, ["buyer"]],
        ["POST", "/financing-requests", { invoiceId, bankOrgId: p.credentials.orgs.bankA, amount: "1.00" }, ["supplier"]],
        ["POST", `/financing-requests/${req.body.id}/approve`, undefined, ["officer"]],
        ["POST", `/financing-requests/${req.body.id}/reject`, { reasonCode: 1 }, ["officer"]],
        ["POST", `/financing-requests/${req.body.id}/disburse`, undefined, ["officer"]],
        ["PUT", `/banks/${p.credentials.orgs.bankA}/policy`, { advanceRateBps: 1, discountRateBps: 1, fastTrackLimit: "1.00" }, ["officer"]],
        ["POST", "/orgs", { kind: "supplier", name: "Nope", admin: { name: "nope-admin" } }, ["operator"]],
        ["POST", "/users", { orgId: "0", name: "nope", role: "operator" }, ["operator"]],
        ["POST", `/orgs/${p.credentials.orgs.pearl}/suspend`, undefined, ["operator"]],
        ["POST", `/orgs/${p.credentials.orgs.bankA}/members`, { name: "nope-member", role: "officer" }, []],
        ["POST", `/orgs/${p.credentials.orgs.bankA}/members/1/approve`, undefined, []],
        ["PUT", `/orgs/${p.credentials.orgs.bankA}/allowance`, { amount: "1.00" }, []],
        ["POST", `/banks/${p.credentials.orgs.bankA}/policy/proposals/1/approve`, undefined, []],
      ];
      const users = { operator: c.operator, auditor: c.auditor, buyer: c.buyer, supplier: c.supplier, officer: c.officer3 } as const;
      const before = await head();
      let attempts = 0;
      for (const [method, path, body, allowed] of writes) {
        for (const [role, client] of Object.entries(users)) {
          if (allowed.includes(role)) continue;
          const r = await client(method, path, body);
          attempts++;
          expect(r.status, `${role} ${method} ${path}: ${JSON.stringify(r.body)}`).to.equal(403);
          expect(r.body.error.code).to.equal("FORBIDDEN");
        }
      }
      expect(attempts).to.be.greaterThan(60);
      expect(await head()).to.equal(before);
    });
  });

  describe("idempotency", () => {
    it("returns the same response for the same key and sends one transaction", async () => {
      const body = { supplierOrgId: p.credentials.orgs.pearl, amount: "77.00", reference: "PO-IDEM", dueDate: inDays(9) };
      const key = { "idempotency-key": `k-${Date.now()}` };
      const first = await c.buyer("POST", "/orders", body, key);
      const blocks = await head();
      const second = await c.buyer("POST", "/orders", body, key);
      expect(first.status).to.equal(201);
      expect(second.status).to.equal(201);
      expect(second.body).to.deep.equal(first.body);
      expect(second.headers.get("idempotent-replayed")).to.equal("true");
      expect(await head()).to.equal(blocks);
      const other = await c.buyer("POST", "/orders", { ...body, amount: "78.00" }, key);
      expect(other.status).to.equal(409);
      expect(other.body.error.code).to.equal("IDEMPOTENCY_CONFLICT");
    });
  });

  describe("non-custodial signing through /relay", () => {
    it("relays a forward request the user signed with its own key, attributed to the user", async () => {
      const own = Wallet.createRandom();
      // Acme's admin adds the person with their own address; the operator cannot (its on-chain role is gone).
      const created = await c.buyer("POST", `/orgs/${p.credentials.orgs.acme}/members`, { name: `self-${Date.now() % 1e6}`, role: "member", address: own.address });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const me = apiClient(p.baseUrl, created.body.token);
      // The gateway holds no key for this user, so a write answers with a signing request and sends nothing.
      const custodial = await me("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "5.00", reference: "PO-NC", dueDate: inDays(9) });
      expect(custodial.status).to.equal(202);
      expect(custodial.body.signingRequest.summary).to.equal("Issue an order to Pearl River Parts: PO-NC, TDT 5.00");
      const params = (await me("GET", "/relay/params")).body;
      const iface = TrellisLedger__factory.createInterface();
      // The user committed to its reference itself; this gateway holds no opening, so it shows the commitment.
      const poCommitment = keccak256(toUtf8Bytes(`PO-SELF-${Date.now()}`));
      const due = Math.floor(Date.now() / 1000) + 30 * 86400;
      const data = iface.encodeFunctionData("issueOrder", [p.credentials.orgs.pearl, params.token, 500n, due, poCommitment, ZeroHash]);
      const unsigned = { from: own.address, to: params.ledger, value: "0", gas: "500000", nonce: params.nonce, deadline: Math.floor(Date.now() / 1000) + 600, data };
      const signature = await own.signTypedData(params.domain, params.types, unsigned);
      const forged = await Wallet.createRandom().signTypedData(params.domain, params.types, unsigned);
      const refused = await me("POST", "/relay", { request: { ...unsigned, signature: forged } });
      expect(refused.status).to.equal(403);
      const r = await me("POST", "/relay", { request: { ...unsigned, signature } });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      const issued = r.body.events.find((e: { name: string }) => e.name === "OrderIssued");
      expect(issued.args.actor).to.equal(own.address);
      const order = await me("GET", `/orders/${issued.args.orderId}`);
      expect(order.body).to.include({ status: "issued", amount: "5.00", reference: poCommitment });
    });
  });

  describe("documents, disputes and the OpenAPI document", () => {
    it("exports the audit trail as CSV and JSON, streamed", async () => {
      const res = await fetch(`${p.baseUrl}/api/v1/audit/export?format=csv&entityType=invoice`, { headers: { authorization: `Bearer ${p.credentials.users.auditor.token}` } });
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.match(/text\/csv/);
      const text = await res.text();
      // Raw answers (not through apiClient) are held to the document too.
      const contract = await contractOf(p.baseUrl);
      expect(contract.check("GET", "/api/v1/audit/export?format=csv", res.status, res.headers.get("content-type"), text)).to.deep.equal([]);
      const lines = text.trim().split("\n");
      expect(lines[0]).to.equal("id,blockNumber,logIndex,txHash,timestamp,eventType,entityType,entityId,actor,orgIds,args");
      expect(lines.length).to.be.greaterThan(5);
      const json = await fetch(`${p.baseUrl}/api/v1/audit/export?format=json&eventType=InvoiceConfirmed`, { headers: { authorization: `Bearer ${p.credentials.users.auditor.token}` } });
      const rows = (await json.json()) as { eventType: string }[];
      expect(contract.check("GET", "/api/v1/audit/export?format=json", json.status, json.headers.get("content-type"), rows)).to.deep.equal([]);
      expect(contract.check("GET", "/api/v1/audit/export?format=json", json.status, json.headers.get("content-type"), [{ eventType: 1 }])).to.not.deep.equal([]);
      expect(rows.length).to.be.greaterThan(0);
      expect(rows.every((e) => e.eventType === "InvoiceConfirmed")).to.equal(true);
    });

    it("stores a document off-chain and returns its sha256", async () => {
      const res = await fetch(`${p.baseUrl}/api/v1/documents`, {
        method: "POST",
        headers: { authorization: `Bearer ${p.credentials.users.supplier.token}`, "content-type": "application/octet-stream" },
        body: Buffer.from("invoice pdf bytes"),
      });
      expect(res.status).to.equal(201);
      const body = (await res.json()) as { sha256: string };
      expect((await contractOf(p.baseUrl)).check("POST", "/api/v1/documents", res.status, res.headers.get("content-type"), body)).to.deep.equal([]);
      expect(body.sha256).to.equal("0x" + createHash("sha256").update("invoice pdf bytes").digest("hex"));
    });

    it("routes a buyer's dispute to the supplier with a 48-hour clock, and the supplier answers it", async () => {
      const order = await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "10.00", reference: "PO-D", dueDate: inDays(9) });
      await c.supplier("POST", `/orders/${order.body.id}/accept`);
      const inv = await c.supplier("POST", "/invoices", { orderId: order.body.id, invoiceNumber: `D-${Date.now() % 1e6}`, amount: "10.00", dueDate: inDays(9), documentHash: newDoc() });
      const d = await c.buyer("POST", `/invoices/${inv.body.id}/dispute`, { reasonCode: 2, category: "quality", reason: "Parts arrived scratched" });
      expect(d.status).to.equal(201);
      expect(d.body.status).to.equal("disputed");
      const list = await c.supplier("GET", "/disputes?status=open");
      const mine = list.body.items.find((x: { subjectId: string }) => x.subjectId === inv.body.id);
      expect(mine).to.include({ status: "open", clock: "within_48h", assignedOrgId: p.credentials.orgs.pearl, category: "quality" });
      expect((await c.buyer("POST", `/disputes/${mine.id}/respond`, { response: "no" })).status).to.equal(403);
      const ans = await c.supplier("POST", `/disputes/${mine.id}/respond`, { response: "We will replace them." });
      expect(ans.status).to.equal(200);
      expect(ans.body).to.include({ status: "answered", clock: "answered_in_time" });
    });

    it("serves OpenAPI 3.1 with every route", async () => {
      const spec = (await (await fetch(`${p.baseUrl}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
      expect(spec.openapi).to.equal("3.1.0");
      expect(Object.keys(spec.paths)).to.include.members(["/api/v1/orders", "/api/v1/invoices/{id}/payments", "/api/v1/audit/verify/{txHash}/{logIndex}"]);
      expect((await fetch(`${p.baseUrl}/healthz`)).status).to.equal(200);
      expect((await fetch(`${p.baseUrl}/readyz`)).status).to.equal(200);
    });

    it("documents each operation: a unique operationId, its success schema and every status it can answer", async () => {
      type Op = {
        operationId: string;
        security: Record<string, string[]>[];
        responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
        parameters: { name: string; schema: Record<string, unknown> }[];
      };
      const spec = (await (await fetch(`${p.baseUrl}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, Op>>;
        components: { schemas: Record<string, unknown>; securitySchemes: Record<string, Record<string, string>> };
      };
      const ops = Object.entries(spec.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
      // With the governance routes (members and policy by proposals, the ledger allowance) and main's row proofs,
      // sweeps, document checks and event stream.
      expect(ops).to.have.length(107);
      expect(new Set(ops.map((o) => o.op.operationId)).size).to.equal(ops.length);
      // A bearer API token or the console's session cookie; signing in is the one public operation.
      expect(spec.components.securitySchemes).to.deep.include({ bearer: { type: "http", scheme: "bearer", description: spec.components.securitySchemes.bearer.description } });
      expect(spec.components.securitySchemes.session).to.include({ type: "apiKey", in: "cookie", name: "trellis_session" });
      expect(ops.filter((o) => o.op.security.length === 0).map((o) => o.op.operationId)).to.deep.equal(["createSession"]);
      for (const { path, method, op } of ops) {
        expect(op.operationId, `${method} ${path}`).to.match(/^[a-z][A-Za-z]+$/);
        const statuses = Object.keys(op.responses);
        const open = op.security.length === 0;
        if (!open) expect(op.security, op.operationId).to.deep.equal([{ bearer: [] }, { session: [] }]);
        // Signing in answers 401 for refused credentials; every other operation for missing or bad ones.
        expect(statuses, op.operationId).to.include.members(["401", "429", "500"]);
        if (method !== "get") expect(statuses, op.operationId).to.include.members(["400", "408", "413", "415"]);
        // A signed-in write may reuse an Idempotency-Key (409) and must carry the session's CSRF token (403).
        if (method !== "get" && !open) expect(statuses, op.operationId).to.include.members(["403", "409"]);
        const success = statuses.find((s) => s.startsWith("2"))!;
        expect(op.responses[success].content, op.operationId).to.not.equal(undefined);
        for (const s of statuses.filter((x) => !x.startsWith("2"))) {
          expect(op.responses[s].content!["application/json"].schema, `${op.operationId} ${s}`).to.deep.equal({ $ref: "#/components/schemas/Error" });
        }
      }
      const byId = Object.fromEntries(ops.map((o) => [o.op.operationId, o.op]));
      expect(Object.keys(byId.createSession.responses)).to.deep.equal(["201", "400", "401", "408", "413", "415", "429", "500"]);
      expect(byId.createSession.responses["201"].content!["application/json"].schema).to.deep.equal({ $ref: "#/components/schemas/Session" });
      expect(Object.keys(byId.getOrder.responses)).to.not.include("408");
      // Chain writes can find the chain unreachable; a write by some roles only is refused to the others.
      expect(Object.keys(byId.approveFinancingRequest.responses)).to.include.members(["403", "404", "409", "422", "503"]);
      expect(Object.keys(byId.getOrder.responses)).to.not.include("503");
      // Typed ids and strict dates.
      expect(byId.getOrder.responses["200"].content!["application/json"].schema).to.deep.equal({ $ref: "#/components/schemas/Order" });
      const order = spec.components.schemas.Order as { properties: Record<string, Record<string, unknown>>; additionalProperties: boolean };
      expect(order.properties.id.pattern).to.equal("^[1-9][0-9]*$");
      expect(order.properties.dueDate.format).to.equal("date-time");
      expect(order.additionalProperties).to.equal(false);
      expect(byId.getOrder.parameters.find((x) => x.name === "id")!.schema.pattern).to.equal("^[1-9][0-9]*$");
      expect(spec.components.schemas.Error).to.have.nested.property("properties.error.required").that.deep.equals(["code", "message"]);
    });

    it("refuses, in the contract check every API test runs, a status or body the document does not allow", async () => {
      const contract = await contractOf(p.baseUrl);
      const order = (await c.buyer("GET", "/orders?limit=1")).body.items[0];
      expect(contract.check("GET", `/api/v1/orders/${order.id}`, 200, "application/json", order)).to.deep.equal([]);
      expect(contract.check("GET", `/api/v1/orders/${order.id}`, 200, "application/json", { ...order, amount: 5 })[0]).to.match(/getOrder 200: \/amount must be string/);
      expect(contract.check("GET", `/api/v1/orders/${order.id}`, 200, "application/json", { ...order, extra: 1 })[0]).to.match(/must NOT have additional properties/);
      expect(contract.check("GET", `/api/v1/orders/${order.id}`, 409, "application/json", { error: { code: "X", message: "m" } })[0]).to.match(/getOrder .* answered 409, which it does not document/);
      expect(contract.check("POST", "/api/v1/orders", 422, "application/json", { error: { code: "X" } })[0]).to.match(/issueOrder 422: \/error must have required property 'message'/);
      expect(contract.check("GET", "/api/v1/audit/export?format=csv", 200, "text/csv", "id,blockNumber")).to.deep.equal([]);
      expect(contract.check("GET", "/api/v1/audit/export?format=csv", 200, "text/html", "<p>")[0]).to.match(/not as text\/csv or application\/json/);
    });
  });
});

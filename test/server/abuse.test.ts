import crypto from "node:crypto";
import { expect } from "chai";
import { encodeBytes32String, Wallet, ZeroHash } from "ethers";
import { TrellisLedger__factory } from "../../typechain-types";
import { apiClient, startPlatform, type Platform } from "../helpers/platform";
import { makeWallet } from "../../server/src/chain/native-crypto";
import { clients, confirmedInvoice, newDoc, inDays } from "./lifecycle";

/**
 * The abuse findings of the outside review (issue 9, items 5, 8, 9 and 10), each through the HTTP API against a
 * real chain: what the reviewer did, and what must happen instead.
 */
const adminOf = (creds: { orgs: Record<string, string>; users: Record<string, { token: string }> }, orgId: string) => {
  const o = creds.orgs;
  const name = orgId === o.acme ? "buyer" : orgId === o.pearl ? "supplier" : orgId === o.bankA ? "adminA" : orgId === o.bankB ? "adminB" : "auditor";
  return creds.users[name].token;
};

describe("abuse findings", function () {
  this.timeout(240_000);
  let p: Platform;
  let c: ReturnType<typeof clients>;

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
    c = clients(p.credentials);
  });
  after(async () => {
    await p?.stop();
  });

  const rpc = (method: string, params: unknown[] = []) => p.gateway.services.provider.send(method, params);
  const head = async () => Number(await rpc("eth_blockNumber"));
  const idb = () => p.gateway.services.idb;
  const gdb = () => p.gateway.services.gdb;
  const upload = (token: string, bytes: Buffer) =>
    fetch(`${p.baseUrl}/api/v1/documents`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" }, body: bytes });

  /** Every relayer's transaction count and balance, and the head: what a refused relay must not move. */
  const relayerState = async () => {
    const { relayerKeys, relayers } = p.gateway.services.config;
    const relayerAddresses = relayerKeys.slice(1, 1 + relayers).map((k) => makeWallet(k).address);
    const rows = await Promise.all(relayerAddresses.map(async (a) => [a, await rpc("eth_getTransactionCount", [a, "latest"]), await rpc("eth_getBalance", [a, "latest"])]));
    return { head: await head(), rows };
  };

  describe("5. /relay refuses what would revert, before broadcasting it", () => {
    it("answers 4xx with a stable code for expired, future-nonce, out-of-bounds gas, oversized and forged requests, and the relayers pay nothing", async () => {
      const own = Wallet.createRandom();
      const created = await apiClient(p.baseUrl, adminOf(p.credentials, p.credentials.orgs.acme))("POST", `/orgs/${p.credentials.orgs.acme}/members`, { name: `relay-${Date.now() % 1e6}`, role: "member", address: own.address });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const me = apiClient(p.baseUrl, created.body.token);
      const params = (await me("GET", "/relay/params")).body;
      const iface = TrellisLedger__factory.createInterface();
      const data = iface.encodeFunctionData("issueOrder", [p.credentials.orgs.pearl, params.token, 700n, Math.floor(Date.now() / 1000) + 30 * 86400, encodeBytes32String("PO-RELAY"), ZeroHash]);
      const now = Math.floor(Date.now() / 1000);
      const valid = { from: own.address, to: params.ledger, value: "0", gas: "300000", nonce: params.nonce, deadline: now + 600, data };
      const signed = async (over: Partial<typeof valid>, by = own) => {
        const unsigned = { ...valid, ...over };
        return { request: { ...unsigned, signature: await by.signTypedData(params.domain, params.types, unsigned) } };
      };
      const validSig = (await signed({})).request.signature;
      const cases: [string, unknown, number, string][] = [
        ["expired deadline", await signed({ deadline: now - 60 }), 422, "RELAY_DEADLINE_EXPIRED"],
        ["future nonce", await signed({ nonce: String(BigInt(params.nonce) + 1n) }), 409, "RELAY_NONCE_MISMATCH"],
        ["gas = 1", await signed({ gas: "1" }), 422, "RELAY_GAS_OUT_OF_BOUNDS"],
        ["gas = 1e30", await signed({ gas: "1" + "0".repeat(30) }), 422, "RELAY_GAS_OUT_OF_BOUNDS"],
        ["gas within bounds but too little for the call", await signed({ gas: "40000" }), 422, "RELAY_GAS_TOO_LOW"],
        ["deadline = 2^48", { request: { ...valid, deadline: 2 ** 48, signature: validSig } }, 400, "VALIDATION_FAILED"],
        ["nonce > 2^256", { request: { ...valid, nonce: (2n ** 256n + 5n).toString(), signature: validSig } }, 400, "VALIDATION_FAILED"],
        ["value > 0", await signed({ value: "1" }), 422, "RELAY_VALUE_NOT_ALLOWED"],
        ["target outside the deployment", await signed({ to: params.domain.verifyingContract }), 422, "RELAY_TARGET_NOT_ALLOWED"],
        ["signed by another key", await signed({}, Wallet.createRandom()), 403, "RELAY_SIGNATURE_INVALID"],
        ["signature that recovers to nobody", { request: { ...valid, signature: "0x" + "00".repeat(65) } }, 403, "RELAY_SIGNATURE_INVALID"],
        ["inner call the ledger refuses (unknown supplier)", await signed({ data: iface.encodeFunctionData("issueOrder", [999, params.token, 700n, now + 30 * 86400, encodeBytes32String("PO-X"), ZeroHash]) }), 404, "NOT_FOUND"],
      ];
      const before = await relayerState();
      for (const [what, body, status, code] of cases) {
        const r = await me("POST", "/relay", body);
        expect(r.status, `${what}: ${JSON.stringify(r.body)}`).to.equal(status);
        expect(r.body.error.code, what).to.equal(code);
      }
      const after = await relayerState();
      expect(after, "relayers' nonces and balances and the head").to.deep.equal(before);

      // The same request, correctly formed, is relayed: one transaction, attributed to the signer.
      const ok = await me("POST", "/relay", await signed({}));
      expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
      expect(ok.body.events.find((e: { name: string }) => e.name === "OrderIssued").args.actor).to.equal(own.address);
      expect(await head()).to.equal(before.head + 1);
      // Replaying it (its nonce is now used) is refused the same way, still without a transaction.
      const replay = await me("POST", "/relay", await signed({}));
      expect(replay.status).to.equal(409);
      expect(replay.body.error).to.include({ code: "RELAY_NONCE_MISMATCH" });
      expect(replay.body.error.details).to.deep.equal({ nonce: params.nonce, expected: String(BigInt(params.nonce) + 1n) });
      expect(await head()).to.equal(before.head + 1);
    });
  });

  describe("8. POST /users validates first and creates atomically", () => {
    it("answers 400 for an address with a bad EIP-55 checksum", async () => {
      const good = Wallet.createRandom().address;
      const i = good.slice(2).search(/[a-fA-F]/) + 2;
      const flipped = good.slice(0, i) + (good[i] === good[i].toLowerCase() ? good[i].toUpperCase() : good[i].toLowerCase()) + good.slice(i + 1);
      const r = await apiClient(p.baseUrl, adminOf(p.credentials, p.credentials.orgs.acme))("POST", `/orgs/${p.credentials.orgs.acme}/members`, { name: `cs-${Date.now() % 1e6}`, role: "member", address: flipped });
      expect(r.status, JSON.stringify(r.body)).to.equal(400);
      expect(r.body.error.code).to.equal("VALIDATION_FAILED");
      expect(r.body.error.details[0].path).to.equal("address");
    });

    it("gives three concurrent creations of one name 1x201 and 2x409, with exactly one on-chain member and one row", async () => {
      const org = p.credentials.orgs.acme;
      const members = () => Number(idb().prepare("SELECT count(*) FROM members WHERE org_id = ? AND active = 1").pluck().get(Number(org)));
      const accounts = () => Number(gdb().prepare("SELECT count(*) FROM accounts WHERE org_id = ? AND purpose = 'user'").pluck().get(org));
      const [m0, a0] = [members(), accounts()];
      const name = `twin-${Date.now() % 1e6}`;
      const answers = await Promise.all([0, 1, 2].map(() => apiClient(p.baseUrl, adminOf(p.credentials, org))("POST", `/orgs/${org}/members`, { name, role: "member" })));
      expect(answers.map((a) => a.status).sort()).to.deep.equal([201, 409, 409]);
      for (const a of answers.filter((x) => x.status === 409)) expect(a.body.error.code).to.equal("DUPLICATE_USER");
      const winner = answers.find((a) => a.status === 201)!.body;
      expect(members()).to.equal(m0 + 1);
      expect(accounts()).to.equal(a0 + 1);
      expect(Number(gdb().prepare("SELECT count(*) FROM users WHERE name = ?").pluck().get(name))).to.equal(1);
      expect(Number(await p.gateway.services.ledger.read("ledger", "orgOf", [winner.user.address]))).to.equal(Number(org));
      const me = await apiClient(p.baseUrl, winner.token)("GET", "/me");
      expect(me.body.user).to.include({ name, role: "buyer", address: winner.user.address });
      // Later, the name stays taken.
      const again = await apiClient(p.baseUrl, adminOf(p.credentials, org))("POST", `/orgs/${org}/members`, { name, role: "member" });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal("DUPLICATE_USER");
      expect(members()).to.equal(m0 + 1);
    });

    it("is idempotent under retry: the same Idempotency-Key answers the same user, with no second member", async () => {
      const name = `retry-${Date.now() % 1e6}`;
      const key = { "idempotency-key": `user-${name}` };
      const first = await apiClient(p.baseUrl, adminOf(p.credentials, p.credentials.orgs.pearl))("POST", `/orgs/${p.credentials.orgs.pearl}/members`, { name, role: "member" }, key);
      expect(first.status, JSON.stringify(first.body)).to.equal(201);
      const h = await head();
      const second = await apiClient(p.baseUrl, adminOf(p.credentials, p.credentials.orgs.pearl))("POST", `/orgs/${p.credentials.orgs.pearl}/members`, { name, role: "member" }, key);
      expect(second.status).to.equal(201);
      expect(second.body).to.deep.equal(first.body);
      expect(second.headers.get("idempotent-replayed")).to.equal("true");
      expect(await head()).to.equal(h);
    });

    it("resumes a creation whose membership reached the chain but whose row did not (a crash in between)", async () => {
      // The state a crash leaves: the name reserved with its key, the member added on-chain, no user row.
      const name = `crashed-${Date.now() % 1e6}`;
      const org = p.credentials.orgs.acme;
      const s = p.gateway.services;
      const wallet = s.vault.create("user", org);
      gdb().prepare("INSERT INTO user_creations (name, org_id, role, address, status, created_at) VALUES (?, ?, 'buyer', ?, 'pending', ?)").run(name, org, wallet.address, new Date().toISOString());
      await s.indexer.waitFor((await s.ledger.act({ address: p.credentials.users.buyer.address, orgId: org }, "ledger", "addMember", [org, wallet.address, 1])).blockNumber);
      const h = await head();
      const r = await apiClient(p.baseUrl, adminOf(p.credentials, org))("POST", `/orgs/${org}/members`, { name, role: "member" });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      expect(r.body.user).to.include({ name, address: wallet.address, orgId: org });
      expect(await head(), "no second addMember").to.equal(h);
      // A different request for the same pending name is a duplicate, not a resumption.
      const other = `crashed2-${Date.now() % 1e6}`;
      gdb().prepare("INSERT INTO user_creations (name, org_id, role, address, status, created_at) VALUES (?, ?, 'buyer', ?, 'pending', ?)").run(other, org, makeWallet("0x" + crypto.randomBytes(32).toString("hex")).address, new Date().toISOString());
      const wrong = await apiClient(p.baseUrl, adminOf(p.credentials, p.credentials.orgs.pearl))("POST", `/orgs/${p.credentials.orgs.pearl}/members`, { name: other, role: "member" });
      expect(wrong.status).to.equal(409);
      expect(wrong.body.error.code).to.equal("DUPLICATE_USER");
    });
  });

  describe("9. dates are calendar dates and an invoice's due date keeps to its order's terms", () => {
    it("refuses 2027-02-30, a 25th hour and a zoneless timestamp, and keeps 2028-02-29 as that day", async () => {
      const order = (dueDate: unknown) => c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "3.00", reference: `PO-DATE-${Date.now() % 1e6}`, dueDate });
      for (const bad of ["2027-02-30", "2027-02-29", "2027-13-01", "2027-03-31T25:00:00Z", "2027-03-31T10:00:00", "2027-04-31T10:00:00Z"]) {
        const r = await order(bad);
        expect(r.status, bad).to.equal(400);
        expect(r.body.error.code, bad).to.equal("VALIDATION_FAILED");
      }
      const filter = await c.auditor("GET", "/audit/events?from=2027-02-30");
      expect(filter.status, "an audit filter's date too").to.equal(400);
      expect((await c.auditor("GET", "/audit/events?from=2026-01-01&to=2028-02-29T00:00:00Z")).status).to.equal(200);
      const leap = await order("2028-02-29");
      expect(leap.status, JSON.stringify(leap.body)).to.equal(201);
      expect(leap.body.dueDate).to.equal("2028-02-29T23:59:59.000Z");
      const zoned = await order("2028-03-01T08:00:00+02:00");
      expect(zoned.status).to.equal(201);
      expect(zoned.body.dueDate).to.equal("2028-03-01T06:00:00.000Z");
    });

    it("answers 422 INVOICE_DUE_DATE_OUT_OF_RANGE for an invoice due 9999-12-31 on a 30-day order, and accepts one within the tenor", async () => {
      const order = await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "300.00", reference: `PO-TENOR-${Date.now() % 1e6}`, dueDate: inDays(30) });
      expect((await c.supplier("POST", `/orders/${order.body.id}/accept`)).status).to.equal(201);
      const invoice = (dueDate: string, n: string) => c.supplier("POST", "/invoices", { orderId: order.body.id, invoiceNumber: `INV-TENOR-${n}-${Date.now() % 1e6}`, amount: "100.00", dueDate, documentHash: newDoc() });
      const h = await head();
      for (const [due, n] of [["9999-12-31", "A"], [inDays(30 + 366), "B"]]) {
        const r = await invoice(due, n);
        expect(r.status, JSON.stringify(r.body)).to.equal(422);
        expect(r.body.error.code).to.equal("INVOICE_DUE_DATE_OUT_OF_RANGE");
        expect(r.body.error.details).to.deep.include({ maxTenorDays: 365, latest: new Date(Date.parse(order.body.dueDate) + 365 * 86_400_000).toISOString() });
      }
      expect(await head(), "nothing sent").to.equal(h);
      const atLimit = await invoice(inDays(30 + 365), "C");
      expect(atLimit.status, JSON.stringify(atLimit.body)).to.equal(201);
      expect(atLimit.body.dueDate).to.equal(new Date(Date.parse(order.body.dueDate) + 365 * 86_400_000).toISOString());
    });
  });

  describe("10. exposure", () => {
    it("shows /orgs as id, kind, name and status to others; the operator and the organisation's own members see its treasury and KYC hash", async () => {
      const asBuyer = await c.buyer("GET", "/orgs");
      expect(asBuyer.status).to.equal(200);
      expect(asBuyer.body.items.length).to.be.greaterThan(3);
      for (const o of asBuyer.body.items) {
        if (o.id === p.credentials.orgs.acme) expect(o).to.include.keys("treasury", "kycHash");
        else expect(Object.keys(o).sort(), o.name).to.deep.equal(["id", "kind", "name", "status"]);
      }
      const asAuditor = await c.auditor("GET", "/orgs");
      expect(asAuditor.body.items.find((o: { id: string }) => o.id === p.credentials.orgs.acme)).to.not.have.any.keys("treasury", "kycHash");
      const asOperator = await c.operator("GET", "/orgs");
      for (const o of asOperator.body.items) expect(o.treasury).to.match(/^0x[0-9a-fA-F]{40}$/);
    });

    it("requires the operator's token or the metrics token for /metrics", async () => {
      const metrics = (auth?: string) => fetch(`${p.baseUrl}/metrics`, { headers: auth ? { authorization: auth } : {} });
      const anon = await metrics();
      expect(anon.status).to.equal(401);
      expect(((await anon.json()) as { error: { code: string } }).error.code).to.equal("UNAUTHENTICATED");
      const buyer = await metrics(`Bearer ${p.credentials.users.buyer.token}`);
      expect(buyer.status).to.equal(403);
      const op = await metrics(`Bearer ${p.credentials.users.operator.token}`);
      expect(op.status).to.equal(200);
      expect(await op.text()).to.include("trellis_http_request_duration_seconds");
      const config = p.gateway.services.config;
      config.metricsToken = "scrape-" + crypto.randomBytes(16).toString("hex");
      try {
        expect((await metrics(`Bearer ${config.metricsToken}`)).status).to.equal(200);
        expect((await metrics(`Bearer ${config.metricsToken}x`)).status).to.equal(401);
      } finally {
        config.metricsToken = undefined;
      }
    });

    it("serves a CSP that allows no inline script (and no inline style outside /docs)", async () => {
      for (const url of ["/", "/api/v1/me", "/openapi.json"]) {
        const csp = (await fetch(`${p.baseUrl}${url}`)).headers.get("content-security-policy")!;
        expect(csp, url).to.match(/script-src 'self'(;|$)/);
        expect(csp, url).to.not.include("unsafe-inline");
      }
      const docs = (await fetch(`${p.baseUrl}/docs/`)).headers.get("content-security-policy")!;
      expect(docs).to.match(/script-src 'self'(;|$)/);
    });

    it("keeps each organisation within its document quota (413 DOCUMENT_QUOTA_EXCEEDED); a document it holds costs nothing again", async () => {
      const org = await c.operator("POST", "/orgs", { kind: "supplier", name: `Quota Co ${Date.now() % 1e6}`, admin: { name: `quota-admin-${Date.now() % 1e6}` } });
      expect(org.status, JSON.stringify(org.body)).to.equal(201);
      const user = await apiClient(p.baseUrl, org.body.admin.token)("POST", `/orgs/${org.body.id}/members`, { name: `quota-${Date.now() % 1e6}`, role: "member" });
      const config = p.gateway.services.config;
      const quota = config.documentQuotaBytes;
      config.documentQuotaBytes = 100;
      try {
        const a = crypto.randomBytes(60);
        expect((await upload(user.body.token, a)).status).to.equal(201);
        const over = await upload(user.body.token, crypto.randomBytes(60));
        expect(over.status).to.equal(413);
        expect(((await over.json()) as { error: { code: string; details: unknown } }).error).to.deep.include({ code: "DOCUMENT_QUOTA_EXCEEDED", details: { quotaBytes: 100, usedBytes: 60, size: 60 } });
        expect((await upload(user.body.token, a)).status, "the same document again").to.equal(201);
        // Another organisation's quota is its own.
        expect((await upload(p.credentials.users.supplier.token, crypto.randomBytes(60))).status).to.equal(201);
      } finally {
        config.documentQuotaBytes = quota;
      }
    });

    it("refuses uploads, disputes and complaints from a suspended organisation with 403 ORG_SUSPENDED", async () => {
      const { orgs } = p.credentials;
      const { invoiceId } = await confirmedInvoice(p.credentials, "500.00", "SUSP");
      const fr = await c.supplier("POST", "/financing-requests", { invoiceId, bankOrgId: orgs.bankA, amount: "100.00" });
      expect(fr.status, JSON.stringify(fr.body)).to.equal(201);
      const s = p.gateway.services;
      const setStatus = async (fn: string, org: string) => s.indexer.waitFor((await s.ledger.act({ address: s.operatorAddress }, "ledger", fn, [org])).blockNumber);
      const complaints = () => Number(gdb().prepare("SELECT count(*) FROM complaints").pluck().get());
      await setStatus("suspendOrganization", orgs.pearl);
      await setStatus("suspendOrganization", orgs.acme);
      try {
        const [n, h] = [complaints(), await head()];
        const up = await upload(p.credentials.users.supplier.token, Buffer.from("a suspended supplier's invoice"));
        expect(up.status).to.equal(403);
        expect(((await up.json()) as { error: { code: string } }).error.code).to.equal("ORG_SUSPENDED");
        const complaint = await c.supplier("POST", `/financing-requests/${fr.body.id}/complaints`, { category: "decision", reason: "Too slow" });
        expect(complaint.status, JSON.stringify(complaint.body)).to.equal(403);
        expect(complaint.body.error.code).to.equal("ORG_SUSPENDED");
        const dispute = await c.buyer("POST", `/invoices/${invoiceId}/dispute`, { reasonCode: 1, category: "quality", reason: "Scratched" });
        expect(dispute.status, JSON.stringify(dispute.body)).to.equal(403);
        expect(dispute.body.error.code).to.equal("ORG_SUSPENDED");
        expect(complaints()).to.equal(n);
        expect(await head()).to.equal(h);
      } finally {
        await setStatus("reinstateOrganization", orgs.pearl);
        await setStatus("reinstateOrganization", orgs.acme);
      }
      const complaint = await c.supplier("POST", `/financing-requests/${fr.body.id}/complaints`, { category: "decision", reason: "Too slow" });
      expect(complaint.status, "once reinstated").to.equal(201);
    });
  });
});

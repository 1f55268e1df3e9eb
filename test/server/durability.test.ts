import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { apiClient } from "../../scripts/lib/api-client";
import { freePort, killGroup, startProcess } from "../../scripts/lib/processes";
import { startPlatform } from "../../scripts/lib/platform";
import { clients, fastTrackLifecycle, inDays } from "./lifecycle";


/** Everything an auditor can read, for before/after comparisons. */
async function snapshot(baseUrl: string, token: string) {
  const get = apiClient(baseUrl, token);
  const out: Record<string, unknown> = {};
  for (const p of ["/orders?limit=500", "/invoices?limit=500", "/financing-requests?limit=500", "/balances", "/orgs", "/audit/events?limit=1000"]) {
    const r = await get("GET", p);
    expect(r.status, p).to.equal(200);
    out[p] = r.body;
  }
  return out;
}

describe("durability", function () {
  this.timeout(600_000);

  it("restores every record, balance and event after a restart on the same data directory (journal replay)", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trellis-restart-"));
    const genesisDate = new Date(Date.now() - 60_000).toISOString();
    const first = await startPlatform({ chain: "hardhat", dataDir, genesisDate });
    await fastTrackLifecycle(first.credentials);
    const before = await snapshot(first.baseUrl, first.credentials.users.auditor.token);
    await first.stop();

    const second = await startPlatform({ chain: "hardhat", dataDir, genesisDate });
    try {
      const after = await snapshot(second.baseUrl, second.credentials.users.auditor.token);
      expect(after).to.deep.equal(before);
      // The rebuilt ledger keeps working.
      const c = clients(second.credentials);
      const r = await c.buyer("POST", "/orders", { supplierOrgId: second.credentials.orgs.pearl, amount: "10.00", reference: "PO-AFTER", dueDate: inDays(9) });
      expect(r.status).to.equal(201);
    } finally {
      await second.stop();
    }
  });

  it("loses no acknowledged write when gateway and chain are killed with SIGKILL mid-load, and retries do not duplicate", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trellis-kill-"));
    const [port, chainPort] = [await freePort(), await freePort()];
    let proc = await startProcess(["--data-dir", dataDir, "--port", String(port), "--chain-port", String(chainPort)]);
    const creds = JSON.parse(fs.readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8"));
    const baseUrl = `http://127.0.0.1:${port}`;
    const buyer = apiClient(baseUrl, creds.users.buyer.token);
    const N = 40;
    const bodyOf = (i: number) => ({ supplierOrgId: creds.orgs.pearl, amount: `${100 + i}.00`, reference: `KILL-${i}`, dueDate: inDays(30) });
    const acknowledged = new Map<number, string>();
    const sends = Array.from({ length: N }, (_, i) =>
      buyer("POST", "/orders", bodyOf(i), { "idempotency-key": `kill-${i}` })
        .then((r) => {
          if (r.status === 201) acknowledged.set(i, r.body.id);
        })
        .catch(() => undefined),
    );
    // Kill everything once some writes are acknowledged and others are still in flight.
    const deadline = Date.now() + 60_000;
    while (acknowledged.size < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    killGroup(proc, "SIGKILL");
    await Promise.all(sends);
    expect(acknowledged.size).to.be.greaterThan(0);

    proc = await startProcess(["--data-dir", dataDir, "--port", String(port), "--chain-port", String(chainPort)]);
    try {
      // Clients retry every request with the same key.
      const ids = new Map<number, string>();
      for (let i = 0; i < N; i++) {
        const r = await buyer("POST", "/orders", bodyOf(i), { "idempotency-key": `kill-${i}` });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        ids.set(i, r.body.id);
      }
      for (const [i, id] of acknowledged) expect(ids.get(i), `write ${i}`).to.equal(id);
      const list = await apiClient(baseUrl, creds.users.auditor.token)("GET", "/orders?limit=500");
      const ours = list.body.items.filter((o: { reference: string }) => o.reference.startsWith("KILL-"));
      expect(ours).to.have.length(N);
      expect(new Set(ours.map((o: { reference: string }) => o.reference)).size).to.equal(N);
    } finally {
      killGroup(proc, "SIGTERM");
      await new Promise((r) => setTimeout(r, 1500));
      killGroup(proc, "SIGKILL");
    }
  });
});

describe("gateway API on Anvil (chain-agnostic path)", function () {
  this.timeout(180_000);
  it("runs the fast-track lifecycle against an Anvil node", async () => {
    const p = await startPlatform({ chain: "anvil" });
    try {
      await fastTrackLifecycle(p.credentials);
    } finally {
      await p.stop();
    }
  });
});

describe("overdue, default and recourse through the API", function () {
  this.timeout(180_000);
  it("marks a financed invoice overdue after the grace period, defaults it, and the supplier repays the bank", async () => {
    const p = await startPlatform({ chain: "hardhat" });
    try {
      const c = clients(p.credentials);
      const order = await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "1000.00", reference: "PO-OD", dueDate: inDays(10) });
      await c.supplier("POST", `/orders/${order.body.id}/accept`);
      const inv = await c.supplier("POST", "/invoices", { orderId: order.body.id, invoiceNumber: "INV-OD", amount: "1000.00", dueDate: inDays(10), documentHash: "0x" + "cd".repeat(32) });
      await c.buyer("POST", `/invoices/${inv.body.id}/confirm`);
      const req = await c.supplier("POST", "/financing-requests", { invoiceId: inv.body.id, bankOrgId: p.credentials.orgs.bankA, amount: "900.00" });
      await c.officer1("POST", `/financing-requests/${req.body.id}/approve`);
      await c.officer1("POST", `/financing-requests/${req.body.id}/disburse`);

      const early = await c.supplier("POST", `/invoices/${inv.body.id}/mark-overdue`);
      expect(early.status).to.equal(422);
      expect(early.body.error.code).to.equal("NOT_YET_OVERDUE");
      // Move the chain past the due date and the 5-day grace period.
      await p.gateway.services.provider.send("evm_increaseTime", [20 * 86400]);
      await p.gateway.services.provider.send("evm_mine", []);
      const overdue = await c.officer1("POST", `/invoices/${inv.body.id}/mark-overdue`);
      expect(overdue.status, JSON.stringify(overdue.body)).to.equal(201);
      expect(overdue.body.status).to.equal("overdue");
      const defaulted = await c.officer1("POST", `/financing-requests/${req.body.id}/default`);
      expect(defaulted.body.status).to.equal("defaulted");
      // The buyer pays a little late (it reaches the bank first); the supplier repays the rest itself.
      const paid = await c.buyer("POST", `/invoices/${inv.body.id}/payments`, { amount: "100.00" });
      expect(paid.body).to.include({ status: "overdue", paid: "100.00" });
      const tooMuch = await c.supplier("POST", `/financing-requests/${req.body.id}/repayments`, { amount: "800.01" });
      expect(tooMuch.status).to.equal(422);
      expect(tooMuch.body.error.code).to.equal("PAYMENT_EXCEEDS_OUTSTANDING");
      const repaid = await c.supplier("POST", `/financing-requests/${req.body.id}/repayments`, { amount: "800.00" });
      expect(repaid.status, JSON.stringify(repaid.body)).to.equal(201);
      expect(repaid.body).to.include({ status: "repaid", repaid: "900.00", outstanding: "0.00" });
      const profile = await c.supplier("GET", `/suppliers/${p.credentials.orgs.pearl}/profile`);
      const withA = profile.body.creditRecords.find((r: { bankOrgId: string }) => r.bankOrgId === p.credentials.orgs.bankA);
      expect(withA).to.include({ financed: 1, overdue: 1, defaulted: 1, repaidLate: 1, overdueOpen: 0, utilised: "0.00" });
    } finally {
      await p.stop();
    }
  });
});

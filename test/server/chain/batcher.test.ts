import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { expect } from "chai";
import { id, Wallet } from "ethers";
import { apiClient } from "../../../scripts/lib/api-client";
import { startPlatform, type Platform } from "../../../scripts/lib/platform";
import { freePort, killGroup, startProcess } from "../../../scripts/lib/processes";
import { forwarderInterface, ledgerInterface, receiptFromRpc } from "../../../server/src/chain/abi";
import { RequestBatcher, type RequestOutcome } from "../../../server/src/chain/batcher";
import { forwarderDomain, signForwardRequest } from "../../../server/src/chain/forward-request";
import { inDays } from "../lifecycle";

const EXECUTE = forwarderInterface.getFunction("execute")!.selector;
const EXECUTE_BATCH = forwarderInterface.getFunction("executeBatch")!.selector;

describe("request batching (executeBatch)", function () {
  this.timeout(300_000);
  let p: Platform;

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
  });
  after(async () => {
    await p?.stop();
  });

  /**
   * A new member of Acme (or Pearl) with its own custodial key, added by that organisation's admin (the demo buyer or
   * supplier); outside banks an admin's addition takes effect without a second approval.
   */
  async function newUser(name: string, org: "acme" | "pearl" = "acme") {
    const admin = org === "acme" ? p.credentials.users.buyer : p.credentials.users.supplier;
    const r = await apiClient(p.baseUrl, admin.token)("POST", `/orgs/${p.credentials.orgs[org]}/members`, { name, role: "member" });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return { token: r.body.token as string, address: r.body.user.address as string };
  }

  const nonceOf = async (address: string) =>
    forwarderInterface.decodeFunctionResult("nonces", await p.gateway.services.provider.call({ to: p.gateway.services.ledger.addresses.forwarder, data: forwarderInterface.encodeFunctionData("nonces", [address]) }))[0] as bigint;

  /** A forward request signed by `from`'s custodial key (or by `signer` instead, to make it invalid). */
  async function signed(from: string, data: string, opts: { signer?: Wallet; deadline?: number } = {}) {
    const { ledger, vault } = p.gateway.services;
    return signForwardRequest(opts.signer ?? vault.wallet(from), forwarderDomain(ledger.chainId, ledger.addresses.forwarder), {
      from,
      to: ledger.addresses.ledger,
      value: 0n,
      gas: 300_000n,
      nonce: await nonceOf(from),
      deadline: opts.deadline ?? Math.floor(Date.now() / 1000) + 3600,
      data,
    });
  }

  const issueOrder = (ref: string) =>
    ledgerInterface.encodeFunctionData("issueOrder", [p.credentials.orgs.pearl, p.gateway.services.ledger.addresses.token, 1000n, Math.floor(Date.now() / 1000) + 30 * 86_400, id(ref), "0x" + "00".repeat(32)]);

  it("answers each request of one batch by its own event: one reverts, one is invalid, the others succeed, nonces advance as they should", async () => {
    const { ledger } = p.gateway.services;
    const [a, b, c, d, e] = await Promise.all(["bA", "bB", "bC", "bD", "bE"].map((n) => newUser(`batch-${n}`)));
    const nonces0 = await Promise.all([a, b, c, d].map((u) => nonceOf(u.address)));
    const blocker = await signed(e.address, issueOrder("B-BLOCK"));
    const reqA = await signed(a.address, issueOrder("B-A"));
    const reqB = await signed(b.address, ledgerInterface.encodeFunctionData("acceptOrder", [999_999n])); // reverts: OrderUnknown
    const reqC = await signed(c.address, issueOrder("B-C"), { signer: new Wallet(Wallet.createRandom().privateKey) }); // invalid: wrong signer
    const reqD = await signed(d.address, issueOrder("B-D"));
    // The blocker goes at once (nothing in flight); the four that arrive meanwhile go together.
    const first = ledger.batcher.submit(blocker);
    const [oA, oB, oC, oD] = await Promise.all([reqA, reqB, reqC, reqD].map((r) => ledger.batcher.submit(r)));
    const oBlock: RequestOutcome = await first;
    expect(oBlock.success).to.equal(true);
    const tx = await p.gateway.services.provider.getTransaction(oA.receipt.hash);
    expect(tx!.data.slice(0, 10)).to.equal(EXECUTE_BATCH);
    expect(oA.receipt.hash).to.not.equal(oBlock.receipt.hash);
    for (const o of [oB, oC, oD]) expect(o.receipt.hash).to.equal(oA.receipt.hash);
    expect(oA.receipt.status).to.equal(1);

    expect(oA).to.include({ success: true, skipped: false });
    expect(oB).to.include({ success: false, skipped: false });
    expect(oC).to.include({ success: false, skipped: true });
    expect(oD).to.include({ success: true, skipped: false });
    // Each successful request sees its own OrderIssued only; the failed ones see no event.
    const refs = (o: RequestOutcome) => ledger.parseLogs(o.receipt).map((l) => `${l.name}:${l.name === "OrderIssued" ? l.args.buyerOrgId ?? "" : ""}`);
    expect(ledger.parseLogs(oA.receipt).map((l) => l.name)).to.deep.equal(["OrderIssued"]);
    expect(ledger.parseLogs(oD.receipt).map((l) => l.name)).to.deep.equal(["OrderIssued"]);
    expect(ledger.parseLogs(oA.receipt)[0].args.orderId).to.not.equal(ledger.parseLogs(oD.receipt)[0].args.orderId);
    expect(refs(oB)).to.deep.equal([]);
    expect(refs(oC)).to.deep.equal([]);
    // A's and D's nonces were used, B's too (its call reverted inside the batch), C's was not (skipped).
    const nonces1 = await Promise.all([a, b, c, d].map((u) => nonceOf(u.address)));
    expect(nonces1).to.deep.equal([nonces0[0] + 1n, nonces0[1] + 1n, nonces0[2], nonces0[3] + 1n]);
  });

  it("reads a receipt as ethers' getTransactionReceipt gives it, field by field and log by log, for batches and single requests", async () => {
    const { provider } = p.gateway.services;
    const head = await provider.getBlockNumber();
    let compared = 0;
    let logs = 0;
    for (let n = head; n > 0 && compared < 12; n--) {
      const block = (await provider.send("eth_getBlockByNumber", ["0x" + n.toString(16), false])) as { transactions: string[] };
      for (const hash of block.transactions) {
        const ours = receiptFromRpc(await provider.send("eth_getTransactionReceipt", [hash]), provider);
        const theirs = (await provider.getTransactionReceipt(hash))!;
        for (const [k, v] of Object.entries(theirs.toJSON())) if (k !== "logs") expect(ours.toJSON()[k], k).to.deep.equal(v);
        expect(ours.toJSON()).to.deep.equal(theirs.toJSON());
        expect(ours.logs.map((l) => ({ ...l.toJSON(), removed: l.removed }))).to.deep.equal(theirs.logs.map((l) => ({ ...l.toJSON(), removed: l.removed })));
        compared += 1;
        logs += ours.logs.length;
      }
    }
    expect(compared).to.equal(12);
    expect(logs).to.be.above(12);
  });

  it("answers a request that fails inside a batch as it would have alone, without failing the others", async () => {
    const buyer = apiClient(p.baseUrl, p.credentials.users.buyer.token);
    const order = await buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "10.00", reference: "PO-BATCH-RACE", dueDate: inDays(30) });
    expect(order.status).to.equal(201);
    // Two supplier users of Pearl accept the same order at once; a third write keeps a transaction in flight.
    const s1 = await newUser("pearl-accepter-1", "pearl");
    const s2 = await newUser("pearl-accepter-2", "pearl");
    const others = await Promise.all([0, 1, 2].map((i) => newUser(`batch-other-${i}`)));
    const { batcher, provider } = p.gateway.services.ledger;
    const before = { ...batcher.stats };
    // Blocks every 1.5 s and a 300 ms window: every preflight sees the order unaccepted, the first write goes at once
    // and the four that follow go together in one executeBatch, mined in the same block.
    const window = batcher.options.windowMs;
    batcher.options.windowMs = 300;
    await provider.send("evm_setAutomine", [false]);
    await provider.send("evm_setIntervalMining", [1500]);
    let answers;
    try {
      answers = await Promise.all([
        ...others.map((u, i) => apiClient(p.baseUrl, u.token)("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "1.00", reference: `PO-BATCH-O${i}`, dueDate: inDays(30) })),
        apiClient(p.baseUrl, s1.token)("POST", `/orders/${order.body.id}/accept`, {}),
        apiClient(p.baseUrl, s2.token)("POST", `/orders/${order.body.id}/accept`, {}),
      ]);
    } finally {
      await provider.send("evm_setIntervalMining", [0]);
      await provider.send("evm_setAutomine", [true]);
      batcher.options.windowMs = window;
    }
    for (const r of answers.slice(0, 3)) expect(r.status, JSON.stringify(r.body)).to.equal(201);
    const accepts = answers.slice(3);
    const ok = accepts.filter((r) => r.status === 201);
    const refused = accepts.filter((r) => r.status !== 201);
    expect(ok, JSON.stringify(accepts.map((r) => [r.status, r.body]))).to.have.length(1);
    expect(ok[0].body).to.include({ id: order.body.id, status: "accepted" });
    expect(refused).to.have.length(1);
    // Alone, the second acceptance would be refused by the preflight with exactly this answer.
    expect(refused[0].status).to.equal(409);
    expect(refused[0].body.error).to.include({ code: "INVALID_STATUS", message: `Order ${order.body.id} is not in a status that allows this.` });
    const alone = await apiClient(p.baseUrl, s2.token)("POST", `/orders/${order.body.id}/accept`, {});
    expect(alone.status).to.equal(409);
    expect(alone.body.error).to.deep.equal(refused[0].body.error);
    // All five writes were sent (the refused one got past its preflight): one alone, four in one batch.
    const after = batcher.stats;
    expect(after.requests - before.requests).to.equal(5);
    expect(after.transactions - before.transactions).to.equal(2);
    expect(after.largest).to.be.at.least(4);
  });

  it("sends a request that finds nothing in flight at once, unbatched, however long the window", async () => {
    const { ledger, provider } = p.gateway.services;
    const u = await newUser("alone");
    const batcher = new RequestBatcher(ledger.sender, ledger.addresses.forwarder, [relayerOf(p)], {
      maxBatch: 64,
      windowMs: 5_000,
      maxInFlight: 4,
      blockWindowMs: 0,
      maxGas: 10_000_000n,
    });
    const t0 = Date.now();
    const outcome = await batcher.submit(await signed(u.address, issueOrder("B-ALONE")));
    expect(Date.now() - t0).to.be.lessThan(2_000);
    expect(outcome).to.include({ success: true, skipped: false });
    expect((await provider.getTransaction(outcome.receipt.hash))!.data.slice(0, 10)).to.equal(EXECUTE);
    expect(batcher.stats).to.deep.equal({ transactions: 1, requests: 1, largest: 1 });
  });

  it("on a node that mines every few seconds, lets a batch handed to the node wait for its block while the next one is prepared, so both reach the same block", async () => {
    const { ledger, provider } = p.gateway.services;
    const [u1, u2] = [await newUser("block-1"), await newUser("block-2")];
    const relayers = (ledger.batcher as unknown as { relayers: Wallet[] }).relayers.slice(0, 2);
    // One batch prepared at a time, no window: under the old rule the second request waited until the first was mined.
    const batcher = new RequestBatcher(ledger.sender, ledger.addresses.forwarder, relayers, { maxBatch: 8, windowMs: 0, maxInFlight: 1, blockWindowMs: 0, maxGas: 10_000_000n });
    const [r1, r2] = [await signed(u1.address, issueOrder("B-BLOCK-1")), await signed(u2.address, issueOrder("B-BLOCK-2"))];
    await provider.send("evm_setAutomine", [false]);
    await provider.send("evm_setIntervalMining", [1500]);
    try {
      // Start just after a block, so both have most of the 1.5 s before the next one.
      const b0 = await provider.getBlockNumber();
      while ((await provider.getBlockNumber()) === b0) await new Promise((r) => setTimeout(r, 10));
      const first = batcher.submit(r1);
      // The first is handed over once its transaction is in the node's pool.
      for (let i = 0; i < 100 && Number(await provider.send("eth_getBlockTransactionCountByNumber", ["pending"])) === 0; i++) await new Promise((r) => setTimeout(r, 10));
      const second = batcher.submit(r2);
      const [o1, o2] = await Promise.all([first, second]);
      expect(o1.success && o2.success).to.equal(true);
      expect(o2.receipt.hash, "two transactions (the first had gone when the second came)").to.not.equal(o1.receipt.hash);
      expect(o2.receipt.blockNumber, "mined in the same block").to.equal(o1.receipt.blockNumber);
      expect(batcher.stats).to.deep.equal({ transactions: 2, requests: 2, largest: 1 });
    } finally {
      await provider.send("evm_setIntervalMining", [0]);
      await provider.send("evm_setAutomine", [true]);
    }
  });
});

/** One of the gateway's relayer wallets, for a batcher of the test's own. */
function relayerOf(p: Platform): Wallet {
  // The relayers are private to the ledger client; its batcher holds them.
  return (p.gateway.services.ledger.batcher as unknown as { relayers: Wallet[] }).relayers[0];
}

describe("request batching: a crash mid-batch", function () {
  this.timeout(600_000);
  // Every gateway process this suite starts is killed at the end, even when an assertion fails half-way.
  const started: ChildProcess[] = [];
  after(() => {
    for (const p of started) killGroup(p, "SIGKILL");
  });

  it("keeps every acknowledged write exactly once when the gateway is killed with batches in flight (journal group commit)", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trellis-batch-kill-"));
    const [port, chainPort] = [await freePort(), await freePort()];
    const args = ["--data-dir", dataDir, "--port", String(port), "--chain-port", String(chainPort)];
    let proc = await startProcess(args);
    started.push(proc);
    const creds = JSON.parse(fs.readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8"));
    const baseUrl = `http://127.0.0.1:${port}`;
    const acmeAdmin = apiClient(baseUrl, creds.users.buyer.token);
    const USERS = 12;
    const EACH = 6;
    const users: { token: string }[] = [];
    for (let u = 0; u < USERS; u++) {
      const r = await acmeAdmin("POST", `/orgs/${creds.orgs.acme}/members`, { name: `kill-buyer-${u}`, role: "member" });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      users.push(r.body);
    }
    const bodyOf = (u: number, i: number) => ({ supplierOrgId: creds.orgs.pearl, amount: `${1 + i}.00`, reference: `BK-${u}-${i}`, dueDate: inDays(30) });
    const acknowledged = new Map<string, string>();
    let stop = false;
    const runs = users.map(async (user, u) => {
      const api = apiClient(baseUrl, user.token);
      for (let i = 0; i < EACH && !stop; i++) {
        try {
          const r = await api("POST", "/orders", bodyOf(u, i), { "idempotency-key": `bk-${u}-${i}` });
          if (r.status === 201) acknowledged.set(`${u}-${i}`, r.body.id);
        } catch {
          stop = true;
        }
      }
    });
    const deadline = Date.now() + 60_000;
    while (acknowledged.size < USERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    killGroup(proc, "SIGKILL");
    await Promise.all(runs);
    expect(acknowledged.size).to.be.greaterThan(0);
    // The journal holds batch transactions, each committed once for all its requests.
    const db = new Database(path.join(dataDir, "gateway.db"), { readonly: true });
    const batches = (db.prepare("SELECT COUNT(*) AS n FROM journal WHERE raw LIKE ?").get(`%${EXECUTE_BATCH.slice(2)}%`) as { n: number }).n;
    db.close();
    expect(batches).to.be.greaterThan(0);

    proc = await startProcess(args);
    started.push(proc);
    try {
      const ids = new Map<string, string>();
      for (let u = 0; u < USERS; u++) {
        const api = apiClient(baseUrl, users[u].token);
        for (let i = 0; i < EACH; i++) {
          const r = await api("POST", "/orders", bodyOf(u, i), { "idempotency-key": `bk-${u}-${i}` });
          expect(r.status, JSON.stringify(r.body)).to.equal(201);
          ids.set(`${u}-${i}`, r.body.id);
        }
      }
      for (const [k, id] of acknowledged) expect(ids.get(k), `write ${k}`).to.equal(id);
      const list = await apiClient(baseUrl, creds.users.auditor.token)("GET", "/orders?limit=500");
      const ours = list.body.items.filter((o: { reference: string }) => o.reference.startsWith("BK-"));
      expect(ours).to.have.length(USERS * EACH);
      expect(new Set(ours.map((o: { reference: string }) => o.reference)).size).to.equal(USERS * EACH);
    } finally {
      killGroup(proc, "SIGTERM");
      await new Promise((r) => setTimeout(r, 1500));
      killGroup(proc, "SIGKILL");
    }
  });
});

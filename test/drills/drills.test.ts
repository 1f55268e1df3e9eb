import { expect } from "chai";
import { startPlatform, type Platform } from "../../scripts/lib/platform";
import { authzDrill, fuzzDrill, loadDrill } from "../../scripts/drill/parts";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { chainFaultDrill } from "../../scripts/drill/chain-faults";
import { ManagedChain } from "../../server/src/chain/local-node";
import { loadConfig } from "../../server/src/config";
import { startGateway } from "../../server/src/gateway";
import { freePort } from "../helpers/platform";

/**
 * The fast subset of `npm run drill`: a small concurrent load from three organisations, 300 hostile requests and the
 * full role × action matrix, on one platform. The full drills (1,000 writes, kill -9, 10,000 requests) are
 * `npm run drill`.
 */
describe("drills (fast subset)", function () {
  this.timeout(180_000);
  let p: Platform;

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
  });
  after(async () => {
    await p?.stop();
  });

  it("takes 60 concurrent writes from 3 organisations with no error, all on-chain and indexed", async () => {
    const r = await loadDrill(p, { orgs: 3, writes: 60 });
    expect(r).to.include({ writes: 60, errors: 0, nonceFailures: 0, onChain: 60, indexed: 60 });
  });

  it("answers 300 hostile requests without a 5xx and without changing the ledger or the index", async () => {
    const r = await fuzzDrill(p, { requests: 300, seed: 7 });
    expect(r.status5xx, JSON.stringify(r.statusCounts)).to.equal(0);
    expect(r.stateChanged, JSON.stringify({ before: r.rowsBefore, after: r.rowsAfter })).to.equal(false);
    expect(r.blockAfter).to.equal(r.blockBefore);
    expect(r.alive).to.equal(true);
  });

  it("refuses every wrong role through the API and on the contracts, while each rightful actor could act", async () => {
    const r = await authzDrill(p);
    expect(r.allowedCases).to.deep.equal([]);
    expect(r.allowed).to.equal(0);
    expect(r.contracts.rightfulSucceeded).to.equal(r.contracts.rightful);
    expect(r.api.attempts).to.be.greaterThan(100);
    expect(r.contracts.attempts).to.be.greaterThan(300);
  });
});

/**
 * The fast subset of the chain-fault drill: the gateway in this process with its own managed Hardhat node, short
 * deadlines (a call may take 1.5 s), writers posting throughout a kill -9 and a 4 s SIGSTOP of the chain. The
 * restart-after-kill drill needs npm start's real processes; its fast form is finding 1 in test/server/chain-faults.
 */
describe("chain-fault drill (fast subset)", function () {
  this.timeout(180_000);

  it("stays up through kill -9 and SIGSTOP of the chain, refuses writes with 503 within the deadline, recovers, and keeps every acknowledged write exactly once", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trellis-drill-cf-"));
    const managed = new ManagedChain({ dataDir, port: await freePort(), genesisDate: new Date(Date.now() - 60_000).toISOString() });
    await managed.start();
    const env = { TRELLIS_CHAIN_TIMEOUT_MS: "1500", TRELLIS_CHAIN_PROBE_MS: "250", TRELLIS_WRITE_TIMEOUT_MS: "3000", TRELLIS_DEMO_CUSTODY: "custodial" };
    const config = loadConfig(["--data-dir", dataDir, "--port", "0", "--log-level", "silent"], env);
    const gateway = await startGateway(config, { rpcUrl: managed.url, managedHardhat: true, managedChain: managed, logger: pino({ level: "silent" }) });
    try {
      const creds = JSON.parse(fs.readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8"));
      creds.baseUrl = gateway.url;
      const r = await chainFaultDrill({ creds, chainPid: () => managed.node!.process.pid!, deadlineMs: 1500 + 1000 }, { orgs: 2, writers: 6, freezeMs: 4000, settleMs: 1000 });
      if (process.env.DRILL_PRINT) console.log(JSON.stringify(r));
      expect(r, JSON.stringify(r)).to.include({ lost: 0, duplicated: 0 });
      expect(r.acknowledged).to.be.greaterThan(10);
      expect(r.phases.map((p) => p.fault)).to.deep.equal(["kill -9", "SIGSTOP"]);
      for (const p of r.phases) {
        expect(p.otherErrors, p.fault).to.deep.equal({});
        expect(p.refused503, p.fault).to.be.greaterThan(0);
        expect(p.over503Deadline, `${p.fault}: slowest 503 took ${p.max503Ms} ms`).to.equal(0);
        expect(p.healthMisses, p.fault).to.equal(0);
      }
      expect(gateway.services.chain.current()).to.include({ state: "up", restarts: 1 });
    } finally {
      await gateway.stop();
      await managed.stop();
    }
  });
});

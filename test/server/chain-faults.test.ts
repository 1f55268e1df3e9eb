import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import pino from "pino";
import { loadConfig } from "../../server/src/config";
import { startGateway, type Gateway } from "../../server/src/gateway";
import { chainPidFile, ManagedChain, startHardhatNode, type LocalNode } from "../../server/src/chain/local-node";
import type { DemoCredentials } from "../../server/src/seed";
import { apiClient, freePort, killGroup, startProcess } from "../helpers/platform";
import { inDays } from "./lifecycle";

/**
 * The chain faults of issue #9 (findings 1-4), each against real processes: npm start's script, a real Hardhat node
 * that is killed, frozen (SIGSTOP) or replaced, and the gateway over HTTP.
 */

const ROOT = path.resolve(__dirname, "..", "..");
/** Short deadlines so that each fault shows within seconds: a call may take 2 s, the chain is probed every 250 ms. */
const FAST = { TRELLIS_CHAIN_TIMEOUT_MS: "2000", TRELLIS_CHAIN_PROBE_MS: "250", TRELLIS_WRITE_TIMEOUT_MS: "3000" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tmp = (tag: string) => fs.mkdtempSync(path.join(os.tmpdir(), `trellis-${tag}-`));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].startsWith("Z");
  } catch {
    return false;
  }
};
const exited = (child: ChildProcess) => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r())));

async function gatewayOn(dataDir: string, rpcUrl: string, opts: { managedChain?: ManagedChain; managedHardhat?: boolean } = {}): Promise<{ gateway: Gateway; creds: DemoCredentials }> {
  const config = loadConfig(["--data-dir", dataDir, "--port", "0", "--log-level", "silent"], FAST);
  const gateway = await startGateway(config, { rpcUrl, managedHardhat: opts.managedHardhat ?? !!opts.managedChain, managedChain: opts.managedChain, logger: pino({ level: "silent" }) });
  const creds: DemoCredentials = JSON.parse(fs.readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8"));
  creds.baseUrl = gateway.url;
  return { gateway, creds };
}

const get = async (url: string) => {
  const r = await fetch(url);
  return { status: r.status, body: (await r.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms / 1000} s`);
    await sleep(100);
  }
}

/** The pids of `pid`'s children (Linux /proc). */
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return fs.readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1].split(" ")[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("chain faults (issue #9)", function () {
  this.timeout(240_000);

  describe("finding 1: kill -9 of npm start orphaned its chain, and the next start died of EADDRINUSE", () => {
    it("the chain dies with npm start, a node left behind is reaped through the pid file, and the restart just works", async () => {
      const dataDir = tmp("f1");
      const [port, chainPort] = [await freePort(), await freePort()];
      const args = ["--data-dir", dataDir, "--port", String(port), "--chain-port", String(chainPort), "--no-seed"];
      let proc = await startProcess(args);
      try {
        const chain = childrenOf(proc.pid!)[0];
        expect(chain, "the chain is npm start's child").to.be.a("number");
        expect(JSON.parse(fs.readFileSync(chainPidFile(dataDir), "utf8"))).to.deep.equal({ pid: chain, port: chainPort });

        // The chain dies with its parent, even when the parent is killed with SIGKILL.
        process.kill(proc.pid!, "SIGKILL");
        await exited(proc);
        await until("the orphaned chain exiting", 10_000, async () => !alive(chain));

        // A node that could not notice (frozen when its parent died) is reaped by the next start through the pid file.
        proc = await startProcess(args);
        const frozen = childrenOf(proc.pid!)[0];
        process.kill(frozen, "SIGSTOP");
        process.kill(proc.pid!, "SIGKILL");
        await exited(proc);
        expect(alive(frozen), "the frozen chain outlived its parent").to.equal(true);
        proc = await startProcess(args);
        expect(alive(frozen)).to.equal(false);
        // Up, and still up a few seconds later (the old failure printed READY, then died 2.5 s later).
        await sleep(4000);
        expect(proc.exitCode).to.equal(null);
        expect((await get(`http://127.0.0.1:${port}/readyz`)).status).to.equal(200);
      } finally {
        killGroup(proc, "SIGTERM");
        await Promise.race([exited(proc), sleep(5000)]);
        killGroup(proc, "SIGKILL");
      }
    });

    it("refuses to start, with a sentence that says what to do, when the chain port is held by a process that is not ours", async () => {
      const dataDir = tmp("f1b");
      const [port, chainPort] = [await freePort(), await freePort()];
      const squatter = net.createServer().listen(chainPort, "127.0.0.1");
      await new Promise((r) => squatter.once("listening", r));
      try {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/start.ts", "--data-dir", dataDir, "--port", String(port), "--chain-port", String(chainPort)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout!.on("data", (d) => (out += d));
        child.stderr!.on("data", (d) => (out += d));
        await exited(child);
        expect(child.exitCode, out).to.equal(1);
        expect(out).to.include(`the chain port ${chainPort} is already in use by process ${process.pid}`);
        expect(out).to.include(`stop it (kill ${process.pid}) or start with another --chain-port`);
        expect(out).not.to.include("READY");
      } finally {
        squatter.close();
      }
    });
  });

  describe("finding 2: when the managed chain died the gateway exited", () => {
    it("stays up: reads from the index, writes 503 CHAIN_UNAVAILABLE with Retry-After, restarts and replays the chain, recovers by itself", async () => {
      const dataDir = tmp("f2");
      const managed = new ManagedChain({ dataDir, port: await freePort(), genesisDate: new Date(Date.now() - 60_000).toISOString() });
      await managed.start();
      const { gateway, creds } = await gatewayOn(dataDir, managed.url, { managedChain: managed });
      try {
        const buyer = apiClient(creds.baseUrl, creds.users.buyer.token);
        const body = (ref: string) => ({ supplierOrgId: creds.orgs.pearl, amount: "10.00", reference: ref, dueDate: inDays(30) });
        const before = await buyer("POST", "/orders", body("F2-BEFORE"), { "idempotency-key": "f2-before" });
        expect(before.status).to.equal(201);
        const oldPid = managed.node!.process.pid!;

        process.kill(oldPid, "SIGKILL");
        await exited(managed.node?.process ?? ({ exitCode: 0 } as ChildProcess));
        const write = await buyer("POST", "/orders", body("F2-DURING"), { "idempotency-key": "f2-during" });
        expect(write.status, JSON.stringify(write.body)).to.equal(503);
        expect(write.body.error.code).to.equal("CHAIN_UNAVAILABLE");
        expect(Number(write.headers.get("retry-after"))).to.be.greaterThan(0);
        const read = await buyer("GET", `/orders/${before.body.id}`);
        expect(read.status).to.equal(200);
        expect(read.body).to.include({ reference: "F2-BEFORE", status: "issued" });
        const ready = await get(`${creds.baseUrl}/readyz`);
        expect(ready.status).to.equal(503);
        expect(ready.body.ready).to.equal(false);
        expect(ready.body.reason).to.match(/^chain (down|recovering): /);
        expect((await get(`${creds.baseUrl}/healthz`)).status).to.equal(200);

        await until("the gateway recovering", 60_000, async () => (await get(`${creds.baseUrl}/readyz`)).status === 200);
        expect(managed.node!.process.pid).not.to.equal(oldPid);
        expect(gateway.services.chain.current()).to.include({ state: "up", reason: null, restarts: 1 });
        const retried = await buyer("POST", "/orders", body("F2-DURING"), { "idempotency-key": "f2-during" });
        expect(retried.status, JSON.stringify(retried.body)).to.equal(201);
        // The replayed ledger still has the order from before, and the retried one exactly once.
        const list = await apiClient(creds.baseUrl, creds.users.auditor.token)("GET", "/orders?limit=500");
        const refs = list.body.items.map((o: { reference: string }) => o.reference).filter((r: string) => r.startsWith("F2-"));
        expect(refs.sort()).to.deep.equal(["F2-BEFORE", "F2-DURING"]);
      } finally {
        await gateway.stop();
        await managed.stop();
      }
    });
  });

  describe("finding 3: with the chain frozen, writes hung ~130 s, reads 120 s, and /readyz said 200", () => {
    it("answers writes 503 within the deadline, reads at once, /readyz 503 with a reason; the write completes under its key after the thaw", async () => {
      const dataDir = tmp("f3");
      const node = await startHardhatNode(await freePort(), new Date(Date.now() - 60_000).toISOString());
      const { gateway, creds } = await gatewayOn(dataDir, node.url, { managedHardhat: true });
      try {
        const buyer = apiClient(creds.baseUrl, creds.users.buyer.token);
        const body = { supplierOrgId: creds.orgs.pearl, amount: "11.00", reference: "F3-FROZEN", dueDate: inDays(30) };
        const first = await buyer("POST", "/orders", { ...body, reference: "F3-BEFORE" });
        expect(first.status).to.equal(201);

        process.kill(node.process.pid!, "SIGSTOP");
        let t = Date.now();
        const write = await buyer("POST", "/orders", body, { "idempotency-key": "f3-frozen" });
        const writeMs = Date.now() - t;
        expect(write.status, JSON.stringify(write.body)).to.equal(503);
        expect(write.body.error.code).to.equal("CHAIN_UNAVAILABLE");
        expect(write.headers.get("retry-after")).to.match(/^\d+$/);
        // The documented bound: TRELLIS_CHAIN_TIMEOUT_MS (2 s here) plus a second.
        expect(writeMs).to.be.lessThan(3000);
        await until("the supervisor noticing the freeze", 5000, async () => gateway.services.chain.current().state === "down");
        t = Date.now();
        const read = await buyer("GET", `/orders/${first.body.id}`);
        expect(read.status).to.equal(200);
        expect(Date.now() - t).to.be.lessThan(500);
        t = Date.now();
        const again = await buyer("POST", "/orders", body, { "idempotency-key": "f3-frozen" });
        expect(again.status).to.equal(503);
        expect(Date.now() - t, "once the freeze is known, a write is refused at once").to.be.lessThan(500);
        const ready = await get(`${creds.baseUrl}/readyz`);
        expect(ready.status).to.equal(503);
        expect(ready.body.reason).to.match(/^chain down: the node at .* did not answer within 1000 ms$/);
        expect((await get(`${creds.baseUrl}/healthz`)).body).to.deep.equal({ status: "ok", chain: "down" });

        process.kill(node.process.pid!, "SIGCONT");
        await until("the gateway recovering", 30_000, async () => (await get(`${creds.baseUrl}/readyz`)).status === 200);
        const done = await buyer("POST", "/orders", body, { "idempotency-key": "f3-frozen" });
        expect(done.status, JSON.stringify(done.body)).to.equal(201);
        expect(done.body).to.include({ reference: "F3-FROZEN", amount: "11.00" });
        const replay = await buyer("POST", "/orders", body, { "idempotency-key": "f3-frozen" });
        expect(replay.status).to.equal(201);
        expect(replay.headers.get("idempotent-replayed")).to.equal("true");
        expect(replay.body.id).to.equal(done.body.id);
        const list = await apiClient(creds.baseUrl, creds.users.auditor.token)("GET", "/orders?limit=500");
        expect(list.body.items.filter((o: { reference: string }) => o.reference === "F3-FROZEN")).to.have.length(1);
      } finally {
        try {
          process.kill(node.process.pid!, "SIGCONT");
        } catch {
          // gone
        }
        await gateway.stop();
        await node.stop();
      }
    });
  });

  describe("finding 4: a reset chain at the same --rpc-url made the indexer rebuild an empty index", () => {
    it("refuses the other chain loudly (readyz 503 with the reason, writes 503), keeps the index and serves it read-only, also across a restart", async () => {
      const dataDir = tmp("f4");
      const chainPort = await freePort();
      const genesis = new Date(Date.now() - 60_000).toISOString();
      let node: LocalNode = await startHardhatNode(chainPort, genesis);
      let { gateway, creds } = await gatewayOn(dataDir, node.url);
      try {
        const buyer = () => apiClient(creds.baseUrl, creds.users.buyer.token);
        const order = await buyer()("POST", "/orders", { supplierOrgId: creds.orgs.pearl, amount: "12.00", reference: "F4-KEPT", dueDate: inDays(30) });
        expect(order.status).to.equal(201);
        const orders = async () => (await apiClient(creds.baseUrl, creds.users.auditor.token)("GET", "/orders?limit=500")).body.items.length as number;
        const count = await orders();
        const events = Number(gateway.services.idb.prepare("SELECT count(*) FROM events").pluck().get());

        // The node is reset: a fresh chain at the same URL, even with the same genesis.
        await node.stop();
        node = await startHardhatNode(chainPort, genesis);
        await until("the mismatch being seen", 10_000, async () => gateway.services.chain.current().state === "mismatch");
        // Give the indexer time to poll the new chain (it used to roll the index back to nothing here).
        await sleep(1500);
        const check = async () => {
          const ready = await get(`${creds.baseUrl}/readyz`);
          expect(ready.status).to.equal(503);
          expect(ready.body.reason).to.match(/^chain mismatch: the node is not the chain this data directory's ledger lives on: .*the ledger contract is not there/);
          const write = await buyer()("POST", "/orders", { supplierOrgId: creds.orgs.pearl, amount: "1.00", reference: "F4-NO", dueDate: inDays(30) });
          expect(write.status).to.equal(503);
          expect(write.body.error.code).to.equal("CHAIN_UNAVAILABLE");
          const kept = await buyer()("GET", `/orders/${order.body.id}`);
          expect(kept.status).to.equal(200);
          expect(kept.body).to.include({ reference: "F4-KEPT", amount: "12.00" });
          expect(await orders()).to.equal(count);
          expect(Number(gateway.services.idb.prepare("SELECT count(*) FROM events").pluck().get())).to.equal(events);
        };
        await check();

        // A restart on the same data directory starts read-only rather than refusing to start or rebuilding.
        await gateway.stop();
        ({ gateway, creds } = await gatewayOn(dataDir, node.url));
        expect(gateway.services.chain.current().state).to.equal("mismatch");
        await sleep(1000);
        await check();
      } finally {
        await gateway.stop();
        await node.stop();
      }
    });
  });
});

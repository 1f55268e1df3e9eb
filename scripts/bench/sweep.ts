/**
 * Row-proof sweep at scale (`npm run bench:sweep`), written to bench/results/sweep.json.
 *
 * 1. A platform on Anvil, seeded, with 10 lanes of organisations (as the audit bench).
 * 2. The gateway stops; fast-track lifecycles are put on the chain with the audit bench's pipelined generator, each
 *    leaving one order, one invoice and one financing request: BENCH_ROWS (100,000) rows in all.
 * 3. The gateway restarts on the same data directory (it indexes the new blocks before it listens).
 * 4. As the auditor, POST /audit/sweeps over the whole chain; GET /audit/sweeps/{id} until done. Rows/s is rows
 *    checked over the wall time from the POST to the answer that says done; every row must match.
 *
 * Options (env): BENCH_ROWS (100000), BENCH_GROUP (50), TRELLIS_SWEEP_BATCH (500 rows per batch).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { apiClient } from "../lib/api-client";
import { startPlatform } from "../lib/platform";
import { loadConfig } from "../../server/src/config";
import { startGateway } from "../../server/src/gateway";
import { ledgerInterface } from "../../server/src/chain/abi";
import { SWEEP_BATCH, SWEEP_SEGMENT, sweepRunner } from "../../server/src/audit/sweeps";
import { buildLanes, printTable, round, rpc, runMain, updateResult, verdict, writeDetails } from "./lib";
import { generate, GROUP, LANES, startBigAnvil } from "./audit";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);

async function main() {
  const node = await startBigAnvil();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trellis-sweep-"));
  try {
    const p = await startPlatform({ chain: "anvil", node, dataDir });
    const lanes = await buildLanes(p.credentials, LANES, "sw", p.gateway.services);
    const { ledger } = p.gateway.services;
    const read = async (fn: string) => BigInt(ledgerInterface.decodeFunctionResult(fn, await rpc(node.url, "eth_call", [{ to: ledger.addresses.ledger, data: ledgerInterface.encodeFunctionData(fn, []) }, "latest"]))[0]);
    const base = { orders: await read("orderCount"), invoices: await read("invoiceCount"), requests: await read("financingRequestCount") };
    await p.stopGateway();

    const groups = Math.ceil(ROWS / 3 / GROUP);
    const g0 = performance.now();
    const blocks = await generate(node.url, ledger.addresses.ledger, ledger.addresses.token, p.credentials.orgs.bankA, lanes, groups, base);
    const generateSeconds = (performance.now() - g0) / 1000;
    process.stdout.write(`  generated ${groups * GROUP} lifecycles in ${blocks} blocks in ${round(generateSeconds)} s\n`);

    // A generous chain deadline: right after generation a loaded Anvil can take seconds to answer the indexer.
    const config = loadConfig(["--data-dir", dataDir, "--port", "0", "--log-level", "silent", "--demo-custody", "custodial"], { TRELLIS_CHAIN_TIMEOUT_MS: process.env.TRELLIS_CHAIN_TIMEOUT_MS ?? "30000" });
    const gateway = await startGateway(config, { rpcUrl: node.url, managedHardhat: false, logger: pino({ level: "silent" }) });
    try {
      const idb = gateway.services.idb;
      const rows = ["orders", "invoices", "financing_requests"].reduce((n, t) => n + Number(idb.prepare(`SELECT count(*) FROM ${t}`).pluck().get()), 0);
      const auditor = apiClient(gateway.url, p.credentials.users.auditor.token);
      const t0 = performance.now();
      const started = await auditor("POST", "/audit/sweeps", {});
      if (started.status !== 201) throw new Error(`POST /audit/sweeps answered ${started.status}: ${JSON.stringify(started.body)}`);
      let s = started.body;
      while (!s.done) {
        await new Promise((r) => setTimeout(r, 250));
        s = (await auditor("GET", `/audit/sweeps/${started.body.id}`)).body;
      }
      const seconds = (performance.now() - t0) / 1000;
      if (s.status !== "done") throw new Error(`the sweep ended ${s.status}: ${s.error}`);
      const rowsPerSec = s.checked / seconds;
      const profile = Object.fromEntries(Object.entries(sweepRunner(gateway.services).lastProfile ?? {}).map(([k, ms]) => [k, round(ms / 1000, 2)]));
      process.stdout.write(`  seconds per phase: ${JSON.stringify(profile)}\n`);
      updateResult<Record<string, unknown>>("sweep", () => ({ rows: s.checked, rowsPerSec: Math.round(rowsPerSec), mismatches: s.mismatchCount }));
      writeDetails("sweep", {
        command: "npm run bench:sweep",
        chain: `Anvil (own process); ${groups * GROUP} fast-track lifecycles from the audit bench's generator, ${GROUP} per step per block`,
        generation: { lifecycles: groups * GROUP, blocks, seconds: round(generateSeconds) },
        indexedRows: rows,
        sweep: { checked: s.checked, mismatches: s.mismatchCount, seconds: round(seconds, 2), rowsPerSec: Math.round(rowsPerSec), batch: SWEEP_BATCH, segment: SWEEP_SEGMENT, block: s.block, secondsPerPhase: profile },
      });
      printTable(`Row-proof sweep over ${rows.toLocaleString("en")} rows (Anvil)`, [
        ["measure", "value", "target", ""],
        ["rows checked", s.checked, `>= ${ROWS.toLocaleString("en")}`, verdict(s.checked >= ROWS)],
        ["mismatches", s.mismatchCount, "0", verdict(s.mismatchCount === 0)],
        ["sweep rows/s", Math.round(rowsPerSec), ">= 1000", verdict(rowsPerSec >= 1000)],
      ]);
    } finally {
      await gateway.stop();
    }
  } finally {
    await node.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

runMain("bench:sweep", main);

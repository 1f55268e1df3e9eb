/**
 * Audit reads at scale (`npm run bench:audit`), written to bench/results/audit.json.
 *
 * 1. A platform on Anvil (its own process), seeded, with 10 lanes of extra organisations onboarded through the API.
 * 2. The gateway stops; about a million events are put on the chain quickly: fast-track lifecycles as direct ledger
 *    calls by the members themselves (Anvil's impersonation, so nothing is signed client-side), automine off, blocks
 *    mined explicitly. The lifecycles are software-pipelined: each block holds step s of lifecycle group k - s for
 *    all 8 steps, each step from another lane, so every id a later step needs follows from the block order.
 * 3. The index database is deleted and the gateway restarted: it indexes the whole chain from zero before it
 *    listens; that is the catch-up rate.
 * 4. p95 over HTTP of entity history, filtered audit event pages and the invoice list; the CSV export's rows/s.
 *
 * Options (env): BENCH_EVENTS (1000000), BENCH_GROUP (50 lifecycles per step per block), BENCH_SAMPLES (400).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { id, ZeroHash } from "ethers";
import pino from "pino";
import { apiClient } from "../lib/api-client";
import { freePort } from "../lib/processes";
import { startPlatform } from "../lib/platform";
import { loadConfig } from "../../server/src/config";
import { startGateway } from "../../server/src/gateway";
import { startAnvil, type LocalNode } from "../../server/src/chain/local-node";
import { ledgerInterface } from "../../server/src/chain/abi";
import { buildLanes, percentile, printTable, ROOT, round, rpc, rpcBatch, runMain, updateResult, verdict, writeDetails, type Lane } from "./lib";

const TARGET_EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
// 50 lifecycles per step per block (400 transactions, 600 events a block). Anvil's cost per block grows with the
// state, so dense blocks are what makes a million events take minutes rather than hours; the indexer sizes its
// eth_getLogs ranges by their log count, so dense blocks do not make its answers too large (see docs/BENCHMARKS.md).
export const GROUP = Number(process.env.BENCH_GROUP ?? 50);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 400);
export const LANES = 10;
const STEPS = 8;
/** What one lifecycle leaves in the audit trail (measured: 8 ledger events and 4 token transfers). */
const EVENTS_PER_LIFECYCLE = 12;

/** Anvil with a block gas limit that holds a pipelined block, on a port of our own. */
export const startBigAnvil = async (): Promise<LocalNode> => startAnvil(await freePort(), ["--gas-limit", "300000000", "--prune-history"]);

const hex = (n: bigint | number) => "0x" + BigInt(n).toString(16);

/** Puts `groups` × GROUP lifecycles on the chain, one pipelined block per step; returns blocks mined. */
export async function generate(url: string, ledgerAddress: string, token: string, bankA: string, lanes: Lane[], groups: number, base: { orders: bigint; invoices: bigint; requests: bigint }) {
  const nonces = new Map<string, number>();
  const addresses = [...new Set(lanes.flatMap((l) => [l.buyer.address, l.supplier.address, l.officer.address]))];
  await rpc(url, "anvil_autoImpersonateAccount", [true]);
  for (const a of addresses) {
    await rpc(url, "anvil_setBalance", [a, hex(10n ** 24n)]);
    nonces.set(a, Number(await rpc(url, "eth_getTransactionCount", [a, "latest"])));
  }
  await rpc(url, "evm_setAutomine", [false]);
  const due = Math.floor(Date.now() / 1000) + 90 * 86_400;
  let blocks = 0;
  let lastLog = Date.now();
  for (let k = 0; k < groups + STEPS - 1; k++) {
    const calls: [string, unknown[]][] = [];
    for (let s = 0; s < STEPS; s++) {
      const g = k - s;
      if (g < 0 || g >= groups) continue;
      const lane = lanes[g % lanes.length];
      for (let j = 0; j < GROUP; j++) {
        const n = BigInt(g * GROUP + j + 1);
        const [orderId, invoiceId, requestId] = [base.orders + n, base.invoices + n, base.requests + n];
        // The ledger takes commitments, keys and hashes, never text: stand-ins derived from the lifecycle's number.
        const tag = `B${g * GROUP + j}`;
        const [ref, key, number, doc] = [id(`ref:${tag}`), id(`key:${tag}`), id(`number:${tag}`), id(`doc:${tag}`)];
        const [from, fn, args] = (
          [
            [lane.buyer.address, "issueOrder", [lane.supplier.orgId, token, 1000n, due, ref, ZeroHash]],
            [lane.supplier.address, "acceptOrder", [orderId]],
            [lane.supplier.address, "issueInvoice", [orderId, key, number, 1000n, due, doc]],
            [lane.buyer.address, "confirmInvoice", [invoiceId]],
            [lane.supplier.address, "requestFinancing", [invoiceId, bankA, 900n]],
            [lane.officer.address, "approveFinancing", [requestId]],
            [lane.officer.address, "disburseFinancing", [requestId]],
            [lane.buyer.address, "payInvoice", [invoiceId, 1000n]],
          ] as [string, string, unknown[]][]
        )[s];
        const nonce = nonces.get(from)!;
        nonces.set(from, nonce + 1);
        calls.push([
          "eth_sendTransaction",
          [{ from, to: ledgerAddress, data: ledgerInterface.encodeFunctionData(fn, args), gas: hex(400_000), nonce: hex(nonce), maxFeePerGas: hex(100_000_000_000n), maxPriorityFeePerGas: hex(1) }],
        ]);
      }
    }
    await rpcBatch(url, calls);
    await rpc(url, "evm_mine", []);
    blocks++;
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      process.stdout.write(`  generated ${Math.min(k + 1, groups) * GROUP} of ${groups * GROUP} lifecycles\n`);
    }
  }
  await rpc(url, "evm_setAutomine", [true]);
  return blocks;
}

async function main() {
  const node = await startBigAnvil();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trellis-audit-"));
  try {
    const p = await startPlatform({ chain: "anvil", node, dataDir });
    const lanes = await buildLanes(p.credentials, LANES, "au", p.gateway.services);
    const { ledger } = p.gateway.services;
    const read = async (fn: string) => BigInt(ledgerInterface.decodeFunctionResult(fn, await rpc(node.url, "eth_call", [{ to: ledger.addresses.ledger, data: ledgerInterface.encodeFunctionData(fn, []) }, "latest"]))[0]);
    const base = { orders: await read("orderCount"), invoices: await read("invoiceCount"), requests: await read("financingRequestCount") };
    const ledgerAddress = ledger.addresses.ledger;
    const token = ledger.addresses.token;
    await p.stopGateway();

    const groups = Math.ceil(TARGET_EVENTS / EVENTS_PER_LIFECYCLE / GROUP);
    const g0 = performance.now();
    const blocks = await generate(node.url, ledgerAddress, token, p.credentials.orgs.bankA, lanes, groups, base);
    const generateSeconds = (performance.now() - g0) / 1000;
    const invoicesMade = (await read("invoiceCount")) - base.invoices;
    const paid = Number(ledgerInterface.decodeFunctionResult("invoice", await rpc(node.url, "eth_call", [{ to: ledgerAddress, data: ledgerInterface.encodeFunctionData("invoice", [base.invoices + invoicesMade]) }, "latest"]))[0].status);
    if (invoicesMade !== BigInt(groups * GROUP)) throw new Error(`expected ${groups * GROUP} invoices, the chain has ${invoicesMade}`);
    process.stdout.write(`  generated ${groups * GROUP} lifecycles in ${blocks} blocks in ${round(generateSeconds)} s (last invoice status ${paid})\n`);

    // Catch-up from zero: a new index database for the same chain; startGateway indexes to the head before it listens.
    for (const f of ["index.db", "index.db-wal", "index.db-shm"]) fs.rmSync(path.join(dataDir, f), { force: true });
    const config = loadConfig(["--data-dir", dataDir, "--port", "0", "--log-level", "silent", "--demo-custody", "custodial"], {});
    const c0 = performance.now();
    const gateway = await startGateway(config, { rpcUrl: node.url, managedHardhat: false, logger: pino({ level: "silent" }) });
    const catchUpSeconds = (performance.now() - c0) / 1000;
    try {
      const events = Number(gateway.services.idb.prepare("SELECT count(*) FROM events").pluck().get());
      const indexerEventsPerSec = events / catchUpSeconds;
      const creds = p.credentials;
      const auditor = apiClient(gateway.url, creds.users.auditor.token);
      const rnd = (n: bigint) => base.invoices + 1n + BigInt(Math.floor(Math.random() * Number(n)));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of the node and the API, read field by field by the benchmark
      const timed = async (samples: number[], f: () => Promise<{ status: number; body: any }>) => {
        const t0 = performance.now();
        const r = await f();
        samples.push(performance.now() - t0);
        if (r.status !== 200) throw new Error(`read answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
        return r.body;
      };
      const history: number[] = [];
      const eventsPage: number[] = [];
      const invoicesList: number[] = [];
      const types = ["InvoiceConfirmed", "FinancingDisbursed", "OrderIssued", "InvoicePaymentMade"];
      for (let i = 0; i < SAMPLES; i++) {
        const lane = lanes[i % lanes.length];
        const who = i % 2 === 0 ? auditor : lane.supplier.api;
        await timed(history, () => (i % 2 === 0 ? auditor : apiClient(gateway.url, creds.users.auditor.token))("GET", `/audit/invoice/${rnd(invoicesMade)}/history`));
        const scoped = apiClient(gateway.url, i % 2 === 0 ? lane.buyer.token : lane.officer.token);
        const first = await timed(eventsPage, () => scoped("GET", `/audit/events?eventType=${types[i % types.length]}&limit=50`));
        if (first.nextCursor) await timed(eventsPage, () => scoped("GET", `/audit/events?eventType=${types[i % types.length]}&limit=50&cursor=${encodeURIComponent(first.nextCursor)}`));
        const supplier = apiClient(gateway.url, lane.supplier.token);
        const list = await timed(invoicesList, () => supplier("GET", i % 3 === 0 ? "/invoices?status=paid&limit=50" : "/invoices?limit=50"));
        if (list.nextCursor) await timed(invoicesList, () => supplier("GET", `/invoices?limit=50&cursor=${encodeURIComponent(list.nextCursor)}`));
        void who;
      }
      // CSV export: every event, streamed, as the auditor.
      const e0 = performance.now();
      const res = await fetch(`${gateway.url}/api/v1/audit/export?format=csv`, { headers: { authorization: `Bearer ${creds.users.auditor.token}` } });
      if (res.status !== 200) throw new Error(`export answered ${res.status}`);
      let rows = -1;
      let bytes = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) rows++;
      }
      const exportSeconds = (performance.now() - e0) / 1000;

      const p95 = { history: round(percentile(history, 95), 2), eventsPage: round(percentile(eventsPage, 95), 2), invoicesList: round(percentile(invoicesList, 95), 2) };
      updateResult<Record<string, unknown>>("audit", (cur) => ({
        events,
        p95Ms: p95,
        indexerEventsPerSec: Math.round(indexerEventsPerSec),
        startToReadySec: (cur as { startToReadySec?: number }).startToReadySec ?? null,
      }));
      const detailsFile = path.join(ROOT, "bench", "results", "audit.details.json");
      const prior = fs.existsSync(detailsFile) ? JSON.parse(fs.readFileSync(detailsFile, "utf8")) : {};
      writeDetails("audit", {
        ...prior,
        command: "npm run bench:audit",
        chain: `Anvil (own process), 300M block gas limit; lifecycles as direct member calls, 8 pipelined steps × ${GROUP} lifecycle(s) per block`,
        generation: { lifecycles: groups * GROUP, blocks, seconds: round(generateSeconds), txs: groups * GROUP * STEPS },
        catchUp: { events, seconds: round(catchUpSeconds, 2), eventsPerSec: Math.round(indexerEventsPerSec), note: "wall time of startGateway on an empty index.db, which indexes to the chain head before it listens" },
        readsMs: {
          history: { samples: history.length, p50: round(percentile(history, 50), 2), p95: p95.history, p99: round(percentile(history, 99), 2) },
          eventsPage: { samples: eventsPage.length, p50: round(percentile(eventsPage, 50), 2), p95: p95.eventsPage, p99: round(percentile(eventsPage, 99), 2) },
          invoicesList: { samples: invoicesList.length, p50: round(percentile(invoicesList, 50), 2), p95: p95.invoicesList, p99: round(percentile(invoicesList, 99), 2) },
        },
        csvExport: { rows, bytes, seconds: round(exportSeconds, 2), rowsPerSec: Math.round(rows / exportSeconds) },
      });
      printTable(`Audit reads with ${events.toLocaleString("en")} indexed events (Anvil)`, [
        ["measure", "value", "target", ""],
        ["indexed events", events, ">= 1,000,000", verdict(events >= 1_000_000)],
        ["indexer catch-up from zero, events/s", Math.round(indexerEventsPerSec), ">= 5000", verdict(indexerEventsPerSec >= 5000)],
        ["GET /audit/{type}/{id}/history p95 ms", p95.history, "<= 10", verdict(p95.history <= 10)],
        ["GET /audit/events filtered page p95 ms", p95.eventsPage, "<= 10", verdict(p95.eventsPage <= 10)],
        ["GET /invoices list p95 ms", p95.invoicesList, "<= 10", verdict(p95.invoicesList <= 10)],
        ["CSV export rows/s", Math.round(rows / exportSeconds), "", ""],
      ]);
    } finally {
      await gateway.stop();
    }
  } finally {
    await node.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// The generator is shared with the sweep bench (scripts/bench/sweep.ts), which imports this file.
if (require.main === module) runMain("bench:audit", main);

/**
 * Raw chain vs gateway, one chain, one run (`npm run bench:throughput`), written to bench/results/throughput.json.
 *
 * 1. Raw, one transaction per write: the fast-track lifecycle's 8 relayed writes (the same ERC-2771 forward requests
 *    the gateway signs, with the same custodial keys) are signed before the clock starts, each in an `execute`
 *    transaction, and sent straight to the Hardhat node's JSON-RPC, one batch per step for all lanes, waves back to
 *    back. The gateway's indexer is paused meanwhile.
 *    Raw, batched: the same kind of signed requests (a fresh set, the first set's nonces are used), one
 *    `executeBatch` per step carrying every lane's request. Gas per write alone and batched, per operation, is read
 *    from both phases' receipts and written to bench/gas.json ("relayedBatch").
 *    The batched row goes first, then the single row, the gateway row, and the single row again: where a row runs
 *    moves the node's cost per write by up to half (docs/BENCHMARKS.md, "Measured on 2026-12-04"), so the ratio is
 *    taken against the two single rows that bracket the gateway's (their writes over their seconds).
 * 2. Gateway: the same lifecycle through the API by one concurrent client per lane.
 * 3. Latency: one client alone, so the figure is the gateway's own cost per write, not queueing behind other lanes.
 * 4. Interval mining: the node switched to `evm_setAutomine false` + `evm_setIntervalMining`; many users issue
 *    orders for a fixed time through the relayer pool.
 * The 32-client row also reports the CPU a gateway write costs all three processes (gateway, node, clients) and the
 * writes/s the machine's cores could give at that CPU if all were busy: with every process on the same cores, that is
 * the highest ratio the gateway could reach without cutting CPU per write.
 * Each gateway phase runs with timers on the write path (scripts/bench/profile.ts) to say where the time goes. The
 * gateway batches as configured (TRELLIS_BATCH_* in server/src/chain/batcher.ts); the load average before and after
 * is recorded, since other work on the machine moves every figure.
 *
 * Options (env): BENCH_LANES (32: lanes of buyer, supplier and officer, each a person of its own, so 32 concurrent
 * clients and up to 32 requests per executeBatch), BENCH_RAW_WAVES (192 / lanes, rounded up), BENCH_GW_LIFECYCLES per
 * lane (96 / lanes, rounded up), BENCH_LAT_LIFECYCLES (25),
 * BENCH_INTERVAL_MS (200), BENCH_INTERVAL_USERS (256), BENCH_INTERVAL_SECONDS (20), BENCH_RELAYERS (32, the gateway's
 * relayer pool), BENCH_CPU_PROFILE (a file: V8 CPU profile of the gateway's process during interval mining),
 * BENCH_CPU_PROFILE_GATEWAY and BENCH_CPU_PROFILE_SINGLE (the same, during the concurrent and the single-client phase),
 * BENCH_NODE_LOGGING=1 (keep the Hardhat node's per-request logging on; it is switched off for every row by default).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { Session } from "node:inspector";
import path from "node:path";
import { encodeBytes32String, HDNodeWallet, id, ZeroHash } from "ethers";
import { startPlatform } from "../lib/platform";
import { forwarderDomain, signForwardRequest } from "../../server/src/chain/forward-request";
import { forwarderInterface, ledgerInterface } from "../../server/src/chain/abi";
import { gasFor } from "../../server/src/chain/batcher";
import { DEV_MNEMONIC } from "../../server/src/config";
import { WritePathProfile } from "./profile";
import {
  buildLanes,
  percentile,
  printTable,
  round,
  rpc,
  ROOT,
  rpcBatch,
  runMain,
  updateResult,
  verdict,
  procStatOf,
  processUse,
  withCpu,
  writeDetails,
  type Lane,
  type ProcessUse,
} from "./lib";

const LANES = Number(process.env.BENCH_LANES ?? 32);
const RAW_WAVES = Number(process.env.BENCH_RAW_WAVES ?? Math.ceil(192 / LANES));
/** Requests per executeBatch in the raw batched row (8 of 1,000,000 gas each stay under the node's per-transaction cap). */
const RAW_BATCH = Number(process.env.BENCH_RAW_BATCH ?? 8);
const GW_LIFECYCLES = Number(process.env.BENCH_GW_LIFECYCLES ?? Math.ceil(96 / LANES));
const LAT_LIFECYCLES = Number(process.env.BENCH_LAT_LIFECYCLES ?? 25);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 200);
const INTERVAL_USERS = Number(process.env.BENCH_INTERVAL_USERS ?? 256);
const INTERVAL_SECONDS = Number(process.env.BENCH_INTERVAL_SECONDS ?? 20);
/** The gateway's relayer pool (its --relayers): each relayer account sends one transaction at a time. */
const RELAYERS = Number(process.env.BENCH_RELAYERS ?? 32);
/** The gateway's own gas figures (server/src/chain/ledger-client.ts), so the raw transactions are the same. */
const INNER_GAS = 1_000_000n;
const OUTER_GAS = 1_300_000n;
const STEPS = 8;
/** issueOrder, issueInvoice and requestFinancing: the steps that take the next id of a counter. */
const CREATES = new Set([0, 2, 4]);

type Platform = Awaited<ReturnType<typeof startPlatform>>;

const OPS = ["issueOrder", "acceptOrder", "issueInvoice", "confirmInvoice", "requestFinancing", "approveFinancing", "disburseFinancing", "payInvoice"];

/** Raw rows signed so far in this run. */
let rawRows = 0;

/**
 * Signs every write of `waves` × lanes lifecycles in send order; ids follow from the counters at the start. "single":
 * one `execute` transaction per write, each lane from its own relayer; "batched": the same signed forward requests,
 * one `executeBatch` per step carrying every lane's request (lane order, so the ids come out the same way).
 */
async function presignRaw(p: Platform, lanes: Lane[], waves: number, mode: "single" | "batched"): Promise<string[][]> {
  // A tag per raw row, so a second row of the same mode commits to references and keys of its own.
  const tag = `${mode[0]}${rawRows++}`;
  const { ledger, vault } = p.gateway.services;
  const url = p.node.url;
  const read = async (fn: string) => BigInt(ledgerInterface.decodeFunctionResult(fn, await rpc(url, "eth_call", [{ to: ledger.addresses.ledger, data: ledgerInterface.encodeFunctionData(fn, []) }, "latest"]))[0]);
  const [orders, invoices, requests] = [await read("orderCount"), await read("invoiceCount"), await read("financingRequestCount")];
  const domain = forwarderDomain(ledger.chainId, ledger.addresses.forwarder);
  const fwdNonce = new Map<string, bigint>();
  const nextFwd = async (address: string) => {
    if (!fwdNonce.has(address)) {
      const raw = await rpc(url, "eth_call", [{ to: ledger.addresses.forwarder, data: forwarderInterface.encodeFunctionData("nonces", [address]) }, "latest"]);
      fwdNonce.set(address, forwarderInterface.decodeFunctionResult("nonces", raw)[0] as bigint);
    }
    const n = fwdNonce.get(address)!;
    fwdNonce.set(address, n + 1n);
    return n;
  };
  // Relayers of their own (mnemonic accounts 40.., beyond the gateway's pool of up to 32, funded here), so the
  // gateway's relayer nonces stay untouched.
  const relayers = lanes.map((_, i) => HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${40 + i}`));
  for (const r of relayers) await rpc(url, "hardhat_setBalance", [r.address, "0x" + (10n ** 22n).toString(16)]);
  const relayerNonce = await Promise.all(relayers.map(async (r) => Number(await rpc(url, "eth_getTransactionCount", [r.address, "pending"]))));
  const fees = await p.gateway.services.provider.getFeeData();
  const bankA = p.credentials.orgs.bankA;
  const due = Math.floor(Date.now() / 1000) + 60 * 86_400;
  const batches: string[][] = [];
  for (let w = 0; w < waves; w++) {
    for (let s = 0; s < STEPS; s++) {
      const batch: string[] = [];
      const signed: Awaited<ReturnType<typeof signForwardRequest>>[] = [];
      for (let i = 0; i < lanes.length; i++) {
        const k = BigInt(w * lanes.length + i + 1);
        const [orderId, invoiceId, requestId] = [orders + k, invoices + k, requests + k];
        const l = lanes[i];
        const step: [string, string, unknown[]][] = [
          [l.buyer.address, "issueOrder", [l.supplier.orgId, ledger.addresses.token, 1000n, due, encodeBytes32String(`RAW-${tag}-${w}-${i}`), ZeroHash]],
          [l.supplier.address, "acceptOrder", [orderId]],
          // The ledger takes a key, a commitment and a document hash, never text: stand-ins derived from the lifecycle.
          [l.supplier.address, "issueInvoice", [orderId, id(`key:RAW-${tag}-${w}-${i}`), id(`number:RAW-${tag}-${w}-${i}`), 1000n, due, id(`doc:RAW-${tag}-${w}-${i}`)]],
          [l.buyer.address, "confirmInvoice", [invoiceId]],
          [l.supplier.address, "requestFinancing", [invoiceId, bankA, 900n]],
          [l.officer.address, "approveFinancing", [requestId]],
          [l.officer.address, "disburseFinancing", [requestId]],
          [l.buyer.address, "payInvoice", [invoiceId, 1000n]],
        ];
        const [from, fn, args] = step[s];
        const request = await signForwardRequest(vault.wallet(from), domain, {
          from,
          to: ledger.addresses.ledger,
          value: 0n,
          gas: INNER_GAS,
          nonce: await nextFwd(from),
          deadline: Math.floor(Date.now() / 1000) + 86_400,
          data: ledgerInterface.encodeFunctionData(fn, args),
        });
        if (mode === "batched") {
          signed.push(request);
          continue;
        }
        batch.push(
          await relayers[i].signTransaction({
            to: ledger.addresses.forwarder,
            data: forwarderInterface.encodeFunctionData("execute", [request]),
            gasLimit: OUTER_GAS,
            nonce: relayerNonce[i]++,
            chainId: ledger.chainId,
            type: 2,
            maxFeePerGas: fees.maxFeePerGas! * 4n,
            maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n,
          }),
        );
      }
      if (mode === "batched") {
        // Lane order, RAW_BATCH requests per executeBatch, chunk c from relayer c (so a step's transactions never
        // share a sender and can go to the node at once).
        for (let c = 0; c * RAW_BATCH < signed.length; c++) {
          const chunk = signed.slice(c * RAW_BATCH, (c + 1) * RAW_BATCH);
          batch.push(
            await relayers[c].signTransaction({
              to: ledger.addresses.forwarder,
              data: forwarderInterface.encodeFunctionData("executeBatch", [chunk, relayers[c].address]),
              gasLimit: gasFor(chunk),
              nonce: relayerNonce[c]++,
              chainId: ledger.chainId,
              type: 2,
              maxFeePerGas: fees.maxFeePerGas! * 4n,
              maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n,
            }),
          );
        }
      }
      batches.push(batch);
    }
  }
  return batches;
}

const EXECUTED = forwarderInterface.getEvent("ExecutedForwardRequest")!.topicHash;

async function rawPhase(p: Platform, lanes: Lane[], mode: "single" | "batched") {
  const batches = await presignRaw(p, lanes, RAW_WAVES, mode);
  await p.gateway.services.indexer.stop();
  // Signing took seconds with the node's connections idle; a kept-alive socket the node has closed meanwhile fails
  // the first request on it ("other side closed"), so the stale ones are used up by a harmless read first.
  for (let attempt = 0; ; attempt++) {
    try {
      await rpc(p.node.url, "eth_blockNumber");
      break;
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
  const nodePid = p.node.process.pid!;
  const nodeBefore = procStatOf(nodePid);
  const t0 = performance.now();
  const hashes: string[] = [];
  const stepOf: number[] = [];
  for (const [b, batch] of batches.entries()) {
    try {
      // Hardhat answers a JSON-RPC batch's items concurrently, so the steps that create a record (whose id the later
      // steps were signed with) go one at a time, in lane order; the others go as one batch.
      if (CREATES.has(b % STEPS) || batch.length === 1) for (const raw of batch) hashes.push(await rpc(p.node.url, "eth_sendRawTransaction", [raw]));
      else hashes.push(...(await rpcBatch(p.node.url, batch.map((raw) => ["eth_sendRawTransaction", [raw]]))));
      stepOf.push(...batch.map(() => b % STEPS));
    } catch (err) {
      throw new Error(`batch ${b} (wave ${Math.floor(b / STEPS)}, step ${b % STEPS}): ${(err as Error).message} ${String((err as { cause?: unknown }).cause ?? "")}`);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  // The node's CPU while it took the raw transactions (the receipts are read after the clock stops).
  const nodeAfter = procStatOf(nodePid);
  let failed = 0;
  let executed = 0;
  const gas = OPS.map(() => ({ gas: 0n, writes: 0 }));
  for (let i = 0; i < hashes.length; i += 200) {
    const receipts = await rpcBatch(p.node.url, hashes.slice(i, i + 200).map((h) => ["eth_getTransactionReceipt", [h]]));
    receipts.forEach((r, j) => {
      if (!r || r.status !== "0x1") {
        failed += 1;
        return;
      }
      // Each request's own outcome: its ExecutedForwardRequest event with success = true.
      const ok = r.logs.filter((l: { topics: string[]; data: string }) => l.topics[0] === EXECUTED && BigInt("0x" + l.data.slice(-64)) === 1n).length;
      executed += ok;
      const g = gas[stepOf[i + j]];
      g.gas += BigInt(r.gasUsed);
      g.writes += ok;
    });
  }
  const writes = RAW_WAVES * STEPS * lanes.length;
  if (failed > 0 || executed !== writes) throw new Error(`${mode}: ${failed} of ${hashes.length} raw transactions reverted, ${writes - executed} of ${writes} requests failed`);
  // The raw transactions used the same people's forwarder nonces behind the gateway's back: let it re-read them.
  p.gateway.services.ledger.reset();
  p.gateway.services.indexer.start();
  await p.gateway.services.indexer.waitFor(Number(await rpc(p.node.url, "eth_blockNumber")), 120_000);
  const lifecycles = RAW_WAVES * lanes.length;
  const gasPerWrite = Object.fromEntries(OPS.map((op, k) => [op, Number(gas[k].gas / BigInt(Math.max(1, gas[k].writes)))]));
  const node = processUse(nodeBefore, nodeAfter, writes, seconds);
  return { mode, transactions: hashes.length, writes, lifecycles, seconds, writesPerSec: writes / seconds, lifecyclesPerSec: lifecycles / seconds, gasPerWrite, node };
}

type RawRow = Awaited<ReturnType<typeof rawPhase>>;

/** Two raw single rows taken together: their writes over their seconds (each row keeps its own node figures). */
function bracket(before: RawRow, after: RawRow) {
  const writes = before.writes + after.writes;
  const seconds = before.seconds + after.seconds;
  const lifecycles = before.lifecycles + after.lifecycles;
  return { writes, seconds, lifecycles, writesPerSec: writes / seconds, lifecyclesPerSec: lifecycles / seconds, before, after };
}

interface ClientsResult {
  ok: number;
  errors: number;
  seconds: number;
  latencies: number[];
  errorSamples?: string[];
  /** Lifecycle jobs: each write's latency by step (order, accept, invoice, ...). */
  byStep?: Record<string, number[]>;
  /** CPU the client process used for the job (user + system). */
  cpuSeconds: number;
}

/** Runs a job of scripts/bench/write-clients.ts in a process of its own, so the gateway's thread is its own. */
async function runClients(job: object): Promise<ClientsResult> {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "write-clients.ts")], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.stdin.end(JSON.stringify(job));
  const code = await exited;
  if (code !== 0) throw new Error(`the benchmark's client process exited with code ${code}`);
  return JSON.parse(out) as ClientsResult;
}

async function gatewayPhase(p: Platform, lanes: Lane[], perLane: number, tag: string) {
  const plain = (m: Lane["buyer"]) => ({ token: m.token, orgId: m.orgId, address: m.address });
  const r = await runClients({
    kind: "lifecycles",
    baseUrl: p.baseUrl,
    bankA: p.credentials.orgs.bankA,
    perLane,
    tag,
    lanes: lanes.map((l) => ({ buyer: plain(l.buyer), supplier: plain(l.supplier), officer: plain(l.officer) })),
  });
  const lifecycles = lanes.length * perLane;
  return {
    writes: r.ok,
    lifecycles,
    seconds: r.seconds,
    writesPerSec: r.ok / r.seconds,
    lifecyclesPerSec: lifecycles / r.seconds,
    clientsCpuMsPerWrite: round((r.cpuSeconds * 1000) / Math.max(1, r.ok), 2),
    latencyMs: { p50: percentile(r.latencies, 50), p95: percentile(r.latencies, 95), p99: percentile(r.latencies, 99) },
    latencyMsByStep: Object.fromEntries(Object.entries(r.byStep ?? {}).map(([step, l]) => [step, { p50: round(percentile(l, 50)), p95: round(percentile(l, 95)) }])),
  };
}

/** A V8 CPU profile of this process (the gateway), for BENCH_CPU_PROFILE=<file.cpuprofile>. */
async function startCpuProfile(): Promise<{ stop(): Promise<object> }> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res)))); // eslint-disable-line @typescript-eslint/no-explicit-any
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 500 });
  await post("Profiler.start");
  return {
    async stop() {
      const { profile } = await post("Profiler.stop");
      session.disconnect();
      return profile;
    },
  };
}

async function intervalPhase(p: Platform, lanes: Lane[]) {
  const users: { token: string; supplierOrgId: string }[] = [];
  for (let u = 0; u < INTERVAL_USERS; u++) {
    const lane = lanes[u % lanes.length];
    // The lane buyer's admin adds the person (the operator adds no members).
    const r = await lane.buyer.api("POST", `/orgs/${lane.buyer.orgId}/members`, { name: `interval-buyer-${u}`, role: "member" });
    if (r.status !== 201) throw new Error(`POST /orgs/${lane.buyer.orgId}/members answered ${r.status}: ${JSON.stringify(r.body)}`);
    users.push({ token: r.body.token, supplierOrgId: lane.supplier.orgId });
  }
  const url = p.node.url;
  await rpc(url, "evm_setAutomine", [false]);
  await rpc(url, "evm_setIntervalMining", [INTERVAL_MS]);
  const startBlock = Number(await rpc(url, "eth_blockNumber"));
  const profiler = process.env.BENCH_CPU_PROFILE ? await startCpuProfile() : undefined;
  const r = await runClients({ kind: "orders", baseUrl: p.baseUrl, seconds: INTERVAL_SECONDS, users });
  if (profiler) {
    fs.writeFileSync(process.env.BENCH_CPU_PROFILE!, JSON.stringify(await profiler.stop()));
    process.stdout.write(`  CPU profile of the gateway's process during interval mining: ${process.env.BENCH_CPU_PROFILE}\n`);
  }
  if (r.errorSamples?.length) process.stderr.write(`interval mining errors (samples):\n  ${r.errorSamples.join("\n  ")}\n`);
  const { ok, errors, seconds, latencies } = r;
  const endBlock = Number(await rpc(url, "eth_blockNumber"));
  await rpc(url, "evm_setIntervalMining", [0]);
  await rpc(url, "evm_setAutomine", [true]);
  if (ok === 0) throw new Error("no write succeeded on interval mining");
  return {
    writes: ok,
    errors,
    seconds,
    writesPerSec: ok / seconds,
    blocks: endBlock - startBlock,
    blockIntervalMs: INTERVAL_MS,
    users: users.length,
    clientsCpuMsPerWrite: round((r.cpuSeconds * 1000) / Math.max(1, ok), 2),
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
  };
}

/** Writes the per-operation gas of a write alone and in a batch into bench/gas.json (its "relayedBatch" rows only). */
function writeGasRows(rows: Record<string, { single: number; batched: number; saved: number }>, perBatch: number): void {
  const file = path.join(ROOT, "bench", "gas.json");
  const current = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  current.relayedBatch = {
    perWrite: rows,
    requestsPerBatch: perBatch,
    notes: "gasUsed per write of the fast-track lifecycle relayed through TrellisForwarder, steady state: single = one execute transaction per write (incl. 21,000 intrinsic); batched = an executeBatch of requestsPerBatch requests (one per lane) divided by its requests. Written by npm run bench:throughput.",
    measuredAt: new Date().toISOString(),
  };
  fs.writeFileSync(file, JSON.stringify(current, null, 2) + "\n");
}

async function main() {
  const loadBefore = os.loadavg().map((l) => round(l, 2));
  const p = await startPlatform({ chain: "hardhat", relayers: RELAYERS });
  try {
    // `hardhat node` formats a log line (and for a transaction, its decoded call and events) for every request; its
    // output is discarded here, and the formatting cost 10-20 % of the node's CPU per write in every row.
    if (process.env.BENCH_NODE_LOGGING !== "1") await rpc(p.node.url, "hardhat_setLoggingEnabled", [false]);
    const lanes = await buildLanes(p.credentials, LANES, "tp", p.gateway.services);
    // Warm the gateway (JIT, caches of nonces and fees) and the node before measuring.
    await gatewayPhase(p, lanes, 1, "warm");

    // Where a row runs moves the node's cost per write, so the raw single row is measured just before and just after
    // the concurrent gateway row, and the ratio is taken against both together.
    const rawBatched = await rawPhase(p, lanes, "batched");
    const rawBefore = await rawPhase(p, lanes, "single");

    const profile = new WritePathProfile(p.gateway);
    const nodePid = p.node.process.pid!;
    const gwProfiler = process.env.BENCH_CPU_PROFILE_GATEWAY ? await startCpuProfile() : undefined;
    const gateway = await withCpu(nodePid, () => gatewayPhase(p, lanes, GW_LIFECYCLES, "gw"));
    if (gwProfiler) fs.writeFileSync(process.env.BENCH_CPU_PROFILE_GATEWAY!, JSON.stringify(await gwProfiler.stop()));
    const gatewayProfile = profile.perWrite(gateway.writes);
    // (the indexer's catch-up after a raw row runs through the profiled code: its calls are reset below)
    const rawAfter = await rawPhase(p, lanes, "single");
    const raw = bracket(rawBefore, rawAfter);
    profile.reset();
    const singleProfiler = process.env.BENCH_CPU_PROFILE_SINGLE ? await startCpuProfile() : undefined;
    const single = await withCpu(nodePid, () => gatewayPhase(p, lanes.slice(0, 1), LAT_LIFECYCLES, "lat"));
    if (singleProfiler) fs.writeFileSync(process.env.BENCH_CPU_PROFILE_SINGLE!, JSON.stringify(await singleProfiler.stop()));
    const singleProfile = profile.perWrite(single.writes);
    profile.reset();
    const interval = await withCpu(nodePid, () => intervalPhase(p, lanes));
    const intervalProfile = profile.perWrite(interval.writes);
    profile.uninstall();
    const batching = { options: { ...p.gateway.services.ledger.batcher.options, maxGas: Number(p.gateway.services.ledger.batcher.options.maxGas) }, ...p.gateway.services.ledger.batcher.stats };
    const load = { before: loadBefore, after: os.loadavg().map((l) => round(l, 2)) };
    const gasRows = Object.fromEntries(OPS.map((op) => [op, { single: rawBefore.gasPerWrite[op], batched: rawBatched.gasPerWrite[op], saved: rawBefore.gasPerWrite[op] - rawBatched.gasPerWrite[op] }]));
    writeGasRows(gasRows, RAW_BATCH);

    const ratio = gateway.writesPerSec / raw.writesPerSec;
    // What the machine's cores could give at the CPU a gateway write costs all three processes (gateway, node and
    // clients share them): a ratio above this one needs less CPU per write, not more overlap.
    const cores = os.availableParallelism();
    const cpuPerWrite = gateway.cpu["gateway process"].msPerWrite + gateway.cpu["chain node process"].msPerWrite + gateway.clientsCpuMsPerWrite;
    const ceilingWritesPerSec = (cores * 1000) / cpuPerWrite;
    const ceiling = { cores, msPerWrite: round(cpuPerWrite, 2), writesPerSec: round(ceilingWritesPerSec), ratio: round(ceilingWritesPerSec / raw.writesPerSec, 3) };
    const result = updateResult("throughput", () => ({
      raw: {
        writesPerSec: round(raw.writesPerSec),
        lifecyclesPerSec: round(raw.lifecyclesPerSec, 2),
        beforeGateway: { writesPerSec: round(rawBefore.writesPerSec) },
        afterGateway: { writesPerSec: round(rawAfter.writesPerSec) },
      },
      rawBatched: { writesPerSec: round(rawBatched.writesPerSec), lifecyclesPerSec: round(rawBatched.lifecyclesPerSec, 2), requestsPerTransaction: RAW_BATCH },
      gateway: {
        writesPerSec: round(gateway.writesPerSec),
        lifecyclesPerSec: round(gateway.lifecyclesPerSec, 2),
        latencyMs: { p50: round(single.latencyMs.p50), p95: round(single.latencyMs.p95), p99: round(single.latencyMs.p99) },
      },
      ratio: round(ratio, 3),
      cpuCeiling: ceiling,
      intervalMining: { writesPerSec: round(interval.writesPerSec), errors: interval.errors },
      gasPerWrite: gasRows,
      loadAverage: load,
    }));
    writeDetails("throughput", {
      command: "npm run bench:throughput",
      chain: "Hardhat node (child process), automine, default 30M block gas limit",
      lanes: LANES,
      raw,
      rawBatched,
      batching,
      loadAverage: load,
      gatewayConcurrent: gateway,
      gatewaySingleClient: single,
      interval,
      profileMsPerWrite: { gatewayConcurrent: gatewayProfile, gatewaySingleClient: singleProfile, intervalMining: intervalProfile },
      notes:
        "gateway.latencyMs in throughput.json is the single-client figure (no queueing behind other lanes); gatewayConcurrent.latencyMs is under the concurrent load. Profile rows overlap (ledger.act contains preflight, signing and the relayer's steps); msPerWrite is summed wall time divided by API writes, so under concurrency it includes waiting for the node.",
    });

    printTable("Throughput (Hardhat node, automine)", [
      ["measure", "value", "target", ""],
      ["raw writes/s, one transaction per write (pre-signed, JSON-RPC)", round(raw.writesPerSec), "", ""],
      ["  of which just before, just after the gateway row", `${round(rawBefore.writesPerSec)}, ${round(rawAfter.writesPerSec)}`, "", ""],
      [`raw writes/s, batched (the same requests, ${RAW_BATCH} per executeBatch)`, round(rawBatched.writesPerSec), "", ""],
      [`gateway writes/s (${LANES} clients, batching on)`, round(gateway.writesPerSec), "", ""],
      ["raw lifecycles/s (single, batched)", `${round(raw.lifecyclesPerSec, 2)}, ${round(rawBatched.lifecyclesPerSec, 2)}`, "", ""],
      ["gateway lifecycles/s", round(gateway.lifecyclesPerSec, 2), "", ""],
      ["ratio gateway/raw single", round(ratio, 3), ">= 1.0", verdict(ratio >= 1.0)],
      ["ratio gateway/raw batched", round(gateway.writesPerSec / rawBatched.writesPerSec, 3), "", ""],
      ["CPU per gateway write, gateway + node + clients (ms)", ceiling.msPerWrite, "", ""],
      [`  writes/s ${cores} cores could give at that CPU; as a ratio to raw single`, `${ceiling.writesPerSec}; ${ceiling.ratio}`, "", ""],
      ["write latency p50 ms (1 client)", result.gateway.latencyMs.p50, "", ""],
      ["write latency p95 ms (1 client)", result.gateway.latencyMs.p95, "<= 30", verdict(result.gateway.latencyMs.p95 <= 30)],
      ["write latency p99 ms (1 client)", result.gateway.latencyMs.p99, "", ""],
      [`write latency p95 ms (${LANES} clients)`, round(gateway.latencyMs.p95), "", ""],
      [`interval mining writes/s (${INTERVAL_MS} ms blocks, ${INTERVAL_USERS} users)`, round(interval.writesPerSec), ">= 500", verdict(interval.writesPerSec >= 500)],
      ["interval mining errors", interval.errors, "0", verdict(interval.errors === 0)],
      ["requests per gateway transaction (mean, largest)", `${round(batching.requests / Math.max(1, batching.transactions), 2)}, ${batching.largest}`, "", ""],
      ["load average before, after (1/5/15 min)", `${load.before.join("/")}, ${load.after.join("/")}`, "", ""],
    ]);
    printTable("Gas per write: alone (execute) vs in a batch (executeBatch)", [
      ["operation", "single", "batched", "saved"],
      ...Object.entries(gasRows).map(([op, g]) => [op, g.single, g.batched, g.saved]),
    ]);
    const nodeCells = (u: ProcessUse) => [u.msPerWrite, u.coresBusy, u.kernelPercent ?? "", u.pageFaultsPerWrite ?? ""];
    printTable("CPU per write (ms) and cores busy, by process", [
      ["phase", "gateway ms/write", "cores", "chain node ms/write", "cores", "node kernel %", "node page faults/write", "clients ms/write"],
      ["raw, one transaction per write: before the gateway row", "", "", ...nodeCells(rawBefore.node), ""],
      ["raw, one transaction per write: after it", "", "", ...nodeCells(rawAfter.node), ""],
      [`raw, batched (${RAW_BATCH} per executeBatch)`, "", "", ...nodeCells(rawBatched.node), ""],
      ...Object.entries({ [`gateway (${LANES} clients)`]: gateway, "gateway (1 client)": single, "interval mining": interval }).map(([name, r]) => [
        name,
        r.cpu["gateway process"].msPerWrite,
        r.cpu["gateway process"].coresBusy,
        ...nodeCells(r.cpu["chain node process"]),
        r.clientsCpuMsPerWrite,
      ]),
    ]);
    printTable("Write latency by step, ms (p50 / p95)", [
      ["step", `${LANES} clients`, "1 client"],
      ...Object.keys(single.latencyMsByStep).map((step) => [
        step,
        `${gateway.latencyMsByStep[step]?.p50} / ${gateway.latencyMsByStep[step]?.p95}`,
        `${single.latencyMsByStep[step].p50} / ${single.latencyMsByStep[step].p95}`,
      ]),
    ]);
    for (const [name, prof] of Object.entries({ "concurrent gateway": gatewayProfile, "single client": singleProfile, "interval mining": intervalProfile })) {
      printTable(`Where the time goes, per API write (${name})`, [
        ["step", "calls/write", "ms/call", "ms/write"],
        ...Object.entries(prof).map(([k, v]) => [k, v.callsPerWrite, v.msPerCall, v.msPerWrite]),
      ]);
    }
  } finally {
    await p.stop();
  }
}

runMain("bench:throughput", main);


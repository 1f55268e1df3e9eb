/**
 * The reliability drills, as functions the command (scripts/drill/run.ts) and the fast test (test/drills) share:
 * load, crash (kill -9 of the gateway, of the chain, of both), fuzz (hostile input) and authz (role × action through
 * the API and directly against the contracts).
 */
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { Contract, Wallet, ZeroHash, hexlify, randomBytes, type JsonRpcProvider } from "ethers";
import { apiClient } from "../lib/api-client";
import { freePort, killGroup, startProcess } from "../lib/processes";
import { startPlatform, type Platform } from "../lib/platform";
import { startHardhatNode } from "../../server/src/chain/local-node";
import { forwarderDomain, signForwardRequest } from "../../server/src/chain/forward-request";
import { forwarderInterface, ledgerInterface, tokenInterface } from "../../server/src/chain/abi";
import type { DemoCredentials } from "../../server/src/seed";
import { buildLanes, inDays, newDoc, rpc, type Api, type Lane } from "../bench/lib";

/** Every order visible to `api`, through the cursor. */
async function allOrders(api: Api): Promise<{ id: string; reference: string }[]> {
  const out: { id: string; reference: string }[] = [];
  let cursor: string | null = null;
  do {
    const r = await api("GET", `/orders?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    if (r.status !== 200) throw new Error(`GET /orders answered ${r.status}`);
    out.push(...r.body.items);
    cursor = r.body.nextCursor;
  } while (cursor);
  return out;
}

const orderBody = (lane: Lane, ref: string) => ({ supplierOrgId: lane.supplier.orgId, amount: "12.34", reference: ref, dueDate: inDays(30) });

// ---------------------------------------------------------------------------------------------------------------
// Load

export interface LoadResult {
  writes: number;
  errors: number;
  nonceFailures: number;
  onChain: number;
  indexed: number;
  seconds: number;
}

/** `writes` concurrent order writes from the buyers of `orgs` lanes; each must be 201, on-chain and indexed. */
export async function loadDrill(p: Platform, opts: { orgs: number; writes: number; lanes?: Lane[] }): Promise<LoadResult> {
  const lanes = opts.lanes ?? (await buildLanes(p.credentials, opts.orgs, `load${Date.now() % 1e5}`));
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: opts.writes }, (_, i) => {
      const lane = lanes[i % lanes.length];
      return lane.buyer.api("POST", "/orders", orderBody(lane, `LOAD-${i}`), { "idempotency-key": `load-${i}` }).catch((err) => ({ status: 0, body: String(err) }) as const);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const errors = results.filter((r) => r.status !== 201);
  const nonceFailures = errors.filter((r) => /nonce/i.test(JSON.stringify(r.body))).length;
  const ok = results.filter((r) => r.status === 201) as { status: number; body: { id: string; txHash: string } }[];
  // On-chain: every acknowledged transaction has a successful receipt. Indexed: every record reads back.
  let onChain = 0;
  for (const r of ok) {
    const receipt = await rpc(p.node.url, "eth_getTransactionReceipt", [r.body.txHash]);
    if (receipt?.status === "0x1") onChain++;
  }
  const auditor = apiClient(p.baseUrl, p.credentials.users.auditor.token);
  const refs = new Set((await allOrders(auditor)).map((o) => o.reference).filter((r) => r.startsWith("LOAD-")));
  return { writes: opts.writes, errors: errors.length, nonceFailures, onChain, indexed: refs.size, seconds };
}

// ---------------------------------------------------------------------------------------------------------------
// Crash

const exited = (child: ChildProcess) => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r())));

export interface CrashResult {
  scenario: string;
  writes: number;
  acknowledged: number;
  lost: number;
  duplicated: number;
  /** Answers of 503 (chain being recovered, documented) and of any other 5xx, before the kill and in the retries. */
  unavailable503: number;
  other5xx: number;
}

/**
 * One crash scenario: `writes` concurrent orders from the lanes' buyers with Idempotency-Keys; once a quarter are
 * acknowledged, kill -9 the `victim`; restart; clients retry every request with its key until it is acknowledged.
 * Lost = acknowledged writes whose record is missing or different after the restart; duplicated = extra orders.
 *  - "gateway": npm start on an external Hardhat node (--rpc-url); only the gateway process dies.
 *  - "chain":   npm start with its own Hardhat node; the node child dies, and npm start stays up, restarts it and
 *               rebuilds the ledger from the journal by itself (no restart of npm start).
 *  - "both":    npm start's whole process group dies.
 */
export async function crashDrill(scenario: "gateway" | "chain" | "both", opts: { writes: number; orgs: number }): Promise<CrashResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `trellis-crash-${scenario}-`));
  const [port, chainPort] = [await freePort(), await freePort()];
  const external = scenario === "gateway" ? await startHardhatNode(chainPort, new Date(Date.now() - 60_000).toISOString()) : undefined;
  const args = ["--data-dir", dataDir, "--port", String(port), ...(external ? ["--rpc-url", external.url] : ["--chain-port", String(chainPort)])];
  let proc = await startProcess(args);
  try {
    const creds: DemoCredentials = JSON.parse(fs.readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8"));
    creds.baseUrl = `http://127.0.0.1:${port}`;
    const lanes = await buildLanes(creds, opts.orgs, "crash");
    const acknowledged = new Map<number, string>();
    // Answers of 5xx: 503 (the chain is being recovered; documented, with Retry-After) apart from any other.
    const answers5xx = { unavailable503: 0, other5xx: 0 };
    const send = async (i: number) => {
      const lane = lanes[i % lanes.length];
      const r = await lane.buyer.api("POST", "/orders", orderBody(lane, `CRASH-${i}`), { "idempotency-key": `crash-${i}` });
      if (r.status === 503) answers5xx.unavailable503++;
      else if (r.status >= 500) answers5xx.other5xx++;
      return r;
    };
    const inFlight = Array.from({ length: opts.writes }, (_, i) =>
      send(i)
        .then((r) => {
          if (r.status === 201) acknowledged.set(i, r.body.id);
        })
        .catch(() => undefined),
    );
    const deadline = Date.now() + 120_000;
    while (acknowledged.size < opts.writes / 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    if (scenario === "chain") {
      // The Hardhat node is npm start's child: find it by parent pid and kill only it.
      const children = fs
        .readdirSync("/proc")
        .filter((d) => /^\d+$/.test(d))
        .filter((d) => {
          try {
            return fs.readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1].split(" ")[1] === String(proc.pid);
          } catch {
            return false;
          }
        });
      if (children.length === 0) throw new Error("could not find the chain process");
      for (const c of children) process.kill(Number(c), "SIGKILL");
    } else if (scenario === "gateway") {
      process.kill(proc.pid!, "SIGKILL");
      await exited(proc);
    } else {
      killGroup(proc, "SIGKILL");
      await exited(proc);
    }
    await Promise.all(inFlight);
    const ackAtCrash = acknowledged.size;
    // After a chain kill npm start is still up and recovers by itself; the clients' retries wait for it.
    if (scenario !== "chain") proc = await startProcess(args);
    const ids = new Map<number, string>();
    for (let i = 0; i < opts.writes; i++) {
      for (let attempt = 0; ; attempt++) {
        const r = await send(i).catch(() => ({ status: 0, body: undefined }));
        if (r.status === 201) {
          ids.set(i, r.body.id);
          break;
        }
        if (attempt > 120) throw new Error(`write ${i} not acknowledged after retries: ${r.status} ${JSON.stringify(r.body)}`);
        await new Promise((res) => setTimeout(res, 250));
      }
    }
    const orders = (await allOrders(apiClient(creds.baseUrl, creds.users.auditor.token))).filter((o) => o.reference.startsWith("CRASH-"));
    const byId = new Map(orders.map((o) => [o.id, o.reference]));
    let lost = 0;
    for (const [i, id] of acknowledged) if (ids.get(i) !== id || byId.get(id) !== `CRASH-${i}`) lost++;
    const duplicated = orders.length - new Set(orders.map((o) => o.reference)).size;
    return { scenario, writes: opts.writes, acknowledged: ackAtCrash, lost, duplicated, ...answers5xx };
  } finally {
    killGroup(proc, "SIGTERM");
    await Promise.race([exited(proc), new Promise((r) => setTimeout(r, 5000))]);
    killGroup(proc, "SIGKILL");
    await external?.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Fuzz

/** A small deterministic PRNG (mulberry32), so a fuzz run can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = [
  "' OR 1=1 --",
  "1; DROP TABLE events; --",
  "\" OR \"\"=\"",
  "../../etc/passwd",
  "%00",
  "<script>alert(1)</script>",
  "${7*7}",
  "\u0000\u0001",
  "😀".repeat(50),
  "1e309",
  "-1",
  "0x" + "f".repeat(80),
  "9".repeat(400),
  "NaN",
  "null",
  "[]",
  "{}",
  " ",
  "",
];
const BAD_AMOUNTS = ["-1.00", "0.001", "1.005", "0", "0.00", "1e5", "1,000.00", "99999999999999999999999999999.00", "Infinity", " 1.00", "1.0.0", "0x10", "-0.00", "١٠٠"];
const BAD_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, 2 ** 53 + 1, 1e308, -1e308, [], {}, [1, 2], { $gt: "" }, "x".repeat(70_000), ...HOSTILE, ...BAD_AMOUNTS];

const NON_STRING: unknown[] = [null, true, false, -1, 1.5, 2 ** 53 + 1, 1e308, -1e308, [], {}, [1, 2], { $gt: "" }];
/** Fields where any short string is valid input: they get values of the wrong type only, so the request stays invalid. */
const FREE_TEXT = new Set(["name", "reference", "invoiceNumber", "reason"]);
/** A value that is certainly invalid for field `k` whose valid value is `v`. */
function badFor(k: string, v: unknown, pick: <T>(xs: readonly T[]) => T): unknown {
  return pick(typeof v === "number" ? [...HOSTILE, ...NON_STRING] : FREE_TEXT.has(k) ? [...NON_STRING, "x".repeat(70_000)] : BAD_VALUES);
}

export interface FuzzResult {
  requests: number;
  status5xx: number;
  stateChanged: boolean;
  statusCounts: Record<string, number>;
  rssMiBBefore: number;
  rssMiBAfter: number;
  blockBefore: number;
  blockAfter: number;
  rowsBefore: Record<string, number>;
  rowsAfter: Record<string, number>;
  alive: boolean;
  /** Heap used after a full collection, sampled through the run (in-process: gateway and drill client together). */
  memory: MemorySample[];
  /** Heap growth after collection from the second sample to the last (the first slice warms up). */
  heapGrowthMiB: number;
}

function rowCounts(p: Platform): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of ["events", "raw_logs", "orders", "invoices", "financing_requests", "organizations", "members"]) {
    out[t] = Number(p.gateway.services.idb.prepare(`SELECT count(*) FROM ${t}`).pluck().get());
  }
  for (const t of ["users", "journal"]) {
    try {
      out[`gateway.${t}`] = Number(p.gateway.services.gdb.prepare(`SELECT count(*) FROM ${t}`).pluck().get());
    } catch {
      // table named otherwise; skipped
    }
  }
  return out;
}

/**
 * `requests` generated malformed or hostile requests against every write and read route, from the right role and
 * from wrong ones, with wrong tokens and against other organisations' records. None may answer 5xx, and nothing on
 * the ledger or in the index may change. The platform must already hold records of `victim` (another org).
 */
export async function fuzzDrill(p: Platform, opts: { requests: number; seed?: number }): Promise<FuzzResult> {
  const rand = prng(opts.seed ?? 20261129);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const c = p.credentials;
  const lanes = await buildLanes(c, 2, `fz${Date.now() % 1e5}`);
  // The victim's records: an issued order, an invoice (confirmed), a financing request, all of lane 0.
  const [victim, intruder] = lanes;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of the node and the API, read field by field by the benchmark
  const ok = async (r: Promise<{ status: number; body: any }>) => {
    const x = await r;
    if (x.status !== 201) throw new Error(`fuzz setup answered ${x.status}: ${JSON.stringify(x.body)}`);
    return x.body;
  };
  const order = await ok(victim.buyer.api("POST", "/orders", orderBody(victim, "FUZZ-VICTIM")));
  const order2 = await ok(victim.buyer.api("POST", "/orders", orderBody(victim, "FUZZ-VICTIM-2")));
  await ok(victim.supplier.api("POST", `/orders/${order2.id}/accept`));
  const inv = await ok(victim.supplier.api("POST", "/invoices", { orderId: order2.id, invoiceNumber: "FUZZ-INV", amount: "12.34", dueDate: inDays(30), documentHash: newDoc() }));
  await ok(victim.buyer.api("POST", `/invoices/${inv.id}/confirm`));
  const fr = await ok(victim.supplier.api("POST", "/financing-requests", { invoiceId: inv.id, bankOrgId: c.orgs.bankA, amount: "10.00" }));
  await p.gateway.services.indexer.waitFor(Number(await rpc(p.node.url, "eth_blockNumber")));

  const ids = [order.id, order2.id, inv.id, fr.id, "0", "999999999", "1", ...HOSTILE.slice(0, 6).map(encodeURIComponent)];
  const tokens = { victimBuyer: victim.buyer.token, intruderBuyer: intruder.buyer.token, intruderSupplier: intruder.supplier.token, officer3: c.users.officer3.token, auditor: c.users.auditor.token, operator: c.users.operator.token };
  const wrongTokens = ["", "Bearer", "Bearer ", "Bearer x", `Bearer ${"a".repeat(5000)}`, `Basic ${Buffer.from("a:b").toString("base64")}`, `Bearer ${victim.buyer.token}x`, `bearer ${victim.buyer.token.slice(1)}`];

  // Each generator returns [method, path, body (object, or raw string), auth header, extra headers].
  type Req = { method: string; path: string; body?: unknown; raw?: string; auth?: string; headers?: Record<string, string> };
  const writeTemplates: [string, () => Record<string, unknown>][] = [
    ["/orders", () => orderBody(victim, "FUZZ-X")],
    ["/invoices", () => ({ orderId: order2.id, invoiceNumber: "FUZZ-Y", amount: "1.00", dueDate: inDays(30), documentHash: newDoc() })],
    ["/financing-requests", () => ({ invoiceId: inv.id, bankOrgId: c.orgs.bankA, amount: "1.00" })],
    [`/invoices/${inv.id}/payments`, () => ({ amount: "1.00" })],
    [`/invoices/${inv.id}/dispute`, () => ({ reasonCode: 1, category: "quality", reason: "x" })],
    [`/financing-requests/${fr.id}/reject`, () => ({ reasonCode: 1, reason: "x" })],
    ["/orgs", () => ({ kind: "supplier", name: "Fuzz Org" })],
    ["/users", () => ({ orgId: victim.buyer.orgId, name: "fuzz-user", role: "buyer" })],
    [`/banks/${c.orgs.bankA}/policy`, () => ({ advanceRateBps: 9000, discountRateBps: 800, fastTrackLimit: "1.00" })],
    ["/one-stop", () => ({ orderId: order2.id, invoiceNumber: "FUZZ-Z", amount: "1.00", dueDate: inDays(30), documentHash: newDoc(), bankOrgId: c.orgs.bankA, financingAmount: "0.50" })],
  ];
  const actions = ["accept", "reject", "cancel"].map((a) => `/orders/:id/${a}`).concat(["confirm", "withdraw-dispute", "cancel", "dispute"].map((a) => `/invoices/:id/${a}`), ["approve", "disburse", "reject"].map((a) => `/financing-requests/:id/${a}`), ["/disputes/:id/respond"]);
  const reads = ["/orders", "/invoices", "/financing-requests", "/audit/events", "/disputes"];
  const filterKeys = ["status", "orderId", "bankOrgId", "entityType", "entityId", "orgId", "eventType", "fromBlock", "toBlock", "from", "to", "limit", "cursor", "format", "invoiceId", "unknown"];

  const generators: (() => Req)[] = [
    // A valid-shaped body with one field replaced by a value of the wrong type or a hostile value (right role).
    () => {
      const [pth, mk] = pick(writeTemplates);
      const body = mk();
      const k = pick(Object.keys(body));
      body[k] = badFor(k, body[k], pick);
      return { method: pth.includes("policy") ? "PUT" : "POST", path: pth, body, auth: `Bearer ${pick(Object.values(tokens))}` };
    },
    // Negative, fractional-cent, huge amounts.
    () => {
      const [pth, mk] = pick(writeTemplates.filter(([, m]) => "amount" in m() || "fastTrackLimit" in m()));
      const body = mk();
      body["amount" in body ? "amount" : "fastTrackLimit"] = pick(BAD_AMOUNTS);
      return { method: pth.includes("policy") ? "PUT" : "POST", path: pth, body, auth: `Bearer ${victim.buyer.token}` };
    },
    // Unknown fields.
    () => {
      const [pth, mk] = pick(writeTemplates);
      return { method: pth.includes("policy") ? "PUT" : "POST", path: pth, body: { ...mk(), [pick(["admin", "__proto__", "constructor", "role", "status", "x".repeat(300)])]: pick(BAD_VALUES) }, auth: `Bearer ${pick(Object.values(tokens))}` };
    },
    // Bad JSON and wrong content.
    () => ({
      method: "POST",
      path: pick(writeTemplates)[0],
      raw: pick(['{"amount": ', "{'a':1}", "[1,2,", "\u0000", "null", "true", '"str"', "{".repeat(5000), '{"a":1}{"b":2}', "%7B%7D", "<xml/>"]),
      auth: `Bearer ${victim.buyer.token}`,
      headers: pick([{ "content-type": "application/json" }, { "content-type": "text/plain" }, { "content-type": "application/json; charset=latin1" }, {}]),
    }),
    // Oversized bodies.
    () => ({ method: "POST", path: pick(writeTemplates)[0], raw: JSON.stringify({ pad: "x".repeat(65_000 + Math.floor(rand() * 200_000)) }), auth: `Bearer ${victim.buyer.token}`, headers: { "content-type": "application/json" } }),
    // Injection strings and junk in filters and path ids.
    () => {
      const q = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => `${pick(filterKeys)}=${encodeURIComponent(String(pick(BAD_VALUES)).slice(0, 2000))}`).join("&");
      return { method: "GET", path: `${pick([...reads, "/audit/export"])}?${q}`, auth: `Bearer ${pick(Object.values(tokens))}` };
    },
    () => ({ method: "GET", path: `${pick(["/orders/", "/invoices/", "/financing-requests/", "/audit/invoice/", "/audit/order/", "/banks/", "/suppliers/"])}${encodeURIComponent(pick(HOSTILE))}${pick(["", "/history", "/policy", "/profile"])}`, auth: `Bearer ${pick(Object.values(tokens))}` }),
    () => ({ method: "GET", path: `/audit/verify/${encodeURIComponent(pick(HOSTILE))}/${encodeURIComponent(pick(HOSTILE))}`, auth: `Bearer ${tokens.auditor}` }),
    // Wrong tokens.
    () => {
      const [pth, mk] = pick(writeTemplates);
      return { method: "POST", path: pick([pth, ...reads]), body: mk(), auth: pick(wrongTokens) };
    },
    // Other organisations' ids: the intruder acts on the victim's records, or valid actions on wrong states.
    () => {
      const a = pick(actions).replace(":id", pick(ids));
      const auth = `Bearer ${pick([tokens.intruderBuyer, tokens.intruderSupplier, tokens.officer3, tokens.auditor])}`;
      return { method: "POST", path: a, body: a.endsWith("reject") ? { reasonCode: 1, reason: "x" } : a.endsWith("dispute") ? { reasonCode: 1, category: "quality", reason: "x" } : undefined, auth };
    },
    () => ({ method: "GET", path: pick([`/orders/${order.id}`, `/invoices/${inv.id}`, `/financing-requests/${fr.id}`, `/audit/invoice/${inv.id}/history`, `/suppliers/${victim.supplier.orgId}/profile`]), auth: `Bearer ${pick([tokens.intruderBuyer, tokens.intruderSupplier])}` }),
    // Bad idempotency keys and methods.
    () => ({ method: pick(["POST", "PATCH", "DELETE", "PUT"]), path: pick(["/orders", "/orgs", `/orders/${order.id}`, "/nope", "/../../etc"]), body: { a: 1 }, auth: `Bearer ${victim.buyer.token}`, headers: { "idempotency-key": pick(["", " ", "a".repeat(201), "ключ", "a/b", "x\u0001"]).replace(/[^\x20-\x7e]/g, "?") || "bad key" } }),
  ];

  const before = { block: Number(await rpc(p.node.url, "eth_blockNumber")), rows: rowCounts(p), rss: process.memoryUsage().rss };
  const statusCounts: Record<string, number> = {};
  let status5xx = 0;
  const samples5xx: string[] = [];
  const send = async (r: Req) => {
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    if (r.auth !== undefined && r.auth !== "") headers.authorization = r.auth;
    let body: string | undefined;
    if (r.raw !== undefined) body = r.raw;
    else if (r.body !== undefined) {
      body = JSON.stringify(r.body);
      headers["content-type"] ??= "application/json";
    }
    let status: number;
    try {
      const res = await fetch(`${p.baseUrl}/api/v1${r.path}`, { method: r.method, headers, body: r.method === "GET" ? undefined : body });
      status = res.status;
      const text = await res.text();
      if (status >= 500 && samples5xx.length < 5) samples5xx.push(`${r.method} ${r.path.slice(0, 120)} -> ${status} ${text.slice(0, 200)}`);
    } catch (err) {
      status = 0;
      if (samples5xx.length < 5) samples5xx.push(`${r.method} ${r.path.slice(0, 120)} -> ${String(err)}`);
    }
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    if (status >= 500 || status === 0) status5xx++;
  };
  // Requests are generated 50 at a time (not all up front: the oversized bodies alone would hold ~100 MB), and every
  // `sampleEvery` requests the heap is measured after a full garbage collection, so growth that survives collection
  // (a leak) shows as a rising series, while garbage does not.
  const memory: MemorySample[] = [heapAfterGc(0)];
  const sampleEvery = Math.max(50, Math.floor(opts.requests / 10 / 50) * 50);
  for (let i = 0; i < opts.requests; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, opts.requests - i) }, () => send(pick(generators)())));
    if ((i + 50) % sampleEvery === 0 || i + 50 >= opts.requests) memory.push(heapAfterGc(Math.min(i + 50, opts.requests)));
  }
  await p.gateway.services.indexer.waitFor(Number(await rpc(p.node.url, "eth_blockNumber")));
  const after = { block: Number(await rpc(p.node.url, "eth_blockNumber")), rows: rowCounts(p), rss: process.memoryUsage().rss };
  const alive = (await fetch(`${p.baseUrl}/healthz`)).status === 200;
  if (samples5xx.length) process.stderr.write(`fuzz 5xx samples:\n  ${samples5xx.join("\n  ")}\n`);
  const stateChanged = after.block !== before.block || JSON.stringify(after.rows) !== JSON.stringify(before.rows);
  // After the first slice (which warms caches, JIT code and pools), the heap after collection must not keep rising.
  const settled = memory.slice(1).map((m) => m.heapMiB);
  return {
    requests: opts.requests,
    status5xx,
    stateChanged,
    statusCounts,
    rssMiBBefore: Math.round(before.rss / 2 ** 20),
    rssMiBAfter: Math.round(after.rss / 2 ** 20),
    blockBefore: before.block,
    blockAfter: after.block,
    rowsBefore: before.rows,
    rowsAfter: after.rows,
    alive,
    memory,
    heapGrowthMiB: settled.length > 1 ? Math.round((settled[settled.length - 1] - settled[0]) * 10) / 10 : 0,
  };
}

export interface MemorySample {
  requests: number;
  heapMiB: number;
  rssMiB: number;
}

/** A full garbage collection (exposing `gc` at run time if node was not started with --expose-gc). */
function collect(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    v8.setFlagsFromString("--expose-gc");
    gc = vm.runInNewContext("gc") as () => void;
  }
  gc();
}

function heapAfterGc(requests: number): MemorySample {
  collect();
  const m = process.memoryUsage();
  return { requests, heapMiB: Math.round((m.heapUsed / 2 ** 20) * 10) / 10, rssMiB: Math.round(m.rss / 2 ** 20) };
}

// ---------------------------------------------------------------------------------------------------------------
// Authorization

export interface AuthzResult {
  attempts: number;
  allowed: number;
  api: { attempts: number; allowed: number };
  contracts: { attempts: number; allowed: number; rightfulSucceeded: number; rightful: number };
  allowedCases: string[];
}

/**
 * The role × action matrix. For every write action there is a record in the state where the rightful actor could do
 * it (checked: the rightful call simulates successfully on-chain), and every other actor tries it, through the API
 * and directly against the contracts with its own key (eth_call from that account, and a forward request it signed
 * itself through the forwarder). Allowed counts wrong actors that were not refused.
 */
export async function authzDrill(p: Platform): Promise<AuthzResult> {
  const c = p.credentials;
  const s = p.gateway.services;
  const [other] = await buildLanes(c, 1, `az${Date.now() % 1e5}`);
  const cl = (t: string) => apiClient(c.baseUrl, t);
  const U = c.users;
  type Actor = { name: string; token?: string; address: string; orgId?: string };
  const actors: Actor[] = [
    { name: "operator", token: U.operator.token, address: s.operatorAddress },
    { name: "buyer(acme)", token: U.buyer.token, address: U.buyer.address, orgId: c.orgs.acme },
    { name: "supplier(pearl)", token: U.supplier.token, address: U.supplier.address, orgId: c.orgs.pearl },
    { name: "officer1(bankA)", token: U.officer1.token, address: U.officer1.address, orgId: c.orgs.bankA },
    { name: "officer3(bankB)", token: U.officer3.token, address: U.officer3.address, orgId: c.orgs.bankB },
    { name: "auditor", token: U.auditor.token, address: U.auditor.address, orgId: U.auditor.orgId },
    { name: "buyer(other)", token: other.buyer.token, address: other.buyer.address, orgId: other.buyer.orgId },
    { name: "supplier(other)", token: other.supplier.token, address: other.supplier.address, orgId: other.supplier.orgId },
    { name: "stranger", address: Wallet.createRandom().address },
  ];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of the node and the API, read field by field by the benchmark
  const ok = async (r: Promise<{ status: number; body: any }>) => {
    const x = await r;
    if (x.status >= 300) throw new Error(`authz setup answered ${x.status}: ${JSON.stringify(x.body)}`);
    return x.body;
  };
  const buyer = cl(U.buyer.token);
  const supplier = cl(U.supplier.token);
  const officer1 = cl(U.officer1.token);
  const mkOrder = () => ok(buyer("POST", "/orders", { supplierOrgId: c.orgs.pearl, amount: "100.00", reference: `AZ-${Math.random().toString(36).slice(2, 10)}`, dueDate: inDays(40) }));
  const issued = await mkOrder();
  const accepted = await mkOrder();
  await ok(supplier("POST", `/orders/${accepted.id}/accept`));
  const accepted2 = await mkOrder();
  await ok(supplier("POST", `/orders/${accepted2.id}/accept`));
  const invIssued = await ok(supplier("POST", "/invoices", { orderId: accepted2.id, invoiceNumber: `AZI-${Date.now() % 1e6}`, amount: "50.00", dueDate: inDays(40), documentHash: newDoc() }));
  const invConfirmed = await ok(supplier("POST", "/invoices", { orderId: accepted2.id, invoiceNumber: `AZC-${Date.now() % 1e6}`, amount: "50.00", dueDate: inDays(40), documentHash: newDoc() }));
  await ok(buyer("POST", `/invoices/${invConfirmed.id}/confirm`));
  const reqd = await ok(supplier("POST", "/financing-requests", { invoiceId: invConfirmed.id, bankOrgId: c.orgs.bankB, amount: "40.00" }));
  const accepted3 = await mkOrder();
  await ok(supplier("POST", `/orders/${accepted3.id}/accept`));
  const inv3 = await ok(supplier("POST", "/invoices", { orderId: accepted3.id, invoiceNumber: `AZD-${Date.now() % 1e6}`, amount: "50.00", dueDate: inDays(40), documentHash: newDoc() }));
  await ok(buyer("POST", `/invoices/${inv3.id}/confirm`));
  const approvedReq = await ok(supplier("POST", "/financing-requests", { invoiceId: inv3.id, bankOrgId: c.orgs.bankA, amount: "40.00" }));
  await ok(officer1("POST", `/financing-requests/${approvedReq.id}/approve`));
  const invFree = await ok(supplier("POST", "/invoices", { orderId: accepted3.id, invoiceNumber: `AZF-${Date.now() % 1e6}`, amount: "50.00", dueDate: inDays(40), documentHash: newDoc() }));
  await ok(buyer("POST", `/invoices/${invFree.id}/confirm`));

  const due = Math.floor(Date.now() / 1000) + 30 * 86_400;
  const L = s.ledger.addresses;
  // Commitments, keys and hashes are opaque bytes32 to the contracts (issue #12): random ones serve every row.
  const b32 = () => hexlify(randomBytes(32));
  const change = (kind: number, orgId: number, fields: Partial<{ trusted: boolean; advanceRateBps: number; discountRateBps: number; fastTrackLimit: bigint; creditLimit: bigint }>) => ({
    kind,
    orgId,
    trusted: false,
    advanceRateBps: 0,
    discountRateBps: 0,
    fastTrackLimit: 0n,
    creditLimit: 0n,
    ...fields,
  });
  type Action = { name: string; rightful: string; peers?: string[]; api?: { method: string; path: string; body?: unknown }; target: "ledger" | "token"; fn: string; args: unknown[] };
  const actions: Action[] = [
    { name: "issue order", rightful: "buyer(acme)", peers: ["buyer(other)"], api: { method: "POST", path: "/orders", body: { supplierOrgId: c.orgs.pearl, amount: "1.00", reference: "AZ-X", dueDate: inDays(9) } }, target: "ledger", fn: "issueOrder", args: [c.orgs.pearl, L.token, 100n, due, b32(), ZeroHash] },
    { name: "accept order", rightful: "supplier(pearl)", api: { method: "POST", path: `/orders/${issued.id}/accept` }, target: "ledger", fn: "acceptOrder", args: [issued.id] },
    { name: "reject order", rightful: "supplier(pearl)", api: { method: "POST", path: `/orders/${issued.id}/reject`, body: { reasonCode: 1 } }, target: "ledger", fn: "rejectOrder", args: [issued.id, 1, ZeroHash] },
    { name: "cancel order", rightful: "buyer(acme)", api: { method: "POST", path: `/orders/${issued.id}/cancel` }, target: "ledger", fn: "cancelOrder", args: [issued.id] },
    { name: "issue invoice", rightful: "supplier(pearl)", api: { method: "POST", path: "/invoices", body: { orderId: accepted.id, invoiceNumber: "AZ-NEW", amount: "1.00", dueDate: inDays(9), documentHash: newDoc() } }, target: "ledger", fn: "issueInvoice", args: [accepted.id, b32(), b32(), 100n, due, newDoc()] },
    { name: "confirm invoice", rightful: "buyer(acme)", api: { method: "POST", path: `/invoices/${invIssued.id}/confirm` }, target: "ledger", fn: "confirmInvoice", args: [invIssued.id] },
    { name: "dispute invoice", rightful: "buyer(acme)", api: { method: "POST", path: `/invoices/${invIssued.id}/dispute`, body: { reasonCode: 1, category: "quality", reason: "x" } }, target: "ledger", fn: "disputeInvoice", args: [invIssued.id, 1, ZeroHash] },
    { name: "cancel invoice", rightful: "supplier(pearl)", api: { method: "POST", path: `/invoices/${invIssued.id}/cancel` }, target: "ledger", fn: "cancelInvoice", args: [invIssued.id] },
    { name: "pay invoice", rightful: "buyer(acme)", api: { method: "POST", path: `/invoices/${invConfirmed.id}/payments`, body: { amount: "1.00" } }, target: "ledger", fn: "payInvoice", args: [invConfirmed.id, 100n] },
    { name: "request financing", rightful: "supplier(pearl)", api: { method: "POST", path: "/financing-requests", body: { invoiceId: invFree.id, bankOrgId: c.orgs.bankB, amount: "1.00" } }, target: "ledger", fn: "requestFinancing", args: [invFree.id, c.orgs.bankB, 100n] },
    { name: "approve financing", rightful: "officer3(bankB)", api: { method: "POST", path: `/financing-requests/${reqd.id}/approve` }, target: "ledger", fn: "approveFinancing", args: [reqd.id] },
    { name: "reject financing", rightful: "officer3(bankB)", api: { method: "POST", path: `/financing-requests/${reqd.id}/reject`, body: { reasonCode: 1, reason: "x" } }, target: "ledger", fn: "rejectFinancing", args: [reqd.id, 1, ZeroHash] },
    { name: "withdraw financing", rightful: "supplier(pearl)", api: { method: "POST", path: `/financing-requests/${reqd.id}/withdraw` }, target: "ledger", fn: "withdrawFinancing", args: [reqd.id] },
    { name: "disburse financing", rightful: "officer1(bankA)", api: { method: "POST", path: `/financing-requests/${approvedReq.id}/disburse` }, target: "ledger", fn: "disburseFinancing", args: [approvedReq.id] },
    { name: "propose bank policy", rightful: "officer1(bankA)", peers: ["officer3(bankB)"], api: { method: "PUT", path: `/banks/${c.orgs.bankA}/policy`, body: { advanceRateBps: 9000, discountRateBps: 800, fastTrackLimit: "500000.00" } }, target: "ledger", fn: "proposePolicyChange", args: [change(0, 0, { advanceRateBps: 9000, discountRateBps: 800, fastTrackLimit: 50_000_000n })] },
    { name: "propose trusted buyer", rightful: "officer1(bankA)", peers: ["officer3(bankB)"], target: "ledger", fn: "proposePolicyChange", args: [change(1, Number(other.buyer.orgId), { trusted: true })] },
    { name: "propose credit limit", rightful: "officer1(bankA)", peers: ["officer3(bankB)"], target: "ledger", fn: "proposePolicyChange", args: [change(2, Number(other.supplier.orgId), { creditLimit: 100n })] },
    { name: "register organisation", rightful: "operator", api: { method: "POST", path: "/orgs", body: { kind: "supplier", name: "AZ Org", admin: { name: `az-admin-${Date.now()}` } } }, target: "ledger", fn: "registerOrganization", args: [2, b32(), Wallet.createRandom().address, b32(), Wallet.createRandom().address] },
    { name: "add member", rightful: "supplier(pearl)", api: { method: "POST", path: `/orgs/${c.orgs.pearl}/members`, body: { name: `az-user-${Date.now()}`, role: "member" } }, target: "ledger", fn: "addMember", args: [c.orgs.pearl, Wallet.createRandom().address, 1] },
    { name: "suspend organisation", rightful: "operator", target: "ledger", fn: "suspendOrganization", args: [c.orgs.pearl] },
    { name: "mint settlement token", rightful: "treasury(bankA)", target: "token", fn: "mint", args: [U.buyer.address, 100n] },
  ];
  const provider: JsonRpcProvider = s.provider;
  const ledger = new Contract(L.ledger, ledgerInterface, provider);
  const token = new Contract(L.token, tokenInterface, provider);
  const forwarder = new Contract(L.forwarder, forwarderInterface, provider);
  const domain = forwarderDomain(s.ledger.chainId, L.forwarder);
  const wallets = new Map<string, Wallet>();
  const walletOf = (a: Actor) => {
    if (!wallets.has(a.address)) {
      try {
        wallets.set(a.address, s.vault.wallet(a.address));
      } catch {
        wallets.set(a.address, Wallet.createRandom() as unknown as Wallet);
      }
    }
    return wallets.get(a.address)!;
  };
  const treasuryA = { name: "treasury(bankA)", address: s.vault.treasuryOf(c.orgs.bankA).address, orgId: c.orgs.bankA };
  const simulate = async (from: string, act: Action) => {
    const contract = act.target === "ledger" ? ledger : token;
    try {
      await provider.call({ from, to: await contract.getAddress(), data: contract.interface.encodeFunctionData(act.fn, act.args) });
      return true;
    } catch {
      return false;
    }
  };
  const viaForwarder = async (a: Actor, act: Action) => {
    const w = walletOf(a);
    const data = (act.target === "ledger" ? ledgerInterface : tokenInterface).encodeFunctionData(act.fn, act.args);
    const nonce = (await forwarder.nonces(w.address)) as bigint;
    const req = await signForwardRequest(w, domain, { from: w.address, to: act.target === "ledger" ? L.ledger : L.token, value: 0n, gas: 1_000_000n, nonce, deadline: Math.floor(Date.now() / 1000) + 3600, data });
    try {
      await provider.call({ to: L.forwarder, data: forwarderInterface.encodeFunctionData("execute", [req]), gasLimit: 1_300_000n });
      return true;
    } catch {
      return false;
    }
  };

  const result: AuthzResult = { attempts: 0, allowed: 0, api: { attempts: 0, allowed: 0 }, contracts: { attempts: 0, allowed: 0, rightfulSucceeded: 0, rightful: 0 }, allowedCases: [] };
  const everyone = [...actors, treasuryA];
  // Contracts first (simulations change nothing), then the API (a wrongly allowed write would change state).
  for (const act of actions) {
    const rightful = everyone.find((a) => a.name === act.rightful)!;
    result.contracts.rightful++;
    if (await simulate(rightful.address, act)) result.contracts.rightfulSucceeded++;
    else result.allowedCases.push(`setup: the rightful ${act.rightful} could not ${act.name}; the row proves nothing`);
    for (const a of everyone) {
      if (a.name === act.rightful || act.peers?.includes(a.name)) continue;
      for (const path of ["direct", "forwarder"] as const) {
        result.contracts.attempts++;
        const allowed = path === "direct" ? await simulate(a.address, act) : await viaForwarder(a, act);
        if (allowed) {
          result.contracts.allowed++;
          result.allowedCases.push(`contract ${path}: ${a.name} could ${act.name}`);
        }
      }
    }
  }
  for (const act of actions) {
    if (!act.api) continue;
    for (const a of actors) {
      if (a.name === act.rightful || act.peers?.includes(a.name) || !a.token) continue;
      result.api.attempts++;
      const r = await cl(a.token)(act.api.method, act.api.path, act.api.body);
      if (r.status < 400) {
        result.api.allowed++;
        result.allowedCases.push(`api: ${a.name} could ${act.name} (${r.status})`);
      }
    }
    // A wrong token and no token at all.
    for (const auth of [undefined, "not-a-token"]) {
      result.api.attempts++;
      const r = await apiClient(c.baseUrl, auth)(act.api.method, act.api.path, act.api.body);
      if (r.status < 400) {
        result.api.allowed++;
        result.allowedCases.push(`api: ${auth ?? "no token"} could ${act.name}`);
      }
    }
  }
  result.attempts = result.api.attempts + result.contracts.attempts;
  result.allowed = result.api.allowed + result.contracts.allowed;
  return result;
}

export { startPlatform };

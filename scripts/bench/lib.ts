/**
 * What the benchmarks and drills share: result files, percentiles, tables, and a "world" of extra organisations
 * (buyer, supplier and a bank officer per lane) built through the operator API like any onboarding would be.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { apiClient } from "../lib/api-client";
import type { DemoCredentials } from "../../server/src/seed";
import type { Services } from "../../server/src/services";

export const ROOT = path.resolve(__dirname, "..", "..");
export const RESULTS_DIR = path.join(ROOT, "bench", "results");
export const DOC = "0x" + "ab".repeat(32);
/** A fresh document hash: the gateway refuses a document that already backs another live invoice (409 DUPLICATE_DOCUMENT). */
export const newDoc = () => "0x" + crypto.randomBytes(32).toString("hex");

export type Api = ReturnType<typeof apiClient>;

/** Reads a result file (or `{}`), lets `update` change it and writes it back, so parts can fill one file each. */
export function updateResult<T extends object>(name: string, update: (current: Partial<T>) => T): T {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  const current = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Partial<T>) : {};
  const next = update(current);
  fs.writeFileSync(file, JSON.stringify(next, null, 2) + "\n");
  return next;
}

/** Writes a side file with the details behind a result (machine, profile, raw counts); not part of the shape. */
export function writeDetails(name: string, details: object): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, ramGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  fs.writeFileSync(path.join(RESULTS_DIR, `${name}.details.json`), JSON.stringify({ ...details, measuredAt: new Date().toISOString(), machine }, null, 2) + "\n");
}

/** The q-th percentile (0..100) of `values`, nearest-rank. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Prints rows as an aligned table. */
export function printTable(title: string, rows: (string | number)[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  process.stdout.write(`\n${title}\n`);
  rows.forEach((r, n) => {
    process.stdout.write("  " + r.map((c, i) => (typeof c === "number" ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join("  ") + "\n");
    if (n === 0) process.stdout.write("  " + widths.map((w) => "-".repeat(w)).join("  ") + "\n");
  });
}

/** Reports a target as met or missed, for tables. */
export const verdict = (ok: boolean) => (ok ? "met" : "MISSED");

/** Runs `main`, printing the failure and exiting non-zero when a benchmark could not run. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${name}: could not run: ${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}

export const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

export interface Member {
  token: string;
  orgId: string;
  address: string;
  api: Api;
}

export interface Lane {
  buyer: Member;
  supplier: Member;
  officer: Member;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of the node and the API, read field by field by the benchmark
async function ok<T = any>(p: Promise<{ status: number; body: any }>, what: string): Promise<T> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body as T;
}

/**
 * Onboards `n` lanes through the operator API: a buyer organisation and a supplier organisation with one user each,
 * and an officer of Bank A per lane. Bank A trusts every lane's buyer (fast track) and gives each supplier credit.
 * With `services` (in-process gateway) Bank A's treasury also funds every buyer so that lifecycles can be paid.
 */
export async function buildLanes(creds: DemoCredentials, n: number, tag: string, services?: Services): Promise<Lane[]> {
  const op = apiClient(creds.baseUrl, creds.users.operator.token);
  const adminA = apiClient(creds.baseUrl, creds.users.adminA.token);
  const officer1 = apiClient(creds.baseUrl, creds.users.officer1.token);
  const officer2 = apiClient(creds.baseUrl, creds.users.officer2.token);
  const asMember = (out: { token: string; user: { orgId: string; address: string } }): Member => ({
    token: out.token,
    orgId: out.user.orgId,
    address: out.user.address,
    api: apiClient(creds.baseUrl, out.token),
  });
  /** The operator onboards an organisation with its first admin, who is the lane's acting user. */
  const onboard = async (kind: string, name: string, admin: string): Promise<Member> => {
    const org = await ok<{ admin: { token: string; user: { orgId: string; address: string } } }>(op("POST", "/orgs", { kind, name, admin: { name: admin } }), "POST /orgs");
    return asMember(org.admin);
  };
  const lanes: Lane[] = [];
  for (let i = 0; i < n; i++) {
    const buyer = await onboard("core_enterprise", `${tag} Buyer ${i}`, `${tag}-buyer-${i}`);
    const supplier = await onboard("supplier", `${tag} Supplier ${i}`, `${tag}-supplier-${i}`);
    // Bank A's admin proposes the lane's officer; a second governor (officer1) approves.
    const proposed = await ok<{ token: string; user: { orgId: string; address: string }; proposal: { id: string } }>(
      adminA("POST", `/orgs/${creds.orgs.bankA}/members`, { name: `${tag}-officer-${i}`, role: "officer" }),
      "POST members",
    );
    await ok(officer1("POST", `/orgs/${creds.orgs.bankA}/members/${proposed.proposal.id}/approve`), "approve member");
    await ok(buyer.api("PUT", `/orgs/${buyer.orgId}/allowance`, { amount: "100000000.00" }), "PUT allowance");
    lanes.push({ buyer, supplier, officer: asMember(proposed) });
  }
  const current = await ok<{ trustedBuyers?: string[] }>(officer1("GET", `/banks/${creds.orgs.bankA}/policy`), "GET policy");
  const proposal = await ok<{ proposal: { id: string } }>(
    officer1("PUT", `/banks/${creds.orgs.bankA}/policy`, {
      advanceRateBps: 9000,
      discountRateBps: 800,
      fastTrackLimit: "500000.00",
      trustedBuyers: [...new Set([...(current.trustedBuyers ?? []), ...lanes.map((l) => l.buyer.orgId)])],
      creditLimits: lanes.map((l) => ({ supplierOrgId: l.supplier.orgId, limit: "100000000.00" })),
    }),
    "PUT policy",
  );
  await ok(officer2("POST", `/banks/${creds.orgs.bankA}/policy/proposals/${proposal.proposal.id}/approve`), "approve policy");
  if (services) {
    const treasuryA = services.vault.treasuryOf(creds.orgs.bankA).address;
    let last = 0;
    for (const l of lanes) {
      const buyerTreasury = services.vault.treasuryOf(l.buyer.orgId).address;
      const r = await services.ledger.act({ address: treasuryA, orgId: creds.orgs.bankA }, "token", "mint", [buyerTreasury, 100_000_000_00n]);
      last = r.blockNumber;
    }
    await services.indexer.waitFor(last);
  }
  return lanes;
}

/** The API calls of one fast-track lifecycle (8 writes), each timed; throws on any non-2xx. */
export async function apiLifecycle(creds: DemoCredentials, lane: Lane, tag: string, onWrite: (ms: number, what: string) => void): Promise<void> {
  const timed = async (p: () => ReturnType<Api>, what: string) => {
    const t0 = performance.now();
    const r = await p();
    onWrite(performance.now() - t0, what);
    if (r.status !== 201) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const { buyer, supplier, officer } = lane;
  const order = await timed(() => buyer.api("POST", "/orders", { supplierOrgId: supplier.orgId, amount: "10.00", reference: tag, dueDate: inDays(60) }), "order");
  await timed(() => supplier.api("POST", `/orders/${order.id}/accept`), "accept");
  const inv = await timed(() => supplier.api("POST", "/invoices", { orderId: order.id, invoiceNumber: tag, amount: "10.00", dueDate: inDays(60), documentHash: newDoc() }), "invoice");
  await timed(() => buyer.api("POST", `/invoices/${inv.id}/confirm`), "confirm");
  const req = await timed(() => supplier.api("POST", "/financing-requests", { invoiceId: inv.id, bankOrgId: creds.orgs.bankA, amount: "9.00" }), "request");
  await timed(() => officer.api("POST", `/financing-requests/${req.id}/approve`), "approve");
  await timed(() => officer.api("POST", `/financing-requests/${req.id}/disburse`), "disburse");
  await timed(() => buyer.api("POST", `/invoices/${inv.id}/payments`, { amount: "10.00" }), "pay");
}

/** One JSON-RPC call (or a batch when `calls` is an array of [method, params]). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of the node and the API, read field by field by the benchmark
export async function rpc(url: string, method: string, params: unknown[] = []): Promise<any> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** A JSON-RPC batch; answers in request order, throwing on the first error. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of the node and the API, read field by field by the benchmark
export async function rpcBatch(url: string, calls: [string, unknown[]][]): Promise<any[]> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(calls.map(([method, params], id) => ({ jsonrpc: "2.0", id, method, params }))),
  });
  const body = (await res.json()) as { id: number; result?: unknown; error?: { message: string } }[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of the node and the API, read field by field by the benchmark
  const out: any[] = new Array(calls.length);
  for (const r of body) {
    if (r.error) throw new Error(`${calls[r.id][0]}: ${r.error.message}`);
    out[r.id] = r.result;
  }
  return out;
}

/** A process's CPU seconds so far (user + system, and system alone) and its minor page faults, from /proc (Linux). */
export function procStatOf(pid: number): { cpuSeconds: number; systemSeconds: number; minorFaults: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 10 (minflt), 14 and 15 (utime, stime, in clock ticks of 1/100 s) of stat; the slice starts at field 3.
  return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100, systemSeconds: Number(fields[12]) / 100, minorFaults: Number(fields[7]) };
}

/** What a process used between two `procStatOf` readings, per write and as a share of one core. */
export interface ProcessUse {
  msPerWrite: number;
  coresBusy: number;
  /** The share of its CPU spent in the kernel (system time), in %. */
  kernelPercent?: number;
  /** Minor page faults per write (fresh memory the kernel had to map, and usually zero, for the process). */
  pageFaultsPerWrite?: number;
}

export function processUse(
  before: ReturnType<typeof procStatOf>,
  after: ReturnType<typeof procStatOf>,
  writes: number,
  seconds: number,
): ProcessUse {
  const cpu = after.cpuSeconds - before.cpuSeconds;
  return {
    msPerWrite: round((cpu * 1000) / writes, 2),
    coresBusy: round(cpu / seconds, 2),
    kernelPercent: round((100 * (after.systemSeconds - before.systemSeconds)) / Math.max(0.01, cpu), 1),
    pageFaultsPerWrite: round((after.minorFaults - before.minorFaults) / writes, 1),
  };
}

/**
 * CPU used during a phase by this process (the in-process gateway; the benchmark's clients run in their own) and by
 * the chain node's process, per write and as a share of one core, so that it shows which side was saturated; for the
 * node also its kernel share and page faults per write (a Hardhat node spends much of its CPU mapping fresh memory).
 */
export async function withCpu<T extends { writes: number; seconds: number }>(nodePid: number, phase: () => Promise<T>): Promise<T & { cpu: Record<string, ProcessUse> }> {
  const before = { self: procStatOf(process.pid), node: procStatOf(nodePid) };
  const out = await phase();
  const after = { self: procStatOf(process.pid), node: procStatOf(nodePid) };
  const { msPerWrite, coresBusy } = processUse(before.self, after.self, out.writes, out.seconds);
  return { ...out, cpu: { "gateway process": { msPerWrite, coresBusy }, "chain node process": processUse(before.node, after.node, out.writes, out.seconds) } };
}

/**
 * A webhook receiver on 127.0.0.1 for the delivery benchmarks: records each message id's first arrival on `clock`
 * (the clock the benchmark's enqueue times use) and verifies every signature with the standardwebhooks library once
 * `trust(secret)` has given it the endpoint's secret.
 */
export async function startWebhookReceiver(clock: () => number) {
  const arrived = new Map<string, number>();
  const state = { badSignatures: 0, wh: null as Webhook | null };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const id = String(req.headers["webhook-id"]);
      if (!arrived.has(id)) arrived.set(id, clock());
      try {
        state.wh?.verify(Buffer.concat(chunks).toString("utf8"), {
          "webhook-id": id,
          "webhook-timestamp": String(req.headers["webhook-timestamp"]),
          "webhook-signature": String(req.headers["webhook-signature"]),
        });
      } catch {
        state.badSignatures++;
      }
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    arrived,
    port: (server.address() as net.AddressInfo).port,
    trust: (secret: string) => (state.wh = new Webhook(secret)),
    badSignatures: () => state.badSignatures,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

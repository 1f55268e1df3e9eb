/**
 * Indexer benchmark: catch-up throughput and read latency at scale.
 *
 * A synthetic chain stands in for the node so that a million events can be served in minutes: it answers
 * eth_blockNumber, eth_getLogs and eth_getBlockByNumber from logs encoded with the real ledger and token ABIs, one
 * transaction per block as on Hardhat, in the happy-path mix of a lifecycle (order, accept, invoice, confirm,
 * request, approve, disburse, pay: 12 logs in 8 blocks) across 50 buyers, 200 suppliers and 10 banks. The Indexer,
 * decoder, projections and SQLite file are the production ones; only the transport is in-process, and the time the
 * fake node spends encoding logs is measured and subtracted.
 *
 * Run: `npx ts-node --transpile-only scripts/bench-indexer.ts [events=1000000] [dir]`. Writes bench/indexer.json.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ethers, type Interface } from "ethers";
import { ledgerInterface, tokenInterface } from "../server/src/chain/abi";
import { openIndexDb } from "../server/src/db/sqlite";
import { Indexer, type RpcProvider } from "../server/src/indexer/indexer";
import { entityHistory, listEvents } from "../server/src/audit/repo";
import { getInvoice, listInvoices } from "../server/src/invoices/repo";
import { listFinancingRequests } from "../server/src/financing/repo";
import type { Scope } from "../server/src/shared/scope";

const TARGET_EVENTS = Number(process.argv[2] ?? 1_000_000);
const DIR = process.argv[3] ?? fs.mkdtempSync(path.join(os.tmpdir(), "trellis-bench-"));
const LEDGER = "0x" + "11".repeat(20);
const TOKEN = "0x" + "22".repeat(20);
const FORWARDER = "0x" + "33".repeat(20);
const BUYERS = 50;
const SUPPLIERS = 200;
const BANKS = 10;
const T0 = 1_750_000_000;

const ledgerIface = ledgerInterface;
const tokenIface = tokenInterface;
const addr = (n: number) => ethers.zeroPadValue(ethers.toBeHex(n), 20);
const h = (s: string) => ethers.id(s);

// Organisation ids: buyers 1..50, suppliers 51..250, banks 251..260.
const buyerId = (i: number) => 1 + (i % BUYERS);
const supplierId = (i: number) => 1 + BUYERS + (i % SUPPLIERS);
const bankId = (i: number) => 1 + BUYERS + SUPPLIERS + (i % BANKS);
const treasury = (org: number) => addr(0x10000 + org);
const member = (org: number) => addr(0x20000 + org);

type Ev = [Interface, string, string, unknown[]];
const L = (name: string, args: unknown[]): Ev => [ledgerIface, LEDGER, name, args];
const T = (name: string, args: unknown[]): Ev => [tokenIface, TOKEN, name, args];

/** The transactions (each a list of events) of setting the network up. */
function setupTxs(): Ev[][] {
  const txs: Ev[][] = [];
  const total = BUYERS + SUPPLIERS + BANKS;
  for (let org = 1; org <= total; org++) {
    const kind = org <= BUYERS ? 1 : org <= BUYERS + SUPPLIERS ? 2 : 3;
    txs.push([L("OrganizationRegistered", [org, kind, treasury(org), h(`kyc${org}`), `Org ${org}`, member(0)])]);
    txs.push([L("MemberAdded", [org, member(org), member(0)])]);
  }
  for (let b = 0; b < BANKS; b++) {
    const bank = bankId(b);
    txs.push([L("BankPolicySet", [bank, 9000, 1200, 500_000_00n, member(bank)])]);
    for (let i = 0; i < BUYERS; i++) txs.push([L("TrustedBuyerSet", [bank, buyerId(i), true, member(bank)])]);
    for (let i = 0; i < SUPPLIERS; i++) txs.push([L("CreditLimitSet", [bank, supplierId(i), 10n ** 15n, member(bank)])]);
  }
  return txs;
}

/** The 8 transactions of lifecycle `i` (ids are i + 1). */
function lifecycleTxs(i: number, ts: number): Ev[][] {
  const id = i + 1;
  const buyer = buyerId(i * 7);
  const supplier = supplierId(i * 13);
  const bank = bankId(i);
  const amount = 400_000_00n;
  const advance = 360_000_00n;
  const due = ts + 60 * 86_400;
  return [
    [L("OrderIssued", [id, buyer, supplier, TOKEN, amount, due, ethers.encodeBytes32String(`PO-${id}`), h(`po${id}`), member(buyer)])],
    [L("OrderAccepted", [id, member(supplier)])],
    [L("InvoiceIssued", [id, id, supplier, buyer, ethers.encodeBytes32String(`INV-${id}`), amount, due, h(`inv${id}`), member(supplier)])],
    [L("InvoiceConfirmed", [id, member(buyer)])],
    [L("FinancingRequested", [id, id, bank, supplier, advance, true, 1200, member(supplier)])],
    [L("FinancingApproved", [id, member(bank), 1, 1])],
    [
      T("Transfer", [treasury(bank), treasury(supplier), advance - 7_200_00n]),
      L("FinancingDisbursed", [id, id, bank, advance, 7_200_00n, advance - 7_200_00n, 60, member(bank)]),
    ],
    [
      T("Transfer", [treasury(buyer), treasury(bank), advance]),
      T("Transfer", [treasury(buyer), treasury(supplier), amount - advance]),
      L("InvoicePaymentMade", [id, id, amount, advance, amount - advance, amount, 6, member(buyer)]),
      L("FinancingRepaymentReceived", [id, advance, advance, false, 6, true, member(buyer)]),
    ],
  ];
}

const EVENTS_PER_LIFECYCLE = 12;

/** A chain of one transaction per block, generated block by block on demand. */
class SyntheticChain implements RpcProvider {
  private readonly setup = setupTxs();
  readonly lifecycles: number;
  readonly head: number;
  encodeMs = 0;

  constructor(targetEvents: number) {
    this.lifecycles = Math.max(1, Math.ceil((targetEvents - this.setup.length) / EVENTS_PER_LIFECYCLE));
    this.head = this.setup.length + this.lifecycles * 8;
  }

  private txOf(block: number): Ev[] {
    if (block < 1 || block > this.head) return [];
    if (block <= this.setup.length) return this.setup[block - 1];
    const k = block - this.setup.length - 1;
    return lifecycleTxs(Math.floor(k / 8), T0 + block * 2)[k % 8];
  }

  private readonly cache = new Map<number, unknown[]>();

  /** Encodes every block's logs up front (optional): the timed catch-up then measures the indexer alone. */
  pregenerate(): void {
    for (let b = 1; b <= this.head; b++) this.cache.set(b, this.logsOf(b));
  }

  private logsOf(b: number): unknown[] {
    return this.txOf(b).map(([iface, address, name, args], logIndex) => {
      const { data, topics } = iface.encodeEventLog(name, args);
      return {
        address, topics, data, logIndex: ethers.toBeHex(logIndex), blockNumber: ethers.toBeHex(b),
        blockHash: this.hash(b), transactionHash: ethers.zeroPadValue(ethers.toBeHex(b), 32), transactionIndex: "0x0",
      };
    });
  }

  private hash(block: number): string {
    return ethers.zeroPadValue(ethers.toBeHex(block + 1), 32);
  }

  async send(method: string, params: unknown[]): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const started = performance.now();
    try {
      switch (method) {
        case "eth_blockNumber":
          return ethers.toBeHex(this.head);
        case "eth_getBlockByNumber": {
          const n = Number(params[0]);
          if (n > this.head) return null;
          return { number: ethers.toBeHex(n), hash: this.hash(n), parentHash: this.hash(n - 1), timestamp: ethers.toBeHex(T0 + n * 2) };
        }
        case "eth_getLogs": {
          const { fromBlock, toBlock } = params[0] as { fromBlock: string; toBlock: string };
          const out: unknown[] = [];
          for (let b = Number(fromBlock); b <= Math.min(Number(toBlock), this.head); b++) {
            const logs = this.cache.get(b) ?? this.logsOf(b);
            for (const l of logs) out.push(l);
          }
          return out;
        }
        default:
          throw new Error(`synthetic chain: ${method} is not supported`);
      }
    } finally {
      this.encodeMs += performance.now() - started;
    }
  }
}

function p95(samples: number[]): { p50: number; p95: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => Math.round(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] * 1000) / 1000;
  return { p50: at(0.5), p95: at(0.95), max: at(1) };
}

function time(n: number, f: (i: number) => unknown): { p50: number; p95: number; max: number } {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f(i);
    samples.push(performance.now() - t);
  }
  return p95(samples);
}

async function main(): Promise<void> {
  const file = path.join(DIR, "index.db");
  const chain = new SyntheticChain(TARGET_EVENTS);
  // Up to 300,000 events the logs are encoded before the clock starts; beyond that they would not fit in memory and
  // are encoded on demand (that time is measured and subtracted).
  if (TARGET_EVENTS <= 300_000) chain.pregenerate();
  chain.encodeMs = 0;
  const db = openIndexDb(file);
  const indexer = new Indexer({
    db,
    provider: chain,
    chainId: 31337,
    addresses: { ledger: LEDGER, token: TOKEN, forwarder: FORWARDER },
    fromBlock: 1,
    batchBlocks: 2000,
  });
  const started = performance.now();
  let lastReport = started;
  const progress = setInterval(() => {
    const now = performance.now();
    if (now - lastReport > 10_000) {
      lastReport = now;
      console.log(`  … ${indexer.logsIndexed} events, block ${indexer.status().indexedBlock}/${chain.head}`);
    }
  }, 1000);
  await indexer.syncOnce();
  clearInterval(progress);
  const wallMs = performance.now() - started;
  const events = db.prepare("SELECT COUNT(*) FROM events").pluck().get() as number;
  const indexerMs = wallMs - chain.encodeMs;
  const catchUp = {
    events,
    blocks: chain.head,
    wallSeconds: Math.round(wallMs) / 1000,
    syntheticNodeSeconds: Math.round(chain.encodeMs) / 1000,
    eventsPerSecondWall: Math.round(events / (wallMs / 1000)),
    eventsPerSecondIndexer: Math.round(events / (indexerMs / 1000)),
    dbBytes: fs.statSync(file).size + (fs.existsSync(file + "-wal") ? fs.statSync(file + "-wal").size : 0),
  };
  console.log("catch-up", catchUp);
  if (process.env.BENCH_CATCHUP_ONLY) return;

  const L = chain.lifecycles;
  const rnd = (i: number, m: number) => ((i * 2654435761) >>> 0) % m;
  const operator: Scope = { orgId: "0", role: "operator" };
  const buyer = (i: number): Scope => ({ orgId: String(buyerId(i)), role: "buyer" });
  const supplier = (i: number): Scope => ({ orgId: String(supplierId(i)), role: "supplier" });
  const bank = (i: number): Scope => ({ orgId: String(bankId(i)), role: "officer" });
  const N = 2000;
  // A deep page: the cursor from the middle of an organisation's history.
  const midCursor = (scope: Scope) => {
    let cursor: string | undefined;
    for (let k = 0; k < 20; k++) cursor = listEvents(db, { limit: 500, cursor }, scope).nextCursor ?? undefined;
    return cursor;
  };
  const deep = midCursor(supplier(3));
  const queries = {
    "entityHistory invoice (operator)": time(N, (i) => entityHistory(db, "invoice", String(1 + rnd(i, L)), operator)),
    "entityHistory financing (its supplier)": time(N, (i) => {
      const id = 1 + rnd(i, L);
      return entityHistory(db, "financing", String(id), supplier((id - 1) * 13));
    }),
    "listEvents page of 50 (operator, no filter, newest)": time(N, () => listEvents(db, { order: "desc" }, operator)),
    "listEvents page of 50 (buyer scope)": time(N, (i) => listEvents(db, {}, buyer(i))),
    "listEvents page of 50 (supplier scope, deep cursor)": time(N, () => listEvents(db, { cursor: deep }, supplier(3))),
    "listEvents page of 50 (bank scope, eventType=FinancingApproved)": time(N, (i) => listEvents(db, { eventType: "FinancingApproved" }, bank(i))),
    "listEvents page of 50 (buyer scope, rare eventType)": time(N, (i) => listEvents(db, { eventType: "InvoiceDisputed" }, buyer(i))),
    "listEvents page of 50 (operator, orgId filter)": time(N, (i) => listEvents(db, { orgId: String(supplierId(i)) }, operator)),
    "listEvents page of 50 (operator, eventType, block range)": time(N, (i) =>
      listEvents(db, { eventType: "OrderIssued", fromBlock: rnd(i, chain.head), toBlock: chain.head }, operator)),
    "listEvents by entity (operator)": time(N, (i) => listEvents(db, { entityType: "order", entityId: String(1 + rnd(i, L)) }, operator)),
    "listEvents time window (operator)": time(N, (i) => {
      const b = rnd(i, chain.head);
      return listEvents(db, { from: new Date((T0 + b * 2) * 1000).toISOString(), to: new Date((T0 + b * 2 + 600) * 1000).toISOString() }, operator);
    }),
    "getInvoice (buyer scope)": time(N, (i) => getInvoice(db, String(1 + rnd(i, L)), buyer(i))),
    "listInvoices page of 50 (supplier scope, status=paid)": time(N, (i) => listInvoices(db, { status: "paid" }, supplier(i))),
    "listFinancingRequests page of 50 (bank scope)": time(N, (i) => listFinancingRequests(db, {}, bank(i))),
  };
  console.table(queries);

  const result = {
    catchUp,
    queriesMs: queries,
    notes:
      "Synthetic chain in-process (one tx per block, real ABIs); eventsPerSecondIndexer excludes the synthetic node's log-encoding time. " +
      "Query latencies are single-threaded calls of the repo functions on the file-backed WAL database after catch-up, 2,000 samples each.",
    node: process.version,
    measuredAt: new Date().toISOString(),
  };
  fs.mkdirSync(path.join(__dirname, "..", "bench"), { recursive: true });
  fs.writeFileSync(path.join(__dirname, "..", "bench", "indexer.json"), JSON.stringify(result, null, 2) + "\n");
  console.log(`wrote bench/indexer.json (index at ${file})`);
  db.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

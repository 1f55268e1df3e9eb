import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { openIndexDb, type Database } from "../../../server/src/db/sqlite";
import { Indexer, type RpcBlock, type RpcProvider } from "../../../server/src/indexer/indexer";
import { EventDecoder, jsonArgs, rawLogFromReceipt, rawLogFromRpc, type RawLog } from "../../../server/src/chain/abi";
import { SettlementToken__factory, TrellisLedger__factory } from "../../../typechain-types";
import { getOrganization, listOrganizations, orgIdOfAccount } from "../../../server/src/orgs/repo";
import { getOrder, listOrders } from "../../../server/src/orders/repo";
import { getInvoice, listDisputes, listInvoices } from "../../../server/src/invoices/repo";
import { getFinancingRequest, listFinancingRequests } from "../../../server/src/financing/repo";
import { getPolicy, getSupplierProfile } from "../../../server/src/policy/repo";
import { entityHistory, iterateEvents, listEvents, verifyEvent } from "../../../server/src/audit/repo";
import { serviceAnalytics } from "../../../server/src/analytics/repo";
import type { Scope } from "../../../server/src/shared/scope";
import { DomainEventBus, type DomainEvents } from "../../../server/src/shared/domain-events";
import { commitment, DAY, deployNetwork, invoiceOf, label, ORG, requestOf, type Network } from "../../helpers/ledger-fixture";

/**
 * The names reach the chain only as commitments; the parties' gateway reveals them from its commitments table. Here
 * the fixture's own openings stand in for that table.
 */
const NAMES = ["Acme Motors", "Pearl River Parts", "Bank A", "Bank B", "Borealis Trucks", "Quarry Castings", "Ledger Audit"];
const OPENINGS = new Map(NAMES.map((name) => [commitment(name).toLowerCase(), name]));
const reveal = (c: string) => OPENINGS.get(c.toLowerCase());

const operator: Scope = { orgId: "0", role: "operator" };
const acme: Scope = { orgId: "1", role: "buyer" };
const borealis: Scope = { orgId: "5", role: "buyer" };
const pearl: Scope = { orgId: "2", role: "supplier" };
const quarry: Scope = { orgId: "6", role: "supplier" };
const bankA: Scope = { orgId: "3", role: "officer" };
const bankB: Scope = { orgId: "4", role: "officer" };

/** Hardhat's in-process provider speaks raw JSON-RPC through `send`, which is all the indexer needs. */
const rpc: RpcProvider = { send: (method, params) => ethers.provider.send(method, params as unknown[]) };

interface Story extends Network {
  fromBlock: number;
  /** Invoice 1: fast-track at bank A, disbursed, paid in two parts (repaid). */
  fast: { orderId: bigint; invoiceId: bigint; requestId: bigint };
  /** Invoice 2: maker-checker at bank A, approved by two officers, not disbursed. */
  checked: { invoiceId: bigint; requestId: bigint };
  /** Invoice 3 (Borealis -> Quarry): rejected by bank A. */
  rejected: { invoiceId: bigint; requestId: bigint };
  /** Invoice 4: disputed then the dispute withdrawn. */
  disputed: { invoiceId: bigint };
}

/** The shared network plus one of each path through the ledger, so every projection has rows to check. */
async function story(): Promise<Story> {
  const fromBlock = (await ethers.provider.getBlockNumber()) + 1;
  const n = await deployNetwork();
  const { ledger } = n.contracts;
  const s = n.signers;

  const fast = await invoiceOf(n, 400_000_00n);
  const fastRequest = await requestOf(n, fast.invoiceId, ORG.bankA, 360_000_00n);
  await ledger.connect(s.officerA1).approveFinancing(fastRequest);
  await ledger.connect(s.officerA1).disburseFinancing(fastRequest);
  await ledger.connect(s.buyer).payInvoice(fast.invoiceId, 100_000_00n);
  await ledger.connect(s.buyer).payInvoice(fast.invoiceId, 300_000_00n);

  const checked = await invoiceOf(n, 700_000_00n);
  const checkedRequest = await requestOf(n, checked.invoiceId, ORG.bankA, 600_000_00n);
  await ledger.connect(s.officerA1).approveFinancing(checkedRequest);
  await time.increase(3600);
  await ledger.connect(s.officerA2).approveFinancing(checkedRequest);

  const rej = await invoiceOf(n, 200_000_00n, { buyer: s.buyer2, supplier: s.supplier2, supplierOrgId: ORG.quarry });
  const rejRequest = await requestOf(n, rej.invoiceId, ORG.bankA, 100_000_00n, s.supplier2);
  await ledger.connect(s.officerA2).rejectFinancing(rejRequest, 3, ethers.id("too risky"));

  const disp = await invoiceOf(n, 50_000_00n, { confirm: false });
  await ledger.connect(s.buyer).disputeInvoice(disp.invoiceId, 7, ethers.id("wrong quantity"));
  await time.increase(7200);
  await ledger.connect(s.buyer).withdrawDispute(disp.invoiceId);

  return {
    ...n,
    fromBlock,
    fast: { orderId: fast.orderId, invoiceId: fast.invoiceId, requestId: fastRequest },
    checked: { invoiceId: checked.invoiceId, requestId: checkedRequest },
    rejected: { invoiceId: rej.invoiceId, requestId: rejRequest },
    disputed: { invoiceId: disp.invoiceId },
  };
}

function tempDb(): { file: string; db: Database } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trellis-index-"));
  const file = path.join(dir, "index.db");
  return { file, db: openIndexDb(file) };
}

async function indexerFor(
  n: Story,
  db: Database,
  provider: RpcProvider = rpc,
  recentHeader?: (n: number) => RpcBlock | undefined,
  events?: DomainEventBus,
  batchBlocks = 25,
  recentLogs?: (n: number) => RawLog[] | undefined,
): Promise<Indexer> {
  return new Indexer({
    recentHeader,
    recentLogs,
    events,
    reveal,
    db,
    provider,
    chainId: 31337,
    addresses: {
      ledger: await n.contracts.ledger.getAddress(),
      token: await n.contracts.token.getAddress(),
      forwarder: await n.contracts.forwarder.getAddress(),
    },
    fromBlock: n.fromBlock,
    batchBlocks,
  });
}

const count = (db: Database, table: string): number => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

/** Every projection and audit table, for "nothing changed" comparisons. */
function snapshotTables(db: Database): Record<string, unknown[]> {
  const tables = [
    "organizations", "members", "orders", "invoices", "disputes", "payments", "financing_requests", "financing_approvals",
    "financing_repayments", "bank_policies", "trusted_buyers", "credit_records", "token_transfers", "events", "event_orgs", "raw_logs",
  ];
  return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]));
}

describe("Indexer", function () {
  describe("syncOnce", function () {
    it("indexes a whole lifecycle into the projections and the audit trail", async function () {
      const n = await loadFixture(story);
      const { db } = tempDb();
      const indexer = await indexerFor(n, db);
      const head = await ethers.provider.getBlockNumber();
      expect(await indexer.syncOnce()).to.equal(head);
      expect(indexer.status()).to.deep.equal({ headBlock: head, indexedBlock: head, caughtUp: true, lagBlocks: 0 });

      // Every log of the three contracts is stored raw, and every decodable one has an audit row.
      const logs = await ethers.provider.send("eth_getLogs", [
        { address: [await n.contracts.ledger.getAddress(), await n.contracts.token.getAddress()], fromBlock: "0x0", toBlock: "latest" },
      ]);
      expect(count(db, "raw_logs")).to.equal(logs.length);
      expect(count(db, "events")).to.equal(logs.length);
      expect(count(db, "organizations")).to.equal(7);
      expect(count(db, "orders")).to.equal(4);
      expect(count(db, "invoices")).to.equal(4);
      expect(count(db, "financing_requests")).to.equal(3);
      expect(count(db, "financing_approvals")).to.equal(3);
      expect(count(db, "payments")).to.equal(2);
      expect(count(db, "financing_repayments")).to.equal(2);
      expect(count(db, "disputes")).to.equal(1);
    });

    it("decodes every log exactly as the ethers ABI coder does", async function () {
      const n = await loadFixture(story);
      const ledger = await n.contracts.ledger.getAddress();
      const token = await n.contracts.token.getAddress();
      const decoder = new EventDecoder({ ledger, token, forwarder: await n.contracts.forwarder.getAddress() });
      const logs = await ethers.provider.send("eth_getLogs", [{ address: [ledger, token], fromBlock: "0x0", toBlock: "latest" }]);
      const names = new Set<string>();
      for (const l of logs) {
        const iface = l.address.toLowerCase() === ledger.toLowerCase() ? TrellisLedger__factory.createInterface() : SettlementToken__factory.createInterface();
        const parsed = iface.parseLog(l)!;
        const expected = Object.fromEntries(
          parsed.fragment.inputs.map((input, i) => [input.name, input.type === "address" ? parsed.args[i].toLowerCase() : parsed.args[i]]),
        );
        const ours = decoder.decode(rawLogFromRpc(l))!;
        expect(ours.name).to.equal(parsed.name);
        expect(jsonArgs(ours.args)).to.deep.equal(jsonArgs(expected));
        names.add(parsed.name);
      }
      expect(names.size).to.be.greaterThan(15);
    });

    it("answers the API's record shapes", async function () {
      const n = await loadFixture(story);
      const { db } = tempDb();
      await (await indexerFor(n, db)).syncOnce();
      const chainOrder = await n.contracts.ledger.order(n.fast.orderId);
      const inv = await n.contracts.ledger.invoice(n.fast.invoiceId);

      const org = getOrganization(db, "1", acme)!;
      expect(org).to.deep.include({ id: "1", kind: "core_enterprise", name: "Acme Motors", status: "active" });
      expect(org.treasury).to.equal(n.signers.acmeTreasury.address.toLowerCase());
      expect(org.kycHash).to.equal(ethers.id("kyc-1"));
      expect(listOrganizations(db, { kind: "bank" }).items.map((o) => o.name)).to.deep.equal(["Bank A", "Bank B"]);
      expect(orgIdOfAccount(db, n.signers.officerA2.address)).to.equal("3");

      const order = getOrder(db, String(n.fast.orderId), operator)!;
      expect(order).to.deep.include({
        id: "1",
        status: "accepted",
        buyerOrgId: "1",
        buyerName: "Acme Motors",
        supplierOrgId: "2",
        supplierName: "Pearl River Parts",
        amount: "400000.00",
        invoiced: "400000.00",
        remaining: "0.00",
        currency: "TDT",
        documentHash: ethers.id("po"),
      });
      expect(chainOrder.invoiced).to.equal(40_000_000n);
      // The fixture's reference has no opening in this index: a gateway that does not hold it shows the commitment.
      expect(order.reference).to.match(/^0x[0-9a-f]{64}$/);
      expect(Object.keys(order).sort()).to.deep.equal(
        ["id", "status", "buyerOrgId", "buyerName", "supplierOrgId", "supplierName", "amount", "invoiced", "remaining", "currency",
          "reference", "rejection", "dueDate", "documentHash", "createdAt", "updatedAt"].sort(),
      );
      expect(order.dueDate).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);

      const invoice = getInvoice(db, String(n.fast.invoiceId), operator)!;
      expect(invoice).to.deep.include({
        id: "1",
        status: "paid",
        orderId: "1",
        supplierOrgId: "2",
        buyerOrgId: "1",
        buyerName: "Acme Motors",
        amount: "400000.00",
        paid: "400000.00",
        outstanding: "0.00",
        financingRequestId: "1",
        financed: true,
        dispute: null,
        dueDate: new Date(Number(inv.dueDate) * 1000).toISOString(),
      });
      expect(invoice.invoiceNumber).to.match(/^0x[0-9a-f]{64}$/);
      expect(invoice.confirmedAt).to.be.a("string");

      const fast = getFinancingRequest(db, String(n.fast.requestId), operator)!;
      const onChain = await n.contracts.ledger.financingRequest(n.fast.requestId);
      expect(fast).to.deep.include({
        id: "1",
        status: "repaid",
        invoiceId: "1",
        bankOrgId: "3",
        bankName: "Bank A",
        supplierOrgId: "2",
        buyerOrgId: "1",
        amount: "360000.00",
        path: "fast-track",
        approvalsRequired: 1,
        discountRateBps: 1200,
        repaid: "360000.00",
        outstanding: "0.00",
        rejection: null,
      });
      expect(fast.approvals).to.deep.equal([
        { officer: n.signers.officerA1.address.toLowerCase(), at: new Date(Number(onChain.decidedAt) * 1000).toISOString() },
      ]);
      expect(fast.decidedAt).to.equal(new Date(Number(onChain.decidedAt) * 1000).toISOString());
      expect(fast.disbursedAt).to.equal(new Date(Number(onChain.disbursedAt) * 1000).toISOString());
      expect(Number(fast.discount) + Number(fast.netAmount)).to.equal(360000);

      const checked = getFinancingRequest(db, String(n.checked.requestId), operator)!;
      expect(checked).to.deep.include({ status: "approved", path: "maker-checker", approvalsRequired: 2, discount: null, netAmount: null });
      expect(checked.approvals.map((a) => a.officer)).to.deep.equal(
        [n.signers.officerA1.address, n.signers.officerA2.address].map((a) => a.toLowerCase()),
      );

      const rejected = getFinancingRequest(db, String(n.rejected.requestId), operator)!;
      expect(rejected).to.deep.include({ status: "rejected", rejection: { reasonCode: 3, reason: null, officer: n.signers.officerA2.address.toLowerCase() } });

      const disputed = getInvoice(db, String(n.disputed.invoiceId), operator)!;
      expect(disputed).to.deep.include({ status: "issued", dispute: null, financingRequestId: null, financed: false });
      const [d] = listDisputes(db, {}, acme).items;
      expect(d).to.deep.include({ invoiceId: String(n.disputed.invoiceId), reasonCode: 7, status: "resolved", resolution: "withdrawn" });
    });

    it("keeps policies and credit records as the ledger does", async function () {
      const n = await loadFixture(story);
      const { db } = tempDb();
      await (await indexerFor(n, db)).syncOnce();
      const policy = getPolicy(db, "3", bankA)!;
      expect(policy).to.deep.include({ bankOrgId: "3", bankName: "Bank A", advanceRateBps: 9000, discountRateBps: 1200, fastTrackLimit: "500000.00" });
      expect(policy.trustedBuyers).to.deep.equal(["1"]);
      for (const [bank, supplier] of [[3n, 2n], [3n, 6n], [4n, 2n]]) {
        const rec = await n.contracts.ledger.creditRecord(bank, supplier);
        const profile = getSupplierProfile(db, String(supplier), operator)!;
        const mine = profile.creditRecords.find((c) => c.bankOrgId === String(bank))!;
        expect(mine).to.deep.include({
          limit: (Number(rec.limit) / 100).toFixed(2),
          utilised: (Number(rec.utilised) / 100).toFixed(2),
          financed: Number(rec.financed),
          repaidOnTime: Number(rec.repaidOnTime),
          repaidLate: Number(rec.repaidLate),
          overdue: Number(rec.overdue),
          defaulted: Number(rec.defaulted),
          overdueOpen: Number(rec.overdueOpen),
        });
      }
      expect(getSupplierProfile(db, "2", pearl)!.creditRecords).to.have.length(2);
      // Bank B never was asked by Quarry and set it no limit.
      expect(getSupplierProfile(db, "6", bankB)).to.equal(undefined);
      expect(getSupplierProfile(db, "2", bankB)!.creditRecords.map((c) => c.bankOrgId)).to.deep.equal(["4"]);
      // Another bank sees only Bank A's public terms: no fast-track list, no credit limits.
      const seenByB = getPolicy(db, "3", bankB)!;
      expect(seenByB).to.deep.include({ advanceRateBps: 9000, fastTrackLimit: "500000.00", trustedBuyers: [], creditLimits: [] });
      // A supplier sees its own credit limit only.
      expect(getPolicy(db, "3", pearl)!.creditLimits.map((c) => c.supplierOrgId)).to.deep.equal(["2"]);
      expect(getPolicy(db, "1", operator)).to.equal(undefined); // not a bank
    });
  });

  describe("restart", function () {
    it("resumes from the checkpoint without fetching or duplicating indexed blocks", async function () {
      const n = await loadFixture(story);
      const { file, db } = tempDb();
      const first = await indexerFor(n, db);
      const indexed = await first.syncOnce();
      const before = snapshotTables(db);
      db.close();

      const calls: { method: string; params: unknown[] }[] = [];
      const spy: RpcProvider = { send: (method, params) => (calls.push({ method, params }), rpc.send(method, params)) };
      const db2 = openIndexDb(file);
      const second = await indexerFor(n, db2, spy);
      expect(second.status().indexedBlock).to.equal(indexed);
      await second.syncOnce();
      expect(calls.filter((c) => c.method === "eth_getLogs")).to.have.length(0);
      expect(snapshotTables(db2)).to.deep.equal(before);

      const { invoiceId } = await invoiceOf(n, 10_000_00n);
      await second.syncOnce();
      const getLogs = calls.filter((c) => c.method === "eth_getLogs").map((c) => Number((c.params[0] as { fromBlock: string }).fromBlock));
      expect(Math.min(...getLogs)).to.equal(indexed + 1);
      expect(getInvoice(db2, String(invoiceId), acme)!.status).to.equal("confirmed");
      expect(count(db2, "raw_logs")).to.equal(count(db2, "events"));
    });

    it("re-processing an indexed range changes nothing", async function () {
      const n = await loadFixture(story);
      const { db } = tempDb();
      const indexer = await indexerFor(n, db);
      await indexer.syncOnce();
      const before = snapshotTables(db);
      // Pretend the checkpoint was never moved past the deployment: every range is fetched and applied again.
      db.prepare("UPDATE checkpoint SET block_number = ?, block_hash = NULL").run(n.fromBlock - 1);
      await indexer.syncOnce();
      expect(snapshotTables(db)).to.deep.equal(before);
    });
  });

  describe("lent headers", function () {
    const header = async (n: number) => (await rpc.send("eth_getBlockByNumber", ["0x" + n.toString(16), false])) as RpcBlock;

    it("uses headers fetched by someone else for blocks with logs instead of asking the node again, and indexes the same", async function () {
      const n = await loadFixture(story);
      const reference = tempDb();
      const unlent: string[] = [];
      await (await indexerFor(n, reference.db, { send: (method, params) => (unlent.push(method), rpc.send(method, params)) })).syncOnce();

      const head = await ethers.provider.getBlockNumber();
      const lent = new Map<number, RpcBlock>();
      for (let b = n.fromBlock; b <= head; b++) lent.set(b, await header(b));
      const calls: string[] = [];
      const spy: RpcProvider = { send: (method, params) => (calls.push(method), rpc.send(method, params)) };
      const { db } = tempDb();
      await (await indexerFor(n, db, spy, (b) => lent.get(b))).syncOnce();
      // Only a range's first or last block without logs is still fetched.
      const ranges = calls.filter((m) => m === "eth_getLogs").length;
      const headersFetched = calls.filter((m) => m === "eth_getBlockByNumber").length;
      expect(headersFetched).to.be.at.most(2 * ranges);
      expect(headersFetched).to.be.lessThan(unlent.filter((m) => m === "eth_getBlockByNumber").length / 4);
      expect(snapshotTables(db)).to.deep.equal(snapshotTables(reference.db));
    });

    /** Every block's logs from its transactions' receipts, as the relayer lends them for blocks of its own. */
    const receiptLogs = async (from: number, to: number) => {
      const out = new Map<number, RawLog[]>();
      for (let b = from; b <= to; b++) {
        const block = (await rpc.send("eth_getBlockByNumber", ["0x" + b.toString(16), false])) as { transactions: string[] };
        const logs: RawLog[] = [];
        for (const h of block.transactions) {
          const r = await ethers.provider.getTransactionReceipt(h);
          for (const l of r!.logs) logs.push(rawLogFromReceipt(l));
        }
        out.set(b, logs);
      }
      return out;
    };

    it("indexes blocks whose logs are lent from the relayer's receipts without asking the node for logs, and indexes the same", async function () {
      const n = await loadFixture(story);
      const reference = tempDb();
      await (await indexerFor(n, reference.db)).syncOnce();
      const head = await ethers.provider.getBlockNumber();
      const lent = new Map<number, RpcBlock>();
      for (let b = n.fromBlock; b <= head; b++) lent.set(b, await header(b));
      const logs = await receiptLogs(n.fromBlock, head);
      const calls: string[] = [];
      const spy: RpcProvider = { send: (method, params) => (calls.push(method), rpc.send(method, params)) };
      const { db } = tempDb();
      await (await indexerFor(n, db, spy, (b) => lent.get(b), undefined, 25, (b) => logs.get(b))).syncOnce();
      expect(calls.filter((m) => m === "eth_getLogs"), "every range from the lent receipts").to.deep.equal([]);
      expect(snapshotTables(db)).to.deep.equal(snapshotTables(reference.db));

      // A block the relayer does not know whole (here: every other one) sends its range to the node, with the same result.
      const calls2: string[] = [];
      const spy2: RpcProvider = { send: (method, params) => (calls2.push(method), rpc.send(method, params)) };
      const second = tempDb();
      await (await indexerFor(n, second.db, spy2, (b) => lent.get(b), undefined, 25, (b) => (b % 2 === 0 ? logs.get(b) : undefined))).syncOnce();
      expect(calls2.filter((m) => m === "eth_getLogs").length).to.be.greaterThan(0);
      expect(snapshotTables(second.db)).to.deep.equal(snapshotTables(reference.db));
    });

    it("does not trust a lent header that disagrees with the chain: the range is fetched again", async function () {
      const n = await loadFixture(story);
      const reference = tempDb();
      await (await indexerFor(n, reference.db)).syncOnce();

      // Every lent header claims another hash (as a header from before a reorg would).
      const forged = async (b: number) => ({ ...(await header(b)), hash: "0x" + "ee".repeat(32) });
      const head = await ethers.provider.getBlockNumber();
      const lent = new Map<number, RpcBlock>();
      for (let b = n.fromBlock; b <= head; b++) lent.set(b, await forged(b));
      const { db } = tempDb();
      await (await indexerFor(n, db, rpc, (b) => lent.get(b))).syncOnce();
      expect(snapshotTables(db)).to.deep.equal(snapshotTables(reference.db));
    });
  });

  describe("reorgs", function () {
    it("rolls back to the common ancestor and re-indexes the new branch", async function () {
      const n = await loadFixture(story);
      const { db } = tempDb();
      const indexer = await indexerFor(n, db);
      const { ledger, token } = n.contracts;
      const due = (await time.latest()) + 90 * DAY;
      const snapshot = await network.provider.send("evm_snapshot", []);
      await ledger.connect(n.signers.buyer).issueOrder(ORG.pearl, await token.getAddress(), 123_00n, due, label("PO"), ethers.id("a"));
      const orphanId = await ledger.orderCount();
      await ledger.connect(n.signers.supplier).acceptOrder(orphanId);
      await indexer.syncOnce();
      const orphanBlock = indexer.status().indexedBlock;
      expect(getOrder(db, String(orphanId), operator)).to.deep.include({ status: "accepted", amount: "123.00" });
      const orphanTx = (db.prepare("SELECT tx_hash FROM events WHERE block_number = ?").pluck().get(orphanBlock)) as string;

      await network.provider.send("evm_revert", [snapshot]);
      // The other branch: a different order in the same block height, then more blocks than the orphaned branch had.
      await ledger.connect(n.signers.buyer).issueOrder(ORG.pearl, await token.getAddress(), 456_00n, due, label("PO"), ethers.id("b"));
      await network.provider.send("hardhat_mine", ["0x3"]);
      const head = await indexer.syncOnce();

      expect(head).to.equal(await ethers.provider.getBlockNumber());
      expect(getOrder(db, String(orphanId), operator)).to.deep.include({ status: "issued", amount: "456.00" });
      expect(db.prepare("SELECT COUNT(*) FROM events WHERE tx_hash = ?").pluck().get(orphanTx)).to.equal(0);
      expect(entityHistory(db, "order", String(orphanId), operator)!.map((e) => e.eventType)).to.deep.equal(["OrderIssued"]);
      expect(count(db, "raw_logs")).to.equal(count(db, "events"));
      // The rolled-back projections equal a fresh index of the same chain.
      const fresh = tempDb().db;
      await (await indexerFor(n, fresh)).syncOnce();
      const { raw_logs: _a, events: _b, event_orgs: _c, ...mine } = snapshotTables(db);
      const { raw_logs: _d, events: _e, event_orgs: _f, ...theirs } = snapshotTables(fresh);
      expect(mine).to.deep.equal(theirs);
      expect(snapshotTables(db).events).to.deep.equal(snapshotTables(fresh).events);
    });

    it("detects a shorter new branch", async function () {
      const n = await loadFixture(story);
      const { db } = tempDb();
      const indexer = await indexerFor(n, db);
      const snapshot = await network.provider.send("evm_snapshot", []);
      const { invoiceId } = await invoiceOf(n, 5_000_00n);
      await indexer.syncOnce();
      expect(getInvoice(db, String(invoiceId), operator)).to.not.equal(undefined);
      await network.provider.send("evm_revert", [snapshot]);
      await network.provider.send("hardhat_mine", ["0x1"]);
      await indexer.syncOnce();
      expect(getInvoice(db, String(invoiceId), operator)).to.equal(undefined);
      expect(indexer.status().indexedBlock).to.equal(await ethers.provider.getBlockNumber());
    });
  });

  describe("waitFor", function () {
    it("indexes a just-mined block at once instead of waiting for the poll", async function () {
      const n = await loadFixture(story);
      const { db } = tempDb();
      const indexer = new Indexer({
        db,
        provider: rpc,
        chainId: 31337,
        addresses: {
          ledger: await n.contracts.ledger.getAddress(),
          token: await n.contracts.token.getAddress(),
          forwarder: await n.contracts.forwarder.getAddress(),
        },
        fromBlock: n.fromBlock,
        pollIntervalMs: 60_000,
      });
      indexer.start();
      try {
        await indexer.waitFor(await ethers.provider.getBlockNumber());
        const receipt = await (await n.contracts.ledger.connect(n.signers.buyer).confirmInvoice(n.disputed.invoiceId)).wait();
        const started = Date.now();
        await indexer.waitFor(receipt!.blockNumber);
        expect(Date.now() - started).to.be.lessThan(1000);
        expect(getInvoice(db, String(n.disputed.invoiceId), acme)!.status).to.equal("confirmed");
        await expectRejection(indexer.waitFor(receipt!.blockNumber + 50, 200));
      } finally {
        await indexer.stop();
      }
    });

    it("a burst of waiters for a block the running sync reaches is answered by it, with no head lookup behind it", async function () {
      const n = await loadFixture(story);
      const { db } = tempDb();
      const calls: string[] = [];
      const counting: RpcProvider = { send: (method, params) => (calls.push(method), rpc.send(method, params)) };
      const indexer = await indexerFor(n, db, counting);
      await indexer.syncOnce();
      const receipt = await (await n.contracts.ledger.connect(n.signers.buyer).confirmInvoice(n.disputed.invoiceId)).wait();
      calls.length = 0;
      // The first waiter starts a sync that takes its block as the head; the others arrive while it runs.
      const first = indexer.waitFor(receipt!.blockNumber);
      const others = Array.from({ length: 5 }, () => indexer.waitFor(receipt!.blockNumber));
      await Promise.all([first, ...others]);
      expect(indexer.indexedBlock()).to.equal(receipt!.blockNumber);
      expect(calls, "one range fetched, no eth_blockNumber and no reorg check of a second sync").to.not.include("eth_blockNumber");
      expect(calls.filter((m) => m === "eth_getLogs")).to.have.length(1);
      expect(getInvoice(db, String(n.disputed.invoiceId), acme)!.status).to.equal("confirmed");
    });
  });

  describe("domain events", function () {
    /** A bus recording every invoiceConfirmed, with the invoice's status as another connection reads it then. */
    function recorder(file: string) {
      const events = new DomainEventBus();
      const other = openIndexDb(file);
      const seen: (DomainEvents["invoiceConfirmed"] & { committedStatus: string | undefined })[] = [];
      events.on("invoiceConfirmed", (e) => {
        const committedStatus = other.prepare("SELECT status FROM invoices WHERE id = ?").pluck().get(Number(e.invoiceId)) as string | undefined;
        seen.push({ ...e, committedStatus });
      });
      return { events, seen };
    }

    it("publishes invoiceConfirmed once per confirmation, after the range is committed", async function () {
      const n = await loadFixture(story);
      const { file, db } = tempDb();
      const { events, seen } = recorder(file);
      // The whole story in one range, so invoice 1's payments are committed with its confirmation.
      const indexer = await indexerFor(n, db, rpc, undefined, events, 10_000);
      await indexer.syncOnce();
      await indexer.waitFor(indexer.indexedBlock());
      const rows = db.prepare("SELECT entity_id, block_number, tx_hash, actor FROM events WHERE event_type = 'InvoiceConfirmed' ORDER BY seq").all() as {
        entity_id: string;
        block_number: number;
        tx_hash: string;
        actor: string;
      }[];
      expect(rows.map((r) => r.entity_id)).to.deep.equal([n.fast.invoiceId, n.checked.invoiceId, n.rejected.invoiceId].map(String));
      // Another connection already sees the whole committed range: invoice 1 was paid in the same range.
      const committed = ["paid", "confirmed", "confirmed"];
      expect(seen).to.deep.equal(
        rows.map((r, i) => ({ invoiceId: r.entity_id, blockNumber: r.block_number, txHash: r.tx_hash, actor: r.actor, committedStatus: committed[i] })),
      );
      expect(seen.map((e) => e.actor)).to.deep.equal([n.signers.buyer.address, n.signers.buyer.address, n.signers.buyer2.address].map((a) => a.toLowerCase()));

      // A re-processed range projects nothing new, so it raises nothing either.
      db.prepare("UPDATE checkpoint SET block_number = ?, block_hash = NULL").run(n.fromBlock - 1);
      await indexer.syncOnce();
      expect(seen).to.have.length(3);
    });

    it("raises nothing when a reorg replays the surviving logs, and raises again for a confirmation on the new branch", async function () {
      const n = await loadFixture(story);
      const { file, db } = tempDb();
      const { events, seen } = recorder(file);
      const indexer = await indexerFor(n, db, rpc, undefined, events);
      await indexer.syncOnce();
      const snapshot = await network.provider.send("evm_snapshot", []);
      const { invoiceId } = await invoiceOf(n, 5_000_00n);
      await indexer.syncOnce();
      expect(seen.map((e) => e.invoiceId)).to.deep.equal([n.fast.invoiceId, n.checked.invoiceId, n.rejected.invoiceId, invoiceId].map(String));

      await network.provider.send("evm_revert", [snapshot]);
      await network.provider.send("hardhat_mine", ["0x4"]);
      await indexer.syncOnce();
      expect(getInvoice(db, String(invoiceId), operator)).to.equal(undefined);
      expect(seen).to.have.length(4);

      const again = await invoiceOf(n, 6_000_00n);
      await indexer.syncOnce();
      expect(again.invoiceId).to.equal(invoiceId);
      expect(seen).to.have.length(5);
      expect(seen[4]).to.include({ invoiceId: String(invoiceId), committedStatus: "confirmed" });
      expect(seen[4].blockNumber).to.be.greaterThan(seen[3].blockNumber);
    });

    it("waitFor a block resolves only once the reactions to its range have finished", async function () {
      const n = await loadFixture(story);
      const { db } = tempDb();
      const events = new DomainEventBus();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const reacted: string[] = [];
      events.on("invoiceConfirmed", async (e) => {
        await gate;
        reacted.push(e.invoiceId);
      });
      const indexer = await indexerFor(n, db, rpc, undefined, events);
      await indexer.syncOnce();
      const receipt = await (await n.contracts.ledger.connect(n.signers.buyer).confirmInvoice(n.disputed.invoiceId)).wait();
      let resolved = false;
      const waiting = indexer.waitFor(receipt!.blockNumber).then(() => (resolved = true));
      await new Promise((r) => setTimeout(r, 300));
      // Indexed, but the reaction still runs: the waiter is held.
      expect(indexer.indexedBlock()).to.equal(receipt!.blockNumber);
      expect(getInvoice(db, String(n.disputed.invoiceId), acme)!.status).to.equal("confirmed");
      expect(resolved).to.equal(false);
      release();
      await waiting;
      expect(reacted).to.deep.equal([...[n.fast.invoiceId, n.checked.invoiceId, n.rejected.invoiceId].map(String), String(n.disputed.invoiceId)]);
    });

    it("a failing listener is logged and does not stop the others or the indexer", async function () {
      const n = await loadFixture(story);
      const { db } = tempDb();
      const warnings: unknown[] = [];
      const logger = { warn: (obj: unknown) => warnings.push(obj) } as unknown as import("pino").Logger;
      const events = new DomainEventBus(logger);
      const ok: string[] = [];
      events.on("invoiceConfirmed", () => {
        throw new Error("listener broke");
      });
      events.on("invoiceConfirmed", (e) => void ok.push(e.invoiceId));
      const indexer = await indexerFor(n, db, rpc, undefined, events);
      const head = await indexer.syncOnce();
      await indexer.waitFor(head);
      expect(ok).to.have.length(3);
      expect(warnings).to.have.length(3);
      expect((warnings[0] as { err: Error }).err.message).to.equal("listener broke");
      expect(indexer.status().caughtUp).to.equal(true);
    });
  });

  describe("scoping", function () {
    it("answers undefined for another organisation's rows", async function () {
      const n = await loadFixture(story);
      const { db } = tempDb();
      await (await indexerFor(n, db)).syncOnce();
      const fastOrder = String(n.fast.orderId);
      const fastInvoice = String(n.fast.invoiceId);
      const fastRequest = String(n.fast.requestId);
      expect(getOrder(db, fastOrder, acme)).to.not.equal(undefined);
      expect(getOrder(db, fastOrder, pearl)).to.not.equal(undefined);
      expect(getOrder(db, fastOrder, borealis)).to.equal(undefined);
      expect(getOrder(db, fastOrder, quarry)).to.equal(undefined);
      expect(getOrder(db, fastOrder, bankA)).to.not.equal(undefined); // its invoice was offered to bank A
      expect(getOrder(db, fastOrder, bankB)).to.equal(undefined);
      expect(getInvoice(db, fastInvoice, bankA)).to.not.equal(undefined);
      expect(getInvoice(db, fastInvoice, bankB)).to.equal(undefined);
      expect(getInvoice(db, String(n.disputed.invoiceId), bankA)).to.equal(undefined); // never offered to a bank
      expect(getFinancingRequest(db, fastRequest, acme)).to.not.equal(undefined);
      expect(getFinancingRequest(db, fastRequest, quarry)).to.equal(undefined);
      expect(getFinancingRequest(db, fastRequest, bankB)).to.equal(undefined);
      expect(getOrder(db, "999", operator)).to.equal(undefined);
      expect(getOrder(db, "abc", operator)).to.equal(undefined);
      expect(getOrder(db, fastOrder, { orgId: null, role: "buyer" })).to.equal(undefined);

      expect(listOrders(db, {}, borealis).items.map((o) => o.buyerOrgId)).to.deep.equal(["5"]);
      expect(listInvoices(db, {}, bankA).items.map((i) => i.id).sort()).to.deep.equal(["1", "2", "3"]);
      expect(listFinancingRequests(db, {}, bankB).items).to.deep.equal([]);
      expect(listFinancingRequests(db, { status: "approved" }, operator).items.map((r) => r.id)).to.deep.equal([String(n.checked.requestId)]);

      expect(entityHistory(db, "invoice", fastInvoice, borealis)).to.equal(undefined);
      expect(entityHistory(db, "invoice", fastInvoice, bankA)!.map((e) => e.eventType)).to.deep.equal([
        // The treasuries' token Transfers of the disbursement and of each payment's split belong to the history too.
        "OrderIssued", "OrderAccepted", "InvoiceIssued", "InvoiceConfirmed", "FinancingRequested", "FinancingApproved",
        "Transfer", "FinancingDisbursed", "Transfer", "InvoicePaymentMade", "FinancingRepaymentReceived",
        "Transfer", "Transfer", "InvoicePaymentMade", "FinancingRepaymentReceived",
      ]);
      const events = listEvents(db, { limit: 500 }, borealis).items;
      expect(events.length).to.be.greaterThan(0);
      expect(events.every((e) => e.orgIds.includes("5"))).to.equal(true);
      expect(listEvents(db, { entityType: "financing", entityId: fastRequest }, quarry).items).to.deep.equal([]);
    });
  });

  describe("audit queries", function () {
    it("pages through events by cursor without gaps or repeats, under every filter", async function () {
      const n = await loadFixture(story);
      const { db } = tempDb();
      await (await indexerFor(n, db)).syncOnce();
      const filters = [{}, { orgId: "2" }, { eventType: "FinancingApproved" }, { entityType: "invoice" as const, entityId: "1" }];
      for (const f of filters) {
        const all = [...iterateEvents(db, f, operator)];
        const paged: string[] = [];
        let cursor: string | undefined;
        do {
          const page = listEvents(db, { ...f, limit: 3, cursor }, operator);
          expect(page.items.length).to.be.at.most(3);
          paged.push(...page.items.map((e) => e.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(paged).to.deep.equal(all.map((e) => e.id));
        const seqs = all.map((e) => e.blockNumber * 1e6 + e.logIndex);
        expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
      }
      expect(listEvents(db, { eventType: "FinancingApproved" }, operator).items).to.have.length(3);
      const desc = listEvents(db, { order: "desc", limit: 2 }, operator).items;
      expect(desc[0].blockNumber).to.be.greaterThanOrEqual(desc[1].blockNumber);
      const first = listEvents(db, { limit: 1 }, operator).items[0];
      const byTime = listEvents(db, { to: first.timestamp, limit: 500 }, operator).items;
      expect(byTime.every((e) => e.timestamp <= first.timestamp)).to.equal(true);
      const approved = listEvents(db, { eventType: "FinancingApproved", limit: 1 }, operator).items[0];
      expect(approved).to.deep.include({ entityType: "financing", entityId: "1", chainId: 31337 });
      expect(approved.id).to.equal(`31337:${approved.blockNumber}:${approved.logIndex}`);
      expect(approved.args).to.deep.equal({ requestId: "1", officer: n.signers.officerA1.address.toLowerCase(), approvals: "1", required: "1" });
      expect(approved.orgIds.sort()).to.deep.equal(["1", "2", "3"]);
    });

    it("verifyEvent confirms an untouched row and reports a tampered one", async function () {
      const n = await loadFixture(story);
      const { db } = tempDb();
      await (await indexerFor(n, db)).syncOnce();
      const e = listEvents(db, { eventType: "FinancingDisbursed" }, operator).items[0];
      const ok = (await verifyEvent(db, rpc, e.txHash, e.logIndex, operator))!;
      expect(ok.match).to.equal(true);
      expect(ok.differences).to.deep.equal([]);
      expect(ok.onChain!.args).to.deep.equal(e.args);

      const tampered = { ...e.args, netAmount: "1" };
      db.prepare("UPDATE events SET args = ? WHERE tx_hash = ? AND log_index = ?").run(JSON.stringify(tampered), e.txHash, e.logIndex);
      const bad = (await verifyEvent(db, rpc, e.txHash, e.logIndex, operator))!;
      expect(bad.match).to.equal(false);
      expect(bad.differences.map((d) => d.field)).to.deep.equal(["args"]);

      db.prepare("UPDATE raw_logs SET data = '0x00' WHERE block_number = ? AND log_index = ?").run(e.blockNumber, e.logIndex);
      const worse = (await verifyEvent(db, rpc, e.txHash, e.logIndex, operator))!;
      expect(worse.differences.map((d) => d.field)).to.deep.equal(["data", "args"]);
      expect(await verifyEvent(db, rpc, e.txHash, e.logIndex, quarry)).to.equal(undefined);
      expect(await verifyEvent(db, rpc, e.txHash, 999, operator)).to.equal(undefined);
    });
  });

  describe("serviceAnalytics", function () {
    it("measures each bank's decisions", async function () {
      const n = await loadFixture(story);
      const { db } = tempDb();
      await (await indexerFor(n, db)).syncOnce();
      const a = serviceAnalytics(db, pearl);
      const [bankAStats, bankBStats] = a.banks;
      expect(bankAStats).to.deep.include({ bankOrgId: "3", requests: 3, decided: 3, approved: 2, rejected: 1, disbursed: 1 });
      expect(bankAStats.approvalRate).to.be.closeTo(2 / 3, 1e-4);
      // Only the first request took the fast-track: 600,000.00 is above the limit and bank A does not trust Borealis.
      expect(bankAStats.fastTrackShare).to.be.closeTo(1 / 3, 1e-4);
      const checked = getFinancingRequest(db, String(n.checked.requestId), operator)!;
      const seconds = (Date.parse(checked.decidedAt!) - Date.parse(checked.requestedAt)) / 1000;
      expect(seconds).to.be.greaterThanOrEqual(3600);
      expect(bankAStats.timeToDecisionSeconds.p95).to.equal(seconds);
      expect(bankAStats.timeToDecisionSeconds.count).to.equal(3);
      expect(bankBStats).to.deep.include({ requests: 0, approvalRate: null, fastTrackShare: null });
      expect(a.disputes).to.deep.include({ count: 1, open: 0, resolved: 1 });
      expect(a.disputes.avgResolutionSeconds).to.be.greaterThanOrEqual(7200);
    });
  });
});

async function expectRejection(p: Promise<unknown>): Promise<void> {
  let failed = false;
  await p.catch(() => (failed = true));
  expect(failed, "expected the promise to reject").to.equal(true);
}

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { keccak256, Wallet, type JsonRpcProvider } from "ethers";
import pino from "pino";
import { Journal } from "../../server/src/chain/journal";
import { startAnvil, startHardhatNode, type LocalNode } from "../../server/src/chain/local-node";
import { EARLY_MISSES_TO_PAUSE, EARLY_PAUSE, TxSender } from "../../server/src/chain/tx-sender";
import { RpcProvider } from "../../server/src/chain/rpc-provider";
import { openGatewayDb, type GatewayDb } from "../../server/src/store/gateway-db";
import { freePort } from "../../scripts/lib/processes";

/** The first accounts of the standard development mnemonic, funded by Anvil (and Hardhat) at genesis. */
const KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
];

describe("TxSender", function () {
  this.timeout(60_000);
  let node: LocalNode;
  let dir: string;
  let db: GatewayDb;
  let provider: JsonRpcProvider;
  let calls: Record<string, number>;

  const rpc = (method: string, params: unknown[] = []) => provider.send(method, params);

  beforeEach(async () => {
    node = await startAnvil(await freePort());
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "trellis-sender-"));
    db = openGatewayDb(dir);
    provider = new RpcProvider(node.url, 31337);
    calls = {};
    countCalls(provider, calls);
  });

  afterEach(async () => {
    provider.destroy();
    db.close();
    await node.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const sender = (opts?: { receiptTimeoutMs?: number }) => new TxSender(provider, new Journal(db), 31337n, pino({ level: "silent" }), opts);
  const wallets = () => KEYS.slice(0, 3).map((k) => new Wallet(k, provider));
  const tx = { to: "0x000000000000000000000000000000000000dEaD", data: "0x", gasLimit: 30_000n };

  it("on an automining node, takes each receipt with one lookup and journals its block and timestamp", async () => {
    const s = sender();
    const journal = new Journal(db);
    const receipts = await Promise.all(wallets().flatMap((w) => Array.from({ length: 5 }, () => s.send(w, tx))));
    expect(receipts.every((r) => r.status === 1)).to.equal(true);
    expect((calls.found ?? 0) + (calls.earlyFound ?? 0), "each receipt read once").to.equal(15);
    expect(calls.notYet ?? 0, "Anvil answered before mining only now and then").to.be.at.most(3);
    for (const r of receipts) {
      const entry = journal.byHash(r.hash)!;
      const block = await provider.getBlock(r.blockNumber);
      expect(entry).to.include({ status: "mined", block_number: r.blockNumber, tx_index: r.index, block_timestamp: block!.timestamp });
    }
    expect(s.chainTime).to.be.greaterThan(0);
  });

  it("on an automining node, settles a transaction sent alone from the head fetched with its receipt, with no block lookup of its own", async () => {
    const s = sender();
    const [w] = wallets();
    const receipts = [];
    for (let i = 0; i < 4; i++) receipts.push(await s.send(w, tx));
    expect((calls.found ?? 0) + (calls.earlyFound ?? 0), "each receipt read once").to.equal(4);
    // A transaction whose first look found nothing is settled from a block lookup of its own; the others need none
    // (an early look that found the receipt may have read the head from before its block, and then needs one).
    expect(calls.blockByNumber ?? 0).to.be.at.least(calls.notYet ?? 0);
    expect(calls.blockByNumber ?? 0).to.be.at.most((calls.notYet ?? 0) + (calls.earlyFound ?? 0));
    expect(calls.notYet ?? 0).to.be.at.most(1);
    for (const r of receipts) {
      const block = await provider.getBlock(r.blockNumber);
      expect(new Journal(db).byHash(r.hash)).to.include({ status: "mined", block_number: r.blockNumber, block_timestamp: block!.timestamp });
      expect(s.recentHeader(r.blockNumber)?.hash).to.equal(block!.hash);
    }
  });

  it("on Hardhat's node, asks for the receipt with the broadcast and settles from it when it is already mined", async () => {
    const hh = await startHardhatNode(await freePort(), new Date().toISOString());
    const p2 = new RpcProvider(hh.url, 31337);
    try {
      const c2: Record<string, number> = {};
      countCalls(p2, c2);
      const s2 = new TxSender(p2, new Journal(db), 31337n, pino({ level: "silent" }));
      const w2 = new Wallet(KEYS[1], p2);
      const receipts = [];
      for (let i = 0; i < 20; i++) receipts.push(await s2.send(w2, tx));
      expect(c2.early, "every broadcast carried a look while looks kept finding receipts").to.be.at.least(EARLY_MISSES_TO_PAUSE);
      expect(c2.earlyFound ?? 0, "Hardhat answers some of a batch's lookups after mining its broadcast").to.be.greaterThan(0);
      expect((c2.found ?? 0) + (c2.earlyFound ?? 0), "each receipt read once").to.equal(20);
      for (const r of receipts) {
        const block = await p2.getBlock(r.blockNumber);
        expect(new Journal(db).byHash(r.hash)).to.include({ status: "mined", block_number: r.blockNumber, block_timestamp: block!.timestamp });
      }
    } finally {
      p2.destroy();
      await hh.stop();
    }
  });

  it("stops asking for receipts with the broadcast after they found nothing 8 times in a row, and tries again later", async () => {
    // A node that always answers a batch's lookups before it mines the broadcast in it (over the counting wrapper,
    // which therefore sees these looks' true answers: they are counted here).
    let earlyLooks = 0;
    const send = provider._send.bind(provider);
    const pending = new Set<string>();
    provider._send = async (payload) => {
      const list = Array.isArray(payload) ? payload : [payload];
      const raws = list.filter((p) => p.method === "eth_sendRawTransaction").map((p) => keccak256(String((p.params as unknown[])[0])));
      const early = list.filter((p) => p.method === "eth_getTransactionReceipt" && pending.has(String((p.params as unknown[])[0]))).map((p) => p.id);
      raws.forEach((h) => pending.add(h));
      earlyLooks += early.length;
      const results = await send(payload).finally(() => raws.forEach((h) => pending.delete(h)));
      return results.map((r) => (early.includes(r.id) ? { ...r, result: null } : r));
    };
    const s = sender();
    const [w] = wallets();
    const receipts = [];
    for (let i = 0; i < 20; i++) receipts.push(await s.send(w, tx));
    expect(earlyLooks).to.equal(EARLY_MISSES_TO_PAUSE);
    expect(calls.found, "each receipt found by the look after the broadcast").to.equal(20);
    // Then they pause for EARLY_PAUSE broadcasts (a little longer when a look after a broadcast found nothing yet,
    // which holds the early looks back by itself), and one is tried again.
    let more = 0;
    while (earlyLooks === EARLY_MISSES_TO_PAUSE && more < EARLY_PAUSE + 32) {
      await s.send(w, tx);
      more++;
    }
    expect(earlyLooks, "one more look after the pause").to.equal(EARLY_MISSES_TO_PAUSE + 1);
    expect(20 + more).to.be.within(EARLY_MISSES_TO_PAUSE + EARLY_PAUSE, EARLY_MISSES_TO_PAUSE + EARLY_PAUSE + 32);
    expect(receipts.every((r) => new Journal(db).byHash(r.hash)!.status === "mined")).to.equal(true);
  });

  it("on an interval-mining node, waits for all writers with one shared loop and one block lookup per block", async () => {
    await rpc("evm_setAutomine", [false]);
    await rpc("evm_setIntervalMining", [1]);
    const s = sender();
    const journal = new Journal(db);
    const n = 30;
    const ws = wallets();
    const receipts = await Promise.all(Array.from({ length: n }, (_, i) => s.send(ws[i % ws.length], tx)));
    expect(receipts.every((r) => r.status === 1)).to.equal(true);
    const blocks = new Set(receipts.map((r) => r.blockNumber));
    // One immediate look per transaction, then one per transaction each time the head moved while it waited; an
    // early look with a broadcast only until one finds that the node did not mine the transaction at once.
    expect(calls.eth_getTransactionReceipt).to.be.at.most(n + n * (blocks.size + 1));
    expect(calls.eth_getTransactionReceipt).to.be.at.least(n);
    expect(calls.early ?? 0).to.be.at.most(n);
    expect(calls.earlyFound ?? 0).to.equal(0);
    // The block's timestamp is fetched once per block, not once per transaction.
    expect(calls.blockByNumber).to.equal(blocks.size);
    for (const r of receipts) expect(journal.byHash(r.hash)!.status).to.equal("mined");
    const before = calls.early ?? 0;
    await s.send(ws[0], tx);
    expect(calls.early ?? 0, "no early look once the node is known to mine on its own clock").to.equal(before);
  });

  it("lends a block's logs only when every transaction in it is its own and the receipts agree with the header", async () => {
    const s = sender();
    const [w, w2] = wallets();
    // Automining: a block holding one of the sender's transactions is complete (a transfer: no logs).
    const own = await s.send(w, tx);
    expect(s.recentLogs(own.blockNumber)).to.deep.equal([]);
    // Interval blocks: two of its own share a block; a third, sent behind its back, makes its block incomplete.
    await rpc("evm_setAutomine", [false]);
    await rpc("evm_setIntervalMining", [1]);
    const both = await Promise.all([s.send(w, tx), s.send(w2, tx)]);
    const complete = both.filter((r) => r.blockNumber === both[0].blockNumber).length === 2 ? both[0].blockNumber : undefined;
    if (complete !== undefined) expect(s.recentLogs(complete)).to.deep.equal([]);
    await rpc("evm_setIntervalMining", [0]);
    const foreign = new Wallet(KEYS[3], provider);
    const mine = s.send(w, tx);
    const theirs = (await foreign.sendTransaction({ to: tx.to, data: "0x", gasLimit: 30_000n })).hash;
    while (s.waitingForReceipts === 0) await new Promise((r) => setTimeout(r, 10));
    await rpc("evm_mine");
    const minedMine = await mine;
    const theirReceipt = await provider.getTransactionReceipt(theirs);
    expect(theirReceipt!.blockNumber, "both in one block").to.equal(minedMine.blockNumber);
    expect(s.recentLogs(minedMine.blockNumber), "a block with a transaction of someone else is not lent").to.equal(undefined);
    expect(s.recentLogs(minedMine.blockNumber + 100), "nor a block it never saw").to.equal(undefined);
  });

  it("on stop, fails the transactions still waiting, which stay journaled for the next start", async () => {
    await rpc("evm_setAutomine", [false]);
    const s = sender();
    const [w] = wallets();
    const sent = s.send(w, tx).then(
      () => null,
      (e: unknown) => e as Error,
    );
    while (s.waitingForReceipts === 0) await new Promise((r) => setTimeout(r, 10));
    s.stop();
    const err = await sent;
    expect(err?.message).to.match(/stopped before transaction 0x[0-9a-f]{64} was mined/);
    expect(new Journal(db).pending()).to.have.length(1);
  });

  it("gives up with a chain-unavailable error when nothing is mined in time, and resumes once it is", async () => {
    await rpc("evm_setAutomine", [false]);
    const s = sender({ receiptTimeoutMs: 300 });
    const [w] = wallets();
    const err = await s.send(w, tx).then(
      () => null,
      (e: unknown) => e as { status?: number; code?: string; message?: string },
    );
    expect(err, "the send must fail").to.not.equal(null);
    expect(err!.message).to.match(/not mined in time/);
    const [pending] = new Journal(db).pending();
    expect(pending.sender).to.equal(w.address);
    await rpc("evm_mine");
    const receipt = await s.resume(pending.tx_hash);
    expect(receipt.status).to.equal(1);
    expect(new Journal(db).byHash(pending.tx_hash)!.status).to.equal("mined");
  });
});

/**
 * Counts the JSON-RPC calls `provider` makes by method, blocks asked for by number apart from "latest", and the
 * receipt lookups by outcome: found or not yet, and early (asked while the transaction's broadcast was unanswered).
 */
function countCalls(provider: JsonRpcProvider, calls: Record<string, number>): void {
  const send = provider._send.bind(provider);
  // Transactions whose broadcast has not been answered yet: a receipt asked for meanwhile is an early look.
  const broadcasting = new Set<string>();
  provider._send = async (payload) => {
    const list = Array.isArray(payload) ? payload : [payload];
    const early = new Set<unknown>();
    const raws: string[] = [];
    for (const p of list) {
      const params = p.params as unknown[];
      if (p.method === "eth_sendRawTransaction") raws.push(keccak256(String(params[0])));
      if (p.method === "eth_getTransactionReceipt" && broadcasting.has(String(params[0]))) {
        early.add(p.id);
        calls.early = (calls.early ?? 0) + 1;
        continue;
      }
      // Blocks asked for by number are counted apart from "latest" (which the fee estimate reads).
      const key = p.method === "eth_getBlockByNumber" && /^0x/.test(String(params[0])) ? "blockByNumber" : p.method;
      calls[key] = (calls[key] ?? 0) + 1;
    }
    for (const h of raws) broadcasting.add(h);
    const results = await send(payload).finally(() => raws.forEach((h) => broadcasting.delete(h)));
    // Anvil's automine now and then answers a broadcast a moment before its receipt can be read: such a first look
    // finds nothing and the shared loop looks again. Those "not yet" answers are counted apart, and the receipts
    // found (by any look) too.
    const receiptIds = new Set(list.filter((p) => p.method === "eth_getTransactionReceipt").map((p) => p.id));
    for (const r of results) {
      if (!receiptIds.has(r.id)) continue;
      const found = (r as { result?: unknown }).result !== null;
      const key = early.has(r.id) ? (found ? "earlyFound" : "earlyMissed") : found ? "found" : "notYet";
      calls[key] = (calls[key] ?? 0) + 1;
    }
    return results;
  };
}

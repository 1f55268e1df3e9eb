import { expect } from "chai";
import { apiClient } from "../../../scripts/lib/api-client";
import { startPlatform, type Platform } from "../../../scripts/lib/platform";
import { forwarderInterface, ledgerInterface } from "../../../server/src/chain/abi";
import { inDays } from "../lifecycle";

/** What the preflight asks the node: each eth_call and eth_estimateGas as a person, with the gas an eth_call was given. */
interface Asked {
  method: string;
  from: string;
  selector: string;
  gas?: bigint;
}

describe("preflight: an eth_call with the request's own gas once a kind of write is known", function () {
  this.timeout(300_000);
  let p: Platform;
  let asked: Asked[] = [];

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
    // Every JSON-RPC call of the gateway goes through its provider's send (ethers' own calls too).
    const provider = p.gateway.services.provider;
    const send = provider.send.bind(provider);
    provider.send = async (method: string, params: unknown[]) => {
      const tx = params[0] as { from?: string; to?: string; data?: string; gas?: string } | undefined;
      const ledger = p.gateway.services.ledger.addresses.ledger.toLowerCase();
      if ((method === "eth_call" || method === "eth_estimateGas") && tx?.from && tx.to?.toLowerCase() === ledger)
        asked.push({ method, from: tx.from.toLowerCase(), selector: String(tx.data).slice(0, 10), gas: tx.gas === undefined ? undefined : BigInt(tx.gas) });
      return send(method, params);
    };
  });
  after(async () => {
    await p?.stop();
  });

  const ISSUE = ledgerInterface.getFunction("issueOrder")!.selector;
  const ACCEPT = ledgerInterface.getFunction("acceptOrder")!.selector;
  const buyer = () => apiClient(p.baseUrl, p.credentials.users.buyer.token);
  const supplier = () => apiClient(p.baseUrl, p.credentials.users.supplier.token);
  const issue = (reference: string) => buyer()("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "10.00", reference, dueDate: inDays(30) });
  const kind = (selector: string) => p.gateway.services.ledger.addresses.ledger.toLowerCase() + selector;

  /** The forward request the write's mined transaction carried for `from` (alone or in a batch). */
  async function requestGasOf(txHash: string, from: string): Promise<bigint> {
    const tx = await p.gateway.services.provider.getTransaction(txHash);
    const parsed = forwarderInterface.parseTransaction({ data: tx!.data })!;
    const requests = (parsed.name === "execute" ? [parsed.args[0]] : parsed.args[0]) as { from: string; gas: bigint }[];
    return requests.find((r) => r.from.toLowerCase() === from.toLowerCase())!.gas;
  }

  it("checks a write of a known kind with one eth_call given exactly the gas its request is then signed with", async () => {
    expect((await issue("PO-PF-1")).status).to.equal(201);
    asked = [];
    const r = await issue("PO-PF-2");
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    const me = p.credentials.users.buyer.address.toLowerCase();
    const mine = asked.filter((a) => a.from === me && a.selector === ISSUE);
    expect(mine.map((a) => a.method)).to.deep.equal(["eth_call"]);
    const known = p.gateway.services.ledger.gasByKind.get(kind(ISSUE))!;
    expect(mine[0].gas).to.equal(known + known / 2n + 30_000n);
    expect(await requestGasOf(r.body.txHash, me)).to.equal(mine[0].gas);
  });

  it("estimates again when the known figure no longer covers the write, and succeeds with the new one", async () => {
    const ledger = p.gateway.services.ledger;
    // A figure far below what an order costs (about 84,000 gas alone): the eth_call runs out of gas.
    ledger.gasByKind.set(kind(ISSUE), 10_000n);
    asked = [];
    const r = await issue("PO-PF-3");
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    const me = p.credentials.users.buyer.address.toLowerCase();
    const mine = asked.filter((a) => a.from === me && a.selector === ISSUE);
    expect(mine.map((a) => a.method)).to.deep.equal(["eth_call", "eth_estimateGas"]);
    expect(mine[0].gas).to.equal(10_000n + 5_000n + 30_000n);
    const learned = ledger.gasByKind.get(kind(ISSUE))!;
    expect(Number(learned)).to.be.greaterThan(60_000);
    expect(await requestGasOf(r.body.txHash, me)).to.equal(learned + learned / 2n + 30_000n);
  });

  it("answers a refusal of a known kind of write exactly as before: the eth_call fails, eth_estimateGas's revert is decoded, nothing is sent", async () => {
    const order = await issue("PO-PF-4");
    expect((await supplier()("POST", `/orders/${order.body.id}/accept`, {})).status).to.equal(201);
    expect(p.gateway.services.ledger.gasByKind.has(kind(ACCEPT))).to.equal(true);
    const sent = p.gateway.services.ledger.batcher.stats.requests;
    asked = [];
    const again = await supplier()("POST", `/orders/${order.body.id}/accept`, {});
    expect(again.status).to.equal(409);
    expect(again.body.error).to.include({ code: "INVALID_STATUS", message: `Order ${order.body.id} is not in a status that allows this.` });
    const me = p.credentials.users.supplier.address.toLowerCase();
    expect(asked.filter((a) => a.from === me && a.selector === ACCEPT).map((a) => a.method)).to.deep.equal(["eth_call", "eth_estimateGas"]);
    expect(p.gateway.services.ledger.batcher.stats.requests).to.equal(sent);
  });
});

describe("the chain's clock for a request's deadline: one head read for every write that finds it stale", function () {
  this.timeout(120_000);
  let p: Platform;
  let heads = 0;

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
    const provider = p.gateway.services.provider;
    const send = provider.send.bind(provider);
    provider.send = async (method: string, params: unknown[]) => {
      // Only the deadline's reads (the indexer and the supervisor read heads of their own meanwhile).
      if (method === "eth_getBlockByNumber" && /readChainClock|deadlineBase/.test(new Error().stack ?? "")) heads++;
      return send(method, params);
    };
  });
  after(async () => {
    await p?.stop();
  });

  /** The ledger client's deadline base and clock (private: what a write signs its deadline from). */
  const clock = () =>
    p.gateway.services.ledger as unknown as {
      deadlineBase(): Promise<number>;
      forceChainClock(): void;
      chainClock: { at: number; value: number };
    };

  it("shares one eth_getBlockByNumber among eight writers once the 10 s offset expired, and answers each the chain's time", async () => {
    const c = clock();
    c.chainClock.at = 0;
    heads = 0;
    const bases = await Promise.all(Array.from({ length: 8 }, () => c.deadlineBase()));
    expect(heads).to.equal(1);
    const block = await p.gateway.services.provider.getBlock("latest");
    for (const b of bases) expect(b).to.be.within(Math.max(Math.floor(Date.now() / 1000) - 5, block!.timestamp - 5), Math.floor(Date.now() / 1000) + 3600);
    // Fresh now: the next writers read no head at all.
    await Promise.all(Array.from({ length: 4 }, () => c.deadlineBase()));
    expect(heads).to.equal(1);
  });

  it("reads the head again when forced while a read is out, and follows the chain's clock after it moved", async () => {
    const c = clock();
    c.chainClock.at = 0;
    heads = 0;
    const first = c.deadlineBase();
    // The chain's clock jumps a day ahead while that read is out; a forced read must see it.
    await p.gateway.services.provider.send("evm_increaseTime", [86_400]);
    await p.gateway.services.provider.send("evm_mine", []);
    c.forceChainClock();
    const forced = await c.deadlineBase();
    await first;
    expect(heads).to.equal(2);
    const block = await p.gateway.services.provider.getBlock("latest");
    expect(forced).to.be.at.least(block!.timestamp - 2);
    // The earlier read, answered before the jump, does not replace the newer offset.
    expect(await c.deadlineBase()).to.be.at.least(block!.timestamp - 2);
    expect(heads).to.equal(2);
  });
});

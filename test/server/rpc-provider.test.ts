import net from "node:net";
import { expect } from "chai";
import { RpcProvider } from "../../server/src/chain/rpc-provider";

/**
 * Finding 3 of issue #9 at the transport: a frozen node (its port accepts connections, nothing answers) held every
 * call for 120 s. Each call now has a deadline, and the supervisor's gate refuses calls at once and aborts those in
 * flight.
 */
describe("RpcProvider deadlines and gate", function () {
  this.timeout(20_000);
  let server: net.Server;
  let url: string;
  const sockets = new Set<net.Socket>();

  beforeEach(async () => {
    // A "frozen node": it accepts the connection and reads the request, and never answers.
    server = net.createServer((s) => {
      sockets.add(s);
      s.on("data", () => undefined);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  it("fails a call to a node that does not answer at its deadline, with a TIMEOUT the gateway maps to CHAIN_UNAVAILABLE", async () => {
    const p = new RpcProvider(url, 31337, { timeoutMs: 300 });
    const t = Date.now();
    const err = await p.send("eth_blockNumber", []).then(() => undefined, (e: Error & { code?: string }) => e);
    const ms = Date.now() - t;
    p.destroy();
    expect(err?.message).to.match(/TIMEOUT after 0.3 s/);
    expect(ms).to.be.within(250, 1500);
  });

  it("when closed, refuses calls at once with CHAIN_UNAVAILABLE and the reason, aborts calls in flight, and lets privileged calls through", async () => {
    const p = new RpcProvider(url, 31337, { timeoutMs: 10_000 });
    const inFlight = p.send("eth_blockNumber", []).then(() => undefined, (e: Error) => e);
    await new Promise((r) => setTimeout(r, 100));
    const t = Date.now();
    p.close("the node is frozen");
    const aborted = await inFlight;
    expect(Date.now() - t, "the in-flight call is aborted, not left to its 10 s deadline").to.be.lessThan(1000);
    expect(String(aborted?.message)).to.match(/socket hang up|ECONNRESET|other side closed/i);
    const refused = await p.send("eth_chainId", []).then(() => undefined, (e: { kind?: string; code?: string; message: string }) => e);
    expect(refused).to.include({ kind: "unavailable", code: "CHAIN_UNAVAILABLE" });
    expect(refused!.message).to.include("(the node is frozen)");
    expect(p.closedBecause).to.equal("the node is frozen");
    // A privileged call goes out (and here meets the silent node, so it is still waiting when the test gives up).
    const privileged = p.privileged(() => p.send("eth_chainId", [])).then(() => "answered", () => "failed");
    const outcome = await Promise.race([privileged, new Promise((r) => setTimeout(() => r("sent, waiting"), 300))]);
    expect(outcome).to.equal("sent, waiting");
    expect(sockets.size).to.be.greaterThan(0);
    p.open();
    expect(p.closedBecause).to.equal(null);
    p.destroy();
  });
});

import http from "node:http";
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

/**
 * Issue #15: a node answers one request at a time and pays a fixed cost per HTTP request, so the provider keeps at
 * most `maxInFlight` requests at the node and sends the calls made meanwhile together, each answered with its own.
 */
describe("RpcProvider request coalescing", function () {
  this.timeout(20_000);
  let server: http.Server;
  let url: string;
  /** The JSON-RPC bodies the node received, in order; each answer is held until `release` is called. */
  let bodies: unknown[];
  let held: (() => void)[];
  const release = () => held.splice(0).forEach((go) => go());

  beforeEach(async () => {
    bodies = [];
    held = [];
    server = http.createServer((req, res) => {
      let text = "";
      req.on("data", (c) => (text += c));
      req.on("end", () => {
        const body = JSON.parse(text);
        bodies.push(body);
        // A call answers its number, or a simulation (a person's eth_call) its data.
        const value = (arg: unknown) => (typeof arg === "object" ? (arg as { data: string }).data : `0x${(arg as number).toString(16)}`);
        const answer = (one: { id: number; method: string; params: unknown[] }) =>
          one.method === "eth_fail" ? { jsonrpc: "2.0", id: one.id, error: { code: -32000, message: "refused" } } : { jsonrpc: "2.0", id: one.id, result: value(one.params[0]) };
        held.push(() => res.end(JSON.stringify(Array.isArray(body) ? body.map(answer) : answer(body))));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterEach(async () => {
    release();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const until = async (ok: () => boolean) => {
    for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(ok()).to.equal(true);
  };

  it("sends a lone call at once, and the calls made while it is out as one batch, each caller answered with its own result or error", async () => {
    const p = new RpcProvider(url, 31337, { maxInFlight: 1 });
    const first = p.send("eth_echo", [1]);
    await until(() => bodies.length === 1);
    // Made in different ticks while the first is out: they wait, then go together.
    const later: Promise<unknown>[] = [];
    for (let i = 2; i <= 6; i++) {
      later.push(p.send(i === 4 ? "eth_fail" : "eth_echo", [i]).catch((e: Error) => e));
      await new Promise((r) => setImmediate(r));
    }
    expect(bodies.length, "nothing more is sent while one request is out").to.equal(1);
    release();
    expect(await first).to.equal("0x1");
    await until(() => bodies.length === 2);
    const batch = bodies[1] as { method: string; params: number[] }[];
    expect(batch.map((b) => b.params[0])).to.deep.equal([2, 3, 4, 5, 6]);
    release();
    const answers = await Promise.all(later);
    expect(answers.filter((a) => typeof a === "string")).to.deep.equal(["0x2", "0x3", "0x5", "0x6"]);
    expect(String((answers[2] as Error).message)).to.include("refused");
    p.destroy();
  });

  it("gathers the calls made in one tick into one request of at most 100 calls, each caller answered with its own", async () => {
    const p = new RpcProvider(url, 31337, { maxInFlight: 3 });
    const calls = Array.from({ length: 150 }, (_, i) => p.send("eth_echo", [i + 1]));
    await until(() => bodies.length === 2);
    const sizes = bodies.map((b) => (Array.isArray(b) ? b.length : 1));
    expect(sizes, "150 calls of one tick: two requests, the first holding 100").to.deep.equal([100, 50]);
    release();
    expect(await Promise.all(calls)).to.deep.equal(Array.from({ length: 150 }, (_, i) => `0x${(i + 1).toString(16)}`));
    p.destroy();
  });

  it("keeps a slot for other calls while a simulation is out, and sends waiting simulations at most 24 per batch, after the other calls", async () => {
    const p = new RpcProvider(url, 31337, { maxInFlight: 2 });
    const simulate = (i: number) => p.send("eth_call", [{ from: "0x" + "11".repeat(20), to: "0x" + "22".repeat(20), data: `0x${i.toString(16).padStart(2, "0")}` }, "latest"]);
    const methods = (body: unknown) => (Array.isArray(body) ? body : [body]).map((b: { method: string }) => b.method);
    const first = simulate(1);
    await until(() => bodies.length === 1);
    // 60 more, some in one tick (ethers hands those over together) and some in ticks of their own.
    const waiting: Promise<unknown>[] = [];
    for (let i = 2; i <= 61; i++) {
      waiting.push(simulate(i));
      if (i % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(bodies.length, "a second simulation waits while one is out").to.equal(1);
    // A receipt (any call that is not a person's simulation) takes the slot kept free, at once.
    const receipt = p.send("eth_echo", [7]);
    await until(() => bodies.length === 2);
    expect(methods(bodies[1])).to.deep.equal(["eth_echo"]);
    // Made while both slots are out, another call waits, and goes before the simulations that waited longer.
    const later = p.send("eth_echo", [8]);
    await new Promise((r) => setTimeout(r, 20));
    expect(bodies.length).to.equal(2);
    release();
    expect(await first).to.equal("0x01");
    expect(await receipt).to.equal("0x7");
    await until(() => bodies.length >= 3);
    expect(methods(bodies[2])).to.deep.equal(["eth_echo"]);
    for (let n = 0; n < 20 && held.length > 0; n++) {
      release();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await later).to.equal("0x8");
    expect(await Promise.all(waiting)).to.deep.equal(Array.from({ length: 60 }, (_, i) => `0x${(i + 2).toString(16).padStart(2, "0")}`));
    const batches = bodies.slice(3);
    expect(batches.flatMap(methods)).to.have.length(60);
    for (const b of batches) expect(methods(b).length).to.be.within(1, 24);
    p.destroy();
  });

  it("keeps a waiting call's deadline from when it was made, and fails waiting calls when the gate closes", async () => {
    const p = new RpcProvider(url, 31337, { maxInFlight: 1, timeoutMs: 400 });
    const first = p.send("eth_echo", [1]).catch((e: Error) => e);
    await until(() => bodies.length === 1);
    const t = Date.now();
    const waiting = await p.send("eth_echo", [2]).catch((e: Error) => e);
    expect(String((waiting as Error).message)).to.match(/TIMEOUT after 0.4 s/);
    expect(Date.now() - t).to.be.within(300, 1500);
    await first;
    const q = new RpcProvider(url, 31337, { maxInFlight: 1, timeoutMs: 10_000 });
    const seen = bodies.length;
    const out = q.send("eth_echo", [3]).catch((e: Error) => e);
    await until(() => bodies.length === seen + 1);
    const queued = q.send("eth_echo", [4]).catch((e: { code?: string }) => e);
    await new Promise((r) => setTimeout(r, 20)); // ethers hands it to the transport, where it waits for the slot
    expect(bodies.length, "the second call waits while the first is out").to.equal(seen + 1);
    q.close("the node is frozen");
    expect(await queued).to.include({ code: "CHAIN_UNAVAILABLE" });
    await out;
    p.destroy();
    q.destroy();
  });
});

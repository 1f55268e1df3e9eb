import { AsyncLocalStorage } from "node:async_hooks";
import http from "node:http";
import https from "node:https";
import { JsonRpcProvider, Network, type JsonRpcPayload, type JsonRpcResult } from "ethers";
import { chainUnavailable } from "../shared/errors";

/** The default deadline of one JSON-RPC HTTP request (TRELLIS_CHAIN_TIMEOUT_MS overrides it). */
export const DEFAULT_CALL_TIMEOUT_MS = 5_000;

/**
 * How many JSON-RPC HTTP requests the gateway has at the node at once (TRELLIS_CHAIN_MAX_IN_FLIGHT overrides it). A
 * node pays a fixed cost per HTTP request (about 0.5 ms of a Hardhat node's CPU for eth_blockNumber,
 * docs/BENCHMARKS.md), so calls made while these are out wait and then go as one batch. Three let two batches of
 * simulations be out at once beside one slot kept for the other calls: under interval mining that gave more writes/s
 * than two in 6 of 6 alternating pairs of runs (docs/BENCHMARKS.md).
 */
export const DEFAULT_MAX_IN_FLIGHT = 3;
/** Calls per JSON-RPC batch at most. */
const MAX_BATCH = 100;
/**
 * Simulations (a person's eth_call or eth_estimateGas, the preflight of a write) per JSON-RPC batch at most. A node
 * answers a batch's calls in the order they came and the whole batch at once, so a small batch keeps the calls that
 * follow it (a receipt, a block header) from waiting behind a hundred simulations.
 */
const MAX_SIMULATION_BATCH = 24;

/** A person's simulation: an eth_call or eth_estimateGas made `from` someone (reads of views are made from no one). */
function isSimulation(item: JsonRpcPayload): boolean {
  if (item.method !== "eth_call" && item.method !== "eth_estimateGas") return false;
  const tx = Array.isArray(item.params) ? (item.params[0] as { from?: unknown } | undefined) : undefined;
  return typeof tx?.from === "string";
}

/** One JSON-RPC answer, indexed by call id; answers without an id are whole-batch errors. */
interface Answers {
  byId: Map<unknown, JsonRpcResult>;
  anonymous: JsonRpcResult[];
}

function answersOf(results: JsonRpcResult[]): Answers {
  return { byId: new Map(results.map((r) => [r.id, r])), anonymous: results.filter((r) => r.id === undefined || r.id === null) };
}

/** The results of `items` in `answers`; with none of them there, the whole-batch errors, as the caller had alone. */
function resultsFor(items: JsonRpcPayload[], answers: Answers[]): JsonRpcResult[] {
  const mine: JsonRpcResult[] = [];
  for (const item of items) {
    const found = answers.find((a) => a.byId.has(item.id))?.byId.get(item.id);
    if (found) mine.push(found);
  }
  return mine.length > 0 ? mine : answers.flatMap((a) => a.anonymous);
}

/** Calls waiting for a free request slot: ethers' payload, answered from the batch they go out in. */
interface Queued {
  items: JsonRpcPayload[];
  since: number;
  resolve(results: JsonRpcResult[]): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout;
}

/** Calls made inside `RpcProvider.privileged` pass a closed gate (the supervisor's probes and recovery). */
const privilege = new AsyncLocalStorage<true>();

/**
 * ethers' JsonRpcProvider with a lean transport: Node's http(s) client on a keep-alive agent and Node's native UTF-8
 * and JSON handling, instead of ethers' FetchRequest (which encodes and decodes every body in JavaScript: a measurable
 * share of the gateway's CPU under load, see docs/BENCHMARKS.md). Everything above the transport (batching, result
 * formatting, errors in JSON-RPC answers) is ethers' own.
 *
 * Every request has a deadline (`timeoutMs`), so a frozen node costs a caller at most that long. The provider also
 * has a gate: while the chain supervisor knows the node is down, frozen or a different chain, it closes the gate and
 * every call fails at once with CHAIN_UNAVAILABLE instead of waiting for its deadline; closing it also aborts the
 * requests in flight.
 */
export class RpcProvider extends JsonRpcProvider {
  readonly #url: URL;
  #agent: http.Agent;
  readonly timeoutMs: number;
  /** At most this many HTTP requests to the node at once; calls made meanwhile wait and go together (see _send). */
  readonly maxInFlight: number;
  #inFlight = 0;
  /** Simulations among the requests out; they may take all slots but one, which is kept for the other calls. */
  #simulationsInFlight = 0;
  /** Calls waiting for a slot: the others first, then simulations. */
  #queue: Queued[] = [];
  #simulations: Queued[] = [];
  #closed: string | null = null;

  constructor(url: string, chainId: number, opts: { timeoutMs?: number; maxInFlight?: number } = {}) {
    // ethers hands over each call on its own (batchMaxCount 1): its own batching checks a batch's size by encoding the
    // whole batch again for every call added, which cost about 2 % of the gateway's CPU under load. The calls of one
    // tick are gathered here instead (_send), so they still share one HTTP request, and a lone call goes at once.
    super(url, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1, batchStallTime: 0, cacheTimeout: -1 });
    this.#url = new URL(url);
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.maxInFlight = opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.#agent = this.#newAgent();
  }

  #newAgent(): http.Agent {
    return this.#url.protocol === "https:" ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  /** Why calls are refused now, or null while the gate is open. */
  get closedBecause(): string | null {
    return this.#closed;
  }

  /** Refuses every call (but privileged ones) from now on, and aborts those in flight. */
  close(reason: string): void {
    if (this.#closed === reason) return;
    const wasOpen = this.#closed === null;
    this.#closed = reason;
    if (wasOpen) {
      this.#agent.destroy();
      this.#agent = this.#newAgent();
      // Calls still waiting for a slot were made while the gate was open: they fail as the ones in flight did.
      const waiting = [...this.#queue.splice(0), ...this.#simulations.splice(0)];
      for (const q of waiting) {
        clearTimeout(q.timer);
        q.reject(chainUnavailable(`The ledger is not available (${reason}); retry later with the same Idempotency-Key.`));
      }
    }
  }

  open(): void {
    this.#closed = null;
  }

  /** Runs `fn` with calls that pass a closed gate. */
  privileged<T>(fn: () => Promise<T>): Promise<T> {
    return privilege.run(true, fn);
  }

  override send(method: string, params: Array<any> | Record<string, any>): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (this.#closed !== null && !privilege.getStore()) {
      return Promise.reject(chainUnavailable(`The ledger is not available (${this.#closed}); retry later with the same Idempotency-Key.`));
    }
    return super.send(method, params);
  }

  /**
   * Gathers the calls of one tick (see #sendTick) and sends them at once while fewer than `maxInFlight` requests are
   * out; otherwise they wait, and when a request comes back every waiting call goes out together as one JSON-RPC
   * batch (up to MAX_BATCH calls), each answered with its own calls' results (ethers' ids are unique per provider).
   * So an idle gateway's call goes at once and a busy one pays the node's per-request cost once for many calls. A
   * call's deadline counts from when it was made, waiting included.
   *
   * Simulations (the preflights of writes) go apart from the other calls, in batches of at most MAX_SIMULATION_BATCH,
   * and never in the last free slot: after an interval block, a burst of the next writes' preflights would otherwise
   * hold up the receipts and headers that answer the writes just mined.
   */
  override _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    return new Promise<JsonRpcResult[]>((resolve, reject) => {
      if (this.#tick === null) {
        this.#tick = [];
        // ethers hands over the calls of one tick in one synchronous loop: they are all here when this runs.
        queueMicrotask(() => this.#sendTick());
      }
      this.#tick.push({ items: Array.isArray(payload) ? payload : [payload], resolve, reject });
    });
  }

  /** Calls handed over in this tick, not yet routed. */
  #tick: { items: JsonRpcPayload[]; resolve(results: JsonRpcResult[]): void; reject(err: unknown): void }[] | null = null;

  /**
   * Routes the tick's calls as one payload of other calls and as many of simulations as MAX_SIMULATION_BATCH needs,
   * and answers each caller with its own calls' results once the parts holding them are answered (an answer without
   * an id, a whole-batch error, goes to every caller of its part, as it would have alone).
   */
  #sendTick(): void {
    const callers = this.#tick ?? [];
    this.#tick = null;
    const simulations: JsonRpcPayload[] = [];
    const others: JsonRpcPayload[] = [];
    for (const c of callers) for (const item of c.items) (isSimulation(item) ? simulations : others).push(item);
    const partOf = new Map<JsonRpcPayload, Promise<Answers>>();
    const route = (items: JsonRpcPayload[], simulation: boolean) => {
      const answered = this.#route(items, simulation).then(answersOf);
      for (const item of items) partOf.set(item, answered);
    };
    for (let i = 0; i < others.length; i += MAX_BATCH) route(others.slice(i, i + MAX_BATCH), false);
    for (let i = 0; i < simulations.length; i += MAX_SIMULATION_BATCH) route(simulations.slice(i, i + MAX_SIMULATION_BATCH), true);
    for (const c of callers) {
      Promise.all(new Set(c.items.map((item) => partOf.get(item)!))).then(
        (parts) => c.resolve(resultsFor(c.items, parts)),
        (err) => c.reject(err),
      );
    }
  }

  /** Simulations may use every slot but one (all of them when there is only one). */
  #simulationSlots(): number {
    return Math.max(1, this.maxInFlight - 1);
  }

  #route(items: JsonRpcPayload[], simulation: boolean): Promise<JsonRpcResult[]> {
    const queue = simulation ? this.#simulations : this.#queue;
    const free = this.#inFlight < this.maxInFlight && (!simulation || this.#simulationsInFlight < this.#simulationSlots());
    if (free && queue.length === 0) return this.#post(items, this.timeoutMs, simulation);
    return new Promise<JsonRpcResult[]>((resolve, reject) => {
      const q: Queued = {
        items,
        since: performance.now(),
        resolve,
        reject,
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(q), 1);
          reject(Object.assign(new Error(`JSON-RPC request TIMEOUT after ${this.timeoutMs / 1000} s`), { code: "TIMEOUT" }));
        }, this.timeoutMs),
      };
      queue.push(q);
    });
  }

  async #post(items: JsonRpcPayload[], timeoutMs: number, simulation = false): Promise<JsonRpcResult[]> {
    this.#inFlight++;
    if (simulation) this.#simulationsInFlight++;
    try {
      const text = await post(this.#url, this.#agent, JSON.stringify(items.length === 1 ? items[0] : items), timeoutMs, this.timeoutMs);
      let answer: unknown;
      try {
        answer = JSON.parse(text);
      } catch {
        throw new Error(`the JSON-RPC endpoint answered something that is not JSON: ${text.slice(0, 200)}`);
      }
      return (Array.isArray(answer) ? answer : [answer]) as JsonRpcResult[];
    } finally {
      this.#inFlight--;
      if (simulation) this.#simulationsInFlight--;
      this.#drain();
    }
  }

  /** Sends what waits, as one batch per free slot: the other calls first, then simulations. */
  #drain(): void {
    while (this.#inFlight < this.maxInFlight) {
      if (this.#queue.length > 0) this.#sendGroup(this.#queue, MAX_BATCH, false);
      else if (this.#simulations.length > 0 && this.#simulationsInFlight < this.#simulationSlots())
        this.#sendGroup(this.#simulations, MAX_SIMULATION_BATCH, true);
      else break;
    }
  }

  #sendGroup(queue: Queued[], most: number, simulation: boolean): void {
    const group: Queued[] = [];
    let calls = 0;
    while (queue.length > 0 && (group.length === 0 || calls + queue[0].items.length <= most)) {
      const q = queue.shift()!;
      clearTimeout(q.timer);
      group.push(q);
      calls += q.items.length;
    }
    const left = Math.max(1, this.timeoutMs - (performance.now() - group[0].since));
    this.#post(group.flatMap((q) => q.items), left, simulation).then(
      (results) => {
        const answers = [answersOf(results)];
        for (const q of group) q.resolve(resultsFor(q.items, answers));
      },
      (err) => group.forEach((q) => q.reject(err)),
    );
  }

  override destroy(): void {
    this.#agent.destroy();
    super.destroy();
  }
}

/**
 * POSTs `body` and resolves with the answer's text. `timeoutMs` bounds the whole exchange, not only idle time: a node
 * that trickles bytes, or a stopped one whose kernel still accepts the connection, fails at the deadline too.
 */
export function post(url: URL, agent: http.Agent | undefined, body: string, timeoutMs: number, deadlineMs = timeoutMs): Promise<string> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) reject(new Error(`the JSON-RPC endpoint answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
          else resolve(text);
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(Object.assign(new Error(`JSON-RPC request TIMEOUT after ${deadlineMs / 1000} s`), { code: "TIMEOUT" }));
    }, timeoutMs);
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}

/** One JSON-RPC call outside any provider (start-up checks, probes), with a deadline. */
export async function rpcCall<T = unknown>(url: string, method: string, params: unknown[] = [], timeoutMs = DEFAULT_CALL_TIMEOUT_MS): Promise<T> {
  const text = await post(new URL(url), undefined, JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }), timeoutMs);
  const answer = JSON.parse(text) as { result?: T; error?: { message: string } };
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result as T;
}

import { AsyncLocalStorage } from "node:async_hooks";
import http from "node:http";
import https from "node:https";
import { JsonRpcProvider, Network, type JsonRpcPayload, type JsonRpcResult } from "ethers";
import { chainUnavailable } from "../shared/errors";

/** The default deadline of one JSON-RPC HTTP request (TRELLIS_CHAIN_TIMEOUT_MS overrides it). */
export const DEFAULT_CALL_TIMEOUT_MS = 5_000;

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
  #closed: string | null = null;

  constructor(url: string, chainId: number, opts: { timeoutMs?: number } = {}) {
    // Calls made in the same tick share one HTTP request; no stall is added, so a lone call goes out at once.
    super(url, Network.from(chainId), { staticNetwork: true, batchMaxCount: 100, batchStallTime: 0, cacheTimeout: -1 });
    this.#url = new URL(url);
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
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

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const text = await post(this.#url, this.#agent, JSON.stringify(payload), this.timeoutMs);
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new Error(`the JSON-RPC endpoint answered something that is not JSON: ${text.slice(0, 200)}`);
    }
    return (Array.isArray(answer) ? answer : [answer]) as JsonRpcResult[];
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
export function post(url: URL, agent: http.Agent | undefined, body: string, timeoutMs: number): Promise<string> {
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
      req.destroy(Object.assign(new Error(`JSON-RPC request TIMEOUT after ${timeoutMs / 1000} s`), { code: "TIMEOUT" }));
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

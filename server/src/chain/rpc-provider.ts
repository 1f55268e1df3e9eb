import http from "node:http";
import https from "node:https";
import { JsonRpcProvider, Network, type JsonRpcPayload, type JsonRpcResult } from "ethers";

/** How long one JSON-RPC HTTP request may take before it fails as a timeout. */
const REQUEST_TIMEOUT_MS = 120_000;

/**
 * ethers' JsonRpcProvider with a lean transport: Node's http(s) client on a keep-alive agent and Node's native UTF-8
 * and JSON handling, instead of ethers' FetchRequest (which encodes and decodes every body in JavaScript: a measurable
 * share of the gateway's CPU under load, see docs/BENCHMARKS.md). Everything above the transport (batching, result
 * formatting, errors in JSON-RPC answers) is ethers' own.
 */
export class RpcProvider extends JsonRpcProvider {
  readonly #url: URL;
  readonly #agent: http.Agent;

  constructor(url: string, chainId: number) {
    // Calls made in the same tick share one HTTP request; no stall is added, so a lone call goes out at once.
    super(url, Network.from(chainId), { staticNetwork: true, batchMaxCount: 100, batchStallTime: 0, cacheTimeout: -1 });
    this.#url = new URL(url);
    this.#agent = this.#url.protocol === "https:" ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const text = await post(this.#url, this.#agent, JSON.stringify(payload));
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

function post(url: URL, agent: http.Agent, body: string): Promise<string> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) }, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) reject(new Error(`the JSON-RPC endpoint answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
          else resolve(text);
        });
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error(`JSON-RPC request TIMEOUT after ${REQUEST_TIMEOUT_MS / 1000} s`), { code: "TIMEOUT" })));
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * The throughput benchmark's clients, in a process of their own so that their HTTP work does not share the gateway's
 * JavaScript thread (nor count in its CPU). Reads one JSON job from stdin and prints one JSON line of results.
 * - `{ kind: "orders", baseUrl, seconds, users: [{ token, supplierOrgId }] }`: each user issues orders one after
 *   another until the time is up. Prints `{ ok, errors, seconds, latencies, errorSamples, cpuSeconds }`.
 * - `{ kind: "lifecycles", baseUrl, bankA, perLane, tag, lanes: [{ buyer, supplier, officer }] }` (members as
 *   `{ token, orgId, address }`): one client per lane runs `perLane` fast-track lifecycles (8 writes each) in turn.
 *   Prints `{ ok, errors: 0, seconds, latencies, cpuSeconds }`; any non-2xx fails the job.
 */
import http from "node:http";
import type { DemoCredentials } from "../../server/src/seed";
import { apiLifecycle, inDays, type Lane, type Member } from "./lib";

type OrdersJob = { kind: "orders"; baseUrl: string; seconds: number; users: { token: string; supplierOrgId: string }[] };
type Plain = Omit<Member, "api">;
type LifecyclesJob = { kind: "lifecycles"; baseUrl: string; bankA: string; perLane: number; tag: string; lanes: { buyer: Plain; supplier: Plain; officer: Plain }[] };

async function lifecycles(job: LifecyclesJob) {
  // No contract check per answer (the API suites check every answer against /openapi.json): it cost the client
  // process 1.7-5.9 ms of CPU per write on the same two cores as the gateway and the node (runs of 2026-12-02).
  // Node's http client, as the interval clients use (see send).
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.lanes.length * 3 });
  const member = (m: Plain): Member => ({ ...m, api: httpApi(job.baseUrl, m.token, agent) });
  const lanes: Lane[] = job.lanes.map((l) => ({ buyer: member(l.buyer), supplier: member(l.supplier), officer: member(l.officer) }));
  const creds = { orgs: { bankA: job.bankA } } as unknown as DemoCredentials;
  const latencies: number[] = [];
  const byStep: Record<string, number[]> = {};
  const t0 = performance.now();
  await Promise.all(
    lanes.map(async (lane, i) => {
      for (let n = 0; n < job.perLane; n++) {
        await apiLifecycle(creds, lane, `${job.tag}-${i}-${n}`, (ms, what) => {
          latencies.push(ms);
          (byStep[what] ??= []).push(ms);
        });
      }
    }),
  );
  return { ok: latencies.length, errors: 0, seconds: (performance.now() - t0) / 1000, latencies, byStep };
}

/** The API as scripts/lib/api-client.ts answers it (status and parsed body), over Node's http client. */
function httpApi(baseUrl: string, token: string, agent: http.Agent): Member["api"] {
  return (async (method: string, p: string, body?: unknown) => {
    const res = await send(method, new URL(`${baseUrl}/api/v1${p}`), agent, token, body === undefined ? undefined : JSON.stringify(body));
    return { status: res.status, body: res.text ? JSON.parse(res.text) : undefined, headers: new Headers() };
  }) as Member["api"];
}

const post = (url: URL, agent: http.Agent, token: string, body: string) => send("POST", url, agent, token, body);

/**
 * Sends a request (with a JSON body, if any) with Node's http client on a keep-alive agent. fetch (undici) cost the
 * client process about twice the CPU per request (about 1 ms per lifecycle write), on the same two cores as the
 * gateway and the node (runs of 2026-12-02).
 */
function send(method: string, url: URL, agent: http.Agent, token: string, body?: string): Promise<{ status: number; text: string }> {
  const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${token}` };
  if (body !== undefined) Object.assign(headers, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, agent, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function main() {
  let input = "";
  for await (const chunk of process.stdin) input += chunk;
  const parsed = JSON.parse(input) as OrdersJob | LifecyclesJob;
  const cpu0 = process.cpuUsage();
  const cpuSeconds = () => {
    const used = process.cpuUsage(cpu0);
    return (used.user + used.system) / 1e6;
  };
  if (parsed.kind === "lifecycles") {
    const r = await lifecycles(parsed);
    process.stdout.write(JSON.stringify({ ...r, cpuSeconds: cpuSeconds() }) + "\n");
    return;
  }
  const job = parsed;
  let ok = 0;
  let errors = 0;
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  const url = new URL(`${job.baseUrl}/api/v1/orders`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.users.length });
  const t0 = performance.now();
  const stopAt = t0 + job.seconds * 1000;
  await Promise.all(
    job.users.map(async (u, i) => {
      for (let n = 0; performance.now() < stopAt; n++) {
        const s = performance.now();
        try {
          const res = await post(url, agent, u.token, JSON.stringify({ supplierOrgId: u.supplierOrgId, amount: "1.00", reference: `IV-${i}-${n}`, dueDate: inDays(30) }));
          const text = res.text;
          if (res.status === 201) {
            ok += 1;
            latencies.push(performance.now() - s);
          } else {
            errors += 1;
            if (errorSamples.length < 5) errorSamples.push(`${res.status} ${text.slice(0, 200)}`);
          }
        } catch (err) {
          errors += 1;
          if (errorSamples.length < 5) errorSamples.push(String(err));
        }
      }
    }),
  );
  process.stdout.write(JSON.stringify({ ok, errors, seconds: (performance.now() - t0) / 1000, latencies, errorSamples, cpuSeconds: cpuSeconds() }) + "\n");
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});

/**
 * The chain-fault drills of issue #9, shared by `npm run drill` (scripts/drill/run.ts) and the fast test
 * (test/drills): chain-fault (kill -9 and SIGSTOP of the chain under load) and restart-after-kill (kill -9 of the
 * gateway, then npm start on the same data directory).
 */
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { apiClient, freePort, killGroup, startProcess } from "../../test/helpers/platform";
import type { DemoCredentials } from "../../server/src/seed";
import { buildLanes, inDays, percentile, round, type Lane } from "../bench/lib";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exited = (child: ChildProcess) => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r())));

/** The pids of `pid`'s children (Linux /proc). */
export function childrenOf(pid: number): number[] {
  return fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return fs.readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1].split(" ")[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** A running gateway whose chain the drill may kill or freeze. */
export interface FaultTarget {
  creds: DemoCredentials;
  /** The chain process's pid now (it changes when the gateway restarts its chain). */
  chainPid(): number;
  /** The gateway's write deadline as documented (TRELLIS_CHAIN_TIMEOUT_MS plus a second). */
  deadlineMs: number;
}

export interface FaultPhase {
  fault: "kill -9" | "SIGSTOP";
  /** Write requests (first tries and retries) sent while the fault was on (fault start to recovery). */
  duringFault: number;
  /** Of those, answered 503 CHAIN_UNAVAILABLE. */
  refused503: number;
  /** Answers other than 201 and 503 (a 500, a dropped connection): the drill wants 0. */
  otherErrors: Record<string, number>;
  /** The slowest 503, and the 99th percentile, in ms. */
  max503Ms: number;
  p99_503Ms: number;
  /** 503s that took longer than the documented deadline. */
  over503Deadline: number;
  /** /healthz probes (every 200 ms, 1 s timeout) while the fault was on, and those that got no answer in time. */
  healthProbes: number;
  healthMisses: number;
  /** From the fault to /readyz 200 again, in s (a freeze counts from the thaw). */
  recoverySeconds: number;
  frozenSeconds?: number;
}

export interface ChainFaultResult {
  writes: number;
  acknowledged: number;
  lost: number;
  duplicated: number;
  phases: FaultPhase[];
}

/**
 * Writers keep posting orders (each with its own Idempotency-Key) while the chain is killed with SIGKILL, and then
 * frozen with SIGSTOP for `freezeMs`. Each answer's status and time are kept. Afterwards every write that was not
 * acknowledged is retried under its key until it is; then every acknowledged write must be there exactly once.
 */
export async function chainFaultDrill(t: FaultTarget, opts: { lanes?: Lane[]; orgs: number; writers: number; freezeMs: number; settleMs?: number }): Promise<ChainFaultResult> {
  const { creds } = t;
  const lanes = opts.lanes ?? (await buildLanes(creds, opts.orgs, `cf${Date.now() % 1e5}`));
  const base = creds.baseUrl;
  const body = (lane: Lane, i: number) => ({ supplierOrgId: lane.supplier.orgId, amount: "3.21", reference: `CF-${i}`, dueDate: inDays(30) });
  const answers: { i: number; lane: Lane; status: number; code?: string; at: number; ms: number }[] = [];
  let next = 0;
  let running = true;
  const writer = async (w: number) => {
    const lane = lanes[w % lanes.length];
    // As a client should: a refused write is retried under the same key (after a short pause), then the next one.
    let i = next++;
    while (running) {
      const at = Date.now();
      const r = await lane.buyer.api("POST", "/orders", body(lane, i), { "idempotency-key": `cf-${i}` }).catch(() => ({ status: 0, body: undefined, headers: new Headers() }));
      answers.push({ i, lane, status: r.status, code: r.body?.error?.code, at, ms: Date.now() - at });
      if (r.status === 201) i = next++;
      else await sleep(100);
    }
  };
  let healthMisses = 0;
  let healthProbes = 0;
  let probing = true;
  const health = (async () => {
    while (probing) {
      const ok = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok).catch(() => false);
      healthProbes++;
      if (!ok) healthMisses++;
      await sleep(200);
    }
  })();
  const ready = async () => (await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined))?.status === 200;
  const untilReady = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (!(await ready())) {
      if (Date.now() > deadline) throw new Error(`the gateway did not recover within ${ms / 1000} s`);
      await sleep(100);
    }
  };
  const writers = Array.from({ length: opts.writers }, (_, w) => writer(w));
  const settle = opts.settleMs ?? 2000;
  const phases: FaultPhase[] = [];
  const phase = (fault: FaultPhase["fault"], from: number, to: number, [missesBefore, probesBefore]: number[], recoverySeconds: number, frozenSeconds?: number): FaultPhase => {
    const during = answers.filter((a) => a.at >= from && a.at <= to);
    const refused = during.filter((a) => a.status === 503 && a.code === "CHAIN_UNAVAILABLE");
    const other: Record<string, number> = {};
    for (const a of during) if (a.status !== 201 && !(a.status === 503 && a.code === "CHAIN_UNAVAILABLE")) other[`${a.status} ${a.code ?? ""}`.trim()] = (other[`${a.status} ${a.code ?? ""}`.trim()] ?? 0) + 1;
    const ms = refused.map((a) => a.ms);
    return {
      fault,
      duringFault: during.length,
      refused503: refused.length,
      otherErrors: other,
      max503Ms: ms.length ? Math.max(...ms) : 0,
      p99_503Ms: ms.length ? Math.round(percentile(ms, 0.99)) : 0,
      over503Deadline: ms.filter((m) => m > t.deadlineMs).length,
      healthProbes: healthProbes - probesBefore,
      healthMisses: healthMisses - missesBefore,
      recoverySeconds,
      ...(frozenSeconds !== undefined ? { frozenSeconds } : {}),
    };
  };
  try {
    await sleep(settle);
    // kill -9 of the chain: the gateway restarts it and replays the journal.
    let misses = [healthMisses, healthProbes];
    let from = Date.now();
    process.kill(t.chainPid(), "SIGKILL");
    await sleep(300);
    await untilReady(180_000);
    phases.push(phase("kill -9", from, Date.now(), misses, round((Date.now() - from) / 1000)));
    await sleep(settle);
    // SIGSTOP: the node is frozen, its port still accepts connections; then it thaws.
    misses = [healthMisses, healthProbes];
    from = Date.now();
    const pid = t.chainPid();
    process.kill(pid, "SIGSTOP");
    await sleep(opts.freezeMs);
    process.kill(pid, "SIGCONT");
    const thawed = Date.now();
    await untilReady(60_000);
    phases.push(phase("SIGSTOP", from, Date.now(), misses, round((Date.now() - thawed) / 1000), round(opts.freezeMs / 1000)));
    await sleep(settle);
  } finally {
    running = false;
    await Promise.all(writers);
    probing = false;
    await health;
  }
  // Retry what was not acknowledged, under its key, until it is.
  const acknowledged = new Map<number, string>();
  const byIndex = new Map<number, Lane>();
  for (const a of answers) byIndex.set(a.i, a.lane);
  const ackIds = new Map<number, string>();
  const first201 = new Map<number, true>();
  for (const a of answers) if (a.status === 201) first201.set(a.i, true);
  for (const [i, lane] of byIndex) {
    for (let attempt = 0; ; attempt++) {
      const r = await lane.buyer.api("POST", "/orders", body(lane, i), { "idempotency-key": `cf-${i}` }).catch(() => ({ status: 0, body: undefined }));
      if (r.status === 201) {
        ackIds.set(i, r.body.id);
        if (first201.has(i)) acknowledged.set(i, r.body.id);
        break;
      }
      if (attempt > 40) throw new Error(`write ${i} not acknowledged after retries: ${r.status} ${JSON.stringify(r.body)}`);
      await sleep(250);
    }
  }
  const auditor = apiClient(base, creds.users.auditor.token);
  const orders: { id: string; reference: string }[] = [];
  let cursor: string | null = null;
  do {
    const r = await auditor("GET", `/orders?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    orders.push(...r.body.items);
    cursor = r.body.nextCursor;
  } while (cursor);
  const ours = orders.filter((o) => /^CF-\d+$/.test(o.reference));
  const refOf = new Map(ours.map((o) => [o.id, o.reference]));
  let lost = 0;
  for (const [i, id] of acknowledged) if (refOf.get(id) !== `CF-${i}`) lost++;
  // Every write was retried to an acknowledgement, so each reference must appear exactly once.
  const duplicated = ours.length - new Set(ours.map((o) => o.reference)).size;
  lost += [...ackIds.keys()].filter((i) => !ours.some((o) => o.reference === `CF-${i}`)).length;
  return { writes: byIndex.size, acknowledged: acknowledged.size, lost, duplicated, phases };
}

export interface RestartResult {
  rounds: { victim: string; cameUp: boolean; secondsToReady: number; stayedUp: boolean; ordersKept: boolean; reapedChain: boolean }[];
  manualSteps: number;
}

/**
 * kill -9 of npm start's gateway process (not its process group), then npm start on the same data directory, with
 * nothing cleaned up by hand. Round 1 kills the gateway alone; round 2 first freezes its chain (SIGSTOP), so the
 * chain cannot notice its parent died and keeps the port: the next start must reap it through the pid file.
 */
export async function restartAfterKillDrill(): Promise<RestartResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trellis-restart-kill-"));
  const [port, chainPort] = [await freePort(), await freePort()];
  const args = ["--data-dir", dataDir, "--port", String(port), "--chain-port", String(chainPort)];
  let proc = await startProcess(args);
  const rounds: RestartResult["rounds"] = [];
  try {
    const creds: DemoCredentials = JSON.parse(fs.readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8"));
    creds.baseUrl = `http://127.0.0.1:${port}`;
    const buyer = apiClient(creds.baseUrl, creds.users.buyer.token);
    const auditor = apiClient(creds.baseUrl, creds.users.auditor.token);
    for (const victim of ["gateway", "gateway with its chain frozen"]) {
      const made = await buyer("POST", "/orders", { supplierOrgId: creds.orgs.pearl, amount: "4.56", reference: `RK-${rounds.length}`, dueDate: inDays(30) });
      if (made.status !== 201) throw new Error(`setup write answered ${made.status}`);
      const chain = childrenOf(proc.pid!)[0];
      if (victim !== "gateway") process.kill(chain, "SIGSTOP");
      process.kill(proc.pid!, "SIGKILL");
      await exited(proc);
      const t0 = Date.now();
      let cameUp = true;
      try {
        proc = await startProcess(args, { timeoutMs: 180_000 });
      } catch {
        cameUp = false;
      }
      const secondsToReady = round((Date.now() - t0) / 1000);
      await sleep(4000);
      const stayedUp = cameUp && proc.exitCode === null && (await fetch(`${creds.baseUrl}/readyz`).then((r) => r.status).catch(() => 0)) === 200;
      const list = stayedUp ? await auditor("GET", "/orders?limit=500") : { body: { items: [] } };
      const refs = new Set(list.body.items.map((o: { reference: string }) => o.reference));
      const ordersKept = rounds.every((_, k) => refs.has(`RK-${k}`)) && refs.has(`RK-${rounds.length}`);
      let reapedChain = true;
      try {
        process.kill(chain, 0);
        reapedChain = fs.readFileSync(`/proc/${chain}/stat`, "utf8").split(") ")[1].startsWith("Z");
      } catch {
        reapedChain = true;
      }
      rounds.push({ victim, cameUp, secondsToReady, stayedUp, ordersKept, reapedChain });
      if (!cameUp) break;
    }
  } finally {
    killGroup(proc, "SIGTERM");
    await Promise.race([exited(proc), sleep(5000)]);
    killGroup(proc, "SIGKILL");
  }
  return { rounds, manualSteps: 0 };
}

/** The chain-fault and restart-after-kill entries of `npm run drill` (scripts/drill/run.ts). */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, killGroup, startProcess } from "../../test/helpers/platform";
import type { DemoCredentials } from "../../server/src/seed";
import { updateResult, verdict } from "../bench/lib";
import { chainFaultDrill, childrenOf, restartAfterKillDrill } from "./chain-faults";

const FREEZE_MS = Number(process.env.DRILL_FREEZE_MS ?? 30_000);
const WRITERS = Number(process.env.DRILL_FAULT_WRITERS ?? 16);
const ORGS = Number(process.env.DRILL_ORGS ?? 10);
/** npm start's default call deadline (TRELLIS_CHAIN_TIMEOUT_MS) plus the second docs/OPERATIONS.md allows. */
const DEADLINE_MS = Number(process.env.TRELLIS_CHAIN_TIMEOUT_MS ?? 5000) + 1000;

export async function runChainFaultDrills(parts: string[], details: Record<string, unknown>, rows: (string | number)[][]): Promise<void> {
  if (parts.includes("chain-fault")) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trellis-chain-fault-"));
    const [port, chainPort] = [await freePort(), await freePort()];
    const proc = await startProcess(["--data-dir", dataDir, "--port", String(port), "--chain-port", String(chainPort)]);
    try {
      const creds: DemoCredentials = JSON.parse(fs.readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8"));
      creds.baseUrl = `http://127.0.0.1:${port}`;
      const r = await chainFaultDrill({ creds, chainPid: () => childrenOf(proc.pid!)[0], deadlineMs: DEADLINE_MS }, { orgs: ORGS, writers: WRITERS, freezeMs: FREEZE_MS });
      details["chain-fault"] = { ...r, writers: WRITERS, orgs: ORGS, deadlineMs: DEADLINE_MS, command: "npm run drill -- chain-fault" };
      updateResult<Record<string, unknown>>("drills", (cur) => ({
        ...cur,
        chainFault: {
          acknowledged: r.acknowledged,
          lost: r.lost,
          duplicated: r.duplicated,
          max503Ms: Math.max(...r.phases.map((p) => p.max503Ms)),
          otherErrors: r.phases.reduce((a, p) => a + Object.values(p.otherErrors).reduce((x, y) => x + y, 0), 0),
          healthMisses: r.phases.reduce((a, p) => a + p.healthMisses, 0),
        },
      }));
      rows.push(["chain-fault", `${r.writes} writes: acknowledged / lost / duplicated`, `${r.acknowledged} / ${r.lost} / ${r.duplicated}`, "- / 0 / 0", verdict(r.lost === 0 && r.duplicated === 0)]);
      for (const p of r.phases) {
        const other = Object.values(p.otherErrors).reduce((a, b) => a + b, 0);
        rows.push(["chain-fault", `${p.fault}${p.frozenSeconds ? ` ${p.frozenSeconds} s` : ""}: writes during / 503 / other errors`, `${p.duringFault} / ${p.refused503} / ${other}`, "- / - / 0", verdict(other === 0)]);
        rows.push(["chain-fault", `${p.fault}: slowest 503 (p99) ms`, `${p.max503Ms} (${p.p99_503Ms})`, `<= ${DEADLINE_MS}`, verdict(p.over503Deadline === 0)]);
        rows.push(["chain-fault", `${p.fault}: /healthz unanswered in 1 s / probes; recovery s`, `${p.healthMisses} / ${p.healthProbes}; ${p.recoverySeconds}`, "0 / -; -", verdict(p.healthMisses === 0)]);
      }
    } finally {
      killGroup(proc, "SIGTERM");
      await new Promise((r) => setTimeout(r, 3000));
      killGroup(proc, "SIGKILL");
    }
  }
  if (parts.includes("restart-after-kill")) {
    const r = await restartAfterKillDrill();
    details["restart-after-kill"] = { ...r, command: "npm run drill -- restart-after-kill" };
    const good = r.rounds.filter((x) => x.cameUp && x.stayedUp && x.ordersKept && x.reapedChain).length;
    updateResult<Record<string, unknown>>("drills", (cur) => ({ ...cur, restartAfterKill: { rounds: r.rounds.length, cameUp: good, manualSteps: r.manualSteps } }));
    for (const x of r.rounds) {
      rows.push(["restart-after-kill", `kill -9 ${x.victim}: up / stayed up / data kept / old chain gone`, `${x.cameUp} / ${x.stayedUp} / ${x.ordersKept} / ${x.reapedChain}`, "true / true / true / true", verdict(x.cameUp && x.stayedUp && x.ordersKept && x.reapedChain)]);
      rows.push(["restart-after-kill", `kill -9 ${x.victim}: seconds to READY`, x.secondsToReady, "", ""]);
    }
  }
}

/**
 * `npm run drill [-- load crash fuzz fuzz-schema authz chain-fault restart-after-kill]`: the reliability drills, each also runnable alone (`npm run drill:load`,
 * `drill:crash`, `drill:fuzz`, `drill:authz`). Results go to bench/results/drills.json (the shape others read) and
 * bench/results/drills.details.json (per scenario, status counts, memory). Exits non-zero if a drill could not run;
 * the figures themselves are reported, not asserted (the fast subset in test/drills asserts them).
 *
 * Options (env): DRILL_WRITES (1000), DRILL_ORGS (10), DRILL_CRASH_WRITES (300), DRILL_FUZZ (10000),
 * DRILL_SCHEMA_FUZZ (6000), DRILL_FREEZE_MS (30000, how long chain-fault freezes the chain), DRILL_FAULT_WRITERS (16).
 */
import fs from "node:fs";
import path from "node:path";
import { startPlatform } from "../lib/platform";
import { printTable, RESULTS_DIR, runMain, updateResult, verdict, writeDetails } from "../bench/lib";
import { authzDrill, crashDrill, fuzzDrill, loadDrill, type CrashResult } from "./parts";
import { runChainFaultDrills } from "./chain-faults-run";
import { schemaFuzzDrill } from "./fuzz-schema";

const WRITES = Number(process.env.DRILL_WRITES ?? 1000);
const ORGS = Number(process.env.DRILL_ORGS ?? 10);
const CRASH_WRITES = Number(process.env.DRILL_CRASH_WRITES ?? 300);
const FUZZ = Number(process.env.DRILL_FUZZ ?? 10_000);
const SCHEMA_FUZZ = Number(process.env.DRILL_SCHEMA_FUZZ ?? 6_000);

async function main() {
  const parts = process.argv.slice(2).length ? process.argv.slice(2) : ["load", "crash", "fuzz", "fuzz-schema", "authz", "chain-fault", "restart-after-kill"];
  const detailsFile = path.join(RESULTS_DIR, "drills.details.json");
  const details: Record<string, unknown> = fs.existsSync(detailsFile) ? JSON.parse(fs.readFileSync(detailsFile, "utf8")) : {};
  delete details.measuredAt;
  delete details.machine;
  const rows: (string | number)[][] = [["drill", "figure", "value", "want", ""]];

  if (parts.includes("load")) {
    const p = await startPlatform({ chain: "hardhat" });
    try {
      const r = await loadDrill(p, { orgs: ORGS, writes: WRITES });
      details.load = { ...r, orgs: ORGS, command: "npm run drill:load" };
      updateResult<Record<string, unknown>>("drills", (cur) => ({ ...cur, load: { writes: r.writes, errors: r.errors } }));
      rows.push(["load", `${WRITES} concurrent writes, ${ORGS} orgs: errors`, r.errors, 0, verdict(r.errors === 0)]);
      rows.push(["load", "nonce failures", r.nonceFailures, 0, verdict(r.nonceFailures === 0)]);
      rows.push(["load", "on-chain / indexed", `${r.onChain} / ${r.indexed}`, `${WRITES} / ${WRITES}`, verdict(r.onChain === WRITES && r.indexed === WRITES)]);
      rows.push(["load", "seconds", Math.round(r.seconds * 10) / 10, "", ""]);
    } finally {
      await p.stop();
    }
  }
  if (parts.includes("crash")) {
    const scenarios: CrashResult[] = [];
    for (const s of ["gateway", "chain", "both"] as const) {
      const r = await crashDrill(s, { writes: CRASH_WRITES, orgs: ORGS });
      scenarios.push(r);
      rows.push(["crash", `kill -9 ${s}: acknowledged before kill / lost / duplicated`, `${r.acknowledged} / ${r.lost} / ${r.duplicated}`, "- / 0 / 0", verdict(r.lost === 0 && r.duplicated === 0)]);
    }
    details.crash = { scenarios, command: "npm run drill:crash" };
    const sum = (k: "acknowledged" | "lost" | "duplicated") => scenarios.reduce((a, r) => a + r[k], 0);
    updateResult<Record<string, unknown>>("drills", (cur) => ({ ...cur, crash: { acknowledged: sum("acknowledged"), lost: sum("lost"), duplicated: sum("duplicated") } }));
  }
  if (parts.includes("fuzz")) {
    const p = await startPlatform({ chain: "hardhat" });
    try {
      const r = await fuzzDrill(p, { requests: FUZZ });
      details.fuzz = { ...r, command: "npm run drill:fuzz", note: "gateway and drill client share one process; memory[] is heap used after a full GC every tenth of the run" };
      updateResult<Record<string, unknown>>("drills", (cur) => ({ ...cur, fuzz: { requests: r.requests, status5xx: r.status5xx, stateChanged: r.stateChanged } }));
      rows.push(["fuzz", `${r.requests} hostile requests: 5xx`, r.status5xx, 0, verdict(r.status5xx === 0)]);
      rows.push(["fuzz", "ledger/index changed (block, row counts)", String(r.stateChanged), "false", verdict(!r.stateChanged)]);
      rows.push(["fuzz", "process up afterwards", String(r.alive), "true", verdict(r.alive)]);
      const heaps = r.memory.map((m) => m.heapMiB);
      rows.push(["fuzz", "heap MiB after GC, min / max over the run", `${Math.min(...heaps)} / ${Math.max(...heaps)}`, "", ""]);
      rows.push(["fuzz", "heap growth after GC, 2nd sample -> last (MiB)", r.heapGrowthMiB, "bounded (< 16)", verdict(r.heapGrowthMiB < 16)]);
      rows.push(["fuzz", "RSS MiB before -> after", `${r.rssMiBBefore} -> ${r.rssMiBAfter}`, "", ""]);
    } finally {
      await p.stop();
    }
  }
  if (parts.includes("fuzz-schema")) {
    // The drill sends about 480 requests with bad credentials from one address; under the default limit of 30 failed
    // authentications a minute every later request would answer 429 AUTH_RATE_LIMITED and nothing else would be
    // tested. The limiter has tests of its own (test/server/request-abuse.test.ts).
    const p = await startPlatform({ chain: "hardhat", env: { TRELLIS_AUTH_FAILURE_LIMIT: "1000000" } });
    try {
      const r = await schemaFuzzDrill(p, { requests: SCHEMA_FUZZ });
      details.fuzzSchema = { ...r, command: "npm run drill:fuzz-schema" };
      const { requests, operations, status5xx, undocumented, acceptedInvalid, rejectedValid, unauthenticatedNot401 } = r;
      updateResult<Record<string, unknown>>("drills", (cur) => ({ ...cur, fuzzSchema: { requests, operations, status5xx, undocumented, acceptedInvalid, rejectedValid, unauthenticatedNot401 } }));
      rows.push(["fuzz-schema", `${requests} requests from /openapi.json (${operations} operations): 5xx`, status5xx, 0, verdict(status5xx === 0)]);
      rows.push(["fuzz-schema", "undocumented statuses", undocumented, 0, verdict(undocumented === 0)]);
      rows.push(["fuzz-schema", "invalid input accepted / valid input rejected (400)", `${acceptedInvalid} / ${rejectedValid}`, "0 / 0", verdict(acceptedInvalid === 0 && rejectedValid === 0)]);
      rows.push(["fuzz-schema", "without a valid token, not 401", unauthenticatedNot401, 0, verdict(unauthenticatedNot401 === 0)]);
      for (const [kind, xs] of Object.entries(r.samples)) process.stdout.write(`fuzz-schema ${kind}:\n  ${xs.join("\n  ")}\n`);
    } finally {
      await p.stop();
    }
  }
  if (parts.includes("authz")) {
    const p = await startPlatform({ chain: "hardhat" });
    try {
      const r = await authzDrill(p);
      details.authz = { ...r, command: "npm run drill:authz" };
      updateResult<Record<string, unknown>>("drills", (cur) => ({ ...cur, authz: { attempts: r.attempts, allowed: r.allowed } }));
      rows.push(["authz", "API attempts / allowed", `${r.api.attempts} / ${r.api.allowed}`, "- / 0", verdict(r.api.allowed === 0)]);
      rows.push(["authz", "contract attempts / allowed", `${r.contracts.attempts} / ${r.contracts.allowed}`, "- / 0", verdict(r.contracts.allowed === 0)]);
      rows.push(["authz", "rightful actor succeeds (controls)", `${r.contracts.rightfulSucceeded} / ${r.contracts.rightful}`, "all", verdict(r.contracts.rightfulSucceeded === r.contracts.rightful)]);
      if (r.allowedCases.length) process.stdout.write(`authz findings:\n  ${r.allowedCases.join("\n  ")}\n`);
    } finally {
      await p.stop();
    }
  }
  await runChainFaultDrills(parts, details, rows);
  writeDetails("drills", details);
  printTable("Drills", rows);
}

runMain("drill", main);

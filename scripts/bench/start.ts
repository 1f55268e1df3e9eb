/**
 * `npm run bench:start`: seconds from `npm start` to its READY line on this installed clone, first start (new data
 * directory: Hardhat node, deploy, demo seed) and restart (same directory: journal replay onto a new node).
 * Writes startToReadySec (the first start) into bench/results/audit.json.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, killGroup, startProcess } from "../lib/processes";
import { printTable, ROOT, round, runMain, updateResult, verdict } from "./lib";

async function timeToReady(dataDir: string): Promise<number> {
  const [port, chainPort] = [await freePort(), await freePort()];
  const t0 = performance.now();
  const child = await startProcess(["--data-dir", dataDir, "--port", String(port), "--chain-port", String(chainPort)], { via: "npm" });
  const seconds = (performance.now() - t0) / 1000;
  const gone = new Promise((r) => child.once("exit", r));
  killGroup(child, "SIGTERM");
  await Promise.race([gone, new Promise((r) => setTimeout(r, 8000))]);
  killGroup(child, "SIGKILL");
  return seconds;
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trellis-start-"));
  try {
    const first = await timeToReady(dataDir);
    const restart = await timeToReady(dataDir);
    updateResult<Record<string, unknown>>("audit", (cur) => ({ ...cur, startToReadySec: round(first, 1) }));
    printTable("npm start to READY (installed clone)", [
      ["measure", "seconds", "target", ""],
      ["first start (node, deploy, seed)", round(first, 1), "<= 15", verdict(first <= 15)],
      ["restart (journal replay)", round(restart, 1), "", ""],
    ]);
    const file = path.join(ROOT, "bench", "results", "start.details.json");
    fs.writeFileSync(file, JSON.stringify({ measuredAt: new Date().toISOString(), command: "npm run bench:start", firstStartSec: round(first, 2), restartSec: round(restart, 2) }, null, 2) + "\n");
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

runMain("bench:start", main);

import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

/* Processes and ports for the scripts (benchmarks, drills) and the tests that start the gateway as a person would. */

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Node's flags for the gateway's process, as `npm start` (package.json) gives them: a 64 MB young generation, so the
 * short-lived objects of each request die in fewer scavenges (the gateway's CPU per write under interval mining
 * 1.83-1.86 -> 1.66-1.70 ms in alternating runs, docs/BENCHMARKS.md).
 */
export const GATEWAY_NODE_FLAGS = ["--max-semi-space-size=64"];

/**
 * Starts `npm start`'s script with `args` (or `npm start` itself, `via: "npm"`) as its own process group, so that a
 * kill takes the gateway and its chain together; resolves once it prints READY. On failure the group is killed.
 */
export async function startProcess(args: string[], opts: { via?: "script" | "npm"; timeoutMs?: number; custody?: "self" | "custodial" } = {}): Promise<ChildProcess> {
  const argv = [...args, "--log-level", "warn"];
  const [cmd, cmdArgs] = opts.via === "npm" ? ["npm", ["start", "--", ...argv]] : [process.execPath, [...GATEWAY_NODE_FLAGS, "-r", "ts-node/register/transpile-only", "scripts/start.ts", ...argv]];
  // The drills and crash tests drive officers' writes in one step: their demo officers are custodial unless asked.
  const env = { ...process.env, TRELLIS_DEMO_CUSTODY: opts.custody ?? process.env.TRELLIS_DEMO_CUSTODY ?? "custodial" };
  const child = spawn(cmd, cmdArgs, { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"], env });
  const timeoutMs = opts.timeoutMs ?? 180_000;
  let out = "";
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no READY within ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("READY ")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr!.on("data", (d) => (out += d.toString()));
      child.once("exit", (code) => reject(new Error(`start exited with ${code}:\n${out}`)));
    });
  } catch (err) {
    killGroup(child, "SIGKILL");
    throw err;
  } finally {
    child.removeAllListeners("exit");
  }
  return child;
}

/** Sends `signal` to a process group started by `startProcess`. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

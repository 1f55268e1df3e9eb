import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { loadConfig } from "../../server/src/config";
import { startGateway, type Gateway } from "../../server/src/gateway";
import { startAnvil, startHardhatNode, type LocalNode } from "../../server/src/chain/local-node";
import type { DemoCredentials } from "../../server/src/seed";
import { contractOf } from "./contract";

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

export interface Platform {
  baseUrl: string;
  credentials: DemoCredentials;
  dataDir: string;
  gateway: Gateway;
  node: LocalNode;
  /** Stops the gateway only (the chain keeps running). */
  stopGateway(): Promise<void>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  chain?: "hardhat" | "anvil";
  dataDir?: string;
  node?: LocalNode;
  genesisDate?: string;
  /** The relayer pool's size (the gateway's --relayers); the local Hardhat node funds up to 32. */
  relayers?: number;
}

/**
 * Starts a real chain process (Hardhat node or Anvil) and the real gateway on port 0 with a fresh data directory,
 * seeded with the demo data. Tests talk to it over HTTP only.
 */
export async function startPlatform(opts: PlatformOptions = {}): Promise<Platform> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "trellis-test-"));
  const chain = opts.chain ?? "hardhat";
  const genesis = opts.genesisDate ?? new Date(Date.now() - 60_000).toISOString();
  const node = opts.node ?? (chain === "anvil" ? await startAnvil(await freePort()) : await startHardhatNode(await freePort(), genesis));
  const config = loadConfig(["--data-dir", dataDir, "--port", "0", "--log-level", "silent", ...(opts.relayers ? ["--relayers", String(opts.relayers)] : [])], {});
  const gateway = await startGateway(config, { rpcUrl: node.url, managedHardhat: chain === "hardhat", logger: pino({ level: "silent" }) });
  const credentials: DemoCredentials = JSON.parse(fs.readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8"));
  credentials.baseUrl = gateway.url;
  return {
    baseUrl: gateway.url,
    credentials,
    dataDir,
    gateway,
    node,
    stopGateway: () => gateway.stop(),
    stop: async () => {
      await gateway.stop();
      await node.stop();
    },
  };
}

/**
 * A small JSON client for the gateway's API. Every response it receives is checked against the gateway's own
 * /openapi.json (the status is documented for the operation, the body matches that status's schema); a response
 * that breaks the contract throws, so it fails whichever test received it. `{ contract: false }` turns that off for
 * load scripts that only want speed.
 */
export function apiClient(baseUrl: string, token?: string, opts: { contract?: boolean } = {}) {
  const checked = opts.contract !== false;
  return async (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${baseUrl}/api/v1${p}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    if (checked) {
      const broken = (await contractOf(baseUrl)).check(method, `/api/v1${p}`, res.status, res.headers.get("content-type"), json);
      if (broken.length) throw new Error(`The response breaks the API contract (/openapi.json):\n  ${broken.join("\n  ")}\n${text.slice(0, 2000)}`);
    }
    return { status: res.status, body: json, headers: res.headers };
  };
}

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Starts `npm start`'s script with `args` (or `npm start` itself, `via: "npm"`) as its own process group, so that a
 * kill takes the gateway and its chain together; resolves once it prints READY. On failure the group is killed.
 */
export async function startProcess(args: string[], opts: { via?: "script" | "npm"; timeoutMs?: number } = {}): Promise<ChildProcess> {
  const argv = [...args, "--log-level", "warn"];
  const [cmd, cmdArgs] = opts.via === "npm" ? ["npm", ["start", "--", ...argv]] : [process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/start.ts", ...argv]];
  const child = spawn(cmd, cmdArgs, { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
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

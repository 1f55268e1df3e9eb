import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { loadConfig } from "../../server/src/config";
import { startGateway, type Gateway } from "../../server/src/gateway";
import { startAnvil, startHardhatNode, type LocalNode } from "../../server/src/chain/local-node";
import type { DemoCredentials } from "../../server/src/seed";

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

/** A small JSON client for the gateway's API. */
export function apiClient(baseUrl: string, token?: string) {
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
    return { status: res.status, body: json, headers: res.headers };
  };
}

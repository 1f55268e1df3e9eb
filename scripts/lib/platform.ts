import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { loadConfig } from "../../server/src/config";
import { startGateway, type Gateway } from "../../server/src/gateway";
import { startAnvil, startHardhatNode, type LocalNode } from "../../server/src/chain/local-node";
import type { DemoCredentials } from "../../server/src/seed";
import { freePort } from "./processes";

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
  /** More gateway options, e.g. ["--webhook-allow-private", "--smtp-url", "smtp://127.0.0.1:2525"]. */
  args?: string[];
  /** The gateway's environment settings (TRELLIS_*); none by default, whatever the calling process has. */
  env?: NodeJS.ProcessEnv;
  /**
   * The demo's bank officers and treasuries: "self" as `npm start` seeds them (keystores outside the data directory,
   * every write a signing request), or "custodial" (the default here) for suites about other things that drive
   * officers' writes in one step.
   */
  custody?: "self" | "custodial";
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
  const config = loadConfig(["--data-dir", dataDir, "--port", "0", "--log-level", "silent", ...(opts.relayers ? ["--relayers", String(opts.relayers)] : []), "--demo-custody", opts.custody ?? "custodial", ...(opts.args ?? [])], opts.env ?? {});
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

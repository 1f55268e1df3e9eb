import path from "node:path";
import { z } from "zod";

/** The gateway's configuration, parsed once at start from CLI flags and environment variables. */
const ConfigSchema = z
  .object({
    dataDir: z.string().min(1),
    port: z.coerce.number().int().min(0).max(65535),
    host: z.string().min(1),
    chainPort: z.coerce.number().int().min(1).max(65535),
    rpcUrl: z.url({ message: "must be an http(s) URL such as http://127.0.0.1:8545" }).optional(),
    relayerKeys: z.array(z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 32-byte hex private key")).min(1),
    relayers: z.coerce.number().int().min(1).max(32),
    seedDemo: z.boolean(),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    pollIntervalMs: z.coerce.number().int().min(10).max(60_000),
    reorgDepth: z.coerce.number().int().min(0).max(1000),
    webDir: z.string().optional(),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;

/**
 * The private keys of the well-known development mnemonic ("test test ... junk") that both Hardhat's and Anvil's
 * local nodes fund at genesis. Account 0 deploys; the others relay. On a real network pass TRELLIS_RELAYER_KEYS.
 */
export const DEV_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
  "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
  "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
];

type Flags = Record<string, string | boolean | undefined>;

/** Parses `--name value`, `--name=value` and bare `--flag` arguments. */
export function parseArgs(argv: string[]): Flags {
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new ConfigError(`unexpected argument "${arg}" (options start with --)`);
    const eq = arg.indexOf("=");
    if (eq > 0) flags[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith("--")) flags[arg.slice(2)] = argv[++i];
    else flags[arg.slice(2)] = true;
  }
  return flags;
}

export class ConfigError extends Error {}

const KNOWN_FLAGS = ["data-dir", "port", "host", "chain-port", "rpc-url", "relayers", "no-seed", "log-level", "help"];

/** Builds the configuration from flags (which win) and environment variables, failing with a readable sentence. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): Config {
  const flags = parseArgs(argv);
  for (const k of Object.keys(flags)) {
    if (!KNOWN_FLAGS.includes(k)) throw new ConfigError(`unknown option --${k}; known options: ${KNOWN_FLAGS.map((f) => "--" + f).join(", ")}`);
  }
  const pick = (flag: string, name: string): string | undefined => {
    const v = flags[flag];
    if (v === true) throw new ConfigError(`option --${flag} needs a value`);
    return (v as string | undefined) ?? env[name] ?? undefined;
  };
  const relayerKeys = (env.TRELLIS_RELAYER_KEYS ? env.TRELLIS_RELAYER_KEYS.split(",").map((s) => s.trim()) : DEV_KEYS).filter(Boolean);
  const raw = {
    dataDir: path.resolve(pick("data-dir", "TRELLIS_DATA_DIR") ?? "./data"),
    port: pick("port", "TRELLIS_PORT") ?? "3000",
    host: pick("host", "TRELLIS_HOST") ?? "127.0.0.1",
    chainPort: pick("chain-port", "TRELLIS_CHAIN_PORT") ?? "8545",
    rpcUrl: pick("rpc-url", "TRELLIS_RPC_URL") || undefined,
    relayerKeys,
    relayers: pick("relayers", "TRELLIS_RELAYERS") ?? String(Math.min(8, relayerKeys.length - 1 || 1)),
    seedDemo: !(flags["no-seed"] === true || env.TRELLIS_SEED === "0"),
    logLevel: pick("log-level", "TRELLIS_LOG_LEVEL") ?? "info",
    pollIntervalMs: env.TRELLIS_POLL_INTERVAL_MS ?? "200",
    reorgDepth: env.TRELLIS_REORG_DEPTH ?? "0",
    webDir: env.TRELLIS_WEB_DIR,
  };
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid configuration: ${issue.path.join(".")} ${issue.message}`);
  }
  return parsed.data;
}

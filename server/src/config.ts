import path from "node:path";
import { z } from "zod";
import { HDNodeWallet } from "ethers";
import { AuthSettings, authSettingsFromEnv } from "./sessions/settings";
import { DEFAULT_MAX_IN_FLIGHT } from "./chain/rpc-provider";

/** The gateway's configuration, parsed once at start from CLI flags and environment variables. */
const ConfigSchema = z
  .object({
    dataDir: z.string().min(1),
    port: z.coerce.number().int().min(0).max(65535),
    host: z.string().min(1),
    chainPort: z.coerce.number().int().min(1).max(65535),
    rpcUrl: z.url({ message: "must be an http(s) URL such as http://127.0.0.1:8545" }).optional(),
    /** A deployment to join instead of deploying (a bank's own gateway on the shared chain): its deployment.json. */
    deploymentFile: z.string().optional(),
    /** The consortium directory a joined gateway imports (default: directory.json beside the deployment file). */
    directoryFile: z.string().optional(),
    relayerKeys: z.array(z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 32-byte hex private key")).min(1),
    relayers: z.coerce.number().int().min(1).max(32),
    seedDemo: z.boolean(),
    /**
     * Who holds the demo's bank officers' and treasuries' keys: "self" (their owners: keystores written outside the
     * data directory, the gateway keeps none) or "custodial" (the gateway's vault; test suites about other things).
     */
    demoCustody: z.enum(["self", "custodial"]),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    pollIntervalMs: z.coerce.number().int().min(10).max(60_000),
    reorgDepth: z.coerce.number().int().min(0).max(1000),
    webDir: z.string().optional(),
    /** The deadline of one JSON-RPC call to the node; a call that takes longer fails as CHAIN_UNAVAILABLE. */
    chainTimeoutMs: z.coerce.number().int().min(100).max(600_000),
    /** JSON-RPC HTTP requests at the node at once; calls made meanwhile wait and go together as one batch. */
    chainMaxInFlight: z.coerce.number().int().min(1).max(64),
    /** How long a write waits for its transaction to be mined before it answers 503 (it completes later under its key). */
    writeTimeoutMs: z.coerce.number().int().min(100).max(600_000),
    /** How often the chain supervisor asks the node whether it answers and is still the same chain. */
    chainProbeMs: z.coerce.number().int().min(50).max(60_000),
    /** How many blocks the index may trail the chain's head and /readyz still answer 200. */
    readyMaxLagBlocks: z.coerce.number().int().min(0).max(1_000_000),
    /** An invoice may fall due at most this many days after its order's due date (TRELLIS_MAX_INVOICE_TENOR_DAYS). */
    maxInvoiceTenorDays: z.coerce.number().int().min(0).max(3650),
    /** A bearer token that may read /metrics besides operator tokens (TRELLIS_METRICS_TOKEN); unset: operators only. */
    metricsToken: z.string().min(24, "must be at least 24 characters").optional(),
    /** Bytes of documents each organisation may store (TRELLIS_DOCUMENT_QUOTA_MIB, in MiB). */
    documentQuotaBytes: z.number().int().min(0),
    auth: AuthSettings,
    /** Let webhooks target private, loopback and link-local addresses (closed networks and tests only). */
    webhookAllowPrivate: z.boolean(),
    /** How long one webhook event is retried from its first attempt, in hours. */
    webhookRetryHours: z.coerce.number().min(0.001).max(24 * 30),
    /** Email notifications through this SMTP server (smtp://user:pass@host:port or smtps://...); none without it. */
    smtpUrl: z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL").optional(),
    smtpFrom: z.string().min(3),
    /** How often the keeper looks for overdue invoices, due-date reminders and case clocks. */
    keeperIntervalMs: z.coerce.number().int().min(50).max(3_600_000),
    /** The first webhook retry's delay (each next one doubles, up to an hour). */
    webhookInitialBackoffMs: z.coerce.number().int().min(10).max(3_600_000),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;

/** The well-known development mnemonic whose first accounts Hardhat's and Anvil's local nodes fund at genesis. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
/** How many of its accounts the local Hardhat node funds (hardhat.config.ts): the deployer and 32 relayers. */
export const DEV_ACCOUNTS = 33;

/**
 * The private keys of the development mnemonic's first `DEV_ACCOUNTS` accounts (m/44'/60'/0'/0/i). Account 0 deploys;
 * the others relay. Anvil funds only the first 10 by default. On a real network pass TRELLIS_RELAYER_KEYS.
 */
export function devKeys(): string[] {
  if (!devKeyCache) {
    const root = HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, "m/44'/60'/0'/0");
    devKeyCache = Array.from({ length: DEV_ACCOUNTS }, (_, i) => root.deriveChild(i).privateKey);
  }
  return devKeyCache;
}
let devKeyCache: string[] | undefined;

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

const KNOWN_FLAGS = ["data-dir", "port", "host", "chain-port", "rpc-url", "deployment", "directory", "relayers", "no-seed", "demo-custody", "log-level", "help", "webhook-allow-private", "webhook-retry-hours", "smtp-url", "smtp-from"];

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
  const relayerKeys = (env.TRELLIS_RELAYER_KEYS ? env.TRELLIS_RELAYER_KEYS.split(",").map((s) => s.trim()) : devKeys()).filter(Boolean);
  const raw = {
    dataDir: path.resolve(pick("data-dir", "TRELLIS_DATA_DIR") ?? "./data"),
    port: pick("port", "TRELLIS_PORT") ?? "3000",
    host: pick("host", "TRELLIS_HOST") ?? "127.0.0.1",
    chainPort: pick("chain-port", "TRELLIS_CHAIN_PORT") ?? "8545",
    rpcUrl: pick("rpc-url", "TRELLIS_RPC_URL") || undefined,
    deploymentFile: pick("deployment", "TRELLIS_DEPLOYMENT") ? path.resolve(pick("deployment", "TRELLIS_DEPLOYMENT")!) : undefined,
    directoryFile: pick("directory", "TRELLIS_DIRECTORY") ? path.resolve(pick("directory", "TRELLIS_DIRECTORY")!) : undefined,
    relayerKeys,
    relayers: pick("relayers", "TRELLIS_RELAYERS") ?? String(Math.min(8, relayerKeys.length - 1 || 1)),
    seedDemo: !(flags["no-seed"] === true || env.TRELLIS_SEED === "0"),
    demoCustody: pick("demo-custody", "TRELLIS_DEMO_CUSTODY") ?? "self",
    logLevel: pick("log-level", "TRELLIS_LOG_LEVEL") ?? "info",
    pollIntervalMs: env.TRELLIS_POLL_INTERVAL_MS ?? "200",
    reorgDepth: env.TRELLIS_REORG_DEPTH ?? "0",
    webDir: env.TRELLIS_WEB_DIR,
    chainTimeoutMs: env.TRELLIS_CHAIN_TIMEOUT_MS ?? "5000",
    chainMaxInFlight: env.TRELLIS_CHAIN_MAX_IN_FLIGHT ?? String(DEFAULT_MAX_IN_FLIGHT),
    writeTimeoutMs: env.TRELLIS_WRITE_TIMEOUT_MS ?? "10000",
    chainProbeMs: env.TRELLIS_CHAIN_PROBE_MS ?? "1000",
    readyMaxLagBlocks: env.TRELLIS_READY_MAX_LAG ?? "5",
    maxInvoiceTenorDays: env.TRELLIS_MAX_INVOICE_TENOR_DAYS ?? "365",
    metricsToken: env.TRELLIS_METRICS_TOKEN || undefined,
    documentQuotaBytes: Math.round(Number(env.TRELLIS_DOCUMENT_QUOTA_MIB ?? 512) * 2 ** 20),
    auth: authSettingsFromEnv(env),
    webhookAllowPrivate: flags["webhook-allow-private"] === true || env.TRELLIS_WEBHOOK_ALLOW_PRIVATE === "1",
    webhookRetryHours: pick("webhook-retry-hours", "TRELLIS_WEBHOOK_RETRY_HOURS") ?? "24",
    smtpUrl: pick("smtp-url", "TRELLIS_SMTP_URL") || undefined,
    smtpFrom: pick("smtp-from", "TRELLIS_SMTP_FROM") ?? '"Trellis" <no-reply@trellis.local>',
    keeperIntervalMs: env.TRELLIS_KEEPER_INTERVAL_MS ?? "60000",
    webhookInitialBackoffMs: env.TRELLIS_WEBHOOK_BACKOFF_MS ?? "5000",
  };
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid configuration: ${issue.path.join(".")} ${issue.message}`);
  }
  const relayable = Math.max(1, parsed.data.relayerKeys.length - 1);
  if (parsed.data.relayers > relayable) {
    throw new ConfigError(`invalid configuration: relayers ${parsed.data.relayers} is more than the ${relayable} relayer keys available (the first key deploys)`);
  }
  return parsed.data;
}

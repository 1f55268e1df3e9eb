/**
 * `npm start`: the whole platform on one URL. Starts a local Hardhat node (unless --rpc-url points at an existing
 * chain), rebuilds its state from the data directory's journal, deploys and seeds on first start, then serves the
 * gateway API and the console. Stops cleanly on SIGINT/SIGTERM.
 */
import { demoKeysDir } from "../server/src/seed";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pino from "pino";
import { ConfigError, loadConfig } from "../server/src/config";
import { startGateway } from "../server/src/gateway";
import { ManagedChain } from "../server/src/chain/local-node";

const HELP = `Usage: npm start -- [options]

  --data-dir <dir>     data directory (TRELLIS_DATA_DIR, default ./data)
  --port <n>           gateway HTTP port (TRELLIS_PORT, default 3000)
  --chain-port <n>     local Hardhat node JSON-RPC port (TRELLIS_CHAIN_PORT, default 8545)
  --rpc-url <url>      use an existing EVM chain instead of starting one (TRELLIS_RPC_URL)
  --relayers <n>       relayer accounts in the pool (TRELLIS_RELAYERS, default 8)
  --no-seed            do not create the demo data on first start
  --log-level <level>  fatal|error|warn|info|debug|trace|silent (TRELLIS_LOG_LEVEL, default info)
  --webhook-allow-private   let webhooks target private and loopback addresses (closed networks, tests)
  --webhook-retry-hours <h> how long one webhook event is retried (TRELLIS_WEBHOOK_RETRY_HOURS, default 24)
  --smtp-url <url>     email notifications through smtp://user:pass@host:port or smtps://... (TRELLIS_SMTP_URL)
  --smtp-from <addr>   the notifications' sender (TRELLIS_SMTP_FROM)

  Service desk (environment only): TRELLIS_KEEPER_INTERVAL_MS (60000; overdue marking, reminders, case clocks),
  TRELLIS_WEBHOOK_BACKOFF_MS (5000; the first webhook retry's delay, doubling to an hour).

  Chain deadlines (environment only, see docs/OPERATIONS.md): TRELLIS_CHAIN_TIMEOUT_MS (5000),
  TRELLIS_WRITE_TIMEOUT_MS (10000), TRELLIS_CHAIN_PROBE_MS (1000), TRELLIS_READY_MAX_LAG (5 blocks).
`;

const ROOT = path.resolve(__dirname, "..");

/** Newest modification time under a directory (files only). */
function newest(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the console when web/dist is missing or older than its sources (a few seconds with Vite). */
function ensureConsoleBuilt(logger: pino.Logger): void {
  const web = path.join(ROOT, "web");
  if (!fs.existsSync(path.join(web, "src"))) return;
  const built = path.join(web, "dist", "index.html");
  const sources = Math.max(newest(path.join(web, "src")), fs.statSync(path.join(web, "index.html")).mtimeMs, fs.statSync(path.join(web, "vite.config.ts")).mtimeMs);
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= sources) return;
  logger.info("building the console (web/dist)");
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "vite"), ["build", "--config", "web/vite.config.ts", "--logLevel", "warn"], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error("the console build failed (npm run build:web shows why)");
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help")) {
    process.stdout.write(HELP);
    return;
  }
  const started = Date.now();
  const config = loadConfig(argv);
  const logger = pino({ level: config.logLevel });
  fs.mkdirSync(config.dataDir, { recursive: true });
  ensureConsoleBuilt(logger);

  let node: ManagedChain | undefined;
  let rpcUrl = config.rpcUrl;
  if (!rpcUrl) {
    // The genesis date is fixed for the life of the data directory so that the journal can be replayed onto it.
    const dateFile = path.join(config.dataDir, "chain-genesis-date");
    if (!fs.existsSync(dateFile)) fs.writeFileSync(dateFile, new Date(Date.now() - 60_000).toISOString());
    const genesisDate = fs.readFileSync(dateFile, "utf8").trim();
    logger.info({ port: config.chainPort }, "starting the local Hardhat node");
    // A node an earlier run left behind (kill -9 of this process) is reaped through the data directory's pid file;
    // a port held by anything else is refused with a sentence that says what to do.
    node = new ManagedChain({ dataDir: config.dataDir, port: config.chainPort, genesisDate, log: (msg, fields) => logger.warn(fields ?? {}, msg) });
    try {
      await node.start();
    } catch (err) {
      throw new Refusal((err as Error).message);
    }
    rpcUrl = node.url;
  }

  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway(config, { rpcUrl, managedHardhat: node !== undefined, managedChain: node, logger });
  } catch (err) {
    await node?.stop();
    throw err;
  }

  const credsFile = path.join(config.dataDir, "demo-credentials.json");
  if (fs.existsSync(credsFile)) {
    const creds = JSON.parse(fs.readFileSync(credsFile, "utf8"));
    if (creds.baseUrl !== gateway.url) {
      creds.baseUrl = gateway.url;
      fs.writeFileSync(credsFile, JSON.stringify(creds, null, 2) + "\n", { mode: 0o600 });
    }
  }
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, "stopping");
    await gateway.stop().catch((err) => logger.error({ err }, "gateway stop failed"));
    await node?.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  // If the local chain stops, the gateway stays up (reads from the index, writes 503), restarts it and replays the
  // journal onto it: see the chain supervisor (server/src/chain/chain-supervisor.ts).

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `\nTrellis is up in ${seconds} s\n` +
      `  console & API: ${gateway.url}   (API docs: ${gateway.url}/docs)\n` +
      `  chain:         ${rpcUrl}\n` +
      `  data:          ${config.dataDir}\n` +
      (fs.existsSync(credsFile)
        ? `  sign in with a username and password from ${credsFile} (users: ${Object.keys((JSON.parse(fs.readFileSync(credsFile, "utf8")) as { users: object }).users).join(", ")})\n` +
          (fs.existsSync(demoKeysDir(config.dataDir)) ? `  bank officers, admins and treasuries sign with their own keystores in ${demoKeysDir(config.dataDir)} (passphrases in the credentials file)\n` : "")
        : "") +
      `READY ${gateway.url}\n`,
  );
}

/** A start-up refusal whose message says what to do; printed without a stack. */
class Refusal extends Error {}

main().catch((err) => {
  if (err instanceof Refusal) {
    process.stderr.write(`trellis: could not start: ${err.message}\n`);
    process.exit(1);
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`trellis: ${err.message}\n\n${HELP}`);
    process.exit(2);
  }
  process.stderr.write(`trellis: could not start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});

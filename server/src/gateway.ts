import { DIRECTORY_FILE, importDirectory, writeDirectory } from "./disclosures/directory";
import type { Server } from "node:http";
import fs from "node:fs";
import { revealer } from "./commitments/service";
import { RpcProvider, rpcCall } from "./chain/rpc-provider";
import { IdentityGuard, identityMismatch, readIdentity, type ChainIdentity } from "./chain/chain-identity";
import { ChainSupervisor, type ChainState } from "./chain/chain-supervisor";
import type { ManagedChain } from "./chain/local-node";
import { installNativeKeccak, makeWallet, nativeCrypto } from "./chain/native-crypto";
import pino, { type Logger } from "pino";
import { deployThroughJournal, replayJournal } from "./chain/bootstrap";
import { Journal } from "./chain/journal";
import { LedgerClient, type Addresses } from "./chain/ledger-client";
import { TxSender } from "./chain/tx-sender";
import type { Config } from "./config";
import { openIndexDb } from "./db/sqlite";
import { createApp } from "./http/app";
import { Indexer } from "./indexer/indexer";
import { createReadModel } from "./readmodel";
import type { Services } from "./services";
import { sweepRunner } from "./audit/sweeps";
import { getMeta, openGatewayDb, setMeta } from "./store/gateway-db";
import { KeyVault } from "./store/key-vault";
import { seedDemo, type DemoCredentials } from "./seed";
import { submitIntentsOnConfirmation } from "./financing/intents";
import { DomainEventBus } from "./shared/domain-events";
import path from "node:path";
import { DeskClock } from "./desk/time";
import { DeskRepo } from "./desk/repo";
import { DEFAULT_CLOCK_POLICY } from "./desk/clock";
import { Inbox } from "./notify/inbox";
import { createMailer } from "./notify/mailer";
import { WebhookOutbox } from "./webhooks/outbox";
import { WebhookDeliverer } from "./webhooks/deliverer";
import { tellWebhookDisabled } from "./webhooks/service";
import { Keeper } from "./keeper/keeper";

export interface Gateway {
  services: Services;
  url: string;
  port: number;
  credentials?: DemoCredentials;
  /** Overdue marking, reminders, case clocks and notifications; `runOnce()` lets a test run a round now. */
  keeper: Keeper;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  /** The chain's JSON-RPC URL. */
  rpcUrl: string;
  /** True when this process started a local Hardhat node for this data directory (journal replay allowed). */
  managedHardhat: boolean;
  /** The data directory's own node (npm start): when it exits, the gateway restarts it and replays the journal. */
  managedChain?: ManagedChain;
  logger?: Logger;
}

async function chainIdOf(url: string, timeoutMs: number): Promise<number> {
  try {
    return Number(await rpcCall<string>(url, "eth_chainId", [], timeoutMs));
  } catch (err) {
    throw new Error(`the chain at ${url} does not answer (${(err as Error).message}); start it, or check --rpc-url`);
  }
}

/**
 * Brings the gateway up on a chain: opens its stores, rebuilds a local chain from the journal if needed, re-sends
 * what was pending at a crash, deploys and seeds on first start, starts the indexer and the HTTP server.
 */
export async function startGateway(config: Config, opts: GatewayOptions): Promise<Gateway> {
  const logger = opts.logger ?? pino({ level: config.logLevel });
  installNativeKeccak();
  logger.debug(nativeCrypto, "native crypto");
  const gdb = openGatewayDb(config.dataDir);
  const vault = new KeyVault(gdb, config.dataDir);
  const journal = new Journal(gdb);
  const chainId = await chainIdOf(opts.rpcUrl, config.chainTimeoutMs);
  // Calls made in the same tick (the indexer's header fetches, concurrent writes) share one HTTP request.
  const provider = new RpcProvider(opts.rpcUrl, chainId, { timeoutMs: config.chainTimeoutMs, maxInFlight: config.chainMaxInFlight });
  const sender = new TxSender(provider, journal, BigInt(chainId), logger, { receiptTimeoutMs: config.writeTimeoutMs });

  const knownChain = getMeta(gdb, "chainId");
  // With a recorded chain identity, a different chain id is one more mismatch, served read-only below.
  if (knownChain && Number(knownChain) !== chainId && !getMeta(gdb, "chainIdentity")) {
    throw new Error(`the data directory ${config.dataDir} belongs to chain ${knownChain}, but ${opts.rpcUrl} is chain ${chainId}; use another --data-dir`);
  }
  let addresses: (Addresses & { deploymentBlock: number }) | undefined = getMeta(gdb, "deployment") ? JSON.parse(getMeta(gdb, "deployment")!) : undefined;
  // What the start-up checks found; anything but "up" starts the gateway read-only, and the supervisor recovers.
  let initial: { state: ChainState; reason: string } = { state: "up", reason: "" };
  if (addresses) {
    const code = await provider.getCode(addresses.ledger);
    if (code === "0x" && opts.managedHardhat) await replayJournal(provider, journal, logger);
    const expected = expectedIdentity(gdb);
    const found = await readIdentity(provider, addresses);
    if (!expected) setMeta(gdb, "chainIdentity", JSON.stringify(found));
    const mismatch = expected ? identityMismatch(expected, found) : code === "0x" ? "the ledger contract is not there" : null;
    if (mismatch) {
      initial = { state: "mismatch", reason: mismatch };
      logger.fatal({ rpcUrl: opts.rpcUrl, reason: mismatch }, `refusing the chain at ${opts.rpcUrl}: writes answer 503 and the index is served read-only until the data directory's chain is back (or use a new --data-dir for a new chain)`);
    }
  }
  if (initial.state === "up") await sender.rebroadcastPending();

  const [deployerKey, ...poolKeys] = config.relayerKeys;
  const relayers = (poolKeys.length ? poolKeys : [deployerKey]).slice(0, config.relayers).map((k) => makeWallet(k));
  const unfunded = initial.state !== "up" ? [] : (await Promise.all(relayers.map(async (w) => ((await provider.getBalance(w.address)) === 0n ? w.address : undefined)))).filter(Boolean);
  if (unfunded.length) {
    throw new Error(`relayer account(s) ${unfunded.join(", ")} hold no ether on chain ${chainId}, so they cannot pay for gas; fund them or lower --relayers (now ${config.relayers})`);
  }
  let operatorAddress = getMeta(gdb, "operator");
  if (!addresses && config.deploymentFile) {
    // Joining a deployment (a bank's own gateway): index the shared ledger, deploy nothing, hold only local keys.
    const joined = readDeployment(config.deploymentFile, chainId);
    addresses = { ledger: joined.ledger, token: joined.token, forwarder: joined.forwarder, notes: joined.notes, deploymentBlock: joined.deploymentBlock };
    operatorAddress = joined.operator;
    setMeta(gdb, "chainId", String(chainId));
    setMeta(gdb, "operator", joined.operator);
    setMeta(gdb, "deployment", JSON.stringify(addresses));
    setMeta(gdb, "joined", config.deploymentFile);
    setMeta(gdb, "chainIdentity", JSON.stringify(await readIdentity(provider, addresses)));
    logger.info(addresses, "joined the deployment");
  }
  if (!addresses) {
    const operator = vault.create("operator", "0");
    operatorAddress = operator.address;
    addresses = await deployThroughJournal(sender, makeWallet(deployerKey), operator.address);
    setMeta(gdb, "chainId", String(chainId));
    setMeta(gdb, "operator", operator.address);
    setMeta(gdb, "deployment", JSON.stringify(addresses));
    setMeta(gdb, "chainIdentity", JSON.stringify(await readIdentity(provider, addresses)));
    logger.info(addresses, "contracts deployed");
  }
  // What another gateway needs to join this deployment (--deployment): chain, contracts, first block, operator.
  fs.writeFileSync(path.join(config.dataDir, "deployment.json"), JSON.stringify({ chainId, ...addresses, operator: operatorAddress }, null, 2) + "\n");
  const identity = expectedIdentity(gdb)!;
  // The indexer asks before it would roll anything back: a different chain must never empty the index.
  const guard = new IdentityGuard({ send: (m, p) => provider.privileged(() => provider.send(m, p)) }, identity, addresses.ledger);

  const ledger = new LedgerClient(provider, sender, vault, gdb, addresses, relayers, BigInt(chainId), logger);
  if (addresses.notes && operatorAddress && initial.state === "up" && !getMeta(gdb, "joined")) await bindNotes(ledger, operatorAddress, addresses.notes, logger);
  const idb = openIndexDb(path.join(config.dataDir, "index.db"));
  const events = new DomainEventBus(logger);
  // The service desk's clock, webhooks and inbox. The outbox lives in index.db, so the indexer writes each event's
  // message in the event's own transaction; the deliverer is woken after each commit.
  const deskClock = new DeskClock();
  const outbox = new WebhookOutbox(idb);
  // The services and the keeper exist only after the indexer; its callbacks reach them through this holder.
  const late: { services?: Services; keeper?: Keeper } = {};
  const deliverer = new WebhookDeliverer({
    outbox,
    // Wall-clock time, not the desk's: receivers check webhook-timestamp against their own clocks.
    allowPrivate: config.webhookAllowPrivate,
    retryWindowMs: Math.round(config.webhookRetryHours * 3_600_000),
    initialBackoffMs: config.webhookInitialBackoffMs,
    onDisabled: (id, reason) => {
      if (late.services) tellWebhookDisabled(late.services, id, reason);
    },
  });
  const mailer = config.smtpUrl ? createMailer({ smtpUrl: config.smtpUrl, from: config.smtpFrom }) : undefined;
  const desk = { clock: deskClock, policy: DEFAULT_CLOCK_POLICY, repo: new DeskRepo(gdb), inbox: new Inbox(gdb, () => deskClock.now(), mailer, logger), outbox, deliverer };
  const indexer = new Indexer({
    db: idb,
    reveal: revealer(gdb),
    provider,
    // The recorded chain id, not the node's: an index must never be wiped because a different chain answered.
    chainId: knownChain ? Number(knownChain) : chainId,
    addresses: { ledger: addresses.ledger, token: addresses.token, forwarder: addresses.forwarder, notes: addresses.notes },
    fromBlock: addresses.deploymentBlock,
    recentHeader: (n) => sender.recentHeader(n),
    recentLogs: (n) => sender.recentLogs(n),
    reorgDepth: config.reorgDepth,
    pollIntervalMs: config.pollIntervalMs,
    events,
    outbox: { enqueue: (ev) => outbox.enqueue(ev, Date.now()) },
    afterCommit: () => {
      deliverer.wake();
      late.keeper?.wakeNotices();
    },
    verifyChain: () => guard.verify(),
    logger,
  });
  const chain = new ChainSupervisor({
    url: opts.rpcUrl,
    provider,
    sender,
    expected: identity,
    ledger: addresses.ledger,
    managed: opts.managedChain,
    rebuild: async () => {
      // A fresh provider: the gateway's is closed while the node is rebuilt, and its cached state is the old node's.
      const fresh = new RpcProvider(opts.rpcUrl, chainId, { timeoutMs: Math.max(config.chainTimeoutMs, 60_000), maxInFlight: config.chainMaxInFlight });
      try {
        await replayJournal(fresh, journal, logger);
      } finally {
        fresh.destroy();
      }
    },
    indexer,
    resetNonces: () => ledger.reset(),
    probeMs: config.chainProbeMs,
    probeTimeoutMs: Math.max(100, Math.floor(config.chainTimeoutMs / 2)),
    logger,
  });
  chain.start(initial.state === "up" ? undefined : initial);
  if (initial.state === "up") await indexer.syncOnce();
  indexer.start();
  const services: Services = {
    config,
    logger,
    gdb,
    idb,
    vault,
    ledger,
    provider,
    indexer,
    operatorAddress: operatorAddress!,
    read: createReadModel(idb, provider),
    chain,
    desk,
  };
  const keeper = new Keeper(services, config.keeperIntervalMs, logger);
  late.services = services;
  late.keeper = keeper;
  deliverer.start();

  // Sweeps left running by an earlier process resume in the background.
  const sweeps = sweepRunner(services);
  const app = createApp(services);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once("error", reject);
  });
  const port = (server.address() as { port: number }).port;
  const url = `http://${config.host}:${port}`;

  // From here on each indexed confirmation submits its one-stop request; those confirmed while the gateway was down go now.
  await submitIntentsOnConfirmation(services, events).catch((err) => logger.warn({ err }, "one-stop intents not submitted"));

  let credentials: DemoCredentials | undefined;
  if (config.seedDemo && !getMeta(gdb, "joined") && !getMeta(gdb, "seeded") && initial.state === "up") {
    credentials = await seedDemo(services, url);
    setMeta(gdb, "seeded", new Date().toISOString());
  } else {
    credentials = undefined;
  }

  // The consortium directory (organisations' names, which the chain holds only as commitments): the onboarding
  // gateway writes it; a member's own gateway imports it and re-imports when the file changes.
  let directoryFile: string | undefined;
  if (getMeta(gdb, "joined")) {
    directoryFile = config.directoryFile ?? path.join(path.dirname(getMeta(gdb, "joined")!), DIRECTORY_FILE);
    const load = () => {
      if (fs.existsSync(directoryFile!)) importDirectory(services, directoryFile!, logger).catch((err) => logger.warn({ err, file: directoryFile }, "consortium directory not imported"));
    };
    load();
    fs.watchFile(directoryFile, { interval: 1000 }, load);
  } else {
    writeDirectory(services);
  }

  // The keeper starts once the demo world exists, so its first round sees it.
  keeper.start();

  let stopping: Promise<void> | undefined;
  return {
    services,
    url,
    port,
    credentials,
    keeper,
    stop: () =>
      (stopping ??= (async () => {
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections?.();
        });
        if (directoryFile) fs.unwatchFile(directoryFile);
        await sweeps.stop();
        await keeper.stop();
        await chain.stop();
        await indexer.stop();
        await deliverer.stop();
        await desk.inbox.drain();
        mailer?.close();
        sender.stop();
        idb.close();
        gdb.close();
        provider.destroy();
      })()),
  };
}

/** The chain identity recorded for this data directory (at deployment, or at the first start that checked it). */
function expectedIdentity(gdb: Parameters<typeof getMeta>[0]): ChainIdentity | undefined {
  const raw = getMeta(gdb, "chainIdentity");
  return raw ? (JSON.parse(raw) as ChainIdentity) : undefined;
}

/** A deployment.json written by another gateway, checked to be for this chain. */
/** The operator binds the payable-notes contract to the ledger once (the ledger answers only it); idempotent. */
async function bindNotes(ledger: LedgerClient, operator: string, notes: string, logger: Logger): Promise<void> {
  const bound = String(await ledger.read("ledger", "notesContract", []));
  if (bound.toLowerCase() === notes.toLowerCase()) return;
  await ledger.act({ address: operator, orgId: "0" }, "ledger", "bindNotes", [notes]);
  logger.info({ notes }, "payable notes bound to the ledger");
}

function readDeployment(file: string, chainId: number): Addresses & { deploymentBlock: number; operator: string } {
  const d = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  const addr = (k: string) => {
    if (typeof d[k] !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(d[k] as string)) throw new Error(`${file}: ${k} must be a contract address`);
    return d[k] as string;
  };
  if (d.chainId !== chainId) throw new Error(`${file} is a deployment on chain ${String(d.chainId)}, but the node is chain ${chainId}`);
  if (!Number.isInteger(d.deploymentBlock)) throw new Error(`${file}: deploymentBlock must be a block number`);
  const notes = typeof d.notes === "string" ? { notes: addr("notes") } : {};
  return { ledger: addr("ledger"), token: addr("token"), forwarder: addr("forwarder"), ...notes, deploymentBlock: d.deploymentBlock as number, operator: addr("operator") };
}

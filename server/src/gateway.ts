import type { Server } from "node:http";
import { RpcProvider } from "./chain/rpc-provider";
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
import { getMeta, openGatewayDb, setMeta } from "./store/gateway-db";
import { KeyVault } from "./store/key-vault";
import { seedDemo, type DemoCredentials } from "./seed";
import { submitIntentsOnConfirmation } from "./financing/intents";
import { DomainEventBus } from "./shared/domain-events";
import path from "node:path";

export interface Gateway {
  services: Services;
  url: string;
  port: number;
  credentials?: DemoCredentials;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  /** The chain's JSON-RPC URL. */
  rpcUrl: string;
  /** True when this process started a local Hardhat node for this data directory (journal replay allowed). */
  managedHardhat: boolean;
  logger?: Logger;
}

async function chainIdOf(url: string): Promise<number> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
  });
  return Number(((await res.json()) as { result: string }).result);
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
  const chainId = await chainIdOf(opts.rpcUrl);
  // Calls made in the same tick (the indexer's header fetches, concurrent writes) share one HTTP request.
  const provider = new RpcProvider(opts.rpcUrl, chainId);
  const sender = new TxSender(provider, journal, BigInt(chainId), logger);

  const knownChain = getMeta(gdb, "chainId");
  if (knownChain && Number(knownChain) !== chainId) {
    throw new Error(`the data directory ${config.dataDir} belongs to chain ${knownChain}, but ${opts.rpcUrl} is chain ${chainId}; use another --data-dir`);
  }
  let addresses: (Addresses & { deploymentBlock: number }) | undefined = getMeta(gdb, "deployment") ? JSON.parse(getMeta(gdb, "deployment")!) : undefined;
  if (addresses) {
    const code = await provider.getCode(addresses.ledger);
    if (code === "0x") {
      if (!opts.managedHardhat) {
        throw new Error(`the ledger recorded in ${config.dataDir} (${addresses.ledger}) is not on the chain at ${opts.rpcUrl}; use a new --data-dir for a new chain`);
      }
      await replayJournal(provider, journal, logger);
    }
  }
  await sender.rebroadcastPending();

  const [deployerKey, ...poolKeys] = config.relayerKeys;
  const relayers = (poolKeys.length ? poolKeys : [deployerKey]).slice(0, config.relayers).map((k) => makeWallet(k));
  const unfunded = (await Promise.all(relayers.map(async (w) => ((await provider.getBalance(w.address)) === 0n ? w.address : undefined)))).filter(Boolean);
  if (unfunded.length) {
    throw new Error(`relayer account(s) ${unfunded.join(", ")} hold no ether on chain ${chainId}, so they cannot pay for gas; fund them or lower --relayers (now ${config.relayers})`);
  }
  let operatorAddress = getMeta(gdb, "operator");
  if (!addresses) {
    const operator = vault.create("operator", "0");
    operatorAddress = operator.address;
    addresses = await deployThroughJournal(sender, makeWallet(deployerKey), operator.address);
    setMeta(gdb, "chainId", String(chainId));
    setMeta(gdb, "operator", operator.address);
    setMeta(gdb, "deployment", JSON.stringify(addresses));
    logger.info(addresses, "contracts deployed");
  }

  const ledger = new LedgerClient(provider, sender, vault, gdb, addresses, relayers, BigInt(chainId), logger);
  const idb = openIndexDb(path.join(config.dataDir, "index.db"));
  const events = new DomainEventBus(logger);
  const indexer = new Indexer({
    db: idb,
    provider,
    chainId,
    addresses: { ledger: addresses.ledger, token: addresses.token, forwarder: addresses.forwarder },
    fromBlock: addresses.deploymentBlock,
    recentHeader: (n) => sender.recentHeader(n),
    reorgDepth: config.reorgDepth,
    pollIntervalMs: config.pollIntervalMs,
    events,
    logger,
  });
  await indexer.syncOnce();
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
  };

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
  if (config.seedDemo && !getMeta(gdb, "seeded")) {
    credentials = await seedDemo(services, url);
    setMeta(gdb, "seeded", new Date().toISOString());
  } else {
    credentials = undefined;
  }

  let stopping: Promise<void> | undefined;
  return {
    services,
    url,
    port,
    credentials,
    stop: () =>
      (stopping ??= (async () => {
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections?.();
        });
        await indexer.stop();
        sender.stop();
        idb.close();
        gdb.close();
        provider.destroy();
      })()),
  };
}

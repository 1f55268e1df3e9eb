import type { JsonRpcProvider } from "ethers";
import type { Logger } from "pino";
import type Database from "better-sqlite3";
import type { LedgerClient } from "./chain/ledger-client";
import type { Config } from "./config";
import type { Indexer } from "./indexer/indexer";
import type { GatewayDb } from "./store/gateway-db";
import type { KeyVault } from "./store/key-vault";
import type { ReadModel } from "./readmodel";
import type { ChainStatus } from "./chain/chain-supervisor";
import type { DeskRuntime } from "./desk/runtime";

/** Everything a route or service needs, assembled once at start. */
export interface Services {
  config: Config;
  logger: Logger;
  gdb: GatewayDb;
  idb: Database.Database;
  vault: KeyVault;
  ledger: LedgerClient;
  provider: JsonRpcProvider;
  indexer: Indexer;
  /** Operator account (OPERATOR_ROLE on the ledger, admin of the token). */
  operatorAddress: string;
  /** The index, as the routes read it. */
  read: ReadModel;
  /** Whether the chain answers and is this data directory's (the chain supervisor). */
  chain: { current(): ChainStatus };
  /** The service desk, inbox and webhooks (desk/runtime.ts). */
  desk: DeskRuntime;
}

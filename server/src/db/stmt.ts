import type { Statement } from "better-sqlite3";
import { decodeBytes32String } from "ethers";
import type { Database } from "./sqlite";

const cache = new WeakMap<Database, Map<string, Statement>>();

/**
 * A prepared statement cached per connection. Repos build a handful of SQL variants from their filters; each
 * variant is prepared once and reused, which keeps a filtered page well under a millisecond of SQLite overhead.
 */
export function prepared(db: Database, sql: string): Statement {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let st = m.get(sql);
  if (!st) m.set(sql, (st = db.prepare(sql)));
  return st;
}

/** A bytes32 the gateway wrote with encodeBytes32String ("PO-1001"), or its hex when it is not such a string. */
export function bytes32Text(value: string): string {
  try {
    const text = decodeBytes32String(value);
    // A string with control characters was not typed by a person; show the hex so nothing is hidden.
    return /^[\x20-\x7e\u00a0-\uffff]*$/.test(text) ? text : value;
  } catch {
    return value;
  }
}

/** The identity the indexer recorded at its first sync (chain id, contract addresses, first block), if any. */
function indexIdentity(db: Database): { chainId: number; fromBlock?: number } | undefined {
  const v = prepared(db, "SELECT value FROM meta WHERE key = 'identity'").pluck().get() as string | undefined;
  return v ? (JSON.parse(v) as { chainId: number; fromBlock?: number }) : undefined;
}

/** The chain id the index follows (from the identity the indexer recorded), 31337 before the first start. */
export function indexChainId(db: Database): number {
  return indexIdentity(db)?.chainId ?? 31337;
}

/** The first block the index follows (the deployment's block, from the identity the indexer recorded), 0 before the first start. */
export function indexFromBlock(db: Database): number {
  return indexIdentity(db)?.fromBlock ?? 0;
}

/** The audit id of the event at a seq: "chainId:block:logIndex". */
export function eventIdOf(chainId: number, seq: number): string {
  return `${chainId}:${Math.floor(seq / 1_000_000)}:${seq % 1_000_000}`;
}

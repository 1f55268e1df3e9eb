import type { Database } from "../db/sqlite";

/** A block header as the index keeps it. */
export interface BlockHeader {
  hash: string;
  parentHash: string;
  timestamp: number;
}

/**
 * The index's position on the chain: the checkpoint (last indexed block and its hash) and the recent block hashes
 * the reorg walk compares against. Writes happen inside the indexer's range transaction, with the rows they cover.
 */
export class CheckpointStore {
  private readonly st;

  constructor(
    db: Database,
    private readonly chainId: number,
    /** The block before the deployment: where an empty index stands. */
    private readonly origin: number,
  ) {
    const p = (sql: string) => db.prepare(sql);
    this.st = {
      get: p("SELECT block_number, block_hash FROM checkpoint WHERE id = 1"),
      set: db.prepare<[{ chain_id: number; block_number: number; block_hash: string }]>(`INSERT INTO checkpoint (id, chain_id, block_number, block_hash)
        VALUES (1, @chain_id, @block_number, @block_hash) ON CONFLICT (id) DO UPDATE SET chain_id = excluded.chain_id,
        block_number = excluded.block_number, block_hash = excluded.block_hash`),
      clear: p("DELETE FROM checkpoint"),
      upsertBlock: db.prepare<[{ number: number; hash: string; parent_hash: string; timestamp: number; has_logs: 0 | 1 }]>(`INSERT INTO blocks
        (number, hash, parent_hash, timestamp, has_logs) VALUES (@number, @hash, @parent_hash, @timestamp, @has_logs)
        ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash, timestamp = excluded.timestamp,
        has_logs = MAX(blocks.has_logs, excluded.has_logs)`),
      prune: p("DELETE FROM blocks WHERE number >= ? AND number < ? AND has_logs = 0"),
      recent: p("SELECT number, hash FROM blocks WHERE number < ? ORDER BY number DESC LIMIT ?"),
      deleteAfter: p("DELETE FROM blocks WHERE number > ?"),
    };
  }

  /** The last indexed block and its hash (origin and null before anything is indexed). */
  get(): { number: number; hash: string | null } {
    const row = this.st.get.get() as { block_number: number; block_hash: string | null } | undefined;
    return row ? { number: row.block_number, hash: row.block_hash } : { number: this.origin, hash: null };
  }

  /** Moves the checkpoint; a null hash resets it to the origin. */
  set(number: number, hash: string | null): void {
    if (hash === null) this.st.clear.run();
    else this.st.set.run({ chain_id: this.chainId, block_number: number, block_hash: hash });
  }

  saveBlock(number: number, header: BlockHeader, hasLogs: boolean): void {
    this.st.upsertBlock.run({ number, hash: header.hash, parent_hash: header.parentHash, timestamp: header.timestamp, has_logs: hasLogs ? 1 : 0 });
  }

  /** Drops the hashes of log-less blocks in [from, to): only the newest ones matter to the reorg walk. */
  prune(from: number, to: number): void {
    this.st.prune.run(from, to);
  }

  /** The newest `limit` stored block hashes below `block`, newest first. */
  recentBelow(block: number, limit: number): { number: number; hash: string }[] {
    return this.st.recent.all(block, limit) as { number: number; hash: string }[];
  }

  deleteBlocksAfter(block: number): void {
    this.st.deleteAfter.run(block);
  }
}

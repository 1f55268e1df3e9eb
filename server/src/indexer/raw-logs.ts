import type { Database } from "../db/sqlite";
import type { RawLog } from "../chain/abi";

interface RawRow {
  block_number: number;
  log_index: number;
  block_hash: string;
  tx_hash: string;
  tx_index: number;
  address: string;
  topics: string;
  data: string;
  timestamp: number;
}

/**
 * The raw logs as the node returned them, keyed by (chainId, blockNumber, logIndex) with their block hash: the
 * index's source of truth, from which every projection can be rebuilt without asking the node again.
 */
export class RawLogStore {
  private readonly st;

  constructor(
    db: Database,
    private readonly chainId: number,
  ) {
    this.st = {
      insert: db.prepare<[RawLog & { chainId: number; topicsJson: string }]>(`INSERT OR IGNORE INTO raw_logs (chain_id, block_number,
        log_index, block_hash, tx_hash, tx_index, address, topics, data) VALUES (@chainId, @blockNumber, @logIndex, @blockHash, @txHash,
        @txIndex, @address, @topicsJson, @data)`),
      page: db.prepare(`SELECT r.block_number, r.log_index, r.block_hash, r.tx_hash, r.tx_index, r.address, r.topics, r.data, b.timestamp
        FROM raw_logs r JOIN blocks b ON b.number = r.block_number
        WHERE r.chain_id = ? AND (r.block_number > ? OR (r.block_number = ? AND r.log_index > ?))
        ORDER BY r.block_number, r.log_index LIMIT 5000`),
      deleteAfter: db.prepare("DELETE FROM raw_logs WHERE chain_id = ? AND block_number > ?"),
    };
  }

  /** Stores a log; false when it was already stored (and therefore already projected). */
  insert(log: RawLog): boolean {
    return this.st.insert.run({ ...log, chainId: this.chainId, topicsJson: JSON.stringify(log.topics) }).changes > 0;
  }

  /** Forgets the logs of blocks after `block` (a reorg rollback). */
  deleteAfter(block: number): void {
    this.st.deleteAfter.run(this.chainId, block);
  }

  /** Every stored log in chain order, with its block's timestamp, read in pages. */
  *all(): Generator<{ log: RawLog; timestamp: number }> {
    let cursor = { block: -1, index: -1 };
    for (;;) {
      const rows = this.st.page.all(this.chainId, cursor.block, cursor.block, cursor.index) as RawRow[];
      if (rows.length === 0) return;
      for (const r of rows) {
        yield {
          log: {
            blockNumber: r.block_number,
            logIndex: r.log_index,
            blockHash: r.block_hash,
            txHash: r.tx_hash,
            txIndex: r.tx_index,
            address: r.address,
            topics: JSON.parse(r.topics) as string[],
            data: r.data,
          },
          timestamp: r.timestamp,
        };
      }
      const last = rows[rows.length - 1];
      cursor = { block: last.block_number, index: last.log_index };
    }
  }
}

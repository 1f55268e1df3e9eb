import { withoutFsync, type GatewayDb } from "../store/gateway-db";

/** One journaled transaction: the raw signed bytes, written before broadcast, and where it was mined. */
export interface JournalEntry {
  seq: number;
  tx_hash: string;
  sender: string;
  nonce: number;
  raw: string;
  status: "pending" | "mined" | "reverted";
  block_number: number | null;
  tx_index: number | null;
  block_timestamp: number | null;
}

/**
 * The transaction journal. Every transaction the gateway sends is written here (and fsynced, the database runs with
 * synchronous=FULL) before it is broadcast, then marked with its block and timestamp once mined. It is both the
 * relayer's outbox (pending rows are re-broadcast after a crash) and the recipe that rebuilds a local Hardhat chain,
 * which keeps no state across restarts.
 */
export class Journal {
  private readonly insert;
  private readonly mined;
  constructor(private readonly db: GatewayDb) {
    this.insert = db.prepare(
      "INSERT INTO journal (tx_hash, sender, nonce, raw, status, created_at) VALUES (?, ?, ?, ?, 'pending', ?)",
    );
    this.mined = db.prepare(
      "UPDATE journal SET status = ?, block_number = ?, tx_index = ?, block_timestamp = ? WHERE tx_hash = ?",
    );
  }

  /** Records a signed transaction before it is broadcast; `alsoInTransaction` runs in the same DB transaction. */
  record(txHash: string, sender: string, nonce: number, raw: string, alsoInTransaction?: () => void): void {
    this.db.transaction(() => {
      this.insert.run(txHash, sender, nonce, raw, new Date().toISOString());
      alsoInTransaction?.();
    })();
  }

  /**
   * Marks a transaction mined. This commit is not fsynced on its own (the write-ahead log is append-only, so the next
   * fsynced commit, such as the next `record`, carries it to disk): a row that a crash leaves "pending" although it
   * was mined is settled again from its receipt at start, so durability here would only cost an fsync per write.
   */
  markMined(txHash: string, ok: boolean, blockNumber: number, txIndex: number, timestamp: number): void {
    withoutFsync(this.db, () => this.mined.run(ok ? "mined" : "reverted", blockNumber, txIndex, timestamp, txHash));
  }

  /** Removes a transaction the node refused outright (it never entered the chain, so it must not be replayed). */
  discard(txHash: string): void {
    this.db.prepare("DELETE FROM journal WHERE tx_hash = ? AND status = 'pending'").run(txHash);
  }

  byHash(txHash: string): JournalEntry | undefined {
    return this.db.prepare("SELECT * FROM journal WHERE tx_hash = ?").get(txHash) as JournalEntry | undefined;
  }

  pending(): JournalEntry[] {
    return this.db.prepare("SELECT * FROM journal WHERE status = 'pending' ORDER BY seq").all() as JournalEntry[];
  }

  /** Mined transactions in chain order. */
  minedInOrder(): JournalEntry[] {
    return this.db
      .prepare("SELECT * FROM journal WHERE status != 'pending' ORDER BY block_number, tx_index")
      .all() as JournalEntry[];
  }

  count(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM journal").get() as { n: number }).n;
  }
}

import pino from "pino";
import type { Statement } from "better-sqlite3";
import type { Database } from "../db/sqlite";
import { PROJECTION_TABLES } from "../db/migrations";
import { SEQ_PER_BLOCK } from "../db/page";
import { EventDecoder, rawLogFromRpc, type RawLog, type TrellisAddresses } from "./decode";
import { Projector } from "./projector";

/**
 * What the indexer needs from a node: raw JSON-RPC. An ethers `JsonRpcProvider` qualifies (and batches concurrent
 * calls into one HTTP request), and so does Hardhat's in-process `ethers.provider`.
 */
export interface RpcProvider {
  send(method: string, params: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface IndexerOptions {
  db: Database;
  provider: RpcProvider;
  chainId: number;
  addresses: TrellisAddresses;
  /** The deployment block: nothing before it is fetched. */
  fromBlock: number;
  /**
   * How deep a reorganisation the indexer expects. It keeps at least this many (and at least 64) recent block hashes
   * and walks back that far looking for the common ancestor; past that it rebuilds from `fromBlock`. 0 (default)
   * suits a local chain, where reorgs only come from snapshot reverts; they are still detected and rolled back.
   */
  reorgDepth?: number;
  /**
   * Block headers someone else fetched moments ago (the relayer reads each of its blocks for the journal), used for a
   * range's first attempt instead of asking the node again, for blocks with logs only: a lent header must carry the
   * hash the logs name, or the range is retried with fresh headers.
   */
  recentHeader?: (n: number) => RpcBlock | undefined;
  /** Asked before the index is rolled back; throwing keeps the index as it is (chain/chain-identity.ts). */
  verifyChain?: () => Promise<void>;
  /** How often `start()` polls for new blocks (default 1000 ms). */
  pollIntervalMs?: number;
  /** The largest block range per `eth_getLogs` (default 2000; halved automatically when the node refuses). */
  batchBlocks?: number;
  logger?: pino.Logger;
}

export interface IndexerStatus {
  headBlock: number;
  indexedBlock: number;
  caughtUp: boolean;
  lagBlocks: number;
}

export interface RpcBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
}

/** Thrown inside a range when the node's answers disagree with each other: the chain moved under us. */
class ChainMovedError extends Error {}

const hex = (n: number) => "0x" + n.toString(16);
/** The most logs one eth_getLogs range should return; ranges shrink to stay under it (responses stay a few MB). */
const MAX_LOGS_PER_RANGE = 5_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Follows the chain and keeps the index database in step with it: fetches the Trellis contracts' logs range by
 * range, stores them raw, projects them into the read tables, and moves the checkpoint forward in the same
 * transaction, so that a crash leaves either the whole range or none of it.
 */
export class Indexer {
  private readonly db: Database;
  private readonly provider: RpcProvider;
  private readonly recentHeader: (n: number) => RpcBlock | undefined;
  private readonly verifyChain: () => Promise<void>;
  private readonly chainId: number;
  private readonly addresses: TrellisAddresses;
  private readonly addressList: string[];
  private readonly fromBlock: number;
  private readonly keepBlocks: number;
  private readonly pollIntervalMs: number;
  private batchBlocks: number;
  /** The highest block a waitFor caller knows exists; consumed by the next sync. */
  private hint = 0;
  private readonly maxBatchBlocks: number;
  private readonly log: pino.Logger;
  private readonly decoder: EventDecoder;
  private readonly projector: Projector;
  private readonly st: Record<string, Statement>;

  private headBlock = -1;
  private synced = false;
  private running: Promise<number> | null = null;
  private queued: Promise<number> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;
  private stopped = true;
  /** Set by stop() so a long catch-up ends after its current range. */
  private halting = false;
  /** Logs projected since construction; benchmarks read it. */
  logsIndexed = 0;

  constructor(opts: IndexerOptions) {
    this.db = opts.db;
    this.provider = opts.provider;
    this.recentHeader = opts.recentHeader ?? (() => undefined);
    this.verifyChain = opts.verifyChain ?? (async () => undefined);
    this.chainId = opts.chainId;
    this.addresses = {
      ledger: opts.addresses.ledger.toLowerCase(),
      token: opts.addresses.token.toLowerCase(),
      forwarder: opts.addresses.forwarder.toLowerCase(),
    };
    this.addressList = [this.addresses.ledger, this.addresses.token, this.addresses.forwarder];
    this.fromBlock = Math.max(0, opts.fromBlock);
    this.keepBlocks = Math.max(64, opts.reorgDepth ?? 0);
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.maxBatchBlocks = Math.max(1, opts.batchBlocks ?? 2000);
    // Start small and grow while ranges are sparse, so that the first range over dense blocks cannot be huge.
    this.batchBlocks = Math.min(this.maxBatchBlocks, 64);
    this.log = opts.logger ?? pino({ enabled: false });
    this.decoder = new EventDecoder(this.addresses);
    this.projector = new Projector(this.db, this.chainId, this.addresses.token);
    const p = (sql: string) => this.db.prepare(sql);
    this.st = {
      checkpoint: p("SELECT block_number, block_hash FROM checkpoint WHERE id = 1"),
      setCheckpoint: p(`INSERT INTO checkpoint (id, chain_id, block_number, block_hash) VALUES (1, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET chain_id = excluded.chain_id, block_number = excluded.block_number, block_hash = excluded.block_hash`),
      insertRaw: p(`INSERT OR IGNORE INTO raw_logs (chain_id, block_number, log_index, block_hash, tx_hash, tx_index, address, topics, data)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      upsertBlock: p(`INSERT INTO blocks (number, hash, parent_hash, timestamp, has_logs) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash,
        timestamp = excluded.timestamp, has_logs = MAX(blocks.has_logs, excluded.has_logs)`),
      pruneBlocks: p("DELETE FROM blocks WHERE number >= ? AND number < ? AND has_logs = 0"),
      recentBlocks: p("SELECT number, hash FROM blocks WHERE number < ? ORDER BY number DESC LIMIT ?"),
      blockHash: p("SELECT hash FROM blocks WHERE number = ?").pluck(),
      rawPage: p(`SELECT r.block_number, r.log_index, r.block_hash, r.tx_hash, r.tx_index, r.address, r.topics, r.data, b.timestamp
        FROM raw_logs r JOIN blocks b ON b.number = r.block_number
        WHERE r.chain_id = ? AND (r.block_number > ? OR (r.block_number = ? AND r.log_index > ?))
        ORDER BY r.block_number, r.log_index LIMIT 5000`),
    };
    this.ensureIdentity();
  }

  /** Starts following the chain: syncs now, then every `pollIntervalMs`. Errors are logged and retried with backoff. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    let delay = this.pollIntervalMs;
    const tick = async (): Promise<void> => {
      try {
        await this.syncOnce();
        delay = this.pollIntervalMs;
      } catch (err) {
        delay = Math.min(Math.max(delay * 2, 500), 30_000);
        this.log.warn({ err, retryInMs: delay }, "indexer sync failed; retrying");
      }
      if (!this.stopped) this.timer = setTimeout(() => (this.loop = tick()), delay);
    };
    this.loop = tick();
  }

  /** Stops polling and waits for the sync in flight to finish its current range. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halting = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled([this.loop, this.running, this.queued]);
    this.halting = false;
  }

  /**
   * Indexes up to the chain's current head and returns the last indexed block. Concurrent callers share one sync in
   * flight plus at most one queued behind it, so a burst of `waitFor`s costs two syncs, not one each.
   */
  syncOnce(): Promise<number> {
    if (!this.running) {
      this.running = this.sync().finally(() => (this.running = null));
      return this.running;
    }
    if (!this.queued) {
      this.queued = this.running
        .catch(() => undefined)
        .then(() => {
          this.queued = null;
          return this.syncOnce();
        });
    }
    return this.queued;
  }

  /**
   * Resolves once `blockNumber` is indexed, syncing immediately rather than waiting for the next poll: the gateway
   * calls it after a transaction is mined so the response reads its own write.
   */
  async waitFor(blockNumber: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.hint = Math.max(this.hint, blockNumber);
    for (;;) {
      if (this.indexedBlock() >= blockNumber) return;
      try {
        await this.syncOnce();
      } catch (err) {
        if (Date.now() >= deadline || (err as { kind?: string }).kind === "unavailable") throw err;
      }
      if (this.indexedBlock() >= blockNumber) return;
      if (Date.now() >= deadline) {
        throw new Error(`Block ${blockNumber} was not indexed within ${timeoutMs} ms (indexed up to ${this.indexedBlock()}).`);
      }
      await sleep(20);
    }
  }

  /** Where the index stands against the chain head last seen. `caughtUp` is false until the first sync completes. */
  status(): IndexerStatus {
    const indexed = this.indexedBlock();
    const head = Math.max(this.headBlock, indexed);
    return {
      headBlock: head,
      indexedBlock: indexed,
      caughtUp: this.synced && indexed >= head,
      lagBlocks: Math.max(0, head - indexed),
    };
  }

  /** The last indexed block (fromBlock - 1 before anything is indexed). */
  indexedBlock(): number {
    return this.checkpoint().number;
  }

  private checkpoint(): { number: number; hash: string | null } {
    const row = this.st.checkpoint.get() as { block_number: number; block_hash: string | null } | undefined;
    return row ? { number: row.block_number, hash: row.block_hash } : { number: this.fromBlock - 1, hash: null };
  }

  /**
   * An index built for another chain or deployment is worthless here: wipe it and start over. The check compares
   * what the database recorded at its first sync with the options given now.
   */
  private ensureIdentity(): void {
    const identity = JSON.stringify({ chainId: this.chainId, ...this.addresses, fromBlock: this.fromBlock });
    const stored = this.db.prepare("SELECT value FROM meta WHERE key = 'identity'").pluck().get() as string | undefined;
    if (stored === identity) return;
    this.db.transaction(() => {
      if (stored !== undefined) {
        this.log.warn({ stored, identity }, "index database belongs to another chain or deployment; rebuilding it");
        for (const t of ["raw_logs", "events", "event_orgs", "blocks", "checkpoint", ...PROJECTION_TABLES]) {
          this.db.exec(`DELETE FROM ${t}`);
        }
      }
      this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('identity', ?)").run(identity);
    })();
  }

  private async sync(): Promise<number> {
    // A caller waiting for a block it knows was mined (read-your-writes) saves the eth_blockNumber round trip.
    let cp = this.checkpoint();
    const hinted = this.hint > cp.number ? this.hint : 0;
    this.hint = 0;
    const head = hinted || Number(await this.provider.send("eth_blockNumber", []));
    this.headBlock = Math.max(this.headBlock, head);
    // With new blocks to index, indexRange checks that the first descends from the checkpoint (and a mismatch
    // leads to checkReorg); with none, a reorg at the same height can only be seen by asking for the hash.
    if (cp.number >= head) await this.checkReorg();
    cp = this.checkpoint();
    let moved = 0;
    while (cp.number < head && !this.halting) {
      const from = cp.number + 1;
      const to = Math.min(head, from + this.batchBlocks - 1);
      try {
        const logs = await this.indexRange(from, to, cp.hash, moved === 0);
        // Size the next range by what this one held: dense blocks (many events each) must not add up to a response
        // too large to parse, and sparse ones may grow back towards the configured batch.
        const span = to - from + 1;
        if (logs > MAX_LOGS_PER_RANGE) this.batchBlocks = Math.max(1, Math.floor((span * MAX_LOGS_PER_RANGE) / logs / 2));
        else if (logs < MAX_LOGS_PER_RANGE / 4 && this.batchBlocks < this.maxBatchBlocks) {
          this.batchBlocks = Math.min(this.maxBatchBlocks, this.batchBlocks * 2);
        }
      } catch (err) {
        if (err instanceof ChainMovedError) {
          // A node that keeps contradicting itself is not moving, it is broken: give up this sync and retry later.
          if (++moved > 5) throw new Error(`The node's blocks and logs keep disagreeing at ${from}-${to}: ${err.message}`);
          this.log.info({ from, to, reason: err.message }, "chain moved while indexing; re-checking for a reorg");
          await this.checkReorg();
        } else if (isTooManyResults(err) && this.batchBlocks > 1) {
          this.batchBlocks = Math.max(1, Math.floor(this.batchBlocks / 2));
        } else {
          throw err;
        }
      }
      cp = this.checkpoint();
    }
    this.synced = true;
    return cp.number;
  }

  private async getBlock(n: number): Promise<RpcBlock | null> {
    return (await this.provider.send("eth_getBlockByNumber", [hex(n), false])) as RpcBlock | null;
  }

  /**
   * Fetches, checks and stores one block range. The headers of the range's first and last blocks and of every block
   * with a log are fetched with the logs; their hashes must agree with the logs' and the first block must descend
   * from the checkpoint, or the range is abandoned as the chain moved.
   */
  private async indexRange(from: number, to: number, parentHash: string | null, lentHeaders = false): Promise<number> {
    const rpcLogs = (await this.provider.send("eth_getLogs", [
      { address: this.addressList, fromBlock: hex(from), toBlock: hex(to) },
    ])) as Parameters<typeof rawLogFromRpc>[0][];
    const logs = rpcLogs.map(rawLogFromRpc).sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
    const numbers = new Set<number>([from, to]);
    for (const l of logs) numbers.add(l.blockNumber);
    const list = [...numbers];
    // A lent header is used only for a block with logs, whose hashes it must match (checked below).
    const withLogs = new Set(logs.map((l) => l.blockNumber));
    const fetched = await Promise.all(list.map((n) => (lentHeaders && withLogs.has(n) && this.recentHeader(n)) || this.getBlock(n)));
    const headers = new Map<number, { hash: string; parentHash: string; timestamp: number }>();
    list.forEach((n, i) => {
      const b = fetched[i];
      if (!b) throw new ChainMovedError(`block ${n} is no longer on the chain`);
      headers.set(n, { hash: b.hash.toLowerCase(), parentHash: b.parentHash.toLowerCase(), timestamp: Number(b.timestamp) });
    });
    if (parentHash !== null && headers.get(from)!.parentHash !== parentHash) {
      throw new ChainMovedError(`block ${from} does not descend from the checkpoint`);
    }
    for (const l of logs) {
      if (headers.get(l.blockNumber)!.hash !== l.blockHash) throw new ChainMovedError(`log in block ${l.blockNumber} is from another fork`);
    }
    let projected = 0;
    this.db.transaction(() => {
      for (const [n, h] of headers) this.st.upsertBlock.run(n, h.hash, h.parentHash, h.timestamp, withLogs.has(n) ? 1 : 0);
      for (const l of logs) {
        const inserted = this.st.insertRaw.run(
          this.chainId, l.blockNumber, l.logIndex, l.blockHash, l.txHash, l.txIndex, l.address, JSON.stringify(l.topics), l.data,
        ).changes;
        // A log already stored was already projected: skipping it keeps re-processing harmless.
        if (inserted === 0) continue;
        const ev = this.decoder.decode(l);
        if (ev) {
          this.projector.apply(l, ev, headers.get(l.blockNumber)!.timestamp);
          projected++;
        }
      }
      this.st.setCheckpoint.run(this.chainId, to, headers.get(to)!.hash);
      this.st.pruneBlocks.run(from - this.keepBlocks - this.maxBatchBlocks, from - this.keepBlocks);
    })();
    this.logsIndexed += projected;
    if (logs.length > 0) this.log.debug({ from, to, logs: logs.length }, "indexed block range");
    return logs.length;
  }

  /**
   * Compares the checkpoint's hash with the chain. On a mismatch, walks back through the stored block hashes to the
   * newest one the chain still has (the common ancestor) and rolls the index back to it; with no ancestor within
   * reach, rebuilds from `fromBlock`.
   */
  private async checkReorg(): Promise<void> {
    const cp = this.checkpoint();
    if (cp.hash === null) return;
    const current = await this.getBlock(cp.number);
    if (current && current.hash.toLowerCase() === cp.hash) return;
    await this.verifyChain();
    const candidates = this.st.recentBlocks.all(cp.number, this.keepBlocks) as { number: number; hash: string }[];
    let ancestor: { number: number; hash: string } | null = null;
    for (let i = 0; i < candidates.length && !ancestor; i += 16) {
      const chunk = candidates.slice(i, i + 16);
      const onChain = await Promise.all(chunk.map((c) => this.getBlock(c.number)));
      ancestor = chunk.find((c, j) => onChain[j]?.hash.toLowerCase() === c.hash) ?? null;
    }
    this.log.warn(
      { checkpoint: cp.number, ancestor: ancestor?.number ?? null },
      ancestor ? "chain reorganised; rolling the index back to the common ancestor" : "chain reorganised beyond the kept hashes; rebuilding the index",
    );
    this.rollbackTo(ancestor ? ancestor.number : this.fromBlock - 1, ancestor ? ancestor.hash : null);
  }

  /**
   * Deletes everything newer than `block` and rebuilds the projections by replaying the surviving raw logs in chain
   * order, all in one transaction: readers see either the old index or the rolled-back one.
   */
  private rollbackTo(block: number, hash: string | null): void {
    const firstSeq = (block + 1) * SEQ_PER_BLOCK;
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM raw_logs WHERE chain_id = ? AND block_number > ?").run(this.chainId, block);
      this.db.prepare("DELETE FROM events WHERE seq >= ?").run(firstSeq);
      this.db.prepare("DELETE FROM event_orgs WHERE seq >= ?").run(firstSeq);
      this.db.prepare("DELETE FROM blocks WHERE number > ?").run(block);
      for (const t of PROJECTION_TABLES) this.db.exec(`DELETE FROM ${t}`);
      this.replay();
      if (hash === null) this.db.prepare("DELETE FROM checkpoint").run();
      else this.st.setCheckpoint.run(this.chainId, block, hash);
    })();
  }

  /** Re-applies every stored raw log to the (emptied) projections, without touching the audit rows. */
  private replay(): void {
    let cursor = { block: -1, index: -1 };
    for (;;) {
      const rows = this.st.rawPage.all(this.chainId, cursor.block, cursor.block, cursor.index) as {
        block_number: number;
        log_index: number;
        block_hash: string;
        tx_hash: string;
        tx_index: number;
        address: string;
        topics: string;
        data: string;
        timestamp: number;
      }[];
      if (rows.length === 0) return;
      for (const r of rows) {
        const log: RawLog = {
          blockNumber: r.block_number,
          logIndex: r.log_index,
          blockHash: r.block_hash,
          txHash: r.tx_hash,
          txIndex: r.tx_index,
          address: r.address,
          topics: JSON.parse(r.topics),
          data: r.data,
        };
        const ev = this.decoder.decode(log);
        if (ev) this.projector.apply(log, ev, r.timestamp, false);
      }
      const last = rows[rows.length - 1];
      cursor = { block: last.block_number, index: last.log_index };
    }
  }
}

function isTooManyResults(err: unknown): boolean {
  const msg = String((err as { message?: string })?.message ?? err).toLowerCase();
  return /too many|limit exceeded|response size|query returned more than|-32005/.test(msg);
}

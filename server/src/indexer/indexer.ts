import pino from "pino";
import type { Database } from "../db/sqlite";
import { PROJECTION_TABLES } from "../db/migrations";
import { SEQ_PER_BLOCK } from "../db/page";
import { EventDecoder, type RawLog, type TrellisAddresses } from "../chain/abi";
import type { DomainEvent, DomainEventBus } from "../shared/domain-events";
import { CheckpointStore } from "./checkpoint";
import { BlockFollower, ChainMovedError, isTooManyResults, type RpcBlock, type RpcProvider } from "./follower";
import { Projector, type EventOutbox } from "./projections";
import { RawLogStore } from "./raw-logs";

export type { RpcBlock, RpcProvider } from "./follower";

export interface IndexerOptions {
  db: Database;
  /** The plain value behind a salted commitment this gateway made (issue #12); projections show it to the parties. */
  reveal?: (commitment: string) => string | undefined;
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
  /**
   * Every log of a block whose every transaction the relayer sent, from their receipts (TxSender.recentLogs): a range
   * made only of such blocks, on its first attempt, is indexed without an eth_getLogs.
   */
  recentLogs?: (n: number) => RawLog[] | undefined;
  /** Asked before the index is rolled back; throwing keeps the index as it is (chain/chain-identity.ts). */
  verifyChain?: () => Promise<void>;
  /** How often `start()` polls for new blocks (default 1000 ms). */
  pollIntervalMs?: number;
  /** The largest block range per `eth_getLogs` (default 2000; halved automatically when the node refuses). */
  batchBlocks?: number;
  /** Where the domain events of each committed range are published (see shared/domain-events.ts). */
  events?: DomainEventBus;
  /** Receives each newly projected event inside the range's transaction (the webhook outbox). */
  outbox?: EventOutbox;
  /** Called after a range with newly projected events has committed (wakes the webhook deliverer). */
  afterCommit?: () => void;
  logger?: pino.Logger;
}

export interface IndexerStatus {
  headBlock: number;
  indexedBlock: number;
  caughtUp: boolean;
  lagBlocks: number;
}

/** The most logs one eth_getLogs range should return; ranges shrink to stay under it (responses stay a few MB). */
const MAX_LOGS_PER_RANGE = 5_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The reactions to one committed range's domain events, still running. */
interface Reactions {
  from: number;
  to: number;
  done: Promise<void>;
}

/**
 * Keeps the index database in step with the chain. The parts: `BlockFollower` reads and checks ranges and walks
 * back on a reorg, `RawLogStore` keeps the logs, `Projector` runs the domain projections, `CheckpointStore` records
 * where the index stands. This class runs the loop and commits each range (raw logs, projections, audit rows and
 * checkpoint) in one SQLite transaction, so a crash leaves either the whole range or none of it; after the commit it
 * publishes the range's domain events.
 */
export class Indexer {
  private readonly db: Database;
  private readonly verifyChain: () => Promise<void>;
  private readonly chainId: number;
  private readonly addresses: TrellisAddresses;
  /** The first block the index covers (the deployment's). */
  readonly fromBlock: number;
  private readonly keepBlocks: number;
  private readonly pollIntervalMs: number;
  private batchBlocks: number;
  /** The highest block a waitFor caller knows exists; consumed by the next sync. */
  private hint = 0;
  private readonly maxBatchBlocks: number;
  private readonly log: pino.Logger;
  private readonly decoder: EventDecoder;
  private readonly projector: Projector;
  private readonly follower: BlockFollower;
  private readonly checkpoints: CheckpointStore;
  private readonly rawLogs: RawLogStore;
  private readonly events: DomainEventBus | undefined;
  /** Told after each committed range that held logs (the live event stream reads the new rows then). */
  private readonly commitListeners = new Set<(from: number, to: number) => void>();
  private readonly reactions = new Set<Reactions>();

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
  private readonly afterCommit?: () => void;

  constructor(opts: IndexerOptions) {
    this.db = opts.db;
    this.verifyChain = opts.verifyChain ?? (async () => undefined);
    this.chainId = opts.chainId;
    this.addresses = {
      ledger: opts.addresses.ledger.toLowerCase(),
      token: opts.addresses.token.toLowerCase(),
      forwarder: opts.addresses.forwarder.toLowerCase(),
      ...(opts.addresses.notes ? { notes: opts.addresses.notes.toLowerCase() } : {}),
    };
    this.fromBlock = Math.max(0, opts.fromBlock);
    this.keepBlocks = Math.max(64, opts.reorgDepth ?? 0);
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.maxBatchBlocks = Math.max(1, opts.batchBlocks ?? 2000);
    // Start small and grow while ranges are sparse, so that the first range over dense blocks cannot be huge.
    this.batchBlocks = Math.min(this.maxBatchBlocks, 64);
    this.log = opts.logger ?? pino({ enabled: false });
    this.decoder = new EventDecoder(this.addresses);
    this.projector = new Projector(this.db, this.chainId, this.addresses.token, opts.outbox, opts.reveal);
    this.afterCommit = opts.afterCommit;
    this.follower = new BlockFollower(
      opts.provider,
      [this.addresses.ledger, this.addresses.token, this.addresses.forwarder, ...(this.addresses.notes ? [this.addresses.notes] : [])],
      opts.recentHeader ?? (() => undefined),
      opts.recentLogs,
    );
    this.checkpoints = new CheckpointStore(this.db, this.chainId, this.fromBlock - 1);
    this.rawLogs = new RawLogStore(this.db, this.chainId);
    this.events = opts.events;
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
    // Reactions still running are not waited for: one may wait on a transaction that only the relayer's stop ends.
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
   * Resolves once `blockNumber` is indexed and the reactions to the domain events of the range that holds it have
   * finished, syncing immediately rather than waiting for the next poll: the gateway calls it after a transaction is
   * mined so the response reads its own write and what the write set off (a confirmation's one-stop request).
   */
  async waitFor(blockNumber: number, timeoutMs = 10_000): Promise<void> {
    await this.caughtUpTo(blockNumber, timeoutMs);
    for (const r of [...this.reactions]) if (r.from <= blockNumber && blockNumber <= r.to) await r.done;
  }

  private async caughtUpTo(blockNumber: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.hint = Math.max(this.hint, blockNumber);
    for (;;) {
      if (this.indexedBlock() >= blockNumber) return;
      // A sync already running may reach the block (it took the hint, or its head is newer): wait for it rather than
      // for the one queued behind it, which would ask the node for a head and a reorg check the block does not need.
      const running = this.running;
      if (running) {
        await running.catch(() => undefined);
        if (this.indexedBlock() >= blockNumber) return;
        if (Date.now() < deadline) continue;
      }
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

  /**
   * Shows the plain value of a commitment this gateway has just learned (a verified disclosure) in the rows already
   * projected with only the commitment; later events reveal it through `reveal` as usual. Returns the rows changed.
   */
  applyOpening(commitment: string, value: string): number {
    const c = commitment.toLowerCase();
    const updates = [
      "UPDATE organizations SET name = @value WHERE lower(name_commitment) = @c",
      "UPDATE orders SET reference = @value WHERE lower(reference_commitment) = @c",
      "UPDATE orders SET reject_reason = @value WHERE lower(reject_reason_commitment) = @c",
      "UPDATE invoices SET invoice_number = @value WHERE lower(number_commitment) = @c",
      "UPDATE invoices SET dispute_reason = @value WHERE lower(dispute_reason_hash) = @c",
      "UPDATE financing_requests SET reject_reason = @value WHERE lower(reject_reason_hash) = @c",
    ];
    return this.db.transaction(() => updates.reduce((n, sql) => n + this.db.prepare(sql).run({ value, c }).changes, 0))();
  }

  /** The last indexed block (fromBlock - 1 before anything is indexed). */
  indexedBlock(): number {
    return this.checkpoints.get().number;
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
    let cp = this.checkpoints.get();
    const hinted = this.hint > cp.number ? this.hint : 0;
    this.hint = 0;
    const head = hinted || (await this.follower.headNumber());
    this.headBlock = Math.max(this.headBlock, head);
    // With new blocks to index, indexRange checks that the first descends from the checkpoint (and a mismatch
    // leads to checkReorg); with none, a reorg at the same height can only be seen by asking for the hash.
    if (cp.number >= head) await this.checkReorg();
    cp = this.checkpoints.get();
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
      cp = this.checkpoints.get();
    }
    this.synced = true;
    return cp.number;
  }

  /**
   * Fetches one checked range from the follower and commits it: block hashes, raw logs, the projections of the logs
   * not stored before, and the checkpoint, in one transaction. Then publishes the range's domain events.
   */
  private async indexRange(from: number, to: number, parentHash: string | null, lentHeaders = false): Promise<number> {
    const { logs, headers, withLogs } = await this.follower.fetchRange(from, to, parentHash, lentHeaders);
    let projected = 0;
    const raised: DomainEvent[] = [];
    const emit = (e: DomainEvent) => raised.push(e);
    this.db.transaction(() => {
      for (const [n, h] of headers) this.checkpoints.saveBlock(n, h, withLogs.has(n));
      for (const l of logs) {
        // A log already stored was already projected: skipping it keeps re-processing harmless.
        if (!this.rawLogs.insert(l)) continue;
        const ev = this.decoder.decode(l);
        if (ev) {
          this.projector.apply(l, ev, headers.get(l.blockNumber)!.timestamp, emit);
          projected++;
        }
      }
      this.checkpoints.set(to, headers.get(to)!.hash);
      this.checkpoints.prune(from - this.keepBlocks - this.maxBatchBlocks, from - this.keepBlocks);
    })();
    this.logsIndexed += projected;
    if (projected > 0) this.afterCommit?.();
    if (logs.length > 0) this.log.debug({ from, to, logs: logs.length }, "indexed block range");
    if (raised.length > 0 && this.events) this.react(from, to, this.events.publish(raised));
    if (logs.length > 0) {
      for (const listener of this.commitListeners) {
        try {
          listener(from, to);
        } catch (err) {
          this.log.warn({ err, from, to }, "commit listener failed");
        }
      }
    }
    return logs.length;
  }

  /** Calls `listener` after each committed range that held logs; answers the function that stops it. */
  onCommit(listener: (from: number, to: number) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /**
   * Tracks a range's reactions without awaiting them here: a reaction may write to the chain and wait for its own,
   * later block, which this sync must be free to index. `waitFor` of a block in the range awaits them.
   */
  private react(from: number, to: number, done: Promise<void>): void {
    const r: Reactions = { from, to, done: done.finally(() => this.reactions.delete(r)) };
    this.reactions.add(r);
  }

  /**
   * Asks the follower whether the checkpoint is still on the chain; if not, rolls the index back to the common
   * ancestor, or rebuilds from `fromBlock` with no ancestor within reach.
   */
  private async checkReorg(): Promise<void> {
    const ancestor = await this.follower.findAncestor(this.checkpoints, this.keepBlocks);
    if (ancestor === "same") return;
    // Before any rollback: a different chain at the same URL must not make the index roll back or rebuild.
    await this.verifyChain();
    this.log.warn(
      { checkpoint: this.indexedBlock(), ancestor: ancestor?.number ?? null },
      ancestor ? "chain reorganised; rolling the index back to the common ancestor" : "chain reorganised beyond the kept hashes; rebuilding the index",
    );
    this.rollbackTo(ancestor ? ancestor.number : this.fromBlock - 1, ancestor ? ancestor.hash : null);
  }

  /**
   * Deletes everything newer than `block` and rebuilds the projections by replaying the surviving raw logs in chain
   * order, all in one transaction: readers see either the old index or the rolled-back one. The replay raises no
   * domain events (they were raised when the logs were first indexed) and keeps the surviving logs' audit rows.
   */
  private rollbackTo(block: number, hash: string | null): void {
    const firstSeq = (block + 1) * SEQ_PER_BLOCK;
    this.db.transaction(() => {
      this.rawLogs.deleteAfter(block);
      this.db.prepare("DELETE FROM events WHERE seq >= ?").run(firstSeq);
      this.db.prepare("DELETE FROM event_orgs WHERE seq >= ?").run(firstSeq);
      this.checkpoints.deleteBlocksAfter(block);
      for (const t of PROJECTION_TABLES) this.db.exec(`DELETE FROM ${t}`);
      for (const { log, timestamp } of this.rawLogs.all()) {
        const ev = this.decoder.decode(log);
        if (ev) this.projector.apply(log, ev, timestamp);
      }
      this.checkpoints.set(block, hash);
    })();
  }
}

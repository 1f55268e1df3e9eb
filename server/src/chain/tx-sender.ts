import { JsonRpcProvider, keccak256, TransactionReceipt, Wallet, type TransactionRequest } from "ethers";
import type { Logger } from "pino";
import { chainUnavailable } from "../shared/errors";
import { KeyedMutex } from "../shared/mutex";
import { rawLogFromReceipt, receiptFromRpc, type RawLog, type RpcReceipt } from "./abi";
import type { Journal } from "./journal";
import { signEip1559 } from "./tx-codec";

export interface OutgoingTx {
  to: string | null;
  data: string;
  gasLimit: bigint;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A block header as the node's JSON-RPC returns it (hex quantities). */
export interface BlockHeader {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
  /** The block's transaction hashes (eth_getBlockByNumber without full transactions). */
  transactions?: string[];
}
/** How many recent block headers the sender keeps. */
const HEADERS_KEPT = 256;
/** How often the shared receipt loop asks for the head while transactions are waiting. */
const RECEIPT_POLL_MS = 20;
/** Early receipt looks that find nothing, in a row, before they pause; and for how many broadcasts they pause. */
export const EARLY_MISSES_TO_PAUSE = 8;
export const EARLY_PAUSE = 256;

/**
 * Signs, journals and broadcasts transactions. Sends from one account are serialized and numbered by a local nonce
 * counter (Hardhat's automine refuses nonce gaps); sends from different accounts run in parallel. The raw bytes are
 * journaled before broadcast, so a crash between the two loses nothing: pending rows are re-broadcast at start.
 */
export class TxSender {
  private readonly nonces = new Map<string, number>();
  private readonly locks = new KeyedMutex();
  /** The latest block timestamp seen, so that signed requests' deadlines follow the chain's clock, not ours. */
  chainTime = 0;
  private fees:
    | {
        at: number;
        data: { maxFeePerGas: bigint | null; maxPriorityFeePerGas: bigint | null; gasPrice: bigint | null };
      }
    | undefined;

  constructor(
    private readonly provider: JsonRpcProvider,
    private readonly journal: Journal,
    private readonly chainId: bigint,
    private readonly logger: Logger,
    private readonly options: { receiptTimeoutMs?: number } = {},
  ) {}

  /** Why new sends are refused (the chain is being rebuilt or is down), or null. */
  private held: string | null = null;

  /**
   * Refuses new sends and resumes with CHAIN_UNAVAILABLE until `release()`, and fails those waiting for a receipt
   * (they stay journaled: a retry under the same Idempotency-Key resumes them). The chain supervisor holds the sender
   * while the node is down and while it is rebuilt, so nothing is signed against a chain that is not all there.
   */
  hold(reason: string): void {
    this.held = reason;
    this.failWaiting(reason);
  }

  release(): void {
    this.held = null;
  }

  /**
   * Sends a transaction from `wallet` and waits for its receipt. `onSigned` runs in the journal's DB transaction;
   * `onBroadcast` once the node has taken the transaction (on an automining node, once it is mined), before the wait.
   */
  async send(
    wallet: Wallet,
    tx: OutgoingTx,
    onSigned?: (txHash: string) => void,
    onBroadcast?: () => void,
  ): Promise<TransactionReceipt> {
    this.refuseIfHeld();
    const hash = await this.locks.run(wallet.address.toLowerCase(), () => this.signAndBroadcast(wallet, tx, onSigned));
    onBroadcast?.();
    return this.waitForReceipt(hash);
  }

  /** Waits for a journaled transaction, re-broadcasting its raw bytes if the node does not know it. */
  async resume(txHash: string): Promise<TransactionReceipt> {
    const entry = this.journal.byHash(txHash);
    if (!entry) throw new Error(`transaction ${txHash} is not in the journal`);
    this.refuseIfHeld();
    const known = await this.receipt(txHash).catch(() => null);
    if (known) return this.settle(known);
    await this.broadcast(entry.raw).catch((err) => this.logger.warn({ err, txHash }, "re-broadcast failed"));
    return this.waitForReceipt(txHash);
  }

  /** Re-broadcasts every pending journal row in order (after a crash of the gateway). */
  async rebroadcastPending(): Promise<number> {
    const pending = this.journal.pending();
    for (const entry of pending) {
      const receipt = await this.receipt(entry.tx_hash).catch(() => null);
      if (receipt) {
        await this.settle(receipt);
        continue;
      }
      try {
        await this.broadcast(entry.raw);
        await this.waitForReceipt(entry.tx_hash);
      } catch (err) {
        const chainNonce = await this.provider.getTransactionCount(entry.sender, "latest");
        if (chainNonce <= entry.nonce) throw err;
        // The nonce was used by another transaction, so this one can never be mined: drop it.
        this.logger.warn({ txHash: entry.tx_hash }, "dropping a journaled transaction whose nonce is already used");
        this.journal.discard(entry.tx_hash);
      }
    }
    this.nonces.clear();
    this.headers.clear();
    this.receiptsByBlock.clear();
    return pending.length;
  }

  /** How many sent transactions are waiting for their receipt. */
  get waitingForReceipts(): number {
    return this.waiting.size;
  }

  /** Stops waiting: every transaction still waiting for its receipt fails (it stays in the journal for the next start). */
  stop(): void {
    for (const [hash, w] of this.waiting)
      w.reject(
        chainUnavailable(`The gateway stopped before transaction ${hash} was mined; it is resumed at the next start.`),
      );
    this.waiting.clear();
  }

  /** Fails every transaction waiting for its receipt; each stays journaled and is resumed by a retry under its key. */
  private failWaiting(reason: string): void {
    for (const [hash, w] of this.waiting) {
      w.reject(
        chainUnavailable(
          `The ledger is not available (${reason}); transaction ${hash} is kept and completes when you retry with the same Idempotency-Key.`,
        ),
      );
    }
    this.waiting.clear();
  }

  private refuseIfHeld(): void {
    if (this.held !== null)
      throw chainUnavailable(`The ledger is not available (${this.held}); retry later with the same Idempotency-Key.`);
  }

  /** Forgets cached nonces (after the chain was replaced or replayed). */
  resetNonces(): void {
    this.nonces.clear();
    this.headers.clear();
    this.receiptsByBlock.clear();
  }

  private async signAndBroadcast(wallet: Wallet, tx: OutgoingTx, onSigned?: (txHash: string) => void): Promise<string> {
    const address = wallet.address;
    const key = address.toLowerCase();
    let nonce = this.nonces.get(key);
    if (nonce === undefined) nonce = await this.call(() => this.provider.getTransactionCount(address, "pending"));
    const fees = await this.feeData();
    const { raw, hash } =
      fees.maxFeePerGas !== null
        ? signEip1559(wallet, {
            chainId: this.chainId,
            nonce,
            maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n,
            maxFeePerGas: fees.maxFeePerGas,
            gasLimit: tx.gasLimit,
            to: tx.to,
            value: 0n,
            data: tx.data,
          })
        : await legacySigned(wallet, {
            to: tx.to,
            data: tx.data,
            gasLimit: tx.gasLimit,
            nonce,
            chainId: this.chainId,
            value: 0n,
            type: 0,
            gasPrice: fees.gasPrice ?? 0n,
          });
    this.journal.record(hash, address, nonce, raw, onSigned ? () => onSigned(hash) : undefined);
    try {
      const sent = this.broadcast(raw);
      // On a node that mines as it takes a transaction, the receipt and the head asked in the same JSON-RPC request
      // as the broadcast usually come back with it, saving a round trip; the node may answer a batch's calls in any
      // order, so an early look that finds nothing is simply asked again after the broadcast.
      if (this.earlyLookDue()) this.earlyLooks.set(hash, this.firstLook(hash, true));
      await sent;
    } catch (err) {
      this.earlyLooks.delete(hash);
      // Some nodes mine a reverting transaction and still answer with an error; then the nonce is used.
      const receipt = await this.receipt(hash).catch(() => null);
      if (!receipt) {
        const chainNonce = await this.provider.getTransactionCount(address, "pending").catch(() => undefined);
        this.nonces.delete(key);
        if (chainNonce !== undefined && chainNonce <= nonce) {
          this.journal.discard(hash);
          if (isConnectionError(err)) throw chainUnavailable();
          throw err;
        }
        if (chainNonce === undefined) throw chainUnavailable();
      }
    }
    this.nonces.set(key, nonce + 1);
    return hash;
  }

  private async broadcast(raw: string): Promise<void> {
    try {
      await this.provider.send("eth_sendRawTransaction", [raw]);
    } catch (err) {
      const message = String((err as Error).message ?? err);
      if (/already known|already imported|known transaction/i.test(message)) return;
      throw err;
    }
  }

  /**
   * Waits for a transaction's receipt. The first look is immediate (on an automining node the transaction is
   * already mined when the broadcast returns). After that, every waiting transaction is looked up again only when
   * the head has moved: one shared loop asks for the block number and then fetches the receipts of all waiting
   * transactions together (the provider sends them as one batch), instead of each writer polling on its own, which
   * on an interval-mining node kept the node busy answering "not yet".
   */
  private async waitForReceipt(
    hash: string,
    timeoutMs = this.options.receiptTimeoutMs ?? 120_000,
  ): Promise<TransactionReceipt> {
    // The first look also asks for the head block in the same JSON-RPC request: on an automining node the
    // transaction's block is the head, so settling it needs no round trip of its own (the header is kept only
    // when its hash is the receipt's block hash).
    const early = this.earlyLooks.get(hash);
    this.earlyLooks.delete(hash);
    let [receipt, head] = early ? await early : [null, null];
    if (early) this.earlyMisses = receipt ? 0 : this.earlyMisses + 1;
    if (!receipt) [receipt, head] = await this.firstLook(hash, false);
    // Whether the next broadcasts should carry an early look: not on a node that mines on a clock of its own.
    this.automines = receipt !== null;
    if (receipt) {
      if (head && head.hash === receipt.blockHash) this.knowHeader(receipt.blockNumber, head);
      this.remember(receipt);
      return this.settle(receipt);
    }
    const mined = await new Promise<TransactionReceipt>((resolve, reject) => {
      this.waiting.set(hash, { resolve, reject, deadline: Date.now() + timeoutMs, checkedAt: -1 });
      this.startWatching();
    });
    return this.settle(mined);
  }

  /** Whether the last transaction was mined by the time its broadcast was answered (an automining node). */
  private automines = true;
  /** Early looks in a row that found nothing, and broadcasts sent without one since they stopped paying. */
  private earlyMisses = 0;
  private withoutEarlyLook = 0;

  /**
   * Whether a broadcast should carry an early look: only on an automining node, and only while such looks find the
   * receipt (Hardhat's node answers most with the transaction mined; Anvil answers a batch's lookups before it mines).
   * After EARLY_MISSES_TO_PAUSE misses in a row they pause for EARLY_PAUSE broadcasts, then are tried again.
   */
  private earlyLookDue(): boolean {
    if (!this.automines) return false;
    if (this.earlyMisses < EARLY_MISSES_TO_PAUSE) return true;
    if (++this.withoutEarlyLook < EARLY_PAUSE) return false;
    this.withoutEarlyLook = 0;
    this.earlyMisses = EARLY_MISSES_TO_PAUSE - 1;
    return true;
  }
  /** Receipt-and-head lookups sent with a broadcast, by transaction hash, until waitForReceipt takes them. */
  private readonly earlyLooks = new Map<string, Promise<[TransactionReceipt | null, BlockHeader | null]>>();

  /** The transaction's receipt (null while not mined) with the head block's header; `quiet` also maps errors to null. */
  private firstLook(hash: string, quiet: boolean): Promise<[TransactionReceipt | null, BlockHeader | null]> {
    return Promise.all([
      quiet ? this.receiptOrNull(hash).catch(() => null) : this.receiptOrNull(hash),
      (this.provider.send("eth_getBlockByNumber", ["latest", false]) as Promise<BlockHeader | null>).catch(() => null),
    ]);
  }

  private readonly waiting = new Map<
    string,
    { resolve: (r: TransactionReceipt) => void; reject: (e: unknown) => void; deadline: number; checkedAt: number }
  >();
  private watching = false;

  private startWatching(): void {
    if (this.watching) return;
    this.watching = true;
    void this.watch().finally(() => {
      this.watching = false;
      if (this.waiting.size) this.startWatching();
    });
  }

  private async watch(): Promise<void> {
    let head = -1;
    while (this.waiting.size) {
      const number: number = await this.provider.getBlockNumber().catch(() => head);
      const due = [...this.waiting].filter(([, w]) => w.checkedAt < number);
      if (due.length) {
        const receipts = await Promise.all(due.map(([h]) => this.receiptOrNull(h).catch((err) => err as Error)));
        due.forEach(([h, w], i) => {
          const r = receipts[i];
          if (r instanceof Error) {
            this.waiting.delete(h);
            w.reject(r);
          } else if (r) {
            this.waiting.delete(h);
            this.remember(r);
            w.resolve(r);
          } else {
            w.checkedAt = number;
          }
        });
      }
      const now = Date.now();
      for (const [h, w] of this.waiting) {
        if (now > w.deadline) {
          this.waiting.delete(h);
          w.reject(chainUnavailable(`Transaction ${h} was not mined in time.`));
        }
      }
      head = number;
      if (this.waiting.size) await sleep(RECEIPT_POLL_MS);
    }
  }

  /** The transaction's receipt, or null while it is not mined: what ethers' getTransactionReceipt answers. */
  private async receipt(hash: string): Promise<TransactionReceipt | null> {
    const r = (await this.provider.send("eth_getTransactionReceipt", [hash])) as RpcReceipt | null;
    return r && receiptFromRpc(r, this.provider);
  }

  private async receiptOrNull(hash: string): Promise<TransactionReceipt | null> {
    return this.receipt(hash).catch((err) => {
      if (isConnectionError(err)) return null;
      throw err;
    });
  }

  /**
   * Recent block headers by number, shared by the transactions of one block and lent to the indexer (which checks
   * them against the logs it fetches, so a header from before a reorg is caught, not trusted). A few hundred are kept.
   */
  private readonly headers = new Map<number, { fetched: Promise<BlockHeader>; value?: BlockHeader }>();

  private header(number: number): Promise<BlockHeader> {
    const known = this.headers.get(number);
    if (known) return known.fetched;
    const entry: { fetched: Promise<BlockHeader>; value?: BlockHeader } = {
      fetched: (
        this.provider.send("eth_getBlockByNumber", ["0x" + number.toString(16), false]) as Promise<BlockHeader | null>
      ).then((b) => {
        if (!b) throw new Error(`block ${number} is not known to the node`);
        entry.value = b;
        return b;
      }),
    };
    entry.fetched.catch(() => this.headers.delete(number));
    this.headers.set(number, entry);
    if (this.headers.size > HEADERS_KEPT) this.headers.delete(this.headers.keys().next().value as number);
    return entry.fetched;
  }

  /** Keeps a header fetched by other means (the head fetched with a receipt), unless one is already known. */
  private knowHeader(number: number, header: BlockHeader): void {
    if (this.headers.has(number)) return;
    this.headers.set(number, { fetched: Promise.resolve(header), value: header });
    if (this.headers.size > HEADERS_KEPT) this.headers.delete(this.headers.keys().next().value as number);
  }

  /** A block header this sender fetched recently, if any (for the indexer). */
  recentHeader(number: number): BlockHeader | undefined {
    return this.headers.get(number)?.value;
  }

  /** This sender's receipts by block (a few hundred blocks), for recentLogs. */
  private readonly receiptsByBlock = new Map<number, Map<string, TransactionReceipt>>();

  private remember(receipt: TransactionReceipt): void {
    let inBlock = this.receiptsByBlock.get(receipt.blockNumber);
    if (!inBlock) {
      this.receiptsByBlock.set(receipt.blockNumber, (inBlock = new Map()));
      if (this.receiptsByBlock.size > HEADERS_KEPT) this.receiptsByBlock.delete(this.receiptsByBlock.keys().next().value as number);
    }
    inBlock.set(receipt.hash.toLowerCase(), receipt);
  }

  /**
   * Every log of block `number` when each of its transactions is one of this sender's and their receipts are known,
   * all naming the block hash of the header kept for it; otherwise undefined. The indexer takes such a block from
   * here rather than asking the node for its logs again: on a chain where the gateway is the only writer (an
   * automining node, or interval blocks of the gateway's batches) a write's read-your-writes then costs no eth_getLogs.
   */
  recentLogs(number: number): RawLog[] | undefined {
    const header = this.headers.get(number)?.value;
    const mine = this.receiptsByBlock.get(number);
    if (!header || !mine || !Array.isArray(header.transactions) || header.transactions.length === 0) return undefined;
    const blockHash = header.hash.toLowerCase();
    const logs: RawLog[] = [];
    for (const hash of header.transactions) {
      const r = typeof hash === "string" ? mine.get(hash.toLowerCase()) : undefined;
      if (!r || r.blockHash.toLowerCase() !== blockHash || r.blockNumber !== number) return undefined;
      for (const l of r.logs) logs.push(rawLogFromReceipt(l));
    }
    return logs;
  }

  private async settle(receipt: TransactionReceipt): Promise<TransactionReceipt> {
    this.remember(receipt);
    const entry = this.journal.byHash(receipt.hash);
    if (entry && entry.block_timestamp === null) {
      const timestamp = Number((await this.header(receipt.blockNumber)).timestamp);
      this.journal.markMined(receipt.hash, receipt.status === 1, receipt.blockNumber, receipt.index, timestamp);
      this.chainTime = Math.max(this.chainTime, timestamp);
    }
    return receipt;
  }

  private async feeData() {
    if (!this.fees || Date.now() - this.fees.at > 2000) {
      const data = await this.call(() => this.provider.getFeeData());
      // Head-room over the current base fee so that a burst of blocks does not price a signed transaction out.
      this.fees = {
        at: Date.now(),
        data: {
          maxFeePerGas: data.maxFeePerGas === null ? null : data.maxFeePerGas * 2n,
          maxPriorityFeePerGas: data.maxPriorityFeePerGas,
          gasPrice: data.gasPrice,
        },
      };
    }
    return this.fees.data;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isConnectionError(err)) throw chainUnavailable();
      throw err;
    }
  }
}

export function isConnectionError(err: unknown): boolean {
  const s = String((err as { code?: string })?.code ?? "") + " " + String((err as Error)?.message ?? "");
  return /ECONNREFUSED|ECONNRESET|socket hang up|fetch failed|NETWORK_ERROR|TIMEOUT|EPIPE|other side closed|CHAIN_UNAVAILABLE/i.test(
    s,
  );
}

/** A legacy (type 0) transaction, for nodes without EIP-1559 fees: rare, so ethers' own code signs it. */
async function legacySigned(wallet: Wallet, tx: TransactionRequest): Promise<{ raw: string; hash: string }> {
  const raw = await wallet.signTransaction(tx);
  return { raw, hash: keccak256(raw) };
}

import { TransactionReceipt, type Log, type Wallet } from "ethers";
import type { ERC2771Forwarder } from "../../../typechain-types/contracts/TrellisForwarder";
import { forwarderInterface } from "./abi";
import { encodeExecute, encodeExecuteBatch } from "./forward-codec";
import type { TxSender } from "./tx-sender";

type ForwardRequest = ERC2771Forwarder.ForwardRequestDataStruct;

/**
 * How the relayer gathers signed forward requests into `executeBatch` transactions. Every figure can be set by
 * environment (the names in brackets); docs/BENCHMARKS.md says how they were chosen.
 */
export interface BatchOptions {
  /** Most requests in one transaction [TRELLIS_BATCH_MAX, 128]; 1 turns batching off. */
  maxBatch: number;
  /**
   * How long a batch stays open for more requests while other batches are in flight, in ms [TRELLIS_BATCH_WINDOW_MS,
   * 2]. With nothing in flight a request goes at once, so an idle gateway's latency does not grow.
   */
  windowMs: number;
  /**
   * Batch transactions being prepared at once: signed, journaled and handed to the node [TRELLIS_BATCH_IN_FLIGHT, 4].
   * On an automining node the hand-over returns once the transaction is mined, so this bounds the batches being
   * mined too; on a node that mines every few seconds a handed-over batch only waits for its block, and more batches
   * may join that block, each from a relayer with nothing else waiting (at most the pool's size).
   */
  maxInFlight: number;
  /**
   * How long a batch stays open while others wait for their block but none is being prepared, in ms
   * [TRELLIS_BATCH_BLOCK_WINDOW_MS, 20]: the requests then share a transaction rather than each taking one, and still
   * reach the same block as a rule.
   */
  blockWindowMs: number;
  /**
   * Most gas one batch transaction may reserve [TRELLIS_BATCH_MAX_GAS, 15,000,000: under the 16,777,216 a node takes
   * per transaction since EIP-7825, two fit a 30M block; about 70 order writes].
   */
  maxGas: bigint;
}

export function batchOptionsFromEnv(env: NodeJS.ProcessEnv = process.env, relayers = 4): BatchOptions {
  const int = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer of at least ${min} (got ${raw})`);
    return n;
  };
  return {
    maxBatch: int("TRELLIS_BATCH_MAX", 128, 1),
    windowMs: int("TRELLIS_BATCH_WINDOW_MS", 2, 0),
    maxInFlight: Math.min(relayers, int("TRELLIS_BATCH_IN_FLIGHT", 4, 1)),
    blockWindowMs: int("TRELLIS_BATCH_BLOCK_WINDOW_MS", 20, 0),
    maxGas: BigInt(int("TRELLIS_BATCH_MAX_GAS", 15_000_000, 1_000_000)),
  };
}

/** What one request did inside the transaction that carried it. */
export interface RequestOutcome {
  /** The transaction's receipt, with only this request's logs (the ledger's and token's events it caused). */
  receipt: TransactionReceipt;
  /** The forwarder executed the request and its call succeeded (ExecutedForwardRequest with success = true). */
  success: boolean;
  /** The forwarder skipped the request as invalid (expired, wrong signer or nonce): its nonce is unused. */
  skipped: boolean;
}

const EXECUTED = forwarderInterface.getEvent("ExecutedForwardRequest")!.topicHash;

/**
 * The outcome of `signer`'s request in a forwarder transaction (`execute` or `executeBatch`). The forwarder emits
 * ExecutedForwardRequest(signer, nonce, success) after each request it executed, so the logs before that event (and
 * after the previous one) are the request's own; a request with no event was skipped. A reverted transaction
 * executed nothing. Each signer has at most one request per transaction (the relayer sees to that).
 */
export function outcomeOf(receipt: TransactionReceipt, forwarder: string, signer: string): RequestOutcome {
  return outcomesOf(receipt, forwarder)(signer);
}

/** Splits a forwarder transaction's logs by request once; the result answers each signer's outcome. */
export function outcomesOf(receipt: TransactionReceipt, forwarder: string): (signer: string) => RequestOutcome {
  if (receipt.status !== 1) return () => ({ receipt: narrow(receipt, []), success: false, skipped: false });
  const fwd = forwarder.toLowerCase();
  const executed = new Map<string, { success: boolean; logs: Log[] }>();
  let own: Log[] = [];
  for (const log of receipt.logs) {
    if (log.topics[0] === EXECUTED && log.address.toLowerCase() === fwd) {
      // signer is the indexed topic; data is (nonce, success), success the last word.
      const who = "0x" + log.topics[1].slice(26).toLowerCase();
      const success = BigInt("0x" + log.data.slice(-64)) === 1n;
      executed.set(who, { success, logs: success ? own : [] });
      own = [];
    } else {
      own.push(log);
    }
  }
  return (signer) => {
    const found = executed.get(signer.toLowerCase());
    if (!found) return { receipt: narrow(receipt, []), success: false, skipped: true };
    return { receipt: narrow(receipt, found.logs), success: found.success, skipped: false };
  };
}

/** The same receipt with only `logs`, so callers that read events see their request's alone. */
function narrow(r: TransactionReceipt, logs: readonly Log[]): TransactionReceipt {
  return new TransactionReceipt(
    {
      to: r.to,
      from: r.from,
      contractAddress: r.contractAddress,
      hash: r.hash,
      index: r.index,
      blockHash: r.blockHash,
      blockNumber: r.blockNumber,
      logsBloom: r.logsBloom,
      logs: logs.map((l) => ({
        transactionHash: l.transactionHash,
        blockHash: l.blockHash,
        blockNumber: l.blockNumber,
        removed: l.removed,
        address: l.address,
        data: l.data,
        topics: l.topics,
        index: l.index,
        transactionIndex: l.transactionIndex,
      })),
      gasUsed: r.gasUsed,
      blobGasUsed: r.blobGasUsed,
      cumulativeGasUsed: r.cumulativeGasUsed,
      gasPrice: r.gasPrice,
      blobGasPrice: r.blobGasPrice,
      type: r.type,
      status: r.status,
      root: r.root,
    },
    r.provider,
  );
}

/** Gas the forwarder itself spends per request in a batch (signature, nonce, event, loop) besides its calldata. */
const PER_REQUEST_GAS = 40_000n;
/** The transaction's own cost besides its requests (intrinsic gas, dispatch). */
const BATCH_BASE_GAS = 60_000n;

/**
 * The gas a transaction must carry so that every request gets its `gas` (the forwarder's `_checkForwardedGas`
 * aborts the whole transaction when one did not): each request's gas plus the 1/63 the EVM keeps back at a call,
 * the forwarder's own work and the calldata.
 */
export function gasFor(requests: readonly ForwardRequest[]): bigint {
  let total = BATCH_BASE_GAS;
  for (const r of requests) {
    const gas = BigInt(r.gas);
    const bytes = BigInt((String(r.data).length - 2) / 2 + (String(r.signature).length - 2) / 2 + 7 * 32);
    total += gas + gas / 63n + 1n + PER_REQUEST_GAS + 16n * bytes;
  }
  return total;
}

interface Pending {
  request: ForwardRequest;
  signer: string;
  /** The request's share of a batch's gas (gasFor without the base). */
  gas: bigint;
  aloneGasLimit?: bigint;
  onSigned?: (txHash: string) => void;
  resolve: (o: RequestOutcome) => void;
  reject: (e: unknown) => void;
}

/**
 * Gathers the forward requests that arrive while other transactions are being prepared or mined into one
 * `executeBatch` (group commit: one journal row, one fsync and one relayer transaction for many people's writes).
 * A request that finds nothing in flight goes at once, alone, as `execute`; otherwise it joins the open batch, which
 * goes after `windowMs`, when it is full (`maxBatch` or `maxGas`), or when a batch in flight finishes, whichever
 * comes first, and at most `maxInFlight` batches are out at a time. The refund receiver is the relayer (non-zero),
 * so the forwarder skips an invalid request and lets a reverting one fail alone; each request's outcome is read from
 * its own ExecutedForwardRequest event.
 */
export class RequestBatcher {
  private readonly queue: Pending[] = [];
  /** Batches between being taken from the queue and the node having them. */
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly busy = new Set<number>();
  private nextRelayer = 0;
  /** Transactions sent and requests they carried, for benchmarks and logs. */
  readonly stats = { transactions: 0, requests: 0, largest: 0 };

  constructor(
    private readonly sender: TxSender,
    private readonly forwarder: string,
    private readonly relayers: Wallet[],
    readonly options: BatchOptions,
  ) {
    if (relayers.length === 0) throw new Error("the batcher needs at least one relayer");
  }

  /**
   * Sends `request` (alone or with others) and resolves with what it did; `onSigned` runs in the journal's commit.
   * `aloneGasLimit` (a simulation's figure) is the limit it is sent with if it goes alone; in a batch, `gasFor`.
   */
  submit(
    request: ForwardRequest,
    onSigned?: (txHash: string) => void,
    aloneGasLimit?: bigint,
  ): Promise<RequestOutcome> {
    return new Promise<RequestOutcome>((resolve, reject) => {
      this.queue.push({
        request,
        signer: String(request.from).toLowerCase(),
        gas: gasFor([request]) - BATCH_BASE_GAS,
        aloneGasLimit,
        onSigned,
        resolve,
        reject,
      });
      this.schedule();
    });
  }

  /** Requests waiting for a batch. */
  get queued(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.queue.length === 0 || !this.canSend()) return;
    const window = this.inFlight > 0 ? this.options.windowMs : this.busy.size > 0 ? this.options.blockWindowMs : 0;
    if (window === 0 || this.full()) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), window);
  }

  /** A batch may be prepared now: fewer than maxInFlight are, and a relayer has nothing waiting for its block. */
  private canSend(): boolean {
    return this.inFlight < this.options.maxInFlight && this.busy.size < this.relayers.length;
  }

  /** The queue already holds a full batch. */
  private full(): boolean {
    return (
      this.queue.length >= this.options.maxBatch ||
      this.queue.reduce((g, p) => g + p.gas, BATCH_BASE_GAS) >= this.options.maxGas
    );
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.queue.length && this.canSend()) {
      const members = this.take();
      const slot = this.freeRelayer();
      this.busy.add(slot);
      this.inFlight += 1;
      let handedOver = false;
      const handOver = () => {
        if (handedOver) return;
        handedOver = true;
        this.inFlight -= 1;
        this.schedule();
      };
      void this.send(members, slot, handOver).finally(() => {
        this.busy.delete(slot);
        handOver();
        this.schedule();
      });
    }
  }

  /** The next batch from the queue, in arrival order: bounded in count and gas, one request per signer. */
  private take(): Pending[] {
    const members: Pending[] = [];
    const signers = new Set<string>();
    let gas = BATCH_BASE_GAS;
    for (let i = 0; i < this.queue.length && members.length < this.options.maxBatch;) {
      const p = this.queue[i];
      if (signers.has(p.signer) || (members.length > 0 && gas + p.gas > this.options.maxGas)) {
        i++;
        continue;
      }
      members.push(p);
      signers.add(p.signer);
      gas += p.gas;
      this.queue.splice(i, 1);
    }
    return members;
  }

  private async send(members: Pending[], slot: number, handedOver: () => void): Promise<void> {
    const relayer = this.relayers[slot];
    const requests = members.map((m) => m.request);
    const data = requests.length === 1 ? encodeExecute(requests[0]) : encodeExecuteBatch(requests, relayer.address);
    const onSigned = (hash: string) => {
      for (const m of members) m.onSigned?.(hash);
    };
    try {
      const receipt = await this.sender.send(
        relayer,
        {
          to: this.forwarder,
          data,
          gasLimit: (members.length === 1 ? members[0].aloneGasLimit : undefined) ?? gasFor(requests),
        },
        onSigned,
        handedOver,
      );
      this.stats.transactions += 1;
      this.stats.requests += members.length;
      this.stats.largest = Math.max(this.stats.largest, members.length);
      const outcome = outcomesOf(receipt, this.forwarder);
      for (const m of members) m.resolve(outcome(m.signer));
    } catch (err) {
      for (const m of members) m.reject(err);
    }
  }

  /** A relayer with no batch out (there is one: canSend saw fewer busy than the pool holds). */
  private freeRelayer(): number {
    for (let k = 0; k < this.relayers.length; k++) {
      const i = (this.nextRelayer + k) % this.relayers.length;
      if (!this.busy.has(i)) {
        this.nextRelayer = i + 1;
        return i;
      }
    }
    throw new Error("no relayer is free");
  }
}

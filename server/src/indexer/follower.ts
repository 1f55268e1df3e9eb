import { rawLogFromRpc, type RawLog } from "../chain/abi";
import type { BlockHeader, CheckpointStore } from "./checkpoint";

/**
 * What the indexer needs from a node: raw JSON-RPC. An ethers `JsonRpcProvider` qualifies (and batches concurrent
 * calls into one HTTP request), and so does Hardhat's in-process `ethers.provider`.
 */
export interface RpcProvider {
  send(method: string, params: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON-RPC answers are untyped; callers type what they read
}

export interface RpcBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
}

/** One block range as the chain has it: its logs in chain order and the headers they were checked against. */
export interface FetchedRange {
  logs: RawLog[];
  headers: Map<number, BlockHeader>;
  /** The blocks of the range that hold a log. */
  withLogs: Set<number>;
}

/** Thrown inside a range when the node's answers disagree with each other: the chain moved under us. */
export class ChainMovedError extends Error {}

const hex = (n: number) => "0x" + n.toString(16);
/** Longest range taken from lent receipts (beyond it, one eth_getLogs is cheaper than checking every block). */
const MAX_LENT_BLOCKS = 64;

/**
 * Reads the chain for the indexer: the Trellis contracts' logs range by range, each range checked to descend from
 * the checkpoint by `parentHash` and its logs checked against their blocks' hashes; and, when the checkpoint's hash is
 * no longer on the chain, the walk back through the kept hashes to the common ancestor.
 */
export class BlockFollower {
  private readonly addressList: string[];

  constructor(
    private readonly provider: RpcProvider,
    addresses: readonly string[],
    private readonly recentHeader: (n: number) => RpcBlock | undefined,
    private readonly recentLogs: (n: number) => RawLog[] | undefined = () => undefined,
  ) {
    this.addressList = addresses.map((a) => a.toLowerCase());
  }

  async headNumber(): Promise<number> {
    return Number(await this.provider.send("eth_blockNumber", []));
  }

  getBlock(n: number): Promise<RpcBlock | null> {
    return this.provider.send("eth_getBlockByNumber", [hex(n), false]) as Promise<RpcBlock | null>;
  }

  /**
   * Fetches one block range. The headers of the range's first and last blocks and of every block with a log are
   * fetched with the logs (a header lent by the relayer is used, when `lentHeaders`, for blocks with logs only); their
   * hashes must agree with the logs' and the first block must descend from `parentHash`, or ChainMovedError.
   */
  async fetchRange(from: number, to: number, parentHash: string | null, lentHeaders: boolean): Promise<FetchedRange> {
    const lent = lentHeaders ? this.lentRange(from, to) : null;
    if (lent) return this.checked(from, lent.logs, lent.headers, parentHash);
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
    const headers = new Map<number, BlockHeader>();
    list.forEach((n, i) => {
      const b = fetched[i];
      if (!b) throw new ChainMovedError(`block ${n} is no longer on the chain`);
      headers.set(n, { hash: b.hash.toLowerCase(), parentHash: b.parentHash.toLowerCase(), timestamp: Number(b.timestamp) });
    });
    return this.checked(from, logs, headers, parentHash);
  }

  /**
   * A range made only of blocks whose every transaction the relayer sent (their headers and receipts lent, see
   * TxSender.recentLogs): its logs of the Trellis contracts without an eth_getLogs, or null when any block is not.
   * The receipts and headers were fetched apart and must agree (each receipt names its header's hash); the range is
   * then checked like any other.
   */
  private lentRange(from: number, to: number): { logs: RawLog[]; headers: Map<number, BlockHeader> } | null {
    if (to - from >= MAX_LENT_BLOCKS) return null;
    const logs: RawLog[] = [];
    const headers = new Map<number, BlockHeader>();
    for (let n = from; n <= to; n++) {
      const header = this.recentHeader(n);
      const inBlock = header && this.recentLogs(n);
      if (!header || !inBlock) return null;
      const mine = inBlock.filter((l) => this.addressList.includes(l.address));
      if (n === from || n === to || mine.length > 0) {
        headers.set(n, { hash: header.hash.toLowerCase(), parentHash: header.parentHash.toLowerCase(), timestamp: Number(header.timestamp) });
      }
      logs.push(...mine.sort((a, b) => a.logIndex - b.logIndex));
    }
    return { logs, headers };
  }

  private checked(from: number, logs: RawLog[], headers: Map<number, BlockHeader>, parentHash: string | null): FetchedRange {
    const withLogs = new Set(logs.map((l) => l.blockNumber));
    if (parentHash !== null && headers.get(from)!.parentHash !== parentHash) {
      throw new ChainMovedError(`block ${from} does not descend from the checkpoint`);
    }
    for (const l of logs) {
      if (headers.get(l.blockNumber)!.hash !== l.blockHash) throw new ChainMovedError(`log in block ${l.blockNumber} is from another fork`);
    }
    return { logs, headers, withLogs };
  }

  /**
   * Compares the checkpoint's hash with the chain. Returns "same" when it is still there; otherwise walks back through
   * the `keep` newest stored block hashes to the newest one the chain still has (the common ancestor), or null when
   * none within reach is.
   */
  async findAncestor(checkpoints: CheckpointStore, keep: number): Promise<"same" | { number: number; hash: string } | null> {
    const cp = checkpoints.get();
    if (cp.hash === null) return "same";
    const current = await this.getBlock(cp.number);
    if (current && current.hash.toLowerCase() === cp.hash) return "same";
    const candidates = checkpoints.recentBelow(cp.number, keep);
    for (let i = 0; i < candidates.length; i += 16) {
      const chunk = candidates.slice(i, i + 16);
      const onChain = await Promise.all(chunk.map((c) => this.getBlock(c.number)));
      const found = chunk.find((c, j) => onChain[j]?.hash.toLowerCase() === c.hash);
      if (found) return found;
    }
    return null;
  }
}

/** Whether a node refused an eth_getLogs range as too large. */
export function isTooManyResults(err: unknown): boolean {
  const msg = String((err as { message?: string })?.message ?? err).toLowerCase();
  return /too many|limit exceeded|response size|query returned more than|-32005/.test(msg);
}

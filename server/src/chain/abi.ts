import { getAddress, TransactionReceipt, type EventFragment, type Interface, type Log, type LogParams, type Provider } from "ethers";
import {
  PayableNotes__factory,
  SettlementToken__factory,
  TrellisForwarder__factory,
  TrellisLedger__factory,
} from "../../../typechain-types";

/**
 * The one place the contracts' ABIs are built and their events and errors decoded: the ledger client encodes calls
 * and decodes reverts with these interfaces, the indexer and the audit proof decode logs with `EventDecoder`.
 */
export const ledgerInterface = TrellisLedger__factory.createInterface() as Interface;
export const tokenInterface = SettlementToken__factory.createInterface() as Interface;
export const forwarderInterface = TrellisForwarder__factory.createInterface() as Interface;
export const notesInterface = PayableNotes__factory.createInterface() as Interface;

/** A log as the node returned it, normalised: numbers as numbers, addresses and hashes lower-case hex. */
export interface RawLog {
  blockNumber: number;
  logIndex: number;
  blockHash: string;
  txHash: string;
  txIndex: number;
  address: string;
  topics: string[];
  data: string;
}

export type Source = "ledger" | "token" | "forwarder" | "notes";

/** A decoded event: its name and its arguments by name (uint values stay bigint until serialised). */
export interface DecodedEvent {
  source: Source;
  name: string;
  args: Record<string, unknown>;
}

/** The contract addresses one index follows. */
export interface TrellisAddresses {
  ledger: string;
  token: string;
  forwarder: string;
  /** The payable-notes contract (issue #11); absent for a deployment made before it existed. */
  notes?: string;
}

/** How to read one argument straight from its 32-byte word (static types only). */
interface Slot {
  name: string;
  indexed: boolean;
  kind: "address" | "bool" | "uint" | "bytes32";
}

interface Known {
  fragment: EventFragment;
  /** Null when the event has a dynamic argument (a string): those go through the ethers ABI coder. */
  slots: Slot[] | null;
  topicCount: number;
  dataLength: number;
}

interface Entry {
  iface: Interface;
  source: Source;
  byTopic: Map<string, Known>;
}

function slotsOf(fragment: EventFragment): Slot[] | null {
  const slots: Slot[] = [];
  for (const [i, input] of fragment.inputs.entries()) {
    const t = input.type;
    const kind = t === "address" ? "address" : t === "bool" ? "bool" : t === "bytes32" ? "bytes32" : /^uint\d*$/.test(t) ? "uint" : null;
    if (!kind) return null;
    slots.push({ name: input.name || `arg${i}`, indexed: input.indexed === true, kind });
  }
  return slots;
}

const ZERO_WORD = "0".repeat(64);

/**
 * Checksummed spellings of the addresses decoded lately. A checksum is a keccak256 of the address, and the same few
 * addresses (organisations' treasuries, the contracts) come back in nearly every log, so each is hashed once; the
 * map is emptied when it reaches CHECKSUMS_KEPT rather than grow without bound.
 */
const checksums = new Map<string, string>();
const CHECKSUMS_KEPT = 4096;

/** getAddress of an address, from `checksums` when it was seen lately. */
export function checksummed(address: string): string {
  const lower = address.toLowerCase();
  let c = checksums.get(lower);
  if (c === undefined) {
    if (checksums.size >= CHECKSUMS_KEPT) checksums.clear();
    c = getAddress(lower);
    checksums.set(lower, c);
  }
  // A spelling in mixed case must be the checksum itself: ethers' getAddress refuses it otherwise, every time.
  if (address !== lower && address !== c) getAddress(address);
  return c;
}

/**
 * Decodes Trellis logs with the typechain interfaces. Fragments are looked up by (address, topic0) once per
 * address, so decoding costs one map lookup plus the ABI decode.
 */
export class EventDecoder {
  private readonly entries = new Map<string, Entry>();

  constructor(addresses: TrellisAddresses) {
    this.add(addresses.ledger, ledgerInterface, "ledger");
    this.add(addresses.token, tokenInterface, "token");
    this.add(addresses.forwarder, forwarderInterface, "forwarder");
    if (addresses.notes) this.add(addresses.notes, notesInterface, "notes");
  }

  private add(address: string, iface: Interface, source: Source): void {
    const byTopic = new Map<string, Known>();
    iface.forEachEvent((fragment) => {
      const indexed = fragment.inputs.filter((i) => i.indexed).length;
      byTopic.set(fragment.topicHash.toLowerCase(), {
        fragment,
        slots: fragment.anonymous ? null : slotsOf(fragment),
        topicCount: 1 + indexed,
        dataLength: 2 + 64 * (fragment.inputs.length - indexed),
      });
    });
    this.entries.set(address.toLowerCase(), { iface, source, byTopic });
  }

  /** Which contract and event a log is, or null for a log of another contract or an event the ABI does not know. */
  describe(log: { address: string; topics: readonly string[] }): { source: Source; iface: Interface; fragment: EventFragment } | null {
    const found = this.lookup(log);
    return found && { source: found.entry.source, iface: found.entry.iface, fragment: found.known.fragment };
  }

  private lookup(log: { address: string; topics: readonly string[] }): { entry: Entry; known: Known } | null {
    const entry = this.entries.get(log.address.toLowerCase());
    if (!entry || log.topics.length === 0) return null;
    const known = entry.byTopic.get(log.topics[0].toLowerCase());
    return known ? { entry, known } : null;
  }

  /**
   * A log's event and its arguments in the event's order, as ethers' decodeEventLog gives them (addresses checksummed),
   * read from the words when every argument is static; null for a log of another contract or an unknown event.
   */
  values(log: { address: string; topics: readonly string[]; data: string }): { source: Source; iface: Interface; fragment: EventFragment; values: readonly unknown[] } | null {
    const found = this.lookup(log);
    if (!found) return null;
    const { entry, known } = found;
    const base = { source: entry.source, iface: entry.iface, fragment: known.fragment };
    if (known.slots && log.topics.length === known.topicCount && log.data.length === known.dataLength) {
      const values = fastValues(known.slots, log.topics, log.data.toLowerCase());
      if (values) return { ...base, values: values.map((v, i) => (known.slots![i].kind === "address" ? checksummed(v as string) : v)) };
    }
    return { ...base, values: entry.iface.decodeEventLog(known.fragment, log.data, log.topics as string[]) };
  }

  /** Decodes a log, or returns null for a log of another contract or an event the ABI does not know. */
  decode(log: Pick<RawLog, "address" | "topics" | "data">): DecodedEvent | null {
    const found = this.lookup(log);
    if (!found) return null;
    const { entry, known } = found;
    // Every Trellis event but OrganizationRegistered has only static arguments, one 32-byte word each: reading the
    // words directly is an order of magnitude faster than the general ABI coder, which dominates catch-up otherwise.
    if (known.slots && log.topics.length === known.topicCount && log.data.length === known.dataLength) {
      const args = fastDecode(known.slots, log.topics, log.data.toLowerCase());
      if (args) return { source: entry.source, name: known.fragment.name, args };
    }
    let values: ReadonlyArray<unknown>;
    try {
      values = entry.iface.decodeEventLog(known.fragment, log.data, log.topics);
    } catch {
      return null;
    }
    const args: Record<string, unknown> = {};
    known.fragment.inputs.forEach((input, i) => {
      const v = values[i];
      args[input.name || `arg${i}`] = typeof v === "string" && input.type === "address" ? v.toLowerCase() : v;
    });
    return { source: entry.source, name: known.fragment.name, args };
  }
}

/** Reads static arguments from their words; null when a word is not a valid encoding (the ABI coder then decides). */
function fastDecode(slots: Slot[], topics: readonly string[], data: string): Record<string, unknown> | null {
  const values = fastValues(slots, topics, data);
  if (!values) return null;
  const args: Record<string, unknown> = {};
  slots.forEach((slot, i) => (args[slot.name] = values[i]));
  return args;
}

/** The arguments in the event's order (addresses in lower case), or null as fastDecode. */
function fastValues(slots: Slot[], topics: readonly string[], data: string): unknown[] | null {
  const args: unknown[] = [];
  let t = 1;
  let d = 2;
  for (const [i, slot] of slots.entries()) {
    let word: string;
    if (slot.indexed) {
      word = topics[t++].toLowerCase().slice(2);
    } else {
      word = data.slice(d, d + 64);
      d += 64;
    }
    if (word.length !== 64) return null;
    switch (slot.kind) {
      case "address":
        if (!word.startsWith("000000000000000000000000")) return null;
        args[i] = "0x" + word.slice(24);
        break;
      case "bool":
        if (word === ZERO_WORD) args[i] = false;
        else if (word === ZERO_WORD.slice(1) + "1") args[i] = true;
        else return null;
        break;
      case "uint":
        args[i] = BigInt("0x" + word);
        break;
      case "bytes32":
        args[i] = "0x" + word;
        break;
    }
  }
  return args;
}

/** Makes decoded arguments JSON-safe: bigints become decimal strings, nested results become arrays. */
export function jsonArgs(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) out[k] = jsonValue(v);
  return out;
}

function jsonValue(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return v.map(jsonValue);
  return v;
}

/** Normalises a log of an ethers receipt (a block's logs lent from the relayer's receipts). */
export function rawLogFromReceipt(l: Pick<Log, "blockNumber" | "index" | "blockHash" | "transactionHash" | "transactionIndex" | "address" | "topics" | "data">): RawLog {
  return {
    blockNumber: l.blockNumber,
    logIndex: l.index,
    blockHash: l.blockHash.toLowerCase(),
    txHash: l.transactionHash.toLowerCase(),
    txIndex: l.transactionIndex,
    address: l.address.toLowerCase(),
    topics: l.topics.map((t) => t.toLowerCase()),
    data: l.data.toLowerCase(),
  };
}

/** A receipt as eth_getTransactionReceipt answers it (quantities as hex strings). */
export interface RpcReceipt {
  to: string | null;
  from: string;
  contractAddress?: string | null;
  transactionHash: string;
  transactionIndex: string;
  blockHash: string;
  blockNumber: string;
  logsBloom?: string | null;
  logs: Array<{ transactionIndex: string; blockNumber: string; transactionHash: string; address: string; topics: string[]; data: string; logIndex: string; blockHash: string }>;
  gasUsed: string;
  blobGasUsed?: string | null;
  cumulativeGasUsed: string;
  effectiveGasPrice?: string | null;
  gasPrice?: string | null;
  blobGasPrice?: string | null;
  status?: string | null;
  type?: string | null;
  root?: string | null;
}

const hexNumber = (v: string): number => {
  const n = Number(v);
  if (!/^0x[0-9a-fA-F]+$/.test(v) || !Number.isSafeInteger(n)) throw new TypeError(`not a JSON-RPC quantity: ${v}`);
  return n;
};
const optBig = (v: string | null | undefined): bigint | null => (v == null ? null : BigInt(v));

/**
 * The receipt ethers' provider.getTransactionReceipt would give for `r` (ethers' formatTransactionReceipt, field by
 * field), with addresses checksummed through `checksums`: the relayer reads a receipt per transaction, and ethers
 * checksums every log's address anew (a keccak256 each, docs/BENCHMARKS.md). test/server/chain/batcher.test.ts
 * compares the two on twelve real receipts.
 */
export function receiptFromRpc(r: RpcReceipt, provider: Provider): TransactionReceipt {
  return new TransactionReceipt(
    {
      to: r.to == null ? null : checksummed(r.to),
      from: checksummed(r.from),
      contractAddress: r.contractAddress == null ? null : checksummed(r.contractAddress),
      hash: r.transactionHash,
      index: hexNumber(r.transactionIndex),
      blockHash: r.blockHash,
      blockNumber: hexNumber(r.blockNumber),
      logsBloom: (r.logsBloom ?? null) as string,
      // As ethers' formatReceiptLog: no `removed` (a receipt's logs are never removed ones).
      logs: r.logs.map(
        (l) =>
          ({
            transactionIndex: hexNumber(l.transactionIndex),
            blockNumber: hexNumber(l.blockNumber),
            transactionHash: l.transactionHash,
            address: checksummed(l.address),
            topics: l.topics,
            data: l.data,
            index: hexNumber(l.logIndex),
            blockHash: l.blockHash,
          }) as unknown as LogParams,
      ),
      gasUsed: BigInt(r.gasUsed),
      blobGasUsed: optBig(r.blobGasUsed),
      cumulativeGasUsed: BigInt(r.cumulativeGasUsed),
      gasPrice: optBig(r.effectiveGasPrice ?? r.gasPrice) ?? 0n,
      blobGasPrice: optBig(r.blobGasPrice),
      type: r.type == null ? 0 : hexNumber(r.type),
      // ethers' allowNull without a default: a missing status or root is undefined, not null.
      status: (r.status == null ? undefined : hexNumber(r.status)) as number,
      root: (r.root ?? undefined) as string,
    },
    provider,
  );
}

/** Normalises a JSON-RPC log object. */
export function rawLogFromRpc(l: {
  blockNumber: string;
  logIndex: string;
  blockHash: string;
  transactionHash: string;
  transactionIndex: string;
  address: string;
  topics: string[];
  data: string;
}): RawLog {
  return {
    blockNumber: Number(l.blockNumber),
    logIndex: Number(l.logIndex),
    blockHash: l.blockHash.toLowerCase(),
    txHash: l.transactionHash.toLowerCase(),
    txIndex: Number(l.transactionIndex),
    address: l.address.toLowerCase(),
    topics: l.topics.map((t) => t.toLowerCase()),
    data: l.data.toLowerCase(),
  };
}

/** A decoded custom error: its name and arguments (bigints as strings). */
export interface DecodedRevert {
  name: string;
  args: Record<string, string>;
}

/** Decodes revert data with the ledger's, notes', token's and forwarder's ABIs; undefined when it is not a known error. */
export function decodeRevert(data: string | undefined | null): DecodedRevert | undefined {
  if (!data || data === "0x" || data.length < 10) return undefined;
  for (const iface of [ledgerInterface, notesInterface, tokenInterface, forwarderInterface]) {
    try {
      const parsed = iface.parseError(data);
      if (!parsed) continue;
      const args: Record<string, string> = {};
      parsed.fragment.inputs.forEach((input, i) => {
        args[input.name || String(i)] = String(parsed.args[i]);
      });
      return { name: parsed.name, args };
    } catch {
      // Not this interface's error; try the next.
    }
  }
  return undefined;
}

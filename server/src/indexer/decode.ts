import { type EventFragment, type Interface } from "ethers";
import {
  SettlementToken__factory,
  TrellisForwarder__factory,
  TrellisLedger__factory,
} from "../../../typechain-types";

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

export type Source = "ledger" | "token" | "forwarder";

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
}

interface Entry {
  iface: Interface;
  source: Source;
  byTopic: Map<string, EventFragment>;
}

/**
 * Decodes Trellis logs with the typechain interfaces. Fragments are looked up by (address, topic0) once per
 * address, so decoding costs one map lookup plus the ABI decode.
 */
export class EventDecoder {
  private readonly entries = new Map<string, Entry>();

  constructor(addresses: TrellisAddresses) {
    this.add(addresses.ledger, TrellisLedger__factory.createInterface(), "ledger");
    this.add(addresses.token, SettlementToken__factory.createInterface(), "token");
    this.add(addresses.forwarder, TrellisForwarder__factory.createInterface(), "forwarder");
  }

  private add(address: string, iface: Interface, source: Source): void {
    const byTopic = new Map<string, EventFragment>();
    iface.forEachEvent((f) => byTopic.set(f.topicHash.toLowerCase(), f));
    this.entries.set(address.toLowerCase(), { iface, source, byTopic });
  }

  /** Decodes a log, or returns null for a log of another contract or an event the ABI does not know. */
  decode(log: Pick<RawLog, "address" | "topics" | "data">): DecodedEvent | null {
    const entry = this.entries.get(log.address.toLowerCase());
    if (!entry || log.topics.length === 0) return null;
    const fragment = entry.byTopic.get(log.topics[0].toLowerCase());
    if (!fragment) return null;
    let values: ReadonlyArray<unknown>;
    try {
      values = entry.iface.decodeEventLog(fragment, log.data, log.topics);
    } catch {
      return null;
    }
    const args: Record<string, unknown> = {};
    fragment.inputs.forEach((input, i) => {
      const v = values[i];
      args[input.name || `arg${i}`] = typeof v === "string" && input.type === "address" ? v.toLowerCase() : v;
    });
    return { source: entry.source, name: fragment.name, args };
  }
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

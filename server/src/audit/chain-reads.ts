import { toBeHex, zeroPadValue } from "ethers";
import { ledgerInterface } from "../chain/abi";
import { RowReader__factory } from "../../../typechain-types/factories/contracts/audit/RowReader__factory";
import RowReaderArtifact from "../../../artifacts/contracts/audit/RowReader.sol/RowReader.json";
import { idCall, logDecoder, outputDecoder, splitBytesArray, type Decoded } from "./abi-words";

/**
 * How a row proof reads the ledger: rounds of view calls through the RowReader (many calls in one eth_call), and the
 * records' events through eth_getLogs. Encoding and decoding are done on the words (abi-words.ts): at a sweep's
 * rate ethers' generic coder, not the node, was the cost.
 */

/** The chain's JSON-RPC as the verifier uses it (ethers' JsonRpcProvider batches concurrent sends). */
export interface ChainReader {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/** One view call of a row: the ledger function and its arguments. */
export type ViewCall = [fn: string, args: unknown[]];

/** A decoded ledger log of a record: its event name and arguments. */
export interface RecordLog {
  name: string;
  args: Decoded;
  blockNumber: number;
}

interface ViewFn {
  encode(args: unknown[]): string;
  decode(data: string): Decoded;
}

const viewFns = new Map<string, ViewFn>();

/** A ledger view's encoder and decoder, on the words when its input is one uint256 and its outputs are static. */
function viewFn(name: string): ViewFn {
  let v = viewFns.get(name);
  if (v) return v;
  const f = ledgerInterface.getFunction(name);
  if (!f) throw new Error(`the ledger has no view ${name}`);
  const words = outputDecoder(f);
  const oneId = f.inputs.length === 1 && f.inputs[0].type === "uint256";
  v = {
    encode: (args) => (oneId && (typeof args[0] === "bigint" || typeof args[0] === "number") ? idCall(f.selector, args[0]) : ledgerInterface.encodeFunctionData(f, args)),
    decode: words ?? ((data) => toDecoded(ledgerInterface.decodeFunctionResult(f, data).toObject(true))),
  };
  viewFns.set(name, v);
  return v;
}

/** ethers' Result as plain fields (the fallback for a view with dynamic outputs). */
function toDecoded(o: Record<string, unknown>): Decoded {
  const keys = Object.keys(o);
  return keys.length === 1 && o[keys[0]] && typeof o[keys[0]] === "object" ? (o[keys[0]] as Decoded) : (o as Decoded);
}

/** Where the RowReader's code is placed for a call (an address nothing is deployed at). */
const READER_ADDRESS = "0x00000000000000000000000000000000526f7752";
const READ_SELECTOR = RowReader__factory.createInterface().getFunction("read").selector;
/** The RowReader's runtime code (the compiler's artifact). */
const READER_CODE = (RowReaderArtifact as { deployedBytecode: string }).deployedBytecode;
/**
 * View calls per RowReader call. A ledger view costs under 10,000 gas, so 1,000 of them stay well inside the gas an
 * eth_call gets (Hardhat's 30 M block gas limit; geth's 50 M RPC gas cap); larger chunks bought no time (the node
 * answers 1,000 views in about 20 ms).
 */
export const READER_CHUNK = Number(process.env.TRELLIS_SWEEP_READER_CHUNK ?? 1000);
/** Whether the node takes eth_call's state override (false after a node refused it: then one eth_call per view). */
let overrideWorks = true;

const word = (n: number) => n.toString(16).padStart(64, "0");

/** The calldata of RowReader.read(target, calls), on the words. */
export function encodeRead(target: string, calls: readonly string[]): string {
  const parts: string[] = [READ_SELECTOR, target.slice(2).toLowerCase().padStart(64, "0"), word(64), word(calls.length)];
  const bodies: string[] = [];
  let offset = calls.length * 32;
  for (const c of calls) {
    parts.push(word(offset));
    const hex = c.slice(2);
    const bytes = hex.length / 2;
    const padded = hex.padEnd(Math.ceil(bytes / 32) * 64, "0");
    bodies.push(word(bytes) + padded);
    offset += 32 + padded.length / 2;
  }
  return parts.join("") + bodies.join("");
}

/** One round of view calls at block `tag`, answered in order. */
export async function viewRound(chain: ChainReader, ledger: string, tag: string, calls: readonly ViewCall[]): Promise<Decoded[]> {
  if (calls.length === 0) return [];
  const fns = calls.map(([fn]) => viewFn(fn));
  const data = calls.map(([, args], i) => fns[i].encode(args));
  if (overrideWorks && calls.length > 1) {
    try {
      const chunks: number[] = [];
      for (let i = 0; i < calls.length; i += READER_CHUNK) chunks.push(i);
      const answers = await Promise.all(
        chunks.map(async (start) => {
          const input = encodeRead(ledger, data.slice(start, start + READER_CHUNK));
          const out = (await chain.send("eth_call", [{ to: READER_ADDRESS, data: input }, tag, { [READER_ADDRESS]: { code: READER_CODE } }])) as string;
          return splitBytesArray(out);
        }),
      );
      return answers.flat().map((r, i) => fns[i].decode(r));
    } catch (err) {
      if (!/override|invalid|unknown|params/i.test(String((err as Error).message))) throw err;
      overrideWorks = false;
    }
  }
  return Promise.all(calls.map(async (_c, i) => fns[i].decode((await chain.send("eth_call", [{ to: ledger, data: data[i] }, tag])) as string)));
}

interface LogEvent {
  name: string;
  decode(topics: readonly string[], data: string): Decoded;
}

const events = new Map<string, LogEvent>();

function eventByTopic(topic: string): LogEvent | undefined {
  if (events.size === 0) {
    ledgerInterface.forEachEvent((e) => {
      const words = logDecoder(e);
      events.set(e.topicHash, {
        name: e.name,
        decode: words ?? ((topics, data) => ledgerInterface.decodeEventLog(e, data, topics).toObject(true) as Decoded),
      });
    });
  }
  return events.get(topic.toLowerCase());
}

export const topicOf = (event: string) => ledgerInterface.getEvent(event)!.topicHash;

interface RpcLog {
  topics: string[];
  data: string;
  blockNumber: string;
  removed?: boolean;
}

/** Up to this many ids go in eth_getLogs' id topic; more are read by block windows and filtered here. */
export const ID_TOPICS_MAX = 1000;
/** The number of logs a windowed eth_getLogs aims at (its block window grows or shrinks toward it). */
const WINDOW_LOGS = 5000;

/**
 * The logs of `events` (the record's id in topic 1) of the records `ids`, from `fromBlock` to `toBlock`, by id in
 * chain order. Up to ID_TOPICS_MAX ids: one eth_getLogs whose id topic lists them. More: the range is read once in
 * block windows sized toward WINDOW_LOGS logs (halved, and kept at most that size, when a node refuses an answer
 * as too large), and the logs of
 * other records are dropped here; a sweep reads a segment of many batches this way in one pass over the chain,
 * instead of one pass per batch.
 */
export async function readLogs(
  chain: ChainReader,
  ledger: string,
  eventNames: readonly string[],
  ids: readonly number[],
  fromBlock: number,
  toBlock: number,
  opts: { idTopicsMax?: number } = {},
): Promise<Map<number, RecordLog[]>> {
  const out = new Map<number, RecordLog[]>();
  if (eventNames.length === 0 || ids.length === 0 || fromBlock > toBlock) return out;
  const topics0 = eventNames.map(topicOf);
  const wanted = new Set(ids);
  const keep = (raw: RpcLog[]) => {
    for (const l of raw) {
      if (l.removed) continue;
      const id = Number(BigInt(l.topics[1]));
      if (!wanted.has(id)) continue;
      const e = eventByTopic(l.topics[0]);
      if (!e) continue;
      let list = out.get(id);
      if (!list) out.set(id, (list = []));
      list.push({ name: e.name, args: e.decode(l.topics, l.data), blockNumber: Number(l.blockNumber) });
    }
  };
  if (ids.length <= (opts.idTopicsMax ?? ID_TOPICS_MAX)) {
    const idTopics = ids.map((id) => zeroPadValue(toBeHex(id), 32));
    keep((await chain.send("eth_getLogs", [{ address: ledger, fromBlock: toBeHex(fromBlock), toBlock: toBeHex(toBlock), topics: [topics0, idTopics] }])) as RpcLog[]);
    return out;
  }
  let window = 64;
  // After a refusal the window never grows past half the refused one.
  let ceiling = Number.POSITIVE_INFINITY;
  for (let from = fromBlock; from <= toBlock; ) {
    const to = Math.min(toBlock, from + window - 1);
    let raw: RpcLog[];
    try {
      raw = (await chain.send("eth_getLogs", [{ address: ledger, fromBlock: toBeHex(from), toBlock: toBeHex(to), topics: [topics0] }])) as RpcLog[];
    } catch (err) {
      // A node that caps an answer's size (geth's and most providers' "query returned more than N results").
      if (window === 1 || !/more than|too (many|large)|limit|exceed/i.test(String((err as Error).message))) throw err;
      window = ceiling = Math.max(1, Math.floor(window / 2));
      continue;
    }
    keep(raw);
    from = to + 1;
    window = Math.max(1, Math.min(window * 4, ceiling, Math.round((window * WINDOW_LOGS) / Math.max(raw.length, WINDOW_LOGS / 8))));
  }
  return out;
}

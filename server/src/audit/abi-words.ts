import type { EventFragment, FunctionFragment, ParamType } from "ethers";

/**
 * ABI words read straight from the hex, for the sweep's hot path. The ledger's view functions and the events a row
 * proof reads carry only static types (uints, bools, addresses, bytes32 and tuples of them), so each value sits at a
 * fixed word: decoding is slicing the hex, which is ~50x faster than ethers' generic coder (whose Result objects and
 * dynamic-offset bookkeeping dominated a sweep's time, see docs/BENCHMARKS.md). Anything else falls back to ethers.
 */

/** A decoded value: bigint (ints), boolean, lower-case hex (addresses, fixed bytes), or an object of named fields. */
export type Word = bigint | boolean | string | Decoded;
/** Decoded fields by name (a tuple's components, a function's outputs, an event's arguments). */
export interface Decoded {
  [name: string]: Word;
}

type Reader = (hex: string, at: number) => Word;

const WORD = 64;

/** A reader of one static parameter at a hex position (after the 0x), or null when the type is dynamic. */
function readerOf(p: ParamType): { read: Reader; words: number } | null {
  if (p.baseType === "tuple") {
    const parts = p.components!.map((c) => ({ name: c.name, r: readerOf(c) }));
    if (parts.some((x) => x.r === null || x.name === "")) return null;
    const words = parts.reduce((n, x) => n + x.r!.words, 0);
    return {
      words,
      read: (hex, at) => {
        const out: Decoded = {};
        let pos = at;
        for (const x of parts) {
          out[x.name] = x.r!.read(hex, pos);
          pos += x.r!.words * WORD;
        }
        return out;
      },
    };
  }
  const t = p.type;
  if (t === "bool") return { words: 1, read: (hex, at) => hex.charCodeAt(at + WORD - 1) !== 48 /* "0" */ };
  if (t === "address") return { words: 1, read: (hex, at) => "0x" + hex.slice(at + 24, at + WORD).toLowerCase() };
  if (/^bytes([1-9]|[12]\d|3[0-2])$/.test(t)) {
    const n = Number(t.slice(5));
    return { words: 1, read: (hex, at) => "0x" + hex.slice(at, at + 2 * n).toLowerCase() };
  }
  if (/^uint\d*$/.test(t)) return { words: 1, read: (hex, at) => BigInt("0x" + hex.slice(at, at + WORD)) };
  if (/^int\d*$/.test(t)) {
    const bits = Number(t.slice(3) || 256);
    return { words: 1, read: (hex, at) => BigInt.asIntN(bits, BigInt("0x" + hex.slice(at, at + WORD))) };
  }
  return null;
}

/** A function's outputs decoded by name; a single unnamed tuple output (a struct) is returned as its fields. */
export type OutputDecoder = (data: string) => Decoded;

/** The output decoder of a view function whose outputs are all static, or null. */
export function outputDecoder(f: FunctionFragment): OutputDecoder | null {
  const parts = f.outputs.map((o) => ({ name: o.name, r: readerOf(o) }));
  if (parts.some((x) => x.r === null)) return null;
  const words = parts.reduce((n, x) => n + x.r!.words, 0);
  const single = parts.length === 1 && f.outputs[0].baseType === "tuple";
  return (data) => {
    const hex = data.startsWith("0x") ? data.slice(2) : data;
    if (hex.length < words * WORD) throw new Error(`${f.name} answered ${hex.length / 2} bytes, expected ${words * 32}`);
    if (single) return parts[0].r!.read(hex, 0) as Decoded;
    const out: Decoded = {};
    let pos = 0;
    parts.forEach((x, i) => {
      out[x.name || String(i)] = x.r!.read(hex, pos);
      pos += x.r!.words * WORD;
    });
    return out;
  };
}

/** An event's arguments decoded by name from its topics and data, or null when an argument is dynamic. */
export type LogDecoder = (topics: readonly string[], data: string) => Decoded;

export function logDecoder(e: EventFragment): LogDecoder | null {
  const parts = e.inputs.map((p) => ({ name: p.name, indexed: p.indexed === true, r: readerOf(p) }));
  if (parts.some((x) => x.r === null || (x.indexed && x.r.words !== 1))) return null;
  return (topics, data) => {
    const hex = data.startsWith("0x") ? data.slice(2) : data;
    const out: Decoded = {};
    let topic = 1;
    let pos = 0;
    for (const x of parts) {
      if (x.indexed) {
        out[x.name] = x.r!.read(topics[topic++].slice(2), 0);
      } else {
        out[x.name] = x.r!.read(hex, pos);
        pos += x.r!.words * WORD;
      }
    }
    return out;
  };
}

/** The calldata of `selector(uint256 id)`: the selector and the id as one word. */
export function idCall(selector: string, id: bigint | number): string {
  return selector + BigInt(id).toString(16).padStart(WORD, "0");
}

/**
 * The elements of an ABI-encoded `bytes[]` return value (the RowReader's answer), as hex strings with 0x: read from
 * the offsets, so a megabyte answer is split in one pass.
 */
export function splitBytesArray(data: string): string[] {
  const hex = data.startsWith("0x") ? data.slice(2) : data;
  const num = (at: number) => parseInt(hex.slice(at, at + WORD), 16);
  const head = num(0) * 2; // where the array starts (its length word)
  const n = num(head);
  const base = head + WORD; // offsets are relative to the first offset word
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const at = base + num(base + i * WORD) * 2;
    const len = num(at) * 2;
    out[i] = "0x" + hex.slice(at + WORD, at + WORD + len);
  }
  return out;
}

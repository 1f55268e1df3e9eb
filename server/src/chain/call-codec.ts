import type { Interface } from "ethers";
import { addressWord } from "./forward-codec";

/**
 * Calldata of a contract call whose parameters are all static (uintN, intN, address, bool, bytesN), written out as
 * words; any other function is left to ethers. Almost every ledger write is such a call (ids, amounts, dates,
 * addresses, commitments), and ethers' generic coder, which builds a writer and a coder tree per call, was 8 % of the
 * gateway's CPU under interval mining (docs/BENCHMARKS.md). Checked against ethers for every static function of the
 * ledger, notes and token ABIs in test/server/chain/forward-codec.test.ts.
 */

type WordOf = (v: unknown) => string;

const plans = new WeakMap<Interface, Map<string, { selector: string; words: WordOf[] } | null>>();

function uintWord(bits: number): WordOf {
  const max = 1n << BigInt(bits);
  return (v) => {
    const n = toBigInt(v);
    if (n < 0n || n >= max) throw new RangeError(`value out of range for uint${bits}: ${String(v)}`);
    return n.toString(16).padStart(64, "0");
  };
}

function intWord(bits: number): WordOf {
  const half = 1n << BigInt(bits - 1);
  return (v) => {
    const n = toBigInt(v);
    if (n < -half || n >= half) throw new RangeError(`value out of range for int${bits}: ${String(v)}`);
    return (n < 0n ? (1n << 256n) + n : n).toString(16).padStart(64, "0");
  };
}

function toBigInt(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new RangeError(`not a safe integer: ${v}`);
    return BigInt(v);
  }
  if (typeof v === "string" && /^(0x[0-9a-fA-F]+|-?[0-9]+)$/.test(v)) return BigInt(v);
  throw new TypeError(`not an integer: ${String(v)}`);
}

const addressArg: WordOf = (v) => {
  if (typeof v !== "string") throw new TypeError(`invalid address: ${String(v)}`);
  return addressWord(v);
};

const boolWord: WordOf = (v) => {
  if (typeof v !== "boolean") throw new TypeError(`not a boolean: ${String(v)}`);
  return v ? "1".padStart(64, "0") : "0".repeat(64);
};

function fixedBytesWord(size: number): WordOf {
  const re = new RegExp(`^0x[0-9a-fA-F]{${size * 2}}$`);
  return (v) => {
    if (typeof v !== "string" || !re.test(v)) throw new TypeError(`invalid bytes${size}: ${String(v)}`);
    return v.slice(2).toLowerCase().padEnd(64, "0");
  };
}

function wordOf(type: string): WordOf | null {
  let m: RegExpMatchArray | null;
  if (type === "address") return addressArg;
  if (type === "bool") return boolWord;
  if ((m = type.match(/^uint(\d*)$/))) return uintWord(m[1] ? Number(m[1]) : 256);
  if ((m = type.match(/^int(\d*)$/))) return intWord(m[1] ? Number(m[1]) : 256);
  if ((m = type.match(/^bytes(\d+)$/))) return fixedBytesWord(Number(m[1]));
  return null;
}

function planOf(iface: Interface, fn: string) {
  let byFn = plans.get(iface);
  if (!byFn) plans.set(iface, (byFn = new Map()));
  if (!byFn.has(fn)) {
    const f = iface.getFunction(fn);
    const words = f ? f.inputs.map((p) => (p.baseType === p.type ? wordOf(p.type) : null)) : [null];
    byFn.set(fn, f && words.every((w) => w !== null) ? { selector: f.selector, words: words as WordOf[] } : null);
  }
  return byFn.get(fn)!;
}

/**
 * `iface.encodeFunctionData(fn, args)`, written out for a function with only static parameters. Anything the
 * written-out path does not take (another arity, a value of another shape) goes to ethers, so the result or the error
 * is ethers' own.
 */
export function encodeCall(iface: Interface, fn: string, args: readonly unknown[]): string {
  const plan = planOf(iface, fn);
  if (plan && args.length === plan.words.length) {
    try {
      let out = plan.selector;
      for (let i = 0; i < args.length; i++) out += plan.words[i](args[i]);
      return out;
    } catch {
      // ethers decides (and words the error).
    }
  }
  return iface.encodeFunctionData(fn, args as unknown[]);
}

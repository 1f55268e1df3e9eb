import { keccak256, type BaseWallet } from "ethers";
import { checksummed } from "./abi";

/**
 * The relayer's EIP-1559 transaction, serialised and signed directly. ethers' Transaction object validates and
 * re-encodes through generic RLP helpers (twice: the unsigned hash, then the signed bytes), which was a twentieth of
 * the gateway's CPU per write under load (docs/BENCHMARKS.md). The encoding is EIP-2718 type 2:
 * 0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList, yParity, r,
 * s]); test/server/chain/forward-codec.test.ts checks it byte for byte against ethers.
 */

export interface Eip1559Tx {
  chainId: bigint;
  nonce: number;
  maxPriorityFeePerGas: bigint;
  maxFeePerGas: bigint;
  gasLimit: bigint;
  to: string | null;
  value: bigint;
  data: string;
}

/** Minimal big-endian hex of a non-negative integer ("" for zero, as RLP wants). */
function intHex(n: bigint): string {
  if (n < 0n) throw new RangeError(`negative value in a transaction: ${n}`);
  if (n === 0n) return "";
  const h = n.toString(16);
  return h.length % 2 ? "0" + h : h;
}

function lengthPrefix(len: number, short: number, long: number): string {
  if (len <= 55) return (short + len).toString(16).padStart(2, "0");
  const l = intHex(BigInt(len));
  return (long + l.length / 2).toString(16) + l;
}

/** RLP of a byte string given as hex without 0x. */
function rlpBytes(hex: string): string {
  if (hex.length === 2 && parseInt(hex, 16) < 0x80) return hex;
  return lengthPrefix(hex.length / 2, 0x80, 0xb7) + hex;
}

/** RLP of a list whose items are already RLP-encoded. */
function rlpList(items: string[]): string {
  const payload = items.join("");
  return lengthPrefix(payload.length / 2, 0xc0, 0xf7) + payload;
}

function fields(tx: Eip1559Tx): string[] {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(tx.data)) throw new TypeError(`invalid transaction data: ${tx.data.slice(0, 20)}…`);
  return [
    rlpBytes(intHex(tx.chainId)),
    rlpBytes(intHex(BigInt(tx.nonce))),
    rlpBytes(intHex(tx.maxPriorityFeePerGas)),
    rlpBytes(intHex(tx.maxFeePerGas)),
    rlpBytes(intHex(tx.gasLimit)),
    rlpBytes(tx.to === null ? "" : checksummed(tx.to).slice(2).toLowerCase()),
    rlpBytes(intHex(tx.value)),
    rlpBytes(tx.data.slice(2).toLowerCase()),
    rlpList([]),
  ];
}

/** Signs `tx` with `wallet`'s key; returns the raw transaction (0x02…) and its hash. */
export function signEip1559(wallet: BaseWallet, tx: Eip1559Tx): { raw: string; hash: string } {
  const f = fields(tx);
  const unsigned = Buffer.from("02" + rlpList(f), "hex");
  const sig = wallet.signingKey.sign(keccak256(unsigned));
  const raw =
    "0x02" +
    rlpList([
      ...f,
      rlpBytes(intHex(BigInt(sig.yParity))),
      rlpBytes(intHex(BigInt(sig.r))),
      rlpBytes(intHex(BigInt(sig.s))),
    ]);
  // The hash of the bytes, not of the hex string: ethers would parse a string back to bytes two digits at a time.
  return { raw, hash: keccak256(Buffer.from(raw.slice(2), "hex")) };
}

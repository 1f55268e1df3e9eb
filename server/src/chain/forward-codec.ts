import { keccak256, TypedDataEncoder, type TypedDataDomain } from "ethers";
import type { ERC2771Forwarder } from "../../../typechain-types/contracts/TrellisForwarder";
import { forwarderInterface } from "./abi";

type ForwardRequest = ERC2771Forwarder.ForwardRequestDataStruct;

/**
 * The forwarder's two hot encodings, written out: the EIP-712 digest a person signs and the calldata of `execute` /
 * `executeBatch`. ethers' generic coders walk the type tree and copy bytes per value; on the gateway's write path
 * they were a tenth of its CPU under load (docs/BENCHMARKS.md). The layout is fixed by OpenZeppelin's
 * ERC2771Forwarder (v5), so it is spelled out once here and checked byte for byte against ethers in
 * test/server/chain/forward-codec.test.ts.
 */

const FORWARD_REQUEST_TYPEHASH = keccak256(
  Buffer.from(
    "ForwardRequest(address from,address to,uint256 value,uint256 gas,uint256 nonce,uint48 deadline,bytes data)",
  ),
).slice(2);
const EXECUTE = forwarderInterface.getFunction("execute")!.selector.slice(2);
const EXECUTE_BATCH = forwarderInterface.getFunction("executeBatch")!.selector.slice(2);

const domains = new Map<string, string>();

/** The EIP-712 domain separator of `domain`, computed once per domain. */
export function domainSeparator(domain: TypedDataDomain): string {
  const key = `${domain.chainId}:${String(domain.verifyingContract).toLowerCase()}:${domain.name}:${domain.version}`;
  let sep = domains.get(key);
  if (!sep) domains.set(key, (sep = TypedDataEncoder.hashDomain(domain).slice(2)));
  return sep;
}

/** A 32-byte word of an unsigned integer (bigint, number or decimal/hex string). */
function word(v: bigint | number | string): string {
  const n = BigInt(v);
  if (n < 0n || n >= 1n << 256n) throw new RangeError(`value out of range for uint256: ${v}`);
  return n.toString(16).padStart(64, "0");
}

/** A 32-byte word of an address (its form checked; not its checksum, which costs a keccak per address). */
export function addressWord(a: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw new TypeError(`invalid address: ${a}`);
  return a.slice(2).toLowerCase().padStart(64, "0");
}

function hexOf(b: string): string {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(b)) throw new TypeError(`invalid bytes: ${b.slice(0, 20)}…`);
  return b.slice(2).toLowerCase();
}

/** `bytes` in ABI form: its length, then its content right-padded to a whole number of words. */
function bytesTail(hex: string): string {
  const len = hex.length / 2;
  const padded = Math.ceil(len / 32) * 64;
  return word(len) + hex.padEnd(padded, "0");
}

/** The EIP-712 digest of a forward request, as ERC2771Forwarder verifies it. */
export function forwardRequestDigest(
  domain: TypedDataDomain,
  r: { from: string; to: string; value: bigint; gas: bigint; nonce: bigint; deadline: number | bigint; data: string },
): string {
  const struct = keccak256(
    Buffer.from(
      FORWARD_REQUEST_TYPEHASH +
        addressWord(r.from) +
        addressWord(r.to) +
        word(r.value) +
        word(r.gas) +
        word(r.nonce) +
        word(r.deadline) +
        keccak256(Buffer.from(hexOf(r.data), "hex")).slice(2),
      "hex",
    ),
  ).slice(2);
  return keccak256(Buffer.from("1901" + domainSeparator(domain) + struct, "hex"));
}

/** One ForwardRequestData tuple in ABI form (it is dynamic: data and signature follow its seven head words). */
function tuple(r: ForwardRequest): string {
  const data = hexOf(String(r.data));
  const sig = hexOf(String(r.signature));
  const dataTail = bytesTail(data);
  return (
    addressWord(String(r.from)) +
    addressWord(String(r.to)) +
    word(r.value as bigint) +
    word(r.gas as bigint) +
    word(r.deadline as bigint) +
    word(7 * 32) +
    word(7 * 32 + dataTail.length / 2) +
    dataTail +
    bytesTail(sig)
  );
}

/** Calldata of `execute(request)`. */
export function encodeExecute(request: ForwardRequest): string {
  return "0x" + EXECUTE + word(32) + tuple(request);
}

/** Calldata of `executeBatch(requests, refundReceiver)`. */
export function encodeExecuteBatch(requests: readonly ForwardRequest[], refundReceiver: string): string {
  const tuples = requests.map(tuple);
  const offsets: string[] = [];
  let at = requests.length * 32;
  for (const t of tuples) {
    offsets.push(word(at));
    at += t.length / 2;
  }
  return (
    "0x" +
    EXECUTE_BATCH +
    word(64) +
    addressWord(refundReceiver) +
    word(requests.length) +
    offsets.join("") +
    tuples.join("")
  );
}

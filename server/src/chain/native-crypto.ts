/**
 * Native keccak-256 and secp256k1 signing for the gateway's write path.
 *
 * ethers computes keccak-256 and ECDSA signatures in JavaScript (@noble). Every API write hashes and signs twice (the
 * person's EIP-712 forward request and the relayer's transaction), and under load this was the largest share of the
 * gateway's CPU (see docs/BENCHMARKS.md). The `keccak` and `secp256k1` packages wrap the C implementations
 * (libsecp256k1, the Keccak reference code) with prebuilt N-API binaries. Results are identical: both sides use
 * RFC 6979 deterministic nonces and low-s signatures (checked by test/server/native-crypto.test.ts). Where a native
 * binary cannot load, ethers' own code is used and `nativeCrypto` says so.
 */
import { getBytes, hexlify, keccak256, Signature, SigningKey, Wallet, type BytesLike, type Provider } from "ethers";

interface NativeSecp256k1 {
  ecdsaSign(message32: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
}
type KeccakFactory = (algorithm: "keccak256") => { update(data: Buffer): { digest(): Buffer } };

function loadNative<T>(id: string): T | undefined {
  try {
    return require(id) as T; // eslint-disable-line @typescript-eslint/no-require-imports
  } catch {
    return undefined;
  }
}

// The packages' "bindings" entry points load only the native add-on (their main entry falls back to JavaScript).
const secp256k1 = loadNative<NativeSecp256k1>("secp256k1/bindings");
const createKeccak = loadNative<KeccakFactory>("keccak/bindings");

export const nativeCrypto = { keccak: false, secp256k1: secp256k1 !== undefined };

/** Makes ethers' keccak256 (and so every hash it computes: ids, EIP-712, transactions) use the native code. Idempotent. */
export function installNativeKeccak(): void {
  if (nativeCrypto.keccak || !createKeccak) return;
  keccak256.register((data: Uint8Array) => createKeccak("keccak256").update(Buffer.from(data.buffer, data.byteOffset, data.byteLength)).digest());
  nativeCrypto.keccak = true;
}

/** A signing key whose ECDSA signatures come from libsecp256k1. */
class NativeSigningKey extends SigningKey {
  readonly #secret: Uint8Array;

  constructor(privateKey: string) {
    super(privateKey);
    this.#secret = getBytes(privateKey);
  }

  override sign(digest: BytesLike): Signature {
    const { signature, recid } = secp256k1!.ecdsaSign(getBytes(digest, "digest"), this.#secret);
    return Signature.from({ r: hexlify(signature.subarray(0, 32)), s: hexlify(signature.subarray(32, 64)), v: 27 + recid });
  }
}

/** A wallet for `privateKey` that signs natively when it can. */
export function makeWallet(privateKey: string, provider?: Provider | null): Wallet {
  return secp256k1 ? new Wallet(new NativeSigningKey(privateKey), provider) : new Wallet(privateKey, provider);
}

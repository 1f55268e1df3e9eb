import { expect } from "chai";
import { Transaction, TypedDataEncoder, Wallet, keccak256, randomBytes, hexlify, verifyTypedData } from "ethers";
import { keccak_256 } from "@noble/hashes/sha3";
import { installNativeKeccak, makeWallet, nativeCrypto } from "../../server/src/chain/native-crypto";
import { forwarderDomain } from "../../server/src/chain/forward-request";

describe("native crypto", () => {
  before(() => installNativeKeccak());

  it("loads the native add-ons on this machine", () => {
    expect(nativeCrypto).to.deep.equal({ keccak: true, secp256k1: true });
  });

  it("hashes exactly as the JavaScript keccak-256 does, for empty, short, block-sized and long inputs", () => {
    for (const n of [0, 1, 31, 32, 135, 136, 137, 1000, 100_000]) {
      const data = randomBytes(n);
      expect(keccak256(data), `length ${n}`).to.equal(hexlify(keccak_256(data)));
    }
    // A known vector: keccak256("") of Ethereum.
    expect(keccak256("0x")).to.equal("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  });

  it("signs transactions and EIP-712 requests byte for byte as ethers' own wallet does", async () => {
    const domain = forwarderDomain(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
    const types = { ForwardRequest: [{ name: "from", type: "address" }, { name: "nonce", type: "uint256" }, { name: "data", type: "bytes" }] };
    for (let i = 0; i < 25; i++) {
      const key = hexlify(randomBytes(32));
      const native = makeWallet(key);
      const plain = new Wallet(key);
      expect(native.address).to.equal(plain.address);
      const tx = { type: 2, chainId: 31337, nonce: i, to: plain.address, data: hexlify(randomBytes(68)), gasLimit: 500_000n, maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1n, value: 0n };
      const raw = await native.signTransaction(tx);
      expect(raw).to.equal(await plain.signTransaction(tx));
      expect(Transaction.from(raw).from).to.equal(plain.address);
      const value = { from: plain.address, nonce: i, data: hexlify(randomBytes(36)) };
      const sig = await native.signTypedData(domain, types, value);
      expect(sig).to.equal(await plain.signTypedData(domain, types, value));
      expect(verifyTypedData(domain, types, value, sig)).to.equal(plain.address);
      expect(TypedDataEncoder.hash(domain, types, value)).to.match(/^0x[0-9a-f]{64}$/);
    }
  });
});

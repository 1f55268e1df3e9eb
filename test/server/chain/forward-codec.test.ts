import { expect } from "chai";
import { getAddress, hexlify, randomBytes, Result, Transaction, TypedDataEncoder, Wallet, ZeroAddress } from "ethers";
import { checksummed, EventDecoder, forwarderInterface, ledgerInterface, notesInterface, tokenInterface } from "../../../server/src/chain/abi";
import { encodeCall } from "../../../server/src/chain/call-codec";
import { domainSeparator, encodeExecute, encodeExecuteBatch, forwardRequestDigest } from "../../../server/src/chain/forward-codec";
import { FORWARD_REQUEST_TYPES, forwarderDomain, signForwardRequest } from "../../../server/src/chain/forward-request";
import { makeWallet } from "../../../server/src/chain/native-crypto";
import { signEip1559 } from "../../../server/src/chain/tx-codec";

/** The hand-written forwarder encodings (forward-codec.ts) give exactly ethers' bytes, for any request shape. */
describe("forward-codec", () => {
  const domain = forwarderDomain(31337n, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
  const sample = (dataLen: number, i: number) => ({
    from: Wallet.createRandom().address,
    to: Wallet.createRandom().address,
    value: BigInt(i),
    gas: 1_000_000n + BigInt(i),
    nonce: BigInt(i * 7),
    deadline: 1_800_000_000 + i,
    data: hexlify(randomBytes(dataLen)),
  });
  // Lengths around word boundaries, the empty call and a long one.
  const lengths = [0, 1, 4, 31, 32, 33, 68, 196, 1000];

  it("computes the EIP-712 digest ethers computes, and the domain separator", () => {
    expect("0x" + domainSeparator(domain)).to.equal(TypedDataEncoder.hashDomain(domain));
    lengths.forEach((len, i) => {
      const r = sample(len, i);
      expect(forwardRequestDigest(domain, r)).to.equal(TypedDataEncoder.hash(domain, FORWARD_REQUEST_TYPES, r));
    });
  });

  it("signs with a wallet exactly what signTypedData signs (native and JavaScript keys)", async () => {
    for (const wallet of [makeWallet(Wallet.createRandom().privateKey), Wallet.createRandom()]) {
      const r = { ...sample(68, 3), from: wallet.address };
      const signed = await signForwardRequest(wallet, domain, r);
      expect(signed.signature).to.equal(await wallet.signTypedData(domain, FORWARD_REQUEST_TYPES, r));
    }
  });

  it("encodes execute and executeBatch as ethers does", () => {
    const signed = lengths.map((len, i) => {
      const { nonce: _n, ...r } = sample(len, i);
      return { ...r, signature: hexlify(randomBytes(i % 2 ? 65 : 64)) };
    });
    for (const r of signed) expect(encodeExecute(r)).to.equal(forwarderInterface.encodeFunctionData("execute", [r]));
    const refund = Wallet.createRandom().address;
    expect(encodeExecuteBatch(signed, refund)).to.equal(forwarderInterface.encodeFunctionData("executeBatch", [signed, refund]));
    expect(encodeExecuteBatch([], ZeroAddress)).to.equal(forwarderInterface.encodeFunctionData("executeBatch", [[], ZeroAddress]));
    expect(encodeExecuteBatch(signed.slice(0, 1), refund)).to.equal(forwarderInterface.encodeFunctionData("executeBatch", [signed.slice(0, 1), refund]));
  });

  it("refuses malformed input as ethers would", () => {
    const { nonce: _n, ...r } = sample(4, 1);
    expect(() => encodeExecute({ ...r, data: "0x123", signature: "0x" })).to.throw(TypeError, /invalid bytes/);
    expect(() => encodeExecute({ ...r, from: "0x1234", data: "0x", signature: "0x" })).to.throw(/invalid address/);
    expect(() => encodeExecute({ ...r, value: -1n, data: "0x", signature: "0x" })).to.throw(RangeError, /out of range/);
  });
});

describe("tx-codec", () => {
  it("signs an EIP-1559 transaction to exactly ethers' bytes and hash", async () => {
    const cases = [
      { nonce: 0, maxPriorityFeePerGas: 0n, maxFeePerGas: 1n, gasLimit: 21_000n, value: 0n, data: "0x" },
      { nonce: 1, maxPriorityFeePerGas: 1_000_000_000n, maxFeePerGas: 3_875_000_000n, gasLimit: 1_300_000n, value: 0n, data: hexlify(randomBytes(1)) },
      { nonce: 127, maxPriorityFeePerGas: 127n, maxFeePerGas: 128n, gasLimit: 10_000_000n, value: 5n, data: "0x7f" },
      { nonce: 128, maxPriorityFeePerGas: 2n, maxFeePerGas: 10n ** 18n, gasLimit: 30_000_000n, value: 0n, data: hexlify(randomBytes(55)) },
      { nonce: 65_536, maxPriorityFeePerGas: 3n, maxFeePerGas: 4n, gasLimit: 5n, value: 0n, data: hexlify(randomBytes(56)) },
      { nonce: 9, maxPriorityFeePerGas: 3n, maxFeePerGas: 4n, gasLimit: 5n, value: 0n, data: hexlify(randomBytes(20_000)) },
    ];
    for (const wallet of [makeWallet(Wallet.createRandom().privateKey), Wallet.createRandom()]) {
      for (const [i, c] of cases.entries()) {
        const tx = { ...c, chainId: i % 2 ? 31337n : 1n, to: Wallet.createRandom().address };
        const mine = signEip1559(wallet, tx);
        const theirs = await wallet.signTransaction({ ...tx, type: 2 });
        expect(mine.raw, `case ${i}`).to.equal(theirs);
        expect(mine.hash).to.equal(Transaction.from(theirs).hash);
      }
      const create = signEip1559(wallet, { ...cases[1], chainId: 31337n, to: null });
      expect(create.raw).to.equal(await wallet.signTransaction({ ...cases[1], chainId: 31337n, to: null, type: 2 }));
    }
  });
});

describe("call-codec", () => {
  const random = (type: string, i: number): unknown => {
    if (type === "address") return i % 2 ? Wallet.createRandom().address : Wallet.createRandom().address.toLowerCase();
    if (type === "bool") return i % 2 === 0;
    const u = type.match(/^uint(\d*)$/);
    if (u) {
      const bits = BigInt(u[1] || 256);
      const v = [0n, 1n, (1n << bits) - 1n, BigInt(hexlify(randomBytes(Number(bits) / 8)))][i % 4];
      return i % 5 === 4 && v < BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    const s = type.match(/^int(\d*)$/);
    if (s) {
      const bits = BigInt(s[1] || 256);
      return [-(1n << (bits - 1n)), -1n, 0n, (1n << (bits - 1n)) - 1n][i % 4];
    }
    const b = type.match(/^bytes(\d+)$/);
    if (b) return hexlify(randomBytes(Number(b[1])));
    throw new Error(`no sample for ${type}`);
  };

  it("encodes every all-static function of the ledger, notes and token ABIs exactly as ethers does", () => {
    let fast = 0;
    for (const iface of [ledgerInterface, notesInterface, tokenInterface]) {
      iface.forEachFunction((f) => {
        if (!f.inputs.every((p) => p.baseType === p.type && /^(address|bool|u?int\d*|bytes\d+)$/.test(p.type))) return;
        fast += 1;
        for (let i = 0; i < 8; i++) {
          const args = f.inputs.map((p, j) => random(p.type, i + j));
          expect(encodeCall(iface, f.format(), args), f.format()).to.equal(iface.encodeFunctionData(f, args));
          expect(encodeCall(iface, f.name, args), f.name).to.equal(iface.encodeFunctionData(f.name, args));
        }
      });
    }
    expect(fast).to.be.greaterThan(20);
  });

  it("leaves to ethers what it does not take, with ethers' result or error", () => {
    const to = Wallet.createRandom().address;
    // A numeric string and a checksum-less address are ethers' to judge; a value out of range is ethers' error.
    expect(encodeCall(tokenInterface, "transfer", [to, "1000"])).to.equal(tokenInterface.encodeFunctionData("transfer", [to, 1000n]));
    expect(() => encodeCall(tokenInterface, "transfer", [to, -1n])).to.throw(/value out-of-bounds|overflow/);
    expect(() => encodeCall(tokenInterface, "transfer", [to])).to.throw(/types\/values length mismatch|missing/);
    expect(() => encodeCall(tokenInterface, "transfer", ["0x12", 1n])).to.throw(/invalid address/);
  });
});

/** EventDecoder.values (the write path's parseLogs) reads static events from their words exactly as ethers decodes. */
describe("event values", () => {
  const addresses = { ledger: Wallet.createRandom().address, token: Wallet.createRandom().address, forwarder: Wallet.createRandom().address, notes: Wallet.createRandom().address };
  const decoder = new EventDecoder(addresses);
  const valueOf = (type: string, i: number): unknown => {
    if (type === "address") return Wallet.createRandom().address;
    if (type === "bool") return i % 2 === 0;
    if (type === "bytes32") return hexlify(randomBytes(32));
    const m = type.match(/^uint(\d*)$/);
    if (m) return BigInt(hexlify(randomBytes(Number(m[1] || 256) / 8)));
    if (type === "string") return `text ${i} 汉字`;
    if (type === "bytes") return hexlify(randomBytes(i + 3));
    if (type === "uint256[]") return [1n, BigInt(i)];
    throw new Error(`no sample for ${type}`);
  };

  it("gives every event of the ledger, notes, token and forwarder ABIs ethers' values, fast path or not", () => {
    let fast = 0;
    for (const [address, iface] of [[addresses.ledger, ledgerInterface], [addresses.notes, notesInterface], [addresses.token, tokenInterface], [addresses.forwarder, forwarderInterface]] as const) {
      iface.forEachEvent((fragment) => {
        // Events with tuples (none on the write path's static side) go to ethers whole; not sampled here.
        if (fragment.inputs.some((i) => i.type.startsWith("tuple"))) return;
        for (let round = 0; round < 3; round++) {
          const args = fragment.inputs.map((input, i) => valueOf(input.type, i + round));
          const { data, topics } = iface.encodeEventLog(fragment, args);
          const got = decoder.values({ address: address.toLowerCase(), topics, data });
          expect(got, fragment.name).to.not.equal(null);
          expect(got!.fragment.name).to.equal(fragment.name);
          const want = iface.decodeEventLog(fragment, data, topics).toArray();
          expect([...got!.values].map(String), `${fragment.format()} round ${round}`).to.deep.equal(want.map(String));
          expect([...got!.values].map((v) => typeof v)).to.deep.equal(want.map((v) => typeof v));
          if (fragment.inputs.every((i) => ["address", "bool", "bytes32"].includes(i.type) || /^uint\d*$/.test(i.type)) && !(got!.values instanceof Result)) fast++;
        }
      });
    }
    expect(fast, "static events take the fast path").to.be.greaterThan(60);
    expect(decoder.values({ address: Wallet.createRandom().address, topics: [hexlify(randomBytes(32))], data: "0x" })).to.equal(null);
  });
});

describe("checksummed", () => {
  it("answers what ethers' getAddress answers, from its cache too, and refuses a wrong checksum every time", () => {
    for (let i = 0; i < 20; i++) {
      const address = Wallet.createRandom().address;
      for (const spelling of [address.toLowerCase(), address, "0x" + address.slice(2).toUpperCase()]) {
        expect(checksummed(spelling)).to.equal(getAddress(spelling));
        expect(checksummed(spelling)).to.equal(address); // the second answer comes from the cache
      }
      // Flip the case of one letter of the checksum: a mixed-case spelling that is not the checksum.
      const at = address.slice(2).search(/[a-fA-F]/) + 2;
      const flipped = address.slice(0, at) + (address[at] === address[at].toUpperCase() ? address[at].toLowerCase() : address[at].toUpperCase()) + address.slice(at + 1);
      expect(() => getAddress(flipped)).to.throw(/bad address checksum/);
      expect(() => checksummed(flipped)).to.throw(/bad address checksum/);
      expect(() => checksummed(flipped)).to.throw(/bad address checksum/);
    }
    expect(() => checksummed("0x1234")).to.throw(/invalid address/);
  });
});

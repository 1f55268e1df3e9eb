import crypto from "node:crypto";
import { expect } from "chai";
import { AbiCoder, FunctionFragment, hexlify, randomBytes, toBeHex, type ParamType } from "ethers";
import { ledgerInterface } from "../../../server/src/chain/abi";
import { idCall, logDecoder, outputDecoder, splitBytesArray } from "../../../server/src/audit/abi-words";
import { encodeRead, readLogs, type ChainReader } from "../../../server/src/audit/chain-reads";
import { RowReader__factory } from "../../../typechain-types/factories/contracts/audit/RowReader__factory";

/** A random value of a static ABI type, as ethers takes it. */
function sample(p: ParamType): unknown {
  if (p.baseType === "tuple") return p.components!.map(sample);
  if (p.type === "bool") return crypto.randomInt(2) === 1;
  if (p.type === "address") return hexlify(randomBytes(20));
  if (p.type.startsWith("bytes")) return hexlify(randomBytes(Number(p.type.slice(5))));
  const bits = Number(p.type.replace(/^u?int/, "") || 256);
  const v = BigInt(hexlify(randomBytes(bits / 8)));
  return p.type.startsWith("int") ? BigInt.asIntN(bits, v) : v;
}

/** ethers' decoded value in the words decoder's shape: named fields, bigints, lower-case hex. */
function plain(p: ParamType, v: unknown): unknown {
  if (p.baseType === "tuple") return Object.fromEntries(p.components!.map((c, i) => [c.name, plain(c, (v as unknown[])[i])]));
  return typeof v === "string" ? v.toLowerCase() : v;
}

const VIEWS = ["order", "invoice", "financingRequest", "repaidOf"];
const EVENTS = ["OrderIssued", "InvoiceIssued", "InvoiceDisputed", "FinancingDisbursed", "FinancingRejected"];

describe("audit: ABI words (the sweep's decoders)", () => {
  describe("outputDecoder", () => {
    for (const name of VIEWS) {
      it(`reads ${name}'s answer as ethers decodes it, field by field`, () => {
        const f = ledgerInterface.getFunction(name)!;
        const decode = outputDecoder(f);
        expect(decode, `${name} has static outputs`).to.not.equal(null);
        for (let n = 0; n < 20; n++) {
          const values = f.outputs.map(sample);
          const data = ledgerInterface.encodeFunctionResult(f, values);
          const back = ledgerInterface.decodeFunctionResult(f, data);
          const expected =
            f.outputs.length === 1 && f.outputs[0].baseType === "tuple"
              ? plain(f.outputs[0], back[0])
              : Object.fromEntries(f.outputs.map((o, i) => [o.name, plain(o, back[i])]));
          expect(decode!(data)).to.deep.equal(expected);
        }
      });
    }
    it("refuses an answer shorter than the outputs (a reverted view reads as empty bytes)", () => {
      const decode = outputDecoder(ledgerInterface.getFunction("invoice")!)!;
      expect(() => decode("0x")).to.throw("invoice answered 0 bytes, expected 256");
    });
    it("gives way to ethers for dynamic outputs", () => {
      expect(outputDecoder(FunctionFragment.from("function x(uint256) view returns (string)"))).to.equal(null);
      expect(outputDecoder(FunctionFragment.from("function y(uint256) view returns (uint256, bytes)"))).to.equal(null);
    });
  });

  describe("logDecoder", () => {
    for (const name of EVENTS) {
      it(`reads ${name}'s topics and data as ethers parses the log`, () => {
        const e = ledgerInterface.getEvent(name)!;
        const decode = logDecoder(e)!;
        for (let n = 0; n < 20; n++) {
          const values = e.inputs.map(sample);
          const { data, topics } = ledgerInterface.encodeEventLog(e, values);
          const parsed = ledgerInterface.parseLog({ topics, data })!;
          expect(decode(topics, data)).to.deep.equal(Object.fromEntries(e.inputs.map((p, i) => [p.name, plain(p, parsed.args[i])])));
        }
      });
    }
  });

  describe("RowReader calldata and answer", () => {
    const reader = RowReader__factory.createInterface();
    it("encodes read(target, calls) byte for byte as ethers does", () => {
      const target = hexlify(randomBytes(20));
      for (const count of [0, 1, 3, 250]) {
        const calls = Array.from({ length: count }, (_, i) => (i % 3 === 2 ? hexlify(randomBytes(i % 70)) : idCall(ledgerInterface.getFunction("invoice")!.selector, i + 1)));
        expect(encodeRead(target, calls)).to.equal(reader.encodeFunctionData("read", [target, calls]));
      }
    });
    it("splits the bytes[] answer, empty elements (reverted calls) included", () => {
      const results = [hexlify(randomBytes(256)), "0x", hexlify(randomBytes(64)), hexlify(randomBytes(33))];
      expect(splitBytesArray(reader.encodeFunctionResult("read", [results]))).to.deep.equal(results);
    });
    it("encodes an id call as the function's selector and the id word", () => {
      const f = ledgerInterface.getFunction("financingRequest")!;
      expect(idCall(f.selector, 123456n)).to.equal(ledgerInterface.encodeFunctionData(f, [123456n]));
    });
  });

  describe("readLogs", () => {
    // A node answering eth_getLogs from a fixed list of logs, as a node filters them (address is not checked here).
    const coder = AbiCoder.defaultAbiCoder();
    const disputed = ledgerInterface.getEvent("InvoiceDisputed")!;
    const issued = ledgerInterface.getEvent("InvoiceIssued")!;
    const logs = Array.from({ length: 60 }, (_, n) => {
      const id = (n % 20) + 1;
      const e = n < 20 ? issued : disputed;
      const values = e.inputs.map((p, i) => (i === 0 ? BigInt(id) : sample(p)));
      const { data, topics } = ledgerInterface.encodeEventLog(e, values);
      return { topics, data, blockNumber: toBeHex(10 + n), removed: false };
    });
    logs.push({ ...logs[26], blockNumber: toBeHex(200), removed: true }); // invoice 7's dispute, undone by a reorg
    const calls: { fromBlock: number; toBlock: number; ids: boolean }[] = [];
    const chain: ChainReader = {
      send: async (_method, [filter]) => {
        const f = filter as { fromBlock: string; toBlock: string; topics: (string[] | undefined)[] };
        const [from, to] = [Number(f.fromBlock), Number(f.toBlock)];
        calls.push({ fromBlock: from, toBlock: to, ids: f.topics[1] !== undefined });
        return logs.filter(
          (l) => Number(l.blockNumber) >= from && Number(l.blockNumber) <= to && f.topics[0]!.includes(l.topics[0]) && (!f.topics[1] || f.topics[1].includes(l.topics[1])),
        );
      },
    };
    const ids = [2, 3, 5, 7, 11, 13, 17, 19];

    it("reads the same logs by id topic and by block windows filtered here, in chain order, without removed logs", async () => {
      calls.length = 0;
      const byTopic = await readLogs(chain, "0x" + "11".repeat(20), ["InvoiceIssued", "InvoiceDisputed"], ids, 0, 300);
      expect(calls).to.deep.equal([{ fromBlock: 0, toBlock: 300, ids: true }]);
      calls.length = 0;
      const byWindow = await readLogs(chain, "0x" + "11".repeat(20), ["InvoiceIssued", "InvoiceDisputed"], ids, 0, 300, { idTopicsMax: 2 });
      expect(calls.every((c) => !c.ids)).to.equal(true);
      expect(calls[0]).to.deep.equal({ fromBlock: 0, toBlock: 63, ids: false });
      expect(calls[calls.length - 1].toBlock).to.equal(300);
      expect([...byWindow.keys()].sort((a, b) => a - b)).to.deep.equal(ids);
      expect(byWindow).to.deep.equal(byTopic);
      for (const id of ids) {
        const list = byWindow.get(id)!;
        expect(list.map((l) => l.name)).to.deep.equal(["InvoiceIssued", "InvoiceDisputed", "InvoiceDisputed"]);
        expect(list.map((l) => l.blockNumber)).to.deep.equal([9 + id, 29 + id, 49 + id]);
        expect(list[0].args.invoiceId).to.equal(BigInt(id));
        expect(list[1].args.reasonCommitment).to.equal(coder.decode(["uint256", "bytes32", "address"], logs[19 + id].data)[1]);
      }
    });

    it("halves its block window when the node refuses an answer as too large", async () => {
      calls.length = 0;
      let refusals = 0;
      const capped: ChainReader = {
        send: async (method, params) => {
          const f = params[0] as { fromBlock: string; toBlock: string };
          if (Number(f.toBlock) - Number(f.fromBlock) + 1 > 16) {
            refusals++;
            throw new Error("query returned more than 10000 results");
          }
          return chain.send(method, params);
        },
      };
      const out = await readLogs(capped, "0x" + "11".repeat(20), ["InvoiceIssued", "InvoiceDisputed"], ids, 0, 300, { idTopicsMax: 2 });
      expect(refusals).to.equal(2);
      expect(calls.every((c) => c.toBlock - c.fromBlock + 1 <= 16)).to.equal(true);
      expect(out.get(7)!.map((l) => l.blockNumber)).to.deep.equal([16, 36, 56]);
    });

    it("passes on any other error of the node", async () => {
      const broken: ChainReader = { send: async () => Promise.reject(new Error("connection reset")) };
      const err = await readLogs(broken, "0x" + "11".repeat(20), ["InvoiceIssued"], ids, 0, 300, { idTopicsMax: 2 }).catch((e: Error) => e);
      expect(String(err)).to.include("connection reset");
    });
  });
});

/**
 * Gas benchmark of the ledger's happy path: order, accept, invoice, confirm, request, approve (fast-track),
 * disburse, pay in full. Each operation is sent directly by the person's own account and, in a second lifecycle,
 * relayed through the ERC-2771 forwarder, so the forwarder's overhead per operation is measured on the same state.
 *
 * Run: `npm run bench:gas`. Writes bench/gas.json and prints a table. Token allowances are set beforehand (a
 * one-off per treasury, not part of the lifecycle), as the issue specifies.
 */
import fs from "node:fs";
import path from "node:path";
import { ethers } from "hardhat";
import type { ContractTransactionResponse, Signer } from "ethers";
import { deployTrellis } from "../server/src/chain/deploy";
import { buildSignedRequest } from "../server/src/chain/forward-request";

const OPS = ["issueOrder", "acceptOrder", "issueInvoice", "confirmInvoice", "requestFinancing", "approveFinancing", "disburseFinancing", "payInvoice"] as const;
type Op = (typeof OPS)[number];
const TARGET_OP = 120_000;
const TARGET_PATH = 560_000;
const DAY = 86_400;

async function main(): Promise<void> {
  const [deployer, operator, buyer, supplier, officer, relayer, acmeTreasury, pearlTreasury, bankTreasury] =
    await ethers.getSigners();
  const { forwarder, token, ledger } = await deployTrellis(deployer, operator.address);
  const ledgerAddress = await ledger.getAddress();
  const op = ledger.connect(operator);
  await (await op.registerOrganization(1, "Acme Motors", acmeTreasury.address, ethers.id("kyc-acme"))).wait();
  await (await op.registerOrganization(2, "Pearl River Parts", pearlTreasury.address, ethers.id("kyc-pearl"))).wait();
  await (await op.registerOrganization(3, "Bank A", bankTreasury.address, ethers.id("kyc-bank-a"))).wait();
  await (await op.addMember(1, buyer.address)).wait();
  await (await op.addMember(2, supplier.address)).wait();
  await (await op.addMember(3, officer.address)).wait();
  await (await token.connect(operator).grantRole(await token.ISSUER_ROLE(), bankTreasury.address)).wait();
  await (await token.connect(bankTreasury).mint(bankTreasury.address, 100_000_000_00n)).wait();
  await (await token.connect(bankTreasury).mint(acmeTreasury.address, 100_000_000_00n)).wait();
  for (const t of [acmeTreasury, bankTreasury, pearlTreasury]) {
    await (await token.connect(t).approve(ledgerAddress, ethers.MaxUint256)).wait();
  }
  await (await ledger.connect(officer).setBankPolicy(9000, 1200, 500_000_00n)).wait();
  await (await ledger.connect(officer).setTrustedBuyer(1, true)).wait();
  await (await ledger.connect(officer).setCreditLimit(2, 2_000_000_00n)).wait();

  type Send = (who: Signer, data: string) => Promise<bigint>;
  const direct: Send = async (who, data) => {
    const tx = await who.sendTransaction({ to: ledgerAddress, data });
    return (await tx.wait())!.gasUsed;
  };
  const relayed: Send = async (who, data) => {
    const request = await buildSignedRequest(forwarder, who, ledgerAddress, data, 400_000n);
    const tx: ContractTransactionResponse = await forwarder.connect(relayer).execute(request);
    return (await tx.wait())!.gasUsed;
  };

  let n = 0;
  async function lifecycle(send: Send): Promise<Record<Op, bigint>> {
    n += 1;
    const now = (await ethers.provider.getBlock("latest"))!.timestamp;
    const due = now + 60 * DAY;
    const iface = ledger.interface;
    const orderId = n;
    const gas = {} as Record<Op, bigint>;
    gas.issueOrder = await send(buyer, iface.encodeFunctionData("issueOrder", [2, await token.getAddress(), 400_000_00n, due, ethers.encodeBytes32String(`PO-${n}`), ethers.id(`po-doc-${n}`)]));
    gas.acceptOrder = await send(supplier, iface.encodeFunctionData("acceptOrder", [orderId]));
    gas.issueInvoice = await send(supplier, iface.encodeFunctionData("issueInvoice", [orderId, ethers.encodeBytes32String(`INV-${n}`), 400_000_00n, due, ethers.id(`inv-doc-${n}`)]));
    gas.confirmInvoice = await send(buyer, iface.encodeFunctionData("confirmInvoice", [n]));
    gas.requestFinancing = await send(supplier, iface.encodeFunctionData("requestFinancing", [n, 3, 360_000_00n]));
    gas.approveFinancing = await send(officer, iface.encodeFunctionData("approveFinancing", [n]));
    gas.disburseFinancing = await send(officer, iface.encodeFunctionData("disburseFinancing", [n]));
    gas.payInvoice = await send(buyer, iface.encodeFunctionData("payInvoice", [n, 400_000_00n]));
    const inv = await ledger.invoice(n);
    if (inv.status !== 6n) throw new Error(`lifecycle ${n} did not end Paid (status ${inv.status})`);
    return gas;
  }

  const cold = await lifecycle(direct); // first use of the ledger's counters and of the parties' balances
  const warm = await lifecycle(direct);
  await lifecycle(relayed); // first relayed use of each signer: its forwarder nonce slot is created
  const viaForwarder = await lifecycle(relayed);

  const ops: Record<string, number> = {};
  const forwarderOverhead: Record<string, number> = {};
  const firstLifecycle: Record<string, number> = {};
  const rows: string[][] = [];
  for (const k of OPS) {
    ops[k] = Number(warm[k]);
    firstLifecycle[k] = Number(cold[k]);
    forwarderOverhead[k] = Number(viaForwarder[k] - warm[k]);
    rows.push([k, String(ops[k]), String(firstLifecycle[k]), `+${forwarderOverhead[k]}`, ops[k] <= TARGET_OP ? "ok" : "OVER"]);
  }
  const happyPathTotal = Object.values(ops).reduce((a, b) => a + b, 0);
  const relayedTotal = OPS.reduce((a, k) => a + Number(viaForwarder[k]), 0);
  const result = {
    ops,
    happyPathTotal,
    targets: { perOperation: TARGET_OP, happyPath: TARGET_PATH },
    firstLifecycle,
    firstLifecycleTotal: Object.values(firstLifecycle).reduce((a, b) => a + b, 0),
    forwarderOverhead,
    relayedHappyPathTotal: relayedTotal,
    notes:
      "ops: gasUsed of each transaction (incl. 21,000 intrinsic) in a steady-state lifecycle sent directly; firstLifecycle: the first lifecycle after deployment (counters and balances created); forwarderOverhead: the same operation relayed through TrellisForwarder.execute minus direct.",
    solc: "0.8.28, optimizer 200 runs, evm cancun",
    measuredAt: new Date().toISOString(),
  };
  fs.mkdirSync(path.join(__dirname, "..", "bench"), { recursive: true });
  // bench:throughput writes its own rows (relayedBatch: gas per write alone and in a batch) into the same file; keep them.
  const file = path.join(__dirname, "..", "bench", "gas.json");
  const kept = fs.existsSync(file) ? { relayedBatch: JSON.parse(fs.readFileSync(file, "utf8")).relayedBatch } : {};
  fs.writeFileSync(file, JSON.stringify({ ...result, ...kept }, null, 2) + "\n");
  const header = ["operation", "gas (steady)", "gas (first)", "forwarder", "≤120k"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ");
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log(`happy path total: ${happyPathTotal} (target ≤ ${TARGET_PATH}: ${happyPathTotal <= TARGET_PATH ? "met" : "MISSED"}); first lifecycle ${result.firstLifecycleTotal}; relayed ${relayedTotal}`);
  console.log("wrote bench/gas.json");
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

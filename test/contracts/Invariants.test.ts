/**
 * Randomized sequences of ledger actions (seeded, so every run is the same) with the ledger's safety properties
 * checked after every step:
 *  - no invoice is held by two live requests (Requested, Approved, Disbursed, Repaid or Defaulted): never financed twice;
 *  - the ledger contract holds no tokens and the total supply does not move: money is neither created nor lost;
 *  - the sum of all treasuries is constant: every transfer is treasury to treasury;
 *  - each supplier's utilisation with each bank equals what its disbursed or defaulted requests still owe;
 *  - each supplier's fast-track exposure with each bank equals its open and approved fast-track requests plus what its
 *    disbursed or defaulted fast-track requests still owe, and a request only takes the fast-track if the exposure
 *    stays within the bank's limit;
 *  - a bank's governor counters match its members' roles, and a bank never has fewer than two governors or no admin,
 *    whatever its admins and officers (randomly) try; policy only changes through a second officer's approval.
 * Reverts are allowed (random actions are often invalid) but must be the ledger's own custom errors, never a panic.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  DAY,
  FinancingStatus,
  ORG,
  Role,
  creditLimit,
  deployNetwork,
  rates,
  trustedBuyer,
  type Change,
} from "../helpers/ledger-fixture";

const SEQUENCES = 32;
const STEPS = 60;
const LIVE = new Set<number>([
  FinancingStatus.Requested,
  FinancingStatus.Approved,
  FinancingStatus.Disbursed,
  FinancingStatus.Repaid,
  FinancingStatus.Defaulted,
]);

/** mulberry32: a small, well-distributed seeded PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const big = (max: bigint) => (max <= 0n ? 0n : BigInt(Math.floor(next() * Number(max))) + 1n); // 1..max
  return { next, int, pick, big };
}

describe("Ledger invariants under random sequences", function () {
  async function invariantFixture() {
    const n = await deployNetwork();
    const { token, ledger } = n.contracts;
    const supply = await token.totalSupply();
    const treasurySum = (await Promise.all(n.treasuries.map((t) => token.balanceOf(t.address)))).reduce(
      (a, b) => a + b,
      0n,
    );
    return {
      ...n,
      supply,
      treasurySum,
      tokenAddress: await token.getAddress(),
      ledgerAddress: await ledger.getAddress(),
    };
  }

  it(`holds over ${SEQUENCES} seeded sequences of ${STEPS} actions`, async function () {
    let reverted = 0;
    let succeeded = 0;
    const statusSeen = new Set<number>();
    for (let seq = 0; seq < SEQUENCES; seq++) {
      const f = await loadFixture(invariantFixture);
      const { ledger, token } = f.contracts;
      const s = f.signers;
      const rnd = prng(0x7e11150 + seq);
      const suppliers: [bigint, HardhatEthersSigner][] = [
        [ORG.pearl, s.supplier],
        [ORG.quarry, s.supplier2],
      ];
      const buyers: [bigint, HardhatEthersSigner][] = [
        [ORG.acme, s.buyer],
        [ORG.borealis, s.buyer2],
      ];
      const officers: Record<string, HardhatEthersSigner[]> = {
        [ORG.bankA.toString()]: [s.officerA1, s.officerA2],
        [ORG.bankB.toString()]: [s.officerB1, s.officerB2],
      };
      const admins: Record<string, HardhatEthersSigner> = {
        [ORG.bankA.toString()]: s.adminA,
        [ORG.bankB.toString()]: s.adminB,
      };
      // Every account that may ever be a member of each bank (the churn below only moves these).
      const bankPeople: Record<string, HardhatEthersSigner[]> = {
        [ORG.bankA.toString()]: [s.adminA, s.officerA1, s.officerA2],
        [ORG.bankB.toString()]: [s.adminB, s.officerB1, s.officerB2],
      };
      const invoices: { id: bigint; supplier: HardhatEthersSigner; buyer: HardhatEthersSigner; amount: bigint }[] = [];
      const requests: {
        id: bigint;
        invoice: bigint;
        bank: bigint;
        supplier: HardhatEthersSigner;
        supplierOrg: bigint;
      }[] = [];
      let statuses: number[] = [];

      // Runs one action; an expected refusal must be one of the ledger's (or the token's) custom errors.
      const attempt = async (send: () => Promise<unknown>) => {
        try {
          await send();
          succeeded++;
        } catch (e) {
          const data = (e as { data?: string }).data;
          const parsed = data ? (ledger.interface.parseError(data) ?? token.interface.parseError(data)) : null;
          if (!parsed) throw e;
          reverted++;
        }
      };

      for (let step = 0; step < STEPS; step++) {
        const action = rnd.int(16);
        const anyRequest = requests.length ? rnd.pick(requests) : undefined;
        const anyInvoice = invoices.length ? rnd.pick(invoices) : undefined;
        // Repayment and default mostly target requests that are out (disbursed or defaulted), so they get that far.
        const out = requests.filter(
          (_, i) => statuses[i] === FinancingStatus.Disbursed || statuses[i] === FinancingStatus.Defaulted,
        );
        const outRequest = out.length && rnd.next() < 0.8 ? rnd.pick(out) : anyRequest;
        // Approval and disbursement mostly target requests at the step before, for the same reason.
        const inStatus = (st: number) => {
          const xs = requests.filter((_, i) => statuses[i] === st);
          return xs.length && rnd.next() < 0.8 ? rnd.pick(xs) : anyRequest;
        };
        const openRequest = inStatus(FinancingStatus.Requested);
        const approvedRequest = inStatus(FinancingStatus.Approved);
        if (action <= 1 || !anyInvoice) {
          // A new invoice: order, accept, invoice, and usually confirm.
          const [, supplier] = rnd.pick(suppliers);
          const supplierOrg = supplier === s.supplier ? ORG.pearl : ORG.quarry;
          const [, buyer] = rnd.pick(buyers);
          const amount = rnd.big(800_000_00n);
          const now = await time.latest();
          await ledger
            .connect(buyer)
            .issueOrder(supplierOrg, f.tokenAddress, amount, now + 90 * DAY, ethers.ZeroHash, ethers.ZeroHash);
          const orderId = await ledger.orderCount();
          await ledger.connect(supplier).acceptOrder(orderId);
          const number = ethers.id(`key:S${seq}-${step}`);
          await ledger
            .connect(supplier)
            .issueInvoice(orderId, number, ethers.ZeroHash, amount, now + (5 + rnd.int(60)) * DAY, ethers.ZeroHash);
          const id = await ledger.invoiceCount();
          if (rnd.next() < 0.85) await ledger.connect(buyer).confirmInvoice(id);
          invoices.push({ id, supplier, buyer, amount });
          succeeded++;
        } else if (action <= 3) {
          // Request financing at a random bank, sometimes by the wrong supplier, for a random share of the invoice.
          const bank = rnd.pick([ORG.bankA, ORG.bankB]);
          const supplier = rnd.next() < 0.9 ? anyInvoice.supplier : rnd.pick(suppliers)[1];
          const amount = (anyInvoice.amount * BigInt(50 + rnd.int(50))) / 100n;
          const before = await ledger.financingRequestCount();
          await attempt(() => ledger.connect(supplier).requestFinancing(anyInvoice.id, bank, amount));
          const after = await ledger.financingRequestCount();
          if (after > before) {
            const supplierOrg = supplier === s.supplier ? ORG.pearl : ORG.quarry;
            if ((await ledger.financingRequest(after)).fastTrack) {
              const [exposure] = await ledger.fastTrackExposure(bank, supplierOrg);
              expect(exposure, "fast-track exposure within the limit").to.be.at.most(
                (await ledger.bankPolicy(bank)).fastTrackLimit,
              );
            }
            requests.push({ id: after, invoice: anyInvoice.id, bank, supplier, supplierOrg });
          }
        } else if (action === 4 && openRequest) {
          const officer = rnd.next() < 0.9 ? rnd.pick(officers[openRequest.bank.toString()]) : s.officerB1;
          await attempt(() => ledger.connect(officer).approveFinancing(openRequest.id));
        } else if (action === 5 && anyRequest) {
          const officer = rnd.pick(officers[anyRequest.bank.toString()]);
          if (rnd.next() < 0.5)
            await attempt(() => ledger.connect(officer).rejectFinancing(anyRequest.id, 1, ethers.ZeroHash));
          else await attempt(() => ledger.connect(anyRequest.supplier).withdrawFinancing(anyRequest.id));
        } else if (action === 6 && approvedRequest) {
          await attempt(() =>
            ledger.connect(rnd.pick(officers[approvedRequest.bank.toString()])).disburseFinancing(approvedRequest.id),
          );
        } else if (action === 7 || action === 8) {
          // The buyer pays part or all of what is outstanding.
          const inv = await ledger.invoice(anyInvoice.id);
          const outstanding = inv.amount - inv.paid;
          const amount = rnd.next() < 0.4 ? outstanding : rnd.big(outstanding);
          await attempt(() => ledger.connect(anyInvoice.buyer).payInvoice(anyInvoice.id, amount));
        } else if (action === 9 && outRequest) {
          const [, owed] = await ledger.repaidOf(outRequest.id);
          const amount = rnd.next() < 0.3 ? owed : rnd.big(owed);
          await attempt(() => ledger.connect(outRequest.supplier).repayFinancing(outRequest.id, amount));
        } else if (action === 10) {
          await time.increase(1 + rnd.int(40 * DAY));
          await attempt(() => ledger.markOverdue(anyInvoice.id));
        } else if (action === 12) {
          // A policy change: usually two different officers, sometimes the proposer tries to approve alone.
          const bank = rnd.pick([ORG.bankA, ORG.bankB]);
          const maker = rnd.pick(officers[bank.toString()]);
          const checker = rnd.next() < 0.8 ? rnd.pick(officers[bank.toString()]) : maker;
          const change: Change = rnd.pick([
            () => rates(8000 + rnd.int(2001), rnd.int(2000), rnd.big(600_000_00n)),
            () => trustedBuyer(rnd.pick(buyers)[0], rnd.next() < 0.7),
            () => creditLimit(rnd.pick(suppliers)[0], rnd.big(3_000_000_00n)),
          ])();
          const before = await ledger.bankPolicy(bank);
          await attempt(() => ledger.connect(maker).proposePolicyChange(change));
          const id = await ledger.policyProposalCount();
          await attempt(() => ledger.connect(checker).approvePolicyChange(id));
          const p = await ledger.policyProposal(id);
          // Only this round's approval can have changed the policy; it did not if the proposal is not Approved by it.
          if (p.status !== 2n || p.proposer === checker.address) {
            expect(await ledger.bankPolicy(bank), "policy unchanged without a second officer").to.deep.equal(before);
          } else {
            expect(p.proposer, "approved by a different officer").to.not.equal(checker.address);
          }
        } else if (action === 13) {
          // Membership churn in a bank: its admin removes or demotes someone, or proposes someone back as an officer
          // and another governor (or the proposer) approves.
          const bank = rnd.pick([ORG.bankA, ORG.bankB]);
          const admin = admins[bank.toString()];
          const who = rnd.pick(bankPeople[bank.toString()]);
          const choice = rnd.int(3);
          if (choice === 0) await attempt(() => ledger.connect(admin).removeMember(bank, who.address));
          else if (choice === 1) await attempt(() => ledger.connect(admin).setMemberRole(bank, who.address, Role.Member));
          else {
            await attempt(() => ledger.connect(admin).proposeMember(bank, who.address, Role.Officer));
            const approver = rnd.pick(bankPeople[bank.toString()]);
            const id = await ledger.memberProposalCount();
            await attempt(() => ledger.connect(approver).approveMember(id));
          }
        } else if (outRequest) {
          const officer = rnd.pick(officers[outRequest.bank.toString()]);
          await attempt(() => ledger.markOverdue(outRequest.invoice));
          await attempt(() => ledger.connect(officer).declareDefault(outRequest.id));
        }

        // Invariants.
        const [ledgerBalance, supply, ...balances] = await Promise.all([
          token.balanceOf(f.ledgerAddress),
          token.totalSupply(),
          ...f.treasuries.map((t) => token.balanceOf(t.address)),
        ]);
        expect(ledgerBalance, "the ledger holds no tokens").to.equal(0n);
        expect(supply, "total supply is unchanged").to.equal(f.supply);
        expect(
          balances.reduce((a, b) => a + b, 0n),
          "treasuries sum is constant",
        ).to.equal(f.treasurySum);
        expect(await ledger.financingRequestCount()).to.equal(BigInt(requests.length));
        const records = await Promise.all(requests.map((r) => ledger.financingRequest(r.id)));
        statuses = records.map((r) => Number(r.status));
        const liveByInvoice = new Map<bigint, number>();
        records.forEach((r, i) => {
          statusSeen.add(statuses[i]);
          if (LIVE.has(statuses[i])) liveByInvoice.set(r.invoiceId, (liveByInvoice.get(r.invoiceId) ?? 0) + 1);
        });
        for (const [invoiceId, live] of liveByInvoice)
          expect(live, `live requests on invoice ${invoiceId}`).to.be.at.most(1);
        // Fast-track exposure equals the open fast-track requests plus what the disbursed ones still owe.
        const exposure = new Map<string, bigint>();
        for (const [i, r] of records.entries()) {
          if (!r.fastTrack) continue;
          const st = statuses[i];
          let counted = 0n;
          if (st === FinancingStatus.Requested || st === FinancingStatus.Approved) counted = r.amount;
          else if (st === FinancingStatus.Disbursed || st === FinancingStatus.Defaulted)
            counted = (await ledger.repaidOf(requests[i].id))[1];
          const key = `${r.bankOrgId}-${requests[i].supplierOrg}`;
          exposure.set(key, (exposure.get(key) ?? 0n) + counted);
        }
        for (const bank of [ORG.bankA, ORG.bankB]) {
          for (const supplier of [ORG.pearl, ORG.quarry]) {
            const [onChain] = await ledger.fastTrackExposure(bank, supplier);
            expect(onChain, `fast-track exposure of ${supplier} at ${bank}`).to.equal(
              exposure.get(`${bank}-${supplier}`) ?? 0n,
            );
          }
          // Governor counters match the members' roles; never fewer than two governors, never no admin.
          let governors = 0n;
          let adminCount = 0n;
          for (const person of bankPeople[bank.toString()]) {
            if ((await ledger.orgOf(person.address)) !== bank) continue;
            const role = Number(await ledger.roleOf(person.address));
            if (role === Role.Officer || role === Role.Admin) governors++;
            if (role === Role.Admin) adminCount++;
          }
          const org = await ledger.organization(bank);
          expect([org.governors, org.admins], `governors of bank ${bank}`).to.deep.equal([governors, adminCount]);
          expect(governors >= 2n && adminCount >= 1n, `bank ${bank} keeps two governors and an admin`).to.equal(true);
        }
      }

      // Utilisation equals what disbursed and defaulted requests still owe, per bank and supplier.
      const owed = new Map<string, bigint>();
      for (const r of requests) {
        const [, outstanding] = await ledger.repaidOf(r.id);
        const key = `${r.bank}-${r.supplierOrg}`;
        owed.set(key, (owed.get(key) ?? 0n) + outstanding);
      }
      for (const bank of [ORG.bankA, ORG.bankB]) {
        for (const supplier of [ORG.pearl, ORG.quarry]) {
          const credit = await ledger.creditRecord(bank, supplier);
          expect(credit.utilised, `utilisation of ${supplier} at ${bank}`).to.equal(
            owed.get(`${bank}-${supplier}`) ?? 0n,
          );
        }
      }
    }
    // The sequences must actually exercise the machine, not only bounce off reverts.
    expect(succeeded).to.be.greaterThan(SEQUENCES * STEPS * 0.3);
    expect(reverted).to.be.greaterThan(0);
    for (const st of [2, 3, 4, 5, 6, 7]) {
      expect(statusSeen.has(st), `status ${st} reached`).to.equal(true);
    }
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  BANK_A,
  DAY,
  FinancingStatus,
  GRACE,
  InvoiceStatus,
  ORG,
  OrderStatus,
  deployNetwork,
  label,
} from "../helpers/ledger-fixture";

/** Whole lifecycles, with every intermediate state, event and balance asserted. */
describe("Ledger lifecycle", function () {
  async function lifecycleFixture() {
    const n = await deployNetwork();
    return { ...n, t0: await time.latest() };
  }

  describe("the fast-track path (order → accept → invoice → confirm → request → approve → disburse → pay)", function () {
    it("moves money from the bank to the supplier at disbursement, and repays the bank before the supplier", async function () {
      const { contracts, signers: s, t0 } = await loadFixture(lifecycleFixture);
      const { ledger, token } = contracts;
      const tokenAddress = await token.getAddress();

      // Order of 50,000.00 due in 45 days.
      const orderDue = t0 + 45 * DAY;
      const poRef = label("PO");
      await expect(
        ledger.connect(s.buyer).issueOrder(ORG.pearl, tokenAddress, 5_000_000n, orderDue, poRef, ethers.id("po-doc")),
      )
        .to.emit(ledger, "OrderIssued")
        .withArgs(
          1n,
          ORG.acme,
          ORG.pearl,
          tokenAddress,
          5_000_000n,
          orderDue,
          poRef,
          ethers.id("po-doc"),
          s.buyer.address,
        );
      await expect(ledger.connect(s.supplier).acceptOrder(1n))
        .to.emit(ledger, "OrderAccepted")
        .withArgs(1n, s.supplier.address);
      expect((await ledger.order(1n)).status).to.equal(OrderStatus.Accepted);

      // Invoice for the whole order, due 30 days and one hour from the fixture's clock.
      const due = t0 + 30 * DAY + 3600;
      const number = label("INV");
      await expect(ledger.connect(s.supplier).issueInvoice(1n, number, ethers.ZeroHash, 5_000_000n, due, ethers.id("inv-doc")))
        .to.emit(ledger, "InvoiceIssued")
        .withArgs(1n, 1n, ORG.pearl, ORG.acme, number, ethers.ZeroHash, 5_000_000n, due, ethers.id("inv-doc"), s.supplier.address);
      expect((await ledger.order(1n)).invoiced).to.equal(5_000_000n);
      await expect(ledger.connect(s.buyer).confirmInvoice(1n))
        .to.emit(ledger, "InvoiceConfirmed")
        .withArgs(1n, s.buyer.address);

      // 44,444.47 is within bank A's 90 % (45,000.00) and fast-track limit, and Acme is trusted: fast-track.
      const advance = 4_444_447n;
      expect(await ledger.isFastTrack(1n, ORG.bankA, advance)).to.equal(true);
      await expect(ledger.connect(s.supplier).requestFinancing(1n, ORG.bankA, advance))
        .to.emit(ledger, "FinancingRequested")
        .withArgs(1n, 1n, ORG.bankA, ORG.pearl, advance, true, BANK_A.discountRateBps, s.supplier.address);
      expect((await ledger.invoice(1n)).financingRequestId).to.equal(1n);

      await expect(ledger.connect(s.officerA1).approveFinancing(1n))
        .to.emit(ledger, "FinancingApproved")
        .withArgs(1n, s.officerA1.address, 1n, 1n);
      const approved = await ledger.financingRequest(1n);
      expect(approved.status).to.equal(FinancingStatus.Approved);
      expect(approved.firstApprover).to.equal(s.officerA1.address);
      expect(approved.approvals).to.equal(1n);

      // Disburse exactly 29 days and 1 second before the due date: the started day counts, so 30 days.
      // discount = floor(4,444,447 × 1,200 × 30 / 3,600,000) = floor(44,444.47) = 44,444; net = 4,400,003.
      const disbursedAt = due - 29 * DAY - 1;
      await time.setNextBlockTimestamp(disbursedAt);
      const disburse = ledger.connect(s.officerA1).disburseFinancing(1n);
      await expect(disburse)
        .to.emit(ledger, "FinancingDisbursed")
        .withArgs(1n, 1n, ORG.bankA, advance, 44_444n, 4_400_003n, 30n, s.officerA1.address);
      await expect(disburse).to.changeTokenBalances(
        token,
        [s.bankATreasury, s.pearlTreasury],
        [-4_400_003n, 4_400_003n],
      );
      const disbursed = await ledger.financingRequest(1n);
      expect(disbursed.status).to.equal(FinancingStatus.Disbursed);
      expect(disbursed.disbursedAt).to.equal(disbursedAt);
      let credit = await ledger.creditRecord(ORG.bankA, ORG.pearl);
      expect(credit.utilised).to.equal(advance);
      expect(credit.financed).to.equal(1n);

      // A partial payment of 30,000.00 goes entirely to the bank, which is still owed 44,444.47.
      const pay1 = ledger.connect(s.buyer).payInvoice(1n, 3_000_000n);
      await expect(pay1)
        .to.emit(ledger, "InvoicePaymentMade")
        .withArgs(1n, 1n, 3_000_000n, 3_000_000n, 0n, 3_000_000n, InvoiceStatus.Confirmed, s.buyer.address);
      await expect(pay1)
        .to.emit(ledger, "FinancingRepaymentReceived")
        .withArgs(1n, 3_000_000n, 3_000_000n, false, FinancingStatus.Disbursed, false, s.buyer.address);
      await expect(pay1).to.changeTokenBalances(
        token,
        [s.acmeTreasury, s.bankATreasury, s.pearlTreasury],
        [-3_000_000n, 3_000_000n, 0n],
      );
      expect(await ledger.repaidOf(1n)).to.deep.equal([3_000_000n, 1_444_447n]);
      expect((await ledger.creditRecord(ORG.bankA, ORG.pearl)).utilised).to.equal(1_444_447n);

      // The rest (20,000.00): 14,444.47 completes the bank's advance, 5,555.53 reaches the supplier.
      const pay2 = ledger.connect(s.buyer).payInvoice(1n, 2_000_000n);
      await expect(pay2)
        .to.emit(ledger, "InvoicePaymentMade")
        .withArgs(1n, 1n, 2_000_000n, 1_444_447n, 555_553n, 5_000_000n, InvoiceStatus.Paid, s.buyer.address);
      await expect(pay2)
        .to.emit(ledger, "FinancingRepaymentReceived")
        .withArgs(1n, 1_444_447n, advance, false, FinancingStatus.Repaid, true, s.buyer.address);
      await expect(pay2).to.changeTokenBalances(
        token,
        [s.acmeTreasury, s.bankATreasury, s.pearlTreasury],
        [-2_000_000n, 1_444_447n, 555_553n],
      );

      const inv = await ledger.invoice(1n);
      expect(inv.status).to.equal(InvoiceStatus.Paid);
      expect(inv.paid).to.equal(5_000_000n);
      expect((await ledger.financingRequest(1n)).status).to.equal(FinancingStatus.Repaid);
      expect(await ledger.repaidOf(1n)).to.deep.equal([advance, 0n]);
      credit = await ledger.creditRecord(ORG.bankA, ORG.pearl);
      expect(credit.utilised).to.equal(0n);
      expect(credit.repaidOnTime).to.equal(1n);
      expect(credit.repaidLate).to.equal(0n);
      // Over the whole life: the bank earned exactly its discount, the supplier got the invoice less the discount.
      expect(await token.balanceOf(s.bankATreasury.address)).to.equal(10_000_000_00n + 44_444n);
      expect(await token.balanceOf(s.pearlTreasury.address)).to.equal(10_000_000_00n + 5_000_000n - 44_444n);
      expect(await token.balanceOf(await ledger.getAddress())).to.equal(0n);
    });
  });

  describe("the maker-checker path", function () {
    async function makerCheckerFixture() {
      const n = await deployNetwork();
      const { ledger, token } = n.contracts;
      const s = n.signers;
      // Borealis is not trusted by bank A, so every request on its invoices needs two officers.
      const due = (await time.latest()) + 90 * DAY;
      await ledger
        .connect(s.buyer2)
        .issueOrder(ORG.pearl, await token.getAddress(), 20_000_000n, due, label("PO"), ethers.ZeroHash);
      await ledger.connect(s.supplier).acceptOrder(1n);
      await ledger.connect(s.supplier).issueInvoice(1n, label("INV"), ethers.ZeroHash, 20_000_000n, due, ethers.ZeroHash);
      await ledger.connect(s.buyer2).confirmInvoice(1n);
      await ledger.connect(s.supplier).requestFinancing(1n, ORG.bankA, 18_000_000n);
      return { ...n, due };
    }

    it("needs two different officers, then disburses and is repaid by the buyer", async function () {
      const { contracts, signers: s } = await loadFixture(makerCheckerFixture);
      const { ledger, token } = contracts;
      expect((await ledger.financingRequest(1n)).fastTrack).to.equal(false);

      await expect(ledger.connect(s.officerA1).approveFinancing(1n))
        .to.emit(ledger, "FinancingApproved")
        .withArgs(1n, s.officerA1.address, 1n, 2n);
      expect((await ledger.financingRequest(1n)).status).to.equal(FinancingStatus.Requested);
      await expect(ledger.connect(s.officerA1).disburseFinancing(1n))
        .to.be.revertedWithCustomError(ledger, "FinancingInvalidStatus")
        .withArgs(1n, FinancingStatus.Requested);

      await expect(ledger.connect(s.officerA2).approveFinancing(1n))
        .to.emit(ledger, "FinancingApproved")
        .withArgs(1n, s.officerA2.address, 2n, 2n);
      const r = await ledger.financingRequest(1n);
      expect(r.status).to.equal(FinancingStatus.Approved);
      expect(r.firstApprover).to.equal(s.officerA1.address);
      expect(r.secondApprover).to.equal(s.officerA2.address);
      expect(r.approvals).to.equal(2n);
      expect(r.decidedAt).to.equal(await time.latest());

      await expect(ledger.connect(s.officerA2).disburseFinancing(1n)).to.emit(ledger, "FinancingDisbursed");
      await expect(ledger.connect(s.buyer2).payInvoice(1n, 20_000_000n)).to.changeTokenBalances(
        token,
        [s.borealisTreasury, s.bankATreasury, s.pearlTreasury],
        [-20_000_000n, 18_000_000n, 2_000_000n],
      );
      expect((await ledger.financingRequest(1n)).status).to.equal(FinancingStatus.Repaid);
    });

    it("refuses a second approval from the same officer with FinancingDuplicateApproval", async function () {
      const { contracts, signers: s } = await loadFixture(makerCheckerFixture);
      const { ledger } = contracts;
      await ledger.connect(s.officerA1).approveFinancing(1n);
      await expect(ledger.connect(s.officerA1).approveFinancing(1n))
        .to.be.revertedWithCustomError(ledger, "FinancingDuplicateApproval")
        .withArgs(1n, s.officerA1.address);
      const r = await ledger.financingRequest(1n);
      expect(r.approvals).to.equal(1n);
      expect(r.status).to.equal(FinancingStatus.Requested);
    });
  });

  describe("a late, defaulted invoice repaid by recourse and then by the buyer", function () {
    it("keeps the credit record and the money straight", async function () {
      const n = await loadFixture(lifecycleFixture);
      const { ledger, token } = n.contracts;
      const s = n.signers;
      const due = n.t0 + 20 * DAY;
      const tokenAddress = await token.getAddress();
      await ledger.connect(s.buyer).issueOrder(ORG.pearl, tokenAddress, 1_000_000n, due, label("PO"), ethers.ZeroHash);
      await ledger.connect(s.supplier).acceptOrder(1n);
      await ledger.connect(s.supplier).issueInvoice(1n, label("INV"), ethers.ZeroHash, 1_000_000n, due, ethers.ZeroHash);
      await ledger.connect(s.buyer).confirmInvoice(1n);
      await ledger.connect(s.supplier).requestFinancing(1n, ORG.bankA, 900_000n);
      await ledger.connect(s.officerA1).approveFinancing(1n);
      await ledger.connect(s.officerA1).disburseFinancing(1n);

      await time.increaseTo(due + GRACE + 1);
      await expect(ledger.connect(s.outsider).markOverdue(1n))
        .to.emit(ledger, "InvoiceMarkedOverdue")
        .withArgs(1n, 1n, 1_000_000n, s.outsider.address);
      let credit = await ledger.creditRecord(ORG.bankA, ORG.pearl);
      expect([credit.overdue, credit.overdueOpen]).to.deep.equal([1n, 1n]);
      // With something overdue, the next request from Pearl at bank A goes to maker-checker.
      expect(await ledger.isFastTrack(1n, ORG.bankA, 1n)).to.equal(false);

      await expect(ledger.connect(s.officerA2).declareDefault(1n))
        .to.emit(ledger, "FinancingDefaulted")
        .withArgs(1n, 900_000n, s.officerA2.address);
      credit = await ledger.creditRecord(ORG.bankA, ORG.pearl);
      expect(credit.defaulted).to.equal(1n);

      const recourse = ledger.connect(s.supplier).repayFinancing(1n, 400_000n);
      await expect(recourse)
        .to.emit(ledger, "FinancingRepaymentReceived")
        .withArgs(1n, 400_000n, 400_000n, true, FinancingStatus.Defaulted, false, s.supplier.address);
      await expect(recourse).to.changeTokenBalances(token, [s.pearlTreasury, s.bankATreasury], [-400_000n, 400_000n]);

      // The buyer finally pays everything: 500,000 completes the bank, the other 500,000 reaches the supplier.
      const pay = ledger.connect(s.buyer).payInvoice(1n, 1_000_000n);
      await expect(pay)
        .to.emit(ledger, "FinancingRepaymentReceived")
        .withArgs(1n, 500_000n, 900_000n, false, FinancingStatus.Repaid, false, s.buyer.address);
      await expect(pay).to.changeTokenBalances(
        token,
        [s.acmeTreasury, s.bankATreasury, s.pearlTreasury],
        [-1_000_000n, 500_000n, 500_000n],
      );
      credit = await ledger.creditRecord(ORG.bankA, ORG.pearl);
      expect(credit.utilised).to.equal(0n);
      expect(credit.overdueOpen).to.equal(0n);
      expect(credit.repaidLate).to.equal(1n);
      expect(credit.repaidOnTime).to.equal(0n);
      expect(credit.overdue).to.equal(1n);
      expect(credit.defaulted).to.equal(1n);
    });
  });
});

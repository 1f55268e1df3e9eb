import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  FinancingStatus,
  GRACE,
  InvoiceStatus,
  ORG,
  OrgKind,
  deployNetwork,
  disbursedAtBankA,
  invoiceOf,
  requestOf,
} from "../helpers/ledger-fixture";

describe("Settlement", function () {
  const AMOUNT = 10_000_000n;
  const ADVANCE = 9_000_000n;

  /** Invoice 1 is confirmed and unfinanced; invoice 2 is financed by bank A (request 1, disbursed). */
  async function settlementFixture() {
    const n = await deployNetwork();
    const plain = await invoiceOf(n, AMOUNT, { dueInSeconds: 30 * DAY });
    const financed = await disbursedAtBankA(n, AMOUNT, ADVANCE, 30 * DAY);
    return { ...n, plain, financed };
  }

  describe("payInvoice", function () {
    describe("when the invoice is not financed", function () {
      it("pays the supplier and marks the invoice Paid when settled", async function () {
        const { contracts, signers: s, plain } = await loadFixture(settlementFixture);
        const { ledger, token } = contracts;
        const part = ledger.connect(s.buyer).payInvoice(plain.invoiceId, 4_000_000n);
        await expect(part)
          .to.emit(ledger, "InvoicePaymentMade")
          .withArgs(
            plain.invoiceId,
            0n,
            4_000_000n,
            0n,
            4_000_000n,
            4_000_000n,
            InvoiceStatus.Confirmed,
            s.buyer.address,
          );
        await expect(part).to.not.emit(ledger, "FinancingRepaymentReceived");
        await expect(part).to.changeTokenBalances(token, [s.acmeTreasury, s.pearlTreasury], [-4_000_000n, 4_000_000n]);
        await expect(ledger.connect(s.buyer).payInvoice(plain.invoiceId, 6_000_000n))
          .to.emit(ledger, "InvoicePaymentMade")
          .withArgs(plain.invoiceId, 0n, 6_000_000n, 0n, 6_000_000n, AMOUNT, InvoiceStatus.Paid, s.buyer.address);
        const inv = await ledger.invoice(plain.invoiceId);
        expect([inv.status, inv.paid]).to.deep.equal([BigInt(InvoiceStatus.Paid), AMOUNT]);
      });
    });

    describe("when the financing is requested but not disbursed", function () {
      it("pays the supplier, and the invoice can no longer be disbursed against", async function () {
        const n = await loadFixture(settlementFixture);
        const { ledger, token } = n.contracts;
        const s = n.signers;
        const requestId = await requestOf(n, n.plain.invoiceId, ORG.bankA, 1_000_000n);
        await ledger.connect(s.officerA1).approveFinancing(requestId);
        await expect(ledger.connect(s.buyer).payInvoice(n.plain.invoiceId, 1n)).to.changeTokenBalances(
          token,
          [s.bankATreasury, s.pearlTreasury],
          [0n, 1n],
        );
        await expect(ledger.connect(s.officerA1).disburseFinancing(requestId))
          .to.be.revertedWithCustomError(ledger, "FinancingInvoiceNotFinanceable")
          .withArgs(n.plain.invoiceId);
      });
    });

    describe("when the invoice is financed and the payment exceeds what the bank is owed", function () {
      it("splits it: the bank first, the rest to the supplier", async function () {
        const { contracts, signers: s, financed } = await loadFixture(settlementFixture);
        const { ledger, token } = contracts;
        const tx = ledger.connect(s.buyer).payInvoice(financed.invoiceId, AMOUNT);
        await expect(tx)
          .to.emit(ledger, "InvoicePaymentMade")
          .withArgs(
            financed.invoiceId,
            1n,
            AMOUNT,
            ADVANCE,
            AMOUNT - ADVANCE,
            AMOUNT,
            InvoiceStatus.Paid,
            s.buyer.address,
          );
        await expect(tx)
          .to.emit(ledger, "FinancingRepaymentReceived")
          .withArgs(1n, ADVANCE, ADVANCE, false, FinancingStatus.Repaid, true, s.buyer.address);
        await expect(tx).to.changeTokenBalances(
          token,
          [s.acmeTreasury, s.bankATreasury, s.pearlTreasury],
          [-AMOUNT, ADVANCE, AMOUNT - ADVANCE],
        );
      });
    });

    describe("when the advance is repaid within the grace period", function () {
      it("counts as on time", async function () {
        const { contracts, signers: s, financed } = await loadFixture(settlementFixture);
        const { ledger } = contracts;
        await time.setNextBlockTimestamp(financed.dueDate + GRACE);
        await expect(ledger.connect(s.buyer).payInvoice(financed.invoiceId, ADVANCE))
          .to.emit(ledger, "FinancingRepaymentReceived")
          .withArgs(1n, ADVANCE, ADVANCE, false, FinancingStatus.Repaid, true, s.buyer.address);
        expect((await ledger.creditRecord(ORG.bankA, ORG.pearl)).repaidOnTime).to.equal(1n);
      });
    });

    describe("when the advance is repaid after the grace period but before anyone marked it overdue", function () {
      it("counts as late without touching the overdue counters", async function () {
        const { contracts, signers: s, financed } = await loadFixture(settlementFixture);
        const { ledger } = contracts;
        await time.setNextBlockTimestamp(financed.dueDate + GRACE + 1);
        await expect(ledger.connect(s.buyer).payInvoice(financed.invoiceId, ADVANCE))
          .to.emit(ledger, "FinancingRepaymentReceived")
          .withArgs(1n, ADVANCE, ADVANCE, false, FinancingStatus.Repaid, false, s.buyer.address);
        const credit = await ledger.creditRecord(ORG.bankA, ORG.pearl);
        expect([credit.repaidOnTime, credit.repaidLate, credit.overdue, credit.overdueOpen]).to.deep.equal([
          0n,
          1n,
          0n,
          0n,
        ]);
      });
    });

    describe("when the invoice is overdue", function () {
      it("accepts payment, counts the repayment late and closes the open overdue", async function () {
        const { contracts, signers: s, financed } = await loadFixture(settlementFixture);
        const { ledger } = contracts;
        await time.increaseTo(financed.dueDate + GRACE + 1);
        await ledger.markOverdue(financed.invoiceId);
        await expect(ledger.connect(s.buyer).payInvoice(financed.invoiceId, AMOUNT))
          .to.emit(ledger, "InvoicePaymentMade")
          .withArgs(
            financed.invoiceId,
            1n,
            AMOUNT,
            ADVANCE,
            AMOUNT - ADVANCE,
            AMOUNT,
            InvoiceStatus.Paid,
            s.buyer.address,
          );
        const credit = await ledger.creditRecord(ORG.bankA, ORG.pearl);
        expect([credit.repaidLate, credit.overdue, credit.overdueOpen, credit.utilised]).to.deep.equal([
          1n,
          1n,
          0n,
          0n,
        ]);
      });
    });

    describe("when the payment is more than is outstanding", function () {
      it("reverts with InvoicePaymentExceedsOutstanding", async function () {
        const { contracts, signers: s, plain } = await loadFixture(settlementFixture);
        const { ledger } = contracts;
        await ledger.connect(s.buyer).payInvoice(plain.invoiceId, 3n);
        await expect(ledger.connect(s.buyer).payInvoice(plain.invoiceId, AMOUNT))
          .to.be.revertedWithCustomError(ledger, "InvoicePaymentExceedsOutstanding")
          .withArgs(plain.invoiceId, AMOUNT, AMOUNT - 3n);
      });
    });

    describe("when the amount is zero", function () {
      it("reverts with InvoiceZeroAmount", async function () {
        const { contracts, signers: s, plain } = await loadFixture(settlementFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.buyer).payInvoice(plain.invoiceId, 0n)).to.be.revertedWithCustomError(
          ledger,
          "InvoiceZeroAmount",
        );
      });
    });

    describe("when the invoice is paid", function () {
      it("reverts with InvoiceInvalidStatus", async function () {
        const { contracts, signers: s, plain } = await loadFixture(settlementFixture);
        const { ledger } = contracts;
        await ledger.connect(s.buyer).payInvoice(plain.invoiceId, AMOUNT);
        await expect(ledger.connect(s.buyer).payInvoice(plain.invoiceId, 1n))
          .to.be.revertedWithCustomError(ledger, "InvoiceInvalidStatus")
          .withArgs(plain.invoiceId, InvoiceStatus.Paid);
      });
    });

    describe("when the caller is another buyer", function () {
      it("reverts with InvoiceNotBuyer", async function () {
        const { contracts, signers: s, plain } = await loadFixture(settlementFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.buyer2).payInvoice(plain.invoiceId, 1n))
          .to.be.revertedWithCustomError(ledger, "InvoiceNotBuyer")
          .withArgs(plain.invoiceId, ORG.borealis);
      });
    });

    describe("when the caller is the supplier", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s, plain } = await loadFixture(settlementFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier).payInvoice(plain.invoiceId, 1n))
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.pearl, OrgKind.CoreEnterprise, OrgKind.Supplier);
      });
    });

    describe("when the bank and supplier were suspended", function () {
      it("still pays them what they are owed", async function () {
        const { contracts, signers: s, financed } = await loadFixture(settlementFixture);
        const { ledger, token } = contracts;
        await ledger.connect(s.operator).suspendOrganization(ORG.bankA);
        await ledger.connect(s.operator).suspendOrganization(ORG.pearl);
        await expect(ledger.connect(s.buyer).payInvoice(financed.invoiceId, AMOUNT)).to.changeTokenBalances(
          token,
          [s.bankATreasury, s.pearlTreasury],
          [ADVANCE, AMOUNT - ADVANCE],
        );
      });
    });
  });

  describe("markOverdue", function () {
    describe("when the invoice is financed and disbursed", function () {
      it("marks it Overdue and raises overdue and overdueOpen with the bank", async function () {
        const { contracts, signers: s, financed } = await loadFixture(settlementFixture);
        const { ledger } = contracts;
        await ledger.connect(s.buyer).payInvoice(financed.invoiceId, 2_000_000n);
        await time.increaseTo(financed.dueDate + GRACE + 1);
        await expect(ledger.connect(s.auditor).markOverdue(financed.invoiceId))
          .to.emit(ledger, "InvoiceMarkedOverdue")
          .withArgs(financed.invoiceId, 1n, AMOUNT - 2_000_000n, s.auditor.address);
        expect((await ledger.invoice(financed.invoiceId)).status).to.equal(InvoiceStatus.Overdue);
        const credit = await ledger.creditRecord(ORG.bankA, ORG.pearl);
        expect([credit.overdue, credit.overdueOpen]).to.deep.equal([1n, 1n]);
      });
    });

    describe("when the invoice is not financed", function () {
      it("marks it Overdue without touching any credit record", async function () {
        const { contracts, signers: s, plain } = await loadFixture(settlementFixture);
        const { ledger } = contracts;
        await time.increaseTo(plain.dueDate + GRACE + 1);
        await expect(ledger.connect(s.outsider).markOverdue(plain.invoiceId))
          .to.emit(ledger, "InvoiceMarkedOverdue")
          .withArgs(plain.invoiceId, 0n, AMOUNT, s.outsider.address);
        const credit = await ledger.creditRecord(ORG.bankA, ORG.pearl);
        expect([credit.overdue, credit.overdueOpen]).to.deep.equal([0n, 0n]);
      });
    });

    describe("when the bank is already repaid", function () {
      it("does not count against the supplier", async function () {
        const { contracts, signers: s, financed } = await loadFixture(settlementFixture);
        const { ledger } = contracts;
        await ledger.connect(s.buyer).payInvoice(financed.invoiceId, ADVANCE);
        await time.increaseTo(financed.dueDate + GRACE + 1);
        await expect(ledger.markOverdue(financed.invoiceId))
          .to.emit(ledger, "InvoiceMarkedOverdue")
          .withArgs(financed.invoiceId, 1n, AMOUNT - ADVANCE, s.deployer.address);
        const credit = await ledger.creditRecord(ORG.bankA, ORG.pearl);
        expect([credit.overdue, credit.overdueOpen, credit.repaidOnTime]).to.deep.equal([0n, 0n, 1n]);
      });
    });

    describe("when the grace period has not passed", function () {
      it("reverts with InvoiceNotYetOverdue", async function () {
        const { contracts, plain } = await loadFixture(settlementFixture);
        const { ledger } = contracts;
        const overdueAt = plain.dueDate + GRACE;
        await time.setNextBlockTimestamp(overdueAt);
        await expect(ledger.markOverdue(plain.invoiceId))
          .to.be.revertedWithCustomError(ledger, "InvoiceNotYetOverdue")
          .withArgs(plain.invoiceId, overdueAt, overdueAt);
      });
    });

    describe("when the invoice is already overdue", function () {
      it("reverts with InvoiceInvalidStatus", async function () {
        const { contracts, plain } = await loadFixture(settlementFixture);
        const { ledger } = contracts;
        await time.increaseTo(plain.dueDate + GRACE + 1);
        await ledger.markOverdue(plain.invoiceId);
        await expect(ledger.markOverdue(plain.invoiceId))
          .to.be.revertedWithCustomError(ledger, "InvoiceInvalidStatus")
          .withArgs(plain.invoiceId, InvoiceStatus.Overdue);
      });
    });

    describe("when the invoice is unknown", function () {
      it("reverts with InvoiceUnknown", async function () {
        const { contracts } = await loadFixture(settlementFixture);
        const { ledger } = contracts;
        await expect(ledger.markOverdue(9n)).to.be.revertedWithCustomError(ledger, "InvoiceUnknown").withArgs(9n);
      });
    });
  });
});

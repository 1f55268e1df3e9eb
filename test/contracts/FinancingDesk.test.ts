import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  BANK_A,
  BANK_B,
  DAY,
  FinancingStatus,
  GRACE,
  InvoiceStatus,
  ORG,
  OrgKind,
  deployNetwork,
  invoiceOf,
  requestOf,
  applyPolicy,
  creditLimit,
  rates,
} from "../helpers/ledger-fixture";

describe("FinancingDesk", function () {
  /** Invoice 1: 1,000,000.00 from Pearl to Acme (trusted by both banks), confirmed, due in 60 days. */
  const AMOUNT = 100_000_000n;
  const ADVANCE = 40_000_000n; // within bank A's fast-track limit (500,000.00) and advance (900,000.00)

  async function deskFixture() {
    const n = await deployNetwork();
    const { invoiceId, dueDate } = await invoiceOf(n, AMOUNT);
    return { ...n, invoiceId, dueDate };
  }

  /** The same, with request 1 for ADVANCE at bank A on the fast-track. */
  async function requestedFixture() {
    const n = await deskFixture();
    await n.contracts.ledger.connect(n.signers.supplier).requestFinancing(n.invoiceId, ORG.bankA, ADVANCE);
    return n;
  }

  /** The same, approved and disbursed. */
  async function disbursedFixture() {
    const n = await requestedFixture();
    await n.contracts.ledger.connect(n.signers.officerA1).approveFinancing(1n);
    await n.contracts.ledger.connect(n.signers.officerA1).disburseFinancing(1n);
    return n;
  }

  describe("requestFinancing", function () {
    it("stores a Requested request on the fast-track, assigns the invoice and emits FinancingRequested", async function () {
      const { contracts, signers: s, invoiceId } = await loadFixture(deskFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.supplier).requestFinancing(invoiceId, ORG.bankA, ADVANCE))
        .to.emit(ledger, "FinancingRequested")
        .withArgs(1n, invoiceId, ORG.bankA, ORG.pearl, ADVANCE, true, BANK_A.discountRateBps, s.supplier.address);
      const r = await ledger.financingRequest(1n);
      expect([
        r.invoiceId,
        r.bankOrgId,
        r.amount,
        r.status,
        r.fastTrack,
        r.approvals,
        r.requestedAt,
        r.discountRateBps,
      ]).to.deep.equal([
        invoiceId,
        ORG.bankA,
        ADVANCE,
        BigInt(FinancingStatus.Requested),
        true,
        0n,
        BigInt(await time.latest()),
        BigInt(BANK_A.discountRateBps),
      ]);
      expect((await ledger.invoice(invoiceId)).financingRequestId).to.equal(1n);
      expect(await ledger.financingRequestCount()).to.equal(1n);
    });

    describe("when the invoice is already held by a request at another bank", function () {
      for (const [name, setup] of [
        ["Requested", async () => {}],
        [
          "Approved",
          async (n: Awaited<ReturnType<typeof requestedFixture>>) =>
            n.contracts.ledger.connect(n.signers.officerA1).approveFinancing(1n),
        ],
      ] as const) {
        it(`reverts with FinancingInvoiceAlreadyFinanced while the first is ${name}`, async function () {
          const n = await loadFixture(requestedFixture);
          await setup(n);
          await expect(n.contracts.ledger.connect(n.signers.supplier).requestFinancing(n.invoiceId, ORG.bankB, 1n))
            .to.be.revertedWithCustomError(n.contracts.ledger, "FinancingInvoiceAlreadyFinanced")
            .withArgs(n.invoiceId, 1n);
        });
      }
    });

    describe("when the earlier request was rejected", function () {
      it("lets the supplier finance the invoice at the other bank", async function () {
        const { contracts, signers: s, invoiceId } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await ledger.connect(s.officerA2).rejectFinancing(1n, 3, ethers.id("no"));
        await expect(ledger.connect(s.supplier).requestFinancing(invoiceId, ORG.bankB, 5_000_000n))
          .to.emit(ledger, "FinancingRequested")
          .withArgs(2n, invoiceId, ORG.bankB, ORG.pearl, 5_000_000n, true, BANK_B.discountRateBps, s.supplier.address);
        expect((await ledger.invoice(invoiceId)).financingRequestId).to.equal(2n);
      });
    });

    describe("when the earlier request was withdrawn", function () {
      it("lets the supplier finance the invoice again", async function () {
        const { contracts, signers: s, invoiceId } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await ledger.connect(s.supplier).withdrawFinancing(1n);
        await expect(ledger.connect(s.supplier).requestFinancing(invoiceId, ORG.bankB, 5_000_000n)).to.emit(
          ledger,
          "FinancingRequested",
        );
        expect((await ledger.invoice(invoiceId)).financingRequestId).to.equal(2n);
      });
    });

    describe("when the buyer is not trusted by the bank", function () {
      it("takes the maker-checker path", async function () {
        const n = await loadFixture(deskFixture);
        const { invoiceId } = await invoiceOf(n, AMOUNT, { buyer: n.signers.buyer2 });
        expect(await n.contracts.ledger.isFastTrack(invoiceId, ORG.bankA, 1n)).to.equal(false);
        await expect(n.contracts.ledger.connect(n.signers.supplier).requestFinancing(invoiceId, ORG.bankA, 1n))
          .to.emit(n.contracts.ledger, "FinancingRequested")
          .withArgs(1n, invoiceId, ORG.bankA, ORG.pearl, 1n, false, BANK_A.discountRateBps, n.signers.supplier.address);
      });
    });

    describe("when the amount is above the fast-track limit", function () {
      it("takes the maker-checker path", async function () {
        const { contracts, signers: s, invoiceId } = await loadFixture(deskFixture);
        const { ledger } = contracts;
        expect(await ledger.isFastTrack(invoiceId, ORG.bankA, BANK_A.fastTrackLimit)).to.equal(true);
        expect(await ledger.isFastTrack(invoiceId, ORG.bankA, BANK_A.fastTrackLimit + 1n)).to.equal(false);
        await ledger.connect(s.supplier).requestFinancing(invoiceId, ORG.bankA, BANK_A.fastTrackLimit + 1n);
        expect((await ledger.financingRequest(1n)).fastTrack).to.equal(false);
      });
    });

    describe("when the amount is above the remaining credit", function () {
      it("is not fast-track in the view and reverts with FinancingAmountExceedsCredit", async function () {
        const n = await loadFixture(deskFixture);
        const { ledger } = n.contracts;
        const { signers: s, invoiceId } = n;
        await applyPolicy(n, s.officerA1, s.officerA2, creditLimit(ORG.pearl, 1_000_00n));
        expect(await ledger.isFastTrack(invoiceId, ORG.bankA, 1_000_01n)).to.equal(false);
        await expect(ledger.connect(s.supplier).requestFinancing(invoiceId, ORG.bankA, 1_000_01n))
          .to.be.revertedWithCustomError(ledger, "FinancingAmountExceedsCredit")
          .withArgs(1_000_01n, 1_000_00n);
      });
    });

    describe("when the supplier has an overdue financed invoice with the bank", function () {
      it("takes the maker-checker path until it is repaid", async function () {
        const n = await loadFixture(disbursedFixture);
        const { ledger } = n.contracts;
        const s = n.signers;
        // A second invoice, due long after the first.
        const second = await invoiceOf(n, AMOUNT, { dueInSeconds: 200 * DAY });
        await time.increaseTo(n.dueDate + GRACE + 1);
        await ledger.markOverdue(n.invoiceId);
        expect((await ledger.creditRecord(ORG.bankA, ORG.pearl)).overdueOpen).to.equal(1n);
        await ledger.connect(s.supplier).requestFinancing(second.invoiceId, ORG.bankA, 1n);
        expect((await ledger.financingRequest(2n)).fastTrack).to.equal(false);
        // Once the overdue advance is repaid, the next request is fast-track again.
        await ledger.connect(s.supplier).withdrawFinancing(2n);
        await ledger.connect(s.supplier).repayFinancing(1n, ADVANCE);
        expect((await ledger.creditRecord(ORG.bankA, ORG.pearl)).overdueOpen).to.equal(0n);
        await ledger.connect(s.supplier).requestFinancing(second.invoiceId, ORG.bankA, 1n);
        expect((await ledger.financingRequest(3n)).fastTrack).to.equal(true);
      });
    });

    describe("when the amount is above the bank's advance rate", function () {
      it("reverts with FinancingAmountExceedsAdvance", async function () {
        const { contracts, signers: s, invoiceId } = await loadFixture(deskFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier).requestFinancing(invoiceId, ORG.bankB, 80_000_001n))
          .to.be.revertedWithCustomError(ledger, "FinancingAmountExceedsAdvance")
          .withArgs(80_000_001n, 80_000_000n);
      });
    });

    describe("when the amount is zero", function () {
      it("reverts with FinancingZeroAmount", async function () {
        const { contracts, signers: s, invoiceId } = await loadFixture(deskFixture);
        const { ledger } = contracts;
        await expect(
          ledger.connect(s.supplier).requestFinancing(invoiceId, ORG.bankA, 0n),
        ).to.be.revertedWithCustomError(ledger, "FinancingZeroAmount");
      });
    });

    describe("when the invoice is not confirmed", function () {
      it("reverts with FinancingInvoiceNotFinanceable", async function () {
        const n = await loadFixture(deskFixture);
        const { invoiceId } = await invoiceOf(n, AMOUNT, { confirm: false });
        await expect(n.contracts.ledger.connect(n.signers.supplier).requestFinancing(invoiceId, ORG.bankA, 1n))
          .to.be.revertedWithCustomError(n.contracts.ledger, "FinancingInvoiceNotFinanceable")
          .withArgs(invoiceId);
      });
    });

    describe("when the invoice is partly paid", function () {
      it("reverts with FinancingInvoiceNotFinanceable", async function () {
        const { contracts, signers: s, invoiceId } = await loadFixture(deskFixture);
        const { ledger } = contracts;
        await ledger.connect(s.buyer).payInvoice(invoiceId, 1n);
        await expect(ledger.connect(s.supplier).requestFinancing(invoiceId, ORG.bankA, 1n))
          .to.be.revertedWithCustomError(ledger, "FinancingInvoiceNotFinanceable")
          .withArgs(invoiceId);
      });
    });

    describe("when the invoice is due", function () {
      it("reverts with FinancingInvoiceNotFinanceable", async function () {
        const { contracts, signers: s, invoiceId, dueDate } = await loadFixture(deskFixture);
        const { ledger } = contracts;
        await time.setNextBlockTimestamp(dueDate);
        await expect(ledger.connect(s.supplier).requestFinancing(invoiceId, ORG.bankA, 1n))
          .to.be.revertedWithCustomError(ledger, "FinancingInvoiceNotFinanceable")
          .withArgs(invoiceId);
      });
    });

    describe("when the caller is the buyer", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s, invoiceId } = await loadFixture(deskFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.buyer).requestFinancing(invoiceId, ORG.bankA, 1n))
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.acme, OrgKind.Supplier, OrgKind.CoreEnterprise);
      });
    });

    describe("when the caller is another supplier", function () {
      it("reverts with InvoiceNotSupplier", async function () {
        const { contracts, signers: s, invoiceId } = await loadFixture(deskFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier2).requestFinancing(invoiceId, ORG.bankA, 1n))
          .to.be.revertedWithCustomError(ledger, "InvoiceNotSupplier")
          .withArgs(invoiceId, ORG.quarry);
      });
    });

    describe("when the caller's supplier is suspended", function () {
      it("reverts with RegistryOrgSuspended", async function () {
        const { contracts, signers: s, invoiceId } = await loadFixture(deskFixture);
        const { ledger } = contracts;
        await ledger.connect(s.operator).suspendOrganization(ORG.pearl);
        await expect(ledger.connect(s.supplier).requestFinancing(invoiceId, ORG.bankA, 1n))
          .to.be.revertedWithCustomError(ledger, "RegistryOrgSuspended")
          .withArgs(ORG.pearl);
      });
    });

    describe("when the caller is not a member", function () {
      it("reverts with RegistryNotMember", async function () {
        const { contracts, signers: s, invoiceId } = await loadFixture(deskFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.outsider).requestFinancing(invoiceId, ORG.bankA, 1n))
          .to.be.revertedWithCustomError(ledger, "RegistryNotMember")
          .withArgs(s.outsider.address);
      });
    });

    describe("when the bank is not a bank", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s, invoiceId } = await loadFixture(deskFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier).requestFinancing(invoiceId, ORG.audit, 1n))
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.audit, OrgKind.Bank, OrgKind.Auditor);
      });
    });

    describe("when the bank is suspended", function () {
      it("reverts with RegistryOrgSuspended", async function () {
        const { contracts, signers: s, invoiceId } = await loadFixture(deskFixture);
        const { ledger } = contracts;
        await ledger.connect(s.operator).suspendOrganization(ORG.bankB);
        await expect(ledger.connect(s.supplier).requestFinancing(invoiceId, ORG.bankB, 1n))
          .to.be.revertedWithCustomError(ledger, "RegistryOrgSuspended")
          .withArgs(ORG.bankB);
      });
    });

    describe("when the invoice is unknown", function () {
      it("reverts with InvoiceUnknown", async function () {
        const { contracts, signers: s } = await loadFixture(deskFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier).requestFinancing(99n, ORG.bankA, 1n))
          .to.be.revertedWithCustomError(ledger, "InvoiceUnknown")
          .withArgs(99n);
      });
    });
  });

  describe("withdrawFinancing", function () {
    it("withdraws a Requested request and emits FinancingWithdrawn", async function () {
      const { contracts, signers: s } = await loadFixture(requestedFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.supplier).withdrawFinancing(1n))
        .to.emit(ledger, "FinancingWithdrawn")
        .withArgs(1n, s.supplier.address);
      expect((await ledger.financingRequest(1n)).status).to.equal(FinancingStatus.Withdrawn);
    });

    describe("when the request is approved but not disbursed", function () {
      it("withdraws it and frees the invoice", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await ledger.connect(s.officerA1).approveFinancing(1n);
        await expect(ledger.connect(s.supplier).withdrawFinancing(1n))
          .to.emit(ledger, "FinancingWithdrawn")
          .withArgs(1n, s.supplier.address);
        expect((await ledger.financingRequest(1n)).status).to.equal(FinancingStatus.Withdrawn);
      });
    });

    describe("when the request is disbursed", function () {
      it("reverts with FinancingInvalidStatus", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await ledger.connect(s.officerA1).approveFinancing(1n);
        await ledger.connect(s.officerA1).disburseFinancing(1n);
        await expect(ledger.connect(s.supplier).withdrawFinancing(1n))
          .to.be.revertedWithCustomError(ledger, "FinancingInvalidStatus")
          .withArgs(1n, FinancingStatus.Disbursed);
      });
    });

    describe("when the caller is another supplier", function () {
      it("reverts with FinancingNotSupplier", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier2).withdrawFinancing(1n))
          .to.be.revertedWithCustomError(ledger, "FinancingNotSupplier")
          .withArgs(1n, ORG.quarry);
      });
    });

    describe("when the request is unknown", function () {
      it("reverts with FinancingUnknown", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier).withdrawFinancing(2n))
          .to.be.revertedWithCustomError(ledger, "FinancingUnknown")
          .withArgs(2n);
      });
    });
  });

  describe("approveFinancing", function () {
    it("approves a fast-track request with one officer", async function () {
      const { contracts, signers: s } = await loadFixture(requestedFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.officerA2).approveFinancing(1n))
        .to.emit(ledger, "FinancingApproved")
        .withArgs(1n, s.officerA2.address, 1n, 1n);
      const r = await ledger.financingRequest(1n);
      expect([r.status, r.firstApprover, r.decidedAt]).to.deep.equal([
        BigInt(FinancingStatus.Approved),
        s.officerA2.address,
        BigInt(await time.latest()),
      ]);
    });

    describe("when the caller is the supplier", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier).approveFinancing(1n))
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.pearl, OrgKind.Bank, OrgKind.Supplier);
      });
    });

    describe("when the caller is an officer of another bank", function () {
      it("reverts with FinancingNotBank", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerB1).approveFinancing(1n))
          .to.be.revertedWithCustomError(ledger, "FinancingNotBank")
          .withArgs(1n, ORG.bankB);
      });
    });

    describe("when the bank is suspended", function () {
      it("reverts with RegistryOrgSuspended", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await ledger.connect(s.operator).suspendOrganization(ORG.bankA);
        await expect(ledger.connect(s.officerA1).approveFinancing(1n))
          .to.be.revertedWithCustomError(ledger, "RegistryOrgSuspended")
          .withArgs(ORG.bankA);
      });
    });

    describe("when the request is already approved", function () {
      it("reverts with FinancingInvalidStatus", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await ledger.connect(s.officerA1).approveFinancing(1n);
        await expect(ledger.connect(s.officerA2).approveFinancing(1n))
          .to.be.revertedWithCustomError(ledger, "FinancingInvalidStatus")
          .withArgs(1n, FinancingStatus.Approved);
      });
    });

    describe("when the request is unknown", function () {
      it("reverts with FinancingUnknown", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).approveFinancing(0n))
          .to.be.revertedWithCustomError(ledger, "FinancingUnknown")
          .withArgs(0n);
      });
    });
  });

  describe("rejectFinancing", function () {
    it("rejects a Requested request, releases the invoice and emits FinancingRejected", async function () {
      const { contracts, signers: s } = await loadFixture(requestedFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.officerA1).rejectFinancing(1n, 12, ethers.id("concentration")))
        .to.emit(ledger, "FinancingRejected")
        .withArgs(1n, s.officerA1.address, 12n, ethers.id("concentration"));
      const r = await ledger.financingRequest(1n);
      expect([r.status, r.decidedAt]).to.deep.equal([BigInt(FinancingStatus.Rejected), BigInt(await time.latest())]);
    });

    describe("when the request is approved but its invoice is no longer financeable", function () {
      it("rejects it, so the invoice is not held for ever", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await ledger.connect(s.officerA1).approveFinancing(1n);
        await expect(ledger.connect(s.officerA2).rejectFinancing(1n, 7, ethers.ZeroHash))
          .to.emit(ledger, "FinancingRejected")
          .withArgs(1n, s.officerA2.address, 7n, ethers.ZeroHash);
        expect((await ledger.financingRequest(1n)).status).to.equal(FinancingStatus.Rejected);
      });
    });

    describe("when the request is disbursed", function () {
      it("reverts with FinancingInvalidStatus", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await ledger.connect(s.officerA1).approveFinancing(1n);
        await ledger.connect(s.officerA1).disburseFinancing(1n);
        await expect(ledger.connect(s.officerA2).rejectFinancing(1n, 0, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "FinancingInvalidStatus")
          .withArgs(1n, FinancingStatus.Disbursed);
      });
    });

    describe("when the caller is an officer of another bank", function () {
      it("reverts with FinancingNotBank", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        const bankB = await ledger.orgOf(s.officerB1.address);
        await expect(ledger.connect(s.officerB1).rejectFinancing(1n, 0, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "FinancingNotBank")
          .withArgs(1n, bankB);
      });
    });

    describe("when the request is unknown", function () {
      it("reverts with FinancingUnknown", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).rejectFinancing(99n, 0, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "FinancingUnknown")
          .withArgs(99n);
      });
    });

    describe("when the caller is the buyer", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.buyer).rejectFinancing(1n, 0, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.acme, OrgKind.Bank, OrgKind.CoreEnterprise);
      });
    });
  });

  describe("disburseFinancing", function () {
    it("pays the advance less the discount, raises utilisation and emits FinancingDisbursed", async function () {
      const { contracts, signers: s, dueDate } = await loadFixture(requestedFixture);
      const { ledger, token } = contracts;
      await ledger.connect(s.officerA1).approveFinancing(1n);
      // Exactly 50 days before the due date: 40,000,000 × 1,200 × 50 / 3,600,000 = 666,666.67 → 666,666.
      await time.setNextBlockTimestamp(dueDate - 50 * DAY);
      const tx = ledger.connect(s.officerA2).disburseFinancing(1n);
      await expect(tx)
        .to.emit(ledger, "FinancingDisbursed")
        .withArgs(1n, 1n, ORG.bankA, ADVANCE, 666_666n, ADVANCE - 666_666n, 50n, s.officerA2.address);
      await expect(tx).to.changeTokenBalances(
        token,
        [s.bankATreasury, s.pearlTreasury],
        [-(ADVANCE - 666_666n), ADVANCE - 666_666n],
      );
      const credit = await ledger.creditRecord(ORG.bankA, ORG.pearl);
      expect([credit.utilised, credit.financed]).to.deep.equal([ADVANCE, 1n]);
      expect(await ledger.repaidOf(1n)).to.deep.equal([0n, ADVANCE]);
    });

    describe("when the discount would exceed the advance", function () {
      it("caps it at the advance and moves no money", async function () {
        const n = await loadFixture(deskFixture);
        const { ledger, token } = n.contracts;
        const s = n.signers;
        await applyPolicy(n, s.officerA1, s.officerA2, rates(9000, 10_000, BANK_A.fastTrackLimit));
        const { invoiceId } = await invoiceOf(n, 1_000n, { dueInSeconds: 400 * DAY });
        const requestId = await requestOf(n, invoiceId, ORG.bankA, 900n);
        await ledger.connect(s.officerA1).approveFinancing(requestId);
        const tx = ledger.connect(s.officerA1).disburseFinancing(requestId);
        await expect(tx)
          .to.emit(ledger, "FinancingDisbursed")
          .withArgs(requestId, invoiceId, ORG.bankA, 900n, 900n, 0n, 400n, s.officerA1.address);
        await expect(tx).to.changeTokenBalances(token, [s.bankATreasury, s.pearlTreasury], [0n, 0n]);
        expect((await ledger.creditRecord(ORG.bankA, ORG.pearl)).utilised).to.equal(900n);
      });
    });

    describe("when the request is not approved", function () {
      it("reverts with FinancingInvalidStatus", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).disburseFinancing(1n))
          .to.be.revertedWithCustomError(ledger, "FinancingInvalidStatus")
          .withArgs(1n, FinancingStatus.Requested);
      });
    });

    describe("when the invoice fell due after approval", function () {
      it("reverts with FinancingInvoiceNotFinanceable", async function () {
        const { contracts, signers: s, dueDate } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await ledger.connect(s.officerA1).approveFinancing(1n);
        await time.setNextBlockTimestamp(dueDate + 1);
        await expect(ledger.connect(s.officerA1).disburseFinancing(1n))
          .to.be.revertedWithCustomError(ledger, "FinancingInvoiceNotFinanceable")
          .withArgs(1n);
      });
    });

    describe("when the credit limit was lowered after approval", function () {
      it("reverts with FinancingAmountExceedsCredit", async function () {
        const n = await loadFixture(requestedFixture);
        const { ledger } = n.contracts;
        const s = n.signers;
        await ledger.connect(s.officerA1).approveFinancing(1n);
        await applyPolicy(n, s.officerA2, s.officerA1, creditLimit(ORG.pearl, ADVANCE - 1n));
        await expect(ledger.connect(s.officerA1).disburseFinancing(1n))
          .to.be.revertedWithCustomError(ledger, "FinancingAmountExceedsCredit")
          .withArgs(ADVANCE, ADVANCE - 1n);
      });
    });

    describe("when the supplier was suspended after approval", function () {
      it("reverts with RegistryOrgSuspended", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await ledger.connect(s.officerA1).approveFinancing(1n);
        await ledger.connect(s.operator).suspendOrganization(ORG.pearl);
        await expect(ledger.connect(s.officerA1).disburseFinancing(1n))
          .to.be.revertedWithCustomError(ledger, "RegistryOrgSuspended")
          .withArgs(ORG.pearl);
      });
    });

    describe("when the caller is an officer of another bank", function () {
      it("reverts with FinancingNotBank", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await ledger.connect(s.officerA1).approveFinancing(1n);
        await expect(ledger.connect(s.officerB2).disburseFinancing(1n))
          .to.be.revertedWithCustomError(ledger, "FinancingNotBank")
          .withArgs(1n, ORG.bankB);
      });
    });

    describe("when it was disbursed already", function () {
      it("reverts with FinancingInvalidStatus, and the invoice cannot be financed again", async function () {
        const { contracts, signers: s, invoiceId } = await loadFixture(disbursedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).disburseFinancing(1n))
          .to.be.revertedWithCustomError(ledger, "FinancingInvalidStatus")
          .withArgs(1n, FinancingStatus.Disbursed);
        await expect(ledger.connect(s.supplier).requestFinancing(invoiceId, ORG.bankB, 1n))
          .to.be.revertedWithCustomError(ledger, "FinancingInvoiceAlreadyFinanced")
          .withArgs(invoiceId, 1n);
      });
    });
  });

  describe("repayFinancing", function () {
    it("repays the bank from the supplier's treasury and lowers utilisation", async function () {
      const { contracts, signers: s } = await loadFixture(disbursedFixture);
      const { ledger, token } = contracts;
      const tx = ledger.connect(s.supplier).repayFinancing(1n, 10_000_000n);
      await expect(tx)
        .to.emit(ledger, "FinancingRepaymentReceived")
        .withArgs(1n, 10_000_000n, 10_000_000n, true, FinancingStatus.Disbursed, false, s.supplier.address);
      await expect(tx).to.changeTokenBalances(token, [s.pearlTreasury, s.bankATreasury], [-10_000_000n, 10_000_000n]);
      expect((await ledger.financingRequest(1n)).recourseRepaid).to.equal(10_000_000n);
      expect((await ledger.creditRecord(ORG.bankA, ORG.pearl)).utilised).to.equal(ADVANCE - 10_000_000n);
      expect(await ledger.repaidOf(1n)).to.deep.equal([10_000_000n, ADVANCE - 10_000_000n]);
    });

    describe("when it completes the advance before the due date", function () {
      it("marks the request Repaid on time, and the buyer's later payment goes to the supplier", async function () {
        const { contracts, signers: s, invoiceId } = await loadFixture(disbursedFixture);
        const { ledger, token } = contracts;
        await expect(ledger.connect(s.supplier).repayFinancing(1n, ADVANCE))
          .to.emit(ledger, "FinancingRepaymentReceived")
          .withArgs(1n, ADVANCE, ADVANCE, true, FinancingStatus.Repaid, true, s.supplier.address);
        const credit = await ledger.creditRecord(ORG.bankA, ORG.pearl);
        expect([credit.utilised, credit.repaidOnTime, credit.repaidLate]).to.deep.equal([0n, 1n, 0n]);
        expect(await ledger.repaidOf(1n)).to.deep.equal([ADVANCE, 0n]);
        await expect(ledger.connect(s.buyer).payInvoice(invoiceId, AMOUNT)).to.changeTokenBalances(
          token,
          [s.acmeTreasury, s.bankATreasury, s.pearlTreasury],
          [-AMOUNT, 0n, AMOUNT],
        );
      });
    });

    describe("when the amount is more than is outstanding", function () {
      it("reverts with FinancingRepaymentExceedsOutstanding", async function () {
        const { contracts, signers: s, invoiceId } = await loadFixture(disbursedFixture);
        const { ledger } = contracts;
        await ledger.connect(s.buyer).payInvoice(invoiceId, 15_000_000n);
        await expect(ledger.connect(s.supplier).repayFinancing(1n, ADVANCE - 15_000_000n + 1n))
          .to.be.revertedWithCustomError(ledger, "FinancingRepaymentExceedsOutstanding")
          .withArgs(1n, ADVANCE - 15_000_000n + 1n, ADVANCE - 15_000_000n);
      });
    });

    describe("when the amount is zero", function () {
      it("reverts with FinancingZeroAmount", async function () {
        const { contracts, signers: s } = await loadFixture(disbursedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier).repayFinancing(1n, 0n)).to.be.revertedWithCustomError(
          ledger,
          "FinancingZeroAmount",
        );
      });
    });

    describe("when the request is not disbursed", function () {
      it("reverts with FinancingInvalidStatus", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier).repayFinancing(1n, 1n))
          .to.be.revertedWithCustomError(ledger, "FinancingInvalidStatus")
          .withArgs(1n, FinancingStatus.Requested);
      });
    });

    describe("when the caller is a bank officer", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s } = await loadFixture(disbursedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).repayFinancing(1n, 1n))
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.bankA, OrgKind.Supplier, OrgKind.Bank);
      });
    });
  });

  describe("declareDefault", function () {
    it("defaults an overdue disbursed request and emits FinancingDefaulted with what is outstanding", async function () {
      const { contracts, signers: s, invoiceId, dueDate } = await loadFixture(disbursedFixture);
      const { ledger } = contracts;
      await ledger.connect(s.buyer).payInvoice(invoiceId, 1_000_000n);
      await time.increaseTo(dueDate + GRACE + 1);
      await ledger.markOverdue(invoiceId);
      await expect(ledger.connect(s.officerA1).declareDefault(1n))
        .to.emit(ledger, "FinancingDefaulted")
        .withArgs(1n, ADVANCE - 1_000_000n, s.officerA1.address);
      expect((await ledger.financingRequest(1n)).status).to.equal(FinancingStatus.Defaulted);
      const credit = await ledger.creditRecord(ORG.bankA, ORG.pearl);
      expect([credit.defaulted, credit.overdueOpen, credit.utilised]).to.deep.equal([1n, 1n, ADVANCE - 1_000_000n]);
      expect(await ledger.repaidOf(1n)).to.deep.equal([1_000_000n, ADVANCE - 1_000_000n]);
    });

    describe("when the invoice is not overdue", function () {
      it("reverts with FinancingNotOverdue", async function () {
        const { contracts, signers: s } = await loadFixture(disbursedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).declareDefault(1n))
          .to.be.revertedWithCustomError(ledger, "FinancingNotOverdue")
          .withArgs(1n);
      });
    });

    describe("when the request is not disbursed", function () {
      it("reverts with FinancingInvalidStatus", async function () {
        const { contracts, signers: s } = await loadFixture(requestedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).declareDefault(1n))
          .to.be.revertedWithCustomError(ledger, "FinancingInvalidStatus")
          .withArgs(1n, FinancingStatus.Requested);
      });
    });

    describe("when the caller is the supplier", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s } = await loadFixture(disbursedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier).declareDefault(1n))
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.pearl, OrgKind.Bank, OrgKind.Supplier);
      });
    });
  });

  describe("repaidOf", function () {
    it("answers (0, 0) for unknown and undisbursed requests", async function () {
      const { contracts } = await loadFixture(requestedFixture);
      const { ledger } = contracts;
      expect(await ledger.repaidOf(1n)).to.deep.equal([0n, 0n]);
      expect(await ledger.repaidOf(7n)).to.deep.equal([0n, 0n]);
      expect((await ledger.financingRequest(7n)).status).to.equal(FinancingStatus.None);
    });
  });

  describe("discountFor", function () {
    describe("when the due date is not after the start", function () {
      it("is (0, 0)", async function () {
        const { contracts } = await loadFixture(deskFixture);
        expect(await contracts.ledger.discountFor(1_000_000n, 1200, 1000, 1000)).to.deep.equal([0n, 0n]);
        expect(await contracts.ledger.discountFor(1_000_000n, 1200, 1001, 1000)).to.deep.equal([0n, 0n]);
      });
    });

    describe("when the period is whole days", function () {
      it("counts them exactly (360,000.00 at 12 % for 30 days is 3,600.00)", async function () {
        const { contracts } = await loadFixture(deskFixture);
        expect(await contracts.ledger.discountFor(36_000_000n, 1200, 0, 30 * DAY)).to.deep.equal([360_000n, 30n]);
      });
    });

    describe("when the period starts a day", function () {
      it("counts the started day as a whole day", async function () {
        const { contracts } = await loadFixture(deskFixture);
        expect(await contracts.ledger.discountFor(36_000_000n, 1200, 0, 30 * DAY + 1)).to.deep.equal([372_000n, 31n]);
        expect(await contracts.ledger.discountFor(36_000_000n, 1200, 0, 1)).to.deep.equal([12_000n, 1n]);
      });
    });

    describe("when the discount has a fraction of a minor unit", function () {
      it("rounds down, in the supplier's favour", async function () {
        const { contracts } = await loadFixture(deskFixture);
        // 999 × 1,200 × 7 / 3,600,000 = 2.331 → 2.
        expect(await contracts.ledger.discountFor(999n, 1200, 0, 7 * DAY)).to.deep.equal([2n, 7n]);
        expect(await contracts.ledger.discountFor(1n, 1, 0, DAY)).to.deep.equal([0n, 1n]);
      });
    });

    describe("when the discount would exceed the amount", function () {
      it("caps it at the amount", async function () {
        const { contracts } = await loadFixture(deskFixture);
        expect(await contracts.ledger.discountFor(500n, 10_000, 0, 361 * DAY)).to.deep.equal([500n, 361n]);
      });
    });
  });
});

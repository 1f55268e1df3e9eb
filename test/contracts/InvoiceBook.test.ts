import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DAY, InvoiceStatus, ORG, OrderStatus, OrgKind, acceptedOrder, deployNetwork } from "../helpers/ledger-fixture";

describe("InvoiceBook", function () {
  // The uniqueness key the gateway derives from the invoice number (a keyed hash, never the number's text).
  const NUMBER = ethers.id("key:INV-0001");

  async function invoiceFixture() {
    const n = await deployNetwork();
    // Order 1 (100,000 minor units) is accepted; invoice 1 of 60,000 against it is Issued.
    const orderId = await acceptedOrder(n, 100_000n);
    const due = (await time.latest()) + 30 * DAY;
    await n.contracts.ledger.connect(n.signers.supplier).issueInvoice(orderId, NUMBER, ethers.ZeroHash, 60_000n, due, ethers.id("doc"));
    return { ...n, orderId, due };
  }

  describe("issueInvoice", function () {
    it("stores an Issued invoice, reserves the order amount and emits InvoiceIssued", async function () {
      const { contracts, signers: s, due } = await loadFixture(invoiceFixture);
      const { ledger } = contracts;
      const number = ethers.id("key:INV-0002");
      await expect(ledger.connect(s.supplier).issueInvoice(1n, number, ethers.ZeroHash, 40_000n, due, ethers.id("doc2")))
        .to.emit(ledger, "InvoiceIssued")
        .withArgs(2n, 1n, ORG.pearl, ORG.acme, number, ethers.ZeroHash, 40_000n, due, ethers.id("doc2"), s.supplier.address);
      const inv = await ledger.invoice(2n);
      expect([
        inv.amount,
        inv.orderId,
        inv.supplierOrgId,
        inv.buyerOrgId,
        inv.dueDate,
        inv.status,
        inv.paid,
      ]).to.deep.equal([40_000n, 1n, ORG.pearl, ORG.acme, BigInt(due), BigInt(InvoiceStatus.Issued), 0n]);
      expect((await ledger.order(1n)).invoiced).to.equal(100_000n);
      expect(await ledger.invoiceIdOf(ORG.pearl, number)).to.equal(2n);
      expect(await ledger.invoiceCount()).to.equal(2n);
    });

    describe("when the number was used before by the same supplier", function () {
      it("reverts with InvoiceDuplicate", async function () {
        const { contracts, signers: s, due } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier).issueInvoice(1n, NUMBER, ethers.ZeroHash, 1n, due, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "InvoiceDuplicate")
          .withArgs(ORG.pearl, NUMBER, 1n);
      });
    });

    describe("when another supplier uses the same number", function () {
      it("accepts it: numbers are unique per supplier", async function () {
        const n = await loadFixture(invoiceFixture);
        const { ledger } = n.contracts;
        const orderId = await acceptedOrder(n, 10n, { supplier: n.signers.supplier2, supplierOrgId: ORG.quarry });
        await expect(ledger.connect(n.signers.supplier2).issueInvoice(orderId, NUMBER, ethers.ZeroHash, 10n, n.due, ethers.ZeroHash))
          .to.emit(ledger, "InvoiceIssued")
          .withArgs(
            2n,
            orderId,
            ORG.quarry,
            ORG.acme,
            NUMBER,
            ethers.ZeroHash,
            10n,
            n.due,
            ethers.ZeroHash,
            n.signers.supplier2.address,
          );
        expect(await ledger.invoiceIdOf(ORG.quarry, NUMBER)).to.equal(2n);
      });
    });

    describe("when the amount is more than the order's remainder", function () {
      it("reverts with InvoiceAmountExceedsOrder", async function () {
        const { contracts, signers: s, due } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        await expect(
          ledger.connect(s.supplier).issueInvoice(1n, ethers.id("key:X"), ethers.ZeroHash, 40_001n, due, ethers.ZeroHash),
        )
          .to.be.revertedWithCustomError(ledger, "InvoiceAmountExceedsOrder")
          .withArgs(1n, 40_001n, 40_000n);
      });
    });

    describe("when the number is empty", function () {
      it("reverts with InvoiceEmptyNumber", async function () {
        const { contracts, signers: s, due } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        await expect(
          ledger.connect(s.supplier).issueInvoice(1n, ethers.ZeroHash, ethers.ZeroHash, 1n, due, ethers.ZeroHash),
        ).to.be.revertedWithCustomError(ledger, "InvoiceEmptyKey");
      });
    });

    describe("when the amount is zero", function () {
      it("reverts with InvoiceZeroAmount", async function () {
        const { contracts, signers: s, due } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        await expect(
          ledger.connect(s.supplier).issueInvoice(1n, ethers.id("key:X"), ethers.ZeroHash, 0n, due, ethers.ZeroHash),
        ).to.be.revertedWithCustomError(ledger, "InvoiceZeroAmount");
      });
    });

    describe("when the due date is not in the future", function () {
      it("reverts with InvoiceDueDateNotInFuture", async function () {
        const { contracts, signers: s } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        const now = (await time.latest()) + 1;
        await time.setNextBlockTimestamp(now);
        await expect(
          ledger.connect(s.supplier).issueInvoice(1n, ethers.id("key:X"), ethers.ZeroHash, 1n, now - 1, ethers.ZeroHash),
        )
          .to.be.revertedWithCustomError(ledger, "InvoiceDueDateNotInFuture")
          .withArgs(now - 1, now);
      });
    });

    describe("when the caller is the buyer", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s, due } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        await expect(
          ledger.connect(s.buyer).issueInvoice(1n, ethers.id("key:X"), ethers.ZeroHash, 1n, due, ethers.ZeroHash),
        )
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.acme, OrgKind.Supplier, OrgKind.CoreEnterprise);
      });
    });

    describe("when the caller is the supplier of another order", function () {
      it("reverts with OrderNotSupplier", async function () {
        const { contracts, signers: s, due } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        await expect(
          ledger.connect(s.supplier2).issueInvoice(1n, ethers.id("key:X"), ethers.ZeroHash, 1n, due, ethers.ZeroHash),
        )
          .to.be.revertedWithCustomError(ledger, "OrderNotSupplier")
          .withArgs(1n, ORG.quarry);
      });
    });

    describe("when the order is not accepted", function () {
      it("reverts with OrderInvalidStatus", async function () {
        const { contracts, signers: s, due } = await loadFixture(invoiceFixture);
        const { ledger, token } = contracts;
        await ledger
          .connect(s.buyer)
          .issueOrder(ORG.pearl, await token.getAddress(), 5n, due, ethers.ZeroHash, ethers.ZeroHash);
        await expect(
          ledger.connect(s.supplier).issueInvoice(2n, ethers.id("key:X"), ethers.ZeroHash, 1n, due, ethers.ZeroHash),
        )
          .to.be.revertedWithCustomError(ledger, "OrderInvalidStatus")
          .withArgs(2n, OrderStatus.Issued);
      });
    });

    describe("when the order is unknown", function () {
      it("reverts with OrderUnknown", async function () {
        const { contracts, signers: s, due } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        await expect(
          ledger.connect(s.supplier).issueInvoice(5n, ethers.id("key:X"), ethers.ZeroHash, 1n, due, ethers.ZeroHash),
        )
          .to.be.revertedWithCustomError(ledger, "OrderUnknown")
          .withArgs(5n);
      });
    });
  });

  describe("confirmInvoice", function () {
    it("confirms an issued invoice and emits InvoiceConfirmed", async function () {
      const { contracts, signers: s } = await loadFixture(invoiceFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.buyer).confirmInvoice(1n))
        .to.emit(ledger, "InvoiceConfirmed")
        .withArgs(1n, s.buyer.address);
      expect((await ledger.invoice(1n)).status).to.equal(InvoiceStatus.Confirmed);
    });

    describe("when the invoice is already confirmed", function () {
      it("reverts with InvoiceInvalidStatus", async function () {
        const { contracts, signers: s } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        await ledger.connect(s.buyer).confirmInvoice(1n);
        await expect(ledger.connect(s.buyer).confirmInvoice(1n))
          .to.be.revertedWithCustomError(ledger, "InvoiceInvalidStatus")
          .withArgs(1n, InvoiceStatus.Confirmed);
      });
    });

    describe("when the caller is another buyer", function () {
      it("reverts with InvoiceNotBuyer", async function () {
        const { contracts, signers: s } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.buyer2).confirmInvoice(1n))
          .to.be.revertedWithCustomError(ledger, "InvoiceNotBuyer")
          .withArgs(1n, ORG.borealis);
      });
    });

    describe("when the caller is the supplier", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier).confirmInvoice(1n))
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.pearl, OrgKind.CoreEnterprise, OrgKind.Supplier);
      });
    });

    describe("when the invoice is unknown", function () {
      it("reverts with InvoiceUnknown", async function () {
        const { contracts, signers: s } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.buyer).confirmInvoice(3n))
          .to.be.revertedWithCustomError(ledger, "InvoiceUnknown")
          .withArgs(3n);
      });
    });
  });

  describe("disputeInvoice", function () {
    it("disputes an issued invoice and emits InvoiceDisputed", async function () {
      const { contracts, signers: s } = await loadFixture(invoiceFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.buyer).disputeInvoice(1n, 7, ethers.id("short delivery")))
        .to.emit(ledger, "InvoiceDisputed")
        .withArgs(1n, 7n, ethers.id("short delivery"), s.buyer.address);
      expect((await ledger.invoice(1n)).status).to.equal(InvoiceStatus.Disputed);
    });

    describe("when the invoice is disputed already", function () {
      it("reverts with InvoiceInvalidStatus", async function () {
        const { contracts, signers: s } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        await ledger.connect(s.buyer).disputeInvoice(1n, 1, ethers.ZeroHash);
        await expect(ledger.connect(s.buyer).disputeInvoice(1n, 1, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "InvoiceInvalidStatus")
          .withArgs(1n, InvoiceStatus.Disputed);
      });
    });
  });

  describe("withdrawDispute", function () {
    it("returns a disputed invoice to Issued and emits InvoiceDisputeWithdrawn", async function () {
      const { contracts, signers: s } = await loadFixture(invoiceFixture);
      const { ledger } = contracts;
      await ledger.connect(s.buyer).disputeInvoice(1n, 1, ethers.ZeroHash);
      await expect(ledger.connect(s.buyer).withdrawDispute(1n))
        .to.emit(ledger, "InvoiceDisputeWithdrawn")
        .withArgs(1n, s.buyer.address);
      expect((await ledger.invoice(1n)).status).to.equal(InvoiceStatus.Issued);
    });

    describe("when the invoice is not disputed", function () {
      it("reverts with InvoiceInvalidStatus", async function () {
        const { contracts, signers: s } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.buyer).withdrawDispute(1n))
          .to.be.revertedWithCustomError(ledger, "InvoiceInvalidStatus")
          .withArgs(1n, InvoiceStatus.Issued);
      });
    });
  });

  describe("cancelInvoice", function () {
    it("cancels an issued invoice, returns its amount to the order and emits InvoiceCancelled", async function () {
      const { contracts, signers: s } = await loadFixture(invoiceFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.supplier).cancelInvoice(1n))
        .to.emit(ledger, "InvoiceCancelled")
        .withArgs(1n, 1n, 60_000n, s.supplier.address);
      expect((await ledger.invoice(1n)).status).to.equal(InvoiceStatus.Cancelled);
      expect((await ledger.order(1n)).invoiced).to.equal(0n);
    });

    describe("when the invoice is disputed", function () {
      it("cancels it too", async function () {
        const { contracts, signers: s } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        await ledger.connect(s.buyer).disputeInvoice(1n, 1, ethers.ZeroHash);
        await expect(ledger.connect(s.supplier).cancelInvoice(1n))
          .to.emit(ledger, "InvoiceCancelled")
          .withArgs(1n, 1n, 60_000n, s.supplier.address);
        expect((await ledger.invoice(1n)).status).to.equal(InvoiceStatus.Cancelled);
      });
    });

    describe("when the invoice is confirmed", function () {
      it("reverts with InvoiceInvalidStatus", async function () {
        const { contracts, signers: s } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        await ledger.connect(s.buyer).confirmInvoice(1n);
        await expect(ledger.connect(s.supplier).cancelInvoice(1n))
          .to.be.revertedWithCustomError(ledger, "InvoiceInvalidStatus")
          .withArgs(1n, InvoiceStatus.Confirmed);
      });
    });

    describe("when the caller is another supplier", function () {
      it("reverts with InvoiceNotSupplier", async function () {
        const { contracts, signers: s } = await loadFixture(invoiceFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier2).cancelInvoice(1n))
          .to.be.revertedWithCustomError(ledger, "InvoiceNotSupplier")
          .withArgs(1n, ORG.quarry);
      });
    });
  });
});

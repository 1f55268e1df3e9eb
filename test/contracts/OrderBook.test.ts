import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DAY, ORG, OrderStatus, OrgKind, deployNetwork } from "../helpers/ledger-fixture";

describe("OrderBook", function () {
  async function orderFixture() {
    const n = await deployNetwork();
    const token = await n.contracts.token.getAddress();
    const due = (await time.latest()) + 30 * DAY;
    // Order 1 stays Issued for the tests to act on.
    await n.contracts.ledger
      .connect(n.signers.buyer)
      .issueOrder(ORG.pearl, token, 100_000n, due, ethers.ZeroHash, ethers.ZeroHash);
    return { ...n, token, due };
  }

  describe("issueOrder", function () {
    it("stores an Issued order and emits OrderIssued", async function () {
      const { contracts, signers: s, token, due } = await loadFixture(orderFixture);
      const { ledger } = contracts;
      const ref = ethers.encodeBytes32String("PO-7");
      await expect(ledger.connect(s.buyer2).issueOrder(ORG.quarry, token, 2n ** 88n - 1n, due, ref, ethers.id("doc")))
        .to.emit(ledger, "OrderIssued")
        .withArgs(2n, ORG.borealis, ORG.quarry, token, 2n ** 88n - 1n, due, ref, ethers.id("doc"), s.buyer2.address);
      const o = await ledger.order(2n);
      expect([o.buyerOrgId, o.supplierOrgId, o.status, o.amount, o.invoiced]).to.deep.equal([
        ORG.borealis,
        ORG.quarry,
        BigInt(OrderStatus.Issued),
        2n ** 88n - 1n,
        0n,
      ]);
      expect(await ledger.orderCount()).to.equal(2n);
    });

    describe("when the caller is a supplier", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s, token, due } = await loadFixture(orderFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier).issueOrder(ORG.pearl, token, 1n, due, ethers.ZeroHash, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.pearl, OrgKind.CoreEnterprise, OrgKind.Supplier);
      });
    });

    describe("when the buyer's organisation is suspended", function () {
      it("reverts with RegistryOrgSuspended", async function () {
        const { contracts, signers: s, token, due } = await loadFixture(orderFixture);
        const { ledger } = contracts;
        await ledger.connect(s.operator).suspendOrganization(ORG.acme);
        await expect(ledger.connect(s.buyer).issueOrder(ORG.pearl, token, 1n, due, ethers.ZeroHash, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "RegistryOrgSuspended")
          .withArgs(ORG.acme);
      });
    });

    describe("when the supplier is not a supplier", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s, token, due } = await loadFixture(orderFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.buyer).issueOrder(ORG.bankA, token, 1n, due, ethers.ZeroHash, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.bankA, OrgKind.Supplier, OrgKind.Bank);
      });
    });

    describe("when the supplier is suspended", function () {
      it("reverts with RegistryOrgSuspended", async function () {
        const { contracts, signers: s, token, due } = await loadFixture(orderFixture);
        const { ledger } = contracts;
        await ledger.connect(s.operator).suspendOrganization(ORG.pearl);
        await expect(ledger.connect(s.buyer).issueOrder(ORG.pearl, token, 1n, due, ethers.ZeroHash, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "RegistryOrgSuspended")
          .withArgs(ORG.pearl);
      });
    });

    describe("when the currency is not the settlement token", function () {
      it("reverts with OrderUnsupportedCurrency", async function () {
        const { contracts, signers: s, due } = await loadFixture(orderFixture);
        const { ledger } = contracts;
        await expect(
          ledger.connect(s.buyer).issueOrder(ORG.pearl, s.outsider.address, 1n, due, ethers.ZeroHash, ethers.ZeroHash),
        )
          .to.be.revertedWithCustomError(ledger, "OrderUnsupportedCurrency")
          .withArgs(s.outsider.address);
      });
    });

    describe("when the amount is zero", function () {
      it("reverts with OrderZeroAmount", async function () {
        const { contracts, signers: s, token, due } = await loadFixture(orderFixture);
        const { ledger } = contracts;
        await expect(
          ledger.connect(s.buyer).issueOrder(ORG.pearl, token, 0n, due, ethers.ZeroHash, ethers.ZeroHash),
        ).to.be.revertedWithCustomError(ledger, "OrderZeroAmount");
      });
    });

    describe("when the due date is not in the future", function () {
      it("reverts with OrderDueDateNotInFuture", async function () {
        const { contracts, signers: s, token } = await loadFixture(orderFixture);
        const { ledger } = contracts;
        const now = (await time.latest()) + 1;
        await time.setNextBlockTimestamp(now);
        await expect(ledger.connect(s.buyer).issueOrder(ORG.pearl, token, 1n, now, ethers.ZeroHash, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "OrderDueDateNotInFuture")
          .withArgs(now, now);
      });
    });
  });

  describe("acceptOrder", function () {
    it("accepts an issued order and emits OrderAccepted", async function () {
      const { contracts, signers: s } = await loadFixture(orderFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.supplier).acceptOrder(1n))
        .to.emit(ledger, "OrderAccepted")
        .withArgs(1n, s.supplier.address);
      expect((await ledger.order(1n)).status).to.equal(OrderStatus.Accepted);
    });

    describe("when the order is already accepted", function () {
      it("reverts with OrderInvalidStatus", async function () {
        const { contracts, signers: s } = await loadFixture(orderFixture);
        const { ledger } = contracts;
        await ledger.connect(s.supplier).acceptOrder(1n);
        await expect(ledger.connect(s.supplier).acceptOrder(1n))
          .to.be.revertedWithCustomError(ledger, "OrderInvalidStatus")
          .withArgs(1n, OrderStatus.Accepted);
      });
    });

    describe("when the caller is a different supplier", function () {
      it("reverts with OrderNotSupplier", async function () {
        const { contracts, signers: s } = await loadFixture(orderFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier2).acceptOrder(1n))
          .to.be.revertedWithCustomError(ledger, "OrderNotSupplier")
          .withArgs(1n, ORG.quarry);
      });
    });

    describe("when the caller is the buyer", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s } = await loadFixture(orderFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.buyer).acceptOrder(1n))
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.acme, OrgKind.Supplier, OrgKind.CoreEnterprise);
      });
    });

    describe("when the order is unknown", function () {
      it("reverts with OrderUnknown", async function () {
        const { contracts, signers: s } = await loadFixture(orderFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier).acceptOrder(9n))
          .to.be.revertedWithCustomError(ledger, "OrderUnknown")
          .withArgs(9n);
      });
    });
  });

  describe("rejectOrder", function () {
    it("rejects an issued order and emits OrderRejected", async function () {
      const { contracts, signers: s } = await loadFixture(orderFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.supplier).rejectOrder(1n, 4, ethers.ZeroHash))
        .to.emit(ledger, "OrderRejected")
        .withArgs(1n, 4n, ethers.ZeroHash, s.supplier.address);
      expect((await ledger.order(1n)).status).to.equal(OrderStatus.Rejected);
    });

    describe("when the order was cancelled", function () {
      it("reverts with OrderInvalidStatus", async function () {
        const { contracts, signers: s } = await loadFixture(orderFixture);
        const { ledger } = contracts;
        await ledger.connect(s.buyer).cancelOrder(1n);
        await expect(ledger.connect(s.supplier).rejectOrder(1n, 1, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "OrderInvalidStatus")
          .withArgs(1n, OrderStatus.Cancelled);
      });
    });
  });

  describe("cancelOrder", function () {
    it("cancels an issued order and emits OrderCancelled", async function () {
      const { contracts, signers: s } = await loadFixture(orderFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.buyer).cancelOrder(1n))
        .to.emit(ledger, "OrderCancelled")
        .withArgs(1n, s.buyer.address);
      expect((await ledger.order(1n)).status).to.equal(OrderStatus.Cancelled);
    });

    describe("when the order was accepted", function () {
      it("reverts with OrderInvalidStatus", async function () {
        const { contracts, signers: s } = await loadFixture(orderFixture);
        const { ledger } = contracts;
        await ledger.connect(s.supplier).acceptOrder(1n);
        await expect(ledger.connect(s.buyer).cancelOrder(1n))
          .to.be.revertedWithCustomError(ledger, "OrderInvalidStatus")
          .withArgs(1n, OrderStatus.Accepted);
      });
    });

    describe("when the caller is another buyer", function () {
      it("reverts with OrderNotBuyer", async function () {
        const { contracts, signers: s } = await loadFixture(orderFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.buyer2).cancelOrder(1n))
          .to.be.revertedWithCustomError(ledger, "OrderNotBuyer")
          .withArgs(1n, ORG.borealis);
      });
    });

    describe("when the order is unknown", function () {
      it("reverts with OrderUnknown", async function () {
        const { contracts, signers: s } = await loadFixture(orderFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.buyer).cancelOrder(2n))
          .to.be.revertedWithCustomError(ledger, "OrderUnknown")
          .withArgs(2n);
      });
    });
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  BANK_A,
  DAY,
  FinancingStatus,
  GRACE,
  ORG,
  Role,
  deployNetwork,
  invoiceOf,
  requestOf,
} from "../helpers/ledger-fixture";

/**
 * The fast-track limit bounds a supplier's whole fast-track exposure at a bank (open, approved and
 * disbursed-not-repaid fast-track requests plus the new one), the bank treasury's own allowance bounds what the
 * ledger may draw at disbursement, and only a bank's officers (not its admins) decide its financing.
 */
describe("Fast-track exposure, treasury allowance and officer role", function () {
  /** A 2,000,000.00 order from Acme to Pearl, invoiced as four invoices of 500,000.00, all confirmed. */
  async function splitFixture() {
    const n = await deployNetwork();
    const invoices: bigint[] = [];
    for (let i = 0; i < 4; i++) invoices.push((await invoiceOf(n, 500_000_00n)).invoiceId);
    return { ...n, invoices };
  }

  describe("requestFinancing", function () {
    describe("when a 2,000,000.00 order is split into four requests of 400,000.00", function () {
      it("puts only the first on the fast-track: the limit bounds the whole exposure", async function () {
        const n = await loadFixture(splitFixture);
        const { ledger } = n.contracts;
        const s = n.signers;
        const fast: boolean[] = [];
        for (const invoiceId of n.invoices) {
          expect(await ledger.isFastTrack(invoiceId, ORG.bankA, 400_000_00n)).to.equal(fast.length === 0);
          const requestId = await requestOf(n, invoiceId, ORG.bankA, 400_000_00n);
          fast.push((await ledger.financingRequest(requestId)).fastTrack);
        }
        expect(fast).to.deep.equal([true, false, false, false]);
        expect(await ledger.fastTrackExposure(ORG.bankA, ORG.pearl)).to.deep.equal([
          400_000_00n,
          BANK_A.fastTrackLimit - 400_000_00n,
        ]);
        // One officer's approval no longer suffices for the other three.
        await expect(ledger.connect(s.officerA1).approveFinancing(2n))
          .to.emit(ledger, "FinancingApproved")
          .withArgs(2n, s.officerA1.address, 1n, 2n);
        expect((await ledger.financingRequest(2n)).status).to.equal(FinancingStatus.Requested);
        await expect(ledger.connect(s.officerA1).disburseFinancing(2n))
          .to.be.revertedWithCustomError(ledger, "FinancingInvalidStatus")
          .withArgs(2n, FinancingStatus.Requested);
      });
    });

    it("emits FinancingRequested with fastTrack false once the exposure would pass the limit", async function () {
      const n = await loadFixture(splitFixture);
      const { ledger } = n.contracts;
      await requestOf(n, n.invoices[0], ORG.bankA, 400_000_00n);
      await expect(ledger.connect(n.signers.supplier).requestFinancing(n.invoices[1], ORG.bankA, 100_000_01n))
        .to.emit(ledger, "FinancingRequested")
        .withArgs(2n, n.invoices[1], ORG.bankA, ORG.pearl, 100_000_01n, false, BANK_A.discountRateBps, n.signers.supplier.address);
      // Exactly up to the limit is still the fast-track.
      await expect(ledger.connect(n.signers.supplier).requestFinancing(n.invoices[2], ORG.bankA, 100_000_00n))
        .to.emit(ledger, "FinancingRequested")
        .withArgs(3n, n.invoices[2], ORG.bankA, ORG.pearl, 100_000_00n, true, BANK_A.discountRateBps, n.signers.supplier.address);
      expect((await ledger.fastTrackExposure(ORG.bankA, ORG.pearl))[0]).to.equal(BANK_A.fastTrackLimit);
      expect((await ledger.creditRecord(ORG.bankA, ORG.pearl)).fastTracked).to.equal(BANK_A.fastTrackLimit);
    });
  });

  describe("the exposure", function () {
    it("is released when a fast-track request is withdrawn or rejected", async function () {
      const n = await loadFixture(splitFixture);
      const { ledger } = n.contracts;
      const s = n.signers;
      await requestOf(n, n.invoices[0], ORG.bankA, 400_000_00n);
      await ledger.connect(s.supplier).withdrawFinancing(1n);
      expect((await ledger.fastTrackExposure(ORG.bankA, ORG.pearl))[0]).to.equal(0n);
      await requestOf(n, n.invoices[1], ORG.bankA, 400_000_00n);
      await ledger.connect(s.officerA1).approveFinancing(2n);
      await ledger.connect(s.officerA2).rejectFinancing(2n, 3, ethers.id("reason-commitment"));
      expect((await ledger.fastTrackExposure(ORG.bankA, ORG.pearl))[0]).to.equal(0n);
      expect((await ledger.financingRequest(await requestOf(n, n.invoices[2], ORG.bankA, 400_000_00n))).fastTrack).to.equal(true);
    });

    it("is not touched by a maker-checker request that is withdrawn", async function () {
      const n = await loadFixture(splitFixture);
      const { ledger } = n.contracts;
      await requestOf(n, n.invoices[0], ORG.bankA, 400_000_00n);
      await requestOf(n, n.invoices[1], ORG.bankA, 400_000_00n);
      await ledger.connect(n.signers.supplier).withdrawFinancing(2n);
      expect((await ledger.fastTrackExposure(ORG.bankA, ORG.pearl))[0]).to.equal(400_000_00n);
    });

    it("stays while disbursed and falls as the bank is repaid (recourse, then the buyer)", async function () {
      const n = await loadFixture(splitFixture);
      const { ledger } = n.contracts;
      const s = n.signers;
      await requestOf(n, n.invoices[0], ORG.bankA, 400_000_00n);
      await ledger.connect(s.officerA1).approveFinancing(1n);
      await ledger.connect(s.officerA1).disburseFinancing(1n);
      expect((await ledger.fastTrackExposure(ORG.bankA, ORG.pearl))[0]).to.equal(400_000_00n);
      await ledger.connect(s.supplier).repayFinancing(1n, 150_000_00n);
      expect((await ledger.fastTrackExposure(ORG.bankA, ORG.pearl))[0]).to.equal(250_000_00n);
      await ledger.connect(s.buyer).payInvoice(n.invoices[0], 500_000_00n);
      expect(await ledger.fastTrackExposure(ORG.bankA, ORG.pearl)).to.deep.equal([0n, BANK_A.fastTrackLimit]);
    });

    it("stays when the request defaults", async function () {
      const n = await loadFixture(deployNetwork);
      const { ledger } = n.contracts;
      const s = n.signers;
      const { invoiceId, dueDate } = await invoiceOf(n, 100_000_00n, { dueInSeconds: 10 * DAY });
      await requestOf(n, invoiceId, ORG.bankA, 50_000_00n);
      await ledger.connect(s.officerA1).approveFinancing(1n);
      await ledger.connect(s.officerA1).disburseFinancing(1n);
      await time.increaseTo(dueDate + GRACE + 1);
      await ledger.markOverdue(invoiceId);
      await ledger.connect(s.officerA1).declareDefault(1n);
      expect((await ledger.fastTrackExposure(ORG.bankA, ORG.pearl))[0]).to.equal(50_000_00n);
    });
  });

  describe("isFastTrack", function () {
    it("answers false, without overflowing, for an amount beyond any limit", async function () {
      const n = await loadFixture(splitFixture);
      expect(await n.contracts.ledger.isFastTrack(n.invoices[0], ORG.bankA, ethers.MaxUint256)).to.equal(false);
    });
  });

  describe("disburseFinancing", function () {
    /** Request 1 of 400,000.00 at bank A, approved on the fast-track. */
    async function approvedFixture() {
      const n = await splitFixture();
      await requestOf(n, n.invoices[0], ORG.bankA, 400_000_00n);
      await n.contracts.ledger.connect(n.signers.officerA1).approveFinancing(1n);
      return n;
    }

    describe("when the bank treasury's allowance does not cover the net advance", function () {
      it("reverts with FinancingAllowanceTooLow and moves no money", async function () {
        const n = await loadFixture(approvedFixture);
        const { ledger, token } = n.contracts;
        const s = n.signers;
        await token.connect(s.bankATreasury).approve(await ledger.getAddress(), 1_000n);
        const before = [await token.balanceOf(s.bankATreasury), await token.balanceOf(s.pearlTreasury)];
        await expect(ledger.connect(s.officerA1).disburseFinancing(1n)).to.be.revertedWithCustomError(
          ledger,
          "FinancingAllowanceTooLow",
        );
        expect([await token.balanceOf(s.bankATreasury), await token.balanceOf(s.pearlTreasury)]).to.deep.equal(before);
        expect((await ledger.financingRequest(1n)).status).to.equal(FinancingStatus.Approved);
      });

      it("names the bank, the allowance and the net amount needed", async function () {
        const n = await loadFixture(approvedFixture);
        const { ledger, token } = n.contracts;
        const s = n.signers;
        await token.connect(s.bankATreasury).approve(await ledger.getAddress(), 1_000n);
        const r = await ledger.financingRequest(1n);
        const inv = await ledger.invoice(n.invoices[0]);
        const at = (await time.latest()) + 1;
        await time.setNextBlockTimestamp(at);
        const [discount] = await ledger.discountFor(r.amount, r.discountRateBps, at, inv.dueDate);
        await expect(ledger.connect(s.officerA1).disburseFinancing(1n))
          .to.be.revertedWithCustomError(ledger, "FinancingAllowanceTooLow")
          .withArgs(ORG.bankA, 1_000n, r.amount - discount);
      });
    });

    describe("when the treasury raises its allowance by an ERC-2612 permit", function () {
      it("disburses: the permit is signed by the treasury's own key and anyone may submit it", async function () {
        const n = await loadFixture(approvedFixture);
        const { ledger, token } = n.contracts;
        const s = n.signers;
        const ledgerAddress = await ledger.getAddress();
        await token.connect(s.bankATreasury).approve(ledgerAddress, 0n);
        const value = 400_000_00n;
        const deadline = (await time.latest()) + DAY;
        const domain = {
          name: await token.name(),
          version: "1",
          chainId: (await ethers.provider.getNetwork()).chainId,
          verifyingContract: await token.getAddress(),
        };
        const types = {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        };
        const message = { owner: s.bankATreasury.address, spender: ledgerAddress, value, nonce: 0n, deadline };
        const sig = ethers.Signature.from(await s.bankATreasury.signTypedData(domain, types, message));
        await token.connect(s.relayer).permit(s.bankATreasury.address, ledgerAddress, value, deadline, sig.v, sig.r, sig.s);
        expect(await token.allowance(s.bankATreasury.address, ledgerAddress)).to.equal(value);
        const tx = ledger.connect(s.officerA1).disburseFinancing(1n);
        await expect(tx).to.emit(ledger, "FinancingDisbursed");
        const net = (await token.balanceOf(s.pearlTreasury)) - 10_000_000_00n;
        await expect(tx).to.changeTokenBalances(token, [s.bankATreasury, s.pearlTreasury], [-net, net]);
        expect(await token.allowance(s.bankATreasury.address, ledgerAddress)).to.equal(value - net);
      });
    });
  });

  describe("a bank admin", function () {
    it("cannot approve, reject or disburse financing: RegistryRoleRequired", async function () {
      const n = await loadFixture(splitFixture);
      const { ledger } = n.contracts;
      const s = n.signers;
      await requestOf(n, n.invoices[0], ORG.bankA, 400_000_00n);
      for (const call of [
        () => ledger.connect(s.adminA).approveFinancing(1n),
        () => ledger.connect(s.adminA).rejectFinancing(1n, 0, ethers.ZeroHash),
        () => ledger.connect(s.adminA).disburseFinancing(1n),
      ]) {
        await expect(call())
          .to.be.revertedWithCustomError(ledger, "RegistryRoleRequired")
          .withArgs(s.adminA.address, ORG.bankA, Role.Officer, Role.Admin);
      }
    });
  });

  describe("issueOrder", function () {
    describe("when the buyer names itself as the supplier", function () {
      it("reverts with OrderSelfDealing", async function () {
        const n = await loadFixture(deployNetwork);
        const { ledger, token } = n.contracts;
        const due = (await time.latest()) + 30 * DAY;
        await expect(
          ledger.connect(n.signers.buyer).issueOrder(ORG.acme, await token.getAddress(), 1n, due, ethers.ZeroHash, ethers.ZeroHash),
        )
          .to.be.revertedWithCustomError(ledger, "OrderSelfDealing")
          .withArgs(ORG.acme);
      });
    });
  });
});

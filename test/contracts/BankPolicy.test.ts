import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { BANK_A, ORG, OrgKind, deployNetwork } from "../helpers/ledger-fixture";

describe("BankPolicy", function () {
  async function policyFixture() {
    return deployNetwork();
  }

  describe("setBankPolicy", function () {
    it("stores the caller's bank policy and emits BankPolicySet", async function () {
      const { contracts, signers: s } = await loadFixture(policyFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.officerA2).setBankPolicy(10_000, 10_000, 2n ** 88n - 1n))
        .to.emit(ledger, "BankPolicySet")
        .withArgs(ORG.bankA, 10_000, 10_000, 2n ** 88n - 1n, s.officerA2.address);
      const p = await ledger.bankPolicy(ORG.bankA);
      expect([p.advanceRateBps, p.discountRateBps, p.fastTrackLimit]).to.deep.equal([10_000n, 10_000n, 2n ** 88n - 1n]);
      // Bank B's policy is untouched.
      expect((await ledger.bankPolicy(ORG.bankB)).advanceRateBps).to.equal(8000n);
    });

    describe("when the advance rate is above 100 %", function () {
      it("reverts with PolicyRateTooHigh", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).setBankPolicy(10_001, 0, 0))
          .to.be.revertedWithCustomError(ledger, "PolicyRateTooHigh")
          .withArgs(10_001, 10_000);
      });
    });

    describe("when the discount rate is above 100 %", function () {
      it("reverts with PolicyRateTooHigh", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).setBankPolicy(9000, 65_535, 0))
          .to.be.revertedWithCustomError(ledger, "PolicyRateTooHigh")
          .withArgs(65_535, 10_000);
      });
    });

    describe("when the caller is a supplier", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier).setBankPolicy(9000, 0, 0))
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.pearl, OrgKind.Bank, OrgKind.Supplier);
      });
    });

    describe("when the caller is not a member", function () {
      it("reverts with RegistryNotMember", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.outsider).setBankPolicy(9000, 0, 0))
          .to.be.revertedWithCustomError(ledger, "RegistryNotMember")
          .withArgs(s.outsider.address);
      });
    });
  });

  describe("setTrustedBuyer", function () {
    it("adds and removes a trusted buyer and emits TrustedBuyerSet", async function () {
      const { contracts, signers: s } = await loadFixture(policyFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.officerA1).setTrustedBuyer(ORG.borealis, true))
        .to.emit(ledger, "TrustedBuyerSet")
        .withArgs(ORG.bankA, ORG.borealis, true, s.officerA1.address);
      expect(await ledger.isTrustedBuyer(ORG.bankA, ORG.borealis)).to.equal(true);
      expect(await ledger.isTrustedBuyer(ORG.bankB, ORG.borealis)).to.equal(false);
      await expect(ledger.connect(s.officerA2).setTrustedBuyer(ORG.borealis, false))
        .to.emit(ledger, "TrustedBuyerSet")
        .withArgs(ORG.bankA, ORG.borealis, false, s.officerA2.address);
      expect(await ledger.isTrustedBuyer(ORG.bankA, ORG.borealis)).to.equal(false);
    });

    describe("when the buyer is suspended", function () {
      it("refuses to trust it (RegistryOrgSuspended) but lets the bank stop trusting it", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        const { ledger } = contracts;
        await ledger.connect(s.operator).suspendOrganization(ORG.acme);
        await expect(ledger.connect(s.officerA1).setTrustedBuyer(ORG.acme, true))
          .to.be.revertedWithCustomError(ledger, "RegistryOrgSuspended")
          .withArgs(ORG.acme);
        await expect(ledger.connect(s.officerA1).setTrustedBuyer(ORG.acme, false))
          .to.emit(ledger, "TrustedBuyerSet")
          .withArgs(ORG.bankA, ORG.acme, false, s.officerA1.address);
        expect(await ledger.isTrustedBuyer(ORG.bankA, ORG.acme)).to.equal(false);
      });
    });

    describe("when the organisation is not a core enterprise", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).setTrustedBuyer(ORG.pearl, true))
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.pearl, OrgKind.CoreEnterprise, OrgKind.Supplier);
      });
    });

    describe("when the organisation is unknown", function () {
      it("reverts with RegistryUnknownOrg", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).setTrustedBuyer(77n, true))
          .to.be.revertedWithCustomError(ledger, "RegistryUnknownOrg")
          .withArgs(77n);
      });
    });

    describe("when the caller is a buyer", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.buyer).setTrustedBuyer(ORG.acme, true))
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.acme, OrgKind.Bank, OrgKind.CoreEnterprise);
      });
    });
  });

  describe("setCreditLimit", function () {
    it("sets the limit in the caller's bank's record and emits CreditLimitSet", async function () {
      const { contracts, signers: s } = await loadFixture(policyFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.officerB2).setCreditLimit(ORG.quarry, 123_45n))
        .to.emit(ledger, "CreditLimitSet")
        .withArgs(ORG.bankB, ORG.quarry, 123_45n, s.officerB2.address);
      expect((await ledger.creditRecord(ORG.bankB, ORG.quarry)).limit).to.equal(123_45n);
      expect((await ledger.creditRecord(ORG.bankA, ORG.pearl)).limit).to.equal(BANK_A.pearlLimit);
    });

    describe("when the organisation is not a supplier", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).setCreditLimit(ORG.audit, 1n))
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.audit, OrgKind.Supplier, OrgKind.Auditor);
      });
    });

    describe("when the supplier is suspended", function () {
      it("reverts with RegistryOrgSuspended", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        const { ledger } = contracts;
        await ledger.connect(s.operator).suspendOrganization(ORG.quarry);
        await expect(ledger.connect(s.officerA1).setCreditLimit(ORG.quarry, 1n))
          .to.be.revertedWithCustomError(ledger, "RegistryOrgSuspended")
          .withArgs(ORG.quarry);
      });
    });

    describe("when the caller is an auditor", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.auditor).setCreditLimit(ORG.pearl, 1n))
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.audit, OrgKind.Bank, OrgKind.Auditor);
      });
    });
  });
});

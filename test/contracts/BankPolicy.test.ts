import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  BANK_A,
  ChangeKind,
  ORG,
  OrgKind,
  Role,
  applyPolicy,
  creditLimit,
  deployNetwork,
  rates,
  trustedBuyer,
} from "../helpers/ledger-fixture";

/** Policy proposal statuses. */
const P = { None: 0, Pending: 1, Approved: 2, Rejected: 3 } as const;

describe("BankPolicy", function () {
  async function policyFixture() {
    return deployNetwork();
  }

  /** Bank A's officer 1 has proposed 100 % / 100 % / max fast-track (proposal 8: the fixture made 7). */
  async function proposedFixture() {
    const n = await deployNetwork();
    await n.contracts.ledger.connect(n.signers.officerA1).proposePolicyChange(rates(10_000, 10_000, 2n ** 80n - 1n));
    return { ...n, proposalId: await n.contracts.ledger.policyProposalCount() };
  }

  describe("proposePolicyChange", function () {
    it("stores a pending proposal, emits PolicyChangeProposed with the change, and changes nothing yet", async function () {
      const { contracts, signers: s } = await loadFixture(policyFixture);
      const { ledger } = contracts;
      const change = rates(10_000, 10_000, 2n ** 80n - 1n);
      await expect(ledger.connect(s.officerA1).proposePolicyChange(change))
        .to.emit(ledger, "PolicyChangeProposed")
        .withArgs(8n, ORG.bankA, s.officerA1.address, [ChangeKind.Rates, 0, false, 10_000, 10_000, 2n ** 80n - 1n, 0n]);
      const p = await ledger.policyProposal(8n);
      expect([p.bankOrgId, p.status, p.proposer]).to.deep.equal([ORG.bankA, BigInt(P.Pending), s.officerA1.address]);
      expect(p.change.fastTrackLimit).to.equal(2n ** 80n - 1n);
      expect((await ledger.bankPolicy(ORG.bankA)).advanceRateBps).to.equal(BigInt(BANK_A.advanceRateBps));
    });

    describe("when the advance rate is above 100 %", function () {
      it("reverts with PolicyRateTooHigh", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        await expect(contracts.ledger.connect(s.officerA1).proposePolicyChange(rates(10_001, 0, 0n)))
          .to.be.revertedWithCustomError(contracts.ledger, "PolicyRateTooHigh")
          .withArgs(10_001, 10_000);
      });
    });

    describe("when the discount rate is above 100 %", function () {
      it("reverts with PolicyRateTooHigh", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        await expect(contracts.ledger.connect(s.officerA1).proposePolicyChange(rates(9000, 65_535, 0n)))
          .to.be.revertedWithCustomError(contracts.ledger, "PolicyRateTooHigh")
          .withArgs(65_535, 10_000);
      });
    });

    describe("when a trusted buyer is a supplier", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        await expect(contracts.ledger.connect(s.officerA1).proposePolicyChange(trustedBuyer(ORG.pearl, true)))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.pearl, OrgKind.CoreEnterprise, OrgKind.Supplier);
      });
    });

    describe("when a credit limit is for an unknown organisation", function () {
      it("reverts with RegistryUnknownOrg", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        await expect(contracts.ledger.connect(s.officerA1).proposePolicyChange(creditLimit(99, 1n)))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryUnknownOrg")
          .withArgs(99n);
      });
    });

    describe("when the caller is the bank's admin, not an officer", function () {
      it("reverts with RegistryRoleRequired", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        await expect(contracts.ledger.connect(s.adminA).proposePolicyChange(rates(9000, 0, 0n)))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryRoleRequired")
          .withArgs(s.adminA.address, ORG.bankA, Role.Officer, Role.Admin);
      });
    });

    describe("when the caller is a supplier", function () {
      it("reverts with RegistryWrongOrgKind", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        await expect(contracts.ledger.connect(s.supplier).proposePolicyChange(rates(9000, 0, 0n)))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.pearl, OrgKind.Bank, OrgKind.Supplier);
      });
    });

    describe("when the caller is not a member", function () {
      it("reverts with RegistryNotMember", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        await expect(contracts.ledger.connect(s.outsider).proposePolicyChange(rates(9000, 0, 0n)))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryNotMember")
          .withArgs(s.outsider.address);
      });
    });
  });

  describe("approvePolicyChange", function () {
    it("applies new rates when a second officer approves, and emits PolicyChangeApproved and BankPolicySet", async function () {
      const { contracts, signers: s, proposalId } = await loadFixture(proposedFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.officerA2).approvePolicyChange(proposalId))
        .to.emit(ledger, "PolicyChangeApproved")
        .withArgs(proposalId, ORG.bankA, s.officerA2.address, s.officerA1.address)
        .and.to.emit(ledger, "BankPolicySet")
        .withArgs(ORG.bankA, proposalId, 10_000, 10_000, 2n ** 80n - 1n, s.officerA2.address);
      const p = await ledger.bankPolicy(ORG.bankA);
      expect([p.advanceRateBps, p.discountRateBps, p.fastTrackLimit]).to.deep.equal([10_000n, 10_000n, 2n ** 80n - 1n]);
      expect((await ledger.policyProposal(proposalId)).status).to.equal(P.Approved);
      // Bank B's policy is untouched.
      expect((await ledger.bankPolicy(ORG.bankB)).advanceRateBps).to.equal(8000n);
    });

    it("adds and removes a trusted buyer and emits TrustedBuyerSet", async function () {
      const n = await loadFixture(policyFixture);
      const { ledger } = n.contracts;
      const s = n.signers;
      await ledger.connect(s.officerA1).proposePolicyChange(trustedBuyer(ORG.borealis, true));
      await expect(ledger.connect(s.officerA2).approvePolicyChange(8n))
        .to.emit(ledger, "TrustedBuyerSet")
        .withArgs(ORG.bankA, ORG.borealis, 8n, true, s.officerA2.address);
      expect(await ledger.isTrustedBuyer(ORG.bankA, ORG.borealis)).to.equal(true);
      await applyPolicy(n, s.officerA2, s.officerA1, trustedBuyer(ORG.borealis, false));
      expect(await ledger.isTrustedBuyer(ORG.bankA, ORG.borealis)).to.equal(false);
    });

    it("sets a supplier's credit limit and emits CreditLimitSet", async function () {
      const { contracts, signers: s } = await loadFixture(policyFixture);
      const { ledger } = contracts;
      await ledger.connect(s.officerB2).proposePolicyChange(creditLimit(ORG.quarry, 123n));
      await expect(ledger.connect(s.officerB1).approvePolicyChange(8n))
        .to.emit(ledger, "CreditLimitSet")
        .withArgs(ORG.bankB, ORG.quarry, 8n, 123n, s.officerB1.address);
      expect((await ledger.creditRecord(ORG.bankB, ORG.quarry)).limit).to.equal(123n);
    });

    describe("when the proposer approves their own proposal", function () {
      it("reverts with PolicySelfApproval and nothing changes", async function () {
        const { contracts, signers: s, proposalId } = await loadFixture(proposedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).approvePolicyChange(proposalId))
          .to.be.revertedWithCustomError(ledger, "PolicySelfApproval")
          .withArgs(proposalId, s.officerA1.address);
        expect((await ledger.bankPolicy(ORG.bankA)).advanceRateBps).to.equal(BigInt(BANK_A.advanceRateBps));
      });
    });

    describe("when an officer of another bank approves", function () {
      it("reverts with PolicyNotBank", async function () {
        const { contracts, signers: s, proposalId } = await loadFixture(proposedFixture);
        await expect(contracts.ledger.connect(s.officerB1).approvePolicyChange(proposalId))
          .to.be.revertedWithCustomError(contracts.ledger, "PolicyNotBank")
          .withArgs(proposalId, ORG.bankB);
      });
    });

    describe("when the bank's admin approves", function () {
      it("reverts with RegistryRoleRequired", async function () {
        const { contracts, signers: s, proposalId } = await loadFixture(proposedFixture);
        await expect(contracts.ledger.connect(s.adminA).approvePolicyChange(proposalId))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryRoleRequired")
          .withArgs(s.adminA.address, ORG.bankA, Role.Officer, Role.Admin);
      });
    });

    describe("when the proposal is already approved", function () {
      it("reverts with PolicyProposalDecided", async function () {
        const { contracts, signers: s, proposalId } = await loadFixture(proposedFixture);
        await contracts.ledger.connect(s.officerA2).approvePolicyChange(proposalId);
        await expect(contracts.ledger.connect(s.officerA2).approvePolicyChange(proposalId))
          .to.be.revertedWithCustomError(contracts.ledger, "PolicyProposalDecided")
          .withArgs(proposalId, P.Approved);
      });
    });

    describe("when the proposal is unknown", function () {
      it("reverts with PolicyUnknownProposal", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        await expect(contracts.ledger.connect(s.officerA2).approvePolicyChange(99n))
          .to.be.revertedWithCustomError(contracts.ledger, "PolicyUnknownProposal")
          .withArgs(99n);
      });
    });

    describe("when the supplier was suspended after the proposal", function () {
      it("reverts with RegistryOrgSuspended: the change is checked again", async function () {
        const { contracts, signers: s } = await loadFixture(policyFixture);
        const { ledger } = contracts;
        await ledger.connect(s.officerA1).proposePolicyChange(creditLimit(ORG.quarry, 1n));
        await ledger.connect(s.operator).suspendOrganization(ORG.quarry);
        await expect(ledger.connect(s.officerA2).approvePolicyChange(8n))
          .to.be.revertedWithCustomError(ledger, "RegistryOrgSuspended")
          .withArgs(ORG.quarry);
      });
    });
  });

  describe("rejectPolicyChange", function () {
    it("lets another officer reject a proposal, emits PolicyChangeRejected and changes nothing", async function () {
      const { contracts, signers: s, proposalId } = await loadFixture(proposedFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.officerA2).rejectPolicyChange(proposalId))
        .to.emit(ledger, "PolicyChangeRejected")
        .withArgs(proposalId, ORG.bankA, s.officerA2.address);
      expect((await ledger.policyProposal(proposalId)).status).to.equal(P.Rejected);
      await expect(ledger.connect(s.officerA2).approvePolicyChange(proposalId))
        .to.be.revertedWithCustomError(ledger, "PolicyProposalDecided")
        .withArgs(proposalId, P.Rejected);
      expect((await ledger.bankPolicy(ORG.bankA)).advanceRateBps).to.equal(BigInt(BANK_A.advanceRateBps));
    });

    describe("when an officer of another bank rejects", function () {
      it("reverts with PolicyNotBank", async function () {
        const { contracts, signers: s, proposalId } = await loadFixture(proposedFixture);
        await expect(contracts.ledger.connect(s.officerB2).rejectPolicyChange(proposalId))
          .to.be.revertedWithCustomError(contracts.ledger, "PolicyNotBank")
          .withArgs(proposalId, ORG.bankB);
      });
    });
  });

  describe("views", function () {
    it("bankPolicy, isTrustedBuyer, creditRecord and fastTrackExposure answer for unknown ids with zeros", async function () {
      const { contracts } = await loadFixture(policyFixture);
      const { ledger } = contracts;
      const p = await ledger.bankPolicy(99n);
      expect([p.advanceRateBps, p.discountRateBps, p.fastTrackLimit]).to.deep.equal([0n, 0n, 0n]);
      expect(await ledger.isTrustedBuyer(ORG.bankA, ORG.borealis)).to.equal(false);
      expect((await ledger.creditRecord(ORG.bankB, ORG.quarry)).limit).to.equal(0n);
      expect(await ledger.fastTrackExposure(99n, 99n)).to.deep.equal([0n, 0n]);
      expect(await ledger.fastTrackExposure(ORG.bankA, ORG.pearl)).to.deep.equal([0n, BANK_A.fastTrackLimit]);
      expect((await ledger.policyProposal(99n)).status).to.equal(P.None);
    });
  });
});

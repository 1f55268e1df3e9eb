import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { SettlementToken__factory, TrellisLedger__factory } from "../../typechain-types";
import {
  GRACE,
  ORG,
  OrgKind,
  OrgStatus,
  ProposalStatus,
  Role,
  commitment,
  deployNetwork,
  kycOf,
  rates,
} from "../helpers/ledger-fixture";

describe("OrgRegistry", function () {
  async function registryFixture() {
    return deployNetwork();
  }

  /** Bank A's admin has proposed the outsider as an officer (proposal 3: the fixture made one per bank). */
  async function proposedFixture() {
    const n = await deployNetwork();
    await n.contracts.ledger.connect(n.signers.adminA).proposeMember(ORG.bankA, n.signers.outsider.address, Role.Officer);
    return { ...n, proposalId: await n.contracts.ledger.memberProposalCount() };
  }

  describe("constructor", function () {
    it("names the operator and announces the grace period", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      expect(await ledger.operator()).to.equal(s.operator.address);
      expect(await ledger.gracePeriod()).to.equal(GRACE);
      const tx = ledger.deploymentTransaction()!;
      await expect(tx).to.emit(ledger, "GracePeriodSet").withArgs(GRACE, s.operator.address);
    });

    describe("when the admin is the zero address", function () {
      it("reverts with RegistryZeroAddress", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const factory = new TrellisLedger__factory(s.deployer);
        const token = await contracts.token.getAddress();
        await expect(factory.deploy(ethers.ZeroAddress, s.relayer.address, token, 0)).to.be.revertedWithCustomError(
          factory,
          "RegistryZeroAddress",
        );
      });
    });

    describe("when the token is the zero address", function () {
      it("reverts with RegistryZeroAddress", async function () {
        const { signers: s } = await loadFixture(registryFixture);
        const factory = new TrellisLedger__factory(s.deployer);
        await expect(
          factory.deploy(s.operator.address, s.relayer.address, ethers.ZeroAddress, 0),
        ).to.be.revertedWithCustomError(factory, "RegistryZeroAddress");
      });
    });

    describe("when the grace period is longer than 365 days", function () {
      it("reverts with RegistryGracePeriodTooLong", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const factory = new TrellisLedger__factory(s.deployer);
        const token = await contracts.token.getAddress();
        await expect(factory.deploy(s.operator.address, s.relayer.address, token, 365 * 86_400 + 1))
          .to.be.revertedWithCustomError(factory, "RegistryGracePeriodTooLong")
          .withArgs(365 * 86_400 + 1, 365 * 86_400);
      });
    });
  });

  describe("registerOrganization", function () {
    it("stores the organisation with its first admin and emits OrganizationRegistered and MemberAdded", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      const name = commitment("Delta Freight");
      const [treasury, admin] = [ethers.Wallet.createRandom().address, ethers.Wallet.createRandom().address];
      await expect(ledger.connect(s.operator).registerOrganization(OrgKind.Supplier, name, treasury, kycOf(8), admin))
        .to.emit(ledger, "OrganizationRegistered")
        .withArgs(8n, OrgKind.Supplier, treasury, kycOf(8), name, admin, s.operator.address)
        .and.to.emit(ledger, "MemberAdded")
        .withArgs(8n, admin, Role.Admin, s.operator.address);
      const org = await ledger.organization(8n);
      expect([org.treasury, org.kind, org.status, org.governors, org.admins]).to.deep.equal([
        treasury,
        BigInt(OrgKind.Supplier),
        BigInt(OrgStatus.Active),
        1n,
        1n,
      ]);
      expect(await ledger.orgOf(admin)).to.equal(8n);
      expect(await ledger.roleOf(admin)).to.equal(Role.Admin);
      expect(await ledger.orgOfKyc(kycOf(8))).to.equal(8n);
      expect(await ledger.organizationCount()).to.equal(8n);
    });

    describe("when the KYC dossier was registered before", function () {
      it("reverts with RegistryDuplicateKyc: one identity cannot be both buyer and supplier", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const admin = ethers.Wallet.createRandom().address;
        const treasury = ethers.Wallet.createRandom().address;
        await expect(
          contracts.ledger.connect(s.operator).registerOrganization(OrgKind.Supplier, ethers.ZeroHash, treasury, kycOf(1), admin),
        )
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryDuplicateKyc")
          .withArgs(kycOf(1), ORG.acme);
      });
    });

    describe("when the first admin is already a member elsewhere", function () {
      it("reverts with RegistryAlreadyMember", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(
          contracts.ledger
            .connect(s.operator)
            .registerOrganization(OrgKind.Supplier, ethers.ZeroHash, s.outsider.address, kycOf(8), s.buyer.address),
        )
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryAlreadyMember")
          .withArgs(s.buyer.address, ORG.acme);
      });
    });

    describe("when the KYC hash is zero", function () {
      it("reverts with RegistryEmptyKycHash", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(
          contracts.ledger
            .connect(s.operator)
            .registerOrganization(OrgKind.Supplier, ethers.ZeroHash, s.outsider.address, ethers.ZeroHash, s.outsider.address),
        ).to.be.revertedWithCustomError(contracts.ledger, "RegistryEmptyKycHash");
      });
    });

    describe("when the treasury or the admin is the zero address", function () {
      it("reverts with RegistryZeroAddress", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const op = contracts.ledger.connect(s.operator);
        await expect(
          op.registerOrganization(OrgKind.Supplier, ethers.ZeroHash, ethers.ZeroAddress, kycOf(8), s.outsider.address),
        ).to.be.revertedWithCustomError(contracts.ledger, "RegistryZeroAddress");
        await expect(
          op.registerOrganization(OrgKind.Supplier, ethers.ZeroHash, s.outsider.address, kycOf(8), ethers.ZeroAddress),
        ).to.be.revertedWithCustomError(contracts.ledger, "RegistryZeroAddress");
      });
    });

    describe("when the kind is None", function () {
      it("reverts with RegistryInvalidKind", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(
          contracts.ledger
            .connect(s.operator)
            .registerOrganization(OrgKind.None, ethers.ZeroHash, s.outsider.address, kycOf(8), s.outsider.address),
        ).to.be.revertedWithCustomError(contracts.ledger, "RegistryInvalidKind");
      });
    });

    describe("when the caller is not the operator", function () {
      it("reverts with RegistryNotOperator", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(
          contracts.ledger
            .connect(s.deployer)
            .registerOrganization(OrgKind.Supplier, ethers.ZeroHash, s.outsider.address, kycOf(8), s.outsider.address),
        )
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryNotOperator")
          .withArgs(s.deployer.address);
      });
    });
  });

  describe("suspendOrganization", function () {
    it("suspends, emits OrganizationSuspended and stops the members from acting", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.operator).suspendOrganization(ORG.bankA))
        .to.emit(ledger, "OrganizationSuspended")
        .withArgs(ORG.bankA, s.operator.address);
      expect((await ledger.organization(ORG.bankA)).status).to.equal(OrgStatus.Suspended);
      await expect(ledger.connect(s.officerA1).proposePolicyChange(rates(1, 1, 1n)))
        .to.be.revertedWithCustomError(ledger, "RegistryOrgSuspended")
        .withArgs(ORG.bankA);
      await expect(ledger.connect(s.adminA).addMember(ORG.bankA, s.outsider.address, Role.Member))
        .to.be.revertedWithCustomError(ledger, "RegistryOrgSuspended")
        .withArgs(ORG.bankA);
    });

    describe("when the organisation is already suspended", function () {
      it("reverts with RegistryStatusUnchanged", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await contracts.ledger.connect(s.operator).suspendOrganization(ORG.pearl);
        await expect(contracts.ledger.connect(s.operator).suspendOrganization(ORG.pearl))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryStatusUnchanged")
          .withArgs(ORG.pearl, OrgStatus.Suspended);
      });
    });

    describe("when the organisation is unknown", function () {
      it("reverts with RegistryUnknownOrg", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(contracts.ledger.connect(s.operator).suspendOrganization(99n))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryUnknownOrg")
          .withArgs(99n);
      });
    });

    describe("when the caller is not the operator", function () {
      it("reverts with RegistryNotOperator", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(contracts.ledger.connect(s.adminA).suspendOrganization(ORG.bankB))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryNotOperator")
          .withArgs(s.adminA.address);
      });
    });
  });

  describe("reinstateOrganization", function () {
    it("reactivates, emits OrganizationReinstated and lets the members act again", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      await ledger.connect(s.operator).suspendOrganization(ORG.bankA);
      await expect(ledger.connect(s.operator).reinstateOrganization(ORG.bankA))
        .to.emit(ledger, "OrganizationReinstated")
        .withArgs(ORG.bankA, s.operator.address);
      await expect(ledger.connect(s.officerA1).proposePolicyChange(rates(1, 1, 1n))).to.emit(ledger, "PolicyChangeProposed");
    });

    describe("when the organisation is active", function () {
      it("reverts with RegistryStatusUnchanged", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(contracts.ledger.connect(s.operator).reinstateOrganization(ORG.pearl))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryStatusUnchanged")
          .withArgs(ORG.pearl, OrgStatus.Active);
      });
    });

    describe("when the caller is not the operator", function () {
      it("reverts with RegistryNotOperator", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(contracts.ledger.connect(s.buyer).reinstateOrganization(ORG.pearl))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryNotOperator")
          .withArgs(s.buyer.address);
      });
    });
  });

  describe("addMember", function () {
    it("lets an admin add a member alone and emits MemberAdded", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.supplier).addMember(ORG.pearl, s.outsider.address, Role.Officer))
        .to.emit(ledger, "MemberAdded")
        .withArgs(ORG.pearl, s.outsider.address, Role.Officer, s.supplier.address);
      expect(await ledger.orgOf(s.outsider.address)).to.equal(ORG.pearl);
      expect(await ledger.roleOf(s.outsider.address)).to.equal(Role.Officer);
      expect((await ledger.organization(ORG.pearl)).governors).to.equal(2n);
    });

    it("lets a bank's admin add a plain member alone", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      await expect(contracts.ledger.connect(s.adminA).addMember(ORG.bankA, s.outsider.address, Role.Member))
        .to.emit(contracts.ledger, "MemberAdded")
        .withArgs(ORG.bankA, s.outsider.address, Role.Member, s.adminA.address);
    });

    describe("when a bank's admin adds an officer or an admin alone", function () {
      it("reverts with RegistrySecondApprovalRequired", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        for (const role of [Role.Officer, Role.Admin]) {
          await expect(ledger.connect(s.adminB).addMember(ORG.bankB, s.outsider.address, role))
            .to.be.revertedWithCustomError(ledger, "RegistrySecondApprovalRequired")
            .withArgs(ORG.bankB, role);
        }
        expect(await ledger.orgOf(s.outsider.address)).to.equal(0n);
      });
    });

    describe("when the role is None", function () {
      it("reverts with RegistryInvalidRole", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(
          contracts.ledger.connect(s.supplier).addMember(ORG.pearl, s.outsider.address, Role.None),
        ).to.be.revertedWithCustomError(contracts.ledger, "RegistryInvalidRole");
      });
    });

    describe("when the account already belongs to an organisation", function () {
      it("reverts with RegistryAlreadyMember", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(contracts.ledger.connect(s.supplier).addMember(ORG.pearl, s.officerA1.address, Role.Member))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryAlreadyMember")
          .withArgs(s.officerA1.address, ORG.bankA);
      });
    });

    describe("when the account is the zero address", function () {
      it("reverts with RegistryZeroAddress", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(
          contracts.ledger.connect(s.supplier).addMember(ORG.pearl, ethers.ZeroAddress, Role.Member),
        ).to.be.revertedWithCustomError(contracts.ledger, "RegistryZeroAddress");
      });
    });

    describe("when the caller is an officer, not an admin", function () {
      it("reverts with RegistryRoleRequired", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(contracts.ledger.connect(s.officerA1).addMember(ORG.bankA, s.outsider.address, Role.Member))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryRoleRequired")
          .withArgs(s.officerA1.address, ORG.bankA, Role.Admin, Role.Officer);
      });
    });

    describe("when the caller is another organisation's admin or the operator", function () {
      it("reverts with RegistryNotMemberOf", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        for (const who of [s.adminA, s.operator]) {
          await expect(contracts.ledger.connect(who).addMember(ORG.bankB, s.outsider.address, Role.Member))
            .to.be.revertedWithCustomError(contracts.ledger, "RegistryNotMemberOf")
            .withArgs(who.address, ORG.bankB);
        }
      });
    });

    describe("when the organisation is unknown", function () {
      it("reverts with RegistryUnknownOrg", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(contracts.ledger.connect(s.supplier).addMember(99n, s.outsider.address, Role.Member))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryUnknownOrg")
          .withArgs(99n);
      });
    });
  });

  describe("setMemberRole", function () {
    it("changes a role and emits MemberRoleChanged", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      await ledger.connect(s.buyer).addMember(ORG.acme, s.outsider.address, Role.Member);
      await expect(ledger.connect(s.buyer).setMemberRole(ORG.acme, s.outsider.address, Role.Admin))
        .to.emit(ledger, "MemberRoleChanged")
        .withArgs(ORG.acme, s.outsider.address, Role.Member, Role.Admin, s.buyer.address);
      // With a second admin, the first may step down.
      await expect(ledger.connect(s.outsider).setMemberRole(ORG.acme, s.buyer.address, Role.Member))
        .to.emit(ledger, "MemberRoleChanged")
        .withArgs(ORG.acme, s.buyer.address, Role.Admin, Role.Member, s.outsider.address);
      const org = await ledger.organization(ORG.acme);
      expect([org.governors, org.admins]).to.deep.equal([1n, 1n]);
    });

    describe("when it would demote the last admin", function () {
      it("reverts with RegistryLastAdmin", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(contracts.ledger.connect(s.buyer).setMemberRole(ORG.acme, s.buyer.address, Role.Officer))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryLastAdmin")
          .withArgs(ORG.acme);
      });
    });

    describe("when a bank's admin promotes a member alone", function () {
      it("reverts with RegistrySecondApprovalRequired", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await ledger.connect(s.adminA).addMember(ORG.bankA, s.outsider.address, Role.Member);
        await expect(ledger.connect(s.adminA).setMemberRole(ORG.bankA, s.outsider.address, Role.Officer))
          .to.be.revertedWithCustomError(ledger, "RegistrySecondApprovalRequired")
          .withArgs(ORG.bankA, Role.Officer);
      });
    });

    describe("when it would leave a bank with fewer than two governors", function () {
      it("reverts with RegistryTooFewGovernors", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await ledger.connect(s.adminB).setMemberRole(ORG.bankB, s.officerB2.address, Role.Member);
        await expect(ledger.connect(s.adminB).setMemberRole(ORG.bankB, s.officerB1.address, Role.Member))
          .to.be.revertedWithCustomError(ledger, "RegistryTooFewGovernors")
          .withArgs(ORG.bankB, 1n);
      });
    });

    describe("when the account is not a member of the organisation", function () {
      it("reverts with RegistryNotMemberOf", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(contracts.ledger.connect(s.buyer).setMemberRole(ORG.acme, s.supplier.address, Role.Member))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryNotMemberOf")
          .withArgs(s.supplier.address, ORG.acme);
      });
    });
  });

  describe("removeMember", function () {
    it("removes the membership, emits MemberRemoved, and the account can no longer act", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.adminA).removeMember(ORG.bankA, s.officerA2.address))
        .to.emit(ledger, "MemberRemoved")
        .withArgs(ORG.bankA, s.officerA2.address, Role.Officer, s.adminA.address);
      expect(await ledger.orgOf(s.officerA2.address)).to.equal(0n);
      expect(await ledger.roleOf(s.officerA2.address)).to.equal(Role.None);
      expect((await ledger.organization(ORG.bankA)).governors).to.equal(2n);
      await expect(ledger.connect(s.officerA2).proposePolicyChange(rates(1, 1, 1n)))
        .to.be.revertedWithCustomError(ledger, "RegistryNotMember")
        .withArgs(s.officerA2.address);
    });

    describe("when it would remove the last admin", function () {
      it("reverts with RegistryLastAdmin", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(contracts.ledger.connect(s.supplier).removeMember(ORG.pearl, s.supplier.address))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryLastAdmin")
          .withArgs(ORG.pearl);
      });
    });

    describe("when it would leave a bank with fewer than two governors", function () {
      it("reverts with RegistryTooFewGovernors", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await ledger.connect(s.adminA).removeMember(ORG.bankA, s.officerA2.address);
        await expect(ledger.connect(s.adminA).removeMember(ORG.bankA, s.officerA1.address))
          .to.be.revertedWithCustomError(ledger, "RegistryTooFewGovernors")
          .withArgs(ORG.bankA, 1n);
      });
    });

    describe("when the account is a member of another organisation", function () {
      it("reverts with RegistryNotMemberOf", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(contracts.ledger.connect(s.adminA).removeMember(ORG.bankA, s.officerB1.address))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryNotMemberOf")
          .withArgs(s.officerB1.address, ORG.bankA);
      });
    });

    describe("when the organisation id is 0", function () {
      it("reverts with RegistryUnknownOrg", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(contracts.ledger.connect(s.adminA).removeMember(0n, s.outsider.address))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryUnknownOrg")
          .withArgs(0n);
      });
    });
  });

  describe("proposeMember", function () {
    it("stores a pending proposal and emits MemberProposed; nothing changes yet", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.adminA).proposeMember(ORG.bankA, s.outsider.address, Role.Admin))
        .to.emit(ledger, "MemberProposed")
        .withArgs(3n, ORG.bankA, s.outsider.address, Role.Admin, s.adminA.address);
      const p = await ledger.memberProposal(3n);
      expect([p.orgId, p.role, p.status, p.account, p.proposer]).to.deep.equal([
        ORG.bankA,
        BigInt(Role.Admin),
        BigInt(ProposalStatus.Pending),
        s.outsider.address,
        s.adminA.address,
      ]);
      expect(await ledger.orgOf(s.outsider.address)).to.equal(0n);
    });

    describe("when the caller is an officer", function () {
      it("reverts with RegistryRoleRequired: one officer cannot start adding an officer", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(contracts.ledger.connect(s.officerA1).proposeMember(ORG.bankA, s.outsider.address, Role.Officer))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryRoleRequired")
          .withArgs(s.officerA1.address, ORG.bankA, Role.Admin, Role.Officer);
      });
    });

    describe("when the account is in another organisation", function () {
      it("reverts with RegistryAlreadyMember", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        await expect(contracts.ledger.connect(s.adminA).proposeMember(ORG.bankA, s.officerB1.address, Role.Officer))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryAlreadyMember")
          .withArgs(s.officerB1.address, ORG.bankB);
      });
    });

    describe("when the role is None or the account is zero", function () {
      it("reverts with RegistryInvalidRole and RegistryZeroAddress", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(
          ledger.connect(s.adminA).proposeMember(ORG.bankA, s.outsider.address, Role.None),
        ).to.be.revertedWithCustomError(ledger, "RegistryInvalidRole");
        await expect(
          ledger.connect(s.adminA).proposeMember(ORG.bankA, ethers.ZeroAddress, Role.Officer),
        ).to.be.revertedWithCustomError(ledger, "RegistryZeroAddress");
      });
    });
  });

  describe("approveMember", function () {
    it("adds the account when a second governor approves, and emits MemberProposalApproved and MemberAdded", async function () {
      const { contracts, signers: s, proposalId } = await loadFixture(proposedFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.officerA2).approveMember(proposalId))
        .to.emit(ledger, "MemberProposalApproved")
        .withArgs(proposalId, ORG.bankA, s.officerA2.address)
        .and.to.emit(ledger, "MemberAdded")
        .withArgs(ORG.bankA, s.outsider.address, Role.Officer, s.officerA2.address);
      expect(await ledger.roleOf(s.outsider.address)).to.equal(Role.Officer);
      expect((await ledger.memberProposal(proposalId)).status).to.equal(ProposalStatus.Approved);
      expect((await ledger.organization(ORG.bankA)).governors).to.equal(4n);
    });

    it("promotes an existing member and emits MemberRoleChanged", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      await ledger.connect(s.adminA).addMember(ORG.bankA, s.outsider.address, Role.Member);
      await ledger.connect(s.adminA).proposeMember(ORG.bankA, s.outsider.address, Role.Admin);
      await expect(ledger.connect(s.officerA1).approveMember(3n))
        .to.emit(ledger, "MemberRoleChanged")
        .withArgs(ORG.bankA, s.outsider.address, Role.Member, Role.Admin, s.officerA1.address);
      expect((await ledger.organization(ORG.bankA)).admins).to.equal(2n);
    });

    describe("when the proposer approves", function () {
      it("reverts with RegistrySelfApproval", async function () {
        const { contracts, signers: s, proposalId } = await loadFixture(proposedFixture);
        await expect(contracts.ledger.connect(s.adminA).approveMember(proposalId))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistrySelfApproval")
          .withArgs(proposalId, s.adminA.address);
      });
    });

    describe("when a plain member approves", function () {
      it("reverts with RegistryRoleRequired: an admin cannot approve with a member account it added", async function () {
        const { contracts, signers: s, proposalId } = await loadFixture(proposedFixture);
        const { ledger } = contracts;
        const puppet = s.relayer;
        await ledger.connect(s.adminA).addMember(ORG.bankA, puppet.address, Role.Member);
        await expect(ledger.connect(puppet).approveMember(proposalId))
          .to.be.revertedWithCustomError(ledger, "RegistryRoleRequired")
          .withArgs(puppet.address, ORG.bankA, Role.Officer, Role.Member);
      });
    });

    describe("when someone outside the organisation approves", function () {
      it("reverts with RegistryNotMemberOf", async function () {
        const { contracts, signers: s, proposalId } = await loadFixture(proposedFixture);
        for (const who of [s.officerB1, s.operator]) {
          await expect(contracts.ledger.connect(who).approveMember(proposalId))
            .to.be.revertedWithCustomError(contracts.ledger, "RegistryNotMemberOf")
            .withArgs(who.address, ORG.bankA);
        }
      });
    });

    describe("when the account joined another organisation meanwhile", function () {
      it("reverts with RegistryAlreadyMember", async function () {
        const { contracts, signers: s, proposalId } = await loadFixture(proposedFixture);
        const { ledger } = contracts;
        await ledger.connect(s.supplier).addMember(ORG.pearl, s.outsider.address, Role.Member);
        await expect(ledger.connect(s.officerA1).approveMember(proposalId))
          .to.be.revertedWithCustomError(ledger, "RegistryAlreadyMember")
          .withArgs(s.outsider.address, ORG.pearl);
      });
    });

    describe("when the bank is suspended", function () {
      it("reverts with RegistryOrgSuspended", async function () {
        const { contracts, signers: s, proposalId } = await loadFixture(proposedFixture);
        await contracts.ledger.connect(s.operator).suspendOrganization(ORG.bankA);
        await expect(contracts.ledger.connect(s.officerA1).approveMember(proposalId))
          .to.be.revertedWithCustomError(contracts.ledger, "RegistryOrgSuspended")
          .withArgs(ORG.bankA);
      });
    });

    describe("when the proposal is unknown or decided", function () {
      it("reverts with RegistryUnknownProposal and RegistryProposalDecided", async function () {
        const { contracts, signers: s, proposalId } = await loadFixture(proposedFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).approveMember(99n))
          .to.be.revertedWithCustomError(ledger, "RegistryUnknownProposal")
          .withArgs(99n);
        await ledger.connect(s.officerA1).approveMember(proposalId);
        await expect(ledger.connect(s.officerA2).approveMember(proposalId))
          .to.be.revertedWithCustomError(ledger, "RegistryProposalDecided")
          .withArgs(proposalId, ProposalStatus.Approved);
      });
    });
  });

  describe("rejectMemberProposal", function () {
    it("lets a governor reject, emits MemberProposalRejected, and the proposal can no longer be approved", async function () {
      const { contracts, signers: s, proposalId } = await loadFixture(proposedFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.officerA1).rejectMemberProposal(proposalId))
        .to.emit(ledger, "MemberProposalRejected")
        .withArgs(proposalId, ORG.bankA, s.officerA1.address);
      await expect(ledger.connect(s.officerA2).approveMember(proposalId))
        .to.be.revertedWithCustomError(ledger, "RegistryProposalDecided")
        .withArgs(proposalId, ProposalStatus.Rejected);
      expect(await ledger.orgOf(s.outsider.address)).to.equal(0n);
    });

    describe("when a plain member rejects", function () {
      it("reverts with RegistryRoleRequired", async function () {
        const { contracts, signers: s, proposalId } = await loadFixture(proposedFixture);
        const { ledger } = contracts;
        await ledger.connect(s.adminA).addMember(ORG.bankA, s.relayer.address, Role.Member);
        await expect(ledger.connect(s.relayer).rejectMemberProposal(proposalId))
          .to.be.revertedWithCustomError(ledger, "RegistryRoleRequired")
          .withArgs(s.relayer.address, ORG.bankA, Role.Officer, Role.Member);
      });
    });
  });

  describe("a new bank's start", function () {
    it("lets the first admin name the second governor alone, and from then on needs two", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      const [admin, officer, third] = [s.outsider, s.relayer, ethers.Wallet.createRandom().address];
      await ledger.connect(s.operator).registerOrganization(OrgKind.Bank, ethers.ZeroHash, third, kycOf(8), admin.address);
      await expect(ledger.connect(admin).addMember(8n, officer.address, Role.Officer))
        .to.emit(ledger, "MemberAdded")
        .withArgs(8n, officer.address, Role.Officer, admin.address);
      await expect(ledger.connect(admin).addMember(8n, third, Role.Officer))
        .to.be.revertedWithCustomError(ledger, "RegistrySecondApprovalRequired")
        .withArgs(8n, Role.Officer);
    });
  });

  describe("views", function () {
    it("answer None / 0 for unknown organisations, accounts and proposals", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      expect((await ledger.organization(99n)).kind).to.equal(OrgKind.None);
      expect(await ledger.orgOf(s.outsider.address)).to.equal(0n);
      expect(await ledger.roleOf(s.outsider.address)).to.equal(Role.None);
      expect(await ledger.orgOfKyc(ethers.id("nobody"))).to.equal(0n);
      expect((await ledger.memberProposal(99n)).status).to.equal(ProposalStatus.None);
      expect(await ledger.memberProposalCount()).to.equal(2n);
      expect(await ledger.settlementToken()).to.equal(await contracts.token.getAddress());
    });
  });

  describe("SettlementToken constructor", function () {
    describe("when the admin is the zero address", function () {
      it("reverts with TokenZeroAddress", async function () {
        const { signers: s } = await loadFixture(registryFixture);
        const factory = new SettlementToken__factory(s.deployer);
        await expect(factory.deploy("T", "T", ethers.ZeroAddress, s.relayer.address)).to.be.revertedWithCustomError(
          factory,
          "TokenZeroAddress",
        );
      });
    });
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { SettlementToken__factory, TrellisLedger__factory } from "../../typechain-types";
import { GRACE, ORG, OrgKind, OrgStatus, deployNetwork } from "../helpers/ledger-fixture";

describe("OrgRegistry", function () {
  async function registryFixture() {
    return deployNetwork();
  }

  describe("constructor", function () {
    it("grants the admin both roles and announces the grace period", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      expect(await ledger.hasRole(await ledger.DEFAULT_ADMIN_ROLE(), s.operator.address)).to.equal(true);
      expect(await ledger.hasRole(await ledger.OPERATOR_ROLE(), s.operator.address)).to.equal(true);
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
    it("stores the organisation as active and emits OrganizationRegistered", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      const kyc = ethers.id("kyc-new");
      await expect(ledger.connect(s.operator).registerOrganization(OrgKind.Supplier, "New Co", s.outsider.address, kyc))
        .to.emit(ledger, "OrganizationRegistered")
        .withArgs(8n, OrgKind.Supplier, s.outsider.address, kyc, "New Co", s.operator.address);
      const org = await ledger.organization(8n);
      expect([org.treasury, org.kind, org.status, org.kycHash]).to.deep.equal([
        s.outsider.address,
        BigInt(OrgKind.Supplier),
        BigInt(OrgStatus.Active),
        kyc,
      ]);
      expect(await ledger.organizationCount()).to.equal(8n);
    });

    describe("when the caller is not an operator", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(
          ledger.connect(s.buyer).registerOrganization(OrgKind.Bank, "Rogue", s.buyer.address, ethers.ZeroHash),
        )
          .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
          .withArgs(s.buyer.address, await ledger.OPERATOR_ROLE());
      });
    });

    describe("when the kind is None", function () {
      it("reverts with RegistryInvalidKind", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(
          ledger.connect(s.operator).registerOrganization(OrgKind.None, "X", s.outsider.address, ethers.ZeroHash),
        ).to.be.revertedWithCustomError(ledger, "RegistryInvalidKind");
      });
    });

    describe("when the treasury is the zero address", function () {
      it("reverts with RegistryZeroAddress", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(
          ledger.connect(s.operator).registerOrganization(OrgKind.Bank, "X", ethers.ZeroAddress, ethers.ZeroHash),
        ).to.be.revertedWithCustomError(ledger, "RegistryZeroAddress");
      });
    });
  });

  describe("updateOrganization", function () {
    it("replaces the treasury and KYC hash and emits OrganizationUpdated", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      const kyc = ethers.id("kyc-2025");
      await expect(ledger.connect(s.operator).updateOrganization(ORG.pearl, s.outsider.address, kyc))
        .to.emit(ledger, "OrganizationUpdated")
        .withArgs(ORG.pearl, s.outsider.address, kyc, s.operator.address);
      const org = await ledger.organization(ORG.pearl);
      expect([org.treasury, org.kycHash, org.kind]).to.deep.equal([s.outsider.address, kyc, BigInt(OrgKind.Supplier)]);
    });

    describe("when the organisation is unknown", function () {
      it("reverts with RegistryUnknownOrg", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.operator).updateOrganization(99n, s.outsider.address, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "RegistryUnknownOrg")
          .withArgs(99n);
      });
    });

    describe("when the treasury is the zero address", function () {
      it("reverts with RegistryZeroAddress", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(
          ledger.connect(s.operator).updateOrganization(ORG.pearl, ethers.ZeroAddress, ethers.ZeroHash),
        ).to.be.revertedWithCustomError(ledger, "RegistryZeroAddress");
      });
    });

    describe("when the caller is not an operator", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.supplier).updateOrganization(ORG.pearl, s.supplier.address, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
          .withArgs(s.supplier.address, await ledger.OPERATOR_ROLE());
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
      await expect(ledger.connect(s.officerA1).setTrustedBuyer(ORG.borealis, true))
        .to.be.revertedWithCustomError(ledger, "RegistryOrgSuspended")
        .withArgs(ORG.bankA);
    });

    describe("when the organisation is already suspended", function () {
      it("reverts with RegistryStatusUnchanged", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await ledger.connect(s.operator).suspendOrganization(ORG.pearl);
        await expect(ledger.connect(s.operator).suspendOrganization(ORG.pearl))
          .to.be.revertedWithCustomError(ledger, "RegistryStatusUnchanged")
          .withArgs(ORG.pearl, OrgStatus.Suspended);
      });
    });

    describe("when the organisation is unknown", function () {
      it("reverts with RegistryUnknownOrg", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.operator).suspendOrganization(0n))
          .to.be.revertedWithCustomError(ledger, "RegistryUnknownOrg")
          .withArgs(0n);
      });
    });

    describe("when the caller is not an operator", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).suspendOrganization(ORG.pearl))
          .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
          .withArgs(s.officerA1.address, await ledger.OPERATOR_ROLE());
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
      expect((await ledger.organization(ORG.bankA)).status).to.equal(OrgStatus.Active);
      await expect(ledger.connect(s.officerA1).setTrustedBuyer(ORG.borealis, true)).to.emit(ledger, "TrustedBuyerSet");
    });

    describe("when the organisation is active", function () {
      it("reverts with RegistryStatusUnchanged", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.operator).reinstateOrganization(ORG.pearl))
          .to.be.revertedWithCustomError(ledger, "RegistryStatusUnchanged")
          .withArgs(ORG.pearl, OrgStatus.Active);
      });
    });

    describe("when the caller is not an operator", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.outsider).reinstateOrganization(ORG.pearl))
          .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
          .withArgs(s.outsider.address, await ledger.OPERATOR_ROLE());
      });
    });
  });

  describe("addMember", function () {
    it("makes the account a member and emits MemberAdded", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.operator).addMember(ORG.pearl, s.outsider.address))
        .to.emit(ledger, "MemberAdded")
        .withArgs(ORG.pearl, s.outsider.address, s.operator.address);
      expect(await ledger.orgOf(s.outsider.address)).to.equal(ORG.pearl);
    });

    describe("when the account already belongs to an organisation", function () {
      it("reverts with RegistryAlreadyMember", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.operator).addMember(ORG.bankA, s.supplier.address))
          .to.be.revertedWithCustomError(ledger, "RegistryAlreadyMember")
          .withArgs(s.supplier.address, ORG.pearl);
      });
    });

    describe("when the account is the zero address", function () {
      it("reverts with RegistryZeroAddress", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.operator).addMember(ORG.pearl, ethers.ZeroAddress)).to.be.revertedWithCustomError(
          ledger,
          "RegistryZeroAddress",
        );
      });
    });

    describe("when the organisation is unknown", function () {
      it("reverts with RegistryUnknownOrg", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.operator).addMember(42n, s.outsider.address))
          .to.be.revertedWithCustomError(ledger, "RegistryUnknownOrg")
          .withArgs(42n);
      });
    });

    describe("when the caller is not an operator", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.buyer).addMember(ORG.acme, s.outsider.address))
          .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
          .withArgs(s.buyer.address, await ledger.OPERATOR_ROLE());
      });
    });
  });

  describe("removeMember", function () {
    it("removes the membership, emits MemberRemoved, and the account can no longer act", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.operator).removeMember(ORG.bankA, s.officerA2.address))
        .to.emit(ledger, "MemberRemoved")
        .withArgs(ORG.bankA, s.officerA2.address, s.operator.address);
      expect(await ledger.orgOf(s.officerA2.address)).to.equal(0n);
      await expect(ledger.connect(s.officerA2).setTrustedBuyer(ORG.borealis, true))
        .to.be.revertedWithCustomError(ledger, "RegistryNotMember")
        .withArgs(s.officerA2.address);
    });

    describe("when the account is a member of another organisation", function () {
      it("reverts with RegistryNotMemberOf", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.operator).removeMember(ORG.bankB, s.officerA2.address))
          .to.be.revertedWithCustomError(ledger, "RegistryNotMemberOf")
          .withArgs(s.officerA2.address, ORG.bankB);
      });
    });

    describe("when the organisation id is 0 and the account belongs to none", function () {
      it("reverts with RegistryNotMemberOf", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.operator).removeMember(0n, s.outsider.address))
          .to.be.revertedWithCustomError(ledger, "RegistryNotMemberOf")
          .withArgs(s.outsider.address, 0n);
      });
    });

    describe("when the caller is not an operator", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).removeMember(ORG.bankA, s.officerA2.address))
          .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
          .withArgs(s.officerA1.address, await ledger.OPERATOR_ROLE());
      });
    });
  });

  describe("setGracePeriod", function () {
    it("sets the grace period and emits GracePeriodSet", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      await expect(ledger.connect(s.operator).setGracePeriod(365 * 86_400))
        .to.emit(ledger, "GracePeriodSet")
        .withArgs(365 * 86_400, s.operator.address);
      expect(await ledger.gracePeriod()).to.equal(365 * 86_400);
    });

    describe("when it is longer than 365 days", function () {
      it("reverts with RegistryGracePeriodTooLong", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.operator).setGracePeriod(2n ** 32n))
          .to.be.revertedWithCustomError(ledger, "RegistryGracePeriodTooLong")
          .withArgs(2n ** 32n, 365 * 86_400);
      });
    });

    describe("when the caller is not an operator", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { contracts, signers: s } = await loadFixture(registryFixture);
        const { ledger } = contracts;
        await expect(ledger.connect(s.officerA1).setGracePeriod(0))
          .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
          .withArgs(s.officerA1.address, await ledger.OPERATOR_ROLE());
      });
    });
  });

  describe("views", function () {
    it("answer None / 0 for unknown organisations and accounts", async function () {
      const { contracts, signers: s } = await loadFixture(registryFixture);
      const { ledger } = contracts;
      expect((await ledger.organization(99n)).kind).to.equal(OrgKind.None);
      expect(await ledger.orgOf(s.outsider.address)).to.equal(0n);
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

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { buildSignedRequest } from "../../server/src/chain/forward-request";
import {
  FinancingStatus,
  ORG,
  OrgKind,
  Role,
  commitment,
  creditLimit,
  deployNetwork,
  invoiceOf,
  kycOf,
  rates,
  requestOf,
  trustedBuyer,
  type Network,
} from "../helpers/ledger-fixture";

/**
 * The operator turns hostile. The attacker holds the operator's key, the deployer's key and the gateway's relayer key
 * (the platform gateway's data directory holds no bank officer's or treasury's key). Every attempt to decide
 * financing, change a bank's policy or members, join an organisation or move a treasury's tokens is refused on-chain
 * with its custom error, and no balance changes. Then the insider cases: one officer (or one admin) alone cannot
 * change policy, add an officer or complete a maker-checker approval.
 */
describe("Operator compromise", function () {
  /**
   * Bank B has request 1 (maker-checker: Borealis is not trusted at Bank B) awaiting approval, request 2 (fast-track)
   * approved and awaiting disbursement, and a pending policy proposal (3 of its own).
   */
  async function attackFixture() {
    const n = await deployNetwork();
    const s = n.signers;
    const { ledger } = n.contracts;
    const first = await invoiceOf(n, 200_000_00n, { buyer: s.buyer2 });
    await requestOf(n, first.invoiceId, ORG.bankB, 100_000_00n);
    const second = await invoiceOf(n, 100_000_00n);
    await requestOf(n, second.invoiceId, ORG.bankB, 50_000_00n);
    await ledger.connect(s.officerB1).approveFinancing(2n);
    await ledger.connect(s.officerB1).proposePolicyChange(rates(9000, 100, 1_000_000_00n));
    const policyProposal = await ledger.policyProposalCount();
    await ledger.connect(s.adminB).proposeMember(ORG.bankB, s.auditTreasury.address, Role.Member);
    const memberProposal = await ledger.memberProposalCount();
    return { ...n, policyProposal, memberProposal };
  }

  async function balances(n: Network): Promise<bigint[]> {
    return Promise.all(n.treasuries.map((t) => n.contracts.token.balanceOf(t.address)));
  }

  describe("with the operator's and the deployer's keys", function () {
    it("cannot approve, reject or disburse financing", async function () {
      const n = await loadFixture(attackFixture);
      const { ledger } = n.contracts;
      const before = await balances(n);
      for (const attacker of [n.signers.operator, n.signers.deployer]) {
        const who = attacker.address;
        await expect(ledger.connect(attacker).approveFinancing(1n))
          .to.be.revertedWithCustomError(ledger, "RegistryNotMember")
          .withArgs(who);
        await expect(ledger.connect(attacker).rejectFinancing(1n, 1, ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "RegistryNotMember")
          .withArgs(who);
        await expect(ledger.connect(attacker).disburseFinancing(2n))
          .to.be.revertedWithCustomError(ledger, "RegistryNotMember")
          .withArgs(who);
      }
      expect((await ledger.financingRequest(1n)).status).to.equal(FinancingStatus.Requested);
      expect((await ledger.financingRequest(2n)).status).to.equal(FinancingStatus.Approved);
      expect(await balances(n)).to.deep.equal(before);
    });

    it("cannot pass as an officer: a relayed request it signs for the officer, or an officer address appended to a direct call, is refused", async function () {
      const n = await loadFixture(attackFixture);
      const { ledger, forwarder } = n.contracts;
      const s = n.signers;
      const ledgerAddress = await ledger.getAddress();
      const data = ledger.interface.encodeFunctionData("disburseFinancing", [2n]);
      const signed = await buildSignedRequest(forwarder, s.operator, ledgerAddress, data, 400_000n);
      // A live deadline (other suites move the chain's clock), so the signature is what the forwarder refuses.
      const forged = { ...signed, from: s.officerB1.address, deadline: (await time.latest()) + 3600 };
      await expect(forwarder.connect(s.relayer).execute(forged)).to.be.revertedWithCustomError(
        forwarder,
        "ERC2771ForwarderInvalidSigner",
      );
      // Only the trusted forwarder's calls have their last 20 bytes read as the sender.
      await expect(s.operator.sendTransaction({ to: ledgerAddress, data: data + s.officerB1.address.slice(2) }))
        .to.be.revertedWithCustomError(ledger, "RegistryNotMember")
        .withArgs(s.operator.address);
      expect((await ledger.financingRequest(2n)).status).to.equal(FinancingStatus.Approved);
    });

    it("cannot change a bank's policy", async function () {
      const n = await loadFixture(attackFixture);
      const { ledger } = n.contracts;
      for (const attacker of [n.signers.operator, n.signers.deployer]) {
        const who = attacker.address;
        await expect(ledger.connect(attacker).proposePolicyChange(trustedBuyer(ORG.borealis, true)))
          .to.be.revertedWithCustomError(ledger, "RegistryNotMember")
          .withArgs(who);
        await expect(ledger.connect(attacker).approvePolicyChange(n.policyProposal))
          .to.be.revertedWithCustomError(ledger, "RegistryNotMember")
          .withArgs(who);
        await expect(ledger.connect(attacker).rejectPolicyChange(n.policyProposal))
          .to.be.revertedWithCustomError(ledger, "RegistryNotMember")
          .withArgs(who);
      }
      expect((await ledger.policyProposal(n.policyProposal)).status).to.equal(1n);
      expect(await ledger.isTrustedBuyer(ORG.bankB, ORG.borealis)).to.equal(false);
    });

    it("cannot add, promote, approve or remove members of any organisation", async function () {
      const n = await loadFixture(attackFixture);
      const { ledger } = n.contracts;
      const s = n.signers;
      const stooge = s.outsider.address;
      for (const attacker of [s.operator, s.deployer]) {
        const who = attacker.address;
        for (const orgId of [ORG.acme, ORG.pearl, ORG.bankA, ORG.bankB, ORG.audit]) {
          await expect(ledger.connect(attacker).addMember(orgId, stooge, Role.Member))
            .to.be.revertedWithCustomError(ledger, "RegistryNotMemberOf")
            .withArgs(who, orgId);
          await expect(ledger.connect(attacker).proposeMember(orgId, stooge, Role.Officer))
            .to.be.revertedWithCustomError(ledger, "RegistryNotMemberOf")
            .withArgs(who, orgId);
        }
        await expect(ledger.connect(attacker).setMemberRole(ORG.bankB, s.officerB1.address, Role.Member))
          .to.be.revertedWithCustomError(ledger, "RegistryNotMemberOf")
          .withArgs(who, ORG.bankB);
        await expect(ledger.connect(attacker).removeMember(ORG.bankB, s.officerB1.address))
          .to.be.revertedWithCustomError(ledger, "RegistryNotMemberOf")
          .withArgs(who, ORG.bankB);
        await expect(ledger.connect(attacker).approveMember(n.memberProposal))
          .to.be.revertedWithCustomError(ledger, "RegistryNotMemberOf")
          .withArgs(who, ORG.bankB);
      }
      expect(await ledger.orgOf(stooge)).to.equal(0n);
      expect(await ledger.roleOf(s.officerB1.address)).to.equal(Role.Officer);
    });

    it("cannot use an organisation it onboards itself to reach Bank B, nor register Bank B's identity or officers again", async function () {
      const n = await loadFixture(attackFixture);
      const { ledger } = n.contracts;
      const s = n.signers;
      const op = ledger.connect(s.operator);
      // A bank of its own, with the operator as admin and the deployer as its officer.
      await op.registerOrganization(OrgKind.Bank, commitment("Shadow Bank"), s.relayer.address, kycOf(99), s.operator.address);
      await ledger.connect(s.operator).addMember(8n, s.deployer.address, Role.Officer);
      await expect(ledger.connect(s.deployer).approveFinancing(1n))
        .to.be.revertedWithCustomError(ledger, "FinancingNotBank")
        .withArgs(1n, 8n);
      await expect(ledger.connect(s.deployer).disburseFinancing(2n))
        .to.be.revertedWithCustomError(ledger, "FinancingNotBank")
        .withArgs(2n, 8n);
      await expect(ledger.connect(s.operator).addMember(ORG.bankB, s.outsider.address, Role.Member))
        .to.be.revertedWithCustomError(ledger, "RegistryNotMemberOf")
        .withArgs(s.operator.address, ORG.bankB);
      await expect(op.registerOrganization(OrgKind.Bank, ethers.ZeroHash, s.outsider.address, kycOf(ORG.bankB), s.outsider.address))
        .to.be.revertedWithCustomError(ledger, "RegistryDuplicateKyc")
        .withArgs(kycOf(ORG.bankB), ORG.bankB);
      await expect(op.registerOrganization(OrgKind.Bank, ethers.ZeroHash, s.outsider.address, kycOf(98), s.officerB1.address))
        .to.be.revertedWithCustomError(ledger, "RegistryAlreadyMember")
        .withArgs(s.officerB1.address, ORG.bankB);
    });

    it("cannot move tokens out of any bank treasury, even after granting itself the token's issuer role", async function () {
      const n = await loadFixture(attackFixture);
      const { ledger, token, forwarder } = n.contracts;
      const s = n.signers;
      const before = await balances(n);
      const issuer = await token.ISSUER_ROLE();
      await token.connect(s.operator).grantRole(issuer, s.operator.address);
      for (const treasury of [s.bankATreasury, s.bankBTreasury]) {
        for (const attacker of [s.operator, s.deployer]) {
          await expect(token.connect(attacker).transferFrom(treasury.address, attacker.address, 1n))
            .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
            .withArgs(attacker.address, 0n, 1n);
        }
        await expect(token.connect(s.operator).burnFrom(treasury.address, 1n))
          .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
          .withArgs(s.operator.address, 0n, 1n);
        await expect(token.connect(s.deployer).burnFrom(treasury.address, 1n))
          .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
          .withArgs(s.deployer.address, issuer);
        // A transfer relayed in the treasury's name needs the treasury's signature.
        const data = token.interface.encodeFunctionData("transfer", [s.operator.address, 1n]);
        const signed = await buildSignedRequest(forwarder, s.operator, await token.getAddress(), data, 100_000n);
        await expect(
          forwarder.connect(s.relayer).execute({ ...signed, from: treasury.address, deadline: (await time.latest()) + 3600 }),
        ).to.be.revertedWithCustomError(forwarder, "ERC2771ForwarderInvalidSigner");
      }
      // The ledger's allowance is the ledger's: only its own rules (an officer's disbursement) spend it.
      await expect(ledger.connect(s.operator).disburseFinancing(2n))
        .to.be.revertedWithCustomError(ledger, "RegistryNotMember")
        .withArgs(s.operator.address);
      expect(await balances(n)).to.deep.equal(before);
    });
  });

  describe("one officer or one admin alone", function () {
    it("cannot change policy: the proposer's own approval is refused with PolicySelfApproval", async function () {
      const n = await loadFixture(attackFixture);
      const { ledger } = n.contracts;
      const s = n.signers;
      await expect(ledger.connect(s.officerB1).approvePolicyChange(n.policyProposal))
        .to.be.revertedWithCustomError(ledger, "PolicySelfApproval")
        .withArgs(n.policyProposal, s.officerB1.address);
      await expect(ledger.connect(s.adminB).approvePolicyChange(n.policyProposal))
        .to.be.revertedWithCustomError(ledger, "RegistryRoleRequired")
        .withArgs(s.adminB.address, ORG.bankB, Role.Officer, Role.Admin);
      expect((await ledger.bankPolicy(ORG.bankB)).fastTrackLimit).to.equal(100_000_00n);
      // The outside review's attack: raise the limit and trust the buyer alone. Both stay proposals.
      await ledger.connect(s.officerB1).proposePolicyChange(creditLimit(ORG.pearl, 10_000_000_00n));
      await expect(ledger.connect(s.officerB1).approvePolicyChange(n.policyProposal + 1n))
        .to.be.revertedWithCustomError(ledger, "PolicySelfApproval")
        .withArgs(n.policyProposal + 1n, s.officerB1.address);
    });

    it("cannot add an officer", async function () {
      const n = await loadFixture(attackFixture);
      const { ledger } = n.contracts;
      const s = n.signers;
      await expect(ledger.connect(s.officerB1).proposeMember(ORG.bankB, s.outsider.address, Role.Officer))
        .to.be.revertedWithCustomError(ledger, "RegistryRoleRequired")
        .withArgs(s.officerB1.address, ORG.bankB, Role.Admin, Role.Officer);
      await expect(ledger.connect(s.adminB).addMember(ORG.bankB, s.outsider.address, Role.Officer))
        .to.be.revertedWithCustomError(ledger, "RegistrySecondApprovalRequired")
        .withArgs(ORG.bankB, Role.Officer);
      await ledger.connect(s.adminB).proposeMember(ORG.bankB, s.outsider.address, Role.Officer);
      const id = await ledger.memberProposalCount();
      await expect(ledger.connect(s.adminB).approveMember(id))
        .to.be.revertedWithCustomError(ledger, "RegistrySelfApproval")
        .withArgs(id, s.adminB.address);
      expect(await ledger.orgOf(s.outsider.address)).to.equal(0n);
    });

    it("cannot complete a maker-checker approval", async function () {
      const n = await loadFixture(attackFixture);
      const { ledger } = n.contracts;
      const s = n.signers;
      await ledger.connect(s.officerB1).approveFinancing(1n);
      await expect(ledger.connect(s.officerB1).approveFinancing(1n))
        .to.be.revertedWithCustomError(ledger, "FinancingDuplicateApproval")
        .withArgs(1n, s.officerB1.address);
      await expect(ledger.connect(s.officerB1).disburseFinancing(1n))
        .to.be.revertedWithCustomError(ledger, "FinancingInvalidStatus")
        .withArgs(1n, FinancingStatus.Requested);
    });

    it("cannot put four split requests on the fast-track", async function () {
      const n = await loadFixture(deployNetwork);
      const { ledger } = n.contracts;
      const fast: boolean[] = [];
      for (let i = 0; i < 4; i++) {
        const { invoiceId } = await invoiceOf(n, 500_000_00n);
        fast.push((await ledger.financingRequest(await requestOf(n, invoiceId, ORG.bankA, 400_000_00n))).fastTrack);
      }
      expect(fast.filter(Boolean)).to.have.length(1);
    });
  });
});


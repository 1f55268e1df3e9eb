import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { forwarderDomain, signForwardRequest } from "../../server/src/chain/forward-request";
import { LedgerContextHarness__factory, TokenContextHarness__factory } from "../../typechain-types";
import { FinancingStatus, ORG, OrgKind, deployNetwork, invoiceOf } from "../helpers/ledger-fixture";

/** ERC-2771: requests relayed through TrellisForwarder are the signer's, with the signer's rights. */
describe("TrellisForwarder (ERC-2771)", function () {
  async function forwarderFixture() {
    const n = await deployNetwork();
    const { invoiceId } = await invoiceOf(n, 1_000_000n);
    await n.contracts.ledger.connect(n.signers.supplier).requestFinancing(invoiceId, ORG.bankA, 500_000n);
    return { ...n, invoiceId };
  }

  /** Signs a request whose deadline is an hour after the chain's clock (tests move the clock). */
  async function signed(n: Awaited<ReturnType<typeof forwarderFixture>>, signer: HardhatEthersSigner, data: string) {
    const { forwarder, ledger } = n.contracts;
    const [nonce, { chainId }] = await Promise.all([forwarder.nonces(signer.address), ethers.provider.getNetwork()]);
    return signForwardRequest(signer, forwarderDomain(chainId, await forwarder.getAddress()), {
      from: signer.address,
      to: await ledger.getAddress(),
      value: 0n,
      gas: 300_000n,
      nonce,
      deadline: (await time.latest()) + 3600,
      data,
    });
  }

  describe("execute", function () {
    it("attributes a relayed approval to the signing officer, not the relayer", async function () {
      const n = await loadFixture(forwarderFixture);
      const { ledger, forwarder } = n.contracts;
      const s = n.signers;
      const request = await signed(n, s.officerA2, ledger.interface.encodeFunctionData("approveFinancing", [1n]));
      const tx = forwarder.connect(s.relayer).execute(request);
      await expect(tx).to.emit(ledger, "FinancingApproved").withArgs(1n, s.officerA2.address, 1n, 1n);
      await expect(tx).to.emit(forwarder, "ExecutedForwardRequest").withArgs(s.officerA2.address, 0n, true);
      const r = await ledger.financingRequest(1n);
      expect([r.status, r.firstApprover]).to.deep.equal([BigInt(FinancingStatus.Approved), s.officerA2.address]);
      expect(await forwarder.nonces(s.officerA2.address)).to.equal(1n);
    });

    it("emits the signer as the actor of a relayed payment, and moves the signer's organisation's money", async function () {
      const n = await loadFixture(forwarderFixture);
      const { ledger, forwarder, token } = n.contracts;
      const s = n.signers;
      const request = await signed(
        n,
        s.buyer,
        ledger.interface.encodeFunctionData("payInvoice", [n.invoiceId, 1_000n]),
      );
      const tx = forwarder.connect(s.relayer).execute(request);
      await expect(tx)
        .to.emit(ledger, "InvoicePaymentMade")
        .withArgs(n.invoiceId, 1n, 1_000n, 0n, 1_000n, 1_000n, 2n, s.buyer.address);
      await expect(tx).to.changeTokenBalances(
        token,
        [s.acmeTreasury, s.pearlTreasury, s.relayer],
        [-1_000n, 1_000n, 0n],
      );
    });

    describe("when the signer lacks the right", function () {
      it("reverts as the signer would: a supplier's relayed approval fails with RegistryWrongOrgKind", async function () {
        const n = await loadFixture(forwarderFixture);
        const { ledger, forwarder } = n.contracts;
        const s = n.signers;
        const data = ledger.interface.encodeFunctionData("approveFinancing", [1n]);
        const request = await signed(n, s.supplier, data);
        // The forwarder hides the inner reason behind FailedCall, and the nonce is not consumed.
        await expect(forwarder.connect(s.relayer).execute(request)).to.be.revertedWithCustomError(
          forwarder,
          "FailedCall",
        );
        expect(await forwarder.nonces(s.supplier.address)).to.equal(0n);
        // The call the forwarder makes (the signer appended to the calldata) fails with the supplier's identity.
        const relayedCall = ethers.provider.call({
          from: await forwarder.getAddress(),
          to: await ledger.getAddress(),
          data: ethers.concat([data, s.supplier.address]),
        });
        await expect(relayedCall)
          .to.be.revertedWithCustomError(ledger, "RegistryWrongOrgKind")
          .withArgs(ORG.pearl, OrgKind.Bank, OrgKind.Supplier);
        expect((await ledger.financingRequest(1n)).status).to.equal(FinancingStatus.Requested);
      });
    });

    describe("when the relayer is a bank officer", function () {
      it("does not lend the relayer's rights to the signer", async function () {
        const n = await loadFixture(forwarderFixture);
        const { ledger, forwarder } = n.contracts;
        const s = n.signers;
        // Officer A1 relays (pays gas for) an outsider's approval: the outsider is still the actor.
        const request = await signed(n, s.outsider, ledger.interface.encodeFunctionData("approveFinancing", [1n]));
        await expect(forwarder.connect(s.officerA1).execute(request)).to.be.revertedWithCustomError(
          forwarder,
          "FailedCall",
        );
        expect((await ledger.financingRequest(1n)).approvals).to.equal(0n);
      });
    });

    describe("when the signature is not the claimed signer's", function () {
      it("reverts with ERC2771ForwarderInvalidSigner", async function () {
        const n = await loadFixture(forwarderFixture);
        const { ledger, forwarder } = n.contracts;
        const s = n.signers;
        const request = await signed(n, s.outsider, ledger.interface.encodeFunctionData("approveFinancing", [1n]));
        const forged = { ...request, from: s.officerA1.address };
        await expect(forwarder.connect(s.relayer).execute(forged))
          .to.be.revertedWithCustomError(forwarder, "ERC2771ForwarderInvalidSigner")
          // The recovered address is whatever the altered digest yields: anyone but the claimed officer.
          .withArgs((recovered: string) => recovered !== s.officerA1.address, s.officerA1.address);
      });
    });
  });

  describe("direct calls from an untrusted contract-like sender", function () {
    it("ignores an appended address when the sender is not the trusted forwarder", async function () {
      const n = await loadFixture(forwarderFixture);
      const { ledger } = n.contracts;
      const s = n.signers;
      const data = ethers.concat([ledger.interface.encodeFunctionData("approveFinancing", [1n]), s.officerA1.address]);
      // The outsider appends an officer's address; the ledger still sees the outsider.
      await expect(s.outsider.sendTransaction({ to: await ledger.getAddress(), data }))
        .to.be.revertedWithCustomError(ledger, "RegistryNotMember")
        .withArgs(s.outsider.address);
      expect(await ledger.isTrustedForwarder(await n.contracts.forwarder.getAddress())).to.equal(true);
    });
  });

  describe("_msgSender and _msgData (through test harnesses)", function () {
    it("strip the signer appended by the trusted forwarder, and leave direct calls untouched", async function () {
      const n = await loadFixture(forwarderFixture);
      const s = n.signers;
      const forwarder = await n.contracts.forwarder.getAddress();
      const ledger = await new LedgerContextHarness__factory(s.deployer).deploy(
        s.operator.address,
        forwarder,
        await n.contracts.token.getAddress(),
      );
      const token = await new TokenContextHarness__factory(s.deployer).deploy(s.operator.address, forwarder);
      for (const harness of [ledger, token]) {
        const selector = harness.interface.getFunction("context").selector;
        expect(await harness.connect(s.outsider).context()).to.deep.equal([s.outsider.address, selector]);
        const raw = await ethers.provider.call({
          from: forwarder,
          to: await harness.getAddress(),
          data: ethers.concat([selector, s.buyer.address]),
        });
        expect(harness.interface.decodeFunctionResult("context", raw)).to.deep.equal([s.buyer.address, selector]);
      }
    });
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { forwarderDomain, signForwardRequest } from "../../server/src/chain/forward-request";
import { INITIAL_BALANCE, deployNetwork, invoiceOf } from "../helpers/ledger-fixture";

describe("SettlementToken", function () {
  async function tokenFixture() {
    const n = await deployNetwork();
    const issuerRole = await n.contracts.token.ISSUER_ROLE();
    return { ...n, issuerRole };
  }

  describe("decimals", function () {
    it("is 2: amounts are cents", async function () {
      const { contracts } = await loadFixture(tokenFixture);
      expect(await contracts.token.decimals()).to.equal(2n);
      expect(await contracts.token.symbol()).to.equal("TDT");
    });
  });

  describe("mint", function () {
    it("mints to the account and emits DepositMinted", async function () {
      const { contracts, signers: s } = await loadFixture(tokenFixture);
      const { token } = contracts;
      const tx = token.connect(s.bankATreasury).mint(s.outsider.address, 12_34n);
      await expect(tx).to.emit(token, "DepositMinted").withArgs(s.outsider.address, 12_34n, s.bankATreasury.address);
      await expect(tx).to.changeTokenBalance(token, s.outsider, 12_34n);
      expect(await token.totalSupply()).to.equal(7n * INITIAL_BALANCE + 12_34n);
    });

    describe("when the caller is not an issuer", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { contracts, signers: s, issuerRole } = await loadFixture(tokenFixture);
        const { token } = contracts;
        await expect(token.connect(s.bankBTreasury).mint(s.bankBTreasury.address, 1n))
          .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
          .withArgs(s.bankBTreasury.address, issuerRole);
      });
    });
  });

  describe("burn", function () {
    it("burns the issuer's own tokens and emits DepositBurned", async function () {
      const { contracts, signers: s } = await loadFixture(tokenFixture);
      const { token } = contracts;
      const tx = token.connect(s.bankATreasury).burn(100n);
      await expect(tx).to.emit(token, "DepositBurned").withArgs(s.bankATreasury.address, 100n, s.bankATreasury.address);
      await expect(tx).to.changeTokenBalance(token, s.bankATreasury, -100n);
    });

    describe("when the caller is not an issuer", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { contracts, signers: s, issuerRole } = await loadFixture(tokenFixture);
        const { token } = contracts;
        await expect(token.connect(s.acmeTreasury).burn(1n))
          .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
          .withArgs(s.acmeTreasury.address, issuerRole);
      });
    });
  });

  describe("burnFrom", function () {
    it("burns a holder's tokens within its allowance and emits DepositBurned", async function () {
      const { contracts, signers: s } = await loadFixture(tokenFixture);
      const { token } = contracts;
      await token.connect(s.acmeTreasury).approve(s.bankATreasury.address, 500n);
      const tx = token.connect(s.bankATreasury).burnFrom(s.acmeTreasury.address, 300n);
      await expect(tx).to.emit(token, "DepositBurned").withArgs(s.acmeTreasury.address, 300n, s.bankATreasury.address);
      await expect(tx).to.changeTokenBalances(token, [s.acmeTreasury, s.bankATreasury], [-300n, 0n]);
      expect(await token.allowance(s.acmeTreasury.address, s.bankATreasury.address)).to.equal(200n);
    });

    describe("when the allowance is too small", function () {
      it("reverts with ERC20InsufficientAllowance", async function () {
        const { contracts, signers: s } = await loadFixture(tokenFixture);
        const { token } = contracts;
        await token.connect(s.acmeTreasury).approve(s.bankATreasury.address, 5n);
        await expect(token.connect(s.bankATreasury).burnFrom(s.acmeTreasury.address, 6n))
          .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
          .withArgs(s.bankATreasury.address, 5n, 6n);
      });
    });

    describe("when the caller is not an issuer", function () {
      it("reverts with AccessControlUnauthorizedAccount", async function () {
        const { contracts, signers: s, issuerRole } = await loadFixture(tokenFixture);
        const { token } = contracts;
        await expect(token.connect(s.outsider).burnFrom(s.acmeTreasury.address, 1n))
          .to.be.revertedWithCustomError(token, "AccessControlUnauthorizedAccount")
          .withArgs(s.outsider.address, issuerRole);
      });
    });
  });

  describe("permit (ERC-2612)", function () {
    it("lets a buyer treasury approve the ledger by signature, after which the buyer pays", async function () {
      const n = await loadFixture(tokenFixture);
      const { token, ledger } = n.contracts;
      const s = n.signers;
      const { invoiceId } = await invoiceOf(n, 250_00n);
      const ledgerAddress = await ledger.getAddress();
      // Start from no allowance, so the payment can only succeed through the permit.
      await token.connect(s.acmeTreasury).approve(ledgerAddress, 0n);
      await expect(ledger.connect(s.buyer).payInvoice(invoiceId, 250_00n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(ledgerAddress, 0n, 250_00n);

      const deadline = (await time.latest()) + 3600;
      const { chainId } = await ethers.provider.getNetwork();
      const nonce = await token.nonces(s.acmeTreasury.address);
      const signature = await s.acmeTreasury.signTypedData(
        { name: "Trellis Deposit Token", version: "1", chainId, verifyingContract: await token.getAddress() },
        {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        { owner: s.acmeTreasury.address, spender: ledgerAddress, value: 250_00n, nonce, deadline },
      );
      const { v, r, s: sig } = ethers.Signature.from(signature);
      // Anyone may submit the permit; here the relayer pays the gas.
      await expect(token.connect(s.relayer).permit(s.acmeTreasury.address, ledgerAddress, 250_00n, deadline, v, r, sig))
        .to.emit(token, "Approval")
        .withArgs(s.acmeTreasury.address, ledgerAddress, 250_00n);
      expect(await token.nonces(s.acmeTreasury.address)).to.equal(nonce + 1n);

      await expect(ledger.connect(s.buyer).payInvoice(invoiceId, 250_00n)).to.changeTokenBalances(
        token,
        [s.acmeTreasury, s.pearlTreasury],
        [-250_00n, 250_00n],
      );
      expect(await token.allowance(s.acmeTreasury.address, ledgerAddress)).to.equal(0n);
      // Replaying the same permit fails: the nonce moved on.
      await expect(
        token.permit(s.acmeTreasury.address, ledgerAddress, 250_00n, deadline, v, r, sig),
      ).to.be.revertedWithCustomError(token, "ERC2612InvalidSigner");
    });
  });

  describe("ERC-2771", function () {
    it("relays a holder's own transfer, attributed to the holder", async function () {
      const { contracts, signers: s } = await loadFixture(tokenFixture);
      const { token, forwarder } = contracts;
      const { chainId } = await ethers.provider.getNetwork();
      const request = await signForwardRequest(
        s.pearlTreasury,
        forwarderDomain(chainId, await forwarder.getAddress()),
        {
          from: s.pearlTreasury.address,
          to: await token.getAddress(),
          value: 0n,
          gas: 100_000n,
          nonce: 0n,
          deadline: (await time.latest()) + 3600,
          data: token.interface.encodeFunctionData("transfer", [s.outsider.address, 7n]),
        },
      );
      const tx = forwarder.connect(s.relayer).execute(request);
      await expect(tx).to.emit(token, "Transfer").withArgs(s.pearlTreasury.address, s.outsider.address, 7n);
      await expect(tx).to.changeTokenBalances(token, [s.pearlTreasury, s.outsider, s.relayer], [-7n, 7n, 0n]);
    });
  });
});

import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { apiClient } from "../../../scripts/lib/api-client";
import { startPlatform, type Platform } from "../../../scripts/lib/platform";
import { drive } from "../../../scripts/client/trellis-sign";
import { TrellisLedger__factory, SettlementToken__factory } from "../../../typechain-types";
import { clients, confirmedInvoice } from "../lifecycle";

/** Every file under `dir` (the data directory: databases, WAL files, master key, journal, credentials). */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe("the demo as npm start seeds it: bank officers and treasuries hold their own keys", function () {
  this.timeout(300_000);
  let p: Platform;
  let c: ReturnType<typeof clients>;
  const wallets: Record<string, Wallet> = {};

  before(async () => {
    p = await startPlatform({ chain: "hardhat", custody: "self" });
    c = clients(p.credentials);
    const u = p.credentials.users;
    for (const name of ["officer1", "officer2", "officer3", "officer4", "adminA", "adminB"] as const) {
      expect(u[name]).to.include({ custody: "self" });
      wallets[name] = (await Wallet.fromEncryptedJson(fs.readFileSync(u[name].keystore!, "utf8"), u[name].passphrase!)) as Wallet;
      expect(wallets[name].address).to.equal(u[name].address);
    }
    for (const bank of ["bankA", "bankB"] as const) {
      const t = p.credentials.treasuries[bank];
      expect(t.custody).to.equal("self");
      wallets[bank] = (await Wallet.fromEncryptedJson(fs.readFileSync(t.keystore!, "utf8"), t.passphrase!)) as Wallet;
      expect(wallets[bank].address).to.equal(t.address);
    }
  });
  after(async () => {
    await p?.stop();
  });

  it("keeps none of their keys in the gateway's data directory, and their keystores outside it", () => {
    const custodial = new Set(p.gateway.services.vault.custodialAddresses().map((a) => a.toLowerCase()));
    for (const [name, w] of Object.entries(wallets)) expect(custodial.has(w.address.toLowerCase()), name).to.equal(false);
    // Suppliers and buyers stay custodial by default.
    expect(custodial.has(p.credentials.users.supplier.address.toLowerCase())).to.equal(true);
    expect(p.credentials.users.supplier.custody).to.equal("custodial");
    const dataDir = fs.realpathSync(p.dataDir);
    const files = filesUnder(dataDir);
    for (const [name, w] of Object.entries(wallets)) {
      const key = w.privateKey.slice(2);
      const keyBytes = Buffer.from(key, "hex");
      for (const f of files) {
        const content = fs.readFileSync(f);
        expect(content.includes(key) || content.includes(keyBytes), `${name}'s key in ${f}`).to.equal(false);
      }
      const keystore = name.startsWith("bank") ? p.credentials.treasuries[name as "bankA"].keystore! : p.credentials.users[name as "officer1"].keystore!;
      expect(fs.realpathSync(keystore).startsWith(dataDir + path.sep), `${name}'s keystore is in the data directory`).to.equal(false);
    }
  });

  it("runs Bank B's maker-checker financing and disbursement with each officer signing in their own key", async () => {
    const token = SettlementToken__factory.connect(p.gateway.services.ledger.addresses.token, p.gateway.services.provider);
    const { invoiceId } = await confirmedInvoice(p.credentials, "500000.00", "SELF");
    const req = await c.supplier("POST", "/financing-requests", { invoiceId, bankOrgId: p.credentials.orgs.bankB, amount: "450000.00" });
    expect(req.status, JSON.stringify(req.body)).to.equal(201);
    expect(req.body).to.include({ path: "maker-checker", approvalsRequired: 2 });
    const id = req.body.id as string;

    // A plain POST by the officer is not enough: it answers a signing request, and nothing is sent.
    const head = await p.gateway.services.provider.getBlockNumber();
    const asked = await c.officer3("POST", `/financing-requests/${id}/approve`);
    expect(asked.status).to.equal(202);
    expect(asked.body.signingRequest.summary).to.equal(`Approve financing request #${id}, TDT 450,000.00, Pearl River Parts, Bank B`);
    expect(asked.body.signingRequest.typedData.message.from).to.equal(wallets.officer3.address);
    expect(await p.gateway.services.provider.getBlockNumber()).to.equal(head);

    const u = p.credentials.users;
    const step = (who: "officer3" | "officer4", action: string) =>
      drive({ url: p.baseUrl, token: u[who].token, wallet: wallets[who], method: "POST", path: `/financing-requests/${id}/${action}` });
    const first = await step("officer3", "approve");
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    expect((first.body as { status: string }).status).to.equal("requested");
    // The same officer again cannot complete maker-checker.
    const again = await step("officer3", "approve");
    expect(again.status).to.equal(409);
    const second = await step("officer4", "approve");
    expect((second.body as { status: string }).status).to.equal("approved");
    const treasuryB = p.credentials.treasuries.bankB.address;
    const before = await token.balanceOf(treasuryB);
    const paid = await step("officer4", "disburse");
    expect(paid.status, JSON.stringify(paid.body)).to.equal(201);
    expect((paid.body as { status: string }).status).to.equal("disbursed");
    const net = BigInt(Math.round(Number((paid.body as { netAmount: string }).netAmount) * 100));
    expect(before - (await token.balanceOf(treasuryB))).to.equal(net);
    // On the ledger, the approvals are the officers' own accounts.
    const ledger = TrellisLedger__factory.connect(p.gateway.services.ledger.addresses.ledger, p.gateway.services.provider);
    const logs = await ledger.queryFilter(ledger.filters.FinancingApproved(BigInt(id)));
    expect(logs.map((l) => l.args.officer)).to.deep.equal([wallets.officer3.address, wallets.officer4.address]);
  });

  it("raises a bank treasury's allowance only with the treasury's key", async () => {
    const u = p.credentials.users;
    const bankA = p.credentials.orgs.bankA;
    const asked = await apiClient(p.baseUrl, u.adminA.token)("PUT", `/orgs/${bankA}/allowance`, { amount: "12000000.00" });
    expect(asked.status, JSON.stringify(asked.body)).to.equal(202);
    expect(asked.body.signingRequest.typedData.message.from.toLowerCase()).to.equal(wallets.bankA.address.toLowerCase());
    // The admin's own key is the wrong one.
    const wrong = await drive({ url: p.baseUrl, token: u.adminA.token, wallet: wallets.adminA, method: "PUT", path: `/orgs/${bankA}/allowance`, body: { amount: "12000000.00" } }).catch((e: Error) => e);
    expect(wrong).to.be.instanceOf(Error);
    const done = await drive({ url: p.baseUrl, token: u.adminA.token, wallet: wallets.bankA, method: "PUT", path: `/orgs/${bankA}/allowance`, body: { amount: "12000000.00" } });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    const body = done.body as { allowance: string; treasury: string };
    expect(body).to.include({ allowance: "12000000.00" });
    expect(body.treasury.toLowerCase()).to.equal(wallets.bankA.address.toLowerCase());
  });
});

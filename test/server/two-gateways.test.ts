import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Wallet, type HDNodeWallet } from "ethers";
import pino from "pino";
import { apiClient } from "../../scripts/lib/api-client";
import { startPlatform, type Platform } from "../../scripts/lib/platform";
import { drive } from "../../scripts/client/trellis-sign";
import { devKeys, loadConfig } from "../../server/src/config";
import { startGateway, type Gateway } from "../../server/src/gateway";
import { enrolSelfCustodied } from "../../server/src/signing/enrol";
import { clients, confirmedInvoice } from "./lifecycle";

describe("a bank's own gateway on the shared chain", function () {
  this.timeout(240_000);
  let p: Platform;
  let bankGateway: Gateway;

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trellis-bank-b-"));
    // Its own relayers (accounts the platform's gateway does not use), the platform's deployment, no demo seed.
    const config = loadConfig(["--data-dir", dataDir, "--port", "0", "--log-level", "silent", "--deployment", path.join(p.dataDir, "deployment.json"), "--relayers", "4"], {
      TRELLIS_RELAYER_KEYS: devKeys().slice(20).join(","),
    });
    bankGateway = await startGateway(config, { rpcUrl: p.node.url, managedHardhat: false, logger: pino({ level: "silent" }) });
  });
  after(async () => {
    await bankGateway?.stop();
    await p?.stop();
  });

  it("indexes the whole ledger, holds only Bank B's people, and completes Bank B's financing signed there", async () => {
    const creds = p.credentials;
    const c = clients(creds);
    const platformAddresses = p.gateway.services.ledger.addresses;
    expect(bankGateway.services.ledger.addresses).to.deep.equal(platformAddresses);
    expect(bankGateway.credentials).to.equal(undefined);
    // Bank B's two officers hold their keys; the ledger's membership is the platform's, their gateway is Bank B's.
    const keys = [Wallet.createRandom(), Wallet.createRandom()];
    const officers: { wallet: HDNodeWallet; token: string; api: ReturnType<typeof apiClient> }[] = [];
    for (const [i, w] of keys.entries()) {
      const name = `bankb-officer${i + 1}-${Date.now() % 1e6}`;
      // Bank B's admin proposes the officer, officer3 (its second governor) approves; the operator adds no members.
      const made = await apiClient(p.baseUrl, creds.users.adminB.token)("POST", `/orgs/${creds.orgs.bankB}/members`, { name, role: "officer", address: w.address });
      expect(made.status, JSON.stringify(made.body)).to.equal(201);
      const approved = await apiClient(p.baseUrl, creds.users.officer3.token)("POST", `/orgs/${creds.orgs.bankB}/members/${made.body.proposal.id}/approve`);
      expect(approved.status, JSON.stringify(approved.body)).to.equal(201);
      const enrolled = await enrolSelfCustodied(bankGateway.services, { orgId: creds.orgs.bankB, name, role: "officer", address: w.address });
      officers.push({ wallet: w, token: enrolled.token, api: apiClient(bankGateway.url, enrolled.token) });
    }
    // Bank B's gateway holds no one's private key, and no one but Bank B's officers.
    // Its one key is the keeper's own role-less account (it marks invoices overdue), no person's and no treasury's.
    expect(bankGateway.services.vault.custodialAddresses()).to.deep.equal([bankGateway.keeper.address]);
    const people = bankGateway.services.gdb.prepare("SELECT org_id AS orgId, role FROM users").all();
    expect(people).to.deep.equal([{ orgId: creds.orgs.bankB, role: "officer" }, { orgId: creds.orgs.bankB, role: "officer" }]);
    const intruder = await enrolSelfCustodied(bankGateway.services, { orgId: creds.orgs.bankB, name: "intruder", role: "officer", address: Wallet.createRandom().address }).catch((e: Error & { code?: string }) => e);
    expect(intruder).to.be.instanceOf(Error);
    expect((intruder as { code?: string }).code).to.equal("NOT_A_MEMBER");

    // The supplier, on the platform's gateway, asks Bank B for financing.
    const { invoiceId } = await confirmedInvoice(creds, "1000000.00", "TWO");
    const req = await c.supplier("POST", "/financing-requests", { invoiceId, bankOrgId: creds.orgs.bankB, amount: "700000.00" });
    expect(req.status, JSON.stringify(req.body)).to.equal(201);
    const id = req.body.id as string;
    await bankGateway.services.indexer.waitFor(req.body.blockNumber);
    // Bank B's gateway knows the organisations' names from the consortium directory (checked against the ledger's
    // commitments), but not the invoice's number: the chain holds only its commitment, and the salt is the supplier's.
    const before = await officers[0].api("GET", `/invoices/${invoiceId}`);
    expect(before.body.supplierName).to.equal("Pearl River Parts");
    expect(before.body.invoiceNumber).to.match(/^0x[0-9a-f]{64}$/);
    // The supplier discloses the number to Bank B; Bank B's gateway checks it against the ledger and shows it.
    const disclosure = await c.supplier("POST", "/disclosures", { entityType: "invoice", entityId: invoiceId, fields: ["invoiceNumber"], audience: creds.orgs.bankB });
    expect(disclosure.status, JSON.stringify(disclosure.body)).to.equal(201);
    const forged = { ...disclosure.body, fields: [{ ...disclosure.body.fields[0], value: "INV-FORGED" }] };
    const refused = await officers[0].api("POST", "/disclosures/verify", forged);
    expect(refused.status).to.equal(200);
    expect(refused.body).to.deep.include({ valid: false, imported: false });
    expect(refused.body.fields).to.deep.equal([{ field: "invoiceNumber", value: "INV-FORGED", valid: false, reason: "hash_mismatch" }]);
    expect((await officers[0].api("GET", `/invoices/${invoiceId}`)).body.invoiceNumber).to.equal(before.body.invoiceNumber);
    const checked = await officers[0].api("POST", "/disclosures/verify", disclosure.body);
    expect(checked.status, JSON.stringify(checked.body)).to.equal(200);
    expect(checked.body).to.deep.include({ valid: true, imported: true });
    expect(checked.body.onChain.commitments[0]).to.include({ field: "invoiceNumber", commitment: before.body.invoiceNumber, event: "InvoiceIssued" });
    const platformInvoice = await c.supplier("GET", `/invoices/${invoiceId}`);
    expect((await officers[0].api("GET", `/invoices/${invoiceId}`)).body.invoiceNumber).to.equal(platformInvoice.body.invoiceNumber);

    // Bank B's officers approve and disburse on Bank B's gateway, each signing the signing requests there.
    const step = async (o: (typeof officers)[number], action: string, status: string) => {
      const lines: string[] = [];
      const r = await drive({ url: bankGateway.url, token: o.token, wallet: o.wallet, method: "POST", path: `/financing-requests/${id}/${action}`, log: (l) => lines.push(l) });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      expect((r.body as { status: string }).status).to.equal(status);
      expect(lines[0], lines[0]).to.match(new RegExp(`^Summary: +${action[0].toUpperCase()}${action.slice(1)} financing request #${id}, TDT 700,000.00, Pearl River Parts, Bank B$`));
      return r.body as { blockNumber: number };
    };
    await step(officers[0], "approve", "requested");
    await step(officers[1], "approve", "approved");
    const last = await step(officers[0], "disburse", "disbursed");

    // Both indexes agree on the financing record and the invoice.
    await p.gateway.services.indexer.waitFor(last.blockNumber);
    const onBank = await officers[0].api("GET", `/financing-requests/${id}`);
    const onPlatform = await apiClient(p.baseUrl, creds.users.officer3.token)("GET", `/financing-requests/${id}`);
    expect(onBank.status).to.equal(200);
    expect(onPlatform.status).to.equal(200);
    expect(onBank.body).to.deep.equal(onPlatform.body);
    expect(onBank.body.status).to.equal("disbursed");
    expect(onBank.body.approvals.map((a: { officer: string }) => a.officer.toLowerCase())).to.deep.equal(keys.map((k) => k.address.toLowerCase()));
    const invBank = await officers[0].api("GET", `/invoices/${invoiceId}`);
    const invPlatform = await apiClient(p.baseUrl, creds.users.officer3.token)("GET", `/invoices/${invoiceId}`);
    expect(invBank.status).to.equal(200);
    expect(invBank.body).to.deep.equal(invPlatform.body);
    expect(invBank.body).to.include({ financed: true, financingRequestId: id });
  });
});

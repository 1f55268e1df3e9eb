import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { Wallet, type HDNodeWallet } from "ethers";
import { apiClient } from "../../../scripts/lib/api-client";
import { startPlatform, type Platform } from "../../../scripts/lib/platform";
import { drive, signTypedData } from "../../../scripts/client/trellis-sign";
import { clients, confirmedInvoice } from "../lifecycle";

const run = promisify(execFile);

describe("self-custody: writes through signing requests", function () {
  this.timeout(240_000);
  let p: Platform;
  let c: ReturnType<typeof clients>;
  let seq = 0;
  const keyOf = () => ({ "idempotency-key": `sc-${Date.now()}-${++seq}` });

  /** A Bank B officer whose key only the test holds. */
  const officer = async (name: string) => {
    const wallet = Wallet.createRandom();
    // Bank B's admin proposes the officer and officer3, the bank's second governor, approves (the operator adds no members).
    const bankB = p.credentials.orgs.bankB;
    const r = await apiClient(p.baseUrl, p.credentials.users.adminB.token)("POST", `/orgs/${bankB}/members`, { name: `${name}-${Date.now() % 1e6}`, role: "officer", address: wallet.address });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    const approved = await apiClient(p.baseUrl, p.credentials.users.officer3.token)("POST", `/orgs/${bankB}/members/${r.body.proposal.id}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).to.equal(201);
    expect(approved.body.proposal).to.include({ status: "approved" });
    return { wallet, address: wallet.address, api: apiClient(p.baseUrl, r.body.token), token: r.body.token as string };
  };
  let o1: Awaited<ReturnType<typeof officer>>;
  let o2: Awaited<ReturnType<typeof officer>>;

  /** What must not move when a signature is refused: the chain's head and every relayer's nonce. */
  const chainState = async () => {
    const { provider, ledger } = p.gateway.services;
    const relayers = (ledger as unknown as { relayers: Wallet[] }).relayers;
    return {
      head: await provider.getBlockNumber(),
      nonces: await Promise.all(relayers.map((r) => provider.getTransactionCount(r.address, "pending"))),
    };
  };

  const financingAtBankB = async (tag: string) => {
    const { invoiceId } = await confirmedInvoice(p.credentials, "1000000.00", tag);
    const req = await c.supplier("POST", "/financing-requests", { invoiceId, bankOrgId: p.credentials.orgs.bankB, amount: "800000.00" });
    expect(req.status, JSON.stringify(req.body)).to.equal(201);
    expect(req.body).to.include({ path: "maker-checker", approvalsRequired: 2 });
    return req.body.id as string;
  };

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
    c = clients(p.credentials);
    o1 = await officer("sc-officer1");
    o2 = await officer("sc-officer2");
  });
  after(async () => {
    await p?.stop();
  });

  it("keeps no key for a self-custodied account and records it as such", () => {
    const vault = p.gateway.services.vault;
    expect(vault.custodyOf(o1.address)).to.equal("self");
    expect(vault.custodyOf(p.credentials.users.officer1.address)).to.equal("gateway");
    const held = vault.custodialAddresses().map((a) => a.toLowerCase());
    expect(held).to.not.include(o1.address.toLowerCase());
    expect(held).to.not.include(o2.address.toLowerCase());
  });

  it("runs maker-checker and disbursement with two self-custodied officers signing every write", async () => {
    const id = await financingAtBankB("SC");
    const before = await chainState();
    const key = keyOf();
    const first = await o1.api("POST", `/financing-requests/${id}/approve`, undefined, key);
    expect(first.status, JSON.stringify(first.body)).to.equal(202);
    const sr = first.body.signingRequest;
    expect(sr.id).to.match(/^sr_[0-9a-f]{24}$/);
    expect(sr.summary).to.equal(`Approve financing request #${id}, TDT 800,000.00, Pearl River Parts, Bank B`);
    expect(sr.typedData.primaryType).to.equal("ForwardRequest");
    expect(sr.typedData.domain).to.deep.equal({ name: "TrellisForwarder", version: "1", chainId: 31337, verifyingContract: p.gateway.services.ledger.addresses.forwarder });
    expect(sr.typedData.message.from).to.equal(o1.address);
    expect(sr.typedData.message.to).to.equal(p.gateway.services.ledger.addresses.ledger);
    const chainNonce = await p.gateway.services.ledger.read("forwarder", "nonces", [o1.address]);
    expect(sr.typedData.message.nonce).to.equal(String(chainNonce));
    expect(sr.typedData.message.deadline).to.be.greaterThan(Math.floor(Date.now() / 1000) + 500);
    expect(Date.parse(sr.expiresAt)).to.equal(sr.typedData.message.deadline * 1000);
    // Nothing was sent for the 202, and the same Idempotency-Key answers the same signing request.
    expect(await chainState()).to.deep.equal(before);
    const again = await o1.api("POST", `/financing-requests/${id}/approve`, undefined, key);
    expect(again.status).to.equal(202);
    expect(again.headers.get("idempotent-replayed")).to.equal("true");
    expect(again.body.signingRequest.id).to.equal(sr.id);

    const shown = await o1.api("GET", `/signing-requests/${sr.id}`);
    expect(shown.status).to.equal(200);
    expect(shown.body).to.include({ id: sr.id, status: "pending", operationId: "approveFinancingRequest", summary: sr.summary, resultStatus: null });
    expect((await o2.api("GET", `/signing-requests/${sr.id}`)).status).to.equal(404);

    const sigKey = keyOf();
    const signed = await o1.api("POST", `/signing-requests/${sr.id}/signature`, { signature: await signTypedData(o1.wallet, sr.typedData) }, sigKey);
    expect(signed.status, JSON.stringify(signed.body)).to.equal(201);
    expect(signed.body).to.include({ id, status: "requested", bankOrgId: p.credentials.orgs.bankB });
    expect(signed.body.approvals).to.have.length(1);
    expect(signed.body.approvals[0].officer.toLowerCase()).to.equal(o1.address.toLowerCase());
    expect(signed.body.txHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(signed.body.blockNumber).to.be.a("number");
    // The ledger recorded the officer's own account as the approver (the forwarder's signer check).
    const receipt = await p.gateway.services.provider.getTransactionReceipt(signed.body.txHash);
    expect(receipt!.status).to.equal(1);
    expect(await p.gateway.services.ledger.read("forwarder", "nonces", [o1.address])).to.equal((chainNonce as bigint) + 1n);
    // The signature step is idempotent under its own key, and its answer is kept on the signing request.
    const replayed = await o1.api("POST", `/signing-requests/${sr.id}/signature`, { signature: await signTypedData(o1.wallet, sr.typedData) }, sigKey);
    expect(replayed.status).to.equal(201);
    expect(replayed.headers.get("idempotent-replayed")).to.equal("true");
    expect(replayed.body).to.deep.equal(signed.body);
    const done = await o1.api("GET", `/signing-requests/${sr.id}`);
    expect(done.body).to.include({ status: "completed", resultStatus: 201 });
    expect(done.body.result).to.deep.equal(signed.body);

    // A refusal answers before any signing request exists: the same officer approving twice.
    const twice = await o1.api("POST", `/financing-requests/${id}/approve`);
    expect(twice.status).to.equal(409);
    expect(twice.body.error.code).to.equal("DUPLICATE_APPROVAL");

    // The second officer through the integrator client's two steps.
    const lines: string[] = [];
    const second = await drive({ url: p.baseUrl, token: o2.token, wallet: o2.wallet, method: "POST", path: `/financing-requests/${id}/approve`, log: (l) => lines.push(l) });
    expect(second.status).to.equal(201);
    expect((second.body as { status: string }).status).to.equal("approved");
    expect(lines[0]).to.equal(`Summary:   Approve financing request #${id}, TDT 800,000.00, Pearl River Parts, Bank B`);
    expect(lines[1]).to.equal(`Call:      approveFinancing(${id}) on ${p.gateway.services.ledger.addresses.ledger}`);

    // Disbursement by the command-line client with a Web3 Secret Storage keystore file.
    const dir = fs.mkdtempSync(path.join(p.dataDir, "keys-"));
    fs.writeFileSync(path.join(dir, "o1.json"), await o1.wallet.encrypt("correct horse battery staple"));
    fs.writeFileSync(path.join(dir, "o1.pass"), "correct horse battery staple\n");
    const cli = await run("npx", ["ts-node", "--transpile-only", "scripts/client/trellis-sign.ts", "--keystore", path.join(dir, "o1.json"), "--passphrase-file", path.join(dir, "o1.pass"), "--token", o1.token, "--url", p.baseUrl, "POST", `/financing-requests/${id}/disburse`]);
    expect(cli.stdout).to.contain(`Summary:   Disburse financing request #${id}, TDT 800,000.00, Pearl River Parts, Bank B`);
    expect(cli.stdout).to.contain("HTTP 201");
    const record = await c.supplier("GET", `/financing-requests/${id}`);
    expect(record.body.status).to.equal("disbursed");
  });

  it("refuses a wrong signer, an invalid signature, a used, an expired and a stale signing request, sending nothing", async () => {
    const id = await financingAtBankB("SCX");
    const pending = (await o1.api("POST", `/financing-requests/${id}/approve`)).body.signingRequest;
    const before = await chainState();

    const stranger = Wallet.createRandom();
    const wrong = await o1.api("POST", `/signing-requests/${pending.id}/signature`, { signature: await signTypedData(stranger, pending.typedData) });
    expect(wrong.status).to.equal(403);
    expect(wrong.body.error.code).to.equal("WRONG_SIGNER");
    // Another officer's valid signature of it is a wrong signer too.
    const byOther = await o1.api("POST", `/signing-requests/${pending.id}/signature`, { signature: await signTypedData(o2.wallet, pending.typedData) });
    expect(byOther.status).to.equal(403);
    expect(byOther.body.error.code).to.equal("WRONG_SIGNER");
    const garbage = await o1.api("POST", `/signing-requests/${pending.id}/signature`, { signature: "0x" + "11".repeat(65) });
    expect(garbage.status).to.equal(400);
    expect(garbage.body.error.code).to.equal("INVALID_SIGNATURE");
    // Someone else's signing request cannot be completed, even with its owner's signature.
    const foreign = await o2.api("POST", `/signing-requests/${pending.id}/signature`, { signature: await signTypedData(o1.wallet, pending.typedData) });
    expect(foreign.status).to.equal(404);
    expect(await chainState()).to.deep.equal(before);

    // Stale: two pending requests for one account share its forwarder nonce; once one is used, the other is refused.
    const other = await financingAtBankB("SCY");
    const first = (await o1.api("POST", `/financing-requests/${other}/approve`)).body.signingRequest;
    expect(first.typedData.message.nonce).to.equal(pending.typedData.message.nonce);
    const ok = await o1.api("POST", `/signing-requests/${first.id}/signature`, { signature: await signTypedData(o1.wallet, first.typedData) });
    expect(ok.status).to.equal(201);
    const afterOk = await chainState();
    const stale = await o1.api("POST", `/signing-requests/${pending.id}/signature`, { signature: await signTypedData(o1.wallet, pending.typedData) });
    expect(stale.status).to.equal(409);
    expect(stale.body.error.code).to.equal("SIGNING_REQUEST_STALE");
    // Replayed: the used one again, without its Idempotency-Key.
    const replay = await o1.api("POST", `/signing-requests/${first.id}/signature`, { signature: await signTypedData(o1.wallet, first.typedData) });
    expect(replay.status).to.equal(409);
    expect(replay.body.error.code).to.equal("SIGNING_REQUEST_USED");
    expect(await chainState()).to.deep.equal(afterOk);

    // Expired: the chain's clock passes the forward request's deadline before the signature arrives.
    const late = (await o2.api("POST", `/financing-requests/${id}/approve`)).body.signingRequest;
    const { provider } = p.gateway.services;
    await provider.send("evm_setNextBlockTimestamp", [late.typedData.message.deadline + 10]);
    await provider.send("evm_mine", []);
    const beforeLate = await chainState();
    const expired = await o2.api("POST", `/signing-requests/${late.id}/signature`, { signature: await signTypedData(o2.wallet, late.typedData) });
    expect(expired.status).to.equal(409);
    expect(expired.body.error.code).to.equal("SIGNING_REQUEST_EXPIRED");
    expect((await o2.api("GET", `/signing-requests/${late.id}`)).body.status).to.equal("expired");
    expect(await chainState()).to.deep.equal(beforeLate);
    // A fresh signing request then goes through against the chain's clock.
    const fresh = await drive({ url: p.baseUrl, token: o2.token, wallet: o2.wallet as Wallet | HDNodeWallet, method: "POST", path: `/financing-requests/${id}/approve` });
    expect(fresh.status).to.equal(201);
    expect((fresh.body as { approvals: unknown[] }).approvals).to.have.length(1);
  });
});

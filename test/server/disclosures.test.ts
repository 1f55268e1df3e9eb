import { expect } from "chai";
import { startPlatform, type Platform } from "../../scripts/lib/platform";
import { commitmentOf } from "../../server/src/commitments/service";
import { clients, confirmedInvoice } from "./lifecycle";

describe("selective disclosure (POST /disclosures, /disclosures/verify)", function () {
  this.timeout(180_000);
  let p: Platform;
  let c: ReturnType<typeof clients>;
  let invoiceId: string;

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
    c = clients(p.credentials);
    ({ invoiceId } = await confirmedInvoice(p.credentials, "12000.00", "DISC"));
  });
  after(async () => {
    await p?.stop();
  });

  it("gives the auditor the invoice number with its salt, which hashes to the ledger's commitment", async () => {
    const inv = await c.supplier("GET", `/invoices/${invoiceId}`);
    const made = await c.supplier("POST", "/disclosures", { entityType: "invoice", entityId: invoiceId, fields: ["invoiceNumber"], audience: p.credentials.orgs.audit });
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    const d = made.body;
    expect(d).to.include({ entityType: "invoice", entityId: invoiceId, audience: p.credentials.orgs.audit });
    expect(d.issuedBy).to.include({ orgId: p.credentials.orgs.pearl });
    expect(d.fields).to.have.length(1);
    expect(d.fields[0]).to.include({ field: "invoiceNumber", value: inv.body.invoiceNumber });
    // The receiver can recompute it with no help from the gateway.
    expect(commitmentOf(d.fields[0].value, d.fields[0].salt)).to.equal(d.fields[0].commitment);
    expect(d.chain).to.deep.equal({ chainId: 31337, ledger: p.gateway.services.ledger.addresses.ledger });

    // The audience and the issuer read it by id; anyone else gets 404.
    expect((await c.auditor("GET", `/disclosures/${d.id}`)).body).to.deep.equal(d);
    expect((await c.supplier("GET", `/disclosures/${d.id}`)).status).to.equal(200);
    const other = await c.officer3("GET", `/disclosures/${d.id}`);
    expect(other.status).to.equal(404);
    expect(other.body.error.code).to.equal("NOT_FOUND");
    expect((await c.auditor("GET", "/disclosures/d_0000000000000000")).status).to.equal(404);
    expect((await c.auditor("GET", "/disclosures/not-an-id")).status).to.equal(400);

    const ok = await c.auditor("POST", "/disclosures/verify", d);
    expect(ok.status).to.equal(200);
    expect(ok.body).to.deep.include({ valid: true, entityType: "invoice", entityId: invoiceId, imported: true });
    expect(ok.body.fields).to.deep.equal([{ field: "invoiceNumber", value: inv.body.invoiceNumber, valid: true, reason: "matches" }]);
    const onChain = ok.body.onChain.commitments[0];
    expect(onChain).to.include({ field: "invoiceNumber", commitment: d.fields[0].commitment, event: "InvoiceIssued" });
    const tx = await p.gateway.services.provider.getTransactionReceipt(onChain.txHash);
    expect(tx!.blockNumber).to.equal(onChain.blockNumber);
  });

  it("answers valid: false with the reason for a changed value, a changed salt or another record's commitment, and imports nothing", async () => {
    const d = (await c.supplier("POST", "/disclosures", { entityType: "invoice", entityId: invoiceId, fields: ["invoiceNumber"], audience: p.credentials.orgs.audit })).body;
    const f = d.fields[0];
    const changedValue = await c.auditor("POST", "/disclosures/verify", { ...d, fields: [{ ...f, value: f.value + "X" }] });
    expect(changedValue.body).to.deep.include({ valid: false, imported: false });
    expect(changedValue.body.fields[0].reason).to.equal("hash_mismatch");
    // A self-consistent opening of a different value: it hashes to its own commitment, which is not the ledger's.
    const salt = "0x" + "11".repeat(32);
    const forged = { field: "invoiceNumber", value: "INV-FORGED", salt, commitment: commitmentOf("INV-FORGED", salt) };
    const other = await c.auditor("POST", "/disclosures/verify", { ...d, fields: [forged] });
    expect(other.body.fields[0]).to.deep.equal({ field: "invoiceNumber", value: "INV-FORGED", valid: false, reason: "commitment_differs" });
    expect(other.body.valid).to.equal(false);
    // A record without that commitment on the ledger (no dispute was ever raised).
    const none = await c.auditor("POST", "/disclosures/verify", { ...d, fields: [{ ...forged, field: "disputeReason" }] });
    expect(none.body.fields[0].reason).to.equal("not_on_chain");
    // Another ledger's disclosure.
    const elsewhere = await c.auditor("POST", "/disclosures/verify", { ...d, chain: { chainId: 1, ledger: d.chain.ledger } });
    expect(elsewhere.status).to.equal(422);
    expect(elsewhere.body.error.code).to.equal("DISCLOSURE_OTHER_LEDGER");
  });

  it("refuses records the caller cannot see, fields a record does not commit, unknown audiences and fields never committed", async () => {
    const notMine = await c.officer3("POST", "/disclosures", { entityType: "invoice", entityId: invoiceId, fields: ["invoiceNumber"], audience: p.credentials.orgs.audit });
    expect(notMine.status).to.equal(404);
    expect(notMine.body.error.code).to.equal("NOT_FOUND");
    const wrongField = await c.supplier("POST", "/disclosures", { entityType: "invoice", entityId: invoiceId, fields: ["reference"], audience: p.credentials.orgs.audit });
    expect(wrongField.status).to.equal(400);
    expect(wrongField.body.error.code).to.equal("VALIDATION_FAILED");
    const nobody = await c.supplier("POST", "/disclosures", { entityType: "invoice", entityId: invoiceId, fields: ["invoiceNumber"], audience: "999" });
    expect(nobody.status).to.equal(422);
    expect(nobody.body.error.code).to.equal("AUDIENCE_UNKNOWN");
    const noDispute = await c.supplier("POST", "/disclosures", { entityType: "invoice", entityId: invoiceId, fields: ["disputeReason"], audience: p.credentials.orgs.audit });
    expect(noDispute.status).to.equal(422);
    expect(noDispute.body.error.code).to.equal("FIELD_NOT_COMMITTED");
  });

  it("discloses an order's reference and an organisation's name", async () => {
    const order = (await c.buyer("GET", "/orders?limit=1")).body.items[0];
    const ref = await c.buyer("POST", "/disclosures", { entityType: "order", entityId: order.id, fields: ["reference"], audience: p.credentials.orgs.audit });
    expect(ref.status, JSON.stringify(ref.body)).to.equal(201);
    expect(ref.body.fields[0].value).to.equal(order.reference);
    expect((await c.auditor("POST", "/disclosures/verify", ref.body)).body.valid).to.equal(true);
    const name = await c.supplier("POST", "/disclosures", { entityType: "organization", entityId: p.credentials.orgs.pearl, fields: ["name"], audience: p.credentials.orgs.bankB });
    expect(name.status).to.equal(201);
    expect(name.body.fields[0].value).to.equal("Pearl River Parts");
    // Verified by someone who is not its audience: valid, but this gateway is not told to show it to them.
    const byAuditor = await c.auditor("POST", "/disclosures/verify", name.body);
    expect(byAuditor.body).to.deep.include({ valid: true, imported: false });
  });
});

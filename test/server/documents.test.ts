import crypto from "node:crypto";
import { expect } from "chai";
import { startPlatform, type Platform } from "../../scripts/lib/platform";
import { clients, inDays } from "./lifecycle";

describe("opening an invoice's document (GET /documents/{sha256})", function () {
  this.timeout(180_000);
  let p: Platform;
  let c: ReturnType<typeof clients>;
  const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n% invoice "), crypto.randomBytes(2048)]);
  const sha = "0x" + crypto.createHash("sha256").update(pdf).digest("hex");
  const open = (token: string | undefined, hash = sha) =>
    fetch(`${p.baseUrl}/api/v1/documents/${hash}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
    c = clients(p.credentials);
    const up = await fetch(`${p.baseUrl}/api/v1/documents`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${p.credentials.users.supplier.token}`,
        "content-type": "application/octet-stream",
      },
      body: pdf,
    });
    expect(up.status).to.equal(201);
  });
  after(async () => {
    await p?.stop();
  });

  it("serves the uploader's organisation its file before any record carries it, and no one else", async () => {
    const mine = await open(p.credentials.users.supplier.token);
    expect(mine.status).to.equal(200);
    expect(Buffer.from(await mine.arrayBuffer()).equals(pdf)).to.equal(true);
    expect((await open(p.credentials.users.buyer.token)).status).to.equal(404);
  });

  it("serves the parties and the auditor of an invoice anchoring it, inline, re-hashed, and sandboxed", async () => {
    const order = await c.buyer("POST", "/orders", {
      supplierOrgId: p.credentials.orgs.pearl,
      amount: "900.00",
      reference: `PO-DOCOPEN-${Date.now() % 1e6}`,
      dueDate: inDays(40),
    });
    await c.supplier("POST", `/orders/${order.body.id}/accept`);
    const inv = await c.supplier("POST", "/invoices", {
      orderId: order.body.id,
      invoiceNumber: `INV-DOCOPEN-${Date.now() % 1e6}`,
      amount: "900.00",
      dueDate: inDays(40),
      documentHash: sha,
    });
    expect(inv.status, JSON.stringify(inv.body)).to.equal(201);
    for (const who of ["buyer", "auditor", "supplier"] as const) {
      const r = await open(p.credentials.users[who].token);
      expect(r.status, who).to.equal(200);
      expect(r.headers.get("content-type")).to.equal("application/pdf");
      expect(r.headers.get("content-disposition")).to.equal(
        `inline; filename="document-${sha.slice(2, 14)}.pdf"; filename*=UTF-8''document-${sha.slice(2, 14)}.pdf`,
      );
      expect(r.headers.get("x-document-sha256")).to.equal(sha);
      expect(r.headers.get("x-content-type-options")).to.equal("nosniff");
      expect(r.headers.get("content-security-policy")).to.contain("sandbox");
      const body = Buffer.from(await r.arrayBuffer());
      expect("0x" + crypto.createHash("sha256").update(body).digest("hex")).to.equal(sha);
    }
    // A bank the supplier has not asked sees neither the invoice nor its document.
    const other = await open(p.credentials.users.officer3.token);
    expect(other.status).to.equal(404);
    expect(((await other.json()) as { error: { code: string } }).error.code).to.equal("NOT_FOUND");
  });

  it("keeps the file name given at upload (Chinese included) and the type read from the bytes, and refuses a path for a name", async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(512)]);
    const pngSha = "0x" + crypto.createHash("sha256").update(png).digest("hex");
    const name = "发票 2027(3).png";
    const upload = (query: string) =>
      fetch(`${p.baseUrl}/api/v1/documents${query}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${p.credentials.users.supplier.token}`,
          "content-type": "application/octet-stream",
        },
        body: png,
      });
    const up = await upload(`?name=${encodeURIComponent(name)}`);
    expect(up.status).to.equal(201);
    expect(await up.json()).to.deep.equal({ sha256: pngSha, size: png.length, name, type: "image/png" });
    // The same bytes again without a name keep the name they had.
    const again = await upload("");
    expect(((await again.json()) as { name: string }).name).to.equal(name);
    const r = await open(p.credentials.users.supplier.token, pngSha);
    expect(r.status).to.equal(200);
    expect(r.headers.get("content-type")).to.equal("image/png");
    const disposition = r.headers.get("content-disposition")!;
    expect(disposition).to.equal(
      `inline; filename="__ 2027(3).png"; filename*=UTF-8''%E5%8F%91%E7%A5%A8%202027%283%29.png`,
    );
    expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1])).to.equal(name);
    for (const bad of ["../etc/passwd", "a/b.pdf", "a\\b.pdf", "x".repeat(256), "%00x"]) {
      const refused = await upload(`?name=${encodeURIComponent(bad === "%00x" ? "\u0000x" : bad)}`);
      expect(refused.status, bad).to.equal(400);
      expect(((await refused.json()) as { error: { code: string } }).error.code).to.equal("VALIDATION_FAILED");
    }
  });

  it("answers 404 for a hash nothing carries, 400 for a malformed one and 401 without credentials", async () => {
    expect((await open(p.credentials.users.auditor.token, "0x" + "12".repeat(32))).status).to.equal(404);
    const bad = await open(p.credentials.users.auditor.token, "0x1234");
    expect(bad.status).to.equal(400);
    expect((await open(undefined)).status).to.equal(401);
  });
});

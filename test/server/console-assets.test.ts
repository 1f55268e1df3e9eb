import { execSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { expect } from "chai";
import { startPlatform, type Platform } from "../../scripts/lib/platform";

// How the gateway serves the built console: compressed, hashed assets cached for a year, the page always
// revalidated, a real favicon, and a missing file answered 404 rather than with the page.

const ROOT = path.resolve(__dirname, "../..");

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks).length, text: Buffer.concat(chunks).toString("utf8") }));
      })
      .on("error", reject);
  });
}

describe("the console's assets through the gateway", function () {
  this.timeout(180_000);
  let p: Platform;

  before(async () => {
    if (!fs.existsSync(path.join(ROOT, "web/dist/index.html"))) execSync("npm run build:web", { cwd: ROOT, stdio: "ignore" });
    p = await startPlatform({ chain: "hardhat" });
  });
  after(async () => {
    await p?.stop();
  });

  it("answers the page no-cache and its hashed scripts compressed and immutable for a year", async () => {
    const page = await get(`${p.baseUrl}/`);
    expect(page.status).to.equal(200);
    expect(page.headers["cache-control"]).to.equal("no-cache");
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script, "the page loads a hashed script").to.be.a("string");
    const plain = await get(`${p.baseUrl}${script}`);
    const br = await get(`${p.baseUrl}${script}`, { "accept-encoding": "br" });
    const gzip = await get(`${p.baseUrl}${script}`, { "accept-encoding": "gzip" });
    expect(plain.headers["content-encoding"]).to.equal(undefined);
    expect(br.headers["content-encoding"]).to.equal("br");
    expect(gzip.headers["content-encoding"]).to.equal("gzip");
    expect(br.bytes).to.be.below(plain.bytes / 2);
    for (const r of [plain, br, gzip]) expect(r.headers["cache-control"]).to.equal("public, max-age=31536000, immutable");
  });

  it("serves a real favicon, a console route as the page, and a missing file as 404", async () => {
    const icon = await get(`${p.baseUrl}/favicon.svg`);
    expect(icon.status).to.equal(200);
    expect(icon.headers["content-type"]).to.match(/^image\/svg\+xml/);
    expect(icon.text).to.match(/^<svg /);
    const route = await get(`${p.baseUrl}/ledger/invoice/1`);
    expect(route.status).to.equal(200);
    expect(route.text).to.contain('<div id="root">');
    const missing = await get(`${p.baseUrl}/favicon.ico`);
    expect(missing.status).to.equal(404);
    expect(missing.text).not.to.contain('<div id="root">');
  });

  it("compresses API answers too", async () => {
    const doc = await get(`${p.baseUrl}/openapi.json`, { "accept-encoding": "gzip" });
    expect(doc.status).to.equal(200);
    expect(doc.headers["content-encoding"]).to.equal("gzip");
  });
});

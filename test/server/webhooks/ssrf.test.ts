import http from "node:http";
import net from "node:net";
import { expect } from "chai";
import { AppError } from "../../../server/src/shared/errors";
import { checkWebhookUrl, guardedLookup, isBlockedAddress } from "../../../server/src/webhooks/ssrf";

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(AppError);
    return e as AppError;
  }
  return expect.fail("expected a rejection");
}

describe("webhook SSRF guard", () => {
  describe("isBlockedAddress", () => {
    const blocked = [
      "127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
      "100.100.100.200", "0.0.0.0", "192.0.0.192", "198.18.0.5", "224.0.0.1", "255.255.255.255", "203.0.113.9",
      "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:7f00:1",
      "64:ff9b::a00:1", "2002:c0a8:101::1", "2001:0:4136:e378::1", "2001:db8::1", "ff02::1", "[::1]",
    ];
    const allowed = ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "169.255.0.1", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8"];

    for (const ip of blocked) it(`refuses ${ip}`, () => expect(isBlockedAddress(ip)).to.equal(true));
    for (const ip of allowed) it(`allows ${ip}`, () => expect(isBlockedAddress(ip)).to.equal(false));

    it("refuses what is not an address", () => {
      expect(() => isBlockedAddress("example.com")).to.throw(AppError, /not an IP address/);
    });
  });

  describe("checkWebhookUrl", () => {
    const publicDns = async () => ["93.184.215.14"];

    it("accepts a public https target and returns the parsed URL", async () => {
      const url = await checkWebhookUrl("https://erp.example.com/hooks/trellis?x=1", { allowPrivate: false, resolve: publicDns });
      expect(url.hostname).to.equal("erp.example.com");
      expect(url.pathname).to.equal("/hooks/trellis");
    });

    it("refuses IP literals in private, loopback and metadata ranges, v4 and v6", async () => {
      for (const u of ["http://127.0.0.1:8080/x", "http://10.0.0.5/", "http://169.254.169.254/latest/meta-data/", "http://[::1]:3000/", "http://[fd00:ec2::254]/", "http://[::ffff:192.168.0.1]/"]) {
        const e = await rejection(checkWebhookUrl(u, { allowPrivate: false }));
        expect(e.code, u).to.equal("WEBHOOK_TARGET_PRIVATE");
        expect(e.kind).to.equal("unprocessable");
      }
    });

    it("refuses a name that resolves to a private address, even when another of its addresses is public", async () => {
      const e = await rejection(checkWebhookUrl("https://sneaky.example.com/", { allowPrivate: false, resolve: async () => ["93.184.215.14", "10.0.0.7"] }));
      expect(e.code).to.equal("WEBHOOK_TARGET_PRIVATE");
      expect(e.details).to.deep.equal({ address: "10.0.0.7" });
      const v6 = await rejection(checkWebhookUrl("https://v6.example.com/", { allowPrivate: false, resolve: async () => ["fe80::1"] }));
      expect(v6.code).to.equal("WEBHOOK_TARGET_PRIVATE");
    });

    it("refuses localhost through the system resolver", async () => {
      const e = await rejection(checkWebhookUrl("http://localhost:9/", { allowPrivate: false }));
      expect(e.code).to.equal("WEBHOOK_TARGET_PRIVATE");
    });

    it("allows private targets when the operator says so", async () => {
      const url = await checkWebhookUrl("http://127.0.0.1:8080/hook", { allowPrivate: true });
      expect(url.port).to.equal("8080");
    });

    it("refuses other schemes, fragments, garbage and names that do not resolve", async () => {
      expect((await rejection(checkWebhookUrl("ftp://example.com/", { allowPrivate: false }))).code).to.equal("WEBHOOK_URL_INVALID");
      expect((await rejection(checkWebhookUrl("file:///etc/passwd", { allowPrivate: true }))).code).to.equal("WEBHOOK_URL_INVALID");
      expect((await rejection(checkWebhookUrl("https://example.com/#x", { allowPrivate: false, resolve: publicDns }))).code).to.equal("WEBHOOK_URL_INVALID");
      expect((await rejection(checkWebhookUrl("not a url", { allowPrivate: false }))).code).to.equal("WEBHOOK_URL_INVALID");
      const unresolved = await rejection(
        checkWebhookUrl("https://nowhere.invalid/", {
          allowPrivate: false,
          resolve: async () => {
            throw new Error("ENOTFOUND");
          },
        }),
      );
      expect(unresolved.code).to.equal("WEBHOOK_HOST_UNRESOLVED");
    });
  });

  describe("guardedLookup", () => {
    let server: http.Server;
    let port: number;
    let hits = 0;
    before(async () => {
      server = http.createServer((_req, res) => {
        hits++;
        res.end("ok");
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      port = (server.address() as net.AddressInfo).port;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    const get = (allowPrivate: boolean) =>
      new Promise<{ status?: number; error?: string }>((resolve) => {
        const req = http.request({ host: "localhost", port, path: "/", family: 4, lookup: guardedLookup(allowPrivate), agent: false }, (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode }));
        });
        req.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code }));
        req.end();
      });

    it("refuses the connection when the name resolves to a loopback address, before any byte is sent", async () => {
      const before = hits;
      expect(await get(false)).to.deep.equal({ error: "WEBHOOK_TARGET_PRIVATE" });
      expect(hits).to.equal(before);
    });

    it("connects when private targets are allowed", async () => {
      expect(await get(true)).to.deep.equal({ status: 200 });
    });
  });
});

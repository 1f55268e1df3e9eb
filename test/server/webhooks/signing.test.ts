import crypto from "node:crypto";
import { expect } from "chai";
import { Webhook } from "standardwebhooks";
import { AppError } from "../../../server/src/shared/errors";
import { newMessageId, newWebhookSecret, signWebhook } from "../../../server/src/webhooks/signing";

describe("webhook signing (Standard Webhooks)", () => {
  const body = JSON.stringify({ type: "invoice.confirmed", timestamp: "2026-03-02T09:00:00.000Z", data: { invoiceId: "7", amount: "1250.00" } });

  it("makes whsec_ secrets of 24 random bytes and msg_ ids, all different", () => {
    const s = newWebhookSecret();
    expect(s).to.match(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(s.slice(6), "base64")).to.have.length(24);
    expect(newWebhookSecret()).to.not.equal(s);
    expect(newMessageId()).to.match(/^msg_[0-9a-f]{32}$/);
    expect(newMessageId()).to.not.equal(newMessageId());
  });

  it("signs v1,<base64 HMAC-SHA256 of id.timestamp.body> keyed by the secret's base64 part", () => {
    const secret = newWebhookSecret();
    const at = new Date("2026-03-02T09:00:05.900Z");
    const h = signWebhook(secret, "msg_abc", at, body);
    expect(h["webhook-id"]).to.equal("msg_abc");
    expect(h["webhook-timestamp"]).to.equal(String(Math.floor(at.getTime() / 1000)));
    // Computed independently of the library, from the specification's text.
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const expected = crypto.createHmac("sha256", key).update(`msg_abc.${h["webhook-timestamp"]}.${body}`).digest("base64");
    expect(h["webhook-signature"]).to.equal(`v1,${expected}`);
  });

  it("is accepted by the reference library's verify, and rejected when the body or id is changed", () => {
    const secret = newWebhookSecret();
    const h = signWebhook(secret, newMessageId(), new Date(), body);
    const wh = new Webhook(secret);
    expect(wh.verify(body, { ...h })).to.deep.equal(JSON.parse(body));
    expect(() => wh.verify(body.replace("1250.00", "9250.00"), { ...h })).to.throw(/signature/i);
    expect(() => wh.verify(body, { ...h, "webhook-id": "msg_other" })).to.throw(/signature/i);
    expect(() => new Webhook(newWebhookSecret()).verify(body, { ...h })).to.throw(/signature/i);
  });

  it("refuses a secret without the whsec_ prefix", () => {
    try {
      signWebhook("not-a-secret", "msg_1", new Date(), body);
      expect.fail("expected an error");
    } catch (e) {
      expect(e).to.be.instanceOf(AppError);
      expect((e as AppError).code).to.equal("WEBHOOK_SECRET_INVALID");
      expect((e as AppError).kind).to.equal("invalid");
    }
  });
});

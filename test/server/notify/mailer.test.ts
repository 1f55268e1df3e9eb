import net from "node:net";
import { expect } from "chai";
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from "smtp-server";
import { AppError } from "../../../server/src/shared/errors";
import { createMailer, parseSmtpUrl } from "../../../server/src/notify/mailer";

interface Arrived {
  from: string;
  to: string[];
  raw: string;
  auth: { username?: string; password?: string } | null;
}

/** A real SMTP server (smtp-server) on 127.0.0.1 that keeps what it is given. */
async function startSmtp(opts: { requireAuth?: boolean; rejectRecipient?: string } = {}) {
  const arrived: Arrived[] = [];
  const authOf = new WeakMap<SMTPServerSession, { username?: string; password?: string }>();
  const server = new SMTPServer({
    secure: false,
    disabledCommands: opts.requireAuth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !opts.requireAuth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth: SMTPServerAuthentication, session, callback) {
      if (auth.username === "desk" && auth.password === "s3cret") {
        authOf.set(session, { username: auth.username, password: auth.password });
        return callback(null, { user: auth.username });
      }
      return callback(new Error("Invalid username or password"));
    },
    onRcptTo(address, _session, callback) {
      if (address.address === opts.rejectRecipient) return callback(new Error("No such user here"));
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        arrived.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          auth: authOf.get(session) ?? null,
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.server.address() as net.AddressInfo).port;
  return { arrived, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Decodes the parts of a raw single-part message the tests check: unfolded headers, RFC 2047 words, the body. */
function parseMessage(raw: string): { headers: Record<string, string>; body: string } {
  const split = raw.indexOf("\r\n\r\n");
  const headers: Record<string, string> = {};
  for (const line of raw.slice(0, split).replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const i = line.indexOf(":");
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const word = /=\?utf-8\?([bq])\?([^?]*)\?=/gi;
  const wordBytes = (enc: string, data: string) =>
    enc.toLowerCase() === "b" ? Buffer.from(data, "base64") : Buffer.from(data.replace(/_/g, " ").replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1");
  // A run of encoded words separated only by white space is one text (RFC 2047 section 6.2); the bytes are joined
  // before decoding because a UTF-8 character may be split across two words.
  const decodeWords = (v: string) =>
    v.replace(/(=\?utf-8\?[bq]\?[^?]*\?=)(\s+=\?utf-8\?[bq]\?[^?]*\?=)*/gi, (run) =>
      Buffer.concat([...run.matchAll(word)].map(([, enc, data]) => wordBytes(enc, data))).toString("utf8"),
    );
  for (const k of Object.keys(headers)) headers[k] = decodeWords(headers[k]);
  let body = raw.slice(split + 4);
  const cte = (headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
  if (cte === "base64") body = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (cte === "quoted-printable") {
    body = Buffer.from(body.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8");
  }
  // SMTP lines end in CRLF; the text the sender wrote had LF.
  return { headers, body: body.replace(/\r\n/g, "\n").replace(/\n$/, "") };
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(AppError);
    return e as AppError;
  }
  return expect.fail("expected a rejection");
}

describe("mailer", () => {
  describe("with a local SMTP server", () => {
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    beforeEach(async () => {
      smtp = await startSmtp();
    });
    afterEach(() => smtp.close());

    it("delivers an English message: envelope, recipient, subject and body", async () => {
      const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: '"Trellis" <desk@trellis.test>' });
      const sent = await mailer.send({ to: "officer@bank.test", subject: "Case 42 was escalated to you", text: "Nobody answered case 42 within 24 hours.\nPlease respond by 09:00 tomorrow." });
      mailer.close();
      expect(sent.accepted).to.deep.equal(["officer@bank.test"]);
      expect(sent.rejected).to.deep.equal([]);
      expect(smtp.arrived).to.have.length(1);
      const got = smtp.arrived[0];
      expect(got.from).to.equal("desk@trellis.test");
      expect(got.to).to.deep.equal(["officer@bank.test"]);
      const m = parseMessage(got.raw);
      expect(m.headers.subject).to.equal("Case 42 was escalated to you");
      expect(m.headers.to).to.equal("officer@bank.test");
      expect(m.headers.from).to.equal("Trellis <desk@trellis.test>");
      expect(m.headers["message-id"]).to.equal(sent.messageId);
      expect(m.body).to.equal("Nobody answered case 42 within 24 hours.\nPlease respond by 09:00 tomorrow.");
    });

    it("delivers a Chinese message intact, to several recipients", async () => {
      const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: "desk@trellis.test" });
      const subject = "投诉 #42 已升级：请在48小时内答复";
      const text = "您好，\n供应商投诉：发票金额与合同不符。\n请登录控制台处理。";
      await mailer.send({ to: ["张经理 <zhang@bank.test>", "li@bank.test"], subject, text });
      mailer.close();
      const got = smtp.arrived[0];
      expect(got.to).to.deep.equal(["zhang@bank.test", "li@bank.test"]);
      const m = parseMessage(got.raw);
      expect(m.headers.subject).to.equal(subject);
      expect(m.headers.to).to.equal("张经理 <zhang@bank.test>, li@bank.test");
      expect(m.headers["content-type"]).to.match(/charset=utf-8/i);
      expect(m.body).to.equal(text);
    });

    it("sends an HTML alternative when given one", async () => {
      const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: "desk@trellis.test" });
      await mailer.send({ to: "a@bank.test", subject: "Payout received", text: "A payout arrived.", html: "<p>A payout <b>arrived</b>.</p>" });
      mailer.close();
      expect(smtp.arrived[0].raw).to.match(/multipart\/alternative/);
      expect(smtp.arrived[0].raw).to.include("<p>A payout <b>arrived</b>.</p>");
    });

    it("refuses a message without recipient or subject before connecting", async () => {
      const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: "desk@trellis.test" });
      expect((await rejection(mailer.send({ to: [], subject: "x", text: "y" }))).code).to.equal("EMAIL_NO_RECIPIENT");
      expect((await rejection(mailer.send({ to: "a@bank.test", subject: " ", text: "y" }))).code).to.equal("EMAIL_NO_SUBJECT");
      mailer.close();
      expect(smtp.arrived).to.have.length(0);
    });
  });

  describe("with authentication", () => {
    it("logs in with the user and password of the URL, and says so when they are wrong", async () => {
      const smtp = await startSmtp({ requireAuth: true });
      try {
        const good = createMailer({ smtpUrl: `smtp://desk:s3cret@127.0.0.1:${smtp.port}`, from: "desk@trellis.test" });
        await good.verify();
        await good.send({ to: "a@bank.test", subject: "Hello", text: "Hi" });
        good.close();
        expect(smtp.arrived[0].auth).to.deep.equal({ username: "desk", password: "s3cret" });

        const bad = createMailer({ smtpUrl: `smtp://desk:wrong@127.0.0.1:${smtp.port}`, from: "desk@trellis.test" });
        const e = await rejection(bad.send({ to: "a@bank.test", subject: "Hello", text: "Hi" }));
        bad.close();
        expect(e.code).to.equal("SMTP_AUTH_FAILED");
        expect(e.kind).to.equal("unavailable");
        expect(e.message).to.not.include("wrong");
        expect(smtp.arrived).to.have.length(1);
      } finally {
        await smtp.close();
      }
    });
  });

  describe("failures", () => {
    it("reports a refused recipient as unprocessable", async () => {
      const smtp = await startSmtp({ rejectRecipient: "ghost@bank.test" });
      try {
        const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, from: "desk@trellis.test" });
        const e = await rejection(mailer.send({ to: "ghost@bank.test", subject: "Hello", text: "Hi" }));
        mailer.close();
        expect(e.kind).to.equal("unprocessable");
        expect(e.code).to.equal("EMAIL_REJECTED");
        expect(e.details).to.deep.equal({ rejected: ["ghost@bank.test"] });
      } finally {
        await smtp.close();
      }
    });

    it("reports a mail server that is not there as unavailable, without the password", async () => {
      const smtp = await startSmtp();
      const port = smtp.port;
      await smtp.close();
      const mailer = createMailer({ smtpUrl: `smtp://desk:hunter2@127.0.0.1:${port}`, from: "desk@trellis.test", timeoutMs: 2_000 });
      const e = await rejection(mailer.send({ to: "a@bank.test", subject: "Hello", text: "Hi" }));
      mailer.close();
      expect(e.kind).to.equal("unavailable");
      expect(e.code).to.equal("SMTP_UNAVAILABLE");
      expect(e.message).to.include(`smtp://127.0.0.1:${port}`);
      expect(e.message).to.not.include("hunter2");
    });

    it("refuses URLs that are not smtp:// or smtps://", () => {
      for (const bad of ["http://mail.example:25", "mail.example:25", "smtp://"]) {
        try {
          parseSmtpUrl(bad);
          expect.fail(`accepted ${bad}`);
        } catch (e) {
          expect(e).to.be.instanceOf(AppError);
          expect((e as AppError).code, bad).to.equal("SMTP_URL_INVALID");
        }
      }
      expect(parseSmtpUrl("smtps://u:p@mail.example:465").port).to.equal("465");
    });
  });
});

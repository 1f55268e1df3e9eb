import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { AppError } from "../shared/errors";

/**
 * Email through an SMTP server (`--smtp-url smtp://user:pass@host:587` or `smtps://...:465`), with nodemailer doing
 * the protocol, STARTTLS, authentication and MIME (so Chinese subjects and bodies arrive as UTF-8 intact). The
 * gateway sends notification emails through one Mailer; without an SMTP URL it has none and only the in-app inbox
 * is used.
 */
export interface MailMessage {
  to: string | readonly string[];
  subject: string;
  text: string;
  html?: string;
}

export interface SentMail {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

export interface MailerOptions {
  smtpUrl: string;
  /** The sender, e.g. `"Trellis" <no-reply@trellis.example>`. */
  from: string;
  /** Connection, greeting and socket time-outs; an SMTP server that stalls fails the send instead of hanging it. */
  timeoutMs?: number;
}

export interface Mailer {
  send(message: MailMessage): Promise<SentMail>;
  /** Connects and authenticates without sending, for a start-up check. */
  verify(): Promise<void>;
  close(): void;
}

/** Checks an SMTP URL: smtp:// or smtps://, with a host. The password never appears in the error. */
export function parseSmtpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError("invalid", "SMTP_URL_INVALID", "The SMTP URL is not a URL; use smtp://user:password@host:587 or smtps://user:password@host:465.");
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new AppError("invalid", "SMTP_URL_INVALID", `The SMTP URL must start with smtp:// or smtps://, not ${url.protocol}//.`);
  }
  if (!url.hostname) throw new AppError("invalid", "SMTP_URL_INVALID", "The SMTP URL has no host.");
  return url;
}

function redacted(url: URL): string {
  return `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ""}`;
}

export function createMailer(options: MailerOptions): Mailer {
  const url = parseSmtpUrl(options.smtpUrl);
  const timeout = options.timeoutMs ?? 15_000;
  const defaults: SMTPTransport.Options = { connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout };
  const transport = nodemailer.createTransport(url.toString(), defaults);
  const where = redacted(url);

  const failure = (e: unknown): AppError => {
    const err = e as Error & { code?: string; responseCode?: number; rejected?: string[] };
    if (err.code === "EENVELOPE") {
      return new AppError("unprocessable", "EMAIL_REJECTED", `The mail server at ${where} refused the recipients.`, { rejected: err.rejected ?? [] });
    }
    if (err.code === "EAUTH") return new AppError("unavailable", "SMTP_AUTH_FAILED", `The mail server at ${where} refused the SMTP user name or password.`);
    return new AppError("unavailable", "SMTP_UNAVAILABLE", `The mail server at ${where} could not be used: ${err.message}`, { code: err.code ?? null });
  };

  return {
    async send(message) {
      const to = typeof message.to === "string" ? [message.to] : [...message.to];
      if (to.length === 0) throw new AppError("invalid", "EMAIL_NO_RECIPIENT", "An email needs at least one recipient.");
      if (message.subject.trim() === "") throw new AppError("invalid", "EMAIL_NO_SUBJECT", "An email needs a subject.");
      try {
        const info = await transport.sendMail({ from: options.from, to, subject: message.subject, text: message.text, ...(message.html ? { html: message.html } : {}) });
        const addr = (a: string | { address: string }) => (typeof a === "string" ? a : a.address);
        return { messageId: info.messageId, accepted: info.accepted.map(addr), rejected: info.rejected.map(addr) };
      } catch (e) {
        throw failure(e);
      }
    },
    async verify() {
      try {
        await transport.verify();
      } catch (e) {
        throw failure(e);
      }
    },
    close() {
      transport.close();
    },
  };
}

import crypto from "node:crypto";
import { Webhook } from "standardwebhooks";
import { AppError } from "../shared/errors";

/**
 * Signing per the Standard Webhooks specification (standardwebhooks.com): each request carries `webhook-id`,
 * `webhook-timestamp` (unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed
 * by the base64 part of a `whsec_` secret. The reference library does the HMAC, so a receiver using any Standard
 * Webhooks library verifies what we send.
 */
export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** A new endpoint secret: `whsec_` and 24 random bytes in base64, as the specification suggests (24 to 64 bytes). */
export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(24).toString("base64")}`;
}

/** A message id, unique per event and kept on every retry so receivers can de-duplicate. */
export function newMessageId(): string {
  return `msg_${crypto.randomBytes(16).toString("hex")}`;
}

export function signWebhook(secret: string, messageId: string, at: Date, body: string): SignedHeaders {
  if (!secret.startsWith("whsec_")) throw new AppError("invalid", "WEBHOOK_SECRET_INVALID", "A webhook secret starts with whsec_.");
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(messageId, at, body),
  };
}

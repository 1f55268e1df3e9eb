import { z } from "zod";
import { DateTime, IdParam, Limit, Cursor, RecordId } from "../http/schemas";

const ID = z.string().max(10, "must be a positive integer id").regex(/^[1-9][0-9]*$/, "must be a positive integer id");

export const CreateWebhook = z
  .object({
    url: z.string().min(1).max(2000).describe("http(s) target; private, loopback and reserved addresses are refused unless the gateway runs with --webhook-allow-private"),
    events: z.array(z.string().regex(/^(\*|[A-Z][A-Za-z]{1,63})$/, 'must be an indexed event type such as "InvoiceConfirmed", or "*"')).min(1).max(64),
    description: z.string().max(500).optional(),
  })
  .strict();
export const WebhookIdParam = IdParam;
export const DeliveryParams = z.object({ id: ID, deliveryId: ID }).strict();
export const ListDeliveriesQuery = z.object({ limit: Limit, cursor: Cursor }).strict();

export const WebhookRecord = z
  .object({
    id: RecordId,
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    status: z.enum(["active", "disabled"]),
    createdAt: DateTime,
    failingSince: DateTime.nullable(),
    disabledAt: DateTime.nullable(),
    disabledReason: z.string().nullable(),
  })
  .meta({ id: "Webhook" });
export const CreatedWebhook = WebhookRecord.extend({
  secret: z.string().regex(/^whsec_/).describe("The Standard Webhooks signing secret; shown only in this answer"),
}).meta({ id: "CreatedWebhook" });
export const WebhookList = z.object({ items: z.array(WebhookRecord), nextCursor: z.null() });
export const DeletedWebhook = z.object({ id: RecordId, deleted: z.literal(true) });

const Attempt = z.object({ at: DateTime, durationMs: z.number().int().nonnegative(), statusCode: z.number().int().nullable(), error: z.string().nullable() });
export const DeliveryRecord = z
  .object({
    id: RecordId,
    webhookId: RecordId,
    messageId: z.string().regex(/^msg_/).describe("The webhook-id header: the same on every retry of this event"),
    eventType: z.string(),
    status: z.enum(["pending", "delivered", "failed", "cancelled"]),
    attempts: z.number().int().nonnegative(),
    nextAttemptAt: DateTime.nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: DateTime,
    deliveredAt: DateTime.nullable(),
    attemptLog: z.array(Attempt),
  })
  .meta({ id: "WebhookDelivery" });
export const DeliveryList = z.object({ items: z.array(DeliveryRecord), nextCursor: z.string().nullable() });

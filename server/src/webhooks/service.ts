import type { z } from "zod";
import type { Services } from "../services";
import type { Actor } from "../app/actor";
import { ledgerInterface, tokenInterface } from "../chain/abi";
import { AppError, forbidden, notFound } from "../shared/errors";
import { checkWebhookUrl } from "./ssrf";
import type { Delivery, WebhookEndpoint } from "./outbox";
import type { CreateWebhook } from "./schemas";

/** The event types a webhook can subscribe to: every ledger and token event the indexer projects. */
export const WEBHOOK_EVENT_TYPES: readonly string[] = (() => {
  const names = new Set<string>();
  for (const iface of [ledgerInterface, tokenInterface]) iface.forEachEvent((e) => names.add(e.name));
  return [...names].sort();
})();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const webhookView = (e: WebhookEndpoint) => ({
  id: String(e.id),
  url: e.url,
  description: e.description,
  events: e.eventTypes,
  status: e.disabledAt === null ? ("active" as const) : ("disabled" as const),
  createdAt: iso(e.createdAt)!,
  failingSince: iso(e.failingSince),
  disabledAt: iso(e.disabledAt),
  disabledReason: e.disabledReason,
});

function deliveryView(s: Services, d: Delivery) {
  return {
    id: String(d.id),
    webhookId: String(d.endpointId),
    messageId: d.messageId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: iso(d.nextAttemptAt),
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: iso(d.createdAt)!,
    deliveredAt: iso(d.deliveredAt),
    attemptLog: s.desk.outbox.attempts(d.id).map((a) => ({ at: iso(a.attemptedAt)!, durationMs: a.durationMs, statusCode: a.statusCode, error: a.error })),
  };
}

function ownEndpoint(s: Services, actor: Actor, id: string): WebhookEndpoint {
  let e: WebhookEndpoint;
  try {
    e = s.desk.outbox.getEndpoint(Number(id));
  } catch {
    throw notFound(`Webhook ${id}`);
  }
  // Another organisation's webhook is not found, so its ids cannot be probed.
  if (e.orgId !== actor.user.orgId) throw notFound(`Webhook ${id}`);
  return e;
}

function organisationOnly(actor: Actor): void {
  if (actor.user.orgId === "0") throw forbidden("Webhooks belong to an organisation of the network; the platform's own people have none.", "WEBHOOK_NO_ORGANISATION");
}

/**
 * Registers a webhook for the actor's organisation: the target is vetted (no private, loopback or reserved address
 * unless --webhook-allow-private) and the event types checked; the secret is answered once and never again.
 */
export async function createWebhook(s: Services, actor: Actor, input: z.infer<typeof CreateWebhook>) {
  organisationOnly(actor);
  const unknown = input.events.filter((t) => t !== "*" && !WEBHOOK_EVENT_TYPES.includes(t));
  if (unknown.length) throw new AppError("invalid", "WEBHOOK_EVENT_UNKNOWN", `Unknown event type(s): ${unknown.join(", ")}. Known: ${WEBHOOK_EVENT_TYPES.join(", ")}, or "*".`, { unknown });
  const url = await checkWebhookUrl(input.url, { allowPrivate: s.config.webhookAllowPrivate });
  const created = s.desk.outbox.createEndpoint({ orgId: actor.user.orgId, url: url.toString(), eventTypes: input.events, description: input.description }, Date.now());
  return { ...webhookView(created), secret: created.secret };
}

export function listWebhooks(s: Services, actor: Actor) {
  return { items: s.desk.outbox.listEndpoints(actor.user.orgId).map(webhookView), nextCursor: null };
}

export function getWebhook(s: Services, actor: Actor, id: string) {
  return webhookView(ownEndpoint(s, actor, id));
}

export function deleteWebhook(s: Services, actor: Actor, id: string) {
  const e = ownEndpoint(s, actor, id);
  s.desk.outbox.deleteEndpoint(e.id, Date.now());
  return { id: String(e.id), deleted: true as const };
}

export function listWebhookDeliveries(s: Services, actor: Actor, id: string, q: { limit?: number; cursor?: string }) {
  const e = ownEndpoint(s, actor, id);
  const limit = q.limit ?? 50;
  const rows = s.desk.outbox.listDeliveries(e.id, limit + 1, q.cursor ? Number(q.cursor) : undefined);
  const items = rows.slice(0, limit).map((d) => deliveryView(s, d));
  return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}

/** Sends a delivery that failed or was cancelled again, now, with a fresh retry window and the same webhook-id. */
export function retryWebhookDelivery(s: Services, actor: Actor, id: string, deliveryId: string) {
  const e = ownEndpoint(s, actor, id);
  let d: Delivery;
  try {
    d = s.desk.outbox.getDelivery(Number(deliveryId));
  } catch {
    throw notFound(`Delivery ${deliveryId}`);
  }
  if (d.endpointId !== e.id) throw notFound(`Delivery ${deliveryId}`);
  const again = s.desk.outbox.retryDelivery(d.id, Date.now());
  s.desk.deliverer.wake();
  return deliveryView(s, again);
}

/** Tells an organisation's people that its webhook was disabled after failing for days. */
export function tellWebhookDisabled(s: Services, endpointId: number, reason: string): void {
  const e = s.desk.outbox.getEndpoint(endpointId);
  const people = s.desk.repo.people(e.orgId).filter((p) => p.active === 1);
  const admins = people.filter((p) => p.is_admin === 1).map((p) => p.id);
  s.desk.inbox.notify(admins.length ? admins : people.map((p) => p.id), {
    kind: "webhook_disabled",
    title: `Webhook ${e.id} was disabled`,
    body: reason,
    subjectType: "webhook",
    subjectId: String(e.id),
  });
}

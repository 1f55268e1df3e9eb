import type { ClockPolicy } from "./clock";
import type { DeskClock } from "./time";
import type { DeskRepo } from "./repo";
import type { Inbox } from "../notify/inbox";
import type { WebhookOutbox } from "../webhooks/outbox";
import type { WebhookDeliverer } from "../webhooks/deliverer";

/** The service desk's parts, assembled once at start (gateway.ts) and reached through `services.desk`. */
export interface DeskRuntime {
  clock: DeskClock;
  policy: ClockPolicy;
  repo: DeskRepo;
  inbox: Inbox;
  outbox: WebhookOutbox;
  deliverer: WebhookDeliverer;
}

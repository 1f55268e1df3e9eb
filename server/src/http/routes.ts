import { auditRoutes } from "../audit/routes";
import { disputeRoutes } from "../disputes/routes";
import { disclosureRoutes } from "../disclosures/routes";
import { documentRoutes } from "../documents/routes";
import { eventRoutes } from "../events/routes";
import { financingRoutes } from "../financing/routes";
import { noteRoutes } from "../notes/routes";
import { invoiceRoutes } from "../invoices/routes";
import { orderRoutes } from "../orders/routes";
import { orgRoutes } from "../orgs/routes";
import { orgStatusRoutes } from "../orgs/status-routes";
import { policyRoutes } from "../policy/routes";
import { relayRoutes } from "../relay/routes";
import { signingRoutes } from "../signing/routes";
import { sessionRoutes } from "../sessions/routes";
import { tokenRoutes } from "../tokens/routes";
import { deskRoutes } from "../desk/routes";
import { notificationRoutes } from "../notify/routes";
import { webhookRoutes } from "../webhooks/routes";
import { analyticsRoutes } from "../analytics/routes";
import type { Route } from "./route";

/** Every API route, in mount order. The same table generates /openapi.json. */
export const allRoutes: Route[] = [
  ...sessionRoutes,
  ...tokenRoutes,
  ...orgRoutes,
  ...orgStatusRoutes,
  ...orderRoutes,
  ...invoiceRoutes,
  ...documentRoutes,
  ...disclosureRoutes,
  ...financingRoutes,
  ...noteRoutes,
  ...policyRoutes,
  ...auditRoutes,
  ...disputeRoutes,
  ...relayRoutes,
  ...signingRoutes,
  ...deskRoutes,
  ...analyticsRoutes,
  ...notificationRoutes,
  ...webhookRoutes,
  ...eventRoutes,
];

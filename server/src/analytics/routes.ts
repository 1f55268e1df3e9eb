import { route } from "../http/route";
import { caseAnalytics } from "./desk";
import { parseRange } from "./range";
import { CaseAnalytics, ClientParam, ClientProfile, RangeQuery, ServiceLevels } from "./schemas";
import { clientProfile, serviceLevels } from "./clients";

export const analyticsRoutes = [
  route({
    method: "get",
    path: "/analytics/cases",
    operationId: "getCaseAnalytics",
    summary: "Complaint handling in a date range: first response and resolution p50/p95, share answered in 48 h, breaches, satisfaction, by category and organisation, and each bank's weak spots",
    tag: "analytics",
    roles: "any",
    query: RangeQuery,
    response: CaseAnalytics,
    errors: [422],
    handler: async (ctx) => {
      const range = parseRange(ctx.query, ctx.services.desk.clock.now());
      return caseAnalytics(ctx.services, ctx.actor, range);
    },
  }),
  route({
    method: "get",
    path: "/analytics/clients/:orgId",
    operationId: "getClientProfile",
    summary: "A supplier's or buyer's profile: timeline, lifecycle stage (rule included), value to each bank, on-time rate, monthly utilisation",
    tag: "analytics",
    roles: "any",
    params: ClientParam,
    query: RangeQuery,
    response: ClientProfile,
    errors: [404, 422],
    handler: async (ctx) => {
      const range = parseRange(ctx.query, ctx.services.desk.clock.now());
      return clientProfile(ctx.services, ctx.actor, ctx.params.orgId, range);
    },
  }),
  route({
    method: "get",
    path: "/analytics/service-levels",
    operationId: "getServiceLevels",
    summary: "Time from invoice to funds for fast-track and maker-checker requests (p50/p95) and the fast-track share, in a date range",
    tag: "analytics",
    roles: "any",
    query: RangeQuery,
    response: ServiceLevels,
    errors: [422],
    handler: async (ctx) => {
      const range = parseRange(ctx.query, ctx.services.desk.clock.now());
      return serviceLevels(ctx.services, ctx.actor, range);
    },
  }),
];

import { route } from "../http/route";
import { badRequest } from "../shared/errors";
import { caseAnalytics } from "./desk";
import { parseRange } from "./range";
import { CaseAnalytics, RangeQuery } from "./schemas";

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
    errors: [],
    handler: async (ctx) => {
      const range = parseRange(ctx.query, ctx.services.desk.clock.now());
      if (!(range.from < range.to)) throw badRequest("The range's from must be before its to.");
      return caseAnalytics(ctx.services, ctx.actor, range);
    },
  }),
];

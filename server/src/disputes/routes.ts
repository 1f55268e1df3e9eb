import { route } from "../http/route";
import { IdParam } from "../http/schemas";
import { listComplaints, respond } from "./service";
import { ComplaintList, ComplaintRecord, ListDisputesQuery, RespondToDispute } from "./schemas";

export const disputeRoutes = [
  route({
    method: "get",
    path: "/disputes",
    operationId: "listDisputes",
    summary: "Disputes and complaints your organisation raised or must answer, with their 48-hour clocks",
    tag: "disputes",
    roles: "any",
    query: ListDisputesQuery,
    response: ComplaintList,
    errors: [],
    handler: async (ctx) => ({ items: listComplaints(ctx.services, ctx.actor, ctx.query.status), nextCursor: null }),
  }),
  route({
    method: "post",
    path: "/disputes/:id/respond",
    operationId: "respondToDispute",
    summary: "Answer a dispute or complaint routed to your organisation",
    tag: "disputes",
    roles: ["buyer", "supplier", "officer"],
    params: IdParam,
    body: RespondToDispute,
    response: ComplaintRecord,
    status: 200,
    errors: [403, 404, 409],
    handler: async (ctx) => respond(ctx.services, ctx.actor, ctx.params.id, ctx.body.response),
  }),
];

import { z } from "zod";
import { conflict, forbidden } from "../http/errors";
import { IdParam, route } from "../http/route";
import { visible } from "../http/write";
import { getComplaint, listComplaints, respond } from "./service";

const Respond = z.object({ response: z.string().min(1).max(4000) }).strict();

export const disputeRoutes = [
  route({
    method: "get",
    path: "/disputes",
    summary: "Disputes and complaints your organisation raised or must answer, with their 48-hour clocks",
    tag: "disputes",
    roles: "any",
    query: z.object({ status: z.enum(["open", "answered"]).optional() }).strict(),
    handler: async (ctx) => ({ items: listComplaints(ctx, ctx.query.status), nextCursor: null }),
  }),
  route({
    method: "post",
    path: "/disputes/:id/respond",
    summary: "Answer a dispute or complaint routed to your organisation",
    tag: "disputes",
    roles: ["buyer", "supplier", "officer"],
    params: IdParam,
    body: Respond,
    status: 200,
    handler: async (ctx) => {
      const row = visible(getComplaint(ctx, ctx.params.id), `Dispute ${ctx.params.id}`);
      if (row.assigned_org !== ctx.user.orgId) throw forbidden("Only the organisation the dispute is routed to may answer it.");
      if (row.response) throw conflict("INVALID_STATUS", "This dispute was already answered.");
      return respond(ctx, row, (ctx.body as z.infer<typeof Respond>).response);
    },
  }),
];

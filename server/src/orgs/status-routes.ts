import { route } from "../http/route";
import { IdParam } from "../http/schemas";
import { Deactivated, UserIdParam, WrittenOrganisation } from "./schemas";
import { deactivateUser, setOrganizationStatus } from "./status";

const statusRoute = (verb: "suspend" | "reinstate") =>
  route({
    method: "post",
    path: `/orgs/:id/${verb}`,
    operationId: verb === "suspend" ? "suspendOrganization" : "reinstateOrganization",
    summary:
      verb === "suspend"
        ? "Suspend an organisation on the ledger (operator): it can no longer act or be dealt with"
        : "Reinstate a suspended organisation on the ledger (operator)",
    tag: "people",
    roles: ["operator"],
    params: IdParam,
    response: WrittenOrganisation,
    errors: [404, 409, 422, 503],
    handler: async (ctx) => setOrganizationStatus(ctx.services, ctx.actor, ctx.step(0), ctx.params.id, verb === "suspend" ? "suspended" : "active"),
  });

export const orgStatusRoutes = [
  statusRoute("suspend"),
  statusRoute("reinstate"),
  route({
    method: "post",
    path: "/users/:id/deactivate",
    operationId: "deactivateUser",
    summary: "Deactivate a person (an admin of their organisation): ends their sessions and tokens at once and removes the on-chain membership",
    tag: "people",
    roles: "any",
    params: UserIdParam,
    response: Deactivated,
    errors: [403, 404, 409, 422, 503],
    handler: async (ctx) => deactivateUser(ctx.services, ctx.actor, ctx.step(0), ctx.params.id),
  }),
];

import { z } from "zod";
import { IdParam, route } from "../http/route";
import { visible } from "../http/write";
import { deactivateUser, setOrganizationStatus } from "./status";

const UserIdParam = z.object({ id: z.string().regex(/^u_[0-9a-f]{16}$/, "must be a user id such as u_0123456789abcdef") }).strict();

const OrgWithTx = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  status: z.enum(["active", "suspended"]),
  txHash: z.string(),
  blockNumber: z.number(),
});

const Deactivated = z.object({
  user: z.object({ id: z.string(), name: z.string(), role: z.string(), orgId: z.string(), address: z.string(), deactivatedAt: z.string() }),
  sessionsEnded: z.number(),
  tokensRevoked: z.number(),
  membership: z.enum(["removed", "not_a_member"]),
});

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
    response: OrgWithTx,
    handler: async (ctx) => {
      const tx = await setOrganizationStatus(ctx.services, ctx.params.id, verb === "suspend" ? "suspended" : "active", ctx.step(0));
      const org = visible(ctx.services.read.getOrganization(ctx.params.id), "Organisation");
      return { id: org.id, kind: org.kind, name: org.name, status: org.status, ...tx };
    },
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
    handler: async (ctx) => deactivateUser(ctx.services, ctx.user, ctx.params.id, ctx.step(0)),
  }),
];

import { z } from "zod";
import { formatMinor } from "../shared/money";
import { ROLES } from "../shared/roles";
import { visible } from "../http/write";
import { ALL_ROLES, Hash, route, ShortText } from "../http/route";
import { createOrganization, createUser, ORG_KINDS } from "./service";

const CreateOrg = z
  .object({ kind: z.enum(Object.keys(ORG_KINDS) as [keyof typeof ORG_KINDS]), name: ShortText(120), kycHash: Hash.optional() })
  .strict();
const CreateUser = z
  .object({
    orgId: z.string().regex(/^[0-9]{1,10}$/, "must be an organisation id"),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$/, "must be 2-63 letters, digits, '.', '_' or '-'"),
    role: z.enum(ROLES),
    address: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, "must be an address")
      .optional()
      .describe("Non-custodial: the user's own account; the gateway then holds no key and the user signs via /relay"),
  })
  .strict();

export const orgRoutes = [
  route({
    method: "get",
    path: "/me",
    summary: "Who am I: user, role and organisation",
    tag: "people",
    roles: "any",
    handler: async (ctx) => {
      const org =
        ctx.user.orgId === "0"
          ? { id: "0", kind: "operator", name: "Trellis platform", status: "active" }
          : ctx.services.read.getOrganization(ctx.user.orgId);
      return { user: { id: ctx.user.id, name: ctx.user.name, role: ctx.user.role, address: ctx.user.address }, org };
    },
  }),
  route({
    method: "get",
    path: "/orgs",
    summary: "The directory of organisations on the network",
    tag: "people",
    roles: "any",
    handler: async (ctx) => ({ items: ctx.services.read.listOrganizations(), nextCursor: null }),
  }),
  route({
    method: "post",
    path: "/orgs",
    summary: "Onboard an organisation (operator)",
    tag: "people",
    roles: ["operator"],
    body: CreateOrg,
    handler: async (ctx) => {
      const out = await createOrganization(ctx.services, ctx.body, ctx.step(0));
      return { ...visible(ctx.services.read.getOrganization(out.orgId), "Organisation"), txHash: out.txHash, blockNumber: out.blockNumber };
    },
  }),
  route({
    method: "post",
    path: "/users",
    summary: "Create a user and issue its token (operator); the token is shown once",
    tag: "people",
    roles: ["operator"],
    body: CreateUser,
    handler: async (ctx) => createUser(ctx.services, ctx.body, ctx.step(0)),
  }),
  route({
    method: "get",
    path: "/balances",
    summary: "Settlement-token balances of your organisation's treasury (all for auditors and the operator)",
    tag: "people",
    roles: ALL_ROLES,
    handler: async (ctx) => {
      const orgs = ctx.services.read
        .listOrganizations()
        .filter((o) => ctx.user.role === "auditor" || ctx.user.role === "operator" || o.id === ctx.user.orgId);
      const items = await Promise.all(
        orgs.map(async (o) => ({
          orgId: o.id,
          name: o.name,
          treasury: o.treasury,
          currency: "TDT",
          balance: formatMinor((await ctx.services.ledger.read("token", "balanceOf", [o.treasury])) as bigint),
        })),
      );
      return { items };
    },
  }),
];

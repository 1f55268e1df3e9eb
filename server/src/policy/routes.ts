import { route } from "../http/route";
import { OrgIdParam } from "../http/schemas";
import { visible } from "../app/write";
import { setPolicy } from "./service";
import { BankPolicyRecord, PutPolicy, SupplierProfileRecord, WrittenBankPolicy } from "./schemas";

export const policyRoutes = [
  route({
    method: "get",
    path: "/banks/:orgId/policy",
    operationId: "getBankPolicy",
    summary: "A bank's lending policy: rates, fast-track limit, trusted buyers, credit limits",
    tag: "policy",
    roles: "any",
    params: OrgIdParam,
    response: BankPolicyRecord,
    errors: [404],
    handler: async (ctx) => visible(ctx.services.read.getPolicy(ctx.params.orgId, ctx.scope), `Bank ${ctx.params.orgId}`),
  }),
  route({
    method: "put",
    path: "/banks/:orgId/policy",
    operationId: "setBankPolicy",
    summary: "Set your bank's policy (bank officer)",
    tag: "policy",
    roles: ["officer"],
    params: OrgIdParam,
    body: PutPolicy,
    response: WrittenBankPolicy,
    errors: [403, 404, 409, 422, 503],
    handler: async (ctx) => setPolicy(ctx.services, ctx.actor, ctx.step(0), ctx.params.orgId, ctx.body),
  }),
  route({
    method: "get",
    path: "/suppliers/:orgId/profile",
    operationId: "getSupplierProfile",
    summary: "A supplier's credit profile with each bank: limits, utilisation, financed/repaid/overdue history",
    tag: "policy",
    roles: "any",
    params: OrgIdParam,
    response: SupplierProfileRecord,
    errors: [404],
    handler: async (ctx) => visible(ctx.services.read.getSupplierProfile(ctx.params.orgId, ctx.scope), `Supplier ${ctx.params.orgId}`),
  }),
];

import { z } from "zod";
import { toMinor } from "../shared/money";
import { visible } from "../http/write";
import { Id, OrgIdParam, route } from "../http/route";
import { forbidden } from "../http/errors";

const Bps = z.number().int().min(0).max(10_000);
const Money = z.string().regex(/^(0|[1-9][0-9]{0,23})(\.[0-9]{1,2})?$/, 'must be a decimal string such as "500000.00"');
const PutPolicy = z
  .object({
    advanceRateBps: Bps,
    discountRateBps: Bps,
    fastTrackLimit: Money,
    trustedBuyers: z.array(Id).max(500).optional(),
    creditLimits: z.array(z.object({ supplierOrgId: Id, limit: Money }).strict()).max(500).optional(),
  })
  .strict();

export const policyRoutes = [
  route({
    method: "get",
    path: "/banks/:orgId/policy",
    summary: "A bank's lending policy: rates, fast-track limit, trusted buyers, credit limits",
    tag: "policy",
    roles: "any",
    params: OrgIdParam,
    handler: async (ctx) => visible(ctx.services.read.getPolicy(ctx.params.orgId, ctx.scope), `Bank ${ctx.params.orgId}`),
  }),
  route({
    method: "put",
    path: "/banks/:orgId/policy",
    summary: "Set your bank's policy (bank officer)",
    tag: "policy",
    roles: ["officer"],
    params: OrgIdParam,
    body: PutPolicy,
    handler: async (ctx) => {
      const bankOrgId = ctx.params.orgId as string;
      if (bankOrgId !== ctx.user.orgId) throw forbidden("You may only set your own bank's policy.");
      const b = ctx.body as z.infer<typeof PutPolicy>;
      const { ledger, indexer } = ctx.services;
      const actor = { address: ctx.user.address, orgId: ctx.user.orgId };
      let step = 0;
      let last = await ledger.act(actor, "ledger", "setBankPolicy", [b.advanceRateBps, b.discountRateBps, toMinor(b.fastTrackLimit)], ctx.step(step++));
      if (b.trustedBuyers) {
        const current = new Set((ctx.services.read.getPolicy(bankOrgId, ctx.scope)?.trustedBuyers ?? []) as string[]);
        const wanted = new Set(b.trustedBuyers);
        for (const id of wanted) if (!current.has(id)) last = await ledger.act(actor, "ledger", "setTrustedBuyer", [id, true], ctx.step(step++));
        for (const id of current) if (!wanted.has(id)) last = await ledger.act(actor, "ledger", "setTrustedBuyer", [id, false], ctx.step(step++));
      }
      for (const c of b.creditLimits ?? []) {
        last = await ledger.act(actor, "ledger", "setCreditLimit", [c.supplierOrgId, toMinor(c.limit)], ctx.step(step++));
      }
      await indexer.waitFor(last.blockNumber);
      return { ...visible(ctx.services.read.getPolicy(bankOrgId, ctx.scope), `Bank ${bankOrgId}`), txHash: last.hash, blockNumber: last.blockNumber };
    },
  }),
  route({
    method: "get",
    path: "/suppliers/:orgId/profile",
    summary: "A supplier's credit profile with each bank: limits, utilisation, financed/repaid/overdue history",
    tag: "policy",
    roles: "any",
    params: OrgIdParam,
    handler: async (ctx) => visible(ctx.services.read.getSupplierProfile(ctx.params.orgId, ctx.scope), `Supplier ${ctx.params.orgId}`),
  }),
];

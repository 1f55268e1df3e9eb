import { route } from "../http/route";
import { CreateDisclosure, Disclosure, DisclosureCheck, DisclosureIdParam, DisclosureToVerify } from "./schemas";
import { createDisclosure, readDisclosure, verifyDisclosure } from "./service";

export const disclosureRoutes = [
  route({
    method: "post",
    path: "/disclosures",
    operationId: "createDisclosure",
    summary: "Disclose chosen committed fields of a record you can see (their values and salts) to an organisation, which checks them against the ledger",
    tag: "disclosures",
    roles: "any",
    body: CreateDisclosure,
    response: Disclosure,
    errors: [404, 422, 503],
    handler: async (ctx) => createDisclosure(ctx.services, ctx.actor, ctx.body),
  }),
  route({
    method: "post",
    path: "/disclosures/verify",
    operationId: "verifyDisclosure",
    summary: "Check a disclosure's values and salts against the commitments the ledger holds (read from the chain); for its audience, this gateway then shows the values",
    tag: "disclosures",
    roles: "any",
    body: DisclosureToVerify,
    response: DisclosureCheck,
    status: 200,
    errors: [422, 503],
    handler: async (ctx) => verifyDisclosure(ctx.services, ctx.actor, ctx.body),
  }),
  route({
    method: "get",
    path: "/disclosures/:id",
    operationId: "getDisclosure",
    summary: "A disclosure, for its audience and the organisation that made it",
    tag: "disclosures",
    roles: "any",
    params: DisclosureIdParam,
    response: Disclosure,
    errors: [404],
    handler: async (ctx) => readDisclosure(ctx.services, ctx.actor, ctx.params.id),
  }),
];

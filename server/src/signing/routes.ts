import { route } from "../http/route";
import { completeSigningRequest, getSigningRequest } from "./service";
import { Signature, SignedWrite, SigningRequestParam, SigningRequestView } from "./schemas";

/**
 * Self-custody: a write route answers `202 { signingRequest }` to a person who holds their own key; these complete
 * it with the signature and read it back.
 */
export const signingRoutes = [
  route({
    method: "get",
    path: "/signing-requests/:id",
    operationId: "getSigningRequest",
    summary: "A signing request of yours: the typed data, its summary, its deadline, and once signed what the write answered",
    tag: "people",
    roles: "any",
    params: SigningRequestParam,
    response: SigningRequestView,
    errors: [404],
    handler: async (ctx) => getSigningRequest(ctx.services, ctx.actor, ctx.params.id),
  }),
  route({
    method: "post",
    path: "/signing-requests/:id/signature",
    operationId: "signSigningRequest",
    summary:
      "Complete a signing request with your EIP-712 signature of its typed data: the gateway relays it and answers exactly what the write route answers (201 with the record, txHash and blockNumber; 202 with the next signing request when the route writes again). A wrong signer (403 WRONG_SIGNER), an expired (409 SIGNING_REQUEST_EXPIRED), stale (409 SIGNING_REQUEST_STALE) or already used (409 SIGNING_REQUEST_USED) request sends nothing.",
    tag: "people",
    roles: "any",
    params: SigningRequestParam,
    body: Signature,
    response: SignedWrite,
    alsoAnswers: { 200: { description: "The completed write of a route answering 200 (PUT)", schema: SignedWrite } },
    errors: [403, 404, 409, 422, 503],
    handler: async (ctx) => {
      // Imported here: the route table includes these routes.
      const { allRoutes } = await import("../http/routes");
      const out = await completeSigningRequest(ctx.services, ctx, allRoutes, ctx.params.id, ctx.body.signature);
      ctx.res.locals.status = out.status;
      return out.body as { txHash: string; blockNumber: number };
    },
  }),
];

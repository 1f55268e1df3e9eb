import { route } from "../http/route";
import { relay, relayParams } from "./service";
import { Relay, Relayed, RelayParams } from "./schemas";

/** Non-custodial path: the client signs the EIP-712 forward request itself; the gateway only pays the gas. */
export const relayRoutes = [
  route({
    method: "get",
    path: "/relay/params",
    operationId: "getRelayParams",
    summary: "What a client needs to sign a forward request: chain id, forwarder (EIP-712 domain), targets and its nonce",
    tag: "people",
    roles: "any",
    response: RelayParams,
    errors: [503],
    handler: async (ctx) => relayParams(ctx.services, ctx.actor),
  }),
  route({
    method: "post",
    path: "/relay",
    operationId: "relaySignedRequest",
    summary: "Relay a forward request signed by the caller's own key (non-custodial); answers with the receipt",
    tag: "people",
    roles: "any",
    body: Relay,
    response: Relayed,
    errors: [403, 404, 409, 422, 503],
    handler: async (ctx) => relay(ctx.services, ctx.actor, ctx.step(0), ctx.body),
  }),
];

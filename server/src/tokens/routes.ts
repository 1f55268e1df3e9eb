import { route } from "../http/route";
import { CreateToken, IssuedToken, TokenIdParam, TokenList, TokenListQuery, TokenRecord } from "./schemas";
import { createMyToken, listMyTokens, revokeApiToken } from "./service";

export const tokenRoutes = [
  route({
    method: "post",
    path: "/tokens",
    operationId: "createToken",
    summary: "Issue an API token for yourself (machines, scripts); the token is shown once and stored hashed",
    tag: "tokens",
    roles: "any",
    body: CreateToken,
    response: IssuedToken,
    errors: [],
    handler: async (ctx) => {
      ctx.res.setHeader("Cache-Control", "no-store");
      return createMyToken(ctx.services, ctx.actor, ctx.body);
    },
  }),
  route({
    method: "get",
    path: "/tokens",
    operationId: "listTokens",
    summary: "Your API tokens (an admin may name a user of their organisation with ?userId=)",
    tag: "tokens",
    roles: "any",
    query: TokenListQuery,
    response: TokenList,
    errors: [404],
    handler: async (ctx) => listMyTokens(ctx.services, ctx.actor, ctx.query.userId),
  }),
  route({
    method: "delete",
    path: "/tokens/:id",
    operationId: "revokeToken",
    summary: "Revoke an API token (yours, or as an admin one of your organisation's); it answers 401 from then on",
    tag: "tokens",
    roles: "any",
    params: TokenIdParam,
    response: TokenRecord,
    errors: [404],
    handler: async (ctx) => revokeApiToken(ctx.services, ctx.actor, ctx.params.id),
  }),
];

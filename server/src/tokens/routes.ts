import { route } from "../http/route";
import type { ApiToken } from "./repo";
import { CreateToken, IssuedToken, TokenIdParam, TokenList, TokenListQuery, TokenRecord } from "./schemas";
import { issueToken, revoke, tokensOf } from "./service";

const withStatus = (t: ApiToken, now = new Date().toISOString()) => ({ ...t, status: t.revokedAt ? ("revoked" as const) : t.expiresAt <= now ? ("expired" as const) : ("active" as const) });

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
    handler: async (ctx) => {
      ctx.res.setHeader("Cache-Control", "no-store");
      return issueToken(ctx.services.gdb, ctx.user.id, ctx.body.name, ctx.body.expiresInDays);
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
    handler: async (ctx) => ({ items: tokensOf(ctx.services.gdb, ctx.user, ctx.query.userId).map((t) => withStatus(t)), nextCursor: null }),
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
    handler: async (ctx) => withStatus(revoke(ctx.services.gdb, ctx.user, ctx.params.id)),
  }),
];

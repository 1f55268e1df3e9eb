import crypto from "node:crypto";
import { hashToken, newToken } from "../http/auth";
import { notFound } from "../shared/errors";
import type { GatewayDb } from "../store/gateway-db";
import type { Actor, AuthUser } from "../app/actor";
import type { Services } from "../services";
import { getToken, insertToken, listTokens, revokeToken, type ApiToken } from "./repo";
import { userRecord } from "../sessions/repo";

/** The longest an API token may live. */
export const MAX_TOKEN_DAYS = 365;
/** How long the token a user is created with (and each demo user's) lives. */
export const INITIAL_TOKEN_DAYS = 365;

/**
 * Issues an API token for a user: a random secret returned once; only its SHA-256 is stored. Also used for the token
 * a new user gets at creation (`createUser`) and for the demo users' tokens.
 */
export function issueToken(db: GatewayDb, userId: string, name: string, expiresInDays: number, token = newToken()): { id: string; token: string; expiresAt: string } {
  const now = Date.now();
  const id = `tok_${crypto.randomBytes(8).toString("hex")}`;
  const expiresAt = new Date(now + expiresInDays * 86_400_000).toISOString();
  insertToken(db, { id, userId, name, tokenHash: hashToken(token), createdAt: new Date(now).toISOString(), expiresAt });
  return { id, token, expiresAt };
}

/** Whether `actor` may see and revoke `ownerId`'s tokens: the owner, or an admin of the owner's organisation. */
function mayManage(db: GatewayDb, actor: AuthUser, ownerId: string): boolean {
  if (actor.id === ownerId) return true;
  const owner = userRecord(db, ownerId);
  return !!owner && actor.isAdmin === true && owner.orgId === actor.orgId;
}

/** Lists a user's tokens (one's own by default; an admin may name a user of their organisation). */
export function tokensOf(db: GatewayDb, actor: AuthUser, userId = actor.id): ApiToken[] {
  if (!mayManage(db, actor, userId)) throw notFound(`User ${userId}`);
  return listTokens(db, userId);
}

/** Revokes a token; the next request with it answers 401. Another organisation's token is not even found. */
export function revoke(db: GatewayDb, actor: AuthUser, id: string): ApiToken {
  const t = getToken(db, id);
  if (!t || !mayManage(db, actor, t.userId)) throw notFound(`Token ${id}`);
  if (t.revokedAt) return t;
  revokeToken(db, id, new Date().toISOString());
  return getToken(db, id)!;
}

// ---- The API's operations ----

/** A token as the API answers it, with its status at `now`. */
export const tokenView = (t: ApiToken, now = new Date().toISOString()) => ({
  ...t,
  status: t.revokedAt ? ("revoked" as const) : t.expiresAt <= now ? ("expired" as const) : ("active" as const),
});

/** Issues an API token for the actor (machines, scripts); the token is in this answer only. */
export const createMyToken = (s: Services, actor: Actor, input: { name: string; expiresInDays: number }) =>
  issueToken(s.gdb, actor.user.id, input.name, input.expiresInDays);

export const listMyTokens = (s: Services, actor: Actor, userId?: string) => ({ items: tokensOf(s.gdb, actor.user, userId).map((t) => tokenView(t)), nextCursor: null });

export const revokeApiToken = (s: Services, actor: Actor, id: string) => tokenView(revoke(s.gdb, actor.user, id));

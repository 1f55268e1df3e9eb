import { prepared } from "../db/stmt";
import type { GatewayDb } from "../store/gateway-db";

/** An API token as its owner and their admins see it (never the token or its hash). */
export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

interface TokenRow {
  id: string;
  user_id: string;
  name: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

const toToken = (r: TokenRow): ApiToken => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

/** Records a token by its hash. */
export function insertToken(
  db: GatewayDb,
  t: { id: string; userId: string; name: string; tokenHash: string; createdAt: string; expiresAt: string },
): void {
  prepared(
    db,
    "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
  ).run(t.id, t.userId, t.name, t.tokenHash, t.createdAt, t.expiresAt);
}

export function getToken(db: GatewayDb, id: string): ApiToken | undefined {
  const r = prepared(db, "SELECT * FROM api_tokens WHERE id = ?").get(id) as TokenRow | undefined;
  return r && toToken(r);
}

/** A user's tokens, newest first, revoked and expired ones included (they say so). */
export function listTokens(db: GatewayDb, userId: string): ApiToken[] {
  return (
    prepared(db, "SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id").all(userId) as TokenRow[]
  ).map(toToken);
}

/** Revokes one token; answers whether it was live before. */
export function revokeToken(db: GatewayDb, id: string, at: string): boolean {
  return (
    prepared(db, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").run(at, id).changes > 0
  );
}

/** Revokes every live token of a user; answers how many. */
export function revokeTokensOf(db: GatewayDb, userId: string, at: string): number {
  return prepared(db, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL").run(at, userId)
    .changes;
}

/** The live (unrevoked, unexpired) token with this hash, with its user id. */
export function liveTokenByHash(
  db: GatewayDb,
  tokenHash: string,
  now: string,
): { id: string; userId: string } | undefined {
  return prepared(
    db,
    "SELECT id, user_id AS userId FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?",
  ).get(tokenHash, now) as { id: string; userId: string } | undefined;
}

import crypto from "node:crypto";
import type { GatewayDb } from "../store/gateway-db";
import { unauthenticated } from "./errors";
import type { AuthUser } from "./route";

/** Tokens are random 32-byte secrets; only their SHA-256 is stored. */
export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

export function newToken(): string {
  return `trl_${crypto.randomBytes(32).toString("base64url")}`;
}

export function authenticate(db: GatewayDb, header: string | undefined): AuthUser {
  if (!header) throw unauthenticated("Send your token as 'Authorization: Bearer <token>'.");
  const m = /^Bearer\s+([A-Za-z0-9_\-.~+/=]{10,200})$/.exec(header.trim());
  if (!m) throw unauthenticated("The Authorization header must be 'Bearer <token>'.");
  const row = db
    .prepare("SELECT id, name, role, org_id AS orgId, address FROM users WHERE token_hash = ?")
    .get(hashToken(m[1])) as AuthUser | undefined;
  if (!row) throw unauthenticated("The token is not valid.");
  return row;
}

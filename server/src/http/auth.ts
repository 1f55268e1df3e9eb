import crypto from "node:crypto";
import type { Request } from "express";
import type { GatewayDb } from "../store/gateway-db";
import { activeUser } from "../sessions/repo";
import { liveSession } from "../sessions/repo";
import { liveTokenByHash } from "../tokens/repo";
import { AppError, unauthenticated } from "./errors";
import type { AuthUser } from "./route";

/** The console's session cookie: HttpOnly, SameSite=Strict, Path=/. */
export const SESSION_COOKIE = "trellis_session";
/** The header a cookie-authenticated write must carry, holding the session's CSRF token. */
export const CSRF_HEADER = "x-csrf-token";

/** Tokens and session ids are random 32-byte secrets; only their SHA-256 is stored. */
export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

export function newToken(): string {
  return `trl_${crypto.randomBytes(32).toString("base64url")}`;
}

/** What a request presents to prove who it is, before anything is looked up. */
export type Presented = { kind: "bearer"; token: string } | { kind: "cookie"; value: string } | { kind: "none" } | { kind: "malformed"; reason: string };

const BEARER = /^Bearer[ \t]+([A-Za-z0-9_\-.~+/=]{10,200})$/i;

/**
 * Reads the credential from the headers only. A bearer token wins over a cookie. Surrounding whitespace and the
 * amount of it after "Bearer" do not matter, so every whitespace variant of one token is the same credential (and
 * the same rate-limit key once authenticated).
 */
export function presented(req: Request): Presented {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = BEARER.exec(header.trim());
    return m ? { kind: "bearer", token: m[1] } : { kind: "malformed", reason: "The Authorization header must be 'Bearer <token>'." };
  }
  const value = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (value !== undefined) {
    return /^[A-Za-z0-9_-]{43}$/.test(value) ? { kind: "cookie", value } : { kind: "malformed", reason: "The session cookie is not valid; sign in again." };
  }
  return { kind: "none" };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Resolves a credential to its active user: an unrevoked, unexpired API token, or a live console session, of a
 * user who is not deactivated. Anything else is a 401 with the same code, so a caller learns nothing about which part
 * failed.
 */
export function authenticate(db: GatewayDb, cred: Presented, now = new Date().toISOString()): AuthUser {
  if (cred.kind === "none") throw unauthenticated("Sign in, or send an API token as 'Authorization: Bearer <token>'.");
  if (cred.kind === "malformed") throw unauthenticated(cred.reason);
  if (cred.kind === "bearer") {
    const t = liveTokenByHash(db, hashToken(cred.token), now);
    const user = t && activeUser(db, t.userId);
    if (!t || !user) throw unauthenticated("The token is not valid, has expired or was revoked.");
    return { ...user, credential: { kind: "token", tokenId: t.id } };
  }
  const sessionHash = hashToken(cred.value);
  const s = liveSession(db, sessionHash, now);
  const user = s && activeUser(db, s.userId);
  if (!s || !user) throw unauthenticated("Your session has ended; sign in again.");
  return { ...user, credential: { kind: "session", sessionHash, csrfToken: s.csrfToken } };
}

/** Equal-length constant-time comparison of two strings (via their SHA-256, so lengths never leak). */
export function sameSecret(a: string, b: string): boolean {
  return crypto.timingSafeEqual(crypto.createHash("sha256").update(a).digest(), crypto.createHash("sha256").update(b).digest());
}

/**
 * A write authenticated by the session cookie must repeat the session's CSRF token in `X-CSRF-Token`: a page on
 * another site can make the browser send the cookie, but cannot read the token. Bearer-token requests need none.
 */
export function checkCsrf(user: AuthUser, method: string, header: string | undefined): void {
  if (user.credential?.kind !== "session" || method === "GET" || method === "HEAD") return;
  if (header === undefined || !sameSecret(header, user.credential.csrfToken)) {
    throw new AppError("forbidden", "CSRF_TOKEN_INVALID", `A write signed in by session must carry the session's CSRF token in the ${CSRF_HEADER} header.`);
  }
}

import crypto from "node:crypto";
import { promisify } from "node:util";
import { authenticator } from "otplib";
import { hashToken } from "../http/auth";
import { actorOf, type Actor, type AuthUser } from "../app/actor";
import { whoAmI } from "../orgs/service";
import type { Services } from "../services";
import { AppError, forbidden } from "../shared/errors";
import type { GatewayDb } from "../store/gateway-db";
import type { AuthSettings } from "./settings";
import {
  clearLoginFailures,
  deleteExpiredSessions,
  deleteOtherSessions,
  deleteSession,
  enableTotp,
  insertSession,
  loginFailures,
  putLoginFailures,
  sessionExpiry,
  setPasswordHash,
  setPendingTotp,
  spendTotpStep,
  userByName,
  userRecord,
} from "./repo";

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;

/**
 * scrypt parameters for new passwords: N = 2^15, r = 8, p = 1 (32 MiB and about 0.1 s per hash on one core). Each
 * stored hash carries its own parameters and 16-byte salt, so raising them later does not invalidate old passwords.
 */
const SCRYPT = { N: 1 << 15, r: 8, p: 1, keylen: 32 };
export const MIN_PASSWORD_LENGTH = 12;

/** Hashes a password as `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 128 * SCRYPT.N * SCRYPT.r * 2 });
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const N = Number(n);
  const key = await scrypt(password, Buffer.from(salt, "base64url"), expected.length, { N, r: Number(r), p: Number(p), maxmem: 128 * N * Number(r) * 2 });
  return crypto.timingSafeEqual(key, expected);
}

// A hash of no one's password: checked when the username is unknown or has no password, so that answering takes
// as long as for a real user and the time says nothing about which usernames exist.
let decoy: Promise<string> | undefined;
const decoyHash = () => (decoy ??= hashPassword(crypto.randomBytes(16).toString("hex")));

const invalidCredentials = () => new AppError("unauthenticated", "INVALID_CREDENTIALS", "The username, password or one-time code is not right.");

// TOTP per RFC 6238: 30-second steps, 6 digits, SHA-1 (what authenticator apps expect); one step of clock drift.
const totp = authenticator.clone({ window: 1 });
const STEP_MS = 30_000;

/** Who may (and, once enrolled, must) use a second factor: bank officers and organisation admins. */
export const takesTotp = (u: Pick<AuthUser, "role" | "isAdmin">) => u.role === "officer" || u.isAdmin === true;

/** The time step a code belongs to, or null when it matches none within the window. */
function totpStep(secret: string, code: string, now: number): number | null {
  if (!/^[0-9]{6}$/.test(code)) return null;
  const delta = totp.checkDelta(code, secret);
  return delta === null ? null : Math.floor(now / STEP_MS) + delta;
}

/** A new console session; the cookie value and the CSRF token are returned once, the session is stored hashed. */
export interface NewSession {
  cookieValue: string;
  csrfToken: string;
  expiresAt: string;
}

/**
 * Signs a person in. Failed attempts are counted per username as typed (existing or not); after
 * `loginMaxFailures` within `loginLockoutMinutes` the username is locked for that long, whatever password comes
 * next. Unknown users, wrong passwords, deactivated users and wrong codes all answer the same INVALID_CREDENTIALS.
 * A user who has enrolled a second factor must send `totp`; without it the answer is TOTP_REQUIRED (only after the
 * right password).
 */
export async function signIn(
  db: GatewayDb,
  settings: AuthSettings,
  input: { username: string; password: string; totp?: string },
  now = Date.now(),
): Promise<{ user: AuthUser; session: NewSession }> {
  const f = loginFailures(db, input.username);
  if (f?.lockedUntilMs && f.lockedUntilMs > now) throw lockedOut(f.lockedUntilMs - now);
  const user = userByName(db, input.username);
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !user.passwordHash || user.deactivatedAt || !passwordOk) throw failed(db, settings, input.username, now);
  if (user.totpEnabled && user.totpSecret) {
    if (input.totp === undefined) throw new AppError("unauthenticated", "TOTP_REQUIRED", "Enter the six-digit code from your authenticator app.");
    const step = totpStep(user.totpSecret, input.totp, now);
    // A code is spent once: the same or an older step is refused, so an observed code cannot be replayed.
    if (step === null || !spendTotpStep(db, user.id, step)) throw failed(db, settings, input.username, now);
  }
  clearLoginFailures(db, input.username);
  const session = startSession(db, user.id, settings, now);
  return { user: { id: user.id, name: user.name, role: user.role, orgId: user.orgId, address: user.address, isAdmin: user.isAdmin }, session };
}

function lockedOut(ms: number): AppError {
  const seconds = Math.ceil(ms / 1000);
  return new AppError("rate_limited", "LOGIN_LOCKED", `Too many failed sign-ins for this username; try again in ${Math.ceil(seconds / 60)} minute(s).`, {
    retryAfterSeconds: seconds,
  });
}

/** Counts a failed sign-in and answers the error to throw (a lockout once the limit is reached). */
function failed(db: GatewayDb, settings: AuthSettings, username: string, now: number): AppError {
  const windowMs = settings.loginLockoutMinutes * 60_000;
  const f = loginFailures(db, username);
  const fresh = !f || now - f.windowStartedMs > windowMs;
  const failures = fresh ? 1 : f.failures + 1;
  const lockedUntilMs = failures >= settings.loginMaxFailures ? now + windowMs : null;
  putLoginFailures(db, username, { failures, windowStartedMs: fresh ? now : f.windowStartedMs, lockedUntilMs });
  return lockedUntilMs ? lockedOut(windowMs) : invalidCredentials();
}

export function startSession(db: GatewayDb, userId: string, settings: AuthSettings, now = Date.now()): NewSession {
  deleteExpiredSessions(db, new Date(now).toISOString());
  const cookieValue = crypto.randomBytes(32).toString("base64url");
  const csrfToken = crypto.randomBytes(32).toString("base64url");
  const expiresAt = new Date(now + settings.sessionHours * 3_600_000).toISOString();
  insertSession(db, { idHash: hashToken(cookieValue), userId, csrfToken, createdAt: new Date(now).toISOString(), expiresAt });
  return { cookieValue, csrfToken, expiresAt };
}

/** The Set-Cookie value for a session (or, with no session, one that clears it). */
export function sessionCookie(session: NewSession | null, settings: AuthSettings): string {
  const secure = settings.cookieSecure ? "; Secure" : "";
  if (!session) return `trellis_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0${secure}`;
  const maxAge = Math.max(0, Math.floor((Date.parse(session.expiresAt) - Date.now()) / 1000));
  return `trellis_session=${session.cookieValue}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${secure}`;
}

export function endSession(db: GatewayDb, user: AuthUser): void {
  if (user.credential?.kind !== "session") throw new AppError("not_found", "NOT_A_SESSION", "This request is not signed in by a session; revoke an API token with DELETE /tokens/{id}.");
  deleteSession(db, user.credential.sessionHash);
}

/**
 * Sets a password. A user who already has one must give it (`currentPassword`); a new user, who so far holds only
 * the API token they were given, sets the first one with that token. Other sessions of the user end.
 */
export async function changePassword(db: GatewayDb, user: AuthUser, input: { currentPassword?: string; newPassword: string }): Promise<void> {
  const rec = userRecord(db, user.id)!;
  if (rec.passwordHash && (input.currentPassword === undefined || !(await verifyPassword(input.currentPassword, rec.passwordHash)))) {
    throw invalidCredentials();
  }
  if (input.newPassword.toLowerCase().includes(user.name.toLowerCase())) {
    throw new AppError("invalid", "WEAK_PASSWORD", "The password must not contain the username.");
  }
  const hash = await hashPassword(input.newPassword);
  // A new password ends the user's other sessions: whoever signed in with the old one is signed out.
  db.transaction(() => {
    setPasswordHash(db, user.id, hash);
    deleteOtherSessions(db, user.id, user.credential?.kind === "session" ? user.credential.sessionHash : null);
  })();
}

/**
 * Starts TOTP enrolment: a new secret, returned once as an otpauth:// URI for an authenticator app. It takes effect
 * only when confirmed with a code (`confirmTotp`); until then sign-in does not ask for one.
 */
export function enrolTotp(db: GatewayDb, user: AuthUser): { otpauthUri: string } {
  if (!takesTotp(user)) throw forbidden("A second factor is for bank officers and organisation admins.");
  const rec = userRecord(db, user.id)!;
  if (rec.totpEnabled) throw new AppError("conflict", "TOTP_ALREADY_ENABLED", "A second factor is already enrolled for this user.");
  const secret = totp.generateSecret(20);
  setPendingTotp(db, user.id, secret);
  return { otpauthUri: totp.keyuri(user.name, "Trellis", secret) };
}

/** Confirms enrolment with a current code; from then on sign-in requires a code. */
export function confirmTotp(db: GatewayDb, user: AuthUser, code: string, now = Date.now()): { totpEnabled: true } {
  const rec = userRecord(db, user.id)!;
  if (rec.totpEnabled) throw new AppError("conflict", "TOTP_ALREADY_ENABLED", "A second factor is already enrolled for this user.");
  if (!rec.totpSecret) throw new AppError("conflict", "TOTP_NOT_ENROLLING", "Start enrolment with POST /users/me/totp first.");
  const step = totpStep(rec.totpSecret, code, now);
  if (step === null) throw new AppError("invalid", "TOTP_INVALID", "The one-time code is not right; check the authenticator app's clock.");
  enableTotp(db, user.id, step);
  return { totpEnabled: true };
}

/** Fails unless the user may administer the organisation `orgId`. */
export function requireAdminOf(user: AuthUser, orgId: string): void {
  if (!user.isAdmin || user.orgId !== orgId) throw forbidden("Only an admin of this organisation may do this.");
}


// ---- The API's operations: each takes the services and the actor, as every domain service does ----

/** What signing in (and reading the current session) answers: who is signed in, their organisation, the CSRF token. */
export function sessionView(s: Services, user: AuthUser, csrfToken: string, expiresAt: string) {
  const rec = userRecord(s.gdb, user.id)!;
  return {
    user: { id: user.id, name: user.name, role: user.role, orgId: user.orgId, address: user.address, isAdmin: rec.isAdmin === true, totpEnabled: rec.totpEnabled },
    org: whoAmI(s, actorOf(user)).org,
    csrfToken,
    expiresAt,
  };
}

/** Signs in (see signIn) and answers the session's view and the Set-Cookie value that carries it. */
export async function openSession(s: Services, input: { username: string; password: string; totp?: string }) {
  const settings = s.config.auth;
  const { user, session } = await signIn(s.gdb, settings, input);
  return { cookie: sessionCookie(session, settings), view: sessionView(s, user, session.csrfToken, session.expiresAt) };
}

/** The actor's console session (after a page reload); a request signed by an API token has none. */
export function currentSession(s: Services, actor: Actor) {
  const cred = actor.user.credential;
  if (cred?.kind !== "session") throw new AppError("not_found", "NOT_A_SESSION", "This request is authenticated by an API token, not a session.");
  return sessionView(s, actor.user, cred.csrfToken, sessionExpiry(s.gdb, cred.sessionHash) ?? new Date().toISOString());
}

/** Signs out: ends the actor's session and answers the Set-Cookie value that clears the cookie. */
export function signOut(s: Services, actor: Actor) {
  endSession(s.gdb, actor.user);
  return { cookie: sessionCookie(null, s.config.auth), body: { signedOut: true as const } };
}

export async function changeMyPassword(s: Services, actor: Actor, input: { currentPassword?: string; newPassword: string }) {
  await changePassword(s.gdb, actor.user, input);
  return { passwordChanged: true as const };
}

export const enrolMyTotp = (s: Services, actor: Actor) => enrolTotp(s.gdb, actor.user);
export const confirmMyTotp = (s: Services, actor: Actor, code: string) => confirmTotp(s.gdb, actor.user, code);

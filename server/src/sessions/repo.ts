import { prepared } from "../db/stmt";
import type { GatewayDb } from "../store/gateway-db";
import type { AuthUser } from "../app/actor";
import type { Role } from "../shared/scope";

/** A user with the fields sign-in needs. */
export interface UserCredentials extends AuthUser {
  passwordHash: string | null;
  totpSecret: string | null;
  totpEnabled: boolean;
  totpLastStep: number;
  deactivatedAt: string | null;
}

interface UserRow {
  id: string;
  name: string;
  role: Role;
  org_id: string;
  address: string;
  is_admin: number;
  password_hash: string | null;
  totp_secret: string | null;
  totp_enabled: number;
  totp_last_step: number;
  deactivated_at: string | null;
}

const toUser = (r: UserRow): UserCredentials => ({
  id: r.id,
  name: r.name,
  role: r.role,
  orgId: r.org_id,
  address: r.address,
  isAdmin: r.is_admin === 1,
  passwordHash: r.password_hash,
  totpSecret: r.totp_secret,
  totpEnabled: r.totp_enabled === 1,
  totpLastStep: r.totp_last_step,
  deactivatedAt: r.deactivated_at,
});

export function userRecord(db: GatewayDb, id: string): UserCredentials | undefined {
  const r = prepared(db, "SELECT * FROM users WHERE id = ?").get(id) as UserRow | undefined;
  return r && toUser(r);
}

export function userByName(db: GatewayDb, username: string): UserCredentials | undefined {
  const r = prepared(db, "SELECT * FROM users WHERE name = ?").get(username) as UserRow | undefined;
  return r && toUser(r);
}

/** The active (not deactivated) user behind an id, as a request sees it. */
export function activeUser(db: GatewayDb, id: string): AuthUser | undefined {
  const r = prepared(
    db,
    "SELECT id, name, role, org_id AS orgId, address, is_admin AS isAdmin FROM users WHERE id = ? AND deactivated_at IS NULL",
  ).get(id) as (Omit<AuthUser, "isAdmin"> & { isAdmin: number }) | undefined;
  return r && { ...r, isAdmin: r.isAdmin === 1 };
}

export function setPasswordHash(db: GatewayDb, userId: string, hash: string): void {
  prepared(db, "UPDATE users SET password_hash = ? WHERE id = ?").run(hash, userId);
}

export function setAdmin(db: GatewayDb, userId: string, admin: boolean): void {
  prepared(db, "UPDATE users SET is_admin = ? WHERE id = ?").run(admin ? 1 : 0, userId);
}

/** Stores a new, not yet confirmed TOTP secret (replacing an unconfirmed one). */
export function setPendingTotp(db: GatewayDb, userId: string, secret: string): void {
  prepared(db, "UPDATE users SET totp_secret = ?, totp_enabled = 0, totp_last_step = 0 WHERE id = ?").run(
    secret,
    userId,
  );
}

export function enableTotp(db: GatewayDb, userId: string, step: number): void {
  prepared(db, "UPDATE users SET totp_enabled = 1, totp_last_step = ? WHERE id = ?").run(step, userId);
}

/**
 * Records the time step of an accepted code, only if it is newer than the last one: answers false for a replayed
 * code (the same or an older step), atomically, so two concurrent sign-ins cannot both spend one code.
 */
export function spendTotpStep(db: GatewayDb, userId: string, step: number): boolean {
  return (
    prepared(db, "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?").run(step, userId, step)
      .changes > 0
  );
}

export function markDeactivated(db: GatewayDb, userId: string, at: string): boolean {
  return (
    prepared(db, "UPDATE users SET deactivated_at = ? WHERE id = ? AND deactivated_at IS NULL").run(at, userId)
      .changes > 0
  );
}

// Sessions.

export function insertSession(
  db: GatewayDb,
  s: { idHash: string; userId: string; csrfToken: string; createdAt: string; expiresAt: string },
): void {
  prepared(
    db,
    "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
  ).run(s.idHash, s.userId, s.csrfToken, s.createdAt, s.expiresAt);
}

export function liveSession(
  db: GatewayDb,
  idHash: string,
  now: string,
): { userId: string; csrfToken: string; expiresAt: string } | undefined {
  return prepared(
    db,
    "SELECT user_id AS userId, csrf_token AS csrfToken, expires_at AS expiresAt FROM sessions WHERE id_hash = ? AND expires_at > ?",
  ).get(idHash, now) as { userId: string; csrfToken: string; expiresAt: string } | undefined;
}

/** When a session ends (undefined once it is gone). */
export function sessionExpiry(db: GatewayDb, idHash: string): string | undefined {
  return prepared(db, "SELECT expires_at FROM sessions WHERE id_hash = ?").pluck().get(idHash) as string | undefined;
}

export function deleteSession(db: GatewayDb, idHash: string): void {
  prepared(db, "DELETE FROM sessions WHERE id_hash = ?").run(idHash);
}

export function deleteSessionsOf(db: GatewayDb, userId: string): number {
  return prepared(db, "DELETE FROM sessions WHERE user_id = ?").run(userId).changes;
}

/** Ends every session of a user but one (the one changing the password keeps going). */
export function deleteOtherSessions(db: GatewayDb, userId: string, keepHash: string | null): number {
  return prepared(db, "DELETE FROM sessions WHERE user_id = ? AND id_hash IS NOT ?").run(userId, keepHash).changes;
}

export function deleteExpiredSessions(db: GatewayDb, now: string): void {
  prepared(db, "DELETE FROM sessions WHERE expires_at <= ?").run(now);
}

// Sign-in failures, by username as typed.

export interface LoginFailures {
  failures: number;
  windowStartedMs: number;
  lockedUntilMs: number | null;
}

export function loginFailures(db: GatewayDb, username: string): LoginFailures | undefined {
  return prepared(
    db,
    "SELECT failures, window_started_ms AS windowStartedMs, locked_until_ms AS lockedUntilMs FROM login_failures WHERE username = ?",
  ).get(username) as LoginFailures | undefined;
}

export function putLoginFailures(db: GatewayDb, username: string, f: LoginFailures): void {
  prepared(
    db,
    `INSERT INTO login_failures (username, failures, window_started_ms, locked_until_ms) VALUES (?, ?, ?, ?)
     ON CONFLICT(username) DO UPDATE SET failures = excluded.failures, window_started_ms = excluded.window_started_ms, locked_until_ms = excluded.locked_until_ms`,
  ).run(username, f.failures, f.windowStartedMs, f.lockedUntilMs);
}

export function clearLoginFailures(db: GatewayDb, username: string): void {
  prepared(db, "DELETE FROM login_failures WHERE username = ?").run(username);
}

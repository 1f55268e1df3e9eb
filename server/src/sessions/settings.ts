import { z } from "zod";

/**
 * How the gateway authenticates people and machines, and how hard it pushes back on abuse. Part of the gateway's
 * configuration (`Config.auth`), parsed once at start from the environment variables named beside each field.
 */
export const AuthSettings = z
  .object({
    /** TRELLIS_SESSION_HOURS: a console session's absolute lifetime. */
    sessionHours: z.coerce.number().min(0.05).max(24 * 30),
    /** TRELLIS_LOGIN_MAX_FAILURES: failed sign-ins for one username before it is locked out. */
    loginMaxFailures: z.coerce.number().int().min(1).max(1000),
    /** TRELLIS_LOGIN_LOCKOUT_MINUTES: how long a locked-out username stays locked (and the window failures count in). */
    loginLockoutMinutes: z.coerce.number().min(0.01).max(24 * 60),
    /** TRELLIS_AUTH_FAILURE_LIMIT: failed authentications (bad token, cookie or password) per client address per minute. */
    authFailuresPerMinute: z.coerce.number().int().min(1).max(1_000_000),
    /** TRELLIS_IP_RATE_LIMIT: requests per client address per minute, counted before authentication. */
    ipRequestsPerMinute: z.coerce.number().int().min(1).max(10_000_000),
    /** TRELLIS_RATE_LIMIT: requests per authenticated user per minute. */
    userRequestsPerMinute: z.coerce.number().int().min(1).max(10_000_000),
    /** TRELLIS_BODY_TIMEOUT_MS: the longest a client may take to send a request body; slower bodies get 408. */
    bodyTimeoutMs: z.coerce.number().int().min(100).max(600_000),
    /** TRELLIS_COOKIE_SECURE=1: mark the session cookie Secure (set it when the console is served over HTTPS). */
    cookieSecure: z.boolean(),
  })
  .strict();

export type AuthSettings = z.infer<typeof AuthSettings>;

/** The raw (unparsed) auth settings from the environment, with the defaults the demo runs with. */
export function authSettingsFromEnv(env: NodeJS.ProcessEnv): Record<keyof AuthSettings, unknown> {
  return {
    sessionHours: env.TRELLIS_SESSION_HOURS ?? "8",
    loginMaxFailures: env.TRELLIS_LOGIN_MAX_FAILURES ?? "5",
    loginLockoutMinutes: env.TRELLIS_LOGIN_LOCKOUT_MINUTES ?? "15",
    authFailuresPerMinute: env.TRELLIS_AUTH_FAILURE_LIMIT ?? "30",
    ipRequestsPerMinute: env.TRELLIS_IP_RATE_LIMIT ?? "120000",
    userRequestsPerMinute: env.TRELLIS_RATE_LIMIT ?? "60000",
    bodyTimeoutMs: env.TRELLIS_BODY_TIMEOUT_MS ?? "10000",
    cookieSecure: env.TRELLIS_COOKIE_SECURE === "1",
  };
}

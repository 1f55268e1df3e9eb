import { route, type Ctx } from "../http/route";
import type { AuthUser } from "../http/route";
import { userRecord } from "./repo";
import { ChangePassword, PasswordChanged, SessionBody, SignedOut, SignIn, TotpCode, TotpEnabled, TotpEnrolment } from "./schemas";
import { changePassword, confirmTotp, endSession, enrolTotp, sessionCookie, signIn } from "./service";
import { AppError } from "../shared/errors";

/** The session's answer: who is signed in, their organisation, and the CSRF token writes must carry. */
function sessionBody(ctx: Ctx, user: AuthUser, csrfToken: string, expiresAt: string) {
  const org =
    user.orgId === "0"
      ? { id: "0", kind: "operator", name: "Trellis platform", status: "active" }
      : ctx.services.read.getOrganization(user.orgId);
  const rec = userRecord(ctx.services.gdb, user.id)!;
  return {
    user: { id: user.id, name: user.name, role: user.role, orgId: user.orgId, address: user.address, isAdmin: rec.isAdmin, totpEnabled: rec.totpEnabled },
    org: org ? { id: org.id, kind: org.kind, name: org.name, status: org.status } : { id: user.orgId, kind: "unknown", name: `Organisation ${user.orgId}`, status: "active" },
    csrfToken,
    expiresAt,
  };
}

export const sessionRoutes = [
  route({
    method: "post",
    path: "/sessions",
    operationId: "createSession",
    summary: "Sign in with username, password and (once enrolled) a TOTP code; sets the HttpOnly session cookie",
    tag: "sessions",
    roles: "any",
    public: true,
    body: SignIn,
    response: SessionBody,
    handler: async (ctx) => {
      const settings = ctx.services.config.auth;
      const { user, session } = await signIn(ctx.services.gdb, settings, ctx.body);
      ctx.res.setHeader("Set-Cookie", sessionCookie(session, settings));
      ctx.res.setHeader("Cache-Control", "no-store");
      return sessionBody(ctx, user, session.csrfToken, session.expiresAt);
    },
  }),
  route({
    method: "get",
    path: "/sessions/current",
    operationId: "getCurrentSession",
    summary: "The current console session: who is signed in and the CSRF token (after a page reload)",
    tag: "sessions",
    roles: "any",
    response: SessionBody,
    handler: async (ctx) => {
      const cred = ctx.user.credential;
      if (cred?.kind !== "session") throw new AppError("invalid", "NOT_A_SESSION", "This request is authenticated by an API token, not a session.");
      ctx.res.setHeader("Cache-Control", "no-store");
      const expiresAt = (ctx.services.gdb.prepare("SELECT expires_at FROM sessions WHERE id_hash = ?").pluck().get(cred.sessionHash) as string) ?? "";
      return sessionBody(ctx, ctx.user, cred.csrfToken, expiresAt);
    },
  }),
  route({
    method: "delete",
    path: "/sessions/current",
    operationId: "deleteCurrentSession",
    summary: "Sign out: ends the session and clears its cookie",
    tag: "sessions",
    roles: "any",
    response: SignedOut,
    handler: async (ctx) => {
      endSession(ctx.services.gdb, ctx.user);
      ctx.res.setHeader("Set-Cookie", sessionCookie(null, ctx.services.config.auth));
      return { signedOut: true as const };
    },
  }),
  route({
    method: "put",
    path: "/users/me/password",
    operationId: "changeMyPassword",
    summary: "Set your password (the first time with the API token you were given; afterwards with the current password)",
    tag: "sessions",
    roles: "any",
    body: ChangePassword,
    response: PasswordChanged,
    handler: async (ctx) => {
      await changePassword(ctx.services.gdb, ctx.user, ctx.body);
      return { passwordChanged: true as const };
    },
  }),
  route({
    method: "post",
    path: "/users/me/totp",
    operationId: "enrolMyTotp",
    summary: "Start enrolling a TOTP second factor (officers and admins); the otpauth URI is shown once",
    tag: "sessions",
    roles: "any",
    response: TotpEnrolment,
    handler: async (ctx) => {
      ctx.res.setHeader("Cache-Control", "no-store");
      return enrolTotp(ctx.services.gdb, ctx.user);
    },
  }),
  route({
    method: "post",
    path: "/users/me/totp/confirm",
    operationId: "confirmMyTotp",
    summary: "Confirm TOTP enrolment with a current code; sign-in then requires a code",
    tag: "sessions",
    roles: "any",
    body: TotpCode,
    response: TotpEnabled,
    handler: async (ctx) => confirmTotp(ctx.services.gdb, ctx.user, ctx.body.code),
  }),
];

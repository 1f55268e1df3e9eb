import { route } from "../http/route";
import { ChangePassword, PasswordChanged, SessionBody, SignedOut, SignIn, TotpCode, TotpEnabled, TotpEnrolment } from "./schemas";
import { changeMyPassword, confirmMyTotp, currentSession, enrolMyTotp, openSession, signOut } from "./service";

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
    errors: [401],
    handler: async (ctx) => {
      const { cookie, view } = await openSession(ctx.services, ctx.body);
      ctx.res.setHeader("Set-Cookie", cookie);
      ctx.res.setHeader("Cache-Control", "no-store");
      return view;
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
    // 404 NOT_A_SESSION: the request is authenticated by an API token, so there is no current session to show.
    errors: [400, 404],
    handler: async (ctx) => {
      ctx.res.setHeader("Cache-Control", "no-store");
      return currentSession(ctx.services, ctx.actor);
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
    // 404 NOT_A_SESSION: an API token has no session to end (revoke it with DELETE /tokens/{id}).
    errors: [400, 404],
    handler: async (ctx) => {
      const { cookie, body } = signOut(ctx.services, ctx.actor);
      ctx.res.setHeader("Set-Cookie", cookie);
      return body;
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
    errors: [400],
    handler: async (ctx) => changeMyPassword(ctx.services, ctx.actor, ctx.body),
  }),
  route({
    method: "post",
    path: "/users/me/totp",
    operationId: "enrolMyTotp",
    summary: "Start enrolling a TOTP second factor (officers and admins); the otpauth URI is shown once",
    tag: "sessions",
    roles: "any",
    response: TotpEnrolment,
    errors: [403, 409],
    handler: async (ctx) => {
      ctx.res.setHeader("Cache-Control", "no-store");
      return enrolMyTotp(ctx.services, ctx.actor);
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
    errors: [400, 409],
    handler: async (ctx) => confirmMyTotp(ctx.services, ctx.actor, ctx.body.code),
  }),
];

import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "./service";

export const SignIn = z
  .object({
    username: z.string().min(1).max(63),
    password: z.string().min(1).max(200),
    totp: z.string().regex(/^[0-9]{6}$/, "must be the six-digit code").optional(),
  })
  .strict();

export const ChangePassword = z
  .object({
    currentPassword: z.string().min(1).max(200).optional(),
    newPassword: z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(200),
  })
  .strict();

export const TotpCode = z.object({ code: z.string().regex(/^[0-9]{6}$/, "must be the six-digit code") }).strict();

export const SessionUser = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(["operator", "auditor", "buyer", "supplier", "officer"]),
  orgId: z.string(),
  address: z.string(),
  isAdmin: z.boolean(),
  totpEnabled: z.boolean(),
});

export const SessionOrg = z.object({ id: z.string(), kind: z.string(), name: z.string(), status: z.string() });

/** What signing in (and GET /sessions/current) answers; the session itself is the HttpOnly cookie. */
export const SessionBody = z.object({
  user: SessionUser,
  org: SessionOrg,
  csrfToken: z.string(),
  expiresAt: z.string(),
});

export const SignedOut = z.object({ signedOut: z.literal(true) });
export const PasswordChanged = z.object({ passwordChanged: z.literal(true) });
export const TotpEnrolment = z.object({ otpauthUri: z.string() });
export const TotpEnabled = z.object({ totpEnabled: z.literal(true) });

import { z } from "zod";
import { Address, DateTime, OrgId } from "../http/schemas";
import { MyOrganisation } from "../orgs/schemas";
import { ROLES } from "../shared/roles";
import { MIN_PASSWORD_LENGTH } from "./service";

// ---- Requests ----

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

// ---- Responses ----

export const SessionUser = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  orgId: OrgId,
  address: Address,
  isAdmin: z.boolean(),
  totpEnabled: z.boolean(),
});

/** What signing in (and GET /sessions/current) answers; the session itself is the HttpOnly cookie. */
export const SessionBody = z
  .object({
    user: SessionUser,
    org: MyOrganisation.optional().describe("As GET /me answers it; absent only while the organisation is not indexed yet"),
    csrfToken: z.string().describe("Send it as X-CSRF-Token on every write this session makes"),
    expiresAt: DateTime,
  })
  .meta({ id: "Session" });

export const SignedOut = z.object({ signedOut: z.literal(true) });
export const PasswordChanged = z.object({ passwordChanged: z.literal(true) });
export const TotpEnrolment = z.object({ otpauthUri: z.string().regex(/^otpauth:\/\//) });
export const TotpEnabled = z.object({ totpEnabled: z.literal(true) });

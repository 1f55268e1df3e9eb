import { z } from "zod";
import { MAX_TOKEN_DAYS } from "./service";

export const CreateToken = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._:-]{0,62}$/, "must be 1-63 letters, digits, spaces, '.', '_', ':' or '-'"),
    expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS),
  })
  .strict();

export const TokenIdParam = z.object({ id: z.string().regex(/^tok_[0-9a-f]{16}$/, "must be a token id such as tok_0123456789abcdef") }).strict();
export const TokenListQuery = z.object({ userId: z.string().regex(/^u_[0-9a-f]{16}$/, "must be a user id").optional() }).strict();

export const IssuedToken = z.object({ id: z.string(), token: z.string(), expiresAt: z.string() });
export const TokenRecord = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  status: z.enum(["active", "expired", "revoked"]),
});
export const TokenList = z.object({ items: z.array(TokenRecord), nextCursor: z.null() });

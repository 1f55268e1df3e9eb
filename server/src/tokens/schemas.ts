import { z } from "zod";
import { DateTime } from "../http/schemas";
import { MAX_TOKEN_DAYS } from "./service";

// ---- Requests ----

export const CreateToken = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._:-]{0,62}$/, "must be 1-63 letters, digits, spaces, '.', '_', ':' or '-'"),
    expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS),
  })
  .strict();

export const TokenIdParam = z.object({ id: z.string().regex(/^tok_[0-9a-f]{16}$/, "must be a token id such as tok_0123456789abcdef") }).strict();
export const TokenListQuery = z.object({ userId: z.string().regex(/^u_[0-9a-f]{16}$/, "must be a user id").optional() }).strict();

// ---- Responses ----

const TokenId = z.string().regex(/^tok_[0-9a-f]{16}$/);
export const IssuedToken = z.object({ id: TokenId, token: z.string().describe("The bearer token; shown once and stored only hashed"), expiresAt: DateTime });
/** An API token as its owner and their organisation's admins see it (never the token itself). */
export const TokenRecord = z
  .object({
    id: TokenId,
    userId: z.string(),
    name: z.string(),
    createdAt: DateTime,
    expiresAt: DateTime,
    revokedAt: DateTime.nullable(),
    status: z.enum(["active", "expired", "revoked"]),
  })
  .meta({ id: "ApiToken" });
export const TokenList = z.object({ items: z.array(TokenRecord), nextCursor: z.null() });

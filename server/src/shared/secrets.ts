import crypto from "node:crypto";

/** How an API token or session secret is stored: its SHA-256, never the secret itself. */
export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/** A new bearer secret: 32 random bytes, prefixed so a leaked one is recognisable in logs and scanners. */
export function newToken(): string {
  return `trl_${crypto.randomBytes(32).toString("base64url")}`;
}

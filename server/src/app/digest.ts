import crypto from "node:crypto";

/** The 0x-prefixed SHA-256 of a text, as reasons and documents are committed to on the chain. */
export const sha256Hex = (text: string | Buffer): string => "0x" + crypto.createHash("sha256").update(text).digest("hex");

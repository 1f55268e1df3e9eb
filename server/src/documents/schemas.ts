import { z } from "zod";
import { Bytes32, RecordId } from "../http/schemas";

/** A stored document: its SHA-256 (to anchor on-chain), size in bytes, the name it was uploaded with and its type. */
export const StoredDocument = z.object({
  sha256: Bytes32,
  size: z.number().int().positive(),
  name: z
    .string()
    .nullable()
    .describe("The file name given at upload (`?name=`), kept for whoever opens it; null when none was given"),
  type: z
    .string()
    .describe("The content type read from the file's first bytes (PDF, PNG, JPEG, text, or application/octet-stream)"),
});

/** `?name=` of an upload: a file name, not a path. */
export const UploadQuery = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(255)
      // Control characters are tested by code point (a regular expression with them in it is refused by the linter).
      .refine(
        (n) => ![...n].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f || ch === "/" || ch === "\\"),
        "must be a file name without slashes or control characters",
      )
      .optional(),
  })
  .strict();

/** The anchored records that carry a document's hash, within the caller's scope. */
export const DocumentCheck = z
  .object({
    sha256: Bytes32,
    size: z.number().int().positive(),
    anchored: z.boolean().describe("Whether any record you can see carries this hash"),
    records: z.array(
      z.object({ entityType: z.enum(["order", "invoice"]), entityId: RecordId, status: z.string(), txHash: Bytes32 }),
    ),
  })
  .meta({ id: "DocumentCheck" });

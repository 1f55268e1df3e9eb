import { z } from "zod";
import { Bytes32, RecordId } from "../http/schemas";

/** A stored document: its SHA-256 (to anchor on-chain) and size in bytes. */
export const StoredDocument = z.object({ sha256: Bytes32, size: z.number().int().positive() });

/** The anchored records that carry a document's hash, within the caller's scope. */
export const DocumentCheck = z
  .object({
    sha256: Bytes32,
    size: z.number().int().positive(),
    anchored: z.boolean().describe("Whether any record you can see carries this hash"),
    records: z.array(z.object({ entityType: z.enum(["order", "invoice"]), entityId: RecordId, status: z.string(), txHash: Bytes32 })),
  })
  .meta({ id: "DocumentCheck" });

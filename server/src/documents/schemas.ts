import { z } from "zod";
import { Bytes32 } from "../http/schemas";

/** A stored document: its SHA-256 (to anchor on-chain) and size in bytes. */
export const StoredDocument = z.object({ sha256: Bytes32, size: z.number().int().positive() });

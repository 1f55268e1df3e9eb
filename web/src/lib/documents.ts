import { uploadDocument } from "../api/client";
import { sha256Hex } from "./hash";

/**
 * Hashes a document in the browser, uploads it, and answers the hash the gateway stored. The two must agree: if
 * they do not, the upload was altered on the way and nothing is submitted to the ledger.
 */
export async function hashAndUpload(file: File, step: (message: string) => void): Promise<string> {
  step(`Computing the SHA-256 of ${file.name}…`);
  const local = await sha256Hex(file);
  step("Uploading the document…");
  const stored = await uploadDocument(file);
  if (stored.sha256.toLowerCase() !== local.toLowerCase()) {
    throw new Error(`The gateway stored a different hash (${stored.sha256}) than the browser computed (${local}). Nothing was submitted.`);
  }
  return stored.sha256;
}

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export function documentProblem(file: File | null): string | null {
  if (!file) return "Attach the invoice document.";
  if (file.size > MAX_DOCUMENT_BYTES) return "The document is larger than 10 MiB.";
  if (file.size === 0) return "The document is empty.";
  return null;
}

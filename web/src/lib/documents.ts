import { uploadDocument } from "../api/client";
import { t } from "../i18n";
import { sha256Hex } from "./hash";

/**
 * Hashes a document in the browser, uploads it, and answers the hash the server stored. The two must agree: if
 * they do not, the upload was altered on the way and nothing is submitted to the ledger.
 */
export async function hashAndUpload(file: File, step: (message: string) => void): Promise<string> {
  step(t("document.hashing", { name: file.name }));
  const local = await sha256Hex(file);
  step(t("document.uploading"));
  const stored = await uploadDocument(file);
  if (stored.sha256.toLowerCase() !== local.toLowerCase()) throw new Error("DOCUMENT_MISMATCH");
  return stored.sha256;
}

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export function documentProblem(file: File | null): string | null {
  if (!file) return t("document.missing");
  if (file.size > MAX_DOCUMENT_BYTES) return t("document.tooLarge");
  if (file.size === 0) return t("document.empty");
  return null;
}

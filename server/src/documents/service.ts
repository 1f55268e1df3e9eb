import fs from "node:fs";
import path from "node:path";
import type { Services } from "../services";
import { badRequest } from "../shared/errors";
import { sha256Hex } from "../shared/hash";

/**
 * Stores a document off-chain, content-addressed by SHA-256 under <dataDir>/documents (written to a temporary file
 * and renamed, so a reader never sees half a file); the chain holds only the hash.
 */
export function storeDocument(s: Services, body: Buffer | undefined) {
  if (!body || body.length === 0) throw badRequest("Send the document as the raw request body.");
  const sha = sha256Hex(body);
  const dir = path.join(s.config.dataDir, "documents");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, sha.slice(2));
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, body);
    fs.renameSync(tmp, file);
  }
  return { sha256: sha, size: body.length };
}

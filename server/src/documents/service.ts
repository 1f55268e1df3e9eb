import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Services } from "../services";
import type { Actor } from "../app/actor";
import { AppError, badRequest } from "../shared/errors";
import { sha256Hex } from "../shared/hash";
import { assertOrgActive } from "../orgs/service";

/**
 * Stores a document off-chain, content-addressed by SHA-256 under <dataDir>/documents (written to a temporary file
 * and renamed, so a reader never sees half a file); the chain holds only the hash. Each organisation has a quota of
 * stored bytes (TRELLIS_DOCUMENT_QUOTA_MIB, 413 DOCUMENT_QUOTA_EXCEEDED); a document it already holds costs nothing
 * again, and a suspended organisation may not upload (403 ORG_SUSPENDED).
 */
export function storeDocument(s: Services, actor: Actor, body: Buffer | undefined) {
  const { gdb, config } = s;
  const orgId = actor.user.orgId;
  assertOrgActive(s, orgId);
  if (!body || body.length === 0) throw badRequest("Send the document as the raw request body.");
  const sha = sha256Hex(body);
  const held = gdb.prepare("SELECT 1 FROM documents WHERE org_id = ? AND sha256 = ?").get(orgId, sha.slice(2));
  if (!held) {
    const used = Number(gdb.prepare("SELECT coalesce(sum(size), 0) FROM documents WHERE org_id = ?").pluck().get(orgId));
    if (used + body.length > config.documentQuotaBytes) {
      throw new AppError("too_large", "DOCUMENT_QUOTA_EXCEEDED", "Your organisation's document quota is used up; ask the operator to raise it.", {
        quotaBytes: config.documentQuotaBytes,
        usedBytes: used,
        size: body.length,
      });
    }
  }
  const dir = path.join(config.dataDir, "documents");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, sha.slice(2));
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
    fs.writeFileSync(tmp, body);
    fs.renameSync(tmp, file);
  }
  // Counted after the file is in place: a crash in between leaves a file uncounted, never a count without a file.
  gdb
    .prepare("INSERT INTO documents (org_id, sha256, size, uploaded_by, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
    .run(orgId, sha.slice(2), body.length, actor.user.id, new Date().toISOString());
  return { sha256: sha, size: body.length };
}

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

/** An anchored record carrying a document's hash, as the caller may see it. */
export interface AnchoredRecord {
  entityType: "order" | "invoice";
  entityId: string;
  status: string;
  txHash: string;
}

/**
 * Which anchored orders and invoices carry a document (its SHA-256), within the caller's scope: the same rows the
 * record routes show it. The file itself is hashed here and not stored.
 */
export function verifyDocument(s: Services, actor: Actor, body: Buffer | undefined) {
  if (!body || body.length === 0) throw badRequest("Send the document as the raw request body.");
  const sha = sha256Hex(body);
  const records: AnchoredRecord[] = [];
  const orders = s.idb.prepare("SELECT id FROM orders WHERE document_hash = ? ORDER BY id").pluck().all(sha) as number[];
  for (const id of orders) {
    const o = s.read.getOrder(String(id), actor.scope);
    if (o) records.push({ entityType: "order", entityId: o.id, status: o.status, txHash: txOf(s, "orders", id) });
  }
  const invoices = s.idb.prepare("SELECT id FROM invoices WHERE document_hash = ? ORDER BY id").pluck().all(sha) as number[];
  for (const id of invoices) {
    const i = s.read.getInvoice(String(id), actor.scope);
    if (i) records.push({ entityType: "invoice", entityId: i.id, status: i.status, txHash: txOf(s, "invoices", id) });
  }
  return { sha256: sha, size: body.length, anchored: records.length > 0, records };
}

function txOf(s: Services, table: "orders" | "invoices", id: number): string {
  return s.idb.prepare(`SELECT tx_hash FROM ${table} WHERE id = ?`).pluck().get(id) as string;
}

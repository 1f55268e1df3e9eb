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
export function storeDocument(s: Services, actor: Actor, body: Buffer | undefined, name?: string) {
  const { gdb, config } = s;
  const orgId = actor.user.orgId;
  assertOrgActive(s, orgId);
  if (!body || body.length === 0) throw badRequest("Send the document as the raw request body.");
  const sha = sha256Hex(body);
  const held = gdb.prepare("SELECT 1 FROM documents WHERE org_id = ? AND sha256 = ?").get(orgId, sha.slice(2));
  if (!held) {
    const used = Number(
      gdb.prepare("SELECT coalesce(sum(size), 0) FROM documents WHERE org_id = ?").pluck().get(orgId),
    );
    if (used + body.length > config.documentQuotaBytes) {
      throw new AppError(
        "too_large",
        "DOCUMENT_QUOTA_EXCEEDED",
        "Your organisation's document quota is used up; ask the operator to raise it.",
        {
          quotaBytes: config.documentQuotaBytes,
          usedBytes: used,
          size: body.length,
        },
      );
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
  // The same file uploaded again keeps its first name unless a name is given now.
  const { type } = sniff(body.subarray(0, 512));
  gdb
    .prepare(
      `INSERT INTO documents (org_id, sha256, size, uploaded_by, created_at, file_name, content_type) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET file_name = coalesce(excluded.file_name, documents.file_name), content_type = excluded.content_type`,
    )
    .run(orgId, sha.slice(2), body.length, actor.user.id, new Date().toISOString(), name ?? null, type);
  const stored = gdb
    .prepare("SELECT file_name FROM documents WHERE org_id = ? AND sha256 = ?")
    .pluck()
    .get(orgId, sha.slice(2)) as string | null;
  return { sha256: sha, size: body.length, name: stored, type };
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
  const orders = s.idb
    .prepare("SELECT id FROM orders WHERE document_hash = ? ORDER BY id")
    .pluck()
    .all(sha) as number[];
  for (const id of orders) {
    const o = s.read.getOrder(String(id), actor.scope);
    if (o) records.push({ entityType: "order", entityId: o.id, status: o.status, txHash: txOf(s, "orders", id) });
  }
  const invoices = s.idb
    .prepare("SELECT id FROM invoices WHERE document_hash = ? ORDER BY id")
    .pluck()
    .all(sha) as number[];
  for (const id of invoices) {
    const i = s.read.getInvoice(String(id), actor.scope);
    if (i) records.push({ entityType: "invoice", entityId: i.id, status: i.status, txHash: txOf(s, "invoices", id) });
  }
  return { sha256: sha, size: body.length, anchored: records.length > 0, records };
}

function txOf(s: Services, table: "orders" | "invoices", id: number): string {
  return s.idb.prepare(`SELECT tx_hash FROM ${table} WHERE id = ?`).pluck().get(id) as string;
}

/** The content type of a stored document, from its first bytes (never the uploader's word, so a file is served as what it is). */
function sniff(head: Buffer): { type: string; ext: string } {
  if (head.subarray(0, 5).toString("latin1") === "%PDF-") return { type: "application/pdf", ext: "pdf" };
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return { type: "image/png", ext: "png" };
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { type: "image/jpeg", ext: "jpg" };
  const text = head.subarray(0, 512);
  if (text.length > 0 && !text.includes(0) && Buffer.from(text.toString("utf8"), "utf8").equals(text))
    return { type: "text/plain; charset=utf-8", ext: "txt" };
  return { type: "application/octet-stream", ext: "bin" };
}

/**
 * A stored document for someone who may see it: its uploader's organisation, or a party (or auditor) of an anchored
 * order or invoice carrying its hash. The file is hashed again as it is read, so what is served is what the ledger
 * anchored; anyone else, or a hash no record of theirs carries, gets 404.
 */
export function readDocument(
  s: Services,
  actor: Actor,
  sha256: string,
): { body: Buffer; type: string; filename: string; sha256: string } {
  const hex = sha256.toLowerCase().replace(/^0x/, "");
  const sha = "0x" + hex;
  const mine =
    actor.user.orgId !== "0" &&
    s.gdb.prepare("SELECT 1 FROM documents WHERE org_id = ? AND sha256 = ?").get(actor.user.orgId, hex) !== undefined;
  const seen = mine || verifiedRecords(s, actor, sha).length > 0;
  const file = path.join(s.config.dataDir, "documents", hex);
  if (!seen || !fs.existsSync(file))
    throw new AppError("not_found", "NOT_FOUND", `No document ${sha} that you may open is stored here.`);
  const body = fs.readFileSync(file);
  if (sha256Hex(body) !== sha)
    throw new AppError(
      "internal",
      "DOCUMENT_CORRUPTED",
      `The stored copy of document ${sha} no longer has that hash; it is not served.`,
    );
  const { type, ext } = sniff(body.subarray(0, 512));
  // The name the reader's own organisation gave it, else the first uploader's, else one made from the hash.
  const named = s.gdb
    .prepare(
      "SELECT file_name FROM documents WHERE sha256 = ? AND file_name IS NOT NULL ORDER BY (org_id = ?) DESC, created_at LIMIT 1",
    )
    .pluck()
    .get(hex, actor.user.orgId) as string | undefined;
  return { body, type, filename: named ?? `document-${hex.slice(0, 12)}.${ext}`, sha256: sha };
}

/** The anchored orders and invoices carrying `sha` that the actor may see. */
function verifiedRecords(s: Services, actor: Actor, sha: string): string[] {
  const orders = s.idb
    .prepare("SELECT id FROM orders WHERE document_hash = ? ORDER BY id")
    .pluck()
    .all(sha) as number[];
  const invoices = s.idb
    .prepare("SELECT id FROM invoices WHERE document_hash = ? ORDER BY id")
    .pluck()
    .all(sha) as number[];
  return [
    ...orders.filter((id) => s.read.getOrder(String(id), actor.scope)).map((id) => `order ${id}`),
    ...invoices.filter((id) => s.read.getInvoice(String(id), actor.scope)).map((id) => `invoice ${id}`),
  ];
}

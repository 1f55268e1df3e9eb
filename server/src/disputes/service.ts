import type { Ctx } from "../http/route";

export const DISPUTE_CATEGORIES = ["quantity", "quality", "pricing", "delivery", "duplicate", "decision", "fees", "service", "other"] as const;

/** The response clock every dispute and complaint runs on. */
export const RESPONSE_WINDOW_MS = 48 * 3600 * 1000;

export interface ComplaintInput {
  kind: "invoice_dispute" | "financing_complaint";
  category: string;
  subjectType: "invoice" | "financing";
  subjectId: string;
  assignedOrg: string;
  reason: string;
  reasonHash: string;
  txHash?: string;
}

export function openComplaint(ctx: Ctx, c: ComplaintInput): number {
  const r = ctx.services.gdb
    .prepare(
      `INSERT INTO complaints (kind, category, subject_type, subject_id, raised_by_org, raised_by_user, assigned_org, reason, reason_hash, tx_hash, opened_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(c.kind, c.category, c.subjectType, c.subjectId, ctx.user.orgId, ctx.user.id, c.assignedOrg, c.reason, c.reasonHash, c.txHash ?? null, new Date().toISOString());
  return Number(r.lastInsertRowid);
}

interface Row {
  id: number;
  kind: string;
  category: string;
  subject_type: string;
  subject_id: string;
  raised_by_org: string;
  assigned_org: string;
  reason: string;
  reason_hash: string;
  tx_hash: string | null;
  opened_at: string;
  response: string | null;
  responded_by: string | null;
  responded_at: string | null;
}

export function complaintView(r: Row, now = Date.now()) {
  const dueAt = Date.parse(r.opened_at) + RESPONSE_WINDOW_MS;
  const answeredAt = r.responded_at ? Date.parse(r.responded_at) : null;
  return {
    id: String(r.id),
    kind: r.kind,
    category: r.category,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    raisedByOrgId: r.raised_by_org,
    assignedOrgId: r.assigned_org,
    reason: r.reason,
    reasonHash: r.reason_hash,
    txHash: r.tx_hash,
    status: r.response ? "answered" : "open",
    openedAt: r.opened_at,
    respondBy: new Date(dueAt).toISOString(),
    clock: answeredAt !== null ? (answeredAt <= dueAt ? "answered_in_time" : "answered_late") : now <= dueAt ? "within_48h" : "past_48h",
    response: r.response,
    respondedAt: r.responded_at,
    responseSeconds: answeredAt !== null ? Math.round((answeredAt - Date.parse(r.opened_at)) / 1000) : null,
  };
}

export function listComplaints(ctx: Ctx, status?: "open" | "answered") {
  const all = ctx.user.role === "auditor" || ctx.user.role === "operator";
  const rows = ctx.services.gdb
    .prepare(
      `SELECT * FROM complaints WHERE (? OR raised_by_org = ? OR assigned_org = ?)
       AND (? IS NULL OR (? = 'open' AND response IS NULL) OR (? = 'answered' AND response IS NOT NULL)) ORDER BY id DESC LIMIT 500`,
    )
    .all(all ? 1 : 0, ctx.user.orgId, ctx.user.orgId, status ?? null, status ?? null, status ?? null) as Row[];
  return rows.map((r) => complaintView(r));
}

export function getComplaint(ctx: Ctx, id: string) {
  const r = ctx.services.gdb.prepare("SELECT * FROM complaints WHERE id = ?").get(id) as Row | undefined;
  if (!r) return undefined;
  const all = ctx.user.role === "auditor" || ctx.user.role === "operator";
  if (!all && r.raised_by_org !== ctx.user.orgId && r.assigned_org !== ctx.user.orgId) return undefined;
  return r;
}

export function respond(ctx: Ctx, r: Row, response: string) {
  ctx.services.gdb
    .prepare("UPDATE complaints SET response = ?, responded_by = ?, responded_at = ? WHERE id = ? AND response IS NULL")
    .run(response, ctx.user.id, new Date().toISOString(), r.id);
  return complaintView(ctx.services.gdb.prepare("SELECT * FROM complaints WHERE id = ?").get(r.id) as Row);
}

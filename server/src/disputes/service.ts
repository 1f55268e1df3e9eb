import type { Services } from "../services";
import { conflict, forbidden } from "../shared/errors";
import type { Actor } from "../app/actor";
import { visible } from "../app/write";
import type { DISPUTE_CATEGORIES } from "./schemas";
import { fileComplaint, respondToCase } from "../desk/service";

export { DISPUTE_CATEGORIES } from "./schemas";

type Category = (typeof DISPUTE_CATEGORIES)[number];
type Kind = "invoice_dispute" | "financing_complaint" | "bank_complaint";
type Subject = "invoice" | "financing" | "organization";

/** The response clock every dispute and complaint runs on. */
export const RESPONSE_WINDOW_MS = 48 * 3600 * 1000;

export interface ComplaintInput {
  kind: Kind;
  category: Category;
  subjectType: Subject;
  subjectId: string;
  assignedOrg: string;
  reason: string;
  reasonHash: string;
  txHash?: string;
}

/**
 * Opens a complaint raised by the actor's organisation and routed to `assignedOrg`, and with it a case on the service
 * desk (classified, assigned to a person, on the 48-hour clock); returns its id. A suspended organisation may not
 * file one (403 ORG_SUSPENDED, checked in fileComplaint).
 */
export function openComplaint(s: Services, actor: Actor, c: ComplaintInput): number {
  return fileComplaint(s, actor, c);
}

interface Row {
  id: number;
  kind: Kind;
  category: Category;
  subject_type: Subject;
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
    status: r.response ? ("answered" as const) : ("open" as const),
    openedAt: r.opened_at,
    respondBy: new Date(dueAt).toISOString(),
    clock:
      answeredAt !== null
        ? answeredAt <= dueAt
          ? ("answered_in_time" as const)
          : ("answered_late" as const)
        : now <= dueAt
          ? ("within_48h" as const)
          : ("past_48h" as const),
    response: r.response,
    respondedAt: r.responded_at,
    responseSeconds: answeredAt !== null ? Math.round((answeredAt - Date.parse(r.opened_at)) / 1000) : null,
  };
}

const seesAllComplaints = (actor: Actor) => actor.user.role === "auditor" || actor.user.role === "operator";

/** The disputes and complaints the actor's organisation raised or must answer (all of them for auditors and the operator). */
export function listComplaints(s: Services, actor: Actor, status?: "open" | "answered") {
  const rows = s.gdb
    .prepare(
      `SELECT * FROM complaints WHERE (? OR raised_by_org = ? OR assigned_org = ?)
       AND (? IS NULL OR (? = 'open' AND response IS NULL) OR (? = 'answered' AND response IS NOT NULL)) ORDER BY id DESC LIMIT 500`,
    )
    .all(seesAllComplaints(actor) ? 1 : 0, actor.user.orgId, actor.user.orgId, status ?? null, status ?? null, status ?? null) as Row[];
  return rows.map((r) => complaintView(r, s.desk.clock.now()));
}

function getComplaint(s: Services, actor: Actor, id: string): Row | undefined {
  const r = s.gdb.prepare("SELECT * FROM complaints WHERE id = ?").get(id) as Row | undefined;
  if (!r) return undefined;
  if (!seesAllComplaints(actor) && r.raised_by_org !== actor.user.orgId && r.assigned_org !== actor.user.orgId) return undefined;
  return r;
}

/** Answers a dispute or complaint; only the organisation it is routed to may, and only once. */
export function respond(s: Services, actor: Actor, id: string, response: string) {
  const row = visible(getComplaint(s, actor, id), `Dispute ${id}`);
  if (row.assigned_org !== actor.user.orgId) throw forbidden("Only the organisation the dispute is routed to may answer it.");
  if (row.response) throw conflict("INVALID_STATUS", "This dispute was already answered.");
  respondToCase(s, actor, String(row.id), response);
  return complaintView(s.gdb.prepare("SELECT * FROM complaints WHERE id = ?").get(row.id) as Row, s.desk.clock.now());
}

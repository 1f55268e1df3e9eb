import { EventEmitter } from "node:events";
import type { GatewayDb } from "../store/gateway-db";
import type { CaseTimes } from "./clock";
import type { ComplaintCategory } from "./classifier";

/** Every step a case's history can hold. */
export const CASE_ACTIONS = ["filed", "classified", "assigned", "reassigned", "reclassified", "responded", "escalated", "response_breached", "resolution_breached", "resolved", "rated"] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/**
 * The service desk's tables in gateway.db (the index can be rebuilt from the chain; cases cannot). A case is the
 * desk's view of one row of `complaints` (same id), so the dispute and complaint routes keep working unchanged.
 * Times are unix milliseconds of the desk's clock. Existing complaints become cases, unclassified, on upgrade.
 */
export const DESK_MIGRATION = `
CREATE TABLE cases (
  id INTEGER PRIMARY KEY REFERENCES complaints(id),
  category TEXT NOT NULL,               -- classifier code (server/src/desk/classifier.ts) or 'other'
  confidence REAL NOT NULL,             -- the classifier's probability; 1 once a person classified it
  classified_by TEXT,                   -- null: the classifier; else the user who reclassified
  assignee_user TEXT,                   -- null: nobody fits, the organisation's admins hold it
  assigned_at INTEGER,
  opened_at INTEGER NOT NULL,
  first_response_at INTEGER,
  escalated_at INTEGER,
  response_breached_at INTEGER,
  resolution_breached_at INTEGER,
  resolved_at INTEGER,
  outcome TEXT,                         -- upheld | partly_upheld | rejected | withdrawn
  resolution TEXT,
  rating INTEGER,                       -- 1..5 from the filer
  rating_comment TEXT,
  rated_at INTEGER
);
CREATE INDEX cases_assignee ON cases (assignee_user, resolved_at);
CREATE INDEX cases_open ON cases (resolved_at, opened_at);
CREATE TABLE case_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  at INTEGER NOT NULL,
  actor_user TEXT,                      -- null: the gateway itself (classifier, assignment, keeper)
  action TEXT NOT NULL,                 -- filed | classified | assigned | responded | escalated | response_breached | resolution_breached | reclassified | reassigned | resolved | rated
  detail TEXT NOT NULL                  -- JSON
);
CREATE INDEX case_history_case ON case_history (case_id, id);
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  subject_type TEXT,
  subject_id TEXT,
  dedupe_key TEXT UNIQUE,               -- one reminder per (kind, subject, person), however often the keeper runs
  created_at INTEGER NOT NULL,
  read_at INTEGER,
  emailed_at INTEGER,
  email_error TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, read_at);
CREATE TABLE notification_emails (
  user_id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
INSERT INTO cases (id, category, confidence, classified_by, opened_at, first_response_at)
  SELECT id, 'other', 0, NULL, CAST(strftime('%s', opened_at) AS INTEGER) * 1000,
         CASE WHEN responded_at IS NULL THEN NULL ELSE CAST(strftime('%s', responded_at) AS INTEGER) * 1000 END
  FROM complaints;
`;

export interface CaseRow {
  id: number;
  kind: "invoice_dispute" | "financing_complaint" | "bank_complaint";
  filed_category: string;
  subject_type: "invoice" | "financing" | "organization";
  subject_id: string;
  raised_by_org: string;
  raised_by_user: string;
  assigned_org: string;
  reason: string;
  reason_hash: string;
  tx_hash: string | null;
  response: string | null;
  responded_by: string | null;
  category: ComplaintCategory | "other";
  confidence: number;
  classified_by: string | null;
  assignee_user: string | null;
  assigned_at: number | null;
  opened_at: number;
  first_response_at: number | null;
  escalated_at: number | null;
  response_breached_at: number | null;
  resolution_breached_at: number | null;
  resolved_at: number | null;
  outcome: string | null;
  resolution: string | null;
  rating: number | null;
  rating_comment: string | null;
  rated_at: number | null;
}

export interface HistoryRow {
  id: number;
  case_id: number;
  at: number;
  actor_user: string | null;
  action: CaseAction;
  detail: string;
}

export interface PersonRow {
  id: string;
  name: string;
  role: string;
  org_id: string;
  is_admin: number;
  active: number;
}

const CASE_SELECT = `SELECT c.*, k.kind, k.category AS filed_category, k.subject_type, k.subject_id, k.raised_by_org, k.raised_by_user,
  k.assigned_org, k.reason, k.reason_hash, k.tx_hash, k.response, k.responded_by
  FROM cases c JOIN complaints k ON k.id = c.id`;

export const caseTimes = (r: CaseRow): CaseTimes => ({
  openedAt: r.opened_at,
  firstResponseAt: r.first_response_at,
  resolvedAt: r.resolved_at,
  escalatedAt: r.escalated_at,
  responseBreachedAt: r.response_breached_at,
  resolutionBreachedAt: r.resolution_breached_at,
});

/** A step was added to a case: the organisations that filed it and handle it may see it (the event stream's cue). */
export interface CaseChanged {
  caseId: string;
  action: CaseAction;
  orgIds: string[];
}

/** The SQL of the desk. */
export class DeskRepo {
  /** Emits "case" (CaseChanged) after every history step, so open consoles refresh the case without polling. */
  readonly changes = new EventEmitter();
  private readonly hasAdminFlag: boolean;
  private readonly hasDeactivation: boolean;

  constructor(private readonly db: GatewayDb) {
    // One listener per open event stream.
    this.changes.setMaxListeners(0);
    // The people work (sessions) adds users.is_admin and users.deactivated_at; without them an organisation's first
    // user is its admin and everyone is active (the rule that work also applies to upgraded data directories).
    const cols = db.prepare("SELECT name FROM pragma_table_info('users')").pluck().all() as string[];
    this.hasAdminFlag = cols.includes("is_admin");
    this.hasDeactivation = cols.includes("deactivated_at");
  }

  insertCase(id: number, c: { category: ComplaintCategory | "other"; confidence: number; openedAt: number }): void {
    this.db.prepare("INSERT INTO cases (id, category, confidence, opened_at) VALUES (?, ?, ?, ?)").run(id, c.category, c.confidence, c.openedAt);
  }

  get(id: string | number): CaseRow | undefined {
    return this.db.prepare(`${CASE_SELECT} WHERE c.id = ?`).get(id) as CaseRow | undefined;
  }

  /** Cases the organisation filed or must answer (every case when orgId is null), newest first. */
  list(f: { orgId: string | null; assignee?: string; status?: "open" | "resolved"; category?: string; limit: number; beforeId?: number }): CaseRow[] {
    return this.db
      .prepare(
        `${CASE_SELECT} WHERE (@org IS NULL OR k.raised_by_org = @org OR k.assigned_org = @org)
         AND (@assignee IS NULL OR c.assignee_user = @assignee)
         AND (@status IS NULL OR (@status = 'open' AND c.resolved_at IS NULL) OR (@status = 'resolved' AND c.resolved_at IS NOT NULL))
         AND (@category IS NULL OR c.category = @category)
         AND (@before IS NULL OR c.id < @before)
         ORDER BY c.id DESC LIMIT @limit`,
      )
      .all({ org: f.orgId, assignee: f.assignee ?? null, status: f.status ?? null, category: f.category ?? null, before: f.beforeId ?? null, limit: f.limit }) as CaseRow[];
  }

  /** Open cases whose next clock deadline may have passed: the keeper's work list. */
  openCases(): CaseRow[] {
    return this.db
      .prepare(`${CASE_SELECT} WHERE c.resolved_at IS NULL OR (c.first_response_at IS NULL AND c.response_breached_at IS NULL) ORDER BY c.opened_at`)
      .all() as CaseRow[];
  }

  /** Cases opened in [from, to), for analytics. */
  openedBetween(from: number, to: number, orgId: string | null): CaseRow[] {
    return this.db
      .prepare(`${CASE_SELECT} WHERE c.opened_at >= ? AND c.opened_at < ? AND (? IS NULL OR k.raised_by_org = ? OR k.assigned_org = ?) ORDER BY c.id`)
      .all(from, to, orgId, orgId, orgId) as CaseRow[];
  }

  update(id: number, fields: Partial<Record<keyof CaseRow, string | number | null>>): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    this.db.prepare(`UPDATE cases SET ${keys.map((k) => `${k} = @${k}`).join(", ")} WHERE id = @id`).run({ ...fields, id });
  }

  /** Records the response on the complaint too, so the dispute routes show it. */
  answerComplaint(id: number, response: string, userId: string, atIso: string): void {
    this.db.prepare("UPDATE complaints SET response = ?, responded_by = ?, responded_at = ? WHERE id = ? AND response IS NULL").run(response, userId, atIso, id);
  }

  addHistory(caseId: number, at: number, actorUser: string | null, action: CaseAction, detail: object): void {
    this.db.prepare("INSERT INTO case_history (case_id, at, actor_user, action, detail) VALUES (?, ?, ?, ?, ?)").run(caseId, at, actorUser, action, JSON.stringify(detail));
    // Every change of a case adds a step, so this is the one place to announce it. Inside a transaction the listeners
    // only write to sockets; a console's re-read arrives after the (synchronous) transaction has committed.
    const orgs = this.db.prepare("SELECT raised_by_org, assigned_org FROM complaints WHERE id = ?").get(caseId) as { raised_by_org: string; assigned_org: string } | undefined;
    if (orgs) this.changes.emit("case", { caseId: String(caseId), action, orgIds: [...new Set([orgs.raised_by_org, orgs.assigned_org])] } satisfies CaseChanged);
  }

  history(caseId: number): HistoryRow[] {
    return this.db.prepare("SELECT * FROM case_history WHERE case_id = ? ORDER BY id").all(caseId) as HistoryRow[];
  }

  /** The people of an organisation, with whether each is an admin and active. */
  people(orgId: string): PersonRow[] {
    const admin = this.hasAdminFlag ? "u.is_admin" : "(u.rowid = (SELECT MIN(rowid) FROM users WHERE org_id = u.org_id))";
    const active = this.hasDeactivation ? "(u.deactivated_at IS NULL)" : "1";
    return this.db.prepare(`SELECT u.id, u.name, u.role, u.org_id, ${admin} AS is_admin, ${active} AS active FROM users u WHERE u.org_id = ? ORDER BY u.rowid`).all(orgId) as PersonRow[];
  }

  person(userId: string): PersonRow | undefined {
    const row = this.db.prepare("SELECT org_id FROM users WHERE id = ?").get(userId) as { org_id: string } | undefined;
    return row ? this.people(row.org_id).find((p) => p.id === userId) : undefined;
  }

  /** Each person's open cases and when they were last given one, for least-loaded assignment. */
  load(userIds: string[]): Map<string, { open: number; lastAssignedAt: number | null }> {
    const out = new Map<string, { open: number; lastAssignedAt: number | null }>();
    const stmt = this.db.prepare("SELECT SUM(resolved_at IS NULL) AS open, MAX(assigned_at) AS last FROM cases WHERE assignee_user = ?");
    for (const id of userIds) {
      const r = stmt.get(id) as { open: number | null; last: number | null };
      out.set(id, { open: r.open ?? 0, lastAssignedAt: r.last });
    }
    return out;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

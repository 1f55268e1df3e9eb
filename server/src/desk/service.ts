import type { Services } from "../services";
import type { Actor } from "../app/actor";
import { visible } from "../app/write";
import { conflict, forbidden, unprocessable, notFound, AppError } from "../shared/errors";
import { sha256Hex } from "../shared/hash";
import { assertOrgActive } from "../orgs/service";
import { defaultClassifier, isComplaintCategory, type ComplaintCategory } from "./classifier";
import { caseClock, dueClockActions, pickAssignee, type ClockAction } from "./clock";
import { caseTimes, type CaseRow, type PersonRow } from "./repo";

/** Who may handle a case in an organisation of each kind: officers in a bank, the enterprise's own people otherwise. */
export function handlingRoles(orgKind: string | undefined): string[] {
  return orgKind === "bank" ? ["officer"] : ["buyer", "supplier"];
}

/** The classifier's codes mapped onto the older dispute categories the complaint routes still show. */
const LEGACY_CATEGORY: Record<ComplaintCategory | "other", string> = {
  quantity: "quantity",
  quality: "quality",
  price: "pricing",
  delivery: "delivery",
  documents: "other",
  financing_decision: "decision",
  fees: "fees",
  service: "service",
  other: "other",
};
export const legacyCategory = (c: string): string => LEGACY_CATEGORY[c as ComplaintCategory] ?? "other";

export const OUTCOMES = ["upheld", "partly_upheld", "rejected", "withdrawn"] as const;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const seesAll = (actor: Actor) => actor.user.role === "auditor" || actor.user.role === "operator";

function names(s: Services, ids: (string | null)[]): Map<string, string> {
  const out = new Map<string, string>();
  const stmt = s.gdb.prepare("SELECT name FROM users WHERE id = ?");
  for (const id of ids) if (id && !out.has(id)) out.set(id, ((stmt.get(id) as { name: string } | undefined)?.name ?? id));
  return out;
}

/** A case as the API shows it. */
export function caseView(s: Services, r: CaseRow) {
  const now = s.desk.clock.now();
  const clock = caseClock(caseTimes(r), now, s.desk.policy);
  const who = names(s, [r.assignee_user, r.raised_by_user]);
  return {
    id: String(r.id),
    kind: r.kind,
    subject: { type: r.subject_type, id: r.subject_id },
    filedBy: { orgId: r.raised_by_org, userId: r.raised_by_user, name: who.get(r.raised_by_user) ?? r.raised_by_user },
    handlingOrgId: r.assigned_org,
    text: r.reason,
    textHash: r.reason_hash,
    category: r.category,
    confidence: r.confidence,
    classifiedBy: r.classified_by === null ? ("classifier" as const) : ("person" as const),
    assignee: r.assignee_user ? { userId: r.assignee_user, name: who.get(r.assignee_user) ?? r.assignee_user } : null,
    status: r.resolved_at !== null ? ("resolved" as const) : r.first_response_at !== null ? ("answered" as const) : ("open" as const),
    openedAt: iso(r.opened_at)!,
    respondBy: iso(clock.respondBy)!,
    escalateAt: iso(clock.escalateAt)!,
    resolveBy: iso(clock.resolveBy)!,
    responseClock: clock.response,
    resolutionClock: clock.resolution,
    escalated: r.escalated_at !== null,
    escalatedAt: iso(r.escalated_at),
    responseBreachedAt: iso(r.response_breached_at),
    resolutionBreachedAt: iso(r.resolution_breached_at),
    firstResponseAt: iso(r.first_response_at),
    response: r.response,
    responseSeconds: clock.responseMs === null ? null : Math.round(clock.responseMs / 1000),
    resolvedAt: iso(r.resolved_at),
    resolutionSeconds: clock.resolutionMs === null ? null : Math.round(clock.resolutionMs / 1000),
    outcome: r.outcome as (typeof OUTCOMES)[number] | null,
    resolution: r.resolution,
    rating: r.rating,
    ratingComment: r.rating_comment,
    txHash: r.tx_hash,
  };
}

function historyView(s: Services, caseId: number) {
  const rows = s.desk.repo.history(caseId);
  const who = names(s, rows.map((h) => h.actor_user));
  return rows.map((h) => ({
    at: new Date(h.at).toISOString(),
    action: h.action,
    actor: h.actor_user ? { userId: h.actor_user, name: who.get(h.actor_user) ?? h.actor_user } : null,
    detail: JSON.parse(h.detail) as Record<string, unknown>,
  }));
}

function admins(people: PersonRow[]): string[] {
  return people.filter((p) => p.is_admin === 1 && p.active === 1).map((p) => p.id);
}

/**
 * Chooses who takes a case in `orgId`: the least loaded active person with a handling role (null: the admins). The
 * organisation's admins take escalations, so they handle cases only when nobody else with the role can.
 */
function chooseAssignee(s: Services, orgId: string, exclude?: string): PersonRow | null {
  const roles = handlingRoles(s.read.getOrganization(orgId)?.kind);
  const all = s.desk.repo.people(orgId).filter((p) => p.id !== exclude);
  const handlers = all.filter((p) => p.is_admin !== 1 && p.active === 1 && roles.includes(p.role));
  const people = handlers.length > 0 ? handlers : all;
  const load = s.desk.repo.load(people.map((p) => p.id));
  const pick = pickAssignee(
    people.map((p) => ({ userId: p.id, roles: [p.role], openCases: load.get(p.id)!.open, lastAssignedAt: load.get(p.id)!.lastAssignedAt, active: p.active === 1 })),
    roles,
  );
  return pick ? people.find((p) => p.id === pick.userId)! : null;
}

/**
 * Makes the complaint `complaintId` a case: classifies its text, assigns it, starts its clocks and tells the
 * assignee (or the organisation's admins when nobody fits). Called inside the filing, in the same transaction.
 */
export function openCase(s: Services, complaintId: number, text: string, openedAt: number, filedBy: string): void {
  const { repo } = s.desk;
  const c = defaultClassifier().classify(text);
  repo.insertCase(complaintId, { category: c.category, confidence: c.confidence, openedAt });
  repo.addHistory(complaintId, openedAt, filedBy, "filed", {});
  repo.addHistory(complaintId, openedAt, null, "classified", { category: c.category, confidence: c.confidence });
  const row = repo.get(complaintId)!;
  assign(s, row, chooseAssignee(s, row.assigned_org), null, openedAt, "assigned");
}

function assign(s: Services, row: CaseRow, to: PersonRow | null, by: string | null, at: number, action: "assigned" | "reassigned"): void {
  const { repo, inbox } = s.desk;
  repo.update(row.id, { assignee_user: to?.id ?? null, assigned_at: to ? at : null });
  repo.addHistory(row.id, at, by, action, { from: row.assignee_user, to: to?.id ?? null, toName: to?.name ?? null, fallback: to ? null : "org_admins" });
  const recipients = to ? [to.id] : admins(s.desk.repo.people(row.assigned_org));
  inbox.notify(recipients, {
    kind: "case_assigned",
    title: `Case ${row.id} assigned to ${to ? "you" : "your organisation's admins"}`,
    body: `A ${row.kind.replace("_", " ")} (${row.category}) waits for an answer within 48 hours: ${row.reason.slice(0, 200)}`,
    subjectType: "case",
    subjectId: String(row.id),
  });
}

/** The case `id` if the actor's organisation filed it or handles it (any case for auditors and the operator). */
function readCase(s: Services, actor: Actor, id: string): CaseRow {
  const r = s.desk.repo.get(id);
  const ok = r && (seesAll(actor) || r.raised_by_org === actor.user.orgId || r.assigned_org === actor.user.orgId);
  return visible(ok ? r : undefined, `Case ${id}`);
}

function handlerOnly(actor: Actor, r: CaseRow, what: string): void {
  if (r.assigned_org !== actor.user.orgId || actor.user.role === "auditor") throw forbidden(`Only the organisation handling case ${r.id} may ${what}.`, "CASE_NOT_HANDLER");
}

function notResolved(r: CaseRow): void {
  if (r.resolved_at !== null) throw conflict("CASE_RESOLVED", `Case ${r.id} is already resolved.`);
}

export function getCase(s: Services, actor: Actor, id: string) {
  const r = readCase(s, actor, id);
  return { ...caseView(s, r), history: historyView(s, r.id) };
}

export function listCases(s: Services, actor: Actor, q: { status?: "open" | "resolved"; assignee?: string; category?: string; limit?: number; cursor?: string }) {
  const limit = q.limit ?? 100;
  const assignee = q.assignee === "me" ? actor.user.id : q.assignee;
  const rows = s.desk.repo.list({ orgId: seesAll(actor) ? null : actor.user.orgId, assignee, status: q.status, category: q.category, limit: limit + 1, beforeId: q.cursor ? Number(q.cursor) : undefined });
  const items = rows.slice(0, limit).map((r) => caseView(s, r));
  return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}

/**
 * Files a complaint about another organisation (a supplier about a bank's financing decision, fees or service, a
 * buyer about a supplier), optionally about one financing request or invoice the filer can see.
 */
export function fileCase(s: Services, actor: Actor, input: { aboutOrgId: string; text: string; financingRequestId?: string; invoiceId?: string }) {
  if (input.financingRequestId && input.invoiceId) throw unprocessable("CASE_SUBJECT_AMBIGUOUS", "Name a financing request or an invoice, not both.");
  const org = s.read.getOrganization(input.aboutOrgId);
  if (!org) throw notFound(`Organisation ${input.aboutOrgId}`);
  if (input.aboutOrgId === actor.user.orgId) throw unprocessable("CASE_ABOUT_OWN_ORG", "A complaint is about another organisation, not your own.");
  let subject: { type: "financing" | "invoice" | "organization"; id: string; kind: CaseRow["kind"] } = { type: "organization", id: input.aboutOrgId, kind: "bank_complaint" };
  if (input.financingRequestId) {
    const fr = visible(s.read.getFinancing(input.financingRequestId, actor.scope), `Financing request ${input.financingRequestId}`);
    if (fr.bankOrgId !== input.aboutOrgId) throw unprocessable("CASE_SUBJECT_MISMATCH", `Financing request ${fr.id} was not decided by organisation ${input.aboutOrgId}.`);
    subject = { type: "financing", id: fr.id, kind: "financing_complaint" };
  } else if (input.invoiceId) {
    const inv = visible(s.read.getInvoice(input.invoiceId, actor.scope), `Invoice ${input.invoiceId}`);
    if (![inv.supplierOrgId, inv.buyerOrgId].includes(input.aboutOrgId)) throw unprocessable("CASE_SUBJECT_MISMATCH", `Organisation ${input.aboutOrgId} is not a party to invoice ${inv.id}.`);
    subject = { type: "invoice", id: inv.id, kind: "bank_complaint" };
  }
  const id = fileComplaint(s, actor, { kind: subject.kind, subjectType: subject.type, subjectId: subject.id, assignedOrg: input.aboutOrgId, reason: input.text, reasonHash: sha256Hex(input.text) });
  return getCase(s, actor, String(id));
}

/**
 * Stores a complaint and opens its case in one transaction. `category` is what the filer picked on the older routes;
 * without one, the classifier's category (in the older codes) is stored there.
 */
export function fileComplaint(
  s: Services,
  actor: Actor,
  c: { kind: CaseRow["kind"]; category?: string; subjectType: CaseRow["subject_type"]; subjectId: string; assignedOrg: string; reason: string; reasonHash: string; txHash?: string },
): number {
  assertOrgActive(s, actor.user.orgId);
  const now = s.desk.clock.now();
  return s.desk.repo.transaction(() => {
    const r = s.gdb
      .prepare(
        `INSERT INTO complaints (kind, category, subject_type, subject_id, raised_by_org, raised_by_user, assigned_org, reason, reason_hash, tx_hash, opened_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(c.kind, c.category ?? "other", c.subjectType, c.subjectId, actor.user.orgId, actor.user.id, c.assignedOrg, c.reason, c.reasonHash, c.txHash ?? null, new Date(now).toISOString());
    const id = Number(r.lastInsertRowid);
    openCase(s, id, c.reason, now, actor.user.id);
    if (c.category === undefined) s.gdb.prepare("UPDATE complaints SET category = ? WHERE id = ?").run(legacyCategory(s.desk.repo.get(id)!.category), id);
    return id;
  });
}

/** Answers a case as its handling organisation; the first answer stops the response clock. */
export function respondToCase(s: Services, actor: Actor, id: string, response: string) {
  const r = readCase(s, actor, id);
  handlerOnly(actor, r, "answer it");
  notResolved(r);
  const now = s.desk.clock.now();
  s.desk.repo.transaction(() => {
    if (r.first_response_at === null) s.desk.repo.update(r.id, { first_response_at: now });
    s.desk.repo.answerComplaint(r.id, response, actor.user.id, new Date(now).toISOString());
    s.desk.repo.addHistory(r.id, now, actor.user.id, "responded", { response, first: r.first_response_at === null });
  });
  s.desk.inbox.notify([r.raised_by_user], { kind: "case_answered", title: `Case ${r.id} was answered`, body: response.slice(0, 500), subjectType: "case", subjectId: String(r.id) });
  return getCase(s, actor, id);
}

/**
 * The people a case may be given to: the handling organisation's active people with its handling role, or its
 * admins, each with their open cases, least loaded first (the console's reassign choice).
 */
export function caseAssignees(s: Services, actor: Actor, id: string) {
  const r = readCase(s, actor, id);
  handlerOnly(actor, r, "reassign it");
  const roles = handlingRoles(s.read.getOrganization(r.assigned_org)?.kind);
  const people = s.desk.repo.people(r.assigned_org).filter((p) => p.active === 1 && (roles.includes(p.role) || p.is_admin === 1));
  const load = s.desk.repo.load(people.map((p) => p.id));
  const items = people.map((p) => ({ userId: p.id, name: p.name, role: p.role, isAdmin: p.is_admin === 1, openCases: load.get(p.id)!.open, current: p.id === r.assignee_user }));
  return { items: items.sort((a, b) => a.openCases - b.openCases || a.name.localeCompare(b.name)) };
}

export function reassignCase(s: Services, actor: Actor, id: string, toUserId: string) {
  const r = readCase(s, actor, id);
  handlerOnly(actor, r, "reassign it");
  notResolved(r);
  const to = s.desk.repo.person(toUserId);
  if (!to || to.org_id !== r.assigned_org) throw unprocessable("ASSIGNEE_NOT_IN_ORG", `User ${toUserId} is not a person of organisation ${r.assigned_org}.`);
  if (to.active !== 1) throw unprocessable("ASSIGNEE_INACTIVE", `User ${toUserId} is deactivated.`);
  if (!handlingRoles(s.read.getOrganization(r.assigned_org)?.kind).includes(to.role) && to.is_admin !== 1) {
    throw unprocessable("ASSIGNEE_ROLE", `User ${to.name} (${to.role}) cannot handle cases of this organisation.`);
  }
  if (to.id === r.assignee_user) throw conflict("ALREADY_ASSIGNED", `Case ${r.id} is already assigned to ${to.name}.`);
  s.desk.repo.transaction(() => assign(s, r, to, actor.user.id, s.desk.clock.now(), "reassigned"));
  return getCase(s, actor, id);
}

export function reclassifyCase(s: Services, actor: Actor, id: string, category: ComplaintCategory) {
  const r = readCase(s, actor, id);
  if (r.assigned_org !== actor.user.orgId && actor.user.role !== "operator") throw forbidden(`Only the organisation handling case ${r.id} may reclassify it.`, "CASE_NOT_HANDLER");
  if (!isComplaintCategory(category)) throw new AppError("invalid", "VALIDATION_FAILED", `Unknown category ${category}.`);
  if (category === r.category && r.classified_by !== null) throw conflict("ALREADY_CLASSIFIED", `Case ${r.id} is already classified as ${category}.`);
  const now = s.desk.clock.now();
  s.desk.repo.transaction(() => {
    s.desk.repo.update(r.id, { category, confidence: 1, classified_by: actor.user.id });
    s.gdb.prepare("UPDATE complaints SET category = ? WHERE id = ?").run(legacyCategory(category), r.id);
    s.desk.repo.addHistory(r.id, now, actor.user.id, "reclassified", { from: r.category, fromConfidence: r.confidence, to: category });
  });
  return getCase(s, actor, id);
}

export function resolveCase(s: Services, actor: Actor, id: string, input: { outcome: (typeof OUTCOMES)[number]; resolution: string }) {
  const r = readCase(s, actor, id);
  handlerOnly(actor, r, "resolve it");
  notResolved(r);
  const now = s.desk.clock.now();
  s.desk.repo.transaction(() => {
    s.desk.repo.update(r.id, { resolved_at: now, outcome: input.outcome, resolution: input.resolution });
    // A resolution without an earlier answer is the answer.
    if (r.response === null) s.desk.repo.answerComplaint(r.id, input.resolution, actor.user.id, new Date(now).toISOString());
    s.desk.repo.addHistory(r.id, now, actor.user.id, "resolved", { outcome: input.outcome, resolution: input.resolution });
  });
  s.desk.inbox.notify([r.raised_by_user], {
    kind: "case_resolved",
    title: `Case ${r.id} was resolved (${input.outcome.replace("_", " ")}); please rate it`,
    body: input.resolution.slice(0, 500),
    subjectType: "case",
    subjectId: String(r.id),
  });
  return getCase(s, actor, id);
}

export function rateCase(s: Services, actor: Actor, id: string, input: { rating: number; comment?: string }) {
  const r = readCase(s, actor, id);
  if (r.raised_by_user !== actor.user.id) throw forbidden(`Only the person who filed case ${r.id} may rate it.`, "CASE_NOT_FILER");
  if (r.resolved_at === null) throw conflict("CASE_NOT_RESOLVED", `Case ${r.id} is not resolved yet; rate it once it is.`);
  if (r.rating !== null) throw conflict("CASE_ALREADY_RATED", `Case ${r.id} was already rated ${r.rating}.`);
  const now = s.desk.clock.now();
  s.desk.repo.transaction(() => {
    s.desk.repo.update(r.id, { rating: input.rating, rating_comment: input.comment ?? null, rated_at: now });
    s.desk.repo.addHistory(r.id, now, actor.user.id, "rated", { rating: input.rating, comment: input.comment ?? null });
  });
  return getCase(s, actor, id);
}

/**
 * Runs every clock action that is due on open cases: escalation to the handling organisation's admins at 24 hours
 * without an answer, the response breach at 48 hours (admins told again), the resolution breach. Each is recorded
 * once (clock.ts), so running this twice or late does nothing twice. Returns the actions taken.
 */
export function tickCases(s: Services): Array<{ caseId: string; action: ClockAction["kind"] }> {
  const now = s.desk.clock.now();
  const done: Array<{ caseId: string; action: ClockAction["kind"] }> = [];
  for (const r of s.desk.repo.openCases()) {
    const actions = dueClockActions(caseTimes(r), now, s.desk.policy);
    if (actions.length === 0) continue;
    const people = s.desk.repo.people(r.assigned_org);
    const adminIds = admins(people);
    s.desk.repo.transaction(() => {
      for (const a of actions) {
        const column = a.kind === "escalate" ? "escalated_at" : a.kind === "response_breach" ? "response_breached_at" : "resolution_breached_at";
        s.desk.repo.update(r.id, { [column]: now });
        s.desk.repo.addHistory(r.id, now, null, a.kind === "escalate" ? "escalated" : a.kind === "response_breach" ? "response_breached" : "resolution_breached", {
          dueAt: new Date(a.dueAt).toISOString(),
          notified: adminIds,
        });
        done.push({ caseId: String(r.id), action: a.kind });
      }
    });
    for (const a of actions) {
      const kind = a.kind === "escalate" ? "case_escalated" : "case_response_breached";
      const title =
        a.kind === "escalate"
          ? `Case ${r.id} has waited 24 hours without an answer`
          : a.kind === "response_breach"
            ? `Case ${r.id} passed its 48-hour response deadline`
            : `Case ${r.id} passed its resolution deadline`;
      s.desk.inbox.notify([...adminIds, ...(r.assignee_user ? [r.assignee_user] : [])], { kind, title, body: r.reason.slice(0, 300), subjectType: "case", subjectId: String(r.id) });
    }
  }
  return done;
}

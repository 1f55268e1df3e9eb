import { AppError } from "../shared/errors";

/**
 * The service desk's clocks, as pure functions of a case's times and "now", so the keeper, the API and the tests
 * agree on what is due without a timer anywhere.
 *
 * Every case runs two clocks from the moment it is filed:
 * - the **response clock**: someone of the responsible organisation must answer within 48 hours. At 24 hours without
 *   an answer the case is escalated to that organisation's admins; at 48 hours without one the response is breached.
 * - the **resolution clock**: the case must be resolved (an outcome recorded) within the resolution window, 15 days
 *   by default, the time China's 2020 rules on banking and insurance consumer complaints give a bank to decide one.
 * Times are unix milliseconds.
 */
export interface ClockPolicy {
  responseWindowMs: number;
  escalateAfterMs: number;
  resolutionWindowMs: number;
}

const HOUR = 3_600_000;

export const DEFAULT_CLOCK_POLICY: Readonly<ClockPolicy> = Object.freeze({
  responseWindowMs: 48 * HOUR,
  escalateAfterMs: 24 * HOUR,
  resolutionWindowMs: 15 * 24 * HOUR,
});

/** What the desk has recorded about a case; `null` for what has not happened. */
export interface CaseTimes {
  openedAt: number;
  firstResponseAt: number | null;
  resolvedAt: number | null;
  escalatedAt: number | null;
  responseBreachedAt: number | null;
  resolutionBreachedAt: number | null;
}

export type ClockState = "running" | "met" | "breached";

export interface CaseClock {
  respondBy: number;
  escalateAt: number;
  resolveBy: number;
  response: ClockState;
  resolution: ClockState;
  /** Milliseconds left on the response clock (negative once past); null once answered. */
  responseMsLeft: number | null;
  resolutionMsLeft: number | null;
  /** How long the first response took, once there is one. */
  responseMs: number | null;
  resolutionMs: number | null;
}

export type ClockAction =
  | { kind: "escalate"; dueAt: number; notify: "org_admins" }
  | { kind: "response_breach"; dueAt: number }
  | { kind: "resolution_breach"; dueAt: number };

export function checkPolicy(policy: ClockPolicy): ClockPolicy {
  const { responseWindowMs, escalateAfterMs, resolutionWindowMs } = policy;
  for (const [name, v] of Object.entries(policy)) {
    if (!Number.isSafeInteger(v) || v <= 0) throw new AppError("invalid", "CLOCK_POLICY_INVALID", `The clock's ${name} must be a positive whole number of milliseconds.`);
  }
  if (escalateAfterMs >= responseWindowMs) {
    throw new AppError("invalid", "CLOCK_POLICY_INVALID", "Escalation must come before the response deadline, or nobody is warned in time.");
  }
  if (resolutionWindowMs < responseWindowMs) {
    throw new AppError("invalid", "CLOCK_POLICY_INVALID", "The resolution window cannot be shorter than the response window.");
  }
  return policy;
}

function checkTimes(c: CaseTimes): void {
  for (const key of ["firstResponseAt", "resolvedAt"] as const) {
    const t = c[key];
    if (t !== null && t < c.openedAt) throw new AppError("invalid", "CASE_TIME_BEFORE_OPENING", `A case cannot have ${key} before it was opened.`);
  }
}

function clockState(doneAt: number | null, dueAt: number, now: number): ClockState {
  if (doneAt !== null) return doneAt <= dueAt ? "met" : "breached";
  return now <= dueAt ? "running" : "breached";
}

/** Both clocks of a case at `now`. A resolution also counts as the response if nobody answered before it. */
export function caseClock(c: CaseTimes, now: number, policy: ClockPolicy = DEFAULT_CLOCK_POLICY): CaseClock {
  checkTimes(c);
  const respondBy = c.openedAt + policy.responseWindowMs;
  const resolveBy = c.openedAt + policy.resolutionWindowMs;
  const answeredAt = firstAnswer(c);
  return {
    respondBy,
    escalateAt: c.openedAt + policy.escalateAfterMs,
    resolveBy,
    response: clockState(answeredAt, respondBy, now),
    resolution: clockState(c.resolvedAt, resolveBy, now),
    responseMsLeft: answeredAt === null ? respondBy - now : null,
    resolutionMsLeft: c.resolvedAt === null ? resolveBy - now : null,
    responseMs: answeredAt === null ? null : answeredAt - c.openedAt,
    resolutionMs: c.resolvedAt === null ? null : c.resolvedAt - c.openedAt,
  };
}

function firstAnswer(c: CaseTimes): number | null {
  if (c.firstResponseAt !== null && c.resolvedAt !== null) return Math.min(c.firstResponseAt, c.resolvedAt);
  return c.firstResponseAt ?? c.resolvedAt;
}

/**
 * What the keeper must do for a case at `now` that it has not done yet, in the order the deadlines fell. Each action
 * is due once: recording it (escalatedAt, responseBreachedAt, resolutionBreachedAt) makes it disappear, so a keeper
 * that runs twice, or late after a restart, neither repeats nor skips one. A case answered after 24 hours is not
 * escalated any more (someone is on it); a response that came late is still flagged as a breach.
 */
export function dueClockActions(c: CaseTimes, now: number, policy: ClockPolicy = DEFAULT_CLOCK_POLICY): ClockAction[] {
  const clock = caseClock(c, now, policy);
  const answeredAt = firstAnswer(c);
  const actions: ClockAction[] = [];
  if (c.escalatedAt === null && answeredAt === null && now >= clock.escalateAt) {
    actions.push({ kind: "escalate", dueAt: clock.escalateAt, notify: "org_admins" });
  }
  if (c.responseBreachedAt === null && clock.response === "breached") actions.push({ kind: "response_breach", dueAt: clock.respondBy });
  if (c.resolutionBreachedAt === null && clock.resolution === "breached") actions.push({ kind: "resolution_breach", dueAt: clock.resolveBy });
  return actions;
}

/** When the keeper next needs to look at this case, or null when no clock of it can fire any more. */
export function nextClockDeadline(c: CaseTimes, policy: ClockPolicy = DEFAULT_CLOCK_POLICY): number | null {
  const answeredAt = firstAnswer(c);
  const deadlines: number[] = [];
  if (answeredAt === null) {
    if (c.escalatedAt === null) deadlines.push(c.openedAt + policy.escalateAfterMs);
    if (c.responseBreachedAt === null) deadlines.push(c.openedAt + policy.responseWindowMs);
  }
  if (c.resolvedAt === null && c.resolutionBreachedAt === null) deadlines.push(c.openedAt + policy.resolutionWindowMs);
  return deadlines.length === 0 ? null : Math.min(...deadlines);
}

/** A person who could take a case. */
export interface AssignmentCandidate {
  userId: string;
  roles: readonly string[];
  /** Cases assigned to this person and not yet resolved. */
  openCases: number;
  /** When this person was last given a case, or null if never. */
  lastAssignedAt: number | null;
  /** False for a suspended or departed account. */
  active: boolean;
}

/**
 * The person a new case goes to: among the active candidates holding one of `roles`, the one with the fewest open
 * cases; on a tie the one who was given a case longest ago (never counts as longest), then the smallest user id, so
 * the same inputs always pick the same person and work spreads round-robin among equals. Null when nobody fits: the
 * case then goes to the organisation's admins.
 */
export function pickAssignee(candidates: readonly AssignmentCandidate[], roles: readonly string[]): AssignmentCandidate | null {
  if (roles.length === 0) throw new AppError("invalid", "ASSIGNMENT_ROLES_EMPTY", "Assignment needs at least one role that may handle the case.");
  const eligible = candidates.filter((c) => c.active && c.roles.some((r) => roles.includes(r)));
  if (eligible.length === 0) return null;
  return eligible.reduce((best, c) => (compareCandidates(c, best) < 0 ? c : best));
}

function compareCandidates(a: AssignmentCandidate, b: AssignmentCandidate): number {
  if (a.openCases !== b.openCases) return a.openCases - b.openCases;
  const la = a.lastAssignedAt ?? -Infinity;
  const lb = b.lastAssignedAt ?? -Infinity;
  if (la !== lb) return la < lb ? -1 : 1;
  return compareIds(a.userId, b.userId);
}

/** Numeric ids compare as numbers ("9" before "10"), anything else as text. */
function compareIds(a: string, b: string): number {
  const na = /^\d+$/.test(a) ? BigInt(a) : null;
  const nb = /^\d+$/.test(b) ? BigInt(b) : null;
  if (na !== null && nb !== null) return na < nb ? -1 : na > nb ? 1 : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

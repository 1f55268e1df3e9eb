import type { Services } from "../services";
import type { Actor } from "../app/actor";
import { caseClock } from "../desk/clock";
import { caseTimes, type CaseRow } from "../desk/repo";

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const durations = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

const share = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000);

/** The complaint-handling figures of a set of cases at `now`. */
function figures(rows: CaseRow[], now: number, s: Services) {
  const clocks = rows.map((r) => ({ r, k: caseClock(caseTimes(r), now, s.desk.policy) }));
  const answered = clocks.filter((x) => x.k.responseMs !== null);
  const ratings = rows.filter((r) => r.rating !== null).map((r) => r.rating!);
  const distribution = { "1": 0, "2": 0, "3": 0, "4": 0, "5": 0 } as Record<"1" | "2" | "3" | "4" | "5", number>;
  for (const v of ratings) distribution[String(v) as "1"] += 1;
  return {
    cases: rows.length,
    open: rows.filter((r) => r.resolved_at === null).length,
    answered: answered.length,
    resolved: rows.filter((r) => r.resolved_at !== null).length,
    answeredWithin48h: answered.filter((x) => x.k.response === "met").length,
    /** Of the cases whose 48 hours are over or that were answered: the share answered in time. */
    shareAnsweredWithin48h: share(
      answered.filter((x) => x.k.response === "met").length,
      clocks.filter((x) => x.k.response !== "running").length,
    ),
    responseBreaches: clocks.filter((x) => x.k.response === "breached").length,
    resolutionBreaches: clocks.filter((x) => x.k.resolution === "breached").length,
    escalated: rows.filter((r) => r.escalated_at !== null).length,
    firstResponseSeconds: durations(answered.map((x) => Math.round(x.k.responseMs! / 1000))),
    resolutionSeconds: durations(clocks.filter((x) => x.k.resolutionMs !== null).map((x) => Math.round(x.k.resolutionMs! / 1000))),
    satisfaction: {
      ratings: ratings.length,
      average: ratings.length ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 100) / 100 : null,
      distribution,
    },
  };
}

function groupBy(rows: CaseRow[], key: (r: CaseRow) => string): Map<string, CaseRow[]> {
  const out = new Map<string, CaseRow[]>();
  for (const r of rows) out.set(key(r), [...(out.get(key(r)) ?? []), r]);
  return out;
}

/**
 * Complaint handling over cases opened in [from, to): overall, by category and by handling organisation, and each
 * bank's most recurring categories (its weak spots). An organisation sees the cases it filed or handles; auditors
 * and the operator see all.
 */
export function caseAnalytics(s: Services, actor: Actor, range: { from: number; to: number }) {
  const seesAll = actor.user.role === "auditor" || actor.user.role === "operator";
  const rows = s.desk.repo.openedBetween(range.from, range.to, seesAll ? null : actor.user.orgId);
  const now = s.desk.clock.now();
  const orgName = (id: string) => s.read.getOrganization(id)?.name ?? id;
  const byCategory = [...groupBy(rows, (r) => r.category)].map(([key, list]) => ({ key, ...figures(list, now, s) })).sort((a, b) => b.cases - a.cases);
  const byOrganisation = [...groupBy(rows, (r) => r.assigned_org)].map(([key, list]) => ({ key, name: orgName(key), ...figures(list, now, s) })).sort((a, b) => b.cases - a.cases);
  const weakSpots = [...groupBy(rows.filter((r) => s.read.getOrganization(r.assigned_org)?.kind === "bank"), (r) => r.assigned_org)].map(([orgId, list]) => ({
    orgId,
    name: orgName(orgId),
    cases: list.length,
    categories: [...groupBy(list, (r) => r.category)]
      .map(([category, l]) => ({ category, count: l.length, share: share(l.length, list.length)! }))
      .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category))
      .slice(0, 3),
  }));
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    overall: figures(rows, now, s),
    byCategory,
    byOrganisation,
    weakSpots,
  };
}

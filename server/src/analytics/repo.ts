import type { Database } from "../db/sqlite";
import { prepared } from "../db/stmt";
import type { Scope } from "../shared/scope";

/** Summary statistics of durations in seconds; all null when there is nothing to measure. */
export interface DurationStats {
  count: number;
  avg: number | null;
  p50: number | null;
  p95: number | null;
}

export interface DisputeStats {
  count: number;
  open: number;
  resolved: number;
  avgResolutionSeconds: number | null;
}

/** How one bank serves its suppliers. */
export interface BankService {
  bankOrgId: string;
  bankName: string;
  requests: number;
  decided: number;
  approved: number;
  rejected: number;
  withdrawn: number;
  disbursed: number;
  /** approved / decided, or null before any decision. */
  approvalRate: number | null;
  /** Share of requests that took the fast-track (one officer). */
  fastTrackShare: number | null;
  timeToDecisionSeconds: DurationStats;
  /** Disputes on invoices this bank was asked to finance. */
  disputes: DisputeStats;
}

export interface ServiceAnalytics {
  generatedAt: string;
  banks: BankService[];
  /** Every dispute on the network (or in the caller's scope, see serviceAnalytics). */
  disputes: DisputeStats;
}

/** Nearest-rank percentile of an ascending list. */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function stats(values: number[]): DurationStats {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    avg: sorted.length ? Math.round((sum / sorted.length) * 10) / 10 : null,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
  };
}

function disputeStats(rows: { opened_at: number; resolved_at: number | null }[]): DisputeStats {
  const resolved = rows.filter((r) => r.resolved_at !== null).map((r) => r.resolved_at! - r.opened_at);
  return {
    count: rows.length,
    open: rows.length - resolved.length,
    resolved: resolved.length,
    avgResolutionSeconds: resolved.length ? Math.round((resolved.reduce((a, b) => a + b, 0) / resolved.length) * 10) / 10 : null,
  };
}

const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000);

/**
 * Service levels per bank: volumes, approval rate, fast-track share, time from request to decision (final approval
 * or rejection) and disputes on the invoices each bank was asked to finance. These are aggregates without any
 * party's amounts or names other than the banks', so every scope sees every bank: suppliers compare banks with them.
 */
export function serviceAnalytics(db: Database, _scope: Scope): ServiceAnalytics {
  const banks = prepared(db, "SELECT id, name FROM organizations WHERE kind = 3 ORDER BY id").all() as { id: number; name: string }[];
  const requests = prepared(db, "SELECT bank_org_id, status, fast_track, requested_at, decided_at FROM financing_requests").all() as {
    bank_org_id: number;
    status: string;
    fast_track: number;
    requested_at: number;
    decided_at: number | null;
  }[];
  const disputesByBank = prepared(
    db,
    `SELECT DISTINCT f.bank_org_id, d.seq, d.opened_at, d.resolved_at FROM disputes d
     JOIN financing_requests f ON f.invoice_id = d.invoice_id`,
  ).all() as { bank_org_id: number; seq: number; opened_at: number; resolved_at: number | null }[];
  const allDisputes = prepared(db, "SELECT opened_at, resolved_at FROM disputes").all() as { opened_at: number; resolved_at: number | null }[];

  const out: BankService[] = banks.map((b) => {
    const mine = requests.filter((r) => r.bank_org_id === b.id);
    const decided = mine.filter((r) => r.decided_at !== null);
    const rejected = decided.filter((r) => r.status === "rejected").length;
    const approved = decided.length - rejected;
    return {
      bankOrgId: String(b.id),
      bankName: b.name,
      requests: mine.length,
      decided: decided.length,
      approved,
      rejected,
      withdrawn: mine.filter((r) => r.status === "withdrawn").length,
      disbursed: mine.filter((r) => r.status === "disbursed" || r.status === "repaid" || r.status === "defaulted").length,
      approvalRate: ratio(approved, decided.length),
      fastTrackShare: ratio(mine.filter((r) => r.fast_track === 1).length, mine.length),
      timeToDecisionSeconds: stats(decided.map((r) => r.decided_at! - r.requested_at)),
      disputes: disputeStats(disputesByBank.filter((d) => d.bank_org_id === b.id)),
    };
  });
  return { generatedAt: new Date().toISOString(), banks: out, disputes: disputeStats(allDisputes) };
}

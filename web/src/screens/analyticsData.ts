import type { ServiceAnalytics } from "../api/types";

// GET /analytics/service answers per-bank figures; the service totals are derived from them here.

export interface BankStats {
  name: string;
  requests: number;
  approvalRate: number | null;
  fastTrackShare: number | null;
  /** The bank's median time from request to decision, in hours. */
  decisionHours: number | null;
}

export interface ServiceStats {
  requests: number;
  approvalRate: number | null;
  fastTrackShare: number | null;
  /** The mean time to decision over every bank's decisions, in hours. */
  decisionHours: number | null;
  fastTrack: number;
  makerChecker: number;
  perBank: BankStats[];
}

export function readStats(data: ServiceAnalytics): ServiceStats {
  let requests = 0;
  let decided = 0;
  let approved = 0;
  let fastTrack = 0;
  let decisions = 0;
  let decisionSeconds = 0;
  for (const b of data.banks) {
    requests += b.requests;
    decided += b.decided;
    approved += b.approved;
    fastTrack += Math.round((b.fastTrackShare ?? 0) * b.requests);
    decisions += b.timeToDecisionSeconds.count;
    decisionSeconds += (b.timeToDecisionSeconds.avg ?? 0) * b.timeToDecisionSeconds.count;
  }
  return {
    requests,
    approvalRate: decided ? approved / decided : null,
    fastTrackShare: requests ? fastTrack / requests : null,
    decisionHours: decisions ? decisionSeconds / decisions / 3600 : null,
    fastTrack,
    makerChecker: requests - fastTrack,
    perBank: data.banks.map((b) => ({
      name: b.bankName,
      requests: b.requests,
      approvalRate: b.approvalRate,
      fastTrackShare: b.fastTrackShare,
      decisionHours: b.timeToDecisionSeconds.p50 === null ? null : b.timeToDecisionSeconds.p50 / 3600,
    })),
  };
}

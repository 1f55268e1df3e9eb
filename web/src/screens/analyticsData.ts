// GET /analytics/service leaves its exact shape to the gateway; this reads the likely spellings defensively.

type Loose = Record<string, unknown>;

export interface BankStats {
  name: string;
  requests: number;
  approvalRate: number | null;
  fastTrackShare: number | null;
  decisionHours: number | null;
}

export interface ServiceStats {
  requests: number | null;
  approvalRate: number | null;
  fastTrackShare: number | null;
  decisionHours: number | null;
  decisionP95Hours: number | null;
  fastTrack: number | null;
  makerChecker: number | null;
  perBank: BankStats[];
}

function pick(o: Loose | undefined, keys: string[]): number | null {
  if (!o) return null;
  for (const k of keys) {
    const v = o[k];
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  }
  return null;
}

/** Rates may come as 0..1 or as percentages; answer 0..1. */
function rate(o: Loose | undefined, keys: string[]): number | null {
  const v = pick(o, keys);
  if (v === null) return null;
  return v > 1 ? v / 100 : v;
}

/** Time to decision: a number of seconds, or an object with median/p50/avg and p95, in seconds or ms. */
function hours(value: unknown, which: "mid" | "p95"): number | null {
  if (typeof value === "number") return which === "mid" ? value / 3600 : null;
  if (!value || typeof value !== "object") return null;
  const o = value as Loose;
  const secs = which === "mid"
    ? pick(o, ["medianSeconds", "p50Seconds", "p50", "median", "averageSeconds", "avgSeconds", "meanSeconds", "average", "avg", "mean"])
    : pick(o, ["p95Seconds", "p95", "p90Seconds", "p90"]);
  if (secs !== null) return secs / 3600;
  const ms = which === "mid" ? pick(o, ["medianMs", "p50Ms", "avgMs", "averageMs"]) : pick(o, ["p95Ms", "p90Ms"]);
  return ms !== null ? ms / 3_600_000 : null;
}

function decision(o: Loose, which: "mid" | "p95"): number | null {
  const nested = o.timeToDecision ?? o.timeToDecisionSeconds ?? o.decisionTime;
  const h = hours(nested, which);
  if (h !== null) return h;
  const flat = which === "mid"
    ? pick(o, ["medianTimeToDecisionSeconds", "avgTimeToDecisionSeconds", "timeToDecisionP50Seconds"])
    : pick(o, ["p95TimeToDecisionSeconds", "timeToDecisionP95Seconds"]);
  return flat !== null ? flat / 3600 : null;
}

/** The gateway may answer only per-bank figures; then the service totals are derived from them. */
function fromBanks(banks: Loose[]): Loose {
  let requests = 0, decided = 0, approved = 0, fastTrack = 0, decisions = 0, decisionSecs = 0;
  for (const b of banks) {
    const n = pick(b, ["requests"]) ?? 0;
    requests += n;
    decided += pick(b, ["decided"]) ?? 0;
    approved += pick(b, ["approved"]) ?? 0;
    fastTrack += Math.round((rate(b, ["fastTrackShare"]) ?? 0) * n);
    const t = (b.timeToDecisionSeconds ?? {}) as Loose;
    const count = pick(t, ["count"]) ?? 0;
    decisions += count;
    decisionSecs += (pick(t, ["avg", "average"]) ?? 0) * count;
  }
  return {
    requests,
    approvalRate: decided ? approved / decided : null,
    fastTrackShare: requests ? fastTrack / requests : null,
    fastTrack,
    makerChecker: requests - fastTrack,
    timeToDecision: decisions ? { avg: decisionSecs / decisions } : null,
  };
}

export function readStats(data: unknown): ServiceStats {
  const raw = (data ?? {}) as Loose;
  const list = (raw.perBank ?? raw.banks ?? raw.byBank) as Loose[] | undefined;
  const hasTotals = ["requests", "approvalRate", "overall", "total", "summary"].some((k) => k in raw);
  const o = !hasTotals && Array.isArray(list) ? { ...raw, ...fromBanks(list) } : raw;
  const root = ((o.overall ?? o.total ?? o.summary) as Loose | undefined) ?? o;
  const banks = (o.perBank ?? o.banks ?? o.byBank ?? []) as Loose[];
  const counts = (root.paths ?? root.byPath) as Loose | undefined;
  return {
    requests: pick(root, ["requests", "total", "count", "decided"]),
    approvalRate: rate(root, ["approvalRate", "approvedShare"]),
    fastTrackShare: rate(root, ["fastTrackShare", "fastTrackRate"]),
    decisionHours: decision(root, "mid"),
    decisionP95Hours: decision(root, "p95"),
    fastTrack: pick(counts ?? root, ["fastTrack", "fast-track", "fastTrackCount"]),
    makerChecker: pick(counts ?? root, ["makerChecker", "maker-checker", "makerCheckerCount"]),
    perBank: (Array.isArray(banks) ? banks : []).map((b) => ({
      name: String(b.bankName ?? b.name ?? `Bank ${b.bankOrgId ?? ""}`),
      requests: pick(b, ["requests", "total", "count"]) ?? 0,
      approvalRate: rate(b, ["approvalRate", "approvedShare"]),
      fastTrackShare: rate(b, ["fastTrackShare", "fastTrackRate"]),
      decisionHours: decision(b, "mid"),
    })),
  };
}

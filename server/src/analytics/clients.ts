import type { Services } from "../services";
import type { Actor } from "../app/actor";
import { notFound } from "../shared/errors";
import { formatMinor } from "../shared/money";
import { durations } from "./desk";

const DAY = 86_400;

/**
 * The lifecycle stages of a client, decided in this order (the first that holds wins); times are the desk's now:
 * - `lost`: its last activity (any order, invoice, financing, payment or case) is more than 180 days ago;
 * - `at_risk`: an invoice of it is overdue, a financing of it defaulted, or its last activity is more than 60 days ago;
 * - `active`: at least two financings (disbursed, repaid or defaulted) and one disbursed in the last 90 days;
 * - `first_financing`: at least one financing;
 * - `onboarded`: none of the above (it is in the network, nothing financed yet).
 */
export const LIFECYCLE_RULE = "lost: no activity for 180 days; at_risk: an overdue invoice, a defaulted financing, or no activity for 60 days; active: 2+ financings, one in the last 90 days; first_financing: 1+ financing; onboarded: otherwise";

interface Fin {
  id: number;
  invoice_id: number;
  bank_org_id: number;
  supplier_org_id: number;
  buyer_org_id: number;
  amount: string;
  fast_track: number;
  status: string;
  requested_at: number;
  decided_at: number | null;
  disbursed_at: number | null;
  discount: string | null;
}

interface Inv {
  id: number;
  buyer_org_id: number;
  supplier_org_id: number;
  amount: string;
  status: string;
  due_date: number;
  created_at: number;
  confirmed_at: number | null;
  overdue_at: number | null;
}

const FINANCED = ["disbursed", "repaid", "defaulted"];
const iso = (sec: number) => new Date(sec * 1000).toISOString();

/**
 * A supplier's or buyer's profile: its history on one timeline, its lifecycle stage, its value to each bank
 * (discount income, volume financed, tenure), its on-time rate and its utilisation month by month. The client and
 * auditors/the operator see everything; a bank sees the profile only if it has dealt with the client (a financing
 * request), and then only its own row of value and the financings, invoices and payments that went through it.
 */
export function clientProfile(s: Services, actor: Actor, orgId: string, range: { from: number; to: number }) {
  const org = s.read.getOrganization(orgId);
  if (!org || (org.kind !== "supplier" && org.kind !== "core_enterprise")) throw notFound(`Client ${orgId}`);
  const db = s.idb;
  const oid = Number(orgId);
  const allFin = db.prepare("SELECT * FROM financing_requests WHERE supplier_org_id = ? OR buyer_org_id = ? ORDER BY id").all(oid, oid) as Fin[];
  const whole = actor.user.role === "auditor" || actor.user.role === "operator" || actor.user.orgId === orgId;
  const bankView = !whole && actor.user.role === "officer" ? Number(actor.user.orgId) : null;
  if (!whole && (bankView === null || !allFin.some((f) => f.bank_org_id === bankView))) throw notFound(`Client ${orgId}`);
  const fins = bankView === null ? allFin : allFin.filter((f) => f.bank_org_id === bankView);
  const invIds = new Set(fins.map((f) => f.invoice_id));
  const allInv = db.prepare("SELECT * FROM invoices WHERE supplier_org_id = ? OR buyer_org_id = ? ORDER BY id").all(oid, oid) as Inv[];
  const invs = bankView === null ? allInv : allInv.filter((i) => invIds.has(i.id));
  const orders =
    bankView === null
      ? (db.prepare("SELECT id, buyer_org_id, supplier_org_id, amount, status, created_at FROM orders WHERE supplier_org_id = ? OR buyer_org_id = ?").all(oid, oid) as Array<{ id: number; amount: string; status: string; created_at: number; buyer_org_id: number }>)
      : [];
  const payments = db
    .prepare(`SELECT p.* FROM payments p WHERE p.invoice_id IN (SELECT value FROM json_each(?)) ORDER BY p.seq`)
    .all(JSON.stringify(invs.map((i) => i.id))) as Array<{ invoice_id: number; amount: string; to_bank: string; to_supplier: string; at: number }>;
  const repayments = db
    .prepare("SELECT * FROM financing_repayments WHERE request_id IN (SELECT value FROM json_each(?)) ORDER BY seq")
    .all(JSON.stringify(fins.map((f) => f.id))) as Array<{ request_id: number; amount: string; at: number; on_time: number; by_recourse: number }>;
  const cases = s.gdb
    .prepare(`SELECT c.id, c.category, c.opened_at, c.resolved_at, k.raised_by_org, k.assigned_org FROM cases c JOIN complaints k ON k.id = c.id
      WHERE (k.raised_by_org = ? OR k.assigned_org = ?) AND (? IS NULL OR k.raised_by_org = ? OR k.assigned_org = ?)`)
    .all(orgId, orgId, bankView === null ? null : String(bankView), String(bankView), String(bankView)) as Array<{ id: number; category: string; opened_at: number; resolved_at: number | null; raised_by_org: string }>;

  type Entry = { at: string; type: "order" | "invoice" | "financing" | "payment" | "repayment" | "case"; id: string; summary: string; amount: string | null };
  const timeline: Array<Entry & { t: number }> = [];
  const add = (t: number, type: Entry["type"], id: number | string, summary: string, amount: string | null = null) => timeline.push({ t, at: iso(t), type, id: String(id), summary, amount: amount === null ? null : formatMinor(amount) });
  for (const o of orders) add(o.created_at, "order", o.id, o.buyer_org_id === oid ? "order placed" : "order received", o.amount);
  for (const i of invs) {
    add(i.created_at, "invoice", i.id, i.supplier_org_id === oid ? "invoice issued" : "invoice received", i.amount);
    if (i.confirmed_at) add(i.confirmed_at, "invoice", i.id, "invoice confirmed", i.amount);
    if (i.overdue_at) add(i.overdue_at, "invoice", i.id, "invoice overdue", i.amount);
  }
  for (const f of fins) {
    add(f.requested_at, "financing", f.id, `financing requested (${f.fast_track ? "fast-track" : "maker-checker"})`, f.amount);
    if (f.disbursed_at) add(f.disbursed_at, "financing", f.id, "financing disbursed", f.amount);
    else if (f.decided_at && f.status === "rejected") add(f.decided_at, "financing", f.id, "financing rejected", f.amount);
  }
  for (const p of payments) add(p.at, "payment", p.invoice_id, "invoice payment", p.amount);
  for (const r of repayments) add(r.at, "repayment", r.request_id, r.by_recourse ? "repaid by the supplier" : "repaid from the buyer's payment", r.amount);
  for (const c of cases) {
    add(Math.floor(c.opened_at / 1000), "case", c.id, `${c.raised_by_org === orgId ? "complaint filed" : "complaint received"} (${c.category})`);
    if (c.resolved_at) add(Math.floor(c.resolved_at / 1000), "case", c.id, "complaint resolved");
  }
  timeline.sort((a, b) => a.t - b.t);

  const now = Math.floor(s.desk.clock.now() / 1000);
  const lastActivity = timeline.length ? timeline[timeline.length - 1].t : null;
  const financed = fins.filter((f) => FINANCED.includes(f.status));
  const overdueOpen = invs.some((i) => i.status === "overdue");
  const defaulted = fins.some((f) => f.status === "defaulted");
  const idle = lastActivity === null ? Infinity : now - lastActivity;
  const stage: "lost" | "at_risk" | "active" | "first_financing" | "onboarded" =
    lastActivity !== null && idle > 180 * DAY
      ? "lost"
      : overdueOpen || defaulted || (lastActivity !== null && idle > 60 * DAY)
        ? "at_risk"
        : financed.length >= 2 && financed.some((f) => f.disbursed_at !== null && now - f.disbursed_at <= 90 * DAY)
          ? "active"
          : financed.length >= 1
            ? "first_financing"
            : "onboarded";

  const banks = [...new Set(fins.map((f) => f.bank_org_id))].map((bank) => {
    const mine = fins.filter((f) => f.bank_org_id === bank);
    const paidOut = mine.filter((f) => FINANCED.includes(f.status));
    const first = Math.min(...mine.map((f) => f.requested_at));
    return {
      bankOrgId: String(bank),
      bankName: s.read.getOrganization(String(bank))?.name ?? String(bank),
      requests: mine.length,
      financed: paidOut.length,
      volumeFinanced: formatMinor(paidOut.reduce((a, f) => a + BigInt(f.amount), 0n)),
      discountIncome: formatMinor(paidOut.reduce((a, f) => a + BigInt(f.discount ?? "0"), 0n)),
      firstDealtAt: iso(first),
      tenureDays: Math.max(0, Math.floor((now - first) / DAY)),
    };
  });

  // On time: paid in full by the due date; late: paid after it, or overdue now.
  const lastPaid = new Map<number, number>();
  for (const p of payments) lastPaid.set(p.invoice_id, Math.max(lastPaid.get(p.invoice_id) ?? 0, p.at));
  const settled = invs.filter((i) => i.status === "paid" || i.status === "overdue" || i.overdue_at !== null);
  const onTime = settled.filter((i) => i.status === "paid" && i.overdue_at === null && (lastPaid.get(i.id) ?? Infinity) <= i.due_date).length;

  // Utilisation at each month's end in the range: what the bank(s) advanced and is not yet repaid, against the limits.
  const limits = db
    .prepare("SELECT bank_org_id, limit_minor FROM credit_records WHERE supplier_org_id = ? AND (? IS NULL OR bank_org_id = ?)")
    .all(oid, bankView, bankView) as Array<{ bank_org_id: number; limit_minor: string }>;
  const limit = limits.reduce((a, l) => a + BigInt(l.limit_minor), 0n);
  const utilisation: Array<{ month: string; outstanding: string; limit: string; share: number | null }> = [];
  const fromSec = Math.floor(range.from / 1000);
  const toSec = Math.min(Math.floor(range.to / 1000), Math.max(now, fromSec + 1));
  const start = new Date(fromSec * 1000);
  for (let m = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1); m / 1000 < toSec; m = Date.UTC(new Date(m).getUTCFullYear(), new Date(m).getUTCMonth() + 1, 1)) {
    const end = Math.min(Math.floor(Date.UTC(new Date(m).getUTCFullYear(), new Date(m).getUTCMonth() + 1, 1) / 1000) - 1, toSec);
    let outstanding = 0n;
    for (const f of fins.filter((x) => x.supplier_org_id === oid && x.disbursed_at !== null && x.disbursed_at <= end)) {
      const back = repayments.filter((r) => r.request_id === f.id && r.at <= end).reduce((a, r) => a + BigInt(r.amount), 0n);
      outstanding += BigInt(f.amount) > back ? BigInt(f.amount) - back : 0n;
    }
    utilisation.push({ month: new Date(m).toISOString().slice(0, 7), outstanding: formatMinor(outstanding), limit: formatMinor(limit), share: limit > 0n ? Number((outstanding * 10_000n) / limit) / 10_000 : null });
  }

  return {
    orgId,
    name: org.name,
    kind: org.kind as "supplier" | "core_enterprise",
    scope: bankView === null ? ("whole" as const) : ("bank" as const),
    lifecycle: { stage, rule: LIFECYCLE_RULE, lastActivityAt: lastActivity === null ? null : iso(lastActivity) },
    timeline: timeline.filter((e) => e.t * 1000 >= range.from && e.t * 1000 < range.to).map(({ t: _t, ...e }) => e),
    valueByBank: banks,
    onTime: { settled: settled.length, onTime, rate: settled.length ? Math.round((onTime / settled.length) * 10_000) / 10_000 : null },
    utilisation,
  };
}

/**
 * The brief's service figures measured on the ledger for requests made in the range: time from the invoice's issue
 * to the funds (disbursement) for fast-track and for maker-checker requests, and the share of requests that took the
 * fast-track. Aggregates over the banks in the caller's scope (a bank: its own; others: all).
 */
export function serviceLevels(s: Services, actor: Actor, range: { from: number; to: number }) {
  const bank = actor.user.role === "officer" ? Number(actor.user.orgId) : null;
  const rows = s.idb
    .prepare(
      `SELECT f.fast_track, f.requested_at, f.disbursed_at, i.created_at AS invoiced_at FROM financing_requests f JOIN invoices i ON i.id = f.invoice_id
       WHERE f.requested_at >= ? AND f.requested_at < ? AND (? IS NULL OR f.bank_org_id = ?)`,
    )
    .all(Math.floor(range.from / 1000), Math.ceil(range.to / 1000), bank, bank) as Array<{ fast_track: number; requested_at: number; disbursed_at: number | null; invoiced_at: number }>;
  const path = (fast: number) => {
    const mine = rows.filter((r) => r.fast_track === fast);
    const funded = mine.filter((r) => r.disbursed_at !== null);
    return {
      requests: mine.length,
      funded: funded.length,
      invoiceToFundsSeconds: durations(funded.map((r) => r.disbursed_at! - r.invoiced_at)),
      requestToFundsSeconds: durations(funded.map((r) => r.disbursed_at! - r.requested_at)),
    };
  };
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    requests: rows.length,
    fastTrackShare: rows.length ? Math.round((rows.filter((r) => r.fast_track === 1).length / rows.length) * 10_000) / 10_000 : null,
    fastTrack: path(1),
    makerChecker: path(0),
  };
}

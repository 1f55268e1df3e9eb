import type { Database } from "../db/sqlite";
import { iso, parseId } from "../db/page";
import { prepared } from "../db/stmt";
import { formatMinor } from "../shared/money";
import { scopeOrg, seesAll, type Scope } from "../shared/scope";

/** A bank's lending policy with its fast-track list and the credit limits it set, as the API shows it. */
export interface BankPolicy {
  bankOrgId: string;
  bankName: string;
  advanceRateBps: number;
  discountRateBps: number;
  fastTrackLimit: string;
  trustedBuyers: string[];
  creditLimits: { supplierOrgId: string; supplierName: string; limit: string; utilised: string; available: string }[];
  /** When an officer last set the policy; null while the bank has none (all zero: it lends nothing). */
  updatedAt: string | null;
}

/** A supplier's credit record with one bank. */
export interface CreditRecord {
  bankOrgId: string;
  bankName: string;
  limit: string;
  utilised: string;
  available: string;
  financed: number;
  repaidOnTime: number;
  repaidLate: number;
  overdue: number;
  defaulted: number;
  overdueOpen: number;
  updatedAt: string;
}

/** A supplier's credit history, one record per bank. */
export interface SupplierProfile {
  supplierOrgId: string;
  supplierName: string;
  creditRecords: CreditRecord[];
}

const BANK_KIND = 3;
const SUPPLIER_KIND = 2;

interface CreditRow {
  bank_org_id: number;
  supplier_org_id: number;
  name: string | null;
  limit_minor: string;
  utilised: string;
  financed: number;
  repaid_on_time: number;
  repaid_late: number;
  overdue: number;
  defaulted: number;
  overdue_open: number;
  updated_at: number;
}

const available = (limit: string, utilised: string) => {
  const l = BigInt(limit);
  const u = BigInt(utilised);
  return formatMinor(l > u ? l - u : 0n);
};

/**
 * Returns a bank's policy, or undefined when the id is not a bank. The operator, auditors and the bank's own officers
 * see all of it; anyone else sees the bank's public terms (rates and fast-track limit, which a supplier needs to know
 * what it can ask for) and only its own entries of the fast-track list and of the credit limits.
 */
export function getPolicy(db: Database, bankOrgId: string, scope: Scope): BankPolicy | undefined {
  const bank = parseId(bankOrgId);
  if (bank === undefined) return undefined;
  const full = seesAll(scope) || (scope.role === "officer" && scopeOrg(scope) === bank);
  const own = scopeOrg(scope);
  const org = prepared(db, "SELECT name FROM organizations WHERE id = ? AND kind = ?").get(bank, BANK_KIND) as
    | { name: string }
    | undefined;
  if (!org) return undefined;
  const p = prepared(db, "SELECT * FROM bank_policies WHERE bank_org_id = ?").get(bank) as
    | { advance_rate_bps: number; discount_rate_bps: number; fast_track_limit: string; updated_at: number }
    | undefined;
  const trusted = prepared(db, "SELECT buyer_org_id FROM trusted_buyers WHERE bank_org_id = ? AND trusted = 1 ORDER BY buyer_org_id")
    .pluck()
    .all(bank) as number[];
  const limits = prepared(
    db,
    `SELECT c.*, o.name FROM credit_records c LEFT JOIN organizations o ON o.id = c.supplier_org_id
     WHERE c.bank_org_id = ? ORDER BY c.supplier_org_id`,
  ).all(bank) as CreditRow[];
  return {
    bankOrgId: String(bank),
    bankName: org.name,
    advanceRateBps: p?.advance_rate_bps ?? 0,
    discountRateBps: p?.discount_rate_bps ?? 0,
    fastTrackLimit: formatMinor(p?.fast_track_limit ?? 0),
    trustedBuyers: trusted.filter((id) => full || id === own).map(String),
    creditLimits: limits.filter((c) => full || c.supplier_org_id === own).map((c) => ({
      supplierOrgId: String(c.supplier_org_id),
      supplierName: c.name ?? "",
      limit: formatMinor(c.limit_minor),
      utilised: formatMinor(c.utilised),
      available: available(c.limit_minor, c.utilised),
    })),
    updatedAt: iso(p?.updated_at ?? null),
  };
}

/**
 * Returns a supplier's credit records, or undefined when the id is not a supplier or the scope may not read it.
 * The operator and auditors see every bank's record; the supplier sees its own; a bank officer sees the supplier
 * only once it has asked that bank for financing or been given a limit there, and then only that bank's record.
 */
export function getSupplierProfile(db: Database, supplierOrgId: string, scope: Scope): SupplierProfile | undefined {
  const supplier = parseId(supplierOrgId);
  if (supplier === undefined) return undefined;
  const org = prepared(db, "SELECT name FROM organizations WHERE id = ? AND kind = ?").get(supplier, SUPPLIER_KIND) as
    | { name: string }
    | undefined;
  if (!org) return undefined;
  const me = scopeOrg(scope);
  let bankFilter: number | null = null;
  if (!seesAll(scope)) {
    if (scope.role === "supplier" && me === supplier) {
      bankFilter = null;
    } else if (scope.role === "officer" && me !== null) {
      const related = prepared(
        db,
        `SELECT EXISTS (SELECT 1 FROM financing_requests WHERE supplier_org_id = @s AND bank_org_id = @b)
             OR EXISTS (SELECT 1 FROM credit_records WHERE supplier_org_id = @s AND bank_org_id = @b)`,
      )
        .pluck()
        .get({ s: supplier, b: me }) as number;
      if (!related) return undefined;
      bankFilter = me;
    } else {
      return undefined;
    }
  }
  const rows = prepared(
    db,
    `SELECT c.*, o.name FROM credit_records c LEFT JOIN organizations o ON o.id = c.bank_org_id
     WHERE c.supplier_org_id = @s AND (@b IS NULL OR c.bank_org_id = @b) ORDER BY c.bank_org_id`,
  ).all({ s: supplier, b: bankFilter }) as CreditRow[];
  return {
    supplierOrgId: String(supplier),
    supplierName: org.name,
    creditRecords: rows.map((c) => ({
      bankOrgId: String(c.bank_org_id),
      bankName: c.name ?? "",
      limit: formatMinor(c.limit_minor),
      utilised: formatMinor(c.utilised),
      available: available(c.limit_minor, c.utilised),
      financed: c.financed,
      repaidOnTime: c.repaid_on_time,
      repaidLate: c.repaid_late,
      overdue: c.overdue,
      defaulted: c.defaulted,
      overdueOpen: c.overdue_open,
      updatedAt: iso(c.updated_at),
    })),
  };
}

/** An on-chain policy proposal as the index projected it from the proposal events. */
export interface PolicyProposalRow {
  id: number;
  bank_org_id: number;
  kind: number;
  change: string;
  proposer: string;
  status: "pending" | "approved" | "rejected";
  decided_by: string | null;
  proposed_at: number;
  decided_at: number | null;
}

/** A bank's on-chain policy proposals, newest first (at most 500). */
export function listPolicyProposalRows(db: Database, bankOrgId: string): PolicyProposalRow[] {
  const n = Number(bankOrgId);
  if (!Number.isSafeInteger(n)) return [];
  return db.prepare("SELECT * FROM policy_proposals WHERE bank_org_id = ? ORDER BY id DESC LIMIT 500").all(n) as PolicyProposalRow[];
}

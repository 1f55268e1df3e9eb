import type { Database } from "../db/sqlite";
import { clampLimit, iso, parseId, type Page } from "../db/page";
import { amountKey, listing, listingPage, type SearchFilter, type SortKey } from "../db/listing";
import { prepared } from "../db/stmt";
import { formatMinor } from "../shared/money";
import { scopeOrg, seesAll, type Scope } from "../shared/scope";

export type FinancingStatus = "requested" | "approved" | "rejected" | "withdrawn" | "disbursed" | "repaid" | "defaulted";

/** A financing request as the API shows it. */
export interface FinancingRequest {
  id: string;
  status: FinancingStatus;
  invoiceId: string;
  /** The payable note financed, or null for an invoice financing. */
  noteId: string | null;
  bankOrgId: string;
  bankName: string;
  supplierOrgId: string;
  supplierName: string;
  buyerOrgId: string;
  buyerName: string;
  amount: string;
  path: "fast-track" | "maker-checker";
  approvalsRequired: number;
  approvals: { officer: string; at: string }[];
  discountRateBps: number;
  requestedAt: string;
  decidedAt: string | null;
  disbursedAt: string | null;
  discount: string | null;
  netAmount: string | null;
  repaid: string;
  outstanding: string;
  rejection: { reasonCode: number; officer: string; reason: string | null } | null;
  updatedAt: string;
}

interface RequestRow {
  id: number;
  status: FinancingStatus;
  invoice_id: number;
  note_id: number | null;
  bank_org_id: number;
  bank_name: string | null;
  supplier_org_id: number;
  supplier_name: string | null;
  buyer_org_id: number;
  buyer_name: string | null;
  amount: string;
  fast_track: number;
  approvals_required: number;
  discount_rate_bps: number;
  requested_at: number;
  decided_at: number | null;
  disbursed_at: number | null;
  discount: string | null;
  net_amount: string | null;
  repaid: string;
  reject_reason_code: number | null;
  reject_reason: string | null;
  rejected_by: string | null;
  updated_at: number;
}

const SELECT = `SELECT f.*, k.name AS bank_name, s.name AS supplier_name, b.name AS buyer_name FROM financing_requests f
  LEFT JOIN organizations k ON k.id = f.bank_org_id LEFT JOIN organizations s ON s.id = f.supplier_org_id
  LEFT JOIN organizations b ON b.id = f.buyer_org_id`;

function toRequest(r: RequestRow, approvals: { officer: string; at: string }[]): FinancingRequest {
  const amount = BigInt(r.amount);
  // As the ledger's repaidOf: a repaid request repaid its whole advance; only a live advance is outstanding.
  const repaid = r.status === "repaid" ? amount : BigInt(r.repaid);
  const live = r.status === "disbursed" || r.status === "defaulted";
  return {
    id: String(r.id),
    status: r.status,
    invoiceId: String(r.invoice_id),
    noteId: r.note_id === null ? null : String(r.note_id),
    bankOrgId: String(r.bank_org_id),
    bankName: r.bank_name ?? "",
    supplierOrgId: String(r.supplier_org_id),
    supplierName: r.supplier_name ?? "",
    buyerOrgId: String(r.buyer_org_id),
    buyerName: r.buyer_name ?? "",
    amount: formatMinor(amount),
    path: r.fast_track ? "fast-track" : "maker-checker",
    approvalsRequired: r.approvals_required,
    approvals,
    discountRateBps: r.discount_rate_bps,
    requestedAt: iso(r.requested_at),
    decidedAt: iso(r.decided_at),
    disbursedAt: iso(r.disbursed_at),
    discount: r.discount === null ? null : formatMinor(r.discount),
    netAmount: r.net_amount === null ? null : formatMinor(r.net_amount),
    repaid: formatMinor(repaid),
    outstanding: formatMinor(live ? amount - repaid : 0n),
    rejection:
      r.status === "rejected" ? { reasonCode: r.reject_reason_code ?? 0, officer: r.rejected_by ?? "", reason: r.reject_reason } : null,
    updatedAt: iso(r.updated_at),
  };
}

/** The approvals of the given requests, in chain order, keyed by request id. */
function approvalsOf(db: Database, ids: number[]): Map<number, { officer: string; at: string }[]> {
  const out = new Map<number, { officer: string; at: string }[]>();
  if (ids.length === 0) return out;
  const rows = prepared(
    db,
    `SELECT request_id, officer, at FROM financing_approvals WHERE request_id IN (SELECT value FROM json_each(?))
     ORDER BY request_id, seq`,
  ).all(JSON.stringify(ids)) as { request_id: number; officer: string; at: number }[];
  for (const r of rows) {
    let list = out.get(r.request_id);
    if (!list) out.set(r.request_id, (list = []));
    list.push({ officer: r.officer, at: iso(r.at) });
  }
  return out;
}

/**
 * The rows of `financing_requests f` a scope may see, on @org: the bank it was addressed to, the supplier that made
 * it and the buyer that owes the invoice.
 */
export function financingVisibility(scope: Scope): string | null {
  if (seesAll(scope)) return "1";
  if (scopeOrg(scope) === null) return null;
  switch (scope.role) {
    case "buyer":
      return "f.buyer_org_id = @org";
    case "supplier":
      return "f.supplier_org_id = @org";
    case "officer":
      return "f.bank_org_id = @org";
    default:
      return null;
  }
}

/** Returns a financing request, or undefined when it is unknown or outside the scope. */
export function getFinancingRequest(db: Database, id: string, scope: Scope): FinancingRequest | undefined {
  const n = parseId(id);
  const vis = financingVisibility(scope);
  if (n === undefined || vis === null) return undefined;
  const r = prepared(db, `${SELECT} WHERE f.id = @id AND ${vis}`).get({ id: n, org: scopeOrg(scope) }) as RequestRow | undefined;
  return r && toRequest(r, approvalsOf(db, [r.id]).get(r.id) ?? []);
}

/** The financing requests of `ids` the scope may see, with their approvals, in two queries (the audit sweep's batches). */
export function getFinancingRequestsByIds(db: Database, ids: readonly number[], scope: Scope): FinancingRequest[] {
  const vis = financingVisibility(scope);
  if (vis === null || ids.length === 0) return [];
  const rows = prepared(db, `${SELECT} WHERE f.id IN (SELECT value FROM json_each(@ids)) AND ${vis}`).all({ ids: JSON.stringify(ids), org: scopeOrg(scope) }) as RequestRow[];
  const approvals = approvalsOf(db, rows.map((r) => r.id));
  return rows.map((r) => toRequest(r, approvals.get(r.id) ?? []));
}

export interface FinancingFilter extends SearchFilter {
  status?: FinancingStatus;
  bankOrgId?: string;
  supplierOrgId?: string;
  invoiceId?: string;
  limit?: number;
}

const FINANCING_SORTS: Record<"oldest" | "amount", SortKey<RequestRow>> = {
  oldest: { exprs: ["f.id"], desc: false, key: (r) => [r.id] },
  amount: { exprs: [...amountKey("f.amount"), "f.id"], desc: true, key: (r) => [r.amount.length, r.amount, r.id] },
};

/** Lists the scope's financing requests: newest first unless sorted, searched by invoice number, party or id. */
export function listFinancingRequests(db: Database, filter: FinancingFilter, scope: Scope): Page<FinancingRequest> {
  const limit = clampLimit(filter.limit);
  const vis = financingVisibility(scope);
  if (vis === null) return { items: [], nextCursor: null };
  const list = listing<RequestRow>("financing", filter, {
    idCol: "f.id",
    createdCol: "f.requested_at",
    searchIn: ["k.name", "s.name", "b.name", "(SELECT n.invoice_number FROM invoices n WHERE n.id = f.invoice_id)"],
    sorts: FINANCING_SORTS,
  });
  const where = [vis, ...list.where];
  const params: Record<string, unknown> = { org: scopeOrg(scope), n: limit + 1, ...list.params };
  if (filter.status) {
    where.push("f.status = @status");
    params.status = filter.status;
  }
  if (filter.bankOrgId !== undefined) {
    where.push("f.bank_org_id = @bank");
    params.bank = parseId(filter.bankOrgId) ?? -1;
  }
  if (filter.supplierOrgId !== undefined) {
    where.push("f.supplier_org_id = @supplier");
    params.supplier = parseId(filter.supplierOrgId) ?? -1;
  }
  if (filter.invoiceId !== undefined) {
    where.push("f.invoice_id = @invoice");
    params.invoice = parseId(filter.invoiceId) ?? -1;
  }
  const rows = prepared(db, `${SELECT} WHERE ${where.join(" AND ")} ORDER BY ${list.orderBy} LIMIT @n`).all(params) as RequestRow[];
  const approvals = approvalsOf(db, rows.slice(0, limit).map((r) => r.id));
  return listingPage(rows, limit, list.cursorOf, (r) => toRequest(r, approvals.get(r.id) ?? []));
}

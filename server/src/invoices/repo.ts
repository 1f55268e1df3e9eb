import type { Database } from "../db/sqlite";
import { clampLimit, decodeCursor, iso, pageOf, parseId, type Page } from "../db/page";
import { amountKey, listing, listingPage, type SearchFilter, type SortKey } from "../db/listing";
import { eventIdOf, indexChainId, prepared } from "../db/stmt";
import { formatMinor } from "../shared/money";
import { scopeOrg, seesAll, type Scope } from "../shared/scope";

export type InvoiceStatus = "issued" | "confirmed" | "disputed" | "cancelled" | "overdue" | "paid" | "noted";

/** An invoice as the API shows it. */
export interface Invoice {
  id: string;
  status: InvoiceStatus;
  orderId: string;
  invoiceNumber: string;
  supplierOrgId: string;
  supplierName: string;
  buyerOrgId: string;
  buyerName: string;
  amount: string;
  paid: string;
  outstanding: string;
  dueDate: string;
  documentHash: string;
  financingRequestId: string | null;
  financed: boolean;
  /** The payable note the invoice is settled through (status noted), or null. */
  noteId: string | null;
  dispute: { reasonCode: number; reasonHash: string; reason: string | null } | null;
  createdAt: string;
  confirmedAt: string | null;
  updatedAt: string;
}

interface InvoiceRow {
  id: number;
  status: InvoiceStatus;
  order_id: number;
  invoice_number: string;
  supplier_org_id: number;
  supplier_name: string | null;
  buyer_org_id: number;
  buyer_name: string | null;
  amount: string;
  paid: string;
  due_date: number;
  document_hash: string;
  financing_request_id: number | null;
  f_status: string | null;
  note_id: number | null;
  dispute_reason_code: number | null;
  dispute_reason_hash: string | null;
  dispute_reason: string | null;
  created_at: number;
  confirmed_at: number | null;
  updated_at: number;
}

const SELECT = `SELECT i.*, b.name AS buyer_name, s.name AS supplier_name, f.status AS f_status FROM invoices i
  LEFT JOIN organizations b ON b.id = i.buyer_org_id LEFT JOIN organizations s ON s.id = i.supplier_org_id
  LEFT JOIN financing_requests f ON f.id = i.financing_request_id`;

/** A request whose advance was paid out: the receivable now belongs to the bank. */
const FINANCED = new Set(["disbursed", "repaid", "defaulted"]);

function toInvoice(r: InvoiceRow): Invoice {
  const amount = BigInt(r.amount);
  const paid = BigInt(r.paid);
  return {
    id: String(r.id),
    status: r.status,
    orderId: String(r.order_id),
    invoiceNumber: r.invoice_number,
    supplierOrgId: String(r.supplier_org_id),
    supplierName: r.supplier_name ?? "",
    buyerOrgId: String(r.buyer_org_id),
    buyerName: r.buyer_name ?? "",
    amount: formatMinor(amount),
    paid: formatMinor(paid),
    outstanding: formatMinor(r.status === "cancelled" ? 0n : amount - paid),
    dueDate: iso(r.due_date),
    documentHash: r.document_hash,
    financingRequestId: r.financing_request_id === null ? null : String(r.financing_request_id),
    financed: r.f_status !== null && FINANCED.has(r.f_status),
    noteId: r.note_id === null ? null : String(r.note_id),
    dispute:
      r.status === "disputed" && r.dispute_reason_code !== null
        ? { reasonCode: r.dispute_reason_code, reasonHash: r.dispute_reason_hash ?? "", reason: r.dispute_reason }
        : null,
    createdAt: iso(r.created_at),
    confirmedAt: iso(r.confirmed_at),
    updatedAt: iso(r.updated_at),
  };
}

/**
 * The rows of `invoices i` a scope may see, as a SQL condition on @org: the buyer's and the supplier's own, and for
 * a bank officer the invoices offered to its bank in a financing request (whatever became of the request).
 */
export function invoiceVisibility(scope: Scope): string | null {
  if (seesAll(scope)) return "1";
  if (scopeOrg(scope) === null) return null;
  switch (scope.role) {
    case "buyer":
      return "i.buyer_org_id = @org";
    case "supplier":
      return "i.supplier_org_id = @org";
    case "officer":
      return "i.id IN (SELECT f.invoice_id FROM financing_requests f WHERE f.bank_org_id = @org)";
    default:
      return null;
  }
}

/** Returns an invoice, or undefined when it is unknown or outside the scope. */
export function getInvoice(db: Database, id: string, scope: Scope): Invoice | undefined {
  const n = parseId(id);
  const vis = invoiceVisibility(scope);
  if (n === undefined || vis === null) return undefined;
  const r = prepared(db, `${SELECT} WHERE i.id = @id AND ${vis}`).get({ id: n, org: scopeOrg(scope) }) as InvoiceRow | undefined;
  return r && toInvoice(r);
}

/** The invoices of `ids` the scope may see, in one query (the audit sweep reads its rows a batch at a time). */
export function getInvoicesByIds(db: Database, ids: readonly number[], scope: Scope): Invoice[] {
  const vis = invoiceVisibility(scope);
  if (vis === null || ids.length === 0) return [];
  const rows = prepared(db, `${SELECT} WHERE i.id IN (SELECT value FROM json_each(@ids)) AND ${vis}`).all({ ids: JSON.stringify(ids), org: scopeOrg(scope) });
  return (rows as InvoiceRow[]).map(toInvoice);
}

/** An invoice that still stands on a document: any status but cancelled (a paid invoice was paid on it). */
export interface DocumentHolder {
  id: string;
  supplierOrgId: string;
  status: InvoiceStatus;
}

/** The live invoices carrying a document hash, oldest first, across the whole index (the duplicate check's input). */
export function liveInvoicesWithDocument(db: Database, documentHash: string): DocumentHolder[] {
  const rows = prepared(
    db,
    "SELECT id, supplier_org_id, status FROM invoices WHERE document_hash = ? AND status <> 'cancelled' ORDER BY id",
  ).all(documentHash.toLowerCase()) as { id: number; supplier_org_id: number; status: InvoiceStatus }[];
  return rows.map((r) => ({ id: String(r.id), supplierOrgId: String(r.supplier_org_id), status: r.status }));
}

export interface InvoiceFilter extends SearchFilter {
  status?: InvoiceStatus;
  orderId?: string;
  buyerOrgId?: string;
  supplierOrgId?: string;
  limit?: number;
}

const INVOICE_SORTS: Record<"oldest" | "due" | "amount", SortKey<InvoiceRow>> = {
  oldest: { exprs: ["i.id"], desc: false, key: (r) => [r.id] },
  due: { exprs: ["i.due_date", "i.id"], desc: false, key: (r) => [r.due_date, r.id] },
  amount: { exprs: [...amountKey("i.amount"), "i.id"], desc: true, key: (r) => [r.amount.length, r.amount, r.id] },
};

/** Lists the scope's invoices: newest first unless sorted, searched by invoice number, party name or id. */
export function listInvoices(db: Database, filter: InvoiceFilter, scope: Scope): Page<Invoice> {
  const limit = clampLimit(filter.limit);
  const vis = invoiceVisibility(scope);
  if (vis === null) return { items: [], nextCursor: null };
  const list = listing<InvoiceRow>("invoices", filter, { idCol: "i.id", createdCol: "i.created_at", searchIn: ["i.invoice_number", "b.name", "s.name"], sorts: INVOICE_SORTS });
  const where = [vis, ...list.where];
  const params: Record<string, unknown> = { org: scopeOrg(scope), n: limit + 1, ...list.params };
  if (filter.status) {
    where.push("i.status = @status");
    params.status = filter.status;
  }
  if (filter.orderId !== undefined) {
    where.push("i.order_id = @order");
    params.order = parseId(filter.orderId) ?? -1;
  }
  if (filter.buyerOrgId !== undefined) {
    where.push("i.buyer_org_id = @buyer");
    params.buyer = parseId(filter.buyerOrgId) ?? -1;
  }
  if (filter.supplierOrgId !== undefined) {
    where.push("i.supplier_org_id = @supplier");
    params.supplier = parseId(filter.supplierOrgId) ?? -1;
  }
  const rows = prepared(db, `${SELECT} WHERE ${where.join(" AND ")} ORDER BY ${list.orderBy} LIMIT @n`).all(params) as InvoiceRow[];
  return listingPage(rows, limit, list.cursorOf, toInvoice);
}

/** A payment the buyer made on an invoice. */
export interface Payment {
  eventId: string;
  invoiceId: string;
  amount: string;
  toBank: string;
  toSupplier: string;
  totalPaid: string;
  actor: string;
  at: string;
  txHash: string;
}

/** The payments of an invoice in chain order, or undefined when the invoice is unknown or outside the scope. */
export function listPayments(db: Database, invoiceId: string, scope: Scope): Payment[] | undefined {
  if (!getInvoice(db, invoiceId, scope)) return undefined;
  const chainId = indexChainId(db);
  const rows = prepared(db, "SELECT * FROM payments WHERE invoice_id = ? ORDER BY seq").all(Number(invoiceId)) as {
    seq: number; invoice_id: number; amount: string; to_bank: string; to_supplier: string; total_paid: string; actor: string; at: number; tx_hash: string;
  }[];
  return rows.map((p) => ({
    eventId: eventIdOf(chainId, p.seq),
    invoiceId: String(p.invoice_id),
    amount: formatMinor(p.amount),
    toBank: formatMinor(p.to_bank),
    toSupplier: formatMinor(p.to_supplier),
    totalPaid: formatMinor(p.total_paid),
    actor: p.actor,
    at: iso(p.at),
    txHash: p.tx_hash,
  }));
}

/** A buyer's dispute of an invoice, from the on-chain dispute to its withdrawal or the invoice's cancellation. */
export interface Dispute {
  /** The audit event id of the InvoiceDisputed event ("chainId:block:logIndex"). */
  id: string;
  invoiceId: string;
  invoiceNumber: string;
  buyerOrgId: string;
  buyerName: string;
  supplierOrgId: string;
  supplierName: string;
  amount: string;
  reasonCode: number;
  reasonHash: string;
  status: "open" | "resolved";
  resolution: "withdrawn" | "cancelled" | null;
  openedAt: string;
  /** The end of the 48-hour response clock. */
  respondBy: string;
  resolvedAt: string | null;
}

export const DISPUTE_RESPONSE_SECONDS = 48 * 3600;

export interface DisputeFilter {
  status?: "open" | "resolved";
  invoiceId?: string;
  limit?: number;
  cursor?: string;
}

/** Lists the scope's disputes, newest first (buyer and supplier of the invoice; officers of a bank it was offered to). */
export function listDisputes(db: Database, filter: DisputeFilter, scope: Scope): Page<Dispute> {
  const chainId = indexChainId(db);
  const limit = clampLimit(filter.limit);
  const vis = invoiceVisibility(scope);
  if (vis === null) return { items: [], nextCursor: null };
  const before = decodeCursor("disputes", filter.cursor);
  const where = [vis];
  const params: Record<string, unknown> = { org: scopeOrg(scope), n: limit + 1 };
  if (before !== undefined) {
    where.push("d.seq < @before");
    params.before = before;
  }
  if (filter.status === "open") where.push("d.resolved_at IS NULL");
  if (filter.status === "resolved") where.push("d.resolved_at IS NOT NULL");
  if (filter.invoiceId !== undefined) {
    where.push("d.invoice_id = @invoice");
    params.invoice = parseId(filter.invoiceId) ?? -1;
  }
  const rows = prepared(
    db,
    `SELECT d.*, i.invoice_number, i.amount, b.name AS buyer_name, s.name AS supplier_name FROM disputes d
     JOIN invoices i ON i.id = d.invoice_id LEFT JOIN organizations b ON b.id = d.buyer_org_id
     LEFT JOIN organizations s ON s.id = d.supplier_org_id WHERE ${where.join(" AND ")} ORDER BY d.seq DESC LIMIT @n`,
  ).all(params) as {
    seq: number; invoice_id: number; invoice_number: string; amount: string; buyer_org_id: number; buyer_name: string | null;
    supplier_org_id: number; supplier_name: string | null; reason_code: number; reason_hash: string; opened_at: number;
    resolved_at: number | null; resolution: "withdrawn" | "cancelled" | null;
  }[];
  return pageOf(rows, limit, "disputes", (r) => r.seq, (r) => ({
    id: eventIdOf(chainId, r.seq),
    invoiceId: String(r.invoice_id),
    invoiceNumber: r.invoice_number,
    buyerOrgId: String(r.buyer_org_id),
    buyerName: r.buyer_name ?? "",
    supplierOrgId: String(r.supplier_org_id),
    supplierName: r.supplier_name ?? "",
    amount: formatMinor(r.amount),
    reasonCode: r.reason_code,
    reasonHash: r.reason_hash,
    status: r.resolved_at === null ? "open" : "resolved",
    resolution: r.resolution,
    openedAt: iso(r.opened_at),
    respondBy: iso(r.opened_at + DISPUTE_RESPONSE_SECONDS),
    resolvedAt: iso(r.resolved_at),
  }));
}

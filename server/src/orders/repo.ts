import type { Database } from "../db/sqlite";
import { clampLimit, iso, parseId, type Page } from "../db/page";
import { amountKey, listing, listingPage, type SearchFilter, type SortKey } from "../db/listing";
import { prepared } from "../db/stmt";
import { formatMinor } from "../shared/money";
import { scopeOrg, seesAll, type Scope } from "../shared/scope";

/** The settlement token's symbol: every order is in the ledger's one settlement token. */
export const CURRENCY = "TDT";

export type OrderStatus = "issued" | "accepted" | "rejected" | "cancelled";

/** An order as the API shows it. */
export interface Order {
  id: string;
  status: OrderStatus;
  buyerOrgId: string;
  buyerName: string;
  supplierOrgId: string;
  supplierName: string;
  amount: string;
  invoiced: string;
  remaining: string;
  currency: string;
  reference: string;
  rejection: { reasonCode: number; note: string | null } | null;
  dueDate: string;
  documentHash: string;
  createdAt: string;
  updatedAt: string;
}

interface OrderRow {
  id: number;
  status: OrderStatus;
  buyer_org_id: number;
  buyer_name: string | null;
  supplier_org_id: number;
  supplier_name: string | null;
  amount: string;
  invoiced: string;
  reference: string;
  due_date: number;
  document_hash: string;
  reject_reason_code: number | null;
  reject_reason: string | null;
  created_at: number;
  updated_at: number;
}

const SELECT = `SELECT o.*, b.name AS buyer_name, s.name AS supplier_name FROM orders o
  LEFT JOIN organizations b ON b.id = o.buyer_org_id LEFT JOIN organizations s ON s.id = o.supplier_org_id`;

function toOrder(r: OrderRow): Order {
  const amount = BigInt(r.amount);
  const invoiced = BigInt(r.invoiced);
  return {
    id: String(r.id),
    status: r.status,
    buyerOrgId: String(r.buyer_org_id),
    buyerName: r.buyer_name ?? "",
    supplierOrgId: String(r.supplier_org_id),
    supplierName: r.supplier_name ?? "",
    amount: formatMinor(amount),
    invoiced: formatMinor(invoiced),
    remaining: formatMinor(amount - invoiced),
    currency: CURRENCY,
    reference: r.reference,
    rejection: r.status === "rejected" ? { reasonCode: r.reject_reason_code ?? 0, note: r.reject_reason } : null,
    dueDate: iso(r.due_date),
    documentHash: r.document_hash,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/**
 * The rows of `orders o` a scope may see, as a SQL condition on @org: a buyer its own orders, a supplier the orders
 * addressed to it, a bank officer the orders whose invoices were offered to its bank for financing.
 * Returns null when the scope sees nothing (a party role without an organisation).
 */
export function orderVisibility(scope: Scope): string | null {
  if (seesAll(scope)) return "1";
  if (scopeOrg(scope) === null) return null;
  switch (scope.role) {
    case "buyer":
      return "o.buyer_org_id = @org";
    case "supplier":
      return "o.supplier_org_id = @org";
    case "officer":
      return `o.id IN (SELECT i.order_id FROM financing_requests f JOIN invoices i ON i.id = f.invoice_id
        WHERE f.bank_org_id = @org)`;
    default:
      return null;
  }
}

/** Returns an order, or undefined when it is unknown or outside the scope. */
export function getOrder(db: Database, id: string, scope: Scope): Order | undefined {
  const n = parseId(id);
  const vis = orderVisibility(scope);
  if (n === undefined || vis === null) return undefined;
  const r = prepared(db, `${SELECT} WHERE o.id = @id AND ${vis}`).get({ id: n, org: scopeOrg(scope) }) as OrderRow | undefined;
  return r && toOrder(r);
}

/** The orders of `ids` the scope may see, in one query (the audit sweep reads its rows a batch at a time). */
export function getOrdersByIds(db: Database, ids: readonly number[], scope: Scope): Order[] {
  const vis = orderVisibility(scope);
  if (vis === null || ids.length === 0) return [];
  const rows = prepared(db, `${SELECT} WHERE o.id IN (SELECT value FROM json_each(@ids)) AND ${vis}`).all({ ids: JSON.stringify(ids), org: scopeOrg(scope) });
  return (rows as OrderRow[]).map(toOrder);
}

export interface OrderFilter extends SearchFilter {
  status?: OrderStatus;
  buyerOrgId?: string;
  supplierOrgId?: string;
  limit?: number;
}

const ORDER_SORTS: Record<"oldest" | "due" | "amount", SortKey<OrderRow>> = {
  oldest: { exprs: ["o.id"], desc: false, key: (r) => [r.id] },
  due: { exprs: ["o.due_date", "o.id"], desc: false, key: (r) => [r.due_date, r.id] },
  amount: { exprs: [...amountKey("o.amount"), "o.id"], desc: true, key: (r) => [r.amount.length, r.amount, r.id] },
};

/** Lists the scope's orders: newest first unless sorted, searched by reference, party name or id. */
export function listOrders(db: Database, filter: OrderFilter, scope: Scope): Page<Order> {
  const limit = clampLimit(filter.limit);
  const vis = orderVisibility(scope);
  if (vis === null) return { items: [], nextCursor: null };
  const list = listing<OrderRow>("orders", filter, { idCol: "o.id", createdCol: "o.created_at", searchIn: ["o.reference", "b.name", "s.name"], sorts: ORDER_SORTS });
  const where = [vis, ...list.where];
  const params: Record<string, unknown> = { org: scopeOrg(scope), n: limit + 1, ...list.params };
  if (filter.status) {
    where.push("o.status = @status");
    params.status = filter.status;
  }
  if (filter.buyerOrgId !== undefined) {
    where.push("o.buyer_org_id = @buyer");
    params.buyer = parseId(filter.buyerOrgId) ?? -1;
  }
  if (filter.supplierOrgId !== undefined) {
    where.push("o.supplier_org_id = @supplier");
    params.supplier = parseId(filter.supplierOrgId) ?? -1;
  }
  const rows = prepared(db, `${SELECT} WHERE ${where.join(" AND ")} ORDER BY ${list.orderBy} LIMIT @n`).all(params) as OrderRow[];
  return listingPage(rows, limit, list.cursorOf, toOrder);
}

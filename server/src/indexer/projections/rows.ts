import type { Database } from "../../db/sqlite";
import type { Attribution } from "./context";

export interface InvoiceRow {
  order_id: number;
  buyer_org_id: number;
  supplier_org_id: number;
  overdue_at: number | null;
  bank_org_id: number | null;
  f_status: string | null;
}

export interface RequestRow {
  invoice_id: number;
  bank_org_id: number;
  supplier_org_id: number;
  buyer_org_id: number;
  amount: string;
  recourse_repaid: string;
  status: string;
}

/** A supplier's record with one bank, as the `credit_records` row stores it. */
export interface CreditRecord {
  bank_org_id: number;
  supplier_org_id: number;
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

/**
 * Reads and writes that several domains' projections share: who the parties of an order, invoice or request are
 * (for the audit trail), and the credit record that financing and overdue invoices both move.
 */
export class SharedRows {
  private readonly st;

  constructor(db: Database) {
    const p = (sql: string) => db.prepare(sql);
    this.st = {
      orgByTreasury: p("SELECT id FROM organizations WHERE treasury = ? ORDER BY id LIMIT 1").pluck(),
      orderParties: p("SELECT buyer_org_id, supplier_org_id FROM orders WHERE id = ?").raw(),
      invoiceRow: p(`SELECT i.order_id, i.buyer_org_id, i.supplier_org_id, i.overdue_at, f.bank_org_id, f.status AS f_status
        FROM invoices i LEFT JOIN financing_requests f ON f.id = i.financing_request_id WHERE i.id = ?`),
      requestRow: p(`SELECT invoice_id, bank_org_id, supplier_org_id, buyer_org_id, amount, recourse_repaid, status
        FROM financing_requests WHERE id = ?`),
      ensureCredit: p(`INSERT OR IGNORE INTO credit_records (bank_org_id, supplier_org_id, limit_minor, utilised, financed,
        repaid_on_time, repaid_late, overdue, defaulted, overdue_open, updated_at) VALUES (?, ?, '0', '0', 0, 0, 0, 0, 0, 0, ?)`),
      getCredit: p("SELECT * FROM credit_records WHERE bank_org_id = ? AND supplier_org_id = ?"),
      putCredit: p(`UPDATE credit_records SET limit_minor = @limit_minor, utilised = @utilised, financed = @financed,
        repaid_on_time = @repaid_on_time, repaid_late = @repaid_late, overdue = @overdue, defaulted = @defaulted,
        overdue_open = @overdue_open, updated_at = @updated_at WHERE bank_org_id = @bank_org_id AND supplier_org_id = @supplier_org_id`),
    };
  }

  orgOfTreasury(address: string): number | null {
    return (this.st.orgByTreasury.get(address.toLowerCase()) as number | undefined) ?? null;
  }

  orderParties(orderId: number): number[] {
    return (this.st.orderParties.get(orderId) as number[] | undefined) ?? [];
  }

  invoice(invoiceId: number): InvoiceRow | undefined {
    return this.st.invoiceRow.get(invoiceId) as InvoiceRow | undefined;
  }

  /** The parties of an invoice, plus the bank of the request that holds it (unless rejected or withdrawn). */
  invoiceParties(invoiceId: number): number[] {
    const r = this.invoice(invoiceId);
    if (!r) return [];
    const orgs = [r.buyer_org_id, r.supplier_org_id];
    if (r.bank_org_id && r.f_status !== "rejected" && r.f_status !== "withdrawn") orgs.push(r.bank_org_id);
    return orgs;
  }

  request(requestId: number): RequestRow | undefined {
    return this.st.requestRow.get(requestId) as RequestRow | undefined;
  }

  /** The audit attribution of a financing request's event: the request, its bank, supplier and buyer. */
  financingAttribution(id: number, actor: string | null): Attribution {
    const r = this.request(id);
    return { entityType: "financing", entityId: String(id), orgIds: r ? [r.bank_org_id, r.supplier_org_id, r.buyer_org_id] : [], actor };
  }

  /** Reads the (bank, supplier) credit record, creating it empty, lets `change` edit it, and writes it back. */
  updateCredit(bankOrgId: number, supplierOrgId: number, ts: number, change: (c: CreditRecord) => void): void {
    this.st.ensureCredit.run(bankOrgId, supplierOrgId, ts);
    const c = this.st.getCredit.get(bankOrgId, supplierOrgId) as CreditRecord;
    change(c);
    c.updated_at = ts;
    this.st.putCredit.run(c);
  }
}

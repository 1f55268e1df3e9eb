import type { Database } from "../../db/sqlite";
import { dec, INVOICE_STATUS, num, type Attribution, type Handlers, type LedgerEvents, type Reveal } from "./context";
import type { SharedRows } from "./rows";

interface InvoiceInsert {
  id: number;
  order_id: number;
  buyer_org_id: number;
  supplier_org_id: number;
  invoice_number: string;
  invoice_key: string;
  number_commitment: string;
  amount: string;
  due_date: number;
  document_hash: string;
  at: number;
  tx_hash: string;
}

interface PaymentRow {
  seq: number;
  invoice_id: number;
  financing_request_id: number | null;
  amount: string;
  to_bank: string;
  to_supplier: string;
  total_paid: string;
  actor: string;
  at: number;
  tx_hash: string;
}

/** Invoices, their disputes and payments, and the order's invoiced total (the ledger's invoice book and settlement). */
export function invoiceHandlers(db: Database, rows: SharedRows, reveal: Reveal): Handlers<LedgerEvents> {
  const p = <T extends object>(sql: string) => db.prepare<[T]>(sql);
  const st = {
    insert: p<InvoiceInsert>(`INSERT INTO invoices (id, order_id, buyer_org_id, supplier_org_id, invoice_number, invoice_key, number_commitment,
      amount, paid, due_date, document_hash, status, created_at, updated_at, tx_hash) VALUES (@id, @order_id, @buyer_org_id,
      @supplier_org_id, @invoice_number, @invoice_key, @number_commitment, @amount, '0', @due_date, @document_hash, 'issued', @at, @at, @tx_hash) ON CONFLICT (id) DO NOTHING`),
    status: p<{ id: number; status: string; at: number }>("UPDATE invoices SET status = @status, updated_at = @at WHERE id = @id"),
    confirm: p<{ id: number; at: number }>("UPDATE invoices SET status = 'confirmed', confirmed_at = @at, updated_at = @at WHERE id = @id"),
    dispute: p<{ id: number; status: string; reason_code: number | null; reason_hash: string | null; reason: string | null; at: number }>(`UPDATE
      invoices SET status = @status, dispute_reason_code = @reason_code, dispute_reason_hash = @reason_hash, dispute_reason = @reason,
      updated_at = @at WHERE id = @id`),
    paid: p<{ id: number; paid: string; status: string; at: number }>("UPDATE invoices SET paid = @paid, status = @status, updated_at = @at WHERE id = @id"),
    overdue: p<{ id: number; at: number }>("UPDATE invoices SET status = 'overdue', overdue_at = @at, updated_at = @at WHERE id = @id"),
    openDispute: p<{ seq: number; invoice_id: number; buyer_org_id: number; supplier_org_id: number; reason_code: number; reason_hash: string; at: number }>(
      `INSERT OR IGNORE INTO disputes (seq, invoice_id, buyer_org_id, supplier_org_id, reason_code, reason_hash, opened_at)
       VALUES (@seq, @invoice_id, @buyer_org_id, @supplier_org_id, @reason_code, @reason_hash, @at)`,
    ),
    closeDispute: p<{ invoice_id: number; resolution: string; at: number }>(
      "UPDATE disputes SET resolved_at = @at, resolution = @resolution WHERE invoice_id = @invoice_id AND resolved_at IS NULL",
    ),
    payment: p<PaymentRow>(`INSERT OR IGNORE INTO payments (seq, invoice_id, financing_request_id, amount, to_bank, to_supplier,
      total_paid, actor, at, tx_hash) VALUES (@seq, @invoice_id, @financing_request_id, @amount, @to_bank, @to_supplier, @total_paid, @actor, @at, @tx_hash)`),
    orderInvoiceAmounts: db.prepare("SELECT amount FROM invoices WHERE order_id = ? AND status <> 'cancelled'").pluck(),
    orderInvoiced: p<{ id: number; invoiced: string; at: number }>("UPDATE orders SET invoiced = @invoiced, updated_at = @at WHERE id = @id"),
  };

  const recomputeInvoiced = (orderId: number, at: number): void => {
    const amounts = st.orderInvoiceAmounts.all(orderId) as string[];
    st.orderInvoiced.run({ id: orderId, invoiced: amounts.reduce((acc, v) => acc + BigInt(v), 0n).toString(), at });
  };
  const invoice = (id: number, actor: string): Attribution => ({ entityType: "invoice", entityId: String(id), orgIds: rows.invoiceParties(id), actor });

  return {
    InvoiceIssued(a, { ts, log }) {
      const id = num(a.invoiceId);
      const orderId = num(a.orderId);
      const buyer = num(a.buyerOrgId);
      const supplier = num(a.supplierOrgId);
      st.insert.run({
        id,
        order_id: orderId,
        buyer_org_id: buyer,
        supplier_org_id: supplier,
        invoice_number: reveal(a.numberCommitment) ?? a.numberCommitment,
        invoice_key: a.invoiceKey,
        number_commitment: a.numberCommitment,
        amount: dec(a.amount),
        due_date: num(a.dueDate),
        document_hash: a.documentHash,
        at: ts,
        tx_hash: log.txHash,
      });
      recomputeInvoiced(orderId, ts);
      return { entityType: "invoice", entityId: String(id), orgIds: [buyer, supplier], actor: a.actor };
    },
    InvoiceConfirmed(a, { ts, log, emit }) {
      const id = num(a.invoiceId);
      st.confirm.run({ id, at: ts });
      emit({ type: "invoiceConfirmed", invoiceId: String(id), blockNumber: log.blockNumber, txHash: log.txHash, actor: a.actor });
      return invoice(id, a.actor);
    },
    InvoiceDisputed(a, { ts, seq }) {
      const id = num(a.invoiceId);
      const reason = reveal(a.reasonCommitment) ?? null;
      st.dispute.run({ id, status: "disputed", reason_code: num(a.reasonCode), reason_hash: a.reasonCommitment, reason, at: ts });
      const r = rows.invoice(id);
      if (r) {
        st.openDispute.run({
          seq,
          invoice_id: id,
          buyer_org_id: r.buyer_org_id,
          supplier_org_id: r.supplier_org_id,
          reason_code: num(a.reasonCode),
          reason_hash: a.reasonCommitment,
          at: ts,
        });
      }
      return invoice(id, a.actor);
    },
    InvoiceDisputeWithdrawn(a, { ts }) {
      const id = num(a.invoiceId);
      st.dispute.run({ id, status: "issued", reason_code: null, reason_hash: null, reason: null, at: ts });
      st.closeDispute.run({ invoice_id: id, resolution: "withdrawn", at: ts });
      return invoice(id, a.actor);
    },
    InvoiceCancelled(a, { ts }) {
      const id = num(a.invoiceId);
      st.status.run({ id, status: "cancelled", at: ts });
      st.closeDispute.run({ invoice_id: id, resolution: "cancelled", at: ts });
      recomputeInvoiced(num(a.orderId), ts);
      return invoice(id, a.actor);
    },
    InvoicePaymentMade(a, { ts, seq, log }) {
      const id = num(a.invoiceId);
      const requestId = num(a.financingRequestId);
      st.paid.run({ id, paid: dec(a.totalPaid), status: INVOICE_STATUS[num(a.status)] ?? "paid", at: ts });
      st.payment.run({
        seq,
        invoice_id: id,
        financing_request_id: requestId || null,
        amount: dec(a.amount),
        to_bank: dec(a.toBank),
        to_supplier: dec(a.toSupplier),
        total_paid: dec(a.totalPaid),
        actor: a.actor,
        at: ts,
        tx_hash: log.txHash,
      });
      return invoice(id, a.actor);
    },
    InvoiceMarkedOverdue(a, { ts }) {
      const id = num(a.invoiceId);
      st.overdue.run({ id, at: ts });
      const requestId = num(a.financingRequestId);
      const r = requestId ? rows.request(requestId) : undefined;
      // Only an advance still owed counts against the supplier's record, as in Settlement.markOverdue.
      if (r && r.status === "disbursed") {
        rows.updateCredit(r.bank_org_id, r.supplier_org_id, ts, (c) => {
          c.overdue += 1;
          c.overdue_open += 1;
        });
      }
      return invoice(id, a.actor);
    },
  };
}

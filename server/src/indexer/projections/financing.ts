import type { Database } from "../../db/sqlite";
import { dec, FINANCING_STATUS, num, type Handlers, type LedgerEvents, type Reveal } from "./context";
import type { SharedRows } from "./rows";

interface RequestInsert {
  id: number;
  invoice_id: number;
  bank_org_id: number;
  supplier_org_id: number;
  buyer_org_id: number;
  amount: string;
  fast_track: 0 | 1;
  approvals_required: number;
  discount_rate_bps: number;
  at: number;
  tx_hash: string;
}

interface RepaymentRow {
  seq: number;
  request_id: number;
  amount: string;
  total_repaid: string;
  by_recourse: 0 | 1;
  on_time: 0 | 1;
  status: string;
  actor: string;
  at: number;
}

/** Financing requests, their approvals and repayments, and the supplier's credit record (the ledger's financing desk). */
export function financingHandlers(db: Database, rows: SharedRows, reveal: Reveal): Handlers<LedgerEvents> {
  const p = <T extends object>(sql: string) => db.prepare<[T]>(sql);
  const st = {
    insert: p<RequestInsert>(`INSERT INTO financing_requests (id, invoice_id, bank_org_id, supplier_org_id, buyer_org_id, amount,
      fast_track, approvals, approvals_required, discount_rate_bps, status, requested_at, repaid, recourse_repaid, updated_at, tx_hash)
      VALUES (@id, @invoice_id, @bank_org_id, @supplier_org_id, @buyer_org_id, @amount, @fast_track, 0, @approvals_required,
      @discount_rate_bps, 'requested', @at, '0', '0', @at, @tx_hash) ON CONFLICT (id) DO NOTHING`),
    invoiceFinancing: p<{ invoice_id: number; request_id: number; at: number }>(
      "UPDATE invoices SET financing_request_id = @request_id, updated_at = @at WHERE id = @invoice_id",
    ),
    approval: p<{ request_id: number; seq: number; officer: string; approvals: number; required: number; at: number }>(
      `INSERT OR IGNORE INTO financing_approvals (request_id, seq, officer, approvals, required, at)
       VALUES (@request_id, @seq, @officer, @approvals, @required, @at)`,
    ),
    approved: p<{ id: number; approvals: number; status: string; decided_at: number | null; at: number }>(
      "UPDATE financing_requests SET approvals = @approvals, status = @status, decided_at = @decided_at, updated_at = @at WHERE id = @id",
    ),
    rejected: p<{ id: number; reason_code: number; reason_hash: string; reason: string | null; officer: string; at: number }>(`UPDATE
      financing_requests SET status = 'rejected', decided_at = @at, reject_reason_code = @reason_code, reject_reason_hash = @reason_hash,
      reject_reason = @reason,
      rejected_by = @officer, updated_at = @at WHERE id = @id`),
    withdrawn: p<{ id: number; at: number }>("UPDATE financing_requests SET status = 'withdrawn', closed_at = @at, updated_at = @at WHERE id = @id"),
    disbursed: p<{ id: number; discount: string; net_amount: string; days_to_due: number; at: number }>(`UPDATE financing_requests
      SET status = 'disbursed', disbursed_at = @at, discount = @discount, net_amount = @net_amount, days_to_due = @days_to_due,
      updated_at = @at WHERE id = @id`),
    repaid: p<{ id: number; repaid: string; recourse_repaid: string; status: string; closed_at: number | null; repaid_on_time: 0 | 1 | null; at: number }>(
      `UPDATE financing_requests SET repaid = @repaid, recourse_repaid = @recourse_repaid, status = @status, closed_at = @closed_at,
       repaid_on_time = @repaid_on_time, updated_at = @at WHERE id = @id`,
    ),
    defaulted: p<{ id: number; at: number }>("UPDATE financing_requests SET status = 'defaulted', updated_at = @at WHERE id = @id"),
    repayment: p<RepaymentRow>(`INSERT OR IGNORE INTO financing_repayments (seq, request_id, amount, total_repaid, by_recourse, on_time,
      status, actor, at) VALUES (@seq, @request_id, @amount, @total_repaid, @by_recourse, @on_time, @status, @actor, @at)`),
  };

  return {
    FinancingRequested(a, { ts, log }) {
      const id = num(a.requestId);
      const invoiceId = num(a.invoiceId);
      const bank = num(a.bankOrgId);
      const supplier = num(a.supplierOrgId);
      const buyer = rows.invoice(invoiceId)?.buyer_org_id ?? 0;
      st.insert.run({
        id,
        invoice_id: invoiceId,
        bank_org_id: bank,
        supplier_org_id: supplier,
        buyer_org_id: buyer,
        amount: dec(a.amount),
        fast_track: a.fastTrack ? 1 : 0,
        approvals_required: a.fastTrack ? 1 : 2,
        discount_rate_bps: num(a.discountRateBps),
        at: ts,
        tx_hash: log.txHash,
      });
      st.invoiceFinancing.run({ invoice_id: invoiceId, request_id: id, at: ts });
      return { entityType: "financing", entityId: String(id), orgIds: [bank, supplier, buyer], actor: a.actor };
    },
    FinancingApproved(a, { ts, seq }) {
      const id = num(a.requestId);
      const approvals = num(a.approvals);
      const required = num(a.required);
      st.approval.run({ request_id: id, seq, officer: a.officer, approvals, required, at: ts });
      const done = approvals >= required;
      st.approved.run({ id, approvals, status: done ? "approved" : "requested", decided_at: done ? ts : null, at: ts });
      return rows.financingAttribution(id, a.officer);
    },
    FinancingRejected(a, { ts }) {
      const id = num(a.requestId);
      st.rejected.run({ id, reason_code: num(a.reasonCode), reason_hash: a.reasonCommitment, reason: reveal(a.reasonCommitment) ?? null, officer: a.officer, at: ts });
      return rows.financingAttribution(id, a.officer);
    },
    FinancingWithdrawn(a, { ts }) {
      const id = num(a.requestId);
      st.withdrawn.run({ id, at: ts });
      return rows.financingAttribution(id, a.actor);
    },
    FinancingDisbursed(a, { ts }) {
      const id = num(a.requestId);
      st.disbursed.run({ id, discount: dec(a.discount), net_amount: dec(a.netAmount), days_to_due: num(a.daysToDue), at: ts });
      const r = rows.request(id);
      if (r) {
        rows.updateCredit(r.bank_org_id, r.supplier_org_id, ts, (c) => {
          c.utilised = (BigInt(c.utilised) + a.amount).toString();
          c.financed += 1;
        });
      }
      return rows.financingAttribution(id, a.actor);
    },
    FinancingRepaymentReceived(a, { ts, seq }) {
      const id = num(a.requestId);
      const r = rows.request(id);
      if (!r) return rows.financingAttribution(id, a.actor);
      const status = FINANCING_STATUS[num(a.status)] ?? r.status;
      const closed = status === "repaid";
      const recourse = a.byRecourse ? (BigInt(r.recourse_repaid) + a.amount).toString() : r.recourse_repaid;
      st.repaid.run({
        id,
        repaid: dec(a.totalRepaid),
        recourse_repaid: recourse,
        status,
        closed_at: closed ? ts : null,
        repaid_on_time: closed ? (a.onTime ? 1 : 0) : null,
        at: ts,
      });
      st.repayment.run({
        seq,
        request_id: id,
        amount: dec(a.amount),
        total_repaid: dec(a.totalRepaid),
        by_recourse: a.byRecourse ? 1 : 0,
        on_time: a.onTime ? 1 : 0,
        status,
        actor: a.actor,
        at: ts,
      });
      // The invoice was overdue before this repayment iff it was ever marked overdue: Overdue only leaves for Paid.
      const wasOverdue = closed && rows.invoice(r.invoice_id)?.overdue_at != null;
      rows.updateCredit(r.bank_org_id, r.supplier_org_id, ts, (c) => {
        c.utilised = (BigInt(c.utilised) - a.amount).toString();
        if (closed) {
          if (wasOverdue) c.overdue_open = Math.max(0, c.overdue_open - 1);
          if (a.onTime) c.repaid_on_time += 1;
          else c.repaid_late += 1;
        }
      });
      return rows.financingAttribution(id, a.actor);
    },
    FinancingDefaulted(a, { ts }) {
      const id = num(a.requestId);
      st.defaulted.run({ id, at: ts });
      const r = rows.request(id);
      if (r) rows.updateCredit(r.bank_org_id, r.supplier_org_id, ts, (c) => (c.defaulted += 1));
      return rows.financingAttribution(id, a.actor);
    },
  };
}

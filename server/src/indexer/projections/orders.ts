import type { Database } from "../../db/sqlite";
import { dec, num, type Attribution, type Handlers, type LedgerEvents, type Reveal } from "./context";
import type { SharedRows } from "./rows";

interface OrderRow {
  id: number;
  buyer_org_id: number;
  supplier_org_id: number;
  amount: string;
  currency: string;
  reference: string;
  reference_commitment: string;
  due_date: number;
  document_hash: string;
  at: number;
  tx_hash: string;
}

/** Purchase orders (the ledger's order book). */
export function orderHandlers(db: Database, rows: SharedRows, reveal: Reveal): Handlers<LedgerEvents> {
  const insertOrder = db.prepare<[OrderRow]>(`INSERT INTO orders (id, buyer_org_id, supplier_org_id, status, amount, invoiced,
    currency, reference, reference_commitment, due_date, document_hash, created_at, updated_at, tx_hash) VALUES (@id, @buyer_org_id,
    @supplier_org_id, 'issued', @amount, '0', @currency, @reference, @reference_commitment, @due_date, @document_hash, @at, @at, @tx_hash) ON CONFLICT (id) DO NOTHING`);
  const orderStatus = db.prepare<[{ id: number; status: string; reject_reason_code: number | null; at: number }]>(
    "UPDATE orders SET status = @status, reject_reason_code = @reject_reason_code, updated_at = @at WHERE id = @id",
  );
  const orderRejectReason = db.prepare<[{ id: number; reason: string | null; commitment: string }]>(
    "UPDATE orders SET reject_reason = @reason, reject_reason_commitment = @commitment WHERE id = @id",
  );

  const order = (id: number, actor: string): Attribution => ({ entityType: "order", entityId: String(id), orgIds: rows.orderParties(id), actor });

  return {
    OrderIssued(a, { ts, log }) {
      const id = num(a.orderId);
      const buyer = num(a.buyerOrgId);
      const supplier = num(a.supplierOrgId);
      insertOrder.run({
        id,
        buyer_org_id: buyer,
        supplier_org_id: supplier,
        amount: dec(a.amount),
        currency: a.currency,
        reference: reveal(a.referenceCommitment) ?? a.referenceCommitment,
        reference_commitment: a.referenceCommitment,
        due_date: num(a.dueDate),
        document_hash: a.documentHash,
        at: ts,
        tx_hash: log.txHash,
      });
      return { entityType: "order", entityId: String(id), orgIds: [buyer, supplier], actor: a.actor };
    },
    OrderAccepted(a, { ts }) {
      orderStatus.run({ id: num(a.orderId), status: "accepted", reject_reason_code: null, at: ts });
      return order(num(a.orderId), a.actor);
    },
    OrderRejected(a, { ts }) {
      orderStatus.run({ id: num(a.orderId), status: "rejected", reject_reason_code: num(a.reasonCode), at: ts });
      orderRejectReason.run({ id: num(a.orderId), reason: reveal(a.reasonCommitment) ?? null, commitment: a.reasonCommitment });
      return order(num(a.orderId), a.actor);
    },
    OrderCancelled(a, { ts }) {
      orderStatus.run({ id: num(a.orderId), status: "cancelled", reject_reason_code: null, at: ts });
      return order(num(a.orderId), a.actor);
    },
  };
}

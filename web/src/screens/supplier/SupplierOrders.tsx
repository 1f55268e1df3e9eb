import { useState } from "react";
import { api, call } from "../../api/client";
import { listOrders } from "../../api/queries";
import type { Order } from "../../api/types";
import { useAction, useResource } from "../../lib/hooks";
import { formatDate, toMinor } from "../../lib/format";
import { ActionStatus, Card, Loadable, Money, StatusBadge } from "../../components/ui";
import { IssueInvoiceForm } from "./IssueInvoiceForm";

const REJECT_REASONS: [number, string][] = [
  [1, "Cannot supply"],
  [2, "Price or terms not agreed"],
  [3, "Other"],
];

/** Orders the supplier received: accept or reject new ones, invoice accepted ones. */
export function SupplierOrders() {
  const orders = useResource(() => listOrders(), []);
  const action = useAction();
  const [invoicing, setInvoicing] = useState<Order | null>(null);
  const [rejectReason, setRejectReason] = useState<Record<string, number>>({});

  const decide = async (order: Order, verb: "accept" | "reject") => {
    const path = { path: { id: order.id } };
    const done = await action.run(
      () =>
        call(
          verb === "reject"
            ? api.POST("/api/v1/orders/{id}/reject", { params: path, body: { reasonCode: rejectReason[order.id] ?? 1 } })
            : api.POST("/api/v1/orders/{id}/accept", { params: path }),
        ),
      `Order ${order.reference} ${verb === "accept" ? "accepted" : "rejected"} on the ledger.`,
    );
    if (done) orders.reload();
  };

  const list = orders.data ?? [];
  return (
    <>
      <Card title="Orders received" testId="supplier-orders">
        <ActionStatus state={action.state} />
        <Loadable loading={orders.loading && !orders.data} error={orders.error} empty={list.length === 0}>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Order</th><th>Buyer</th><th>Amount</th><th>Remaining</th><th>Due</th><th>Status</th><th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {list.map((order) => (
                  <tr key={order.id} data-testid={`order-row-${order.id}`} data-reference={order.reference}>
                    <td>#{order.id} · {order.reference}</td>
                    <td>{order.buyerName}</td>
                    <td><Money amount={order.amount} /></td>
                    <td><Money amount={order.remaining} /></td>
                    <td>{formatDate(order.dueDate)}</td>
                    <td><StatusBadge status={order.status} /></td>
                    <td className="actions">
                      {order.status === "issued" && (
                        <>
                          <button type="button" className="primary" disabled={action.pending} onClick={() => decide(order, "accept")} data-testid="order-accept">
                            Accept
                          </button>
                          <label className="sr-only" htmlFor={`reject-reason-${order.id}`}>Reason for rejecting order {order.reference}</label>
                          <select
                            id={`reject-reason-${order.id}`}
                            value={rejectReason[order.id] ?? 1}
                            onChange={(e) => setRejectReason({ ...rejectReason, [order.id]: Number(e.target.value) })}
                          >
                            {REJECT_REASONS.map(([code, label]) => <option key={code} value={code}>{label}</option>)}
                          </select>
                          <button type="button" className="danger" disabled={action.pending} onClick={() => decide(order, "reject")} data-testid="order-reject">
                            Reject
                          </button>
                        </>
                      )}
                      {order.status === "accepted" && toMinor(order.remaining) > 0n && (
                        <button type="button" className="secondary" onClick={() => setInvoicing(order)} data-testid="order-invoice">
                          Issue invoice
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Loadable>
      </Card>
      {invoicing && (
        <IssueInvoiceForm
          key={invoicing.id}
          order={invoicing}
          onClose={() => setInvoicing(null)}
          onIssued={() => orders.reload()}
        />
      )}
    </>
  );
}

import { useState } from "react";
import { api, call } from "../../api/client";
import { oneOf, pageOrders } from "../../api/queries";
import type { Order } from "../../api/types";
import { useAction } from "../../lib/hooks";
import { formatDate, toMinor } from "../../lib/format";
import { ActionStatus, Card, Loadable, Money, StatusBadge } from "../../components/ui";
import { Table } from "../../components/Table";
import { ListControls, Pager } from "../../components/ListControls";
import { listParams, useListState, usePage } from "../../lib/list";
import { ORDER_SORTS, ORDER_STATUSES, OrderRejection } from "../orderList";
import { IssueInvoiceForm } from "./IssueInvoiceForm";
import { t as translate, useTranslation } from "../../i18n";

/** The ledger's order rejection codes; their words are in the catalogue ("orderReject.<code>"). */
const REJECT_REASONS = [1, 2, 3];

/** Orders the supplier received: accept or reject new ones, invoice accepted ones. */
export function SupplierOrders() {
  const { t } = useTranslation();
  const list = useListState();
  const orders = usePage((s) => pageOrders({ ...listParams(s), status: oneOf(s.status, ORDER_STATUSES), sort: oneOf(s.sort, ORDER_SORTS) }), list);
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
      translate(verb === "accept" ? "supplierOrders.accepted" : "supplierOrders.rejected", { reference: order.reference }),
    );
    if (done) orders.reload();
  };

  const rows = orders.data?.items ?? [];
  return (
    <>
      <Card title={t("supplierOrders.title")} testId="supplier-orders">
        <ListControls list={list} idPrefix="orders" statuses={["", ...ORDER_STATUSES]} sorts={[...ORDER_SORTS]} searchHint={t("list.hintOrders")} />
        <ActionStatus state={action.state} />
        <Loadable loading={orders.loading && !orders.data} error={orders.error} empty={rows.length === 0}>
          <Table testId="orders-table">
              <thead>
                <tr>
                  <th>{t("col.order")}</th><th>{t("col.buyer")}</th><th className="num">{t("col.amount")}</th><th className="num">{t("col.remaining")}</th><th>{t("col.due")}</th><th>{t("col.status")}</th><th>{t("col.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((order) => (
                  <tr key={order.id} data-testid={`order-row-${order.id}`} data-reference={order.reference}>
                    <td>#{order.id} · {order.reference}</td>
                    <td>{order.buyerName}</td>
                    <td className="num"><Money amount={order.amount} /></td>
                    <td className="num"><Money amount={order.remaining} /></td>
                    <td>{formatDate(order.dueDate)}</td>
                    <td><StatusBadge status={order.status} /><OrderRejection order={order} /></td>
                    <td className="actions">
                      {order.status === "issued" && (
                        <>
                          <button type="button" className="primary" disabled={action.pending} onClick={() => decide(order, "accept")} data-testid="order-accept">
                            {t("action.accept")}
                          </button>
                          <label className="sr-only" htmlFor={`reject-reason-${order.id}`}>{t("supplierOrders.rejectReasonFor", { reference: order.reference })}</label>
                          <select
                            id={`reject-reason-${order.id}`}
                            value={rejectReason[order.id] ?? 1}
                            onChange={(e) => setRejectReason({ ...rejectReason, [order.id]: Number(e.target.value) })}
                          >
                            {REJECT_REASONS.map((code) => <option key={code} value={code}>{t(`orderReject.${code}`)}</option>)}
                          </select>
                          <button type="button" className="danger" disabled={action.pending} onClick={() => decide(order, "reject")} data-testid="order-reject">
                            {t("action.reject")}
                          </button>
                        </>
                      )}
                      {order.status === "accepted" && toMinor(order.remaining) > 0n && (
                        <button type="button" className="secondary" onClick={() => setInvoicing(order)} data-testid="order-invoice">
                          {t("supplierOrders.issueInvoice")}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
          </Table>
          <Pager list={list} nextCursor={orders.data?.nextCursor} shown={rows.length} idPrefix="orders" />
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

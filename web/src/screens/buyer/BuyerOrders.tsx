import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import { oneOf, pageOrders } from "../../api/queries";
import type { Order } from "../../api/types";
import { useAction } from "../../lib/hooks";
import { Table } from "../../components/Table";
import { ListControls, Pager } from "../../components/ListControls";
import { listParams, useListState, usePage } from "../../lib/list";
import { ORDER_SORTS, ORDER_STATUSES, OrderRejection } from "../orderList";
import { useSession } from "../../lib/session";
import { formatDate, isoDay, normaliseAmount } from "../../lib/format";
import { amount, futureDate, hasProblems, required, type Problems } from "../../lib/validate";
import { ActionStatus, Card, Field, fieldProps, Loadable, Money, StatusBadge } from "../../components/ui";
import { t as translate, useTranslation } from "../../i18n";

type Key = "supplier" | "amount" | "reference" | "dueDate";

/** Issue purchase orders to suppliers and follow them. */
export function BuyerOrders() {
  const { t } = useTranslation();
  const { orgs } = useSession();
  const suppliers = orgs.filter((o) => o.kind === "supplier" && o.status === "active");
  const list = useListState();
  const orders = usePage((s) => pageOrders({ ...listParams(s), status: oneOf(s.status, ORDER_STATUSES), sort: oneOf(s.sort, ORDER_SORTS) }), list);
  const [supplierOrgId, setSupplier] = useState("");
  const [value, setValue] = useState("");
  const [reference, setReference] = useState("");
  const [dueDate, setDueDate] = useState(isoDay(90));
  const [problems, setProblems] = useState<Problems<Key>>({});
  const action = useAction();
  const rows = orders.data?.items ?? [];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Problems<Key> = {
      supplier: supplierOrgId ? undefined : t("validate.chooseSupplier"),
      amount: amount(value),
      reference: required(reference, t("field.reference")),
      dueDate: futureDate(dueDate, t("field.paymentDue")),
    };
    setProblems(found);
    if (hasProblems(found)) return;
    const order = await action.run(
      () => call(api.POST("/api/v1/orders", { body: { supplierOrgId, amount: normaliseAmount(value)!, reference: reference.trim(), dueDate } })),
      (o) => translate("buyerOrders.done", { reference: o.reference, id: o.id, supplier: o.supplierName }),
    );
    if (order) {
      setReference("");
      setValue("");
      orders.reload();
    }
  };

  const cancel = async (order: Order) => {
    const done = await action.run(() => call(api.POST("/api/v1/orders/{id}/cancel", { params: { path: { id: order.id } } })), translate("buyerOrders.cancelled", { reference: order.reference }));
    if (done) orders.reload();
  };

  return (
    <>
      <Card title={t("buyerOrders.formTitle")} testId="order-form">
        <form onSubmit={submit} noValidate className="form-grid">
          <Field id="po-supplier" label={t("field.supplier")} error={problems.supplier}>
            <select {...fieldProps("po-supplier", problems.supplier)} data-testid="order-supplier" value={supplierOrgId} onChange={(e) => setSupplier(e.target.value)}>
              <option value="">{t("field.chooseSupplier")}</option>
              {suppliers.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select>
          </Field>
          <Field id="po-amount" label={t("field.amountTdt")} error={problems.amount} hint={t("hint.amount")}>
            <input {...fieldProps("po-amount", problems.amount)} data-testid="order-amount" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
          </Field>
          <Field id="po-reference" label={t("field.reference")} error={problems.reference}>
            <input {...fieldProps("po-reference", problems.reference)} data-testid="order-reference" value={reference} onChange={(e) => setReference(e.target.value)} />
          </Field>
          <Field id="po-due" label={t("field.paymentDue")} error={problems.dueDate}>
            <input {...fieldProps("po-due", problems.dueDate)} data-testid="order-due" type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
          </Field>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={action.pending} data-testid="order-submit">{t("buyerOrders.submit")}</button>
          </div>
        </form>
        <ActionStatus state={action.state} testId="order-status" />
      </Card>
      <Card title={t("buyerOrders.listTitle")} testId="buyer-orders" actions={<button type="button" className="secondary" onClick={orders.reload}>{t("action.refresh")}</button>}>
        <ListControls list={list} idPrefix="orders" statuses={["", ...ORDER_STATUSES]} sorts={[...ORDER_SORTS]} searchHint={t("list.hintOrders")} />
        <Loadable loading={orders.loading && !orders.data} error={orders.error} empty={rows.length === 0}>
          <Table testId="orders-table">
              <thead>
                <tr><th>{t("col.order")}</th><th>{t("col.supplier")}</th><th className="num">{t("col.amount")}</th><th className="num">{t("col.invoiced")}</th><th>{t("col.due")}</th><th>{t("col.status")}</th><th>{t("col.actions")}</th></tr>
              </thead>
              <tbody>
                {rows.map((o) => (
                  <tr key={o.id} data-testid={`order-row-${o.id}`} data-reference={o.reference}>
                    <td>#{o.id} · {o.reference}</td>
                    <td>{o.supplierName}</td>
                    <td className="num"><Money amount={o.amount} /></td>
                    <td className="num"><Money amount={o.invoiced} /></td>
                    <td>{formatDate(o.dueDate)}</td>
                    <td><StatusBadge status={o.status} /><OrderRejection order={o} /></td>
                    <td className="actions">
                      {o.status === "issued" && (
                        <button type="button" className="danger" disabled={action.pending} onClick={() => cancel(o)}>{t("action.cancel")}</button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
          </Table>
          <Pager list={list} nextCursor={orders.data?.nextCursor} shown={rows.length} idPrefix="orders" />
        </Loadable>
      </Card>
    </>
  );
}

import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import { listOrders } from "../../api/queries";
import type { Order } from "../../api/types";
import { useAction, useResource } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { formatDate, isoDay, normaliseAmount } from "../../lib/format";
import { amount, futureDate, hasProblems, required, type Problems } from "../../lib/validate";
import { ActionStatus, Card, Field, fieldProps, Loadable, Money, StatusBadge } from "../../components/ui";

type Key = "supplier" | "amount" | "reference" | "dueDate";

/** Issue purchase orders to suppliers and follow them. */
export function BuyerOrders() {
  const { orgs } = useSession();
  const suppliers = orgs.filter((o) => o.kind === "supplier" && o.status === "active");
  const orders = useResource(() => listOrders(), []);
  const [supplierOrgId, setSupplier] = useState("");
  const [value, setValue] = useState("");
  const [reference, setReference] = useState("");
  const [dueDate, setDueDate] = useState(isoDay(90));
  const [problems, setProblems] = useState<Problems<Key>>({});
  const action = useAction();
  const list = orders.data ?? [];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Problems<Key> = {
      supplier: supplierOrgId ? undefined : "Choose a supplier.",
      amount: amount(value),
      reference: required(reference, "Reference"),
      dueDate: futureDate(dueDate, "Payment due date"),
    };
    setProblems(found);
    if (hasProblems(found)) return;
    const order = await action.run(
      () => call(api.POST("/api/v1/orders", { body: { supplierOrgId, amount: normaliseAmount(value)!, reference: reference.trim(), dueDate } })),
      (o) => `Order ${o.reference} (#${o.id}) issued to ${o.supplierName}.`,
    );
    if (order) {
      setReference("");
      setValue("");
      orders.reload();
    }
  };

  const cancel = async (order: Order) => {
    const done = await action.run(() => call(api.POST("/api/v1/orders/{id}/cancel", { params: { path: { id: order.id } } })), `Order ${order.reference} cancelled.`);
    if (done) orders.reload();
  };

  return (
    <>
      <Card title="Issue a purchase order" testId="order-form">
        <form onSubmit={submit} noValidate className="form-grid">
          <Field id="po-supplier" label="Supplier" error={problems.supplier}>
            <select {...fieldProps("po-supplier", problems.supplier)} data-testid="order-supplier" value={supplierOrgId} onChange={(e) => setSupplier(e.target.value)}>
              <option value="">Choose a supplier…</option>
              {suppliers.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select>
          </Field>
          <Field id="po-amount" label="Amount (TDT)" error={problems.amount} hint="For example 400000.00">
            <input {...fieldProps("po-amount", problems.amount)} data-testid="order-amount" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
          </Field>
          <Field id="po-reference" label="Reference" error={problems.reference}>
            <input {...fieldProps("po-reference", problems.reference)} data-testid="order-reference" value={reference} onChange={(e) => setReference(e.target.value)} />
          </Field>
          <Field id="po-due" label="Payment due date" error={problems.dueDate}>
            <input {...fieldProps("po-due", problems.dueDate)} data-testid="order-due" type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
          </Field>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={action.pending} data-testid="order-submit">Issue order</button>
          </div>
        </form>
        <ActionStatus state={action.state} testId="order-status" />
      </Card>
      <Card title="Our orders" testId="buyer-orders" actions={<button type="button" className="secondary" onClick={orders.reload}>Refresh</button>}>
        <Loadable loading={orders.loading && !orders.data} error={orders.error} empty={list.length === 0}>
          <div className="table-wrap">
            <table>
              <thead>
                <tr><th>Order</th><th>Supplier</th><th>Amount</th><th>Invoiced</th><th>Due</th><th>Status</th><th>Actions</th></tr>
              </thead>
              <tbody>
                {list.map((o) => (
                  <tr key={o.id} data-testid={`order-row-${o.id}`} data-reference={o.reference}>
                    <td>#{o.id} · {o.reference}</td>
                    <td>{o.supplierName}</td>
                    <td><Money amount={o.amount} /></td>
                    <td><Money amount={o.invoiced} /></td>
                    <td>{formatDate(o.dueDate)}</td>
                    <td><StatusBadge status={o.status} /></td>
                    <td className="actions">
                      {o.status === "issued" && (
                        <button type="button" className="danger" disabled={action.pending} onClick={() => cancel(o)}>Cancel</button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Loadable>
      </Card>
    </>
  );
}

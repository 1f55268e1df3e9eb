import { useState } from "react";
import { api, call } from "../../api/client";
import { listInvoices } from "../../api/queries";
import type { Invoice } from "../../api/types";
import { useAction, useResource } from "../../lib/hooks";
import { formatDate, toMinor } from "../../lib/format";
import { ActionStatus, Card, Loadable, Money, ShortHash, StatusBadge } from "../../components/ui";
import { DisputeForm } from "./DisputeForm";
import { PayForm } from "./PayForm";

type Open = { kind: "dispute" | "pay"; invoice: Invoice } | null;

/** Invoices suppliers sent us: confirm, dispute, or pay them. */
export function BuyerInvoices() {
  const invoices = useResource(() => listInvoices(), []);
  const [open, setOpen] = useState<Open>(null);
  const action = useAction();
  const list = invoices.data ?? [];

  const act = async (invoice: Invoice, verb: "confirm" | "withdraw-dispute", done: string) => {
    const ok = await action.run(() =>
        call(
          verb === "confirm"
            ? api.POST("/api/v1/invoices/{id}/confirm", { params: { path: { id: invoice.id } } })
            : api.POST("/api/v1/invoices/{id}/withdraw-dispute", { params: { path: { id: invoice.id } } }),
        ), done);
    if (ok) invoices.reload();
  };
  const finished = () => {
    invoices.reload();
  };

  return (
    <>
      <Card title="Invoices received" testId="buyer-invoices" actions={<button type="button" className="secondary" onClick={invoices.reload}>Refresh</button>}>
        <ActionStatus state={action.state} />
        <Loadable loading={invoices.loading && !invoices.data} error={invoices.error} empty={list.length === 0}>
          <div className="table-wrap">
            <table>
              <thead>
                <tr><th>Invoice</th><th>Supplier</th><th>Amount</th><th>Outstanding</th><th>Due</th><th>Status</th><th>Document</th><th>Actions</th></tr>
              </thead>
              <tbody>
                {list.map((inv) => (
                  <tr key={inv.id} data-testid={`invoice-row-${inv.id}`} data-number={inv.invoiceNumber}>
                    <td>#{inv.id} · {inv.invoiceNumber}<br /><small className="muted">order #{inv.orderId}{inv.financed ? " · financed" : ""}</small></td>
                    <td>{inv.supplierName}</td>
                    <td><Money amount={inv.amount} /></td>
                    <td><Money amount={inv.outstanding} /></td>
                    <td>{formatDate(inv.dueDate)}</td>
                    <td><StatusBadge status={inv.status} /></td>
                    <td><ShortHash value={inv.documentHash} label="document hash" /></td>
                    <td className="actions">
                      {inv.status === "issued" && (
                        <>
                          <button type="button" className="primary" disabled={action.pending} data-testid="invoice-confirm"
                            onClick={() => act(inv, "confirm", `Invoice ${inv.invoiceNumber} confirmed: the supplier can now finance it.`)}>
                            Confirm
                          </button>
                          <button type="button" className="danger" data-testid="invoice-dispute" onClick={() => setOpen({ kind: "dispute", invoice: inv })}>
                            Dispute
                          </button>
                        </>
                      )}
                      {inv.status === "disputed" && (
                        <button type="button" className="secondary" disabled={action.pending}
                          onClick={() => act(inv, "withdraw-dispute", `Dispute on invoice ${inv.invoiceNumber} withdrawn.`)}>
                          Withdraw dispute
                        </button>
                      )}
                      {["confirmed", "overdue"].includes(inv.status) && toMinor(inv.outstanding) > 0n && (
                        <button type="button" className="primary" data-testid="invoice-pay" onClick={() => setOpen({ kind: "pay", invoice: inv })}>
                          Pay
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
      {open?.kind === "dispute" && <DisputeForm key={open.invoice.id} invoice={open.invoice} onClose={() => setOpen(null)} onDone={finished} />}
      {open?.kind === "pay" && <PayForm key={open.invoice.id} invoice={open.invoice} onClose={() => setOpen(null)} onDone={finished} />}
    </>
  );
}

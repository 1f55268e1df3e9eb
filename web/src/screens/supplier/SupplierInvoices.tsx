import { useState } from "react";
import { api, call } from "../../api/client";
import { listFinancing, listInvoices } from "../../api/queries";
import type { Invoice } from "../../api/types";
import { useAction, useResource } from "../../lib/hooks";
import { formatDate } from "../../lib/format";
import { ActionStatus, Card, Loadable, Money, ShortHash, StatusBadge } from "../../components/ui";
import { RequestFinancingForm } from "./RequestFinancingForm";

/** The supplier's invoices, their payment and financing status, and the way to ask a bank for financing. */
export function SupplierInvoices({ focus }: { focus?: string }) {
  const data = useResource(async () => {
    const [invoices, requests] = await Promise.all([listInvoices(), listFinancing()]);
    return { invoices, requests };
  }, []);
  const [financing, setFinancing] = useState<Invoice | null>(null);
  const action = useAction();
  const invoices = data.data?.invoices ?? [];
  const requests = data.data?.requests ?? [];
  const requestFor = (invoice: Invoice) =>
    requests.filter((r) => r.invoiceId === invoice.id).sort((a, b) => Number(b.id) - Number(a.id))[0];

  const cancel = async (invoice: Invoice) => {
    const done = await action.run(() => call(api.POST("/api/v1/invoices/{id}/cancel", { params: { path: { id: invoice.id } } })), `Invoice ${invoice.invoiceNumber} cancelled.`);
    if (done) data.reload();
  };

  return (
    <>
      <Card title="Invoices" testId="supplier-invoices" actions={<button type="button" className="secondary" onClick={data.reload}>Refresh</button>}>
        <ActionStatus state={action.state} />
        <Loadable loading={data.loading && !data.data} error={data.error} empty={invoices.length === 0}>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Invoice</th><th>Buyer</th><th>Amount</th><th>Outstanding</th><th>Due</th><th>Status</th><th>Document</th><th>Financing</th><th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {invoices.map((invoice) => {
                  const request = requestFor(invoice);
                  const canFinance = invoice.status === "confirmed" && (!request || ["rejected", "withdrawn"].includes(request.status));
                  return (
                    <tr key={invoice.id} data-testid={`invoice-row-${invoice.id}`} data-number={invoice.invoiceNumber} className={focus === invoice.id ? "focus" : undefined}>
                      <td>#{invoice.id} · {invoice.invoiceNumber}<br /><small className="muted">order #{invoice.orderId}</small></td>
                      <td>{invoice.buyerName}</td>
                      <td><Money amount={invoice.amount} /></td>
                      <td><Money amount={invoice.outstanding} /></td>
                      <td>{formatDate(invoice.dueDate)}</td>
                      <td><StatusBadge status={invoice.status} /></td>
                      <td><ShortHash value={invoice.documentHash} label="document hash" /></td>
                      <td data-testid="invoice-financing">
                        {request ? (
                          <>
                            <StatusBadge status={request.status} /> {request.bankName} <Money amount={request.amount} />
                            <br /><small className="muted">request #{request.id} · {request.path}</small>
                          </>
                        ) : "—"}
                      </td>
                      <td className="actions">
                        {canFinance && (
                          <button type="button" className="primary" onClick={() => setFinancing(invoice)} data-testid="invoice-request-financing">
                            Request financing
                          </button>
                        )}
                        {invoice.status === "issued" && (
                          <button type="button" className="danger" disabled={action.pending} onClick={() => cancel(invoice)} data-testid="invoice-cancel">
                            Cancel
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </Loadable>
      </Card>
      {financing && (
        <RequestFinancingForm key={financing.id} invoice={financing} onClose={() => setFinancing(null)} onRequested={data.reload} />
      )}
    </>
  );
}

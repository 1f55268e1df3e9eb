import { useState } from "react";
import { api, call } from "../../api/client";
import { listFinancing, oneOf, pageInvoices } from "../../api/queries";
import type { Invoice } from "../../api/types";
import { useAction, useResource } from "../../lib/hooks";
import { Table } from "../../components/Table";
import { ListControls, Pager } from "../../components/ListControls";
import { listParams, useListState } from "../../lib/list";
import { INVOICE_SORTS, INVOICE_STATUSES } from "../orderList";
import { FinancingRejection } from "../financingWords";
import { formatDate } from "../../lib/format";
import { ActionStatus, Card, Loadable, Money, ShortHash, DocumentLink, StatusBadge } from "../../components/ui";
import { RequestFinancingForm } from "./RequestFinancingForm";
import { t as translate, useTranslation } from "../../i18n";

/** The supplier's invoices, their payment and financing status, and the way to ask a bank for financing. */
export function SupplierInvoices({ focus }: { focus?: string }) {
  const { t } = useTranslation();
  const list = useListState();
  const s = list.state;
  const data = useResource(async () => {
    const page = await pageInvoices({ ...listParams(s), status: oneOf(s.status, INVOICE_STATUSES), sort: oneOf(s.sort, INVOICE_SORTS) });
    // The financing requests of the invoices on this page (one page of invoices has at most PAGE_SIZE of them).
    const requests = (await Promise.all(page.items.filter((i) => i.financingRequestId || i.status === "confirmed").map((i) => listFinancing({ invoiceId: i.id, limit: 5 })))).flat();
    return { invoices: page.items, nextCursor: page.nextCursor, requests };
  }, [s.q, s.status, s.from, s.to, s.sort, s.pages.join(".")]);
  const [financing, setFinancing] = useState<Invoice | null>(null);
  const action = useAction();
  const invoices = data.data?.invoices ?? [];
  const requests = data.data?.requests ?? [];
  const requestFor = (invoice: Invoice) =>
    requests.filter((r) => r.invoiceId === invoice.id).sort((a, b) => Number(b.id) - Number(a.id))[0];

  const cancel = async (invoice: Invoice) => {
    const done = await action.run(() => call(api.POST("/api/v1/invoices/{id}/cancel", { params: { path: { id: invoice.id } } })), translate("supplierInvoices.cancelled", { number: invoice.invoiceNumber }));
    if (done) data.reload();
  };

  return (
    <>
      <Card title={t("supplierInvoices.title")} testId="supplier-invoices" actions={<button type="button" className="secondary" onClick={data.reload}>{t("action.refresh")}</button>}>
        <ListControls list={list} idPrefix="invoices" statuses={["", ...INVOICE_STATUSES]} sorts={[...INVOICE_SORTS]} searchHint={t("list.hintInvoices")} />
        <ActionStatus state={action.state} />
        <Loadable loading={data.loading && !data.data} error={data.error} empty={invoices.length === 0}>
          <Table testId="invoices-table">
              <thead>
                <tr>
                  <th>{t("col.invoice")}</th><th>{t("col.buyer")}</th><th className="num">{t("col.amount")}</th><th className="num">{t("col.outstanding")}</th><th>{t("col.due")}</th><th>{t("col.status")}</th><th>{t("col.document")}</th><th>{t("col.financing")}</th><th>{t("col.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {invoices.map((invoice) => {
                  const request = requestFor(invoice);
                  const canFinance = invoice.status === "confirmed" && (!request || ["rejected", "withdrawn"].includes(request.status));
                  return (
                    <tr key={invoice.id} data-testid={`invoice-row-${invoice.id}`} data-number={invoice.invoiceNumber} className={focus === invoice.id ? "focus" : undefined}>
                      <td>#{invoice.id} · {invoice.invoiceNumber}<br /><small className="muted">{t("ref.order", { id: invoice.orderId })}</small></td>
                      <td>{invoice.buyerName}</td>
                      <td className="num"><Money amount={invoice.amount} /></td>
                      <td className="num"><Money amount={invoice.outstanding} /></td>
                      <td>{formatDate(invoice.dueDate)}</td>
                      <td><StatusBadge status={invoice.status} /></td>
                      <td><><ShortHash value={invoice.documentHash} label={t("hash.documentHash")} /> <DocumentLink hash={invoice.documentHash} /></></td>
                      <td data-testid="invoice-financing">
                        {request ? (
                          <>
                            <StatusBadge status={request.status} /> {request.bankName} <Money amount={request.amount} />
                            <br /><small className="muted">{t("ref.request", { id: request.id })} · {t(`path.${request.path}`)}</small>
                            <FinancingRejection request={request} />
                          </>
                        ) : "—"}
                      </td>
                      <td className="actions">
                        {canFinance && (
                          <button type="button" className="primary" onClick={() => setFinancing(invoice)} data-testid="invoice-request-financing">
                            {t("supplierInvoices.requestFinancing")}
                          </button>
                        )}
                        {invoice.status === "issued" && (
                          <button type="button" className="danger" disabled={action.pending} onClick={() => cancel(invoice)} data-testid="invoice-cancel">
                            {t("action.cancel")}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
          </Table>
          <Pager list={list} nextCursor={data.data?.nextCursor} shown={invoices.length} idPrefix="invoices" />
        </Loadable>
      </Card>
      {financing && (
        <RequestFinancingForm key={financing.id} invoice={financing} onClose={() => setFinancing(null)} onRequested={data.reload} />
      )}
    </>
  );
}

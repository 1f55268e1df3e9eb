import { useState } from "react";
import { api, call } from "../../api/client";
import { oneOf, pageInvoices } from "../../api/queries";
import type { Invoice } from "../../api/types";
import { useAction } from "../../lib/hooks";
import { Table } from "../../components/Table";
import { ListControls, Pager } from "../../components/ListControls";
import { listParams, useListState, usePage } from "../../lib/list";
import { INVOICE_SORTS, INVOICE_STATUSES } from "../orderList";
import { formatDate, toMinor } from "../../lib/format";
import { ActionStatus, Card, Loadable, Money, ShortHash, DocumentLink, StatusBadge } from "../../components/ui";
import { Review } from "../../components/Review";
import { DisputeForm } from "./DisputeForm";
import { PayForm } from "./PayForm";
import { t as translate, useTranslation } from "../../i18n";

type Open = { kind: "dispute" | "pay"; invoice: Invoice } | null;

/** Invoices suppliers sent us: confirm, dispute, or pay them. */
export function BuyerInvoices() {
  const { t } = useTranslation();
  const listState = useListState();
  const invoices = usePage((s) => pageInvoices({ ...listParams(s), status: oneOf(s.status, INVOICE_STATUSES), sort: oneOf(s.sort, INVOICE_SORTS) }), listState);
  const [open, setOpen] = useState<Open>(null);
  const [confirming, setConfirming] = useState<Invoice | null>(null);
  const action = useAction();
  const list = invoices.data?.items ?? [];

  const act = async (invoice: Invoice, verb: "confirm" | "withdraw-dispute", done: string) => {
    setConfirming(null);
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
      <Card title={t("buyerInvoices.title")} testId="buyer-invoices" actions={<button type="button" className="secondary" onClick={invoices.reload}>{t("action.refresh")}</button>}>
        {confirming && (
          <Review
            title={t("review.confirmTitle", { number: confirming.invoiceNumber })}
            lines={[
              [t("review.confirmDebt"), <strong><Money amount={confirming.amount} /></strong>],
              [t("review.confirmTo"), confirming.supplierName],
              [t("review.confirmDue"), formatDate(confirming.dueDate)],
              [t("review.confirmEffect"), t("review.confirmEffectText")],
            ]}
            confirmLabel={t("review.confirmButton")}
            busy={action.pending}
            onConfirm={() => act(confirming, "confirm", translate("buyerInvoices.confirmed", { number: confirming.invoiceNumber }))}
            onCancel={() => setConfirming(null)}
          />
        )}
        <ListControls list={listState} idPrefix="invoices" statuses={["", ...INVOICE_STATUSES]} sorts={[...INVOICE_SORTS]} searchHint={t("list.hintInvoices")} />
        <ActionStatus state={action.state} />
        <Loadable loading={invoices.loading && !invoices.data} error={invoices.error} empty={list.length === 0}>
          <Table testId="invoices-table">
              <thead>
                <tr><th>{t("col.invoice")}</th><th>{t("col.supplier")}</th><th className="num">{t("col.amount")}</th><th className="num">{t("col.outstanding")}</th><th>{t("col.due")}</th><th>{t("col.status")}</th><th>{t("col.document")}</th><th>{t("col.actions")}</th></tr>
              </thead>
              <tbody>
                {list.map((inv) => (
                  <tr key={inv.id} data-testid={`invoice-row-${inv.id}`} data-number={inv.invoiceNumber}>
                    <td>#{inv.id} · {inv.invoiceNumber}<br /><small className="muted">{t("ref.order", { id: inv.orderId })}{inv.financed ? ` · ${t("buyerInvoices.financed")}` : ""}</small></td>
                    <td>{inv.supplierName}</td>
                    <td className="num"><Money amount={inv.amount} /></td>
                    <td className="num"><Money amount={inv.outstanding} /></td>
                    <td>{formatDate(inv.dueDate)}</td>
                    <td><StatusBadge status={inv.status} /></td>
                    <td><><ShortHash value={inv.documentHash} label={t("hash.documentHash")} /> <DocumentLink hash={inv.documentHash} /></></td>
                    <td className="actions">
                      {inv.status === "issued" && (
                        <>
                          <button type="button" className="primary" disabled={action.pending} data-testid="invoice-confirm"
                            onClick={() => setConfirming(inv)}>
                            {t("action.confirm")}
                          </button>
                          <button type="button" className="danger" data-testid="invoice-dispute" onClick={() => setOpen({ kind: "dispute", invoice: inv })}>
                            {t("action.dispute")}
                          </button>
                        </>
                      )}
                      {inv.status === "disputed" && (
                        <button type="button" className="secondary" disabled={action.pending}
                          onClick={() => act(inv, "withdraw-dispute", translate("buyerInvoices.withdrawn", { number: inv.invoiceNumber }))}>
                          {t("buyerInvoices.withdrawDispute")}
                        </button>
                      )}
                      {["confirmed", "overdue"].includes(inv.status) && toMinor(inv.outstanding) > 0n && (
                        <button type="button" className="primary" data-testid="invoice-pay" onClick={() => setOpen({ kind: "pay", invoice: inv })}>
                          {t("action.pay")}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
          </Table>
          <Pager list={listState} nextCursor={invoices.data?.nextCursor} shown={list.length} idPrefix="invoices" />
        </Loadable>
      </Card>
      {open?.kind === "dispute" && <DisputeForm key={open.invoice.id} invoice={open.invoice} onClose={() => setOpen(null)} onDone={finished} />}
      {open?.kind === "pay" && <PayForm key={open.invoice.id} invoice={open.invoice} onClose={() => setOpen(null)} onDone={finished} />}
    </>
  );
}

import type { ReactNode } from "react";
import { api, call } from "../../api/client";
import { getCreditRecords, getPolicy } from "../../api/queries";
import { useResource } from "../../lib/hooks";
import { formatDate, formatDateTime, formatElapsed, formatBps } from "../../lib/format";
import { Card, KeyValues, Loadable, Money, ShortHash, DocumentLink, StatusBadge } from "../../components/ui";
import { PathBadge } from "../../components/PathBadge";
import { DecisionPanel } from "./DecisionPanel";
import { PersonName, usePeople } from "../../lib/people";
import { FinancingRejection } from "../financingWords";
import { policyChecks } from "./policyChecks";
import { useTranslation } from "../../i18n";

/** Everything an officer needs to decide one request: order, invoice, confirmation, supplier record, policy checks. */
export function Dossier({ id }: { id: string }) {
  const { t } = useTranslation();
  const nameOf = usePeople();
  const dossier = useResource(async () => {
    const request = await call(api.GET("/api/v1/financing-requests/{id}", { params: { path: { id } } }));
    const invoice = await call(api.GET("/api/v1/invoices/{id}", { params: { path: { id: request.invoiceId } } }));
    const [order, policy, records] = await Promise.all([
      call(api.GET("/api/v1/orders/{id}", { params: { path: { id: invoice.orderId } } })),
      getPolicy(request.bankOrgId),
      getCreditRecords(request.supplierOrgId),
    ]);
    return { request, invoice, order, policy, credit: records.find((r) => r.bankOrgId === request.bankOrgId) };
  }, [id]);

  const d = dossier.data;
  return (
    <div data-testid="dossier">
      <p><a href="#/queue">{t("dossier.back")}</a></p>
      <Loadable loading={dossier.loading && !d} error={dossier.error}>
        {d && (
          <>
            <Card title={t("dossier.requestTitle", { id: d.request.id })} testId="dossier-request">
              <p><PathBadge request={d.request} /> <StatusBadge status={d.request.status} /></p>
              <KeyValues
                rows={[
                  [t("col.supplier"), d.request.supplierName],
                  [t("col.buyer"), d.request.buyerName],
                  [t("dossier.amountRequested"), <Money amount={d.request.amount} />],
                  [t("dossier.discountRate"), formatBps(d.request.discountRateBps)],
                  [t("dossier.requested"), t("dossier.requestedAt", { at: formatDateTime(d.request.requestedAt), waiting: formatElapsed(d.request.requestedAt) })],
                  [t("col.approvals"), (
                    <span data-testid="dossier-approvals">
                      {t("queue.approvals", { n: d.request.approvals.length, of: d.request.approvalsRequired })}
                      {d.request.approvals.map((a) => <span key={a.officer} className="block" data-testid="dossier-approver"><PersonName address={a.officer} nameOf={nameOf} /> · {formatDateTime(a.at)}</span>)}
                    </span>
                  )],
                  ...(d.request.disbursedAt ? ([[t("dossier.disbursed"), <>{formatDateTime(d.request.disbursedAt)} · {t("dossier.net")} <Money amount={d.request.netAmount} /> · {t("dossier.discount")} <Money amount={d.request.discount} /></>]] as [string, ReactNode][]) : []),
                  ...(d.request.rejection ? ([[t("dossier.rejected"), <FinancingRejection request={d.request} by={nameOf(d.request.rejection.officer) ?? undefined} />]] as [string, ReactNode][]) : []),
                ]}
              />
            </Card>
            <DecisionPanel request={d.request} dueDate={d.invoice.dueDate} onChanged={dossier.reload} />
            <div className="grid-2">
              <Card title={t("dossier.orderTitle", { reference: d.order.reference })}>
                <KeyValues
                  rows={[
                    [t("col.order"), `#${d.order.id}`],
                    [t("col.amount"), <Money amount={d.order.amount} />],
                    [t("col.invoiced"), <Money amount={d.order.invoiced} />],
                    [t("col.due"), formatDate(d.order.dueDate)],
                    [t("col.status"), <StatusBadge status={d.order.status} />],
                  ]}
                />
              </Card>
              <Card title={t("dossier.invoiceTitle", { number: d.invoice.invoiceNumber })}>
                <KeyValues
                  rows={[
                    [t("col.invoice"), `#${d.invoice.id}`],
                    [t("col.amount"), <Money amount={d.invoice.amount} />],
                    [t("col.outstanding"), <Money amount={d.invoice.outstanding} />],
                    [t("col.due"), formatDate(d.invoice.dueDate)],
                    [t("dossier.buyerConfirmation"), d.invoice.confirmedAt ? t("dossier.confirmedAt", { at: formatDateTime(d.invoice.confirmedAt) }) : t("dossier.notConfirmed", { status: t(`status.${d.invoice.status}`) })],
                    [t("col.document"), <><ShortHash value={d.invoice.documentHash} label={t("hash.documentHash")} /> <DocumentLink hash={d.invoice.documentHash} /></>],
                  ]}
                />
              </Card>
              <Card title={t("dossier.creditTitle")}>
                {d.credit ? (
                  <KeyValues
                    rows={[
                      [t("col.limit"), <Money amount={d.credit.limit} />],
                      [t("col.inUse"), <Money amount={d.credit.utilised} />],
                      [t("col.available"), <Money amount={d.credit.available} />],
                      [t("dossier.history"), t("dossier.historyLine", { financed: d.credit.financed ?? 0, onTime: d.credit.repaidOnTime ?? 0, late: d.credit.repaidLate ?? 0, overdue: d.credit.overdue ?? 0, defaulted: d.credit.defaulted ?? 0 })],
                    ]}
                  />
                ) : (
                  <p className="muted">{t("dossier.noCredit")}</p>
                )}
              </Card>
              <Card title={t("dossier.checks")} testId="policy-checks">
                <ul className="checks">
                  {policyChecks(d.request, d.invoice, d.policy, d.credit).map((c) => (
                    <li key={c.label} className={c.ok ? "ok" : c.pathOnly ? "warn" : "fail"}>
                      <span aria-hidden="true">{c.ok ? "✓" : c.pathOnly ? "•" : "✗"}</span>{" "}
                      <strong>{c.label}</strong>{t("dossier.colon")}{c.ok ? t("dossier.yes") : c.pathOnly ? t("dossier.noMaker") : t("dossier.no")} <small className="muted">— {c.detail}</small>
                    </li>
                  ))}
                </ul>
              </Card>
            </div>
          </>
        )}
      </Loadable>
    </div>
  );
}

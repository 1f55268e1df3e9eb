import type { ReactNode } from "react";
import { api, call } from "../../api/client";
import { getCreditRecords, getPolicy } from "../../api/queries";
import { useResource } from "../../lib/hooks";
import { formatDate, formatDateTime, formatElapsed, formatBps } from "../../lib/format";
import { Card, KeyValues, Loadable, Money, ShortHash, StatusBadge } from "../../components/ui";
import { PathBadge } from "../../components/PathBadge";
import { DecisionPanel } from "./DecisionPanel";
import { policyChecks } from "./policyChecks";

/** Everything an officer needs to decide one request: order, invoice, confirmation, supplier record, policy checks. */
export function Dossier({ id }: { id: string }) {
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
      <p><a href="#/queue">← Back to the queue</a></p>
      <Loadable loading={dossier.loading && !d} error={dossier.error}>
        {d && (
          <>
            <Card title={`Financing request #${d.request.id}`} testId="dossier-request">
              <p><PathBadge request={d.request} /> <StatusBadge status={d.request.status} /></p>
              <KeyValues
                rows={[
                  ["Supplier", d.request.supplierName],
                  ["Buyer", d.request.buyerName],
                  ["Amount requested", <Money amount={d.request.amount} />],
                  ["Discount rate", formatBps(d.request.discountRateBps)],
                  ["Requested", `${formatDateTime(d.request.requestedAt)} (waiting ${formatElapsed(d.request.requestedAt)})`],
                  ["Approvals", (
                    <span data-testid="dossier-approvals">
                      {d.request.approvals.length} of {d.request.approvalsRequired}
                      {d.request.approvals.map((a) => <span key={a.officer} className="block"><ShortHash value={a.officer} label="officer address" /> {formatDateTime(a.at)}</span>)}
                    </span>
                  )],
                  ...(d.request.disbursedAt ? ([["Disbursed", <>{formatDateTime(d.request.disbursedAt)} · net <Money amount={d.request.netAmount} /> · discount <Money amount={d.request.discount} /></>]] as [string, ReactNode][]) : []),
                  ...(d.request.rejection ? ([["Rejected", `reason code ${d.request.rejection.reasonCode}`]] as [string, ReactNode][]) : []),
                ]}
              />
            </Card>
            <DecisionPanel request={d.request} onChanged={dossier.reload} />
            <div className="grid-2">
              <Card title={`Order ${d.order.reference}`}>
                <KeyValues
                  rows={[
                    ["Order", `#${d.order.id}`],
                    ["Amount", <Money amount={d.order.amount} />],
                    ["Invoiced", <Money amount={d.order.invoiced} />],
                    ["Due", formatDate(d.order.dueDate)],
                    ["Status", <StatusBadge status={d.order.status} />],
                  ]}
                />
              </Card>
              <Card title={`Invoice ${d.invoice.invoiceNumber}`}>
                <KeyValues
                  rows={[
                    ["Invoice", `#${d.invoice.id}`],
                    ["Amount", <Money amount={d.invoice.amount} />],
                    ["Outstanding", <Money amount={d.invoice.outstanding} />],
                    ["Due", formatDate(d.invoice.dueDate)],
                    ["Buyer confirmation", d.invoice.confirmedAt ? `Confirmed ${formatDateTime(d.invoice.confirmedAt)}` : `Not confirmed (${d.invoice.status})`],
                    ["Document", <ShortHash value={d.invoice.documentHash} label="document hash" />],
                  ]}
                />
              </Card>
              <Card title="Supplier's credit with this bank">
                {d.credit ? (
                  <KeyValues
                    rows={[
                      ["Limit", <Money amount={d.credit.limit} />],
                      ["In use", <Money amount={d.credit.utilised} />],
                      ["Available", <Money amount={d.credit.available} />],
                      ["History", `${d.credit.financed ?? 0} financed · ${d.credit.repaidOnTime ?? 0} on time · ${d.credit.repaidLate ?? 0} late · ${d.credit.overdue ?? 0} overdue · ${d.credit.defaulted ?? 0} defaulted`],
                    ]}
                  />
                ) : (
                  <p className="muted">No credit record with this bank.</p>
                )}
              </Card>
              <Card title="Policy checks" testId="policy-checks">
                <ul className="checks">
                  {policyChecks(d.request, d.invoice, d.policy, d.credit).map((c) => (
                    <li key={c.label} className={c.ok ? "ok" : c.pathOnly ? "warn" : "fail"}>
                      <span aria-hidden="true">{c.ok ? "✓" : c.pathOnly ? "•" : "✗"}</span>{" "}
                      <strong>{c.label}</strong>: {c.ok ? "yes" : c.pathOnly ? "no (needs maker-checker)" : "no"} <small className="muted">— {c.detail}</small>
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

import { listFinancing } from "../../api/queries";
import { useResource } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { formatDateTime, formatElapsed } from "../../lib/format";
import { Card, Loadable, Money, StatusBadge } from "../../components/ui";
import { PathBadge } from "../../components/PathBadge";
import { useTranslation } from "../../i18n";

/** The bank's work: requests waiting for a decision, then approved ones waiting for disbursement. */
export function Queue() {
  const { t } = useTranslation();
  const { me } = useSession();
  const requests = useResource(async () => {
    const [waiting, approved] = await Promise.all([
      listFinancing({ status: "requested", bankOrgId: me.org.id }),
      listFinancing({ status: "approved", bankOrgId: me.org.id }),
    ]);
    return [...waiting, ...approved].sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  }, [me.org.id]);
  const list = requests.data ?? [];
  return (
    <Card title={t("queue.title")} testId="financing-queue" actions={<button type="button" className="secondary" onClick={requests.reload}>{t("action.refresh")}</button>}>
      <Loadable loading={requests.loading && !requests.data} error={requests.error} empty={list.length === 0}>
        <div className="table-wrap">
          <table>
            <thead>
              <tr><th>{t("col.request")}</th><th>{t("col.supplierBuyer")}</th><th className="num">{t("col.amount")}</th><th>{t("col.path")}</th><th>{t("col.approvals")}</th><th>{t("col.waiting")}</th><th>{t("col.status")}</th><th><span className="sr-only">{t("col.actions")}</span></th></tr>
            </thead>
            <tbody>
              {list.map((r) => {
                const mine = r.approvals.some((a) => a.officer.toLowerCase() === me.user.address.toLowerCase());
                return (
                  <tr key={r.id} data-testid={`queue-row-${r.id}`} data-invoice={r.invoiceId}>
                    <td>#{r.id}<br /><small className="muted">{t("ref.invoice", { id: r.invoiceId })}</small></td>
                    <td>{r.supplierName} → {r.buyerName}</td>
                    <td className="num"><Money amount={r.amount} /></td>
                    <td><PathBadge request={r} /></td>
                    <td data-testid="queue-approvals">
                      {t("queue.approvals", { n: r.approvals.length, of: r.approvalsRequired })}
                      {mine && <><br /><small className="muted">{t("queue.inclYours")}</small></>}
                    </td>
                    <td title={formatDateTime(r.requestedAt)}>{formatElapsed(r.requestedAt)}</td>
                    <td><StatusBadge status={r.status} /></td>
                    <td><a href={`#/request/${r.id}`} data-testid={`open-request-${r.id}`}>{t("queue.open")}<span className="sr-only"> {t("queue.openFor", { id: r.id })}</span></a></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Loadable>
    </Card>
  );
}

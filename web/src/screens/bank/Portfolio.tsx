import { listFinancing, listInvoices } from "../../api/queries";
import { useResource } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { formatDate, fromMinor, toMinor } from "../../lib/format";
import { Card, Loadable, Money, StatusBadge } from "../../components/ui";
import { useTranslation } from "../../i18n";

const DAY = 86_400_000;

/** What the bank has lent and not yet recovered, what falls due within 30 days, and what is overdue. */
export function Portfolio() {
  const { t } = useTranslation();
  const { me } = useSession();
  const data = useResource(async () => {
    const [requests, invoices] = await Promise.all([listFinancing({ bankOrgId: me.org.id }), listInvoices()]);
    const dueDates = new Map(invoices.map((i) => [i.id, i]));
    return requests
      .filter((r) => ["disbursed", "defaulted"].includes(r.status) && toMinor(r.outstanding) > 0n)
      .map((r) => ({ request: r, invoice: dueDates.get(r.invoiceId) }));
  }, [me.org.id]);
  const rows = data.data ?? [];
  const now = Date.now();
  const bucket = (due: string | undefined, status?: string) => {
    if (!due) return "open";
    const t = new Date(due).getTime();
    if (status === "overdue" || t < now) return "overdue";
    return t - now <= 30 * DAY ? "due-soon" : "open";
  };
  const sum = (filter: (b: string) => boolean) =>
    fromMinor(rows.filter((r) => filter(bucket(r.invoice?.dueDate, r.invoice?.status))).reduce((s, r) => s + toMinor(r.request.outstanding), 0n));

  return (
    <Card title={t("portfolio.title")} testId="portfolio" actions={<button type="button" className="secondary" onClick={data.reload}>{t("action.refresh")}</button>}>
      <Loadable loading={data.loading && !data.data} error={data.error}>
        <div className="stats">
          <div className="stat-box"><span>{t("col.outstanding")}</span><strong><Money amount={sum(() => true)} testId="portfolio-outstanding" /></strong></div>
          <div className="stat-box"><span>{t("portfolio.dueSoon")}</span><strong><Money amount={sum((b) => b === "due-soon")} testId="portfolio-due-soon" /></strong></div>
          <div className="stat-box warn"><span>{t("col.overdue")}</span><strong><Money amount={sum((b) => b === "overdue")} testId="portfolio-overdue" /></strong></div>
        </div>
        {rows.length === 0 ? (
          <p className="muted">{t("portfolio.none")}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr><th>{t("col.request")}</th><th>{t("col.supplierBuyer")}</th><th className="num">{t("col.lent")}</th><th className="num">{t("col.outstanding")}</th><th>{t("col.invoiceDue")}</th><th>{t("col.status")}</th></tr>
              </thead>
              <tbody>
                {rows.map(({ request: r, invoice }) => {
                  const b = bucket(invoice?.dueDate, invoice?.status);
                  return (
                    <tr key={r.id} className={b === "overdue" ? "row-overdue" : undefined}>
                      <td><a href={`#/request/${r.id}`}>#{r.id}</a></td>
                      <td>{r.supplierName} → {r.buyerName}</td>
                      <td className="num"><Money amount={r.amount} /></td>
                      <td className="num"><Money amount={r.outstanding} /></td>
                      <td>{formatDate(invoice?.dueDate)} {b === "overdue" ? t("portfolio.overdueMark") : b === "due-soon" ? t("portfolio.dueSoonMark") : ""}</td>
                      <td><StatusBadge status={r.status} /></td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Loadable>
    </Card>
  );
}

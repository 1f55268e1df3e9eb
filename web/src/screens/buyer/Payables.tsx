import { listInvoices } from "../../api/queries";
import { useResource } from "../../lib/hooks";
import { formatDate, formatNumber, fromMinor, toMinor } from "../../lib/format";
import { Card, Loadable, Money } from "../../components/ui";
import { useTranslation } from "../../i18n";

const OPEN = ["issued", "confirmed", "disputed", "overdue"];

/** What the buyer owes, to whom, and when: open invoices grouped by supplier. */
export function Payables() {
  const { t } = useTranslation();
  const invoices = useResource(() => listInvoices(), []);
  const open = (invoices.data ?? []).filter((i) => OPEN.includes(i.status) && toMinor(i.outstanding) > 0n);
  const bySupplier = new Map<string, { name: string; total: bigint; overdue: bigint; next: string | null; count: number }>();
  for (const inv of open) {
    const row = bySupplier.get(inv.supplierOrgId) ?? { name: inv.supplierName, total: 0n, overdue: 0n, next: null, count: 0 };
    row.total += toMinor(inv.outstanding);
    if (inv.status === "overdue" || new Date(inv.dueDate).getTime() < Date.now()) row.overdue += toMinor(inv.outstanding);
    if (!row.next || inv.dueDate < row.next) row.next = inv.dueDate;
    row.count += 1;
    bySupplier.set(inv.supplierOrgId, row);
  }
  const total = open.reduce((sum, i) => sum + toMinor(i.outstanding), 0n);
  return (
    <Card title={t("payables.title")} testId="payables">
      <Loadable loading={invoices.loading && !invoices.data} error={invoices.error} empty={bySupplier.size === 0}>
        <p className="stat">{t("payables.total")} <strong><Money amount={fromMinor(total)} testId="payables-total" /></strong></p>
        <div className="table-wrap">
          <table>
            <thead>
              <tr><th>{t("col.supplier")}</th><th className="num">{t("col.openInvoices")}</th><th className="num">{t("col.outstanding")}</th><th className="num">{t("col.pastDue")}</th><th>{t("col.nextDue")}</th></tr>
            </thead>
            <tbody>
              {[...bySupplier.entries()].map(([id, row]) => (
                <tr key={id} data-testid={`payable-row-${id}`}>
                  <td>{row.name}</td>
                  <td className="num">{formatNumber(row.count)}</td>
                  <td className="num"><Money amount={fromMinor(row.total)} /></td>
                  <td className="num">{row.overdue > 0n ? <span className="text-error"><Money amount={fromMinor(row.overdue)} /></span> : "—"}</td>
                  <td>{formatDate(row.next)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Loadable>
    </Card>
  );
}

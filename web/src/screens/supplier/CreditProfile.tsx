import { getCreditRecords } from "../../api/queries";
import { useResource } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { Card, Loadable, Money } from "../../components/ui";
import { useTranslation } from "../../i18n";
import { formatNumber } from "../../lib/format";

const count = (n: number | null | undefined) => (n === null || n === undefined ? "—" : formatNumber(n));

/** The supplier's credit record with each bank: limit, what is in use, and its repayment history. */
export function CreditProfile() {
  const { t } = useTranslation();
  const { me, orgName } = useSession();
  const records = useResource(() => getCreditRecords(me.org.id), [me.org.id]);
  const list = records.data ?? [];
  return (
    <Card title={t("credit.title")} testId="credit-profile">
      <Loadable loading={records.loading && !records.data} error={records.error} empty={list.length === 0}>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("col.bank")}</th><th className="num">{t("col.limit")}</th><th className="num">{t("col.inUse")}</th><th className="num">{t("col.available")}</th><th className="num">{t("col.financed")}</th><th className="num">{t("col.repaidOnTime")}</th><th className="num">{t("col.repaidLate")}</th><th className="num">{t("col.overdue")}</th><th className="num">{t("col.defaulted")}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((r) => (
                <tr key={r.bankOrgId} data-testid={`credit-row-${r.bankOrgId}`}>
                  <td>{r.bankName ?? orgName(r.bankOrgId)}</td>
                  <td className="num"><Money amount={r.limit} /></td>
                  <td className="num"><Money amount={r.utilised} /></td>
                  <td className="num"><Money amount={r.available} /></td>
                  <td className="num">{count(r.financed)}</td>
                  <td className="num">{count(r.repaidOnTime)}</td>
                  <td className="num">{count(r.repaidLate)}</td>
                  <td className="num">{count(r.overdue)}{r.overdueOpen ? ` ${t("credit.open", { n: r.overdueOpen })}` : ""}</td>
                  <td className="num">{count(r.defaulted)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Loadable>
    </Card>
  );
}

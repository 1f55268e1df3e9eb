import { getBalances } from "../api/queries";
import { useResource } from "../lib/hooks";
import { useSession } from "../lib/session";
import { Card, Loadable, Money, ShortHash } from "../components/ui";
import { useTranslation } from "../i18n";

/** Settlement-token balances of treasuries: one's own, or every organisation's for auditors and the operator. */
export function Balances() {
  const { t } = useTranslation();
  const { orgName } = useSession();
  const balances = useResource(getBalances, []);
  const list = balances.data ?? [];
  return (
    <Card title={t("balances.title")} testId="balances" actions={<button type="button" className="secondary" onClick={balances.reload}>{t("action.refresh")}</button>}>
      <Loadable loading={balances.loading && !balances.data} error={balances.error} empty={list.length === 0}>
        <div className="table-wrap">
          <table>
            <thead>
              <tr><th>{t("col.organisation")}</th><th>{t("col.treasury")}</th><th className="num">{t("col.balance")}</th></tr>
            </thead>
            <tbody>
              {list.map((b) => (
                <tr key={b.orgId || b.treasury} data-testid={`balance-row-${b.orgId}`}>
                  <td>{b.name ?? orgName(b.orgId)}</td>
                  <td><ShortHash value={b.treasury} label={t("hash.treasury")} /></td>
                  <td className="num"><Money amount={b.balance} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Loadable>
    </Card>
  );
}

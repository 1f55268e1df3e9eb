import { getBalances } from "../api/queries";
import { useResource } from "../lib/hooks";
import { useSession } from "../lib/session";
import { Card, Loadable, Money, ShortHash } from "../components/ui";

/** Settlement-token balances of treasuries: one's own, or every organisation's for auditors and the operator. */
export function Balances() {
  const { orgName } = useSession();
  const balances = useResource(getBalances, []);
  const list = balances.data ?? [];
  return (
    <Card title="Treasury balances" testId="balances" actions={<button type="button" className="secondary" onClick={balances.reload}>Refresh</button>}>
      <Loadable loading={balances.loading && !balances.data} error={balances.error} empty={list.length === 0}>
        <div className="table-wrap">
          <table>
            <thead>
              <tr><th>Organisation</th><th>Treasury</th><th className="num">Balance</th></tr>
            </thead>
            <tbody>
              {list.map((b) => (
                <tr key={b.orgId || b.treasury} data-testid={`balance-row-${b.orgId}`}>
                  <td>{b.name ?? orgName(b.orgId)}</td>
                  <td><ShortHash value={b.treasury} label="treasury address" /></td>
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

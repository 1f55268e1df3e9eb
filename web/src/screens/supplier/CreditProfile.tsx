import { getCreditRecords } from "../../api/queries";
import { useResource } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { Card, Loadable, Money } from "../../components/ui";

/** The supplier's credit record with each bank: limit, what is in use, and its repayment history. */
export function CreditProfile() {
  const { me, orgName } = useSession();
  const records = useResource(() => getCreditRecords(me.org.id), [me.org.id]);
  const list = records.data ?? [];
  return (
    <Card title="Credit with each bank" testId="credit-profile">
      <Loadable loading={records.loading && !records.data} error={records.error} empty={list.length === 0}>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Bank</th><th>Limit</th><th>In use</th><th>Available</th><th>Financed</th><th>Repaid on time</th><th>Repaid late</th><th>Overdue</th><th>Defaulted</th>
              </tr>
            </thead>
            <tbody>
              {list.map((r) => (
                <tr key={r.bankOrgId} data-testid={`credit-row-${r.bankOrgId}`}>
                  <td>{r.bankName ?? orgName(r.bankOrgId)}</td>
                  <td><Money amount={r.limit} /></td>
                  <td><Money amount={r.utilised} /></td>
                  <td><Money amount={r.available} /></td>
                  <td>{r.financed ?? "—"}</td>
                  <td>{r.repaidOnTime ?? "—"}</td>
                  <td>{r.repaidLate ?? "—"}</td>
                  <td>{r.overdue ?? "—"}{r.overdueOpen ? ` (${r.overdueOpen} open)` : ""}</td>
                  <td>{r.defaulted ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Loadable>
    </Card>
  );
}

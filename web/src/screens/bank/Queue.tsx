import { listFinancing } from "../../api/queries";
import { useResource } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { formatDateTime, formatElapsed } from "../../lib/format";
import { Card, Loadable, Money, StatusBadge } from "../../components/ui";
import { PathBadge } from "../../components/PathBadge";

/** The bank's work: requests waiting for a decision, then approved ones waiting for disbursement. */
export function Queue() {
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
    <Card title="Financing requests to handle" testId="financing-queue" actions={<button type="button" className="secondary" onClick={requests.reload}>Refresh</button>}>
      <Loadable loading={requests.loading && !requests.data} error={requests.error} empty={list.length === 0}>
        <div className="table-wrap">
          <table>
            <thead>
              <tr><th>Request</th><th>Supplier → buyer</th><th className="num">Amount</th><th>Path</th><th>Approvals</th><th>Waiting</th><th>Status</th><th></th></tr>
            </thead>
            <tbody>
              {list.map((r) => {
                const mine = r.approvals.some((a) => a.officer.toLowerCase() === me.user.address.toLowerCase());
                return (
                  <tr key={r.id} data-testid={`queue-row-${r.id}`} data-invoice={r.invoiceId}>
                    <td>#{r.id}<br /><small className="muted">invoice #{r.invoiceId}</small></td>
                    <td>{r.supplierName} → {r.buyerName}</td>
                    <td className="num"><Money amount={r.amount} /></td>
                    <td><PathBadge request={r} /></td>
                    <td data-testid="queue-approvals">
                      {r.approvals.length} of {r.approvalsRequired}
                      {mine && <><br /><small className="muted">incl. yours</small></>}
                    </td>
                    <td title={formatDateTime(r.requestedAt)}>{formatElapsed(r.requestedAt)}</td>
                    <td><StatusBadge status={r.status} /></td>
                    <td><a href={`#/request/${r.id}`} data-testid={`open-request-${r.id}`}>Open dossier<span className="sr-only"> for request {r.id}</span></a></td>
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

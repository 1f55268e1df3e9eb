import { listFinancing, oneOf, pageFinancing } from "../../api/queries";
import type { FinancingRequest } from "../../api/types";
import { useResource } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { formatDateTime, formatElapsed, toMinor } from "../../lib/format";
import { listParams, useListState } from "../../lib/list";
import { Card, Loadable, Money, StatusBadge } from "../../components/ui";
import { Table } from "../../components/Table";
import { ListControls, Pager } from "../../components/ListControls";
import { PathBadge } from "../../components/PathBadge";
import { FINANCING_STATUSES } from "../orderList";
import { useTranslation } from "../../i18n";

/** The queue's sort orders: oldest first is the default (first come, first decided). */
const QUEUE_SORTS = ["oldest", "newest", "amount"] as const;

function sortRequests(list: FinancingRequest[], sort: string): FinancingRequest[] {
  const byId = (a: FinancingRequest, b: FinancingRequest) => Number(a.id) - Number(b.id);
  if (sort === "newest") return [...list].sort((a, b) => byId(b, a));
  if (sort === "amount") return [...list].sort((a, b) => (toMinor(b.amount) === toMinor(a.amount) ? byId(b, a) : toMinor(b.amount) > toMinor(a.amount) ? 1 : -1));
  return [...list].sort(byId);
}

/**
 * The bank's work: by default what waits for a decision or a disbursement (requested and approved together), or any
 * one status, searched by invoice number, party name or request id, sorted and paged.
 */
export function Queue() {
  const { t } = useTranslation();
  const { me } = useSession();
  const list = useListState({ status: "todo", sort: "oldest" });
  const s = list.state;
  const requests = useResource(async () => {
    const base = { ...listParams(s), bankOrgId: me.org.id, sort: oneOf(s.sort, QUEUE_SORTS) };
    if (s.status === "todo") {
      // Two statuses at once: both fetched whole (a queue is short) and merged, so there is one page.
      const todo = { ...base, cursor: undefined, limit: 200 };
      const [waiting, approved] = await Promise.all([listFinancing({ ...todo, status: "requested" }), listFinancing({ ...todo, status: "approved" })]);
      return { items: sortRequests([...waiting, ...approved], s.sort), nextCursor: null };
    }
    return pageFinancing({ ...base, status: oneOf(s.status, FINANCING_STATUSES) });
  }, [me.org.id, s.q, s.status, s.from, s.to, s.sort, s.pages.join(".")]);
  const rows = requests.data?.items ?? [];
  const statusWord = (v: string) => (v === "todo" ? t("list.todo") : v ? t(`status.${v}`) : t("list.anyStatus"));
  return (
    <Card title={t("queue.title")} testId="financing-queue" actions={<button type="button" className="secondary" onClick={requests.reload}>{t("action.refresh")}</button>}>
      <ListControls list={list} idPrefix="queue" statuses={["todo", "", ...FINANCING_STATUSES]} statusWord={statusWord} sorts={[...QUEUE_SORTS]} searchHint={t("list.hintFinancing")} />
      <Loadable loading={requests.loading && !requests.data} error={requests.error} empty={rows.length === 0}>
        <Table testId="queue-table">
          <thead>
            <tr><th>{t("col.request")}</th><th>{t("col.supplierBuyer")}</th><th className="num">{t("col.amount")}</th><th>{t("col.path")}</th><th>{t("col.approvals")}</th><th>{t("col.waiting")}</th><th>{t("col.status")}</th><th>{t("col.actions")}</th></tr>
          </thead>
          <tbody>
            {rows.map((r) => {
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
                  <td className="actions"><a className="button-link" href={`#/request/${r.id}`} data-testid={`open-request-${r.id}`}>{t("queue.open")}<span className="sr-only"> {t("queue.openFor", { id: r.id })}</span></a></td>
                </tr>
              );
            })}
          </tbody>
        </Table>
        <Pager list={list} nextCursor={requests.data?.nextCursor} shown={rows.length} idPrefix="queue" />
      </Loadable>
    </Card>
  );
}

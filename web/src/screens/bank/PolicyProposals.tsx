import { api, call } from "../../api/client";
import type { Answer } from "../../api/types";
import { useAction, useResource } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { PersonName, usePeople } from "../../lib/people";
import { formatBps, formatDateTime, formatMoney } from "../../lib/format";
import { ActionStatus, Card, Loadable, StatusBadge } from "../../components/ui";
import { Table } from "../../components/Table";
import { t as translate, useTranslation } from "../../i18n";

type Proposal = Answer<"/api/v1/banks/{orgId}/policy/proposals", "get">["items"][number];

/** One proposed change as a sentence: new rates, a buyer trusted or not, a supplier's new credit limit. */
function changeText(c: Proposal["changes"][number], orgName: (id: string) => string): string {
  if (c.kind === "rates") return translate("proposals.rates", { advance: formatBps(c.advanceRateBps), discount: formatBps(c.discountRateBps), fast: formatMoney(c.fastTrackLimit) });
  if (c.kind === "trustedBuyer") return translate(c.trusted ? "proposals.trust" : "proposals.untrust", { buyer: orgName(c.buyerOrgId ?? "") });
  return translate("proposals.limit", { supplier: orgName(c.supplierOrgId ?? ""), limit: formatMoney(c.limit) });
}

/**
 * The bank's maker-checker trail: every policy proposal with its changes, who proposed and who approved; a pending one
 * is applied when an officer other than its proposer approves it.
 */
export function PolicyProposals({ onApplied }: { onApplied: () => void }) {
  const { t } = useTranslation();
  const { me, orgName } = useSession();
  const nameOf = usePeople();
  const proposals = useResource(() => call(api.GET("/api/v1/banks/{orgId}/policy/proposals", { params: { path: { orgId: me.org.id } } })).then((p) => p.items), [me.org.id, "policy-proposals"]);
  const action = useAction();
  const approve = async (p: Proposal) => {
    const done = await action.run(() => call(api.POST("/api/v1/banks/{orgId}/policy/proposals/{id}/approve", { params: { path: { orgId: me.org.id, id: p.id } } })), translate("proposals.approved", { id: p.id }));
    if (done) {
      proposals.reload();
      onApplied();
    }
  };
  const rows = proposals.data ?? [];
  return (
    <Card title={t("proposals.title")} testId="policy-proposals">
      <ActionStatus state={action.state} testId="proposals-status" />
      <Loadable loading={proposals.loading && !proposals.data} error={proposals.error} empty={rows.length === 0}>
        <Table testId="policy-proposals-table">
          <thead>
            <tr><th>{t("proposals.proposal")}</th><th>{t("proposals.changes")}</th><th>{t("people.proposedBy")}</th><th>{t("col.status")}</th><th>{t("col.actions")}</th></tr>
          </thead>
          <tbody>
            {rows.map((p) => {
              const mine = p.proposedBy.toLowerCase() === me.user.address.toLowerCase();
              return (
                <tr key={p.id} data-testid={`policy-proposal-${p.id}`} data-status={p.status}>
                  <td>#{p.id}<small className="block muted">{formatDateTime(p.proposedAt)}</small></td>
                  <td>{p.changes.length ? <ul className="plain">{p.changes.map((c, i) => <li key={i}>{changeText(c, orgName)}</li>)}</ul> : t("proposals.noChange")}</td>
                  <td><PersonName address={p.proposedBy} nameOf={nameOf} /></td>
                  <td>
                    <StatusBadge status={p.status} />
                    {p.approvedBy && <small className="block muted">{t("people.decidedBy", { name: nameOf(p.approvedBy) ?? p.approvedBy, at: formatDateTime(p.decidedAt) })}</small>}
                  </td>
                  <td className="actions">
                    {p.status === "pending" && (mine
                      ? <small className="muted">{t("proposals.yours")}</small>
                      : <button type="button" className="primary" disabled={action.pending} onClick={() => approve(p)} data-testid="policy-proposal-approve">{t("proposals.approve")}</button>)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      </Loadable>
    </Card>
  );
}

import { useState } from "react";
import { useTranslation } from "../i18n";
import { useResource } from "../lib/hooks";
import { useSession } from "../lib/session";
import { Card, Loadable } from "../components/ui";
import { listCases } from "./api";
import { CaseClock, CaseFlags } from "./Clock";
import { CaseCategory, CaseStatus, CaseSubject } from "./CaseRow";
import { files } from "./roles";

type View = "mine" | "org";
type Status = "open" | "resolved" | "all";

/**
 * The cases a person works on: the ones assigned to them, or every case their organisation filed or handles (every
 * case for auditors and the operator), open or resolved, each with its two clocks and flags.
 */
export function CaseList() {
  const { t } = useTranslation();
  const { me, orgName } = useSession();
  const member = files(me);
  const [view, setView] = useState<View>(member ? "mine" : "org");
  const [status, setStatus] = useState<Status>("open");
  const cases = useResource(
    () => listCases({ ...(view === "mine" ? { assignee: "me" } : {}), ...(status === "all" ? {} : { status }) }),
    [view, status, "desk-cases"],
  );
  const list = cases.data ?? [];
  return (
    <Card title={t("desk.cases.title")} testId="desk-cases" actions={<button type="button" className="secondary" onClick={cases.reload}>{t("action.refresh")}</button>}>
      <div className="desk-range">
        {member && (
          <div className="field">
            <label htmlFor="desk-cases-view">{t("desk.cases.view")}</label>
            <select id="desk-cases-view" data-testid="desk-cases-view" value={view} onChange={(e) => setView(e.target.value === "org" ? "org" : "mine")}>
              <option value="mine">{t("desk.cases.mine")}</option>
              <option value="org">{t("desk.cases.org")}</option>
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="desk-cases-status">{t("desk.cases.status")}</label>
          <select id="desk-cases-status" data-testid="desk-cases-status" value={status} onChange={(e) => setStatus(e.target.value === "resolved" ? "resolved" : e.target.value === "all" ? "all" : "open")}>
            <option value="open">{t("desk.cases.open")}</option>
            <option value="resolved">{t("desk.cases.resolved")}</option>
            <option value="all">{t("desk.cases.all")}</option>
          </select>
        </div>
      </div>
      <Loadable loading={cases.loading && !cases.data} error={cases.error} empty={list.length === 0}>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("desk.col.case")}</th>
                <th>{t("desk.col.parties")}</th>
                <th>{t("desk.col.category")}</th>
                <th>{t("desk.col.assignee")}</th>
                <th>{t("desk.col.response")}</th>
                <th>{t("desk.col.resolution")}</th>
                <th>{t("col.status")}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <tr key={c.id} data-testid={`case-row-${c.id}`}>
                  <td>
                    <a href={`#/desk/case/${c.id}`} data-testid={`open-case-${c.id}`}>{t("desk.case.number", { id: c.id })}</a>
                    <br />
                    <small className="muted"><CaseSubject c={c} /></small>
                  </td>
                  <td>{t("desk.case.parties", { from: orgName(c.filedBy.orgId), to: orgName(c.handlingOrgId) })}</td>
                  <td><CaseCategory c={c} /></td>
                  <td>{c.assignee ? c.assignee.name : t("desk.case.admins")}</td>
                  <td><CaseClock c={c} which="response" /> <CaseFlags c={c} /></td>
                  <td><CaseClock c={c} which="resolution" /></td>
                  <td><CaseStatus c={c} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Loadable>
    </Card>
  );
}

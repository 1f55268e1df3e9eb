import { useState } from "react";
import { api, call } from "../api/client";
import type { Dispute } from "../api/types";
import { useAction, useResource } from "../lib/hooks";
import { useSession } from "../lib/session";
import { formatDateTime, formatElapsed } from "../lib/format";
import { ActionStatus, Card, Loadable, StatusBadge } from "../components/ui";
import { ListControls } from "../components/ListControls";
import { useListState } from "../lib/list";
import { t as translate, useTranslation } from "../i18n";

/** Disputes and complaints with their 48-hour response clock; the organisation they are routed to answers. */
export function Disputes() {
  const { t } = useTranslation();
  const { me, orgName } = useSession();
  const filter = useListState();
  const f = filter.state;
  // The API filters by status; the text search runs here over what the caller may see (a few disputes at most).
  const disputes = useResource(() => call(api.GET("/api/v1/disputes", { params: { query: f.status === "open" || f.status === "answered" ? { status: f.status } : {} } })).then((p) => p.items), [f.status]);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const action = useAction();
  const needle = f.q.toLowerCase();
  const list = (disputes.data ?? []).filter((d) => {
    if (!needle) return true;
    const text = [d.id, d.subjectId, d.reason, d.response ?? "", orgName(d.raisedByOrgId), orgName(d.assignedOrgId), t(`category.${d.category}`)].join(" ").toLowerCase();
    return text.includes(needle);
  });

  const respond = async (d: Dispute) => {
    const response = (answers[d.id] ?? "").trim();
    if (!response) {
      action.fail(translate("disputes.writeFirst"));
      return;
    }
    const done = await action.run(
      () => call(api.POST("/api/v1/disputes/{id}/respond", { params: { path: { id: d.id } }, body: { response } })),
      translate("disputes.responded", { id: d.id }),
      translate("disputes.sending"),
    );
    if (done) {
      setAnswers((a) => ({ ...a, [d.id]: "" }));
      disputes.reload();
    }
  };

  return (
    <Card title={t("disputes.title")} testId="disputes" actions={<button type="button" className="secondary" onClick={disputes.reload}>{t("action.refresh")}</button>}>
      <ListControls list={filter} idPrefix="disputes" statuses={["", "open", "answered"]} dates={false} searchHint={t("list.hintDisputes")} />
      <ActionStatus state={action.state} />
      <Loadable loading={disputes.loading && !disputes.data} error={disputes.error} empty={list.length === 0}>
        <ul className="cards">
          {list.map((d) => {
            const due = d.respondBy;
            const answered = Boolean(d.response);
            const late = !answered && new Date(due).getTime() < Date.now();
            const subject = t(`subject.${d.subjectType}`, { id: d.subjectId });
            return (
              <li key={d.id} className="card inner" data-testid={`dispute-${d.id}`}>
                <p>
                  <strong>{subject}</strong> <StatusBadge status={d.status} /> · {t(`category.${d.category}`)}
                  {" · "}{t("disputes.raisedBy", { org: orgName(d.raisedByOrgId) })}
                  {" · "}{t("disputes.assignedTo", { org: orgName(d.assignedOrgId) })}
                </p>
                <p>{t("disputes.quote", { text: d.reason })}</p>
                <p className={late ? "text-error" : "muted"}>
                  {answered
                    ? t(d.clock === "answered_late" ? "disputes.answeredLate" : "disputes.answered", { at: formatDateTime(d.respondedAt ?? "") })
                    : late
                      ? t("disputes.overdue", { at: formatDateTime(due), ago: formatElapsed(due) })
                      : t("disputes.respondBy", { at: formatDateTime(due) })}
                </p>
                {d.response && <p>{t("disputes.response", { text: d.response })}</p>}
                {!answered && d.assignedOrgId === me.org.id && (
                  <div className="inline-form">
                    <label htmlFor={`dispute-response-${d.id}`}>{t("disputes.yourResponse")}</label>
                    <textarea id={`dispute-response-${d.id}`} rows={2} value={answers[d.id] ?? ""} onChange={(e) => setAnswers({ ...answers, [d.id]: e.target.value })} />
                    <button type="button" className="primary" disabled={action.pending} onClick={() => respond(d)}>{t("disputes.send")}</button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      </Loadable>
    </Card>
  );
}

import { useState } from "react";
import { api, call } from "../api/client";
import type { Dispute } from "../api/types";
import { useAction, useResource } from "../lib/hooks";
import { useSession } from "../lib/session";
import { formatDateTime, formatElapsed, humanise } from "../lib/format";
import { ActionStatus, Card, Loadable, StatusBadge } from "../components/ui";


/** Disputes and complaints with their 48-hour response clock; the organisation they are routed to answers. */
export function Disputes() {
  const { me, orgName } = useSession();
  const disputes = useResource(() => call(api.GET("/api/v1/disputes")).then((p) => p.items), []);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const action = useAction();
  const list = disputes.data ?? [];

  const respond = async (d: Dispute) => {
    const response = (answers[d.id] ?? "").trim();
    if (!response) {
      action.fail("Write a response before sending it.");
      return;
    }
    const done = await action.run(() => call(api.POST("/api/v1/disputes/{id}/respond", { params: { path: { id: d.id } }, body: { response } })), `Response to dispute #${d.id} recorded.`, "Sending the response…");
    if (done) disputes.reload();
  };

  return (
    <Card title="Disputes and complaints" testId="disputes" actions={<button type="button" className="secondary" onClick={disputes.reload}>Refresh</button>}>
      <ActionStatus state={action.state} />
      <Loadable loading={disputes.loading && !disputes.data} error={disputes.error} empty={list.length === 0}>
        <ul className="cards">
          {list.map((d) => {
            const due = d.respondBy;
            const answered = Boolean(d.response);
            const late = !answered && new Date(due).getTime() < Date.now();
            const subject = `${humanise(d.subjectType)} #${d.subjectId}`;
            return (
              <li key={d.id} className="card inner" data-testid={`dispute-${d.id}`}>
                <p>
                  <strong>{subject}</strong> <StatusBadge status={d.status} /> · {humanise(d.category)}
                   · raised by {orgName(d.raisedByOrgId)}
                   · to {orgName(d.assignedOrgId)}
                </p>
                <p>“{d.reason}”</p>
                <p className={late ? "text-error" : "muted"}>
                  {answered
                    ? `Answered ${formatDateTime(d.respondedAt ?? "")}${d.clock === "answered_late" ? " (after the 48 hours)" : ""}.`
                    : late
                      ? `Response was due ${formatDateTime(due)} (${formatElapsed(due)} ago).`
                      : `Respond by ${formatDateTime(due)}.`}
                </p>
                {d.response && <p>Response: {d.response}</p>}
                {!answered && d.assignedOrgId === me.org.id && (
                  <div className="inline-form">
                    <label htmlFor={`dispute-response-${d.id}`}>Your response</label>
                    <textarea id={`dispute-response-${d.id}`} rows={2} value={answers[d.id] ?? ""} onChange={(e) => setAnswers({ ...answers, [d.id]: e.target.value })} />
                    <button type="button" className="primary" disabled={action.pending} onClick={() => respond(d)}>Send response</button>
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

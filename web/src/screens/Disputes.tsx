import { useState } from "react";
import { api, itemsOf } from "../api/client";
import type { Dispute } from "../api/types";
import { useAction, useResource } from "../lib/hooks";
import { useSession } from "../lib/session";
import { formatDateTime, formatElapsed, humanise } from "../lib/format";
import { ActionStatus, Card, Loadable, StatusBadge } from "../components/ui";

const RESPONSE_WINDOW_MS = 48 * 3600 * 1000;

function deadline(d: Dispute): string | undefined {
  if (d.respondBy) return d.respondBy;
  const opened = (d.openedAt ?? d.raisedAt) as string | undefined;
  return opened ? new Date(new Date(opened).getTime() + RESPONSE_WINDOW_MS).toISOString() : undefined;
}

/** Disputes and complaints with their 48-hour response clock; the organisation they are routed to answers. */
export function Disputes() {
  const { me, orgName } = useSession();
  const disputes = useResource(() => api.get("/disputes").then(itemsOf<Dispute>), []);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const action = useAction();
  const list = disputes.data ?? [];

  const respond = async (d: Dispute) => {
    const response = (answers[d.id] ?? "").trim();
    if (!response) {
      action.fail("Write a response before sending it.");
      return;
    }
    const done = await action.run(() => api.post(`/disputes/${d.id}/respond`, { response }), `Response to dispute #${d.id} recorded.`, "Sending the response…");
    if (done) disputes.reload();
  };

  return (
    <Card title="Disputes and complaints" testId="disputes" actions={<button type="button" className="secondary" onClick={disputes.reload}>Refresh</button>}>
      <ActionStatus state={action.state} />
      <Loadable loading={disputes.loading && !disputes.data} error={disputes.error} empty={list.length === 0}>
        <ul className="cards">
          {list.map((d) => {
            const due = deadline(d);
            const answered = Boolean(d.response);
            const late = !answered && due ? new Date(due).getTime() < Date.now() : false;
            const subject = d.subjectType ? `${humanise(String(d.subjectType))} #${String(d.subjectId)}` : `Invoice #${d.invoiceId}`;
            return (
              <li key={d.id} className="card inner" data-testid={`dispute-${d.id}`}>
                <p>
                  <strong>{subject}</strong> {d.status && <StatusBadge status={String(d.status)} />} · {humanise(String(d.category ?? "other"))}
                  {d.raisedByOrgId ? <> · raised by {orgName(String(d.raisedByOrgId))}</> : null}
                  {d.assignedOrgId ? <> · to {orgName(String(d.assignedOrgId))}</> : null}
                </p>
                {d.reason && <p>“{String(d.reason)}”</p>}
                <p className={late ? "text-error" : "muted"}>
                  {answered
                    ? `Answered ${formatDateTime(String(d.respondedAt ?? ""))}${d.clock === "answered_late" ? " (after the 48 hours)" : ""}.`
                    : due
                      ? late ? `Response was due ${formatDateTime(due)} (${formatElapsed(due)} ago).` : `Respond by ${formatDateTime(due)}.`
                      : "No response deadline given."}
                </p>
                {d.response && <p>Response: {String(d.response)}</p>}
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

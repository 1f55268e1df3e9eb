import { useState } from "react";
import { api, itemsOf } from "../api/client";
import type { Dispute } from "../api/types";
import { useAction, useResource } from "../lib/hooks";
import { useSession } from "../lib/session";
import { formatDateTime, formatElapsed } from "../lib/format";
import { ActionStatus, Card, Loadable, StatusBadge } from "../components/ui";

const RESPONSE_WINDOW_MS = 48 * 3600 * 1000;

function deadline(d: Dispute): string | undefined {
  const explicit = (d.respondBy ?? d.deadline ?? d.responseDueAt) as string | undefined;
  if (explicit) return explicit;
  const raised = (d.raisedAt ?? d.createdAt ?? d.openedAt) as string | undefined;
  return raised ? new Date(new Date(raised).getTime() + RESPONSE_WINDOW_MS).toISOString() : undefined;
}

/** Disputed invoices with the 48-hour response clock; the supplier answers each one. */
export function Disputes() {
  const { me } = useSession();
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
    const done = await action.run(() => api.post(`/disputes/${d.id}/respond`, { response }), `Response to the dispute on invoice #${d.invoiceId} recorded.`);
    if (done) disputes.reload();
  };

  return (
    <Card title="Disputes" testId="disputes">
      <ActionStatus state={action.state} />
      <Loadable loading={disputes.loading && !disputes.data} error={disputes.error} empty={list.length === 0}>
        <ul className="cards">
          {list.map((d) => {
            const due = deadline(d);
            const late = due ? new Date(due).getTime() < Date.now() : false;
            return (
              <li key={d.id} className="card inner" data-testid={`dispute-${d.id}`}>
                <p>
                  <strong>Invoice #{d.invoiceId}</strong> {d.status && <StatusBadge status={String(d.status)} />}
                  {d.category && <> · {String(d.category)}</>} {d.reasonCode !== undefined && <> · reason code {d.reasonCode}</>}
                </p>
                {d.reason && <p>“{String(d.reason)}”</p>}
                <p className={late ? "text-error" : "muted"}>
                  {due ? (late ? `Response was due ${formatDateTime(due)} (${formatElapsed(due)} ago).` : `Respond by ${formatDateTime(due)}.`) : "No response deadline given."}
                </p>
                {d.response && <p>Response: {String(d.response)}</p>}
                {me.user.role === "supplier" && !d.response && (
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

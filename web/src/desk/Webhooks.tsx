import { useState, type FormEvent } from "react";
import { t as translate, useTranslation } from "../i18n";
import { useAction, useResource } from "../lib/hooks";
import { formatDateTime } from "../lib/format";
import { ActionStatus, Card, Field, fieldProps, Loadable, StatusBadge } from "../components/ui";
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, retryDelivery, type CreatedWebhook, type Webhook } from "./api";

/** The ledger events a webhook can pick one by one (the catalogue names each); "*" takes every event. */
const EVENTS = [
  "OrderIssued", "OrderAccepted", "OrderRejected", "OrderCancelled", "InvoiceIssued", "InvoiceConfirmed", "InvoiceDisputed",
  "InvoiceDisputeWithdrawn", "InvoiceCancelled", "InvoicePaymentMade", "InvoiceMarkedOverdue", "FinancingRequested",
  "FinancingApproved", "FinancingRejected", "FinancingWithdrawn", "FinancingDisbursed", "FinancingRepaymentReceived", "FinancingDefaulted",
];

/**
 * The organisation's webhooks (Standard Webhooks): register a target for its systems (the signing secret is shown
 * once), see each one's deliveries with every attempt, retry a failed one, delete a webhook.
 */
export function Webhooks() {
  const { t } = useTranslation();
  const hooks = useResource(listWebhooks, ["desk-webhooks"]);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  // The outcome of a deletion stays on screen after the webhook leaves the list.
  const removal = useAction();
  const list = hooks.data ?? [];
  const remove = async (w: Webhook) => {
    if (await removal.run(() => deleteWebhook(w.id), translate("desk.webhooks.deleted", { url: w.url }))) hooks.reload();
  };
  return (
    <>
      <Register onCreated={(w) => { setCreated(w); hooks.reload(); }} />
      {created && (
        <Card title={t("desk.webhooks.secretTitle")} testId="webhook-created">
          <p>{t("desk.webhooks.secretOnce", { url: created.url })}</p>
          <p><code className="desk-secret" data-testid="webhook-secret">{created.secret}</code></p>
          <button type="button" className="secondary" onClick={() => setCreated(null)}>{t("desk.webhooks.secretDone")}</button>
        </Card>
      )}
      <Card title={t("desk.webhooks.title")} testId="desk-webhooks" actions={<button type="button" className="secondary" onClick={hooks.reload}>{t("action.refresh")}</button>}>
        <ActionStatus state={removal.state} testId="webhook-list-status" />
        <Loadable loading={hooks.loading && !hooks.data} error={hooks.error} empty={list.length === 0}>
          <ul className="cards">
            {list.map((w) => (
              <WebhookItem key={w.id} w={w} open={open === w.id} toggle={() => setOpen(open === w.id ? null : w.id)} remove={() => remove(w)} pending={removal.pending} />
            ))}
          </ul>
        </Loadable>
      </Card>
    </>
  );
}

function Register({ onCreated }: { onCreated: (w: CreatedWebhook) => void }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [all, setAll] = useState(true);
  const [events, setEvents] = useState<string[]>([]);
  const [problems, setProblems] = useState<{ url?: string; events?: string }>({});
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = { url: /^https?:\/\/\S+$/i.test(url.trim()) ? undefined : t("desk.webhooks.badUrl"), events: all || events.length ? undefined : t("desk.webhooks.chooseEvents") };
    setProblems(found);
    if (found.url || found.events) return;
    const done = await action.run(
      () => createWebhook({ url: url.trim(), events: all ? ["*"] : events, ...(description.trim() ? { description: description.trim() } : {}) }),
      (w) => translate("desk.webhooks.created", { id: w.id, url: w.url }),
    );
    if (done) {
      setUrl("");
      setDescription("");
      onCreated(done);
    }
  };
  return (
    <Card title={t("desk.webhooks.register")} testId="webhook-register">
      <p className="muted">{t("desk.webhooks.intro")}</p>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field id="desk-webhook-url" label={t("desk.webhooks.url")} error={problems.url}>
          <input {...fieldProps("desk-webhook-url", problems.url)} type="url" data-testid="webhook-url" value={url} onChange={(e) => setUrl(e.target.value)} />
        </Field>
        <Field id="desk-webhook-description" label={t("desk.webhooks.description")}>
          <input id="desk-webhook-description" name="desk-webhook-description" data-testid="webhook-description" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
        </Field>
        <fieldset className="span-all">
          <legend>{t("desk.webhooks.events")}</legend>
          <label className="inline-field">
            <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} data-testid="webhook-all-events" /> {t("desk.webhooks.allEvents")}
          </label>
          {!all && (
            <div className="desk-events">
              {EVENTS.map((name) => (
                <label key={name}>
                  <input type="checkbox" checked={events.includes(name)} onChange={(e) => setEvents(e.target.checked ? [...events, name] : events.filter((x) => x !== name))} />
                  {t(`eventName.${name}`)}
                </label>
              ))}
            </div>
          )}
          {problems.events && <small className="field-error" role="alert">{problems.events}</small>}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={action.pending} data-testid="webhook-submit">{t("desk.webhooks.submit")}</button>
        </div>
      </form>
      <ActionStatus state={action.state} testId="webhook-status" />
    </Card>
  );
}

function WebhookItem({ w, open, toggle, remove, pending }: { w: Webhook; open: boolean; toggle: () => void; remove: () => void; pending: boolean }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  return (
    <li className="card inner" data-testid={`webhook-${w.id}`}>
      <p>
        <strong>{w.url}</strong> <StatusBadge status={w.status} />
        {w.description && <> · {w.description}</>}
      </p>
      <p className="muted">
        {t("desk.webhooks.listens", { events: w.events.includes("*") ? t("desk.webhooks.allEvents") : w.events.map((e) => t(`eventName.${e}`, { defaultValue: e })).join(t("desk.levels.separator")) })}
        {" · "}{t("desk.webhooks.since", { at: formatDateTime(w.createdAt) })}
        {w.failingSince && <> · <span className="text-error">{t("desk.webhooks.failingSince", { at: formatDateTime(w.failingSince) })}</span></>}
      </p>
      {w.disabledReason && <p className="text-error">{t("desk.webhooks.disabledBecause", { reason: w.disabledReason })}</p>}
      <div className="inline-form">
        <button type="button" className="secondary" onClick={toggle} aria-expanded={open} data-testid="webhook-deliveries-toggle">{t(open ? "desk.webhooks.hideDeliveries" : "desk.webhooks.showDeliveries")}</button>
        {confirming ? (
          <>
            <button type="button" className="danger" onClick={remove} disabled={pending} data-testid="webhook-delete-confirm">{t("desk.webhooks.deleteConfirm", { url: w.url })}</button>
            <button type="button" className="link-button" onClick={() => setConfirming(false)}>{t("desk.webhooks.keep")}</button>
          </>
        ) : (
          <button type="button" className="danger" onClick={() => setConfirming(true)} data-testid="webhook-delete">{t("desk.webhooks.delete")}</button>
        )}
      </div>
      {open && <Deliveries webhookId={w.id} />}
    </li>
  );
}

function Deliveries({ webhookId }: { webhookId: string }) {
  const { t } = useTranslation();
  const deliveries = useResource(() => listDeliveries(webhookId), [webhookId, "desk-deliveries"]);
  const action = useAction();
  const list = deliveries.data ?? [];
  const retry = async (id: string, messageId: string) => {
    if (await action.run(() => retryDelivery(webhookId, id), translate("desk.webhooks.retried", { id: messageId }))) deliveries.reload();
  };
  return (
    <>
      <ActionStatus state={action.state} testId="delivery-status" />
      <Loadable loading={deliveries.loading && !deliveries.data} error={deliveries.error} empty={list.length === 0}>
        <div className="table-wrap">
          <table data-testid={`deliveries-${webhookId}`}>
            <thead>
              <tr><th>{t("desk.webhooks.event")}</th><th>{t("col.status")}</th><th className="num">{t("desk.webhooks.attempts")}</th><th>{t("desk.webhooks.last")}</th><th>{t("desk.webhooks.messageId")}</th><th><span className="sr-only">{t("col.actions")}</span></th></tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr key={d.id} data-testid={`delivery-${d.id}`}>
                  <td>{t(`eventName.${d.eventType}`, { defaultValue: d.eventType })}<br /><small className="muted">{formatDateTime(d.createdAt)}</small></td>
                  <td><StatusBadge status={d.status} /></td>
                  <td className="num">{d.attempts}</td>
                  <td>
                    {d.deliveredAt ? t("desk.webhooks.deliveredAt", { at: formatDateTime(d.deliveredAt) }) : d.lastStatusCode !== null ? t("desk.webhooks.answered", { code: d.lastStatusCode }) : d.lastError ? t("desk.webhooks.unreachable") : "—"}
                    {d.nextAttemptAt && d.status === "pending" && <><br /><small className="muted">{t("desk.webhooks.next", { at: formatDateTime(d.nextAttemptAt) })}</small></>}
                  </td>
                  <td><code>{d.messageId}</code></td>
                  <td>
                    {(d.status === "failed" || d.status === "cancelled") && (
                      <button type="button" className="secondary" onClick={() => retry(d.id, d.messageId)} disabled={action.pending}>{t("desk.webhooks.retry")}<span className="sr-only"> {d.messageId}</span></button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Loadable>
    </>
  );
}

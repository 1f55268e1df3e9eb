import { useState, type FormEvent } from "react";
import { t as translate, useTranslation } from "../i18n";
import { useAction, useResource } from "../lib/hooks";
import { formatDateTime } from "../lib/format";
import { useSession } from "../lib/session";
import { queryClient } from "../lib/live";
import { ActionStatus, Card, Loadable } from "../components/ui";
import { listNotifications, markAllRead, markRead, setEmail, type Notification } from "./api";

/** Notifications whose body is the words of a person (an answer, a resolution, the complaint): shown as a quote. */
const QUOTES_PEOPLE = new Set<Notification["kind"]>(["case_answered", "case_resolved", "case_escalated", "case_response_breached"]);

/** Where a notification leads in the console (a financing request: the officer's dossier, the supplier's invoices). */
function linkOf(n: Notification, role: string): string | null {
  if (!n.subject) return null;
  if (n.subject.type === "case") return `#/desk/case/${n.subject.id}`;
  if (n.subject.type === "financing") return role === "officer" ? `#/request/${n.subject.id}` : `#/invoices`;
  if (n.subject.type === "invoice") return `#/invoices`;
  if (n.subject.type === "webhook") return `#/desk/webhooks`;
  return null;
}

/** The person's inbox, newest first, with the unread count; marking read one by one or all at once. */
export function Inbox() {
  const { t } = useTranslation();
  const { me } = useSession();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const inbox = useResource(() => listNotifications(unreadOnly), [unreadOnly, "desk-inbox"]);
  const action = useAction();
  const items = inbox.data?.items ?? [];
  const unread = inbox.data?.unread ?? 0;

  // Reading changes nothing on the ledger, so every unread count on screen (the tab, the desk's menu) is refreshed here.
  const refreshCounts = () => void queryClient.invalidateQueries();
  const readOne = async (n: Notification) => {
    if (await action.run(() => markRead(n.id), translate("desk.inbox.markedOne"))) refreshCounts();
  };
  const readAll = async () => {
    if (await action.run(() => markAllRead(), (r) => translate("desk.inbox.markedAll", { count: r.marked }))) refreshCounts();
  };

  return (
    <Card
      title={t("desk.inbox.title")}
      testId="desk-inbox"
      actions={<button type="button" className="secondary" onClick={readAll} disabled={unread === 0 || action.pending} data-testid="inbox-read-all">{t("desk.inbox.readAll")}</button>}
    >
      <p data-testid="inbox-unread" data-count={unread} className={unread ? "desk-unread" : "muted"}>{t("desk.inbox.unread", { count: unread })}</p>
      <label className="inline-field">
        <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} data-testid="inbox-unread-only" /> {t("desk.inbox.unreadOnly")}
      </label>
      <ActionStatus state={action.state} testId="inbox-status" />
      <Loadable loading={inbox.loading && !inbox.data} error={inbox.error} empty={items.length === 0}>
        <ul className="cards">
          {items.map((n) => {
            const link = linkOf(n, me.user.role);
            const about = n.subject ? t(`desk.noticeSubject.${n.subject.type}`, { id: n.subject.id, defaultValue: "" }) : "";
            return (
              <li key={n.id} className="card inner" data-testid={`notification-${n.id}`} data-kind={n.kind} data-read={n.readAt ? "true" : "false"}>
                <p>
                  <strong className={n.readAt ? undefined : "desk-unread"}>{t(`desk.notice.${n.kind}`)}</strong>
                  {about && <> · {link ? <a href={link} data-testid="notification-link">{about}</a> : about}</>}
                  {" · "}<time dateTime={n.createdAt} className="muted">{formatDateTime(n.createdAt)}</time>
                  {!n.readAt && <span className="sr-only"> {t("desk.inbox.isUnread")}</span>}
                </p>
                {QUOTES_PEOPLE.has(n.kind) && n.body && <p>{t("desk.case.quote", { text: n.body })}</p>}
                {!n.readAt && (
                  <button type="button" className="link-button" onClick={() => readOne(n)} disabled={action.pending} data-testid="notification-read">
                    {t("desk.inbox.markRead")}<span className="sr-only"> {t(`desk.notice.${n.kind}`)}</span>
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      </Loadable>
      <EmailSetting />
    </Card>
  );
}

/** The address notifications are also emailed to, when the gateway sends email. */
function EmailSetting() {
  const { t } = useTranslation();
  const [email, setValue] = useState("");
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const address = email.trim() || null;
    await action.run(() => setEmail(address), (r) => (r.email ? translate(r.smtpConfigured ? "desk.email.set" : "desk.email.setNoSmtp", { email: r.email }) : translate("desk.email.cleared")));
  };
  return (
    <form onSubmit={submit} className="inline-form" aria-labelledby="desk-email-title">
      <h3 id="desk-email-title">{t("desk.email.title")}</h3>
      <label htmlFor="desk-email">{t("desk.email.label")}</label>
      <input id="desk-email" type="email" value={email} onChange={(e) => setValue(e.target.value)} autoComplete="email" />
      <button type="submit" className="secondary" disabled={action.pending}>{t("desk.email.save")}</button>
      <ActionStatus state={action.state} testId="email-status" />
    </form>
  );
}

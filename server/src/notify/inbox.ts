import { prepared } from "../db/stmt";
import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import type { GatewayDb } from "../store/gateway-db";
import type { Mailer } from "./mailer";
import { notFound } from "../shared/errors";

/** What a notification is about; the console picks the screen and the words from it. */
export const NOTIFICATION_KINDS = [
  "request_in_queue",
  "invoice_to_confirm",
  "case_assigned",
  "case_escalated",
  "case_response_breached",
  "case_answered",
  "case_resolved",
  "due_in_7_days",
  "due_in_1_day",
  "payout_received",
  "webhook_disabled",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface NewNotification {
  kind: NotificationKind;
  title: string;
  body: string;
  subjectType?: string;
  subjectId?: string;
  /** Set for reminders: the same key for the same person is stored once, however often the keeper runs. */
  dedupeKey?: string;
}

interface Row {
  id: number;
  user_id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  subject_type: string | null;
  subject_id: string | null;
  created_at: number;
  read_at: number | null;
  emailed_at: number | null;
}

const view = (r: Row) => ({
  id: String(r.id),
  kind: r.kind,
  title: r.title,
  body: r.body,
  subject: r.subject_type && r.subject_id ? { type: r.subject_type, id: r.subject_id } : null,
  createdAt: new Date(r.created_at).toISOString(),
  readAt: r.read_at === null ? null : new Date(r.read_at).toISOString(),
  emailed: r.emailed_at !== null,
});
export type NotificationView = ReturnType<typeof view>;

/**
 * The in-app inbox of every person, and email through SMTP when the gateway has a mailer and the person gave an
 * address. A notification is stored first; the email follows and its failure is recorded on the row, never thrown at
 * whoever caused the notification.
 */
export class Inbox {
  /** Emits "notification" ({ userId }) for each notification stored, so the person's open console shows it at once. */
  readonly changes = new EventEmitter();

  constructor(
    private readonly db: GatewayDb,
    private readonly now: () => number,
    private readonly mailer?: Mailer,
    private readonly logger?: Logger,
  ) {
    // One listener per open event stream.
    this.changes.setMaxListeners(0);
  }

  /** Puts `n` in each person's inbox (once per dedupe key); returns the ids stored. */
  notify(userIds: readonly string[], n: NewNotification): number[] {
    const insert = prepared(
      this.db,
      `INSERT INTO notifications (user_id, kind, title, body, subject_type, subject_id, dedupe_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(dedupe_key) DO NOTHING`,
    );
    const ids: number[] = [];
    for (const u of new Set(userIds)) {
      const r = insert.run(
        u,
        n.kind,
        n.title,
        n.body,
        n.subjectType ?? null,
        n.subjectId ?? null,
        n.dedupeKey ? `${n.dedupeKey}:${u}` : null,
        this.now(),
      );
      if (r.changes > 0) {
        ids.push(Number(r.lastInsertRowid));
        this.changes.emit("notification", { userId: u });
      }
    }
    if (this.mailer) {
      for (const id of ids) {
        const sending = this.email(id).finally(() => this.sending.delete(sending));
        this.sending.add(sending);
      }
    }
    return ids;
  }

  /** Emails on their way; the gateway waits for them (briefly) before it closes the database they are recorded in. */
  private readonly sending = new Set<Promise<void>>();

  /** Waits up to `ms` for the emails being sent, so their outcome is recorded before the database closes. */
  async drain(ms = 5_000): Promise<void> {
    await Promise.race([Promise.allSettled([...this.sending]), new Promise((r) => setTimeout(r, ms).unref())]);
  }

  private async email(id: number): Promise<void> {
    const row = this.db
      .prepare(
        "SELECT n.*, e.email FROM notifications n JOIN notification_emails e ON e.user_id = n.user_id WHERE n.id = ?",
      )
      .get(id) as (Row & { email: string }) | undefined;
    if (!row || !this.mailer) return;
    try {
      await this.mailer.send({ to: row.email, subject: row.title, text: row.body });
      if (this.db.open) this.db.prepare("UPDATE notifications SET emailed_at = ? WHERE id = ?").run(this.now(), id);
    } catch (err) {
      if (this.db.open)
        this.db.prepare("UPDATE notifications SET email_error = ? WHERE id = ?").run((err as Error).message, id);
      this.logger?.warn({ err, notification: id }, "notification email not sent");
    }
  }

  list(userId: string, f: { unread?: boolean; limit: number; beforeId?: number }) {
    const rows = this.db
      .prepare(
        `SELECT * FROM notifications WHERE user_id = ? AND (? = 0 OR read_at IS NULL) AND (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?`,
      )
      .all(userId, f.unread ? 1 : 0, f.beforeId ?? null, f.beforeId ?? null, f.limit + 1) as Row[];
    const more = rows.length > f.limit;
    const items = rows.slice(0, f.limit).map(view);
    return { items, nextCursor: more ? items[items.length - 1].id : null, unread: this.unreadCount(userId) };
  }

  unreadCount(userId: string): number {
    return (
      this.db.prepare("SELECT COUNT(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL").get(userId) as {
        n: number;
      }
    ).n;
  }

  /** Unread counts by kind, and in all. */
  counts(userId: string) {
    const rows = this.db
      .prepare("SELECT kind, COUNT(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL GROUP BY kind")
      .all(userId) as { kind: string; n: number }[];
    return {
      unread: rows.reduce((s, r) => s + r.n, 0),
      byKind: Object.fromEntries(rows.map((r) => [r.kind, r.n])) as Record<string, number>,
    };
  }

  markRead(userId: string, id: string) {
    const row = this.db.prepare("SELECT * FROM notifications WHERE id = ? AND user_id = ?").get(id, userId) as
      Row | undefined;
    if (!row) throw notFound(`Notification ${id}`);
    if (row.read_at === null)
      this.db.prepare("UPDATE notifications SET read_at = ? WHERE id = ?").run(this.now(), row.id);
    return view(this.db.prepare("SELECT * FROM notifications WHERE id = ?").get(row.id) as Row);
  }

  markAllRead(userId: string): number {
    return this.db
      .prepare("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL")
      .run(this.now(), userId).changes;
  }

  setEmail(userId: string, email: string | null): void {
    if (email === null) this.db.prepare("DELETE FROM notification_emails WHERE user_id = ?").run(userId);
    else
      this.db
        .prepare(
          "INSERT INTO notification_emails (user_id, email, updated_at) VALUES (?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET email = excluded.email, updated_at = excluded.updated_at",
        )
        .run(userId, email, this.now());
  }

  emailOf(userId: string): string | null {
    return (
      (
        this.db.prepare("SELECT email FROM notification_emails WHERE user_id = ?").get(userId) as
          { email: string } | undefined
      )?.email ?? null
    );
  }
}

import { z } from "zod";
import { DateTime, IdCursor, IdParam, Limit, RecordId } from "../http/schemas";
import { NOTIFICATION_KINDS } from "./inbox";

export const ListNotificationsQuery = z.object({ unread: z.enum(["true", "false"]).optional(), limit: Limit, cursor: IdCursor }).strict();
export const NotificationIdParam = IdParam;
export const SetNotificationEmail = z.object({ email: z.email().max(254).nullable().describe("Null stops email; the in-app inbox always works") }).strict();

export const NotificationRecord = z
  .object({
    id: RecordId,
    kind: z.enum(NOTIFICATION_KINDS),
    title: z.string(),
    body: z.string(),
    subject: z.object({ type: z.string(), id: z.string() }).nullable(),
    createdAt: DateTime,
    readAt: DateTime.nullable(),
    emailed: z.boolean(),
  })
  .meta({ id: "Notification" });
export const NotificationList = z.object({ items: z.array(NotificationRecord), nextCursor: z.string().nullable(), unread: z.number().int().nonnegative() });
export const NotificationCounts = z.object({ unread: z.number().int().nonnegative(), byKind: z.record(z.string(), z.number().int().positive()) });
export const MarkedRead = z.object({ marked: z.number().int().nonnegative() });
export const NotificationEmail = z.object({ email: z.string().nullable(), smtpConfigured: z.boolean() });

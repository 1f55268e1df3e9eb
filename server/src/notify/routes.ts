import { route } from "../http/route";
import { ListNotificationsQuery, MarkedRead, NotificationCounts, NotificationEmail, NotificationIdParam, NotificationList, NotificationRecord, SetNotificationEmail } from "./schemas";

export const notificationRoutes = [
  route({
    method: "get",
    path: "/notifications",
    operationId: "listNotifications",
    summary: "Your inbox, newest first, with the unread count",
    tag: "notifications",
    roles: "any",
    query: ListNotificationsQuery,
    response: NotificationList,
    errors: [],
    handler: async (ctx) =>
      ctx.services.desk.inbox.list(ctx.user.id, { unread: ctx.query.unread === "true", limit: ctx.query.limit ?? 50, beforeId: ctx.query.cursor ? Number(ctx.query.cursor) : undefined }),
  }),
  route({
    method: "get",
    path: "/notifications/unread-count",
    operationId: "countUnreadNotifications",
    summary: "How many notifications you have not read, in all and by kind",
    tag: "notifications",
    roles: "any",
    response: NotificationCounts,
    errors: [],
    handler: async (ctx) => ctx.services.desk.inbox.counts(ctx.user.id),
  }),
  route({
    method: "post",
    path: "/notifications/:id/read",
    operationId: "markNotificationRead",
    summary: "Marks one of your notifications read",
    tag: "notifications",
    roles: "any",
    params: NotificationIdParam,
    response: NotificationRecord,
    status: 200,
    errors: [404],
    handler: async (ctx) => ctx.services.desk.inbox.markRead(ctx.user.id, ctx.params.id),
  }),
  route({
    method: "post",
    path: "/notifications/read-all",
    operationId: "markAllNotificationsRead",
    summary: "Marks every notification of yours read",
    tag: "notifications",
    roles: "any",
    response: MarkedRead,
    status: 200,
    errors: [],
    handler: async (ctx) => ({ marked: ctx.services.desk.inbox.markAllRead(ctx.user.id) }),
  }),
  route({
    method: "put",
    path: "/notifications/email",
    operationId: "setNotificationEmail",
    summary: "Sets the address your notifications are emailed to (when the gateway has --smtp-url)",
    tag: "notifications",
    roles: "any",
    body: SetNotificationEmail,
    response: NotificationEmail,
    errors: [],
    handler: async (ctx) => {
      ctx.services.desk.inbox.setEmail(ctx.user.id, ctx.body.email);
      return { email: ctx.services.desk.inbox.emailOf(ctx.user.id), smtpConfigured: Boolean(ctx.services.config.smtpUrl) };
    },
  }),
];

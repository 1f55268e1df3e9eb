// The service desk's calls, typed from the gateway's contract (schema.d.ts). Cases, the inbox, client and service
// analytics and webhooks live in the gateway's own database, not on the ledger; the event stream still tells an open
// console when one changes (its `desk` frames), so these reads refresh like every other.
import { api, call } from "../api/client";
import type { components, paths } from "../api/schema";
import type { Answer, Body } from "../api/types";

type Schemas = components["schemas"];
export type Case = Schemas["Case"];
export type CaseDetail = Schemas["CaseDetail"];
export type CaseStep = Schemas["CaseStep"];
export type CaseCategory = Case["category"];
export type Outcome = NonNullable<Case["outcome"]>;
export type Notification = Schemas["Notification"];
export type CaseAnalytics = Schemas["CaseAnalytics"];
export type ClientProfile = Schemas["ClientProfile"];
export type ServiceLevels = Schemas["ServiceLevels"];
export type Webhook = Schemas["Webhook"];
export type CreatedWebhook = Schemas["CreatedWebhook"];
export type Delivery = Schemas["WebhookDelivery"];
export type Assignee = Answer<"/api/v1/cases/{id}/assignees", "get">["items"][number];
export type FileCaseBody = Body<"/api/v1/cases", "post">;
type CaseQuery = NonNullable<paths["/api/v1/cases"]["get"]["parameters"]["query"]>;
export interface Range {
  from?: string;
  to?: string;
}

/** The eight categories a person may put a case in (the classifier's "other" is only ever its own guess). */
export const CATEGORIES = ["quantity", "quality", "price", "delivery", "documents", "financing_decision", "fees", "service"] as const satisfies readonly CaseCategory[];
export const OUTCOMES = ["upheld", "partly_upheld", "rejected", "withdrawn"] as const satisfies readonly Outcome[];

const path = (id: string) => ({ params: { path: { id } } });

export const listCases = (query: CaseQuery = {}): Promise<Case[]> =>
  call(api.GET("/api/v1/cases", { params: { query: { limit: 200, ...query } } })).then((p) => p.items);
export const getCase = (id: string): Promise<CaseDetail> => call(api.GET("/api/v1/cases/{id}", path(id)));
export const fileCase = (body: FileCaseBody): Promise<CaseDetail> => call(api.POST("/api/v1/cases", { body }));
export const respondToCase = (id: string, response: string) => call(api.POST("/api/v1/cases/{id}/respond", { ...path(id), body: { response } }));
export const listAssignees = (id: string): Promise<Assignee[]> => call(api.GET("/api/v1/cases/{id}/assignees", path(id))).then((p) => p.items);
export const reassignCase = (id: string, assigneeUserId: string) => call(api.POST("/api/v1/cases/{id}/reassign", { ...path(id), body: { assigneeUserId } }));
export const reclassifyCase = (id: string, category: (typeof CATEGORIES)[number]) => call(api.POST("/api/v1/cases/{id}/reclassify", { ...path(id), body: { category } }));
export const resolveCase = (id: string, outcome: Outcome, resolution: string) => call(api.POST("/api/v1/cases/{id}/resolve", { ...path(id), body: { outcome, resolution } }));
export const rateCase = (id: string, rating: number, comment?: string) =>
  call(api.POST("/api/v1/cases/{id}/rate", { ...path(id), body: { rating, ...(comment ? { comment } : {}) } }));

export const listNotifications = (unread = false) =>
  call(api.GET("/api/v1/notifications", { params: { query: { limit: 100, ...(unread ? { unread: "true" as const } : {}) } } }));
export const unreadCount = (): Promise<number> => call(api.GET("/api/v1/notifications/unread-count")).then((c) => c.unread);
export const markRead = (id: string) => call(api.POST("/api/v1/notifications/{id}/read", path(id)));
export const markAllRead = () => call(api.POST("/api/v1/notifications/read-all"));
export const setEmail = (email: string | null) => call(api.PUT("/api/v1/notifications/email", { body: { email } }));

const range = (r: Range) => ({ ...(r.from ? { from: r.from } : {}), ...(r.to ? { to: r.to } : {}) });
export const caseAnalytics = (r: Range): Promise<CaseAnalytics> => call(api.GET("/api/v1/analytics/cases", { params: { query: range(r) } }));
export const serviceLevels = (r: Range): Promise<ServiceLevels> => call(api.GET("/api/v1/analytics/service-levels", { params: { query: range(r) } }));
export const clientProfile = (orgId: string, r: Range): Promise<ClientProfile> =>
  call(api.GET("/api/v1/analytics/clients/{orgId}", { params: { path: { orgId }, query: range(r) } }));

export const listWebhooks = (): Promise<Webhook[]> => call(api.GET("/api/v1/webhooks")).then((p) => p.items);
export const createWebhook = (body: Body<"/api/v1/webhooks", "post">): Promise<CreatedWebhook> => call(api.POST("/api/v1/webhooks", { body }));
export const deleteWebhook = (id: string) => call(api.DELETE("/api/v1/webhooks/{id}", path(id)));
export const listDeliveries = (id: string): Promise<Delivery[]> =>
  call(api.GET("/api/v1/webhooks/{id}/deliveries", { params: { path: { id }, query: { limit: 50 } } })).then((p) => p.items);
export const retryDelivery = (id: string, deliveryId: string) =>
  call(api.POST("/api/v1/webhooks/{id}/deliveries/{deliveryId}/retry", { params: { path: { id, deliveryId } } }));

// The console's names for the gateway's records. Every one is read off the generated contract (schema.d.ts), so a
// change on the server changes them here; none is written by hand.
import type { paths } from "./schema";

type Json<R> = R extends { content: { "application/json": infer B } } ? B : never;
/** The success body of an operation. */
export type Answer<P extends keyof paths, M extends "get" | "post" | "put"> = paths[P][M] extends { responses: infer R }
  ? Json<R[Extract<keyof R, 200 | 201>]>
  : never;
/** The JSON body an operation takes. */
export type Body<P extends keyof paths, M extends "post" | "put"> = paths[P][M] extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;

export type MeAnswer = Answer<"/api/v1/me", "get">;
export type Organisation = Answer<"/api/v1/orgs", "get">["items"][number];
/** The signed-in user and its organisation (the console signs in only once the organisation is indexed). */
export type Me = Omit<MeAnswer, "org"> & { org: NonNullable<MeAnswer["org"]> };
export type Role = MeAnswer["user"]["role"];
export type Order = Answer<"/api/v1/orders/{id}", "get">;
export type Invoice = Answer<"/api/v1/invoices/{id}", "get">;
export type FinancingRequest = Answer<"/api/v1/financing-requests/{id}", "get">;
export type AuditEvent = Answer<"/api/v1/audit/events", "get">["items"][number];
export type EntityType = AuditEvent["entityType"];
export type VerifyResult = Answer<"/api/v1/audit/verify/{txHash}/{logIndex}", "get">;
export type BankPolicy = Answer<"/api/v1/banks/{orgId}/policy", "get">;
export type CreditRecord = Answer<"/api/v1/suppliers/{orgId}/profile", "get">["creditRecords"][number];
export type Balance = Answer<"/api/v1/balances", "get">["items"][number];
export type Dispute = Answer<"/api/v1/disputes", "get">["items"][number];
export type ServiceAnalytics = Answer<"/api/v1/analytics/service", "get">;
export type OneStopFiled = Answer<"/api/v1/one-stop", "post">;

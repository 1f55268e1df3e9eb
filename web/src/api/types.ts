// The console's names for the gateway's records. Every one is read off the generated contract (schema.d.ts), so a
// change on the server changes them here; none is written by hand.
import type { components, paths } from "./schema";

type Schemas = components["schemas"];

type Json<R> = R extends { content: { "application/json": infer B } } ? B : never;
/** The success body of an operation. */
export type Answer<P extends keyof paths, M extends "get" | "post" | "put"> = paths[P][M] extends { responses: infer R }
  ? Json<R[Extract<keyof R, 200 | 201>]>
  : never;
/** The JSON body an operation takes. */
export type Body<P extends keyof paths, M extends "post" | "put"> = paths[P][M] extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;

export type MeAnswer = Answer<"/api/v1/me", "get">;
export type Organisation = Schemas["Organisation"];
/** An organisation in the directory: another organisation shows only id, kind, name and status. */
export type DirectoryEntry = Answer<"/api/v1/orgs", "get">["items"][number];
/** The signed-in user and its organisation (the console signs in only once the organisation is indexed). */
export type Me = Omit<MeAnswer, "org"> & { org: NonNullable<MeAnswer["org"]> };
export type Role = MeAnswer["user"]["role"];
export type Order = Schemas["Order"];
export type Invoice = Schemas["Invoice"];
export type FinancingRequest = Schemas["FinancingRequest"];
export type AuditEvent = Schemas["AuditEvent"];
export type EntityType = AuditEvent["entityType"];
export type VerifyResult = Schemas["VerifyResult"];
export type BankPolicy = Schemas["BankPolicy"];
export type CreditRecord = Schemas["SupplierProfile"]["creditRecords"][number];
export type Balance = Answer<"/api/v1/balances", "get">["items"][number];
export type Dispute = Schemas["Complaint"];
export type ServiceAnalytics = Schemas["ServiceAnalytics"];
export type OneStopFiled = Answer<"/api/v1/one-stop", "post">;
export type WrittenInvoice = Schemas["WrittenInvoice"];
/** What signing in and GET /sessions/current answer: the user, the organisation and the session's CSRF token. */
export type SessionAnswer = Schemas["Session"];

import { api, ApiError, call } from "./client";
import type { paths } from "./schema";
import type { Balance, BankPolicy, CreditRecord, DirectoryEntry, FinancingRequest, Invoice, Me, Order } from "./types";

// The reads several screens share, typed from the contract.

type QueryOf<P extends keyof paths> = paths[P]["get"] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export const listOrders = (query: QueryOf<"/api/v1/orders"> = {}): Promise<Order[]> =>
  call(api.GET("/api/v1/orders", { params: { query: { limit: 200, ...query } } })).then((p) => p.items);
export const listInvoices = (query: QueryOf<"/api/v1/invoices"> = {}): Promise<Invoice[]> =>
  call(api.GET("/api/v1/invoices", { params: { query: { limit: 200, ...query } } })).then((p) => p.items);
export const listFinancing = (query: QueryOf<"/api/v1/financing-requests"> = {}): Promise<FinancingRequest[]> =>
  call(api.GET("/api/v1/financing-requests", { params: { query: { limit: 200, ...query } } })).then((p) => p.items);

type PageOf<P extends "/api/v1/orders" | "/api/v1/invoices" | "/api/v1/financing-requests"> = { items: (P extends "/api/v1/orders" ? Order : P extends "/api/v1/invoices" ? Invoice : FinancingRequest)[]; nextCursor: string | null };

/** One page of orders, as a list screen asks for it (search, filters, sort and cursor). */
export const pageOrders = (query: QueryOf<"/api/v1/orders">): Promise<PageOf<"/api/v1/orders">> => call(api.GET("/api/v1/orders", { params: { query } }));
export const pageInvoices = (query: QueryOf<"/api/v1/invoices">): Promise<PageOf<"/api/v1/invoices">> => call(api.GET("/api/v1/invoices", { params: { query } }));
export const pageFinancing = (query: QueryOf<"/api/v1/financing-requests">): Promise<PageOf<"/api/v1/financing-requests">> =>
  call(api.GET("/api/v1/financing-requests", { params: { query } }));

/** Narrows a URL's text to one of a list of allowed values (a status, a sort order), or undefined. */
export function oneOf<T extends string>(value: string, allowed: readonly T[]): T | undefined {
  return (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** The people the caller may know by name (their organisation's; everyone's for auditors and the operator). */
export const listPeople = (orgId?: string) => call(api.GET("/api/v1/people", { params: { query: orgId ? { orgId } : {} } })).then((p) => p.items);

/** A bank's policy (the lists show only the entries the caller may see). */
export const getPolicy = (bankOrgId: string): Promise<BankPolicy> =>
  call(api.GET("/api/v1/banks/{orgId}/policy", { params: { path: { orgId: bankOrgId } } }));

/** A supplier's credit record with each bank. */
export const getCreditRecords = (supplierOrgId: string): Promise<CreditRecord[]> =>
  call(api.GET("/api/v1/suppliers/{orgId}/profile", { params: { path: { orgId: supplierOrgId } } })).then((p) => p.creditRecords);

/** The treasury balances the caller may see: its own organisation's, or every one for auditors and the operator. */
export const getBalances = (): Promise<Balance[]> => call(api.GET("/api/v1/balances")).then((b) => b.items);

/** The signed-in user with its organisation. */
export async function getMe(): Promise<Me> {
  const me = await call(api.GET("/api/v1/me"));
  if (!me.org) throw new ApiError(503, "NOT_INDEXED", "Your organisation is not in the ledger's index yet; try again in a moment.");
  return { ...me, org: me.org };
}

/** The network's directory of organisations. */
export const listOrganisations = (): Promise<DirectoryEntry[]> => call(api.GET("/api/v1/orgs")).then((p) => p.items);

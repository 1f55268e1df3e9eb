import { api, itemsOf } from "./client";
import type { Balance, BankPolicy, CreditRecord, FinancingRequest, Invoice, Order, Page } from "./types";
import { fromMinor, toMinor } from "../lib/format";

// Typed reads, and normalisers for the aggregate routes whose exact shape docs/API.md leaves open.

export const listOrders = (query?: Record<string, string>) => api.get<Page<Order>>("/orders", { limit: 200, ...query }).then(itemsOf<Order>);
export const listInvoices = (query?: Record<string, string>) => api.get<Page<Invoice>>("/invoices", { limit: 200, ...query }).then(itemsOf<Invoice>);
export const listFinancing = (query?: Record<string, string>) =>
  api.get<Page<FinancingRequest>>("/financing-requests", { limit: 200, ...query }).then(itemsOf<FinancingRequest>);

type Loose = Record<string, unknown>;
const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
const num = (v: unknown): number | undefined => (v === undefined || v === null ? undefined : Number(v));

/** GET /banks/{id}/policy: the policy fields either at the top level or under `policy`. */
export async function getPolicy(bankOrgId: string): Promise<BankPolicy> {
  const data = await api.get<Loose>(`/banks/${bankOrgId}/policy`);
  const core = (data.policy as Loose | undefined) ?? data;
  const trusted = (data.trustedBuyers ?? core.trustedBuyers) as unknown[] | undefined;
  const limits = (data.creditLimits ?? core.creditLimits) as Loose[] | undefined;
  return {
    bankOrgId: str(data.bankOrgId) ?? bankOrgId,
    advanceRateBps: num(core.advanceRateBps) ?? 0,
    discountRateBps: num(core.discountRateBps) ?? 0,
    fastTrackLimit: str(core.fastTrackLimit) ?? "0.00",
    trustedBuyers: (trusted ?? []).map((t) => (typeof t === "object" && t ? String((t as Loose).orgId ?? (t as Loose).buyerOrgId) : String(t))),
    creditLimits: (limits ?? []).map((l) => ({
      supplierOrgId: String(l.supplierOrgId),
      limit: String(l.limit),
      utilised: str(l.utilised),
      available: str(l.available),
    })),
  };
}

/** GET /suppliers/{orgId}/profile: one credit record per bank, as a list under items/banks/records/credit. */
export async function getCreditRecords(supplierOrgId: string): Promise<CreditRecord[]> {
  const data = await api.get<unknown>(`/suppliers/${supplierOrgId}/profile`);
  const loose = (data ?? {}) as Loose;
  const list = Array.isArray(data)
    ? data
    : ((loose.items ?? loose.banks ?? loose.records ?? loose.credit ?? loose.creditRecords ?? []) as unknown[]);
  return (list as Loose[]).map((r) => {
    const limit = str(r.limit) ?? "0.00";
    const utilised = str(r.utilised) ?? "0.00";
    const available = str(r.available) ?? fromMinor(toMinor(limit) > toMinor(utilised) ? toMinor(limit) - toMinor(utilised) : 0n);
    return {
      bankOrgId: String(r.bankOrgId ?? r.orgId),
      bankName: str(r.bankName),
      limit,
      utilised,
      available,
      financed: num(r.financed),
      repaidOnTime: num(r.repaidOnTime),
      repaidLate: num(r.repaidLate),
      overdue: num(r.overdue),
      defaulted: num(r.defaulted),
      overdueOpen: num(r.overdueOpen),
    };
  });
}

/** GET /balances: one balance (own org) or a list (auditor/operator). */
export async function getBalances(): Promise<Balance[]> {
  const data = await api.get<unknown>("/balances");
  const loose = (data ?? {}) as Loose;
  const list = Array.isArray(data) ? data : Array.isArray(loose.items) ? loose.items : Array.isArray(loose.balances) ? loose.balances : [loose];
  return (list as Loose[])
    .filter((b) => b && b.balance !== undefined)
    .map((b) => ({ orgId: String(b.orgId ?? b.id ?? ""), name: str(b.name ?? b.orgName), treasury: str(b.treasury ?? b.address), balance: String(b.balance) }));
}

// Record shapes of the gateway API (docs/API.md). Amounts are decimal strings with two decimals; dates ISO-8601.

export type Role = "operator" | "auditor" | "buyer" | "supplier" | "officer";
export type OrgKind = "core_enterprise" | "supplier" | "bank" | "auditor" | "operator";

export interface Organisation {
  id: string;
  kind: OrgKind;
  name: string;
  status: "active" | "suspended";
  treasury?: string;
  kycHash?: string;
  createdAt?: string;
}

export interface Me {
  user: { id: string; name: string; role: Role; address: string };
  org: Organisation;
}

export interface Order {
  id: string;
  status: "issued" | "accepted" | "rejected" | "cancelled";
  buyerOrgId: string;
  buyerName: string;
  supplierOrgId: string;
  supplierName: string;
  amount: string;
  invoiced: string;
  remaining: string;
  currency: string;
  reference: string;
  dueDate: string;
  documentHash?: string;
  createdAt: string;
  updatedAt: string;
}

export interface Invoice {
  id: string;
  status: "issued" | "confirmed" | "disputed" | "cancelled" | "overdue" | "paid";
  orderId: string;
  invoiceNumber: string;
  supplierOrgId: string;
  supplierName: string;
  buyerOrgId: string;
  buyerName: string;
  amount: string;
  paid: string;
  outstanding: string;
  dueDate: string;
  documentHash: string;
  financingRequestId: string | null;
  financed: boolean;
  dispute: { reasonCode: number; reasonHash: string; category?: string; reason?: string } | null;
  createdAt: string;
  confirmedAt: string | null;
  updatedAt: string;
}

export interface FinancingRequest {
  id: string;
  status: "requested" | "approved" | "rejected" | "withdrawn" | "disbursed" | "repaid" | "defaulted";
  invoiceId: string;
  bankOrgId: string;
  bankName: string;
  supplierOrgId: string;
  supplierName: string;
  buyerOrgId: string;
  buyerName: string;
  amount: string;
  path: "fast-track" | "maker-checker";
  approvalsRequired: number;
  approvals: { officer: string; at: string }[];
  discountRateBps: number;
  requestedAt: string;
  decidedAt: string | null;
  disbursedAt: string | null;
  discount: string | null;
  netAmount: string | null;
  repaid: string;
  outstanding: string;
  rejection: { reasonCode: number; officer: string; reason?: string } | null;
  updatedAt: string;
}

export interface AuditEvent {
  id: string;
  chainId: number;
  blockNumber: number;
  blockHash: string;
  logIndex: number;
  txHash: string;
  timestamp: string;
  eventType: string;
  entityType: EntityType;
  entityId: string;
  actor: string;
  orgIds: string[];
  args: Record<string, unknown>;
}

export type EntityType = "order" | "invoice" | "financing" | "organization" | "policy" | "token";

export interface VerifyResult {
  match: boolean;
  indexed?: unknown;
  onChain?: unknown;
  differences?: unknown;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A write answers with the record plus the transaction that produced it. */
export type Written<T> = T & { txHash?: string; blockNumber?: number };

export interface BankPolicy {
  bankOrgId?: string;
  advanceRateBps: number;
  discountRateBps: number;
  fastTrackLimit: string;
  trustedBuyers?: string[];
  creditLimits?: { supplierOrgId: string; limit: string; utilised?: string; available?: string }[];
}

/** One supplier's credit record with one bank (`GET /suppliers/{orgId}/profile`). */
export interface CreditRecord {
  bankOrgId: string;
  bankName?: string;
  limit: string;
  utilised: string;
  available?: string;
  financed?: number;
  repaidOnTime?: number;
  repaidLate?: number;
  overdue?: number;
  defaulted?: number;
  overdueOpen?: number;
}

export interface Balance {
  orgId: string;
  name?: string;
  treasury?: string;
  balance: string;
}

export interface Dispute {
  id: string;
  invoiceId: string;
  status?: string;
  reasonCode?: number;
  category?: string;
  reason?: string;
  raisedAt?: string;
  respondBy?: string;
  response?: string | null;
  [key: string]: unknown;
}

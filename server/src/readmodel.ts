import type { JsonRpcProvider } from "ethers";
import type { Database } from "./db/sqlite";
import * as orgs from "./orgs/repo";
import * as orders from "./orders/repo";
import * as invoices from "./invoices/repo";
import * as financing from "./financing/repo";
import * as policy from "./policy/repo";
import * as audit from "./audit/repo";
import * as analytics from "./analytics/repo";
import type { Scope } from "./shared/scope";

/**
 * The read side as the routes see it: the index database's repos bound to the open database (and, for
 * verification, to the chain). Every read takes the caller's scope and answers undefined for what it may not see.
 */
export function createReadModel(db: Database, provider: JsonRpcProvider) {
  return {
    getOrganization: (id: string) => orgs.getOrganization(db, id),
    listOrganizations: () => orgs.listOrganizations(db, { limit: 500 }).items,
    getOrder: (id: string, scope: Scope) => orders.getOrder(db, id, scope),
    listOrders: (filter: orders.OrderFilter, scope: Scope) => orders.listOrders(db, filter, scope),
    getInvoice: (id: string, scope: Scope) => invoices.getInvoice(db, id, scope),
    listInvoices: (filter: invoices.InvoiceFilter, scope: Scope) => invoices.listInvoices(db, filter, scope),
    getFinancing: (id: string, scope: Scope) => financing.getFinancingRequest(db, id, scope),
    listFinancing: (filter: financing.FinancingFilter, scope: Scope) => financing.listFinancingRequests(db, filter, scope),
    getPolicy: (bankOrgId: string, scope: Scope) => policy.getPolicy(db, bankOrgId, scope),
    getSupplierProfile: (orgId: string, scope: Scope) => policy.getSupplierProfile(db, orgId, scope),
    listEvents: (filter: audit.EventFilter, scope: Scope) => audit.listEvents(db, filter, scope),
    entityHistory: (type: string, id: string, scope: Scope) => audit.entityHistory(db, type as audit.EntityType, id, scope),
    iterateEvents: (filter: audit.EventFilter, scope: Scope) => audit.iterateEvents(db, filter, scope),
    verifyEvent: (txHash: string, logIndex: number, scope: Scope) => audit.verifyEvent(db, provider, txHash, logIndex, scope),
    serviceAnalytics: (scope: Scope) => analytics.serviceAnalytics(db, scope),
  };
}

export type ReadModel = ReturnType<typeof createReadModel>;

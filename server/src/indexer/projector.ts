import type { Statement } from "better-sqlite3";
import type { Database } from "../db/sqlite";
import { seqOf } from "../db/page";
import { jsonArgs, type DecodedEvent, type RawLog } from "./decode";

/** On-chain enum values to the API's lower-case words. */
export const ORDER_STATUS = ["none", "issued", "accepted", "rejected", "cancelled"] as const;
export const INVOICE_STATUS = ["none", "issued", "confirmed", "disputed", "cancelled", "overdue", "paid"] as const;
export const FINANCING_STATUS = [
  "none",
  "requested",
  "approved",
  "rejected",
  "withdrawn",
  "disbursed",
  "repaid",
  "defaulted",
] as const;
export const ORG_KIND = ["none", "core_enterprise", "supplier", "bank", "auditor"] as const;

export type EntityType = "order" | "invoice" | "financing" | "organization" | "policy" | "token";

/** How one event shows up in the audit trail. */
interface Attribution {
  entityType: EntityType;
  entityId: string;
  orgIds: number[];
  actor: string | null;
}

const n = (v: unknown): number => Number(v as bigint);
const s = (v: unknown): string => (v as bigint).toString();
const add = (a: string, b: unknown): string => (BigInt(a) + BigInt(b as bigint)).toString();
const sub = (a: string, b: unknown): string => (BigInt(a) - BigInt(b as bigint)).toString();
/** Network-wide settings (grace period, roles) are audit entity ("policy", "0"). */
const NETWORK = "0";

/**
 * Projects decoded events into the read tables. Every handler is written so that applying the events of the chain
 * in order yields the contract's state; the indexer applies a log only when its raw row was newly inserted, so a
 * re-processed range changes nothing, and a rollback replays the surviving raw logs into emptied tables.
 */
export class Projector {
  private readonly st: Record<string, Statement>;

  constructor(
    private readonly db: Database,
    private readonly chainId: number,
    private readonly tokenAddress: string,
  ) {
    const p = (sql: string) => db.prepare(sql);
    this.st = {
      insertEvent: p(`INSERT OR REPLACE INTO events (seq, chain_id, block_number, log_index, block_hash, tx_hash, timestamp,
        event_type, entity_type, entity_id, actor, org_ids, args) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`),
      insertEventOrg: p("INSERT OR IGNORE INTO event_orgs (org_id, seq, event_type) VALUES (?, ?, ?)"),

      upsertOrg: p(`INSERT INTO organizations (id, kind, name, status, treasury, kyc_hash, created_at, updated_at)
        VALUES (?, ?, ?, 'active', ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
        treasury = excluded.treasury, kyc_hash = excluded.kyc_hash, updated_at = excluded.updated_at`),
      orgStatus: p("UPDATE organizations SET status = ?, updated_at = ? WHERE id = ?"),
      orgUpdate: p("UPDATE organizations SET treasury = ?, kyc_hash = ?, updated_at = ? WHERE id = ?"),
      orgByTreasury: p("SELECT id FROM organizations WHERE treasury = ? ORDER BY id LIMIT 1").pluck(),
      memberAdd: p(`INSERT INTO members (org_id, account, active, added_at, removed_at) VALUES (?, ?, 1, ?, NULL)
        ON CONFLICT (org_id, account) DO UPDATE SET active = 1, added_at = excluded.added_at, removed_at = NULL`),
      memberRemove: p("UPDATE members SET active = 0, removed_at = ? WHERE org_id = ? AND account = ?"),
      setting: p(`INSERT INTO network_settings (key, value, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),

      upsertPolicy: p(`INSERT INTO bank_policies (bank_org_id, advance_rate_bps, discount_rate_bps, fast_track_limit, updated_at, updated_by)
        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (bank_org_id) DO UPDATE SET advance_rate_bps = excluded.advance_rate_bps,
        discount_rate_bps = excluded.discount_rate_bps, fast_track_limit = excluded.fast_track_limit,
        updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      upsertTrusted: p(`INSERT INTO trusted_buyers (bank_org_id, buyer_org_id, trusted, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (bank_org_id, buyer_org_id) DO UPDATE SET trusted = excluded.trusted, updated_at = excluded.updated_at`),
      ensureCredit: p(`INSERT OR IGNORE INTO credit_records (bank_org_id, supplier_org_id, limit_minor, utilised, financed,
        repaid_on_time, repaid_late, overdue, defaulted, overdue_open, updated_at) VALUES (?, ?, '0', '0', 0, 0, 0, 0, 0, 0, ?)`),
      getCredit: p("SELECT * FROM credit_records WHERE bank_org_id = ? AND supplier_org_id = ?"),
      putCredit: p(`UPDATE credit_records SET limit_minor = @limit_minor, utilised = @utilised, financed = @financed,
        repaid_on_time = @repaid_on_time, repaid_late = @repaid_late, overdue = @overdue, defaulted = @defaulted,
        overdue_open = @overdue_open, updated_at = @updated_at WHERE bank_org_id = @bank_org_id AND supplier_org_id = @supplier_org_id`),

      upsertOrder: p(`INSERT INTO orders (id, buyer_org_id, supplier_org_id, status, amount, invoiced, currency, reference,
        due_date, document_hash, created_at, updated_at, tx_hash) VALUES (?, ?, ?, 'issued', ?, '0', ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO NOTHING`),
      orderParties: p("SELECT buyer_org_id, supplier_org_id FROM orders WHERE id = ?").raw(),
      orderStatus: p("UPDATE orders SET status = ?, reject_reason_code = ?, updated_at = ? WHERE id = ?"),
      orderInvoiceAmounts: p("SELECT amount FROM invoices WHERE order_id = ? AND status <> 'cancelled'").pluck(),
      orderInvoiced: p("UPDATE orders SET invoiced = ?, updated_at = ? WHERE id = ?"),

      insertInvoice: p(`INSERT INTO invoices (id, order_id, buyer_org_id, supplier_org_id, invoice_number, amount, paid, due_date,
        document_hash, status, created_at, updated_at, tx_hash) VALUES (?, ?, ?, ?, ?, ?, '0', ?, ?, 'issued', ?, ?, ?)
        ON CONFLICT (id) DO NOTHING`),
      invoiceRow: p(`SELECT i.order_id, i.buyer_org_id, i.supplier_org_id, i.overdue_at, f.bank_org_id, f.status AS f_status
        FROM invoices i LEFT JOIN financing_requests f ON f.id = i.financing_request_id WHERE i.id = ?`),
      invoiceStatus: p("UPDATE invoices SET status = ?, updated_at = ? WHERE id = ?"),
      invoiceConfirm: p("UPDATE invoices SET status = 'confirmed', confirmed_at = ?, updated_at = ? WHERE id = ?"),
      invoiceDispute: p(`UPDATE invoices SET status = ?, dispute_reason_code = ?, dispute_reason_hash = ?, updated_at = ?
        WHERE id = ?`),
      invoicePaid: p("UPDATE invoices SET paid = ?, status = ?, updated_at = ? WHERE id = ?"),
      invoiceOverdue: p("UPDATE invoices SET status = 'overdue', overdue_at = ?, updated_at = ? WHERE id = ?"),
      invoiceFinancing: p("UPDATE invoices SET financing_request_id = ?, updated_at = ? WHERE id = ?"),
      openDispute: p(`INSERT OR IGNORE INTO disputes (seq, invoice_id, buyer_org_id, supplier_org_id, reason_code, reason_hash, opened_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      closeDispute: p(`UPDATE disputes SET resolved_at = ?, resolution = ? WHERE invoice_id = ? AND resolved_at IS NULL`),
      insertPayment: p(`INSERT OR IGNORE INTO payments (seq, invoice_id, financing_request_id, amount, to_bank, to_supplier,
        total_paid, actor, at, tx_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),

      insertRequest: p(`INSERT INTO financing_requests (id, invoice_id, bank_org_id, supplier_org_id, buyer_org_id, amount,
        fast_track, approvals, approvals_required, discount_rate_bps, status, requested_at, repaid, recourse_repaid, updated_at, tx_hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 'requested', ?, '0', '0', ?, ?) ON CONFLICT (id) DO NOTHING`),
      requestRow: p(`SELECT invoice_id, bank_org_id, supplier_org_id, buyer_org_id, amount, recourse_repaid, status
        FROM financing_requests WHERE id = ?`),
      insertApproval: p(`INSERT OR IGNORE INTO financing_approvals (request_id, seq, officer, approvals, required, at)
        VALUES (?, ?, ?, ?, ?, ?)`),
      requestApproved: p(`UPDATE financing_requests SET approvals = ?, status = ?, decided_at = ?, updated_at = ? WHERE id = ?`),
      requestRejected: p(`UPDATE financing_requests SET status = 'rejected', decided_at = ?, reject_reason_code = ?,
        reject_reason_hash = ?, rejected_by = ?, updated_at = ? WHERE id = ?`),
      requestWithdrawn: p("UPDATE financing_requests SET status = 'withdrawn', closed_at = ?, updated_at = ? WHERE id = ?"),
      requestDisbursed: p(`UPDATE financing_requests SET status = 'disbursed', disbursed_at = ?, discount = ?, net_amount = ?,
        days_to_due = ?, updated_at = ? WHERE id = ?`),
      requestRepaid: p(`UPDATE financing_requests SET repaid = ?, recourse_repaid = ?, status = ?, closed_at = ?,
        repaid_on_time = ?, updated_at = ? WHERE id = ?`),
      requestDefaulted: p("UPDATE financing_requests SET status = 'defaulted', updated_at = ? WHERE id = ?"),
      insertRepayment: p(`INSERT OR IGNORE INTO financing_repayments (seq, request_id, amount, total_repaid, by_recourse, on_time,
        status, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),

      insertTransfer: p(`INSERT OR IGNORE INTO token_transfers (seq, block_number, tx_hash, from_address, to_address, amount,
        from_org_id, to_org_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    };
  }

  /**
   * Applies one log. `withEvent` is false when replaying raw logs after a rollback: the audit rows of surviving logs
   * are still there.
   */
  apply(log: RawLog, ev: DecodedEvent, timestamp: number, withEvent = true): void {
    const seq = seqOf(log.blockNumber, log.logIndex);
    const attribution = this.project(ev, seq, timestamp, log);
    if (!withEvent || !attribution) return;
    const orgIds = [...new Set(attribution.orgIds.filter((o) => o > 0))];
    this.st.insertEvent.run(
      seq,
      this.chainId,
      log.blockNumber,
      log.logIndex,
      log.blockHash,
      log.txHash,
      timestamp,
      ev.name,
      attribution.entityType,
      attribution.entityId,
      attribution.actor,
      JSON.stringify(orgIds.map(String)),
      JSON.stringify(jsonArgs(ev.args)),
    );
    for (const o of orgIds) this.st.insertEventOrg.run(o, seq, ev.name);
  }

  private orgOfTreasury(address: string): number | null {
    return (this.st.orgByTreasury.get(address.toLowerCase()) as number | undefined) ?? null;
  }

  private orderParties(orderId: number): number[] {
    return (this.st.orderParties.get(orderId) as number[] | undefined) ?? [];
  }

  private invoiceRow(invoiceId: number) {
    return this.st.invoiceRow.get(invoiceId) as
      | { order_id: number; buyer_org_id: number; supplier_org_id: number; overdue_at: number | null; bank_org_id: number | null; f_status: string | null }
      | undefined;
  }

  /** The parties of an invoice, plus the bank of the request that holds it (unless rejected or withdrawn). */
  private invoiceParties(invoiceId: number): number[] {
    const r = this.invoiceRow(invoiceId);
    if (!r) return [];
    const orgs = [r.buyer_org_id, r.supplier_org_id];
    if (r.bank_org_id && r.f_status !== "rejected" && r.f_status !== "withdrawn") orgs.push(r.bank_org_id);
    return orgs;
  }

  private requestRow(requestId: number) {
    return this.st.requestRow.get(requestId) as
      | { invoice_id: number; bank_org_id: number; supplier_org_id: number; buyer_org_id: number; amount: string; recourse_repaid: string; status: string }
      | undefined;
  }

  private recomputeInvoiced(orderId: number, ts: number): void {
    const amounts = this.st.orderInvoiceAmounts.all(orderId) as string[];
    const total = amounts.reduce((acc, a) => acc + BigInt(a), 0n);
    this.st.orderInvoiced.run(total.toString(), ts, orderId);
  }

  private updateCredit(
    bankOrgId: number,
    supplierOrgId: number,
    ts: number,
    change: (c: Record<string, string | number>) => void,
  ): void {
    this.st.ensureCredit.run(bankOrgId, supplierOrgId, ts);
    const c = this.st.getCredit.get(bankOrgId, supplierOrgId) as Record<string, string | number>;
    change(c);
    c.updated_at = ts;
    this.st.putCredit.run(c);
  }

  private project(ev: DecodedEvent, seq: number, ts: number, log: RawLog): Attribution | null {
    const a = ev.args;
    const actor = typeof a.actor === "string" ? a.actor : null;
    if (ev.source === "token") return this.projectToken(ev, seq, ts, log);
    if (ev.source !== "ledger") return null;
    const st = this.st;
    switch (ev.name) {
      // Organisations.
      case "OrganizationRegistered": {
        const id = n(a.orgId);
        st.upsertOrg.run(id, n(a.kind), a.name, a.treasury, a.kycHash, ts, ts);
        return { entityType: "organization", entityId: String(id), orgIds: [id], actor };
      }
      case "OrganizationSuspended":
      case "OrganizationReinstated": {
        const id = n(a.orgId);
        st.orgStatus.run(ev.name === "OrganizationSuspended" ? "suspended" : "active", ts, id);
        return { entityType: "organization", entityId: String(id), orgIds: [id], actor };
      }
      case "OrganizationUpdated": {
        const id = n(a.orgId);
        st.orgUpdate.run(a.treasury, a.kycHash, ts, id);
        return { entityType: "organization", entityId: String(id), orgIds: [id], actor };
      }
      case "MemberAdded":
      case "MemberRemoved": {
        const id = n(a.orgId);
        if (ev.name === "MemberAdded") st.memberAdd.run(id, a.account, ts);
        else st.memberRemove.run(ts, id, a.account);
        return { entityType: "organization", entityId: String(id), orgIds: [id], actor };
      }
      case "GracePeriodSet":
        st.setting.run("grace_period", s(a.gracePeriod), ts);
        return { entityType: "policy", entityId: NETWORK, orgIds: [], actor };
      case "RoleGranted":
      case "RoleRevoked":
        return { entityType: "policy", entityId: NETWORK, orgIds: [], actor: (a.sender as string) ?? null };
      case "RoleAdminChanged":
        return { entityType: "policy", entityId: NETWORK, orgIds: [], actor: null };

      // Bank policy and credit.
      case "BankPolicySet": {
        const bank = n(a.bankOrgId);
        st.upsertPolicy.run(bank, n(a.advanceRateBps), n(a.discountRateBps), s(a.fastTrackLimit), ts, actor);
        return { entityType: "policy", entityId: String(bank), orgIds: [bank], actor };
      }
      case "TrustedBuyerSet": {
        const bank = n(a.bankOrgId);
        const buyer = n(a.buyerOrgId);
        st.upsertTrusted.run(bank, buyer, a.trusted ? 1 : 0, ts);
        return { entityType: "policy", entityId: String(bank), orgIds: [bank, buyer], actor };
      }
      case "CreditLimitSet": {
        const bank = n(a.bankOrgId);
        const supplier = n(a.supplierOrgId);
        this.updateCredit(bank, supplier, ts, (c) => (c.limit_minor = s(a.limit)));
        return { entityType: "policy", entityId: String(bank), orgIds: [bank, supplier], actor };
      }

      // Orders.
      case "OrderIssued": {
        const id = n(a.orderId);
        const buyer = n(a.buyerOrgId);
        const supplier = n(a.supplierOrgId);
        st.upsertOrder.run(id, buyer, supplier, s(a.amount), a.currency, a.orderReference, n(a.dueDate), a.documentHash, ts, ts, log.txHash);
        return { entityType: "order", entityId: String(id), orgIds: [buyer, supplier], actor };
      }
      case "OrderAccepted":
      case "OrderRejected":
      case "OrderCancelled": {
        const id = n(a.orderId);
        const status = ev.name === "OrderAccepted" ? "accepted" : ev.name === "OrderRejected" ? "rejected" : "cancelled";
        st.orderStatus.run(status, ev.name === "OrderRejected" ? n(a.reasonCode) : null, ts, id);
        return { entityType: "order", entityId: String(id), orgIds: this.orderParties(id), actor };
      }

      // Invoices.
      case "InvoiceIssued": {
        const id = n(a.invoiceId);
        const orderId = n(a.orderId);
        const buyer = n(a.buyerOrgId);
        const supplier = n(a.supplierOrgId);
        st.insertInvoice.run(id, orderId, buyer, supplier, a.invoiceNumber, s(a.amount), n(a.dueDate), a.documentHash, ts, ts, log.txHash);
        this.recomputeInvoiced(orderId, ts);
        return { entityType: "invoice", entityId: String(id), orgIds: [buyer, supplier], actor };
      }
      case "InvoiceConfirmed": {
        const id = n(a.invoiceId);
        st.invoiceConfirm.run(ts, ts, id);
        return { entityType: "invoice", entityId: String(id), orgIds: this.invoiceParties(id), actor };
      }
      case "InvoiceDisputed": {
        const id = n(a.invoiceId);
        st.invoiceDispute.run("disputed", n(a.reasonCode), a.reasonHash, ts, id);
        const r = this.invoiceRow(id);
        if (r) st.openDispute.run(seq, id, r.buyer_org_id, r.supplier_org_id, n(a.reasonCode), a.reasonHash, ts);
        return { entityType: "invoice", entityId: String(id), orgIds: this.invoiceParties(id), actor };
      }
      case "InvoiceDisputeWithdrawn": {
        const id = n(a.invoiceId);
        st.invoiceDispute.run("issued", null, null, ts, id);
        st.closeDispute.run(ts, "withdrawn", id);
        return { entityType: "invoice", entityId: String(id), orgIds: this.invoiceParties(id), actor };
      }
      case "InvoiceCancelled": {
        const id = n(a.invoiceId);
        st.invoiceStatus.run("cancelled", ts, id);
        st.closeDispute.run(ts, "cancelled", id);
        this.recomputeInvoiced(n(a.orderId), ts);
        return { entityType: "invoice", entityId: String(id), orgIds: this.invoiceParties(id), actor };
      }
      case "InvoicePaymentMade": {
        const id = n(a.invoiceId);
        const requestId = n(a.financingRequestId);
        st.invoicePaid.run(s(a.totalPaid), INVOICE_STATUS[n(a.status)] ?? "paid", ts, id);
        st.insertPayment.run(seq, id, requestId || null, s(a.amount), s(a.toBank), s(a.toSupplier), s(a.totalPaid), actor, ts, log.txHash);
        return { entityType: "invoice", entityId: String(id), orgIds: this.invoiceParties(id), actor };
      }
      case "InvoiceMarkedOverdue": {
        const id = n(a.invoiceId);
        st.invoiceOverdue.run(ts, ts, id);
        const requestId = n(a.financingRequestId);
        const r = requestId ? this.requestRow(requestId) : undefined;
        // Only an advance still owed counts against the supplier's record, as in Settlement.markOverdue.
        if (r && r.status === "disbursed") {
          this.updateCredit(r.bank_org_id, r.supplier_org_id, ts, (c) => {
            c.overdue = Number(c.overdue) + 1;
            c.overdue_open = Number(c.overdue_open) + 1;
          });
        }
        return { entityType: "invoice", entityId: String(id), orgIds: this.invoiceParties(id), actor };
      }

      // Financing.
      case "FinancingRequested": {
        const id = n(a.requestId);
        const invoiceId = n(a.invoiceId);
        const bank = n(a.bankOrgId);
        const supplier = n(a.supplierOrgId);
        const buyer = this.invoiceRow(invoiceId)?.buyer_org_id ?? 0;
        const fastTrack = a.fastTrack ? 1 : 0;
        st.insertRequest.run(id, invoiceId, bank, supplier, buyer, s(a.amount), fastTrack, fastTrack ? 1 : 2, n(a.discountRateBps), ts, ts, log.txHash);
        st.invoiceFinancing.run(id, ts, invoiceId);
        return { entityType: "financing", entityId: String(id), orgIds: [bank, supplier, buyer], actor };
      }
      case "FinancingApproved": {
        const id = n(a.requestId);
        const approvals = n(a.approvals);
        const required = n(a.required);
        st.insertApproval.run(id, seq, a.officer, approvals, required, ts);
        const done = approvals >= required;
        if (done) st.requestApproved.run(approvals, "approved", ts, ts, id);
        else st.requestApproved.run(approvals, "requested", null, ts, id);
        return this.financingAttribution(id, a.officer as string);
      }
      case "FinancingRejected": {
        const id = n(a.requestId);
        st.requestRejected.run(ts, n(a.reasonCode), a.reasonHash, a.officer, ts, id);
        return this.financingAttribution(id, a.officer as string);
      }
      case "FinancingWithdrawn": {
        const id = n(a.requestId);
        st.requestWithdrawn.run(ts, ts, id);
        return this.financingAttribution(id, actor);
      }
      case "FinancingDisbursed": {
        const id = n(a.requestId);
        st.requestDisbursed.run(ts, s(a.discount), s(a.netAmount), n(a.daysToDue), ts, id);
        const r = this.requestRow(id);
        if (r) {
          this.updateCredit(r.bank_org_id, r.supplier_org_id, ts, (c) => {
            c.utilised = add(String(c.utilised), a.amount);
            c.financed = Number(c.financed) + 1;
          });
        }
        return this.financingAttribution(id, actor);
      }
      case "FinancingRepaymentReceived": {
        const id = n(a.requestId);
        const r = this.requestRow(id);
        if (!r) return this.financingAttribution(id, actor);
        const status = FINANCING_STATUS[n(a.status)] ?? r.status;
        const closed = status === "repaid";
        const recourse = a.byRecourse ? add(r.recourse_repaid, a.amount) : r.recourse_repaid;
        st.requestRepaid.run(s(a.totalRepaid), recourse, status, closed ? ts : null, closed ? (a.onTime ? 1 : 0) : null, ts, id);
        st.insertRepayment.run(seq, id, s(a.amount), s(a.totalRepaid), a.byRecourse ? 1 : 0, a.onTime ? 1 : 0, status, actor, ts);
        // The invoice was overdue before this repayment iff it was ever marked overdue: Overdue only leaves for Paid.
        const wasOverdue = closed && this.invoiceRow(r.invoice_id)?.overdue_at != null;
        this.updateCredit(r.bank_org_id, r.supplier_org_id, ts, (c) => {
          c.utilised = sub(String(c.utilised), a.amount);
          if (closed) {
            if (wasOverdue) c.overdue_open = Math.max(0, Number(c.overdue_open) - 1);
            if (a.onTime) c.repaid_on_time = Number(c.repaid_on_time) + 1;
            else c.repaid_late = Number(c.repaid_late) + 1;
          }
        });
        return this.financingAttribution(id, actor);
      }
      case "FinancingDefaulted": {
        const id = n(a.requestId);
        st.requestDefaulted.run(ts, id);
        const r = this.requestRow(id);
        if (r) this.updateCredit(r.bank_org_id, r.supplier_org_id, ts, (c) => (c.defaulted = Number(c.defaulted) + 1));
        return this.financingAttribution(id, actor);
      }
      default:
        return null;
    }
  }

  private financingAttribution(id: number, actor: string | null): Attribution {
    const r = this.requestRow(id);
    return {
      entityType: "financing",
      entityId: String(id),
      orgIds: r ? [r.bank_org_id, r.supplier_org_id, r.buyer_org_id] : [],
      actor,
    };
  }

  private projectToken(ev: DecodedEvent, seq: number, ts: number, log: RawLog): Attribution | null {
    const a = ev.args;
    const entityId = this.tokenAddress;
    switch (ev.name) {
      case "Transfer": {
        const from = a.from as string;
        const to = a.to as string;
        const fromOrg = this.orgOfTreasury(from);
        const toOrg = this.orgOfTreasury(to);
        this.st.insertTransfer.run(seq, log.blockNumber, log.txHash, from, to, s(a.value), fromOrg, toOrg, ts);
        return { entityType: "token", entityId, orgIds: [fromOrg ?? 0, toOrg ?? 0], actor: from };
      }
      case "Approval":
        return { entityType: "token", entityId, orgIds: [this.orgOfTreasury(a.owner as string) ?? 0], actor: a.owner as string };
      case "DepositMinted":
        return { entityType: "token", entityId, orgIds: [this.orgOfTreasury(a.to as string) ?? 0], actor: a.issuer as string };
      case "DepositBurned":
        return { entityType: "token", entityId, orgIds: [this.orgOfTreasury(a.from as string) ?? 0], actor: a.issuer as string };
      case "RoleGranted":
      case "RoleRevoked":
        return { entityType: "token", entityId, orgIds: [], actor: a.sender as string };
      default:
        return null;
    }
  }
}

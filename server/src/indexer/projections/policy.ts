import type { Database } from "../../db/sqlite";
import { dec, num, type Handlers, type LedgerEvents } from "./context";
import type { SharedRows } from "./rows";

interface PolicyRow {
  bank_org_id: number;
  advance_rate_bps: number;
  discount_rate_bps: number;
  fast_track_limit: string;
  at: number;
  updated_by: string;
}

/** Banks' policies, trusted buyers and credit limits (the ledger's policy module). */
export function policyHandlers(db: Database, rows: SharedRows): Handlers<LedgerEvents> {
  const upsertPolicy = db.prepare<[PolicyRow]>(`INSERT INTO bank_policies (bank_org_id, advance_rate_bps, discount_rate_bps,
    fast_track_limit, updated_at, updated_by) VALUES (@bank_org_id, @advance_rate_bps, @discount_rate_bps, @fast_track_limit, @at, @updated_by)
    ON CONFLICT (bank_org_id) DO UPDATE SET advance_rate_bps = excluded.advance_rate_bps, discount_rate_bps = excluded.discount_rate_bps,
    fast_track_limit = excluded.fast_track_limit, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
  const upsertTrusted = db.prepare<[{ bank_org_id: number; buyer_org_id: number; trusted: 0 | 1; at: number }]>(`INSERT INTO trusted_buyers
    (bank_org_id, buyer_org_id, trusted, updated_at) VALUES (@bank_org_id, @buyer_org_id, @trusted, @at)
    ON CONFLICT (bank_org_id, buyer_org_id) DO UPDATE SET trusted = excluded.trusted, updated_at = excluded.updated_at`);

  const proposalInsert = db.prepare<[{ id: number; bank_org_id: number; kind: number; change: string; proposer: string; at: number; tx_hash: string }]>(
    `INSERT INTO policy_proposals (id, bank_org_id, kind, change, proposer, status, proposed_at, tx_hash) VALUES (@id, @bank_org_id, @kind,
     @change, @proposer, 'pending', @at, @tx_hash) ON CONFLICT (id) DO NOTHING`,
  );
  const proposalDecide = db.prepare<[{ id: number; status: string; by: string; at: number }]>(
    "UPDATE policy_proposals SET status = @status, decided_by = @by, decided_at = @at WHERE id = @id",
  );
  const policy = (bank: number, actor: string) => ({ entityType: "policy" as const, entityId: String(bank), orgIds: [bank], actor });

  return {
    PolicyChangeProposed(a, { ts, log }) {
      const bank = num(a.bankOrgId);
      const c = a.change;
      const change = {
        kind: num(c.kind),
        orgId: num(c.orgId),
        trusted: c.trusted,
        advanceRateBps: num(c.advanceRateBps),
        discountRateBps: num(c.discountRateBps),
        fastTrackLimit: dec(c.fastTrackLimit),
        creditLimit: dec(c.creditLimit),
      };
      proposalInsert.run({ id: num(a.proposalId), bank_org_id: bank, kind: change.kind, change: JSON.stringify(change), proposer: a.proposer, at: ts, tx_hash: log.txHash });
      return policy(bank, a.proposer);
    },
    PolicyChangeApproved(a, { ts }) {
      proposalDecide.run({ id: num(a.proposalId), status: "approved", by: a.approver, at: ts });
      return policy(num(a.bankOrgId), a.approver);
    },
    PolicyChangeRejected(a, { ts }) {
      proposalDecide.run({ id: num(a.proposalId), status: "rejected", by: a.officer, at: ts });
      return policy(num(a.bankOrgId), a.officer);
    },
    BankPolicySet(a, { ts }) {
      const bank = num(a.bankOrgId);
      upsertPolicy.run({
        bank_org_id: bank,
        advance_rate_bps: num(a.advanceRateBps),
        discount_rate_bps: num(a.discountRateBps),
        fast_track_limit: dec(a.fastTrackLimit),
        at: ts,
        updated_by: a.actor,
      });
      return { entityType: "policy", entityId: String(bank), orgIds: [bank], actor: a.actor };
    },
    TrustedBuyerSet(a, { ts }) {
      const bank = num(a.bankOrgId);
      const buyer = num(a.buyerOrgId);
      upsertTrusted.run({ bank_org_id: bank, buyer_org_id: buyer, trusted: a.trusted ? 1 : 0, at: ts });
      return { entityType: "policy", entityId: String(bank), orgIds: [bank, buyer], actor: a.actor };
    },
    CreditLimitSet(a, { ts }) {
      const bank = num(a.bankOrgId);
      const supplier = num(a.supplierOrgId);
      rows.updateCredit(bank, supplier, ts, (c) => (c.limit_minor = dec(a.limit)));
      return { entityType: "policy", entityId: String(bank), orgIds: [bank, supplier], actor: a.actor };
    },
  };
}

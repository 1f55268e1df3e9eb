import type { Database } from "../../db/sqlite";
import { dec, num, type Attribution, type Handlers, type LedgerEvents, type Reveal } from "./context";

/** Network-wide settings (grace period) are audit entity ("policy", "0"). */
const NETWORK = "0";

/** On-chain member roles (IOrgRegistry.MemberRole) to the API's words. */
export const MEMBER_ROLE = ["none", "member", "officer", "admin"] as const;
/** On-chain proposal statuses (IOrgRegistry.ProposalStatus, IBankPolicy.PolicyProposalStatus) to the API's words. */
export const PROPOSAL_STATUS = ["none", "pending", "approved", "rejected"] as const;

interface OrgRow {
  id: number;
  kind: number;
  name: string;
  name_commitment: string;
  treasury: string;
  kyc_hash: string;
  admin: string;
  at: number;
}

/**
 * Organisations, their members and roles, member proposals and the network settings (the ledger's registry). The
 * name reaches the chain only as a salted commitment; the plain name is filled in where this gateway holds it.
 */
export function registryHandlers(db: Database, reveal: Reveal): Handlers<LedgerEvents> {
  const upsertOrg = db.prepare<[OrgRow]>(`INSERT INTO organizations (id, kind, name, name_commitment, status, treasury, kyc_hash, admin,
    created_at, updated_at) VALUES (@id, @kind, @name, @name_commitment, 'active', @treasury, @kyc_hash, @admin, @at, @at)
    ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, name_commitment = excluded.name_commitment,
    treasury = excluded.treasury, kyc_hash = excluded.kyc_hash, admin = excluded.admin, updated_at = excluded.updated_at`);
  const orgStatus = db.prepare<[{ id: number; status: "active" | "suspended"; at: number }]>(
    "UPDATE organizations SET status = @status, updated_at = @at WHERE id = @id",
  );
  const memberAdd = db.prepare<[{ org_id: number; account: string; role: number; at: number }]>(`INSERT INTO members (org_id, account,
    active, role, added_at, removed_at) VALUES (@org_id, @account, 1, @role, @at, NULL) ON CONFLICT (org_id, account) DO UPDATE SET
    active = 1, role = excluded.role, added_at = excluded.added_at, removed_at = NULL`);
  const memberRole = db.prepare<[{ org_id: number; account: string; role: number }]>(
    "UPDATE members SET role = @role WHERE org_id = @org_id AND account = @account",
  );
  const memberRemove = db.prepare<[{ org_id: number; account: string; at: number }]>(
    "UPDATE members SET active = 0, removed_at = @at WHERE org_id = @org_id AND account = @account",
  );
  const proposalInsert = db.prepare<[{ id: number; org_id: number; account: string; role: number; proposer: string; at: number }]>(
    `INSERT INTO member_proposals (id, org_id, account, role, proposer, status, proposed_at) VALUES (@id, @org_id, @account, @role,
     @proposer, 'pending', @at) ON CONFLICT (id) DO NOTHING`,
  );
  const proposalDecide = db.prepare<[{ id: number; status: string; by: string; at: number }]>(
    "UPDATE member_proposals SET status = @status, decided_by = @by, decided_at = @at WHERE id = @id",
  );
  const setting = db.prepare<[{ key: string; value: string; at: number }]>(`INSERT INTO network_settings (key, value, updated_at)
    VALUES (@key, @value, @at) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);

  const org = (id: number, actor: string | null): Attribution => ({ entityType: "organization", entityId: String(id), orgIds: [id], actor });
  const network = (actor: string | null): Attribution => ({ entityType: "policy", entityId: NETWORK, orgIds: [], actor });

  return {
    OrganizationRegistered(a, { ts }) {
      const id = num(a.orgId);
      upsertOrg.run({
        id,
        kind: num(a.kind),
        name: reveal(a.nameCommitment) ?? `Organisation ${id}`,
        name_commitment: a.nameCommitment,
        treasury: a.treasury,
        kyc_hash: a.kycHash,
        admin: a.admin,
        at: ts,
      });
      return org(id, a.actor);
    },
    OrganizationSuspended(a, { ts }) {
      orgStatus.run({ id: num(a.orgId), status: "suspended", at: ts });
      return org(num(a.orgId), a.actor);
    },
    OrganizationReinstated(a, { ts }) {
      orgStatus.run({ id: num(a.orgId), status: "active", at: ts });
      return org(num(a.orgId), a.actor);
    },
    MemberAdded(a, { ts }) {
      memberAdd.run({ org_id: num(a.orgId), account: a.account, role: num(a.role), at: ts });
      return org(num(a.orgId), a.actor);
    },
    MemberRoleChanged(a) {
      memberRole.run({ org_id: num(a.orgId), account: a.account, role: num(a.role) });
      return org(num(a.orgId), a.actor);
    },
    MemberRemoved(a, { ts }) {
      memberRemove.run({ org_id: num(a.orgId), account: a.account, at: ts });
      return org(num(a.orgId), a.actor);
    },
    MemberProposed(a, { ts }) {
      proposalInsert.run({ id: num(a.proposalId), org_id: num(a.orgId), account: a.account, role: num(a.role), proposer: a.proposer, at: ts });
      return org(num(a.orgId), a.proposer);
    },
    MemberProposalApproved(a, { ts }) {
      proposalDecide.run({ id: num(a.proposalId), status: "approved", by: a.approver, at: ts });
      return org(num(a.orgId), a.approver);
    },
    MemberProposalRejected(a, { ts }) {
      proposalDecide.run({ id: num(a.proposalId), status: "rejected", by: a.actor, at: ts });
      return org(num(a.orgId), a.actor);
    },
    GracePeriodSet(a, { ts }) {
      setting.run({ key: "grace_period", value: dec(a.gracePeriod), at: ts });
      return network(a.actor);
    },
  };
}

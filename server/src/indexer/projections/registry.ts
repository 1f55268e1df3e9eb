import type { Database } from "../../db/sqlite";
import { dec, num, type Attribution, type Handlers, type LedgerEvents } from "./context";

/** Network-wide settings (grace period, roles) are audit entity ("policy", "0"). */
const NETWORK = "0";

interface OrgRow {
  id: number;
  kind: number;
  name: string;
  treasury: string;
  kyc_hash: string;
  at: number;
}

/** Organisations, their members and the network settings (the ledger's registry module). */
export function registryHandlers(db: Database): Handlers<LedgerEvents> {
  const upsertOrg = db.prepare<[OrgRow]>(`INSERT INTO organizations (id, kind, name, status, treasury, kyc_hash, created_at, updated_at)
    VALUES (@id, @kind, @name, 'active', @treasury, @kyc_hash, @at, @at) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind,
    name = excluded.name, treasury = excluded.treasury, kyc_hash = excluded.kyc_hash, updated_at = excluded.updated_at`);
  const orgStatus = db.prepare<[{ id: number; status: "active" | "suspended"; at: number }]>(
    "UPDATE organizations SET status = @status, updated_at = @at WHERE id = @id",
  );
  const orgUpdate = db.prepare<[{ id: number; treasury: string; kyc_hash: string; at: number }]>(
    "UPDATE organizations SET treasury = @treasury, kyc_hash = @kyc_hash, updated_at = @at WHERE id = @id",
  );
  const memberAdd = db.prepare<[{ org_id: number; account: string; at: number }]>(`INSERT INTO members (org_id, account, active, added_at, removed_at)
    VALUES (@org_id, @account, 1, @at, NULL) ON CONFLICT (org_id, account) DO UPDATE SET active = 1, added_at = excluded.added_at, removed_at = NULL`);
  const memberRemove = db.prepare<[{ org_id: number; account: string; at: number }]>(
    "UPDATE members SET active = 0, removed_at = @at WHERE org_id = @org_id AND account = @account",
  );
  const setting = db.prepare<[{ key: string; value: string; at: number }]>(`INSERT INTO network_settings (key, value, updated_at)
    VALUES (@key, @value, @at) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);

  const org = (id: number, actor: string | null): Attribution => ({ entityType: "organization", entityId: String(id), orgIds: [id], actor });
  const network = (actor: string | null): Attribution => ({ entityType: "policy", entityId: NETWORK, orgIds: [], actor });

  return {
    OrganizationRegistered(a, { ts }) {
      const id = num(a.orgId);
      upsertOrg.run({ id, kind: num(a.kind), name: a.name, treasury: a.treasury, kyc_hash: a.kycHash, at: ts });
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
    OrganizationUpdated(a, { ts }) {
      orgUpdate.run({ id: num(a.orgId), treasury: a.treasury, kyc_hash: a.kycHash, at: ts });
      return org(num(a.orgId), a.actor);
    },
    MemberAdded(a, { ts }) {
      memberAdd.run({ org_id: num(a.orgId), account: a.account, at: ts });
      return org(num(a.orgId), a.actor);
    },
    MemberRemoved(a, { ts }) {
      memberRemove.run({ org_id: num(a.orgId), account: a.account, at: ts });
      return org(num(a.orgId), a.actor);
    },
    GracePeriodSet(a, { ts }) {
      setting.run({ key: "grace_period", value: dec(a.gracePeriod), at: ts });
      return network(a.actor);
    },
    RoleGranted: (a) => network(a.sender ?? null),
    RoleRevoked: (a) => network(a.sender ?? null),
    RoleAdminChanged: () => network(null),
  };
}

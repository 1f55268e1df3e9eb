import type { Actor } from "../app/actor";
import type { Services } from "../services";
import { forbidden } from "../shared/errors";
import type { Role } from "../shared/roles";

/** A person as the people directory shows them: who they are, their organisation and role, and whether active. */
export interface Person {
  id: string;
  name: string;
  role: Role;
  orgId: string;
  address: string;
  chainRole: string;
  admin: boolean;
  active: boolean;
  deactivatedAt: string | null;
}

interface PersonRow {
  id: string;
  name: string;
  role: Role;
  org_id: string;
  address: string;
  chain_role: string;
  is_admin: number;
  deactivated_at: string | null;
}

/**
 * The people of this gateway the caller may know by name: everyone for auditors and the operator (they read every
 * organisation's history, where approvers and actors are named), otherwise the caller's own organisation. The console
 * shows approvers and actors by these names instead of their addresses; a party never sees another party's staff.
 */
export function listPeople(s: Services, { user }: Actor, orgId?: string) {
  const all = user.role === "auditor" || user.role === "operator";
  if (orgId !== undefined && !all && orgId !== user.orgId) throw forbidden("Only your own organisation's people are listed to you.");
  const where = all ? (orgId !== undefined ? "org_id = @org" : "1") : "org_id = @org";
  const rows = s.gdb
    .prepare(`SELECT id, name, role, org_id, address, chain_role, is_admin, deactivated_at FROM users WHERE ${where} ORDER BY org_id, name`)
    .all({ org: orgId ?? user.orgId }) as PersonRow[];
  return {
    items: rows.map(
      (r): Person => ({
        id: r.id,
        name: r.name,
        role: r.role,
        orgId: r.org_id,
        address: r.address,
        chainRole: r.chain_role,
        admin: r.is_admin === 1,
        active: r.deactivated_at === null,
        deactivatedAt: r.deactivated_at,
      }),
    ),
  };
}

import type { Database } from "../db/sqlite";
import { clampLimit, decodeCursor, iso, pageOf, parseId, type Page } from "../db/page";
import { prepared } from "../db/stmt";
import { ORG_KIND } from "../indexer/projections";
import type { Scope } from "../shared/scope";

/** An organisation as the API shows it. */
export interface Organisation {
  id: string;
  kind: "core_enterprise" | "supplier" | "bank" | "auditor" | "operator";
  name: string;
  status: "active" | "suspended";
  treasury: string;
  kycHash: string;
  createdAt: string;
}

interface OrgRow {
  id: number;
  kind: number;
  name: string;
  status: "active" | "suspended";
  treasury: string;
  kyc_hash: string;
  created_at: number;
}

function toOrganisation(r: OrgRow): Organisation {
  return {
    id: String(r.id),
    kind: (ORG_KIND[r.kind] ?? "core_enterprise") as Organisation["kind"],
    name: r.name,
    status: r.status,
    treasury: r.treasury,
    kycHash: r.kyc_hash,
    createdAt: iso(r.created_at),
  };
}

/**
 * Returns an organisation. The directory is public on the network (names, kinds and treasuries are in the
 * registry's events), so every scope may read every organisation.
 */
export function getOrganization(db: Database, id: string, _scope?: Scope): Organisation | undefined {
  const n = parseId(id);
  if (n === undefined) return undefined;
  const r = prepared(db, "SELECT * FROM organizations WHERE id = ?").get(n) as OrgRow | undefined;
  return r && toOrganisation(r);
}

export interface OrganisationFilter {
  kind?: Organisation["kind"];
  status?: Organisation["status"];
  limit?: number;
  cursor?: string;
}

/** Lists organisations by id (the public directory), optionally of one kind or status. */
export function listOrganizations(db: Database, filter: OrganisationFilter = {}, _scope?: Scope): Page<Organisation> {
  const limit = clampLimit(filter.limit);
  const after = decodeCursor("orgs", filter.cursor) ?? 0;
  const where = ["id > @after"];
  const kind = filter.kind ? ORG_KIND.indexOf(filter.kind as (typeof ORG_KIND)[number]) : undefined;
  if (kind !== undefined) where.push("kind = @kind");
  if (filter.status) where.push("status = @status");
  const rows = prepared(db, `SELECT * FROM organizations WHERE ${where.join(" AND ")} ORDER BY id LIMIT @n`).all({
    after,
    kind,
    status: filter.status,
    n: limit + 1,
  }) as OrgRow[];
  return pageOf(rows, limit, "orgs", (r) => r.id, toOrganisation);
}

/** The organisation an account currently belongs to on-chain, or null. */
export function orgIdOfAccount(db: Database, address: string): string | null {
  const id = prepared(db, "SELECT org_id FROM members WHERE account = ? AND active = 1 LIMIT 1")
    .pluck()
    .get(address.toLowerCase()) as number | undefined;
  return id === undefined ? null : String(id);
}

/** The current member accounts of an organisation. */
export function listMembers(db: Database, orgId: string): string[] {
  const n = parseId(orgId);
  if (n === undefined) return [];
  return prepared(db, "SELECT account FROM members WHERE org_id = ? AND active = 1 ORDER BY added_at, account")
    .pluck()
    .all(n) as string[];
}

/** The organisation whose treasury is `address`, or null. */
export function orgIdOfTreasury(db: Database, address: string): string | null {
  const id = prepared(db, "SELECT id FROM organizations WHERE treasury = ? ORDER BY id LIMIT 1")
    .pluck()
    .get(address.toLowerCase()) as number | undefined;
  return id === undefined ? null : String(id);
}

/** The network's grace period in seconds after an invoice's due date, as last set on-chain (null before indexing). */
export function gracePeriodSeconds(db: Database): number | null {
  const v = prepared(db, "SELECT value FROM network_settings WHERE key = 'grace_period'").pluck().get() as string | undefined;
  return v === undefined ? null : Number(v);
}

/** A proposal to give an account a role in its organisation, waiting for (or decided by) a second governor. */
export interface MemberProposal {
  id: string;
  orgId: string;
  account: string;
  role: "member" | "officer" | "admin";
  proposedBy: string;
  status: "pending" | "approved" | "rejected";
  decidedBy: string | null;
  proposedAt: string;
  decidedAt: string | null;
}

interface MemberProposalRow {
  id: number;
  org_id: number;
  account: string;
  role: number;
  proposer: string;
  status: MemberProposal["status"];
  decided_by: string | null;
  proposed_at: number;
  decided_at: number | null;
}

const MEMBER_ROLE_NAMES = ["none", "member", "officer", "admin"] as const;

function toMemberProposal(r: MemberProposalRow): MemberProposal {
  return {
    id: String(r.id),
    orgId: String(r.org_id),
    account: r.account,
    role: (MEMBER_ROLE_NAMES[r.role] ?? "member") as MemberProposal["role"],
    proposedBy: r.proposer,
    status: r.status,
    decidedBy: r.decided_by,
    proposedAt: iso(r.proposed_at),
    decidedAt: r.decided_at === null ? null : iso(r.decided_at),
  };
}

/** One member proposal, from the index's projection of the registry's proposal events. */
export function getMemberProposal(db: Database, id: string): MemberProposal | undefined {
  const n = parseId(id);
  if (n === undefined) return undefined;
  const r = prepared(db, "SELECT * FROM member_proposals WHERE id = ?").get(n) as MemberProposalRow | undefined;
  return r && toMemberProposal(r);
}

/** An organisation's member proposals, newest first (at most 500). */
export function listMemberProposals(db: Database, orgId: string): MemberProposal[] {
  const n = parseId(orgId);
  if (n === undefined) return [];
  return (prepared(db, "SELECT * FROM member_proposals WHERE org_id = ? ORDER BY id DESC LIMIT 500").all(n) as MemberProposalRow[]).map(toMemberProposal);
}

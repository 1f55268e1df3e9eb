import { writeDirectory } from "../disclosures/directory";
import crypto from "node:crypto";
import { getAddress } from "ethers";
import { commit } from "../commitments/service";
import { hashToken, newToken } from "../shared/secrets";
import { INITIAL_TOKEN_DAYS, issueToken } from "../tokens/service";
import type { Organisation } from "./repo";
import { AppError, forbidden } from "../shared/errors";
import type { IdempotencyStep } from "../chain/ledger-client";
import type { Services } from "../services";
import { formatMinor } from "../shared/money";
import type { Role } from "../shared/scope";
import type { Actor } from "../app/actor";
import { stepAt } from "../app/actor";
import { sha256Hex } from "../shared/hash";
import { visible } from "../app/write";

export const ORG_KINDS = { core_enterprise: 1, supplier: 2, bank: 3, auditor: 4 } as const;
export type OrgKindName = keyof typeof ORG_KINDS;

/** Which user role belongs to which organisation kind. */
export const ROLE_FOR_KIND: Record<OrgKindName, Role> = { core_enterprise: "buyer", supplier: "supplier", bank: "officer", auditor: "auditor" };

const op = (s: Services) => ({ address: s.operatorAddress });

/** On-chain member roles (IOrgRegistry.MemberRole). */
export const MEMBER_ROLES = { member: 1, officer: 2, admin: 3 } as const;
export type MemberRoleName = keyof typeof MEMBER_ROLES;

/** What a new organisation's treasury allows the ledger to draw at first: nothing, until its own key raises it. */
export const INITIAL_ALLOWANCE = 0n;

/**
 * Onboards an organisation with its first admin: a custodial treasury account, the admin's user (custodial key or
 * the admin's own address) and the on-chain registration by the operator, whose only powers are this and suspension.
 * The name reaches the chain only as a salted commitment. A bank's treasury is made a token issuer (the operator is
 * the token's admin). The treasury grants the ledger no allowance here: its own key does that (`setLedgerAllowance`).
 */
export async function createOrganization(
  s: Services,
  input: { kind: OrgKindName; name: string; kycHash?: string; treasury?: string; admin: { name: string; address?: string } },
  idem?: IdempotencyStep,
): Promise<{ orgId: string; blockNumber: number; txHash: string; admin: CreatedUser }> {
  assertNewUserName(s, input.admin.name);
  // A treasury address given is held by the organisation (self-custodied); otherwise the gateway's vault makes one.
  const treasury = input.treasury ? selfCustodiedTreasury(s, input.treasury) : s.vault.create("treasury", null);
  const adminAddress = newAccount(s, input.admin.address, null);
  const kyc = input.kycHash ?? sha256Hex(`kyc:${input.name}`);
  const name = commit(s.gdb, "organization", "name", input.name);
  const reg = await s.ledger.act(op(s), "ledger", "registerOrganization", [ORG_KINDS[input.kind], name, treasury.address, kyc, adminAddress], stepAt(idem, 0));
  const orgId = String(s.ledger.parseLogs(reg).find((l) => l.name === "OrganizationRegistered")!.args.orgId);
  s.gdb.prepare("UPDATE accounts SET org_id = ? WHERE address IN (?, ?)").run(orgId, treasury.address, adminAddress);
  let last = reg;
  if (input.kind === "bank") {
    const issuer = (await s.ledger.read("token", "ISSUER_ROLE", [])) as string;
    last = await s.ledger.act(op(s), "token", "grantRole", [issuer, treasury.address], stepAt(idem, 1));
  }
  await s.indexer.waitFor(last.blockNumber);
  const admin = insertUser(s, { orgId, name: input.admin.name, role: ROLE_FOR_KIND[input.kind], address: adminAddress, chainRole: "admin" });
  // Member gateways learn the new name from the consortium directory.
  writeDirectory(s);
  return { orgId, blockNumber: last.blockNumber, txHash: reg.hash, admin };
}

export interface CreatedUser {
  user: { id: string; name: string; role: Role; orgId: string; address: string; chainRole: MemberRoleName | "operator" };
  token: string;
}

/** Refuses a user name that is taken. */
export function assertNewUserName(s: Services, name: string): void {
  const exists = s.gdb.prepare("SELECT 1 FROM users WHERE name = ?").get(name);
  if (exists) throw new AppError("conflict", "DUPLICATE_USER", `A user named "${name}" already exists.`);
}

/** A new custodial account, or the person's own address (the gateway then holds no key for it). */
/** Registers a treasury whose key its organisation holds: the gateway stores no key for it. */
function selfCustodiedTreasury(s: Services, address: string): { address: string } {
  const known = s.gdb.prepare("SELECT 1 FROM accounts WHERE address = ? COLLATE NOCASE").get(address);
  if (known) throw new AppError("conflict", "ALREADY_MEMBER", `Account ${address} is already registered.`);
  const checksummed = getAddress(address.toLowerCase());
  s.vault.registerSelfCustodied(checksummed, "treasury", null);
  return { address: checksummed };
}

export function newAccount(s: Services, address: string | undefined, orgId: string | null): string {
  if (!address) return s.vault.create("user", orgId).address;
  const known = s.gdb.prepare("SELECT 1 FROM accounts WHERE address = ? COLLATE NOCASE").get(address);
  if (known) throw new AppError("conflict", "ALREADY_MEMBER", `Account ${address} is already registered.`);
  const checksummed = getAddress(address.toLowerCase());
  s.vault.registerExternal(checksummed, orgId ?? "0");
  return checksummed;
}

/** Writes a user row with a fresh bearer token (returned once, stored hashed). */
export function insertUser(
  s: Services,
  u: { orgId: string; name: string; role: Role; address: string; chainRole: MemberRoleName | "operator" },
): CreatedUser {
  const token = newToken();
  const id = `u_${crypto.randomBytes(8).toString("hex")}`;
  s.gdb
    .prepare("INSERT INTO users (id, name, role, org_id, address, token_hash, created_at, chain_role, is_admin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
    .run(id, u.name, u.role, u.orgId, u.address, hashToken(token), new Date().toISOString(), u.chainRole, u.chainRole === "admin" ? 1 : 0);
  // The token is an API token like any other (expires, can be revoked).
  issueToken(s.gdb, id, "initial", INITIAL_TOKEN_DAYS, token);
  return { user: { id, ...u }, token };
}

/**
 * Creates a platform user (the operator's staff, organisation "0"), who acts with the operator account. Members of
 * organisations are no longer created by the operator: an organisation's admins add them (`POST /orgs/{id}/members`).
 */
export async function createUser(s: Services, input: { orgId: string; name: string; role: Role; address?: string }): Promise<CreatedUser> {
  if (input.orgId !== "0" || input.role !== "operator") {
    throw forbidden("The operator creates only platform users; an organisation's admins add its members (POST /orgs/{id}/members).", "OPERATOR_CANNOT_ADD_MEMBERS");
  }
  assertNewUserName(s, input.name);
  return insertUser(s, { orgId: "0", name: input.name, role: "operator", address: s.operatorAddress, chainRole: "operator" });
}

/** Onboards an organisation (see createOrganization) and answers it as the directory shows it. */
export async function onboardOrganization(
  s: Services,
  idem: IdempotencyStep | undefined,
  input: { kind: OrgKindName; name: string; kycHash?: string; treasury?: string; admin: { name: string; address?: string } },
) {
  const out = await createOrganization(s, input, idem);
  return { ...visible(s.read.getOrganization(out.orgId), "Organisation"), admin: out.admin, txHash: out.txHash, blockNumber: out.blockNumber };
}

/**
 * Refuses with 403 ORG_SUSPENDED when the organisation is suspended on the ledger (as the index last saw it). For
 * what the ledger does not see itself: uploads and complaints, which stay off-chain.
 */
export function assertOrgActive(s: Services, orgId: string): void {
  if (s.read.getOrganization(orgId)?.status === "suspended") {
    throw new AppError("forbidden", "ORG_SUSPENDED", "Your organisation is suspended: it cannot upload documents or file complaints.");
  }
}

/** What everyone may see of an organisation: the directory entry the docs promise, without treasury or KYC hash. */
const directoryEntry = ({ id, kind, name, status }: Organisation) => ({ id, kind, name, status });

/**
 * The directory of organisations: id, kind, name and status for everyone; the operator, and each organisation's own
 * members, also see its treasury and KYC hash.
 */
export function listDirectory(s: Services, actor: Actor) {
  const items = s.read.listOrganizations().map((o) => (actor.user.role === "operator" || o.id === actor.user.orgId ? o : directoryEntry(o)));
  return { items, nextCursor: null };
}

/** The caller and its organisation; the operator's users belong to the platform, organisation "0". */
export function whoAmI(s: Services, actor: Actor) {
  const { user } = actor;
  const org =
    user.orgId === "0" ? { id: "0" as const, kind: "operator" as const, name: "Trellis platform", status: "active" as const } : s.read.getOrganization(user.orgId);
  return { user: { id: user.id, name: user.name, role: user.role, address: user.address, admin: user.isAdmin === true }, org };
}

/** Settlement-token balances of the actor's organisation's treasury (every organisation's for auditors and the operator). */
export async function balances(s: Services, actor: Actor) {
  const all = actor.user.role === "auditor" || actor.user.role === "operator";
  const orgs = s.read.listOrganizations().filter((o) => all || o.id === actor.user.orgId);
  const items = await Promise.all(
    orgs.map(async (o) => ({
      orgId: o.id,
      name: o.name,
      treasury: o.treasury,
      currency: "TDT",
      balance: formatMinor((await s.ledger.read("token", "balanceOf", [o.treasury])) as bigint),
    })),
  );
  return { items };
}

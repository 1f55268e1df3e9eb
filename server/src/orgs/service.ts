import crypto from "node:crypto";
import { getAddress, MaxUint256 } from "ethers";
import { hashToken, newToken } from "../http/auth";
import { INITIAL_TOKEN_DAYS, issueToken } from "../tokens/service";
import { AppError } from "../shared/errors";
import type { IdempotencyStep } from "../chain/ledger-client";
import type { Services } from "../services";
import { formatMinor } from "../shared/money";
import type { Role } from "../shared/scope";
import type { Actor } from "../app/actor";
import type { Organisation } from "./repo";
import { stepAt } from "../app/actor";
import { sha256Hex } from "../shared/hash";
import { visible } from "../app/write";

export const ORG_KINDS = { core_enterprise: 1, supplier: 2, bank: 3, auditor: 4 } as const;
export type OrgKindName = keyof typeof ORG_KINDS;

/** Which user role belongs to which organisation kind. */
export const ROLE_FOR_KIND: Record<OrgKindName, Role> = { core_enterprise: "buyer", supplier: "supplier", bank: "officer", auditor: "auditor" };

const op = (s: Services) => ({ address: s.operatorAddress });

/**
 * Onboards an organisation: a custodial treasury account, the on-chain registration (operator), the treasury's
 * allowance to the ledger (so the ledger can move its settlement tokens) and, for a bank, the token issuer role.
 * Returns the new organisation id.
 */
export async function createOrganization(
  s: Services,
  input: { kind: OrgKindName; name: string; kycHash?: string },
  idem?: IdempotencyStep,
): Promise<{ orgId: string; blockNumber: number; txHash: string }> {
  const treasury = s.vault.create("treasury", null);
  const kyc = input.kycHash ?? sha256Hex(`kyc:${input.name}`);
  const reg = await s.ledger.act(op(s), "ledger", "registerOrganization", [ORG_KINDS[input.kind], input.name, treasury.address, kyc], stepAt(idem, 0));
  const orgId = String(s.ledger.parseLogs(reg).find((l) => l.name === "OrganizationRegistered")!.args.orgId);
  s.gdb.prepare("UPDATE accounts SET org_id = ? WHERE address = ?").run(orgId, treasury.address);
  let last = reg;
  last = await s.ledger.act({ address: treasury.address, orgId }, "token", "approve", [s.ledger.addresses.ledger, MaxUint256], stepAt(idem, 1));
  if (input.kind === "bank") {
    const issuer = (await s.ledger.read("token", "ISSUER_ROLE", [])) as string;
    last = await s.ledger.act(op(s), "token", "grantRole", [issuer, treasury.address], stepAt(idem, 2));
  }
  await s.indexer.waitFor(last.blockNumber);
  return { orgId, blockNumber: last.blockNumber, txHash: reg.hash };
}

/** Names whose creation this process is running now; a second request for one of them is a duplicate (409). */
const creating = new Set<string>();

/** Errors that prove the chain write did not happen (refused by the preflight, or mined as a revert). */
const REFUSED: ReadonlySet<string> = new Set(["invalid", "unauthenticated", "forbidden", "not_found", "conflict", "unprocessable"]);

/**
 * Creates a user of an organisation with a custodial key and a bearer token (returned once, stored hashed). Members
 * of on-chain organisations are added to them on-chain; the operator user acts with the operator account.
 *
 * Atomic and idempotent: everything that can be checked without writing is checked first; the name is then reserved
 * together with the new key in one transaction (so a concurrent duplicate answers 409 before anything reaches the
 * chain); the user row is written only once the membership is mined. If the chain refuses, the reservation and the
 * key are removed; if the outcome is unknown (the chain could not be reached), the reservation stays and a retry with
 * the same name, organisation and role resumes it instead of adding a second member.
 */
export async function createUser(
  s: Services,
  input: { orgId: string; name: string; role: Role; address?: string },
  idem?: IdempotencyStep,
): Promise<{ user: { id: string; name: string; role: Role; orgId: string; address: string }; token: string }> {
  const duplicate = () => new AppError("conflict", "DUPLICATE_USER", `A user named "${input.name}" already exists.`);
  if (creating.has(input.name) || s.gdb.prepare("SELECT 1 FROM users WHERE name = ?").get(input.name)) throw duplicate();
  const external = input.address === undefined ? undefined : getAddress(input.address.toLowerCase());
  if (input.role === "operator") {
    if (input.orgId !== "0") throw new AppError("unprocessable", "RULE_VIOLATION", 'Operator users belong to the platform, organisation "0".');
    if (external) throw new AppError("unprocessable", "RULE_VIOLATION", "Operator users act with the operator account; omit the address.");
  } else {
    const org = (await s.ledger.read("ledger", "organization", [input.orgId])) as { kind: bigint; status: bigint };
    const kindName = (Object.keys(ORG_KINDS) as OrgKindName[]).find((k) => BigInt(ORG_KINDS[k]) === org.kind);
    if (!kindName) throw new AppError("not_found", "NOT_FOUND", `Organisation ${input.orgId} was not found.`);
    if (ROLE_FOR_KIND[kindName] !== input.role) {
      throw new AppError("unprocessable", "RULE_VIOLATION", `A ${kindName.replace("_", " ")} organisation's users have the role ${ROLE_FOR_KIND[kindName]}.`);
    }
    if (external) {
      const known = s.gdb.prepare("SELECT 1 FROM accounts WHERE address = ? COLLATE NOCASE").get(external);
      const onChain = (await s.ledger.read("ledger", "orgOf", [external])) as bigint;
      if (known || onChain !== 0n) throw new AppError("conflict", "ALREADY_MEMBER", `Account ${external} is already registered.`);
    }
  }

  // Reserve the name with its key; nothing awaits between the check above and the reservation's `creating` entry.
  const reservation = s.gdb.transaction(() => {
    if (creating.has(input.name) || s.gdb.prepare("SELECT 1 FROM users WHERE name = ?").get(input.name)) throw duplicate();
    const prior = s.gdb.prepare("SELECT org_id, role, address, status FROM user_creations WHERE name = ?").get(input.name) as
      | { org_id: string; role: string; address: string; status: string }
      | undefined;
    if (prior) {
      const same = prior.status === "pending" && prior.org_id === input.orgId && prior.role === input.role && (!external || external === prior.address);
      if (!same) throw duplicate();
      return { address: prior.address, ownsAccount: input.role !== "operator" };
    }
    let address: string;
    if (input.role === "operator") address = s.operatorAddress;
    else if (external) {
      s.vault.registerExternal(external, input.orgId);
      address = external;
    } else address = s.vault.create("user", input.orgId).address;
    s.gdb
      .prepare("INSERT INTO user_creations (name, org_id, role, address, status, created_at) VALUES (?, ?, ?, ?, 'pending', ?)")
      .run(input.name, input.orgId, input.role, address, new Date().toISOString());
    return { address, ownsAccount: input.role !== "operator" };
  })();
  creating.add(input.name);
  const { address } = reservation;
  try {
    if (input.role !== "operator") {
      // A resumed creation may already have its membership on-chain (the earlier attempt was mined, then lost).
      const member = (await s.ledger.read("ledger", "orgOf", [address])) as bigint;
      if (member === 0n) {
        const receipt = await s.ledger.act(op(s), "ledger", "addMember", [input.orgId, address], idem);
        await s.indexer.waitFor(receipt.blockNumber);
      } else if (String(member) !== input.orgId) {
        throw new AppError("conflict", "ALREADY_MEMBER", `Account ${address} already belongs to organisation ${member}.`);
      }
    }
    const token = newToken();
    const id = `u_${crypto.randomBytes(8).toString("hex")}`;
    s.gdb.transaction(() => {
      s.gdb
        .prepare("INSERT INTO users (id, name, role, org_id, address, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .run(id, input.name, input.role, input.orgId, address, hashToken(token), new Date().toISOString());
      s.gdb.prepare("UPDATE user_creations SET status = 'done' WHERE name = ?").run(input.name);
      // The token is an API token like any other (expires, can be revoked); an organisation's first user is its admin.
      issueToken(s.gdb, id, "initial", INITIAL_TOKEN_DAYS, token);
      s.gdb.prepare("UPDATE users SET is_admin = 1 WHERE id = ? AND NOT EXISTS (SELECT 1 FROM users WHERE org_id = ? AND id <> ?)").run(id, input.orgId, id);
    })();
    return { user: { id, name: input.name, role: input.role, orgId: input.orgId, address }, token };
  } catch (err) {
    // Refused: nothing reached the chain, so the name and the key go too. Otherwise the reservation stays to resume.
    if (err instanceof AppError && REFUSED.has(err.kind)) {
      s.gdb.transaction(() => {
        s.gdb.prepare("DELETE FROM user_creations WHERE name = ? AND status = 'pending'").run(input.name);
        if (reservation.ownsAccount) s.gdb.prepare("DELETE FROM accounts WHERE address = ? AND NOT EXISTS (SELECT 1 FROM users WHERE address = ?)").run(address, address);
      })();
    }
    throw err;
  } finally {
    creating.delete(input.name);
  }
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

/** Onboards an organisation (see createOrganization) and answers it as the directory shows it. */
export async function onboardOrganization(s: Services, idem: IdempotencyStep | undefined, input: { kind: OrgKindName; name: string; kycHash?: string }) {
  const out = await createOrganization(s, input, idem);
  return { ...visible(s.read.getOrganization(out.orgId), "Organisation"), txHash: out.txHash, blockNumber: out.blockNumber };
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
  return { user: { id: user.id, name: user.name, role: user.role, address: user.address }, org };
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

import { ZeroHash } from "ethers";
import type { Services } from "../services";
import type { IdempotencyStep } from "../chain/ledger-client";
import { AppError, forbidden } from "../shared/errors";
import { toMinor, formatMinor } from "../shared/money";
import type { Actor } from "../app/actor";
import { visible } from "../app/write";
import { assertNewUserName, insertUser, MEMBER_ROLES, newAccount, ROLE_FOR_KIND, type MemberRoleName, type OrgKindName } from "./service";
import { getMemberProposal, listMemberProposals, type MemberProposal } from "./repo";

const ROLE_NAMES = ["none", "member", "officer", "admin"] as const;

/** Names whose creation this process is running now; a second request for one of them is a duplicate (409). */
const creating = new Set<string>();
/** Errors that prove the chain write did not happen (refused by the preflight, or mined as a revert). */
const REFUSED: ReadonlySet<string> = new Set(["invalid", "unauthenticated", "forbidden", "not_found", "conflict", "unprocessable"]);

/** The signer of an actor's own chain writes. */
const me = (actor: Actor) => ({ address: actor.user.address, orgId: actor.user.orgId });

/** Refuses anyone but a member of `orgId` (the operator included: it governs no organisation's members). */
function ownOrg(actor: Actor, orgId: string, what: string): void {
  if (actor.user.role === "operator") throw forbidden(`The operator cannot ${what}; the organisation's own admins do.`, "OPERATOR_NOT_MEMBER");
  if (actor.user.orgId !== orgId) throw forbidden(`Only members of organisation ${orgId} may ${what}.`);
}

/**
 * An admin of `orgId` adds a person: the gateway creates the person's custodial key (or registers their own address)
 * and user row, then the admin's own key writes the membership. In a bank that already has two governors, an
 * officer or an admin is only proposed (a different governor approves); everyone else is added at once.
 */
export async function proposeMember(
  s: Services,
  actor: Actor,
  idem: IdempotencyStep | undefined,
  orgId: string,
  input: { name: string; role: MemberRoleName; address?: string },
) {
  ownOrg(actor, orgId, "add members");
  const org = visible(s.read.getOrganization(orgId), `Organisation ${orgId}`);
  const onChain = (await s.ledger.read("ledger", "organization", [orgId])) as { governors: bigint };
  const myRole = ROLE_NAMES[Number(await s.ledger.read("ledger", "roleOf", [actor.user.address]))];
  if (myRole !== "admin") throw forbidden(`Only an admin of organisation ${orgId} adds members (you are ${myRole}).`, "ADMIN_REQUIRED");
  if (org.kind !== "bank" && input.role === "officer") {
    throw new AppError("unprocessable", "RULE_VIOLATION", "Only banks have officers; give the person the role member or admin.");
  }
  const duplicate = () => new AppError("conflict", "DUPLICATE_USER", `A user named "${input.name}" already exists.`);
  const needsSecond = org.kind === "bank" && input.role !== "member" && onChain.governors >= 2n;
  // Reserve the name with its key (no await between the check and the reservation), so concurrent creations of one
  // name answer 409 before anything reaches the chain; a pending reservation of the same name and organisation (an
  // earlier attempt that may have reached the chain) is resumed instead of adding a second member.
  const reservation = s.gdb.transaction(() => {
    if (creating.has(input.name)) throw duplicate();
    assertNewUserName(s, input.name);
    const prior = s.gdb.prepare("SELECT org_id, address, status FROM user_creations WHERE name = ?").get(input.name) as
      | { org_id: string; address: string; status: string }
      | undefined;
    if (prior) {
      if (prior.status !== "pending" || prior.org_id !== orgId || (input.address && input.address.toLowerCase() !== prior.address.toLowerCase())) throw duplicate();
      return { address: prior.address, fresh: false };
    }
    const address = newAccount(s, input.address, orgId);
    s.gdb
      .prepare("INSERT INTO user_creations (name, org_id, role, address, status, created_at) VALUES (?, ?, ?, ?, 'pending', ?)")
      .run(input.name, orgId, ROLE_FOR_KIND[org.kind as OrgKindName], address, new Date().toISOString());
    return { address, fresh: true };
  })();
  const { address } = reservation;
  creating.add(input.name);
  try {
    const memberOf = (await s.ledger.read("ledger", "orgOf", [address])) as bigint;
    if (memberOf !== 0n && String(memberOf) !== orgId) throw new AppError("conflict", "ALREADY_MEMBER", `Account ${address} already belongs to organisation ${memberOf}.`);
    // A resumed creation whose membership is already on the chain writes nothing; it answers the current head.
    const receipt =
      memberOf === 0n
        ? await s.ledger.act(me(actor), "ledger", needsSecond ? "proposeMember" : "addMember", [orgId, address, MEMBER_ROLES[input.role]], idem)
        : undefined;
    if (receipt) await s.indexer.waitFor(receipt.blockNumber);
    const created = s.gdb.transaction(() => {
      const u = insertUser(s, {
        orgId,
        name: input.name,
        role: ROLE_FOR_KIND[org.kind as OrgKindName],
        address,
        chainRole: needsSecond ? "member" : input.role,
      });
      s.gdb.prepare("UPDATE user_creations SET status = 'done' WHERE name = ?").run(input.name);
      return u;
    })();
    const written = receipt
      ? { txHash: receipt.hash, blockNumber: receipt.blockNumber }
      : { txHash: ZeroHash, blockNumber: Number(await s.provider.send("eth_blockNumber", [])) };
    const proposed = receipt && needsSecond ? String(s.ledger.parseLogs(receipt).find((l) => l.name === "MemberProposed")!.args.proposalId) : undefined;
    const proposal = proposed ? visible(getMemberProposal(s.idb, proposed), `Member proposal ${proposed}`) : null;
    return { status: proposal ? (202 as const) : (201 as const), body: { ...created, proposal, ...written } };
  } catch (err) {
    // Refused: nothing reached the chain, so the name and the key go too. Otherwise the reservation stays to resume.
    if (err instanceof AppError && REFUSED.has(err.kind)) {
      s.gdb.transaction(() => {
        s.gdb.prepare("DELETE FROM user_creations WHERE name = ? AND status = 'pending'").run(input.name);
        if (reservation.fresh) s.gdb.prepare("DELETE FROM accounts WHERE address = ? AND NOT EXISTS (SELECT 1 FROM users WHERE address = ?)").run(address, address);
      })();
    }
    throw err;
  } finally {
    creating.delete(input.name);
  }
}

/** A different governor (officer or admin) of the proposal's organisation approves it; the chain applies it. */
export async function approveMember(s: Services, actor: Actor, idem: IdempotencyStep | undefined, orgId: string, proposalId: string) {
  ownOrg(actor, orgId, "approve its member proposals");
  const p = getMemberProposal(s.idb, proposalId);
  if (!p || p.orgId !== orgId) throw new AppError("not_found", "NOT_FOUND", `Member proposal ${proposalId} was not found.`);
  if (p.proposedBy.toLowerCase() === actor.user.address.toLowerCase()) {
    throw forbidden("The admin who proposed a member cannot approve the proposal; a second governor does.", "SAME_OFFICER");
  }
  if (p.status !== "pending") throw new AppError("conflict", "PROPOSAL_NOT_OPEN", `Member proposal ${proposalId} is already ${p.status}.`);
  const receipt = await s.ledger.act(me(actor), "ledger", "approveMember", [proposalId], idem);
  await s.indexer.waitFor(receipt.blockNumber);
  s.gdb.prepare("UPDATE users SET chain_role = ? WHERE address = ? COLLATE NOCASE").run(p.role, p.account);
  return { proposal: visible(getMemberProposal(s.idb, proposalId), `Member proposal ${proposalId}`), txHash: receipt.hash, blockNumber: receipt.blockNumber };
}

/**
 * Removes a person's on-chain membership, written by an admin of their organisation (`by`); used when a person is
 * deactivated. The chain keeps its floors (an organisation keeps an admin, a bank two governors).
 */
export async function removeMember(s: Services, by: Actor, userId: string, idem?: IdempotencyStep) {
  const u = s.gdb.prepare("SELECT id, org_id, address FROM users WHERE id = ?").get(userId) as { id: string; org_id: string; address: string } | undefined;
  if (!u) throw new AppError("not_found", "NOT_FOUND", `User ${userId} was not found.`);
  ownOrg(by, u.org_id, "remove its members");
  const receipt = await s.ledger.act(me(by), "ledger", "removeMember", [u.org_id, u.address], idem);
  await s.indexer.waitFor(receipt.blockNumber);
  s.gdb.prepare("UPDATE users SET chain_role = 'removed' WHERE id = ?").run(u.id);
  return { userId: u.id, orgId: u.org_id, address: u.address, txHash: receipt.hash, blockNumber: receipt.blockNumber };
}

/** Lists an organisation's member proposals (its own members and auditors). */
export function memberProposals(s: Services, actor: Actor, orgId: string): { items: MemberProposal[] } {
  if (actor.user.role !== "auditor" && actor.user.role !== "operator" && actor.user.orgId !== orgId) throw forbidden();
  return { items: listMemberProposals(s.idb, orgId) };
}

/**
 * The organisation's treasury sets the ledger's allowance (ERC-20 approve by the treasury's own key), the bound on
 * what the ledger may draw from it: disbursements (banks), payments (buyers) and repayments (suppliers). Admins of
 * the organisation, and a bank's officers.
 */
export async function setLedgerAllowance(s: Services, actor: Actor, idem: IdempotencyStep | undefined, orgId: string, amount: string) {
  const org = allowanceSetter(s, actor, orgId);
  const receipt = await grantAllowance(s, orgId, org.treasury, toMinor(amount), idem);
  return { orgId, treasury: org.treasury, allowance: await ledgerAllowance(s, org.treasury), txHash: receipt.hash, blockNumber: receipt.blockNumber };
}

/**
 * The organisation whose treasury's allowance the actor may set (to the ledger or the notes contract): its own, as
 * one of its admins or, for a bank, one of its officers. Anyone else is refused (403), an unknown organisation 404.
 */
export function allowanceSetter(s: Services, actor: Actor, orgId: string) {
  ownOrg(actor, orgId, "set its treasury's allowance");
  const org = visible(s.read.getOrganization(orgId), `Organisation ${orgId}`);
  const row = s.gdb.prepare("SELECT chain_role FROM users WHERE id = ?").get(actor.user.id) as { chain_role: string } | undefined;
  if (row?.chain_role !== "admin" && !(org.kind === "bank" && row?.chain_role === "officer")) {
    throw forbidden("Only the organisation's admins (and a bank's officers) set its treasury's allowance.", "ADMIN_REQUIRED");
  }
  return org;
}

/** The treasury's own key approves the ledger for `minor`. */
export async function grantAllowance(s: Services, orgId: string, treasury: string, minor: bigint, idem?: IdempotencyStep) {
  const receipt = await s.ledger.act({ address: treasury, orgId }, "token", "approve", [s.ledger.addresses.ledger, minor], idem);
  await s.indexer.waitFor(receipt.blockNumber);
  return receipt;
}

/** What the ledger may still draw from a treasury, as a decimal string. */
export async function ledgerAllowance(s: Services, treasury: string): Promise<string> {
  return formatMinor((await s.ledger.read("token", "allowance", [treasury, s.ledger.addresses.ledger])) as bigint);
}

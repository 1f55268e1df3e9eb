import type { IdempotencyStep } from "../chain/ledger-client";
import type { Actor } from "../app/actor";
import { visible } from "../app/write";
import type { Services } from "../services";
import { AppError, forbidden, notFound } from "../shared/errors";
import { deleteSessionsOf, markDeactivated, userRecord, type UserCredentials } from "../sessions/repo";
import { revokeTokensOf } from "../tokens/repo";

/**
 * Suspends (or reinstates) an organisation on the ledger as the operator (the route admits only the operator role);
 * the registry's own errors decide refusals. Answers the organisation as the directory shows it afterwards.
 */
export async function setOrganizationStatus(s: Services, _actor: Actor, idem: IdempotencyStep | undefined, orgId: string, status: "suspended" | "active") {
  visible(s.read.getOrganization(orgId), `Organisation ${orgId}`);
  const fn = status === "suspended" ? "suspendOrganization" : "reinstateOrganization";
  const receipt = await s.ledger.act({ address: s.operatorAddress }, "ledger", fn, [orgId], idem);
  await s.indexer.waitFor(receipt.blockNumber);
  return { ...visible(s.read.getOrganization(orgId), `Organisation ${orgId}`), txHash: receipt.hash, blockNumber: receipt.blockNumber };
}

/**
 * Removes a deactivated person's account from its organisation on the ledger, so the chain stops accepting acts
 * signed by it. The hook of the governance phase: with today's registry the operator removes the member; once
 * organisations govern their own members, this becomes the organisation admins' removal.
 */
export async function removeOnChainMembership(s: Services, user: Pick<UserCredentials, "orgId" | "address">, idem?: IdempotencyStep): Promise<"removed" | "not_a_member"> {
  if (user.orgId === "0") return "not_a_member";
  const orgOf = (await s.ledger.read("ledger", "orgOf", [user.address])) as bigint;
  if (String(orgOf) !== user.orgId) return "not_a_member";
  const receipt = await s.ledger.act({ address: s.operatorAddress }, "ledger", "removeMember", [user.orgId, user.address], idem);
  await s.indexer.waitFor(receipt.blockNumber);
  return "removed";
}

/**
 * Deactivates a person (an admin of their organisation only): in one transaction the user is marked deactivated,
 * their sessions deleted and their API tokens revoked, so their very next request answers 401; then the on-chain
 * membership is removed. Repeating it (say after the chain was unreachable) finishes the on-chain part.
 */
export async function deactivateUser(s: Services, { user: actor }: Actor, idem: IdempotencyStep | undefined, userId: string) {
  const target = userRecord(s.gdb, userId);
  // Another organisation's people are not even found, so ids cannot be probed.
  if (!target || target.orgId !== actor.orgId) throw notFound(`User ${userId}`);
  if (!actor.isAdmin) throw forbidden("Only an admin of this organisation may deactivate its people.");
  if (target.id === actor.id) throw new AppError("conflict", "CANNOT_DEACTIVATE_SELF", "An admin cannot deactivate themselves; ask another admin.");
  const at = new Date().toISOString();
  const ended = s.gdb.transaction(() => {
    markDeactivated(s.gdb, target.id, at);
    return { sessionsEnded: deleteSessionsOf(s.gdb, target.id), tokensRevoked: revokeTokensOf(s.gdb, target.id, at) };
  })();
  const membership = await removeOnChainMembership(s, target, idem);
  const rec = userRecord(s.gdb, target.id)!;
  return {
    user: { id: rec.id, name: rec.name, role: rec.role, orgId: rec.orgId, address: rec.address, deactivatedAt: rec.deactivatedAt! },
    ...ended,
    membership,
  };
}

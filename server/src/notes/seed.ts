import type { Actor } from "../app/actor";
import { createOrganization, type CreatedUser } from "../orgs/service";
import { approvePolicy, proposePolicy } from "../policy/service";
import type { Services } from "../services";
import { grantNotesAllowance } from "./service";

/** What the notes contract may draw in the demo: the buyer's payments into trees, the banks' note advances. */
export const DEMO_NOTES_ALLOWANCE = { bank: 10_000_000_00n, buyer: 20_000_000_00n } as const;

/** The demo's two lower supplier tiers: tier2 supplies Pearl River, tier3 supplies tier2. */
export interface NoteTiers {
  tier2: { orgId: string; admin: CreatedUser };
  tier3: { orgId: string; admin: CreatedUser };
}

/**
 * The demo world of payable notes (issue #11), seeded after the rest: two more supplier tiers, each with a custodial
 * admin (`tier2`, `tier3`), with credit limits of 1,000,000.00 at Bank A (proposed by one officer, approved by the
 * other, on Bank A's existing rates), and the notes contract allowed to draw on Acme's treasury (it pays trees) and
 * both banks' (they advance on notes) with their own keys.
 */
export async function seedNoteTiers(
  s: Services,
  world: {
    acme: string;
    bankA: string;
    bankB: string;
    maker: Actor;
    checker: Actor;
    /** Runs `work` as the named owner (signing with their key when self-custodied; see seedDemo). */
    as: <T>(name: string, work: () => Promise<T>) => Promise<T>;
    /** The owner's name of each bank's self-custodied treasury. */
    treasuryOwner: Record<string, string>;
  },
): Promise<NoteTiers> {
  const tier2 = await createOrganization(s, { kind: "supplier", name: "Tier2 Metals", admin: { name: "tier2" } });
  const tier3 = await createOrganization(s, { kind: "supplier", name: "Tier3 Castings", admin: { name: "tier3" } });
  const current = s.read.getPolicy(world.bankA, world.maker.scope);
  if (!current) throw new Error("Bank A has no policy to extend with the tiers' credit limits");
  const { proposal } = await world.as(world.maker.user.name, () => proposePolicy(s, world.maker, undefined, world.bankA, {
    advanceRateBps: current.advanceRateBps,
    discountRateBps: current.discountRateBps,
    fastTrackLimit: current.fastTrackLimit,
    creditLimits: [
      { supplierOrgId: tier2.orgId, limit: "1000000.00" },
      { supplierOrgId: tier3.orgId, limit: "1000000.00" },
    ],
  }));
  await world.as(world.checker.user.name, () => approvePolicy(s, world.checker, undefined, world.bankA, proposal.id));
  const treasury = (orgId: string) => s.vault.treasuryAddressOf(orgId)!;
  await grantNotesAllowance(s, world.acme, treasury(world.acme), DEMO_NOTES_ALLOWANCE.buyer);
  for (const bank of [world.bankA, world.bankB]) {
    await world.as(world.treasuryOwner[bank] ?? "", () => grantNotesAllowance(s, bank, treasury(bank), DEMO_NOTES_ALLOWANCE.bank));
  }
  return { tier2, tier3 };
}

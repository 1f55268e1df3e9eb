import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Services } from "./services";
import { createOrganization, createUser, type CreatedUser } from "./orgs/service";
import { grantAllowance, proposeMember, approveMember } from "./orgs/members";
import { approvePolicy, proposePolicy } from "./policy/service";
import { actorOf, type Actor } from "./app/actor";
import { hashPassword } from "./sessions/service";
import { setPasswordHash } from "./sessions/repo";
import { seedNoteTiers } from "./notes/seed";

type DemoUser = "operator" | "buyer" | "supplier" | "officer1" | "officer2" | "officer3" | "officer4" | "adminA" | "adminB" | "auditor" | "tier2" | "tier3";

export interface DemoCredentials {
  baseUrl: string;
  users: Record<DemoUser, { username: string; password: string; token: string; orgId: string; address: string }>;
  orgs: Record<"acme" | "pearl" | "bankA" | "bankB" | "audit" | "tier2" | "tier3", string>;
}

const units = (n: number) => BigInt(Math.round(n * 100));

/** What each treasury lets the ledger draw in the demo: bounded, raised by the treasury's own key when needed. */
export const DEMO_ALLOWANCE = { bank: units(10_000_000), buyer: units(20_000_000), supplier: units(2_000_000) } as const;

const asActor = (c: CreatedUser): Actor =>
  actorOf({ id: c.user.id, name: c.user.name, role: c.user.role, orgId: c.user.orgId, address: c.user.address, isAdmin: c.user.chainRole === "admin" });

/**
 * The demo world, created once on the first start, as the governance of issue #10 has it. The operator onboards
 * each organisation with its first admin and does nothing else: Acme Motors (buyer, admin "buyer"), Pearl River
 * Parts (supplier, admin "supplier"), Bank A (admin adminA; officers officer1, added by adminA as the bank's second
 * governor, and officer2, proposed by adminA and approved by officer1), Bank B (adminB; officer3 and officer4 the
 * same way) and Trellis Audit (admin "auditor"). Each bank's policy is proposed by one officer and approved by the
 * other: Bank A fast-tracks Acme up to 500,000.00; Bank B has no fast-track. Banks mint deposits to themselves, Bank A
 * funds Acme, and every treasury grants the ledger a bounded allowance with its own key. Writes
 * demo-credentials.json.
 */
export async function seedDemo(s: Services, baseUrl: string): Promise<DemoCredentials> {
  const log = s.logger;
  log.info("seeding the demo organisations and users");
  const onboard = (kind: "core_enterprise" | "supplier" | "bank" | "auditor", name: string, admin: string) =>
    createOrganization(s, { kind, name, admin: { name: admin } });
  const acme = await onboard("core_enterprise", "Acme Motors", "buyer");
  const pearl = await onboard("supplier", "Pearl River Parts", "supplier");
  const bankA = await onboard("bank", "Bank A", "adminA");
  const bankB = await onboard("bank", "Bank B", "adminB");
  const audit = await onboard("auditor", "Trellis Audit", "auditor");

  /** The bank's admin adds its first officer alone (the second governor), then proposes the next for that officer. */
  const officers = async (admin: CreatedUser, orgId: string, first: string, second: string) => {
    const a = asActor(admin);
    const one = (await proposeMember(s, a, undefined, orgId, { name: first, role: "officer" })).body;
    const two = (await proposeMember(s, a, undefined, orgId, { name: second, role: "officer" })).body;
    await approveMember(s, asActor(one), undefined, orgId, two.proposal!.id);
    two.user.chainRole = "officer";
    return [one, two] as const;
  };
  const [officer1, officer2] = await officers(bankA.admin, bankA.orgId, "officer1", "officer2");
  const [officer3, officer4] = await officers(bankB.admin, bankB.orgId, "officer3", "officer4");

  const policy = async (maker: CreatedUser, checker: CreatedUser, bankOrgId: string, input: Parameters<typeof proposePolicy>[4]) => {
    const { proposal } = await proposePolicy(s, asActor(maker), undefined, bankOrgId, input);
    await approvePolicy(s, asActor(checker), undefined, bankOrgId, proposal.id);
  };
  await policy(officer1, officer2, bankA.orgId, {
    advanceRateBps: 9000,
    discountRateBps: 800,
    fastTrackLimit: "500000.00",
    trustedBuyers: [acme.orgId],
    creditLimits: [{ supplierOrgId: pearl.orgId, limit: "2000000.00" }],
  });
  await policy(officer3, officer4, bankB.orgId, {
    advanceRateBps: 9000,
    discountRateBps: 900,
    fastTrackLimit: "0.00",
    creditLimits: [{ supplierOrgId: pearl.orgId, limit: "2000000.00" }],
  });

  const treasury = (orgId: string) => s.vault.treasuryOf(orgId).address;
  const mint = (bankOrgId: string, to: string, n: number) => s.ledger.act({ address: treasury(bankOrgId), orgId: bankOrgId }, "token", "mint", [to, units(n)]);
  await mint(bankA.orgId, treasury(bankA.orgId), 50_000_000);
  await mint(bankB.orgId, treasury(bankB.orgId), 50_000_000);
  await mint(bankA.orgId, treasury(acme.orgId), 20_000_000);
  await grantAllowance(s, bankA.orgId, treasury(bankA.orgId), DEMO_ALLOWANCE.bank);
  await grantAllowance(s, bankB.orgId, treasury(bankB.orgId), DEMO_ALLOWANCE.bank);
  await grantAllowance(s, acme.orgId, treasury(acme.orgId), DEMO_ALLOWANCE.buyer);
  await grantAllowance(s, pearl.orgId, treasury(pearl.orgId), DEMO_ALLOWANCE.supplier);

  // Payable notes (issue #11): the two lower supplier tiers, their credit at Bank A, the notes contract's allowances.
  const tiers = await seedNoteTiers(s, { acme: acme.orgId, bankA: bankA.orgId, bankB: bankB.orgId, maker: asActor(officer1), checker: asActor(officer2) });

  const operator = await createUser(s, { orgId: "0", name: "operator", role: "operator" });
  // A fresh random password per demo user and data directory; people sign in with it, machines use the token.
  const out = async (c: CreatedUser) => {
    const password = crypto.randomBytes(12).toString("base64url");
    setPasswordHash(s.gdb, c.user.id, await hashPassword(password));
    return { username: c.user.name, password, token: c.token, orgId: c.user.orgId, address: c.user.address };
  };
  const credentials: DemoCredentials = {
    baseUrl,
    users: {
      operator: await out(operator),
      buyer: await out(acme.admin),
      supplier: await out(pearl.admin),
      officer1: await out(officer1),
      officer2: await out(officer2),
      officer3: await out(officer3),
      officer4: await out(officer4),
      adminA: await out(bankA.admin),
      adminB: await out(bankB.admin),
      auditor: await out(audit.admin),
      tier2: await out(tiers.tier2.admin),
      tier3: await out(tiers.tier3.admin),
    },
    orgs: { acme: acme.orgId, pearl: pearl.orgId, bankA: bankA.orgId, bankB: bankB.orgId, audit: audit.orgId, tier2: tiers.tier2.orgId, tier3: tiers.tier3.orgId },
  };
  const file = path.join(s.config.dataDir, "demo-credentials.json");
  fs.writeFileSync(file, JSON.stringify(credentials, null, 2) + "\n", { mode: 0o600 });
  log.info({ file }, "demo data seeded");
  return credentials;
}

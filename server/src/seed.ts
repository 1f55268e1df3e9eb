import crypto from "node:crypto";
import { encryptKeystoreJson, Wallet } from "ethers";
import { signedBy } from "./signing/own-key";
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

/** A key its owner holds: a Web3 Secret Storage keystore file (outside the data directory) and its passphrase. */
export interface DemoKey {
  keystore: string;
  passphrase: string;
}

export interface DemoCredentials {
  baseUrl: string;
  users: Record<DemoUser, { username: string; password: string; token: string; orgId: string; address: string; custody: "self" | "custodial" } & Partial<DemoKey>>;
  orgs: Record<"acme" | "pearl" | "bankA" | "bankB" | "audit" | "tier2" | "tier3", string>;
  /** Each organisation's treasury; a bank's is self-custodied in the demo (its admin holds the keystore). */
  treasuries: Record<"acme" | "pearl" | "bankA" | "bankB", { address: string; custody: "self" | "custodial" } & Partial<DemoKey>>;
}

/** Where the demo writes its owners' keystores: beside the data directory, never in it (`./data` -> `./data-keys`). */
export function demoKeysDir(dataDir: string): string {
  return path.join(path.dirname(dataDir), path.basename(dataDir) + "-keys");
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
  log.info({ custody: s.config.demoCustody }, "seeding the demo organisations and users");
  // Self-custody (the default): every bank officer, bank admin and bank treasury gets a key made here, used here
  // only to sign the demo's own setup writes, and written as an encrypted keystore outside the data directory.
  const selfCustody = s.config.demoCustody === "self";
  const owners = new Map<string, Wallet>();
  const own = (name: string): string | undefined => {
    if (!selfCustody) return undefined;
    const w = new Wallet("0x" + crypto.randomBytes(32).toString("hex"));
    owners.set(name, w);
    return w.address;
  };
  /** Runs `work` as `name`: signing its writes with the owner's key when self-custodied. */
  const as = <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const w = owners.get(name);
    return w ? signedBy(s, w, work) : work();
  };
  const onboard = (kind: "core_enterprise" | "supplier" | "bank" | "auditor", name: string, admin: string) =>
    kind === "bank"
      ? createOrganization(s, { kind, name, treasury: own(`${admin}:treasury`), admin: { name: admin, address: own(admin) } })
      : createOrganization(s, { kind, name, admin: { name: admin } });
  const acme = await onboard("core_enterprise", "Acme Motors", "buyer");
  const pearl = await onboard("supplier", "Pearl River Parts", "supplier");
  const bankA = await onboard("bank", "Bank A", "adminA");
  const bankB = await onboard("bank", "Bank B", "adminB");
  const audit = await onboard("auditor", "Trellis Audit", "auditor");

  /** The bank's admin adds its first officer alone (the second governor), then proposes the next for that officer. */
  const officers = async (admin: CreatedUser, orgId: string, first: string, second: string) => {
    const a = asActor(admin);
    const [firstAddress, secondAddress] = [own(first), own(second)];
    const one = (await as(admin.user.name, () => proposeMember(s, a, undefined, orgId, { name: first, role: "officer", address: firstAddress }))).body;
    const two = (await as(admin.user.name, () => proposeMember(s, a, undefined, orgId, { name: second, role: "officer", address: secondAddress }))).body;
    await as(first, () => approveMember(s, asActor(one), undefined, orgId, two.proposal!.id));
    two.user.chainRole = "officer";
    return [one, two] as const;
  };
  const [officer1, officer2] = await officers(bankA.admin, bankA.orgId, "officer1", "officer2");
  const [officer3, officer4] = await officers(bankB.admin, bankB.orgId, "officer3", "officer4");

  const policy = async (maker: CreatedUser, checker: CreatedUser, bankOrgId: string, input: Parameters<typeof proposePolicy>[4]) => {
    const { proposal } = await as(maker.user.name, () => proposePolicy(s, asActor(maker), undefined, bankOrgId, input));
    await as(checker.user.name, () => approvePolicy(s, asActor(checker), undefined, bankOrgId, proposal.id));
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

  const treasury = (orgId: string) => s.vault.treasuryAddressOf(orgId)!;
  const treasuryOwner: Record<string, string> = { [bankA.orgId]: "adminA:treasury", [bankB.orgId]: "adminB:treasury" };
  const byTreasury = <T>(orgId: string, work: () => Promise<T>) => as(treasuryOwner[orgId] ?? "", work);
  const mint = (bankOrgId: string, to: string, n: number) =>
    byTreasury(bankOrgId, () => s.ledger.act({ address: treasury(bankOrgId), orgId: bankOrgId }, "token", "mint", [to, units(n)]));
  await mint(bankA.orgId, treasury(bankA.orgId), 50_000_000);
  await mint(bankB.orgId, treasury(bankB.orgId), 50_000_000);
  await mint(bankA.orgId, treasury(acme.orgId), 20_000_000);
  await byTreasury(bankA.orgId, () => grantAllowance(s, bankA.orgId, treasury(bankA.orgId), DEMO_ALLOWANCE.bank));
  await byTreasury(bankB.orgId, () => grantAllowance(s, bankB.orgId, treasury(bankB.orgId), DEMO_ALLOWANCE.bank));
  await grantAllowance(s, acme.orgId, treasury(acme.orgId), DEMO_ALLOWANCE.buyer);
  await grantAllowance(s, pearl.orgId, treasury(pearl.orgId), DEMO_ALLOWANCE.supplier);

  // Payable notes (issue #11): the two lower supplier tiers, their credit at Bank A, the notes contract's allowances.
  const tiers = await seedNoteTiers(s, { acme: acme.orgId, bankA: bankA.orgId, bankB: bankB.orgId, maker: asActor(officer1), checker: asActor(officer2), as, treasuryOwner });

  // The owners' keystores, each under its own random passphrase (scrypt N = 2^14 so a browser opens it in about a
  // second), in the keys directory beside the data directory: someone holding the data directory holds none of them.
  const keysDir = demoKeysDir(s.config.dataDir);
  const keys = new Map<string, DemoKey>();
  if (owners.size > 0) fs.mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  for (const [name, w] of owners) {
    const passphrase = crypto.randomBytes(12).toString("base64url");
    const keystore = path.join(keysDir, `${name.replace(":", "-")}.json`);
    fs.writeFileSync(keystore, await encryptKeystoreJson({ address: w.address, privateKey: w.privateKey }, passphrase, { scrypt: { N: 1 << 14 } }), { mode: 0o600 });
    keys.set(name, { keystore, passphrase });
  }
  owners.clear();

  const operator = await createUser(s, { orgId: "0", name: "operator", role: "operator" });
  // A fresh random password per demo user and data directory; people sign in with it, machines use the token.
  const out = async (c: CreatedUser) => {
    const password = crypto.randomBytes(12).toString("base64url");
    setPasswordHash(s.gdb, c.user.id, await hashPassword(password));
    const key = keys.get(c.user.name);
    return { username: c.user.name, password, token: c.token, orgId: c.user.orgId, address: c.user.address, custody: key ? ("self" as const) : ("custodial" as const), ...key };
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
    treasuries: {
      acme: { address: treasury(acme.orgId), custody: "custodial" },
      pearl: { address: treasury(pearl.orgId), custody: "custodial" },
      bankA: { address: treasury(bankA.orgId), ...(keys.get("adminA:treasury") ? { custody: "self" as const, ...keys.get("adminA:treasury") } : { custody: "custodial" as const }) },
      bankB: { address: treasury(bankB.orgId), ...(keys.get("adminB:treasury") ? { custody: "self" as const, ...keys.get("adminB:treasury") } : { custody: "custodial" as const }) },
    },
  };
  const file = path.join(s.config.dataDir, "demo-credentials.json");
  fs.writeFileSync(file, JSON.stringify(credentials, null, 2) + "\n", { mode: 0o600 });
  log.info({ file }, "demo data seeded");
  return credentials;
}

import fs from "node:fs";
import path from "node:path";
import type { Services } from "./services";
import crypto from "node:crypto";
import { createOrganization, createUser } from "./orgs/service";
import { hashPassword } from "./sessions/service";
import { setPasswordHash } from "./sessions/repo";
import type { Role } from "./shared/roles";

export interface DemoCredentials {
  baseUrl: string;
  users: Record<"operator" | "buyer" | "supplier" | "officer1" | "officer2" | "officer3" | "auditor", { username: string; password: string; token: string; orgId: string; address: string }>;
  orgs: Record<"acme" | "pearl" | "bankA" | "bankB", string>;
}

const units = (n: number) => BigInt(Math.round(n * 100));

/**
 * The demo world, created once on the first start: Acme Motors (buyer), Pearl River Parts (supplier), Bank A
 * (fast-track for Acme up to 500,000.00; officers officer1 and officer2) and Bank B (no fast-track; officer3), an
 * auditor and the operator. Banks mint deposits to themselves and Bank A funds Acme. Writes demo-credentials.json.
 */
export async function seedDemo(s: Services, baseUrl: string): Promise<DemoCredentials> {
  const log = s.logger;
  log.info("seeding the demo organisations and users");
  const acme = (await createOrganization(s, { kind: "core_enterprise", name: "Acme Motors" })).orgId;
  const pearl = (await createOrganization(s, { kind: "supplier", name: "Pearl River Parts" })).orgId;
  const bankA = (await createOrganization(s, { kind: "bank", name: "Bank A" })).orgId;
  const bankB = (await createOrganization(s, { kind: "bank", name: "Bank B" })).orgId;
  const audit = (await createOrganization(s, { kind: "auditor", name: "Trellis Audit" })).orgId;

  const mk = async (name: string, orgId: string, role: Role) => {
    // A fresh random password per demo user and data directory; people sign in with it, machines use the token.
    // scrypt runs on libuv's thread pool while the user is created on-chain, so seeding takes no longer for it.
    const password = crypto.randomBytes(12).toString("base64url");
    const hashing = hashPassword(password);
    const { user, token } = await createUser(s, { orgId, name, role });
    setPasswordHash(s.gdb, user.id, await hashing);
    return { username: name, password, token, orgId, address: user.address };
  };
  const users = {
    operator: await mk("operator", "0", "operator"),
    buyer: await mk("buyer", acme, "buyer"),
    supplier: await mk("supplier", pearl, "supplier"),
    officer1: await mk("officer1", bankA, "officer"),
    officer2: await mk("officer2", bankA, "officer"),
    officer3: await mk("officer3", bankB, "officer"),
    auditor: await mk("auditor", audit, "auditor"),
  };

  const a1 = { address: users.officer1.address, orgId: bankA };
  const b3 = { address: users.officer3.address, orgId: bankB };
  await s.ledger.act(a1, "ledger", "setBankPolicy", [9000, 800, units(500_000)]);
  await s.ledger.act(a1, "ledger", "setTrustedBuyer", [acme, true]);
  await s.ledger.act(a1, "ledger", "setCreditLimit", [pearl, units(2_000_000)]);
  await s.ledger.act(b3, "ledger", "setBankPolicy", [9000, 900, 0n]);
  await s.ledger.act(b3, "ledger", "setCreditLimit", [pearl, units(2_000_000)]);

  const treasuryA = s.vault.treasuryOf(bankA).address;
  const treasuryB = s.vault.treasuryOf(bankB).address;
  await s.ledger.act({ address: treasuryA, orgId: bankA }, "token", "mint", [treasuryA, units(50_000_000)]);
  await s.ledger.act({ address: treasuryB, orgId: bankB }, "token", "mint", [treasuryB, units(50_000_000)]);
  const last = await s.ledger.act({ address: treasuryA, orgId: bankA }, "token", "mint", [s.vault.treasuryOf(acme).address, units(20_000_000)]);
  await s.indexer.waitFor(last.blockNumber);

  const credentials: DemoCredentials = { baseUrl, users, orgs: { acme, pearl, bankA, bankB } };
  const file = path.join(s.config.dataDir, "demo-credentials.json");
  fs.writeFileSync(file, JSON.stringify(credentials, null, 2) + "\n", { mode: 0o600 });
  log.info({ file }, "demo data seeded");
  return credentials;
}

import crypto from "node:crypto";
import { getAddress } from "ethers";
import { hashToken, newToken } from "../shared/secrets";
import type { Services } from "../services";
import { AppError } from "../shared/errors";
import { INITIAL_TOKEN_DAYS, issueToken } from "../tokens/service";
import type { Role } from "../shared/roles";

/**
 * Enrols, on this gateway, a person who is already a member of `orgId` on the ledger and holds their own key: the
 * gateway records the account with no key and issues an API token. This is how a bank's own gateway (joined with
 * --deployment) gets its people: their membership is the ledger's, their keys stay with them.
 */
export async function enrolSelfCustodied(
  s: Services,
  input: { orgId: string; name: string; role: Role; address: string },
): Promise<{ user: { id: string; name: string; role: Role; orgId: string; address: string }; token: string }> {
  const address = getAddress(input.address);
  const orgOf = (await s.ledger.read("ledger", "orgOf", [address])) as bigint;
  if (orgOf.toString() !== input.orgId) {
    throw new AppError("unprocessable", "NOT_A_MEMBER", `Account ${address} is not a member of organisation ${input.orgId} on the ledger.`);
  }
  if (s.gdb.prepare("SELECT 1 FROM users WHERE name = ?").get(input.name)) throw new AppError("conflict", "DUPLICATE_USER", `A user named "${input.name}" already exists.`);
  if (s.vault.custodyOf(address)) throw new AppError("conflict", "ALREADY_MEMBER", `Account ${address} is already registered.`);
  const token = newToken();
  const id = `u_${crypto.randomBytes(8).toString("hex")}`;
  s.gdb.transaction(() => {
    s.vault.registerSelfCustodied(address, "user", input.orgId);
    s.gdb
      .prepare("INSERT INTO users (id, name, role, org_id, address, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(id, input.name, input.role, input.orgId, address, hashToken(token), new Date().toISOString());
    issueToken(s.gdb, id, "initial", INITIAL_TOKEN_DAYS, token);
  })();
  return { user: { id, name: input.name, role: input.role, orgId: input.orgId, address }, token };
}

import type { z } from "zod";
import type { IdempotencyStep } from "../chain/ledger-client";
import type { Services } from "../services";
import { forbidden } from "../shared/errors";
import { toMinor } from "../shared/money";
import { stepAt, type Actor } from "../app/actor";
import { visible } from "../app/write";
import type { PutPolicy } from "./schemas";

/**
 * Sets the actor's own bank's policy: rates and fast-track limit, then the fast-track list brought to exactly
 * `trustedBuyers` (when given), then each credit limit; one chain write per change, numbered for idempotency.
 */
export async function setPolicy(s: Services, actor: Actor, idem: IdempotencyStep | undefined, bankOrgId: string, input: z.infer<typeof PutPolicy>) {
  if (bankOrgId !== actor.user.orgId) throw forbidden("You may only set your own bank's policy.");
  const signer = { address: actor.user.address, orgId: actor.user.orgId };
  let step = 0;
  const act = (fn: string, args: unknown[]) => s.ledger.act(signer, "ledger", fn, args, stepAt(idem, step++));
  let last = await act("setBankPolicy", [input.advanceRateBps, input.discountRateBps, toMinor(input.fastTrackLimit)]);
  if (input.trustedBuyers) {
    const current = new Set(s.read.getPolicy(bankOrgId, actor.scope)?.trustedBuyers ?? []);
    const wanted = new Set(input.trustedBuyers);
    for (const id of wanted) if (!current.has(id)) last = await act("setTrustedBuyer", [id, true]);
    for (const id of current) if (!wanted.has(id)) last = await act("setTrustedBuyer", [id, false]);
  }
  for (const c of input.creditLimits ?? []) last = await act("setCreditLimit", [c.supplierOrgId, toMinor(c.limit)]);
  await s.indexer.waitFor(last.blockNumber);
  return { ...visible(s.read.getPolicy(bankOrgId, actor.scope), `Bank ${bankOrgId}`), txHash: last.hash, blockNumber: last.blockNumber };
}

import type { z } from "zod";
import type { IdempotencyStep } from "../chain/ledger-client";
import { FORWARD_REQUEST_TYPES, forwarderDomain } from "../chain/forward-request";
import type { Services } from "../services";
import type { Actor } from "../app/actor";
import type { Relay } from "./schemas";
import { checkAtSend, checkStatic, type SignedForwardRequest } from "./preflight";

/** What a client needs to sign a forward request: chain id, the forwarder's EIP-712 domain, targets and its nonce. */
export async function relayParams(s: Services, actor: Actor) {
  const { ledger } = s;
  const nonce = (await ledger.read("forwarder", "nonces", [actor.user.address])) as bigint;
  return {
    chainId: Number(ledger.chainId),
    domain: forwarderDomain(Number(ledger.chainId), ledger.addresses.forwarder),
    types: FORWARD_REQUEST_TYPES,
    ledger: ledger.addresses.ledger,
    token: ledger.addresses.token,
    from: actor.user.address,
    nonce: nonce.toString(),
  };
}

/**
 * Relays a forward request the actor signed with its own key (non-custodial); the gateway only pays the gas. Every
 * request is checked before broadcast (relay/preflight.ts: no value, the ledger or the token as target, gas bounds,
 * the actor's signature, deadline, nonce, and the call estimated) and again just before it is sent, so that a request
 * that would revert is refused with a 4xx RELAY_* code instead of costing the relayer gas.
 */
export async function relay(s: Services, actor: Actor, idem: IdempotencyStep | undefined, { request }: z.infer<typeof Relay>) {
  const { ledger, indexer } = s;
  const r: SignedForwardRequest = { ...request, value: BigInt(request.value), gas: BigInt(request.gas), nonce: BigInt(request.nonce) };
  const who = { address: actor.user.address, orgId: actor.user.orgId };
  await checkStatic(ledger, who, r);
  const receipt = await ledger.relaySigned(
    who,
    { from: r.from, to: r.to, value: 0n, gas: r.gas, deadline: r.deadline, data: r.data, signature: r.signature },
    idem,
    () => checkAtSend(ledger, r),
  );
  await indexer.waitFor(receipt.blockNumber);
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    events: ledger.parseLogs(receipt).map((l) => ({ name: l.name, args: Object.fromEntries(l.fragment.inputs.map((i, k) => [i.name, String(l.args[k])])) })),
  };
}

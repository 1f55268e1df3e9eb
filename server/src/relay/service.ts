import { verifyTypedData } from "ethers";
import type { z } from "zod";
import type { IdempotencyStep } from "../chain/ledger-client";
import { FORWARD_REQUEST_TYPES, forwarderDomain } from "../chain/forward-request";
import type { Services } from "../services";
import { badRequest, forbidden } from "../shared/errors";
import type { Actor } from "../app/actor";
import type { Relay } from "./schemas";

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
 * Relays a forward request the actor signed with its own key (non-custodial): it must carry no value, target the
 * ledger or the token and be signed by the actor; the gateway only pays the gas.
 */
export async function relay(s: Services, actor: Actor, idem: IdempotencyStep | undefined, { request }: z.infer<typeof Relay>) {
  const { ledger, indexer } = s;
  if (request.value !== "0") throw badRequest("Relayed requests carry no value.");
  const targets = [ledger.addresses.ledger, ledger.addresses.token].map((a) => a.toLowerCase());
  if (!targets.includes(request.to.toLowerCase())) throw badRequest("Requests may only target the ledger or the settlement token.");
  const { signature, ...unsigned } = request;
  const signer = verifyTypedData(forwarderDomain(ledger.chainId, ledger.addresses.forwarder), FORWARD_REQUEST_TYPES, unsigned, signature);
  if (signer.toLowerCase() !== actor.user.address.toLowerCase() || request.from.toLowerCase() !== signer.toLowerCase()) {
    throw forbidden("The request must be signed by your own account.");
  }
  const receipt = await ledger.relaySigned(
    { address: actor.user.address, orgId: actor.user.orgId },
    { from: request.from, to: request.to, value: 0n, gas: BigInt(request.gas), deadline: request.deadline, data: request.data, signature },
    idem,
  );
  await indexer.waitFor(receipt.blockNumber);
  return {
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    events: ledger.parseLogs(receipt).map((l) => ({ name: l.name, args: Object.fromEntries(l.fragment.inputs.map((i, k) => [i.name, String(l.args[k])])) })),
  };
}

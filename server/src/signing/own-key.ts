import type { Wallet } from "ethers";
import type { Services } from "../services";
import { forwarderDomain, signForwardRequest } from "../chain/forward-request";
import { SignatureRequired, signingScope, type DoneWrite } from "./context";

/**
 * Runs service work whose chain writes belong to a self-custodied account, signing each forward request with
 * `wallet` as the person's console or `trellis-sign` would: the work runs, stops at a write with SignatureRequired,
 * and runs again with that write's signature at hand (earlier writes are resumed, not repeated). Used by the demo
 * seed, the one place the owners' keys exist in the gateway's process; the gateway stores none of them.
 */
export async function signedBy<T>(s: Services, wallet: Wallet, work: () => Promise<T>): Promise<T> {
  const done: DoneWrite[] = [];
  const domain = forwarderDomain(s.ledger.chainId, s.ledger.addresses.forwarder);
  let signed: Awaited<ReturnType<typeof signForwardRequest>> | undefined;
  for (let round = 0; round < 32; round++) {
    try {
      return await signingScope.run({ signed, sent: false, done }, work);
    } catch (err) {
      if (!(err instanceof SignatureRequired)) throw err;
      if (err.pending.request.from.toLowerCase() !== wallet.address.toLowerCase()) {
        throw new Error(`a write of ${err.pending.request.from} came up while signing as ${wallet.address}`, { cause: err });
      }
      signed = await signForwardRequest(wallet, domain, err.pending.request);
    }
  }
  throw new Error("signedBy: more than 32 writes in one piece of work");
}

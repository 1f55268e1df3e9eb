import { AsyncLocalStorage } from "node:async_hooks";
import type { ERC2771Forwarder } from "../../../typechain-types/contracts/TrellisForwarder";
import type { UnsignedForwardRequest } from "../chain/forward-request";

/** A chain write a self-custodied person must sign: the forward request, and the call it carries (for the summary). */
export interface PendingWrite {
  request: UnsignedForwardRequest;
  call: { target: "ledger" | "token" | "notes"; fn: string; args: unknown[] };
}

/**
 * Thrown by the ledger client when the actor holds their own key and no signature for this write is at hand. The
 * preflight already passed; the HTTP edge turns it into `202 { signingRequest }`. Nothing was sent.
 */
export class SignatureRequired extends Error {
  constructor(readonly pending: PendingWrite) {
    super("The account holds its own key: this write must be signed by it.");
    this.name = "SignatureRequired";
  }
}

/** A write of an earlier step of the same request, already on the chain (a route that writes more than once). */
export interface DoneWrite {
  to: string;
  data: string;
  txHash: string;
}

/**
 * What the completion of a signing request brings to the route it re-runs: the owner's signed forward request for
 * the write it was made for, and the writes of earlier steps (resumed instead of signed again).
 */
export interface SigningScope {
  signed?: ERC2771Forwarder.ForwardRequestDataStruct;
  /** Set by the ledger client once `signed` was handed to a relayer (so a failure after it is not retried). */
  sent: boolean;
  done: DoneWrite[];
}

const storage = new AsyncLocalStorage<SigningScope>();

export const signingScope = {
  run: <T>(scope: SigningScope, work: () => Promise<T>): Promise<T> => storage.run(scope, work),
  current: (): SigningScope | undefined => storage.getStore(),
};

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The signed request of the current scope if it is for exactly this call (same target and calldata). */
export function signedFor(to: string, data: string): ERC2771Forwarder.ForwardRequestDataStruct | undefined {
  const s = storage.getStore();
  if (!s?.signed || s.sent) return undefined;
  return same(String(s.signed.to), to) && same(String(s.signed.data), data) ? s.signed : undefined;
}

/** An earlier step's transaction for exactly this call, if the current scope has one. */
export function doneFor(to: string, data: string): string | undefined {
  return storage.getStore()?.done.find((d) => same(d.to, to) && same(d.data, data))?.txHash;
}

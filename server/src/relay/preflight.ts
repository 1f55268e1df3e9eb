import { verifyTypedData } from "ethers";
import { AppError } from "../shared/errors";
import { FORWARD_REQUEST_TYPES, forwarderDomain } from "../chain/forward-request";
import type { LedgerClient } from "../chain/ledger-client";
import { decodeRevert, forwarderInterface } from "../chain/abi";
import { revertDataOf } from "../chain/contract-errors";
import { isConnectionError } from "../chain/tx-sender";

/** A forward request as the client signed it (EIP-712 `ForwardRequest` plus its signature), numbers parsed. */
export interface SignedForwardRequest {
  from: string;
  to: string;
  value: bigint;
  gas: bigint;
  nonce: bigint;
  deadline: number;
  data: string;
  signature: string;
}

/**
 * Gas the inner call may be given. Every ledger and token call needs well under 150k; a request outside these bounds
 * either cannot succeed (too little) or makes the forwarder burn the whole transaction (`_checkForwardedGas` when
 * the relayer's transaction cannot pass the requested gas on), so it is refused before anything is sent.
 */
export const RELAY_GAS = { min: 30_000n, max: 1_000_000n } as const;
/** A deadline must leave the transaction this long to be mined. */
const DEADLINE_MARGIN_S = 10;

const refuse = (kind: "unprocessable" | "conflict" | "forbidden", code: string, message: string, details?: unknown) => new AppError(kind, code, message, details);

/**
 * The checks that need no lock, in the order a client would fix them: value, target, gas bounds, signature, deadline.
 * A refused request is answered 4xx with a stable code and never broadcast, so relayers pay for no revert.
 */
export async function checkStatic(ledger: LedgerClient, actor: { address: string }, r: SignedForwardRequest): Promise<void> {
  if (r.value !== 0n) throw refuse("unprocessable", "RELAY_VALUE_NOT_ALLOWED", "Relayed requests carry no value: set value to 0.");
  const targets = [ledger.addresses.ledger, ledger.addresses.token].map((a) => a.toLowerCase());
  if (!targets.includes(r.to.toLowerCase())) {
    throw refuse("unprocessable", "RELAY_TARGET_NOT_ALLOWED", "Requests may only target the ledger or the settlement token (see GET /relay/params).", { allowed: [ledger.addresses.ledger, ledger.addresses.token] });
  }
  if (r.gas < RELAY_GAS.min || r.gas > RELAY_GAS.max) {
    throw refuse("unprocessable", "RELAY_GAS_OUT_OF_BOUNDS", `The request's gas must be between ${RELAY_GAS.min} and ${RELAY_GAS.max}.`, { min: String(RELAY_GAS.min), max: String(RELAY_GAS.max), gas: String(r.gas) });
  }
  let signer: string;
  try {
    const { signature, ...unsigned } = r;
    signer = verifyTypedData(forwarderDomain(ledger.chainId, ledger.addresses.forwarder), FORWARD_REQUEST_TYPES, unsigned, signature);
  } catch {
    throw refuse("forbidden", "RELAY_SIGNATURE_INVALID", "The signature is not a valid EIP-712 signature of this forward request.");
  }
  if (signer.toLowerCase() !== r.from.toLowerCase()) throw refuse("forbidden", "RELAY_SIGNATURE_INVALID", "The request is not signed by its `from` account.");
  if (signer.toLowerCase() !== actor.address.toLowerCase()) throw refuse("forbidden", "FORBIDDEN", "The request must be signed by your own account.");
  const now = await chainNow(ledger);
  if (r.deadline <= now + DEADLINE_MARGIN_S) {
    throw refuse("unprocessable", "RELAY_DEADLINE_EXPIRED", `The request's deadline has passed or leaves less than ${DEADLINE_MARGIN_S} s; sign it again with a later deadline.`, { deadline: r.deadline, now });
  }
}

/**
 * The checks that run under the person's lock, right before sending: the nonce must be the forwarder's current one
 * (a stale or future nonce would revert), and the whole `execute` is estimated as a relayer would send it, which
 * simulates the forwarder's own checks and the inner call together. Returns the gas limit to send with.
 */
export async function checkAtSend(ledger: LedgerClient, r: SignedForwardRequest): Promise<bigint> {
  const current = (await ledger.read("forwarder", "nonces", [r.from])) as bigint;
  if (r.nonce !== current) {
    throw refuse("conflict", "RELAY_NONCE_MISMATCH", `The request's nonce is ${r.nonce}, but the forwarder expects ${current} for this account (GET /relay/params).`, { nonce: String(r.nonce), expected: String(current) });
  }
  const data = forwarderInterface.encodeFunctionData("execute", [{ from: r.from, to: r.to, value: 0n, gas: r.gas, deadline: r.deadline, data: r.data, signature: r.signature }]);
  let estimate: bigint;
  try {
    estimate = await ledger.provider.estimateGas({ from: ledger.relayerAddresses[0], to: ledger.addresses.forwarder, data });
  } catch (err) {
    if (isConnectionError(err)) throw new AppError("unavailable", "CHAIN_UNAVAILABLE", "The ledger could not be reached; retry.");
    const decoded = decodeRevert(revertDataOf(err));
    if (decoded?.name === "ERC2771ForwarderExpiredRequest") throw refuse("unprocessable", "RELAY_DEADLINE_EXPIRED", "The request's deadline has passed by the chain's clock.");
    if (decoded?.name === "ERC2771ForwarderInvalidSigner") throw refuse("forbidden", "RELAY_SIGNATURE_INVALID", "The forwarder does not accept this signature for the request.");
    // The inner call succeeded as the person (simulated before this), so what fails here is the gas it was given.
    throw refuse("unprocessable", "RELAY_GAS_TOO_LOW", `The request's gas (${r.gas}) is not enough for its call; sign it again with more.`, decoded ? { contractError: decoded } : undefined);
  }
  // A quarter more than the estimate (blocks differ a little from the simulation), within the block's room.
  return estimate + estimate / 4n + 10_000n;
}

/** Now by the chain's clock: the latest block's timestamp, or the wall clock if the chain is behind it. */
async function chainNow(ledger: LedgerClient): Promise<number> {
  try {
    const block = await ledger.provider.getBlock("latest");
    return Math.max(block?.timestamp ?? 0, Math.floor(Date.now() / 1000));
  } catch (err) {
    if (isConnectionError(err)) throw new AppError("unavailable", "CHAIN_UNAVAILABLE", "The ledger could not be reached; retry.");
    throw err;
  }
}

import { BaseWallet, Signer, TypedDataDomain } from "ethers";
import { forwardRequestDigest } from "./forward-codec";
import type { TrellisForwarder } from "../../../typechain-types";
import type { ERC2771Forwarder } from "../../../typechain-types/contracts/TrellisForwarder";

/** EIP-712 types of OpenZeppelin's ERC2771Forwarder (v5). */
export const FORWARD_REQUEST_TYPES = {
  ForwardRequest: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "gas", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint48" },
    { name: "data", type: "bytes" },
  ],
};

/** The EIP-712 domain of a Trellis forwarder. */
export function forwarderDomain<C extends bigint | number>(
  chainId: C,
  forwarder: string,
): { name: string; version: string; chainId: C; verifyingContract: string } {
  return { name: "TrellisForwarder", version: "1", chainId, verifyingContract: forwarder };
}

export interface UnsignedForwardRequest {
  from: string;
  to: string;
  value: bigint;
  gas: bigint;
  nonce: bigint;
  deadline: number;
  data: string;
}

/** Signs a forward request as `signer`; the result is what `ERC2771Forwarder.execute` takes. */
export async function signForwardRequest(
  signer: Signer,
  domain: TypedDataDomain,
  request: UnsignedForwardRequest,
): Promise<ERC2771Forwarder.ForwardRequestDataStruct> {
  // A wallet holding its key signs the digest directly (forward-codec.ts spells it out; the same bytes as ethers'
  // signTypedData, which walks the types generically); any other signer signs the typed data itself.
  const signature =
    signer instanceof BaseWallet
      ? signer.signingKey.sign(forwardRequestDigest(domain, request)).serialized
      : await signer.signTypedData(domain, FORWARD_REQUEST_TYPES, request);
  return {
    from: request.from,
    to: request.to,
    value: request.value,
    gas: request.gas,
    deadline: request.deadline,
    data: request.data,
    signature,
  };
}

/** Builds and signs a request for `data` on `to`, reading the signer's forwarder nonce from the chain. */
export async function buildSignedRequest(
  forwarder: TrellisForwarder,
  signer: Signer,
  to: string,
  data: string,
  gas = 500_000n,
  ttlSeconds = 3600,
): Promise<ERC2771Forwarder.ForwardRequestDataStruct> {
  const from = await signer.getAddress();
  const [nonce, network, forwarderAddress] = await Promise.all([
    forwarder.nonces(from),
    forwarder.runner!.provider!.getNetwork(),
    forwarder.getAddress(),
  ]);
  const deadline = Math.floor(Date.now() / 1000) + ttlSeconds;
  return signForwardRequest(signer, forwarderDomain(network.chainId, forwarderAddress), {
    from,
    to,
    value: 0n,
    gas,
    nonce,
    deadline,
    data,
  });
}

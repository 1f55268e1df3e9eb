import { verifyTypedData } from "ethers";
import { z } from "zod";
import { forbidden, badRequest } from "../http/errors";
import { route } from "../http/route";
import { FORWARD_REQUEST_TYPES, forwarderDomain } from "../chain/forward-request";

const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be an address");
const Uint = z.string().regex(/^[0-9]{1,78}$/, "must be a non-negative integer as a string");
const Relay = z
  .object({
    request: z
      .object({
        from: Address,
        to: Address,
        value: Uint,
        gas: Uint,
        nonce: Uint,
        deadline: z.number().int().positive(),
        data: z.string().regex(/^0x([0-9a-fA-F]{2}){4,20000}$/, "must be hex call data"),
        signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte signature"),
      })
      .strict(),
  })
  .strict();

/** Non-custodial path: the client signs the EIP-712 forward request itself; the gateway only pays the gas. */
export const relayRoutes = [
  route({
    method: "get",
    path: "/relay/params",
    summary: "What a client needs to sign a forward request: chain id, forwarder (EIP-712 domain), targets and its nonce",
    tag: "people",
    roles: "any",
    handler: async (ctx) => {
      const { ledger } = ctx.services;
      const nonce = (await ledger.read("forwarder", "nonces", [ctx.user.address])) as bigint;
      return {
        chainId: Number(ledger.chainId),
        domain: forwarderDomain(Number(ledger.chainId), ledger.addresses.forwarder),
        types: FORWARD_REQUEST_TYPES,
        ledger: ledger.addresses.ledger,
        token: ledger.addresses.token,
        from: ctx.user.address,
        nonce: nonce.toString(),
      };
    },
  }),
  route({
    method: "post",
    path: "/relay",
    summary: "Relay a forward request signed by the caller's own key (non-custodial); answers with the receipt",
    tag: "people",
    roles: "any",
    body: Relay,
    handler: async (ctx) => {
      const { request } = ctx.body as z.infer<typeof Relay>;
      const { ledger, indexer } = ctx.services;
      if (request.value !== "0") throw badRequest("Relayed requests carry no value.");
      const targets = [ledger.addresses.ledger, ledger.addresses.token].map((a) => a.toLowerCase());
      if (!targets.includes(request.to.toLowerCase())) throw badRequest("Requests may only target the ledger or the settlement token.");
      const { signature, ...unsigned } = request;
      const signer = verifyTypedData(forwarderDomain(ledger.chainId, ledger.addresses.forwarder), FORWARD_REQUEST_TYPES, unsigned, signature);
      if (signer.toLowerCase() !== ctx.user.address.toLowerCase() || request.from.toLowerCase() !== signer.toLowerCase()) {
        throw forbidden("The request must be signed by your own account.");
      }
      const receipt = await ledger.relaySigned(
        { address: ctx.user.address, orgId: ctx.user.orgId },
        { from: request.from, to: request.to, value: 0n, gas: BigInt(request.gas), deadline: request.deadline, data: request.data, signature },
        ctx.step(0),
      );
      await indexer.waitFor(receipt.blockNumber);
      return {
        txHash: receipt.hash,
        blockNumber: receipt.blockNumber,
        events: ledger.parseLogs(receipt).map((l) => ({ name: l.name, args: Object.fromEntries(l.fragment.inputs.map((i, k) => [i.name, String(l.args[k])])) })),
      };
    },
  }),
];

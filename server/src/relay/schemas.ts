import { z } from "zod";
import { Address, Bytes32 } from "../http/schemas";

// ---- Requests ----

const AddressInput = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be an address");
const MAX_UINT256 = 2n ** 256n - 1n;
/** A uint256 as a decimal string: digits only, no leading zeros, at most 2^256 - 1. */
const Uint = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/, "must be a non-negative integer as a decimal string")
  .refine((v) => BigInt(v) <= MAX_UINT256, "must fit in uint256");
export const Relay = z
  .object({
    request: z
      .object({
        from: AddressInput,
        to: AddressInput,
        value: Uint,
        gas: Uint,
        nonce: Uint,
        deadline: z.number().int().positive().max(2 ** 48 - 1, "must fit in uint48 (unix seconds)"),
        data: z.string().regex(/^0x([0-9a-fA-F]{2}){4,20000}$/, "must be hex call data"),
        signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte signature"),
      })
      .strict(),
  })
  .strict();

// ---- Responses ----

const TypedField = z.object({ name: z.string(), type: z.string() });
/** What a client needs to sign a forward request itself. */
export const RelayParams = z.object({
  chainId: z.number().int(),
  domain: z.object({ name: z.string(), version: z.string(), chainId: z.number().int(), verifyingContract: Address }),
  types: z.record(z.string(), z.array(TypedField)),
  ledger: Address,
  token: Address,
  from: Address,
  nonce: z.string().regex(/^[0-9]+$/),
});
/** The relayed transaction and the events it emitted, arguments as strings. */
export const Relayed = z.object({
  txHash: Bytes32,
  blockNumber: z.number().int().nonnegative(),
  events: z.array(z.object({ name: z.string(), args: z.record(z.string(), z.string()) })),
});

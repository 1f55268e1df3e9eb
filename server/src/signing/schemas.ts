import { z } from "zod";
import { Address, DateTime } from "../http/schemas";

// ---- Requests ----

export const SigningRequestParam = z.object({ id: z.string().regex(/^sr_[0-9a-f]{24}$/, "must be a signing request id (sr_ and 24 hex digits)") }).strict();
export const Signature = z.object({ signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 0x-prefixed 65-byte signature") }).strict();

// ---- Responses ----

const TypedField = z.object({ name: z.string(), type: z.string() });

/** EIP-712 typed data of an ERC-2771 forward request, as eth_signTypedData_v4 and ethers' signTypedData take it. */
export const ForwardRequestTypedData = z
  .object({
    domain: z.object({ name: z.string(), version: z.string(), chainId: z.number().int(), verifyingContract: Address }),
    types: z.object({ EIP712Domain: z.array(TypedField), ForwardRequest: z.array(TypedField) }),
    primaryType: z.literal("ForwardRequest"),
    message: z.object({
      from: Address,
      to: Address,
      value: z.string(),
      gas: z.string(),
      nonce: z.string(),
      deadline: z.number().int(),
      data: z.string().regex(/^0x[0-9a-fA-F]*$/),
    }),
  })
  .meta({ id: "ForwardRequestTypedData" });

/** What a self-custodied person signs: the forward request, a sentence saying what it does, and until when. */
export const SigningRequest = z
  .object({ id: z.string(), typedData: ForwardRequestTypedData, summary: z.string(), expiresAt: DateTime })
  .meta({ id: "SigningRequest" });

/** The answer of any write route for a self-custodied caller (202). */
export const SigningRequestEnvelope = z.object({ signingRequest: SigningRequest }).meta({ id: "SigningRequestEnvelope" });

export const SigningRequestStatus = z.enum(["pending", "signing", "completed", "failed", "expired"]);

/** A signing request as its owner reads it back. */
export const SigningRequestView = z
  .object({
    id: z.string(),
    typedData: ForwardRequestTypedData,
    summary: z.string(),
    expiresAt: DateTime,
    status: SigningRequestStatus,
    operationId: z.string(),
    createdAt: DateTime,
    completedAt: DateTime.nullable(),
    /** The HTTP status the completed write answered, and its body (null until completed or failed). */
    resultStatus: z.number().int().nullable(),
    result: z.unknown(),
  })
  .meta({ id: "SigningRequestView" });

/** What the signature step answers: exactly the write route's own answer (its record with txHash and blockNumber). */
export const SignedWrite = z.object({ txHash: z.string(), blockNumber: z.number().int() }).catchall(z.unknown()).meta({ id: "SignedWrite" });

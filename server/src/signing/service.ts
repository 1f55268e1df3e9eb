import crypto from "node:crypto";
import { verifyTypedData } from "ethers";
import type { z } from "zod";
import type { Actor } from "../app/actor";
import { FORWARD_REQUEST_TYPES, forwarderDomain } from "../chain/forward-request";
import { statusOf } from "../http/errors";
import { successStatus, type Ctx, type Route } from "../http/route";
import type { Services } from "../services";
import { AppError, conflict, forbidden, notFound } from "../shared/errors";
import { SignatureRequired, signingScope, type PendingWrite, type SigningScope } from "./context";
import { SigningRepo, type SigningRow, type TypedDataJson } from "./repo";
import { summarize } from "./summary";

type Result = { status: number; body: unknown };

/** The inputs a route received, kept to re-run it when the signature arrives. */
export interface RouteInputs {
  params: unknown;
  query: unknown;
  body: unknown;
}

/** EIP-712's domain type for a domain of name, version, chainId and verifyingContract (eth_signTypedData_v4 wants it). */
const EIP712_DOMAIN = [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chainId", type: "uint256" },
  { name: "verifyingContract", type: "address" },
];

/** Seconds before the deadline from which a signature is refused: it would not be mined in time. */
const DEADLINE_MARGIN_SECONDS = 5;

const repoOf = (s: Services) => new SigningRepo(s.gdb);

/**
 * Runs a write route's work; when the caller holds their own key and the work reached a chain write, answers
 * `202 { signingRequest }` instead. The preflight ran before (a refusal answers as for everyone), nothing was sent.
 */
export async function withSigningRequests(s: Services, def: Route, ctx: Ctx, inputs: RouteInputs, key: string | undefined, work: () => Promise<Result>): Promise<Result> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof SignatureRequired)) throw err;
    return { status: 202, body: { signingRequest: createSigningRequest(s, def, ctx.actor, inputs, key, err.pending) } };
  }
}

function createSigningRequest(s: Services, def: Route, actor: Actor, inputs: RouteInputs, key: string | undefined, pending: PendingWrite) {
  const { request } = pending;
  const typedData: TypedDataJson = {
    domain: forwarderDomain(Number(s.ledger.chainId), s.ledger.addresses.forwarder),
    types: { EIP712Domain: EIP712_DOMAIN, ForwardRequest: FORWARD_REQUEST_TYPES.ForwardRequest },
    primaryType: "ForwardRequest",
    message: {
      from: request.from,
      to: request.to,
      value: request.value.toString(),
      gas: request.gas.toString(),
      nonce: request.nonce.toString(),
      deadline: request.deadline,
      data: request.data,
    },
  };
  const row = {
    id: `sr_${crypto.randomBytes(12).toString("hex")}`,
    userId: actor.user.id,
    // The account that signs: the person's own, or a self-custodied treasury whose keystore the person holds.
    address: request.from,
    operationId: def.operationId,
    inputs: { params: inputs.params ?? {}, query: inputs.query ?? {}, body: Buffer.isBuffer(inputs.body) ? {} : (inputs.body ?? {}) },
    idempotencyKey: key ?? null,
    done: signingScope.current()?.done ?? [],
    typedData,
    summary: summarize(s, actor, pending),
    deadline: request.deadline,
    createdAt: new Date().toISOString(),
  };
  repoOf(s).insert(row);
  return envelope(row);
}

const envelope = (row: Pick<SigningRow, "id" | "typedData" | "summary" | "deadline">) => ({
  id: row.id,
  typedData: row.typedData,
  summary: row.summary,
  expiresAt: new Date(row.deadline * 1000).toISOString(),
});

/** A signing request as its owner reads it; not found for anyone else. */
export function getSigningRequest(s: Services, actor: Actor, id: string) {
  const row = repoOf(s).get(id, actor.user.id);
  if (!row) throw notFound(`Signing request ${id}`);
  return { ...envelope(row), status: row.status, operationId: row.operationId, createdAt: row.createdAt, completedAt: row.completedAt, resultStatus: row.resultStatus, result: row.result };
}

/** Who signed `typedData`: the address recovered from the signature, or an INVALID_SIGNATURE error. */
export function signerOf(typedData: TypedDataJson, signature: string): string {
  try {
    return verifyTypedData(typedData.domain, { ForwardRequest: typedData.types.ForwardRequest }, typedData.message, signature);
  } catch {
    throw new AppError("invalid", "INVALID_SIGNATURE", "The signature is not an EIP-712 signature of this request's typed data.");
  }
}

function parseStored(schema: z.ZodType | undefined, value: unknown): unknown {
  if (!schema) return value;
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError("internal", "INTERNAL", "The stored request no longer matches its route.");
  return r.data;
}

/**
 * Completes a signing request with its owner's signature: checks the signer, the deadline and that the request was
 * not used, then re-runs the route it was made for with the signed forward request at hand, so the answer is
 * exactly the route's own (201 with the record, txHash and blockNumber). Nothing is broadcast when a check fails.
 */
export async function completeSigningRequest(s: Services, ctx: Ctx, routes: readonly Route[], id: string, signature: string): Promise<Result> {
  const repo = repoOf(s);
  const row = repo.get(id, ctx.user.id);
  if (!row) throw notFound(`Signing request ${id}`);
  if (row.status === "expired") throw conflict("SIGNING_REQUEST_EXPIRED", "This signing request expired; nothing was sent. Make the write again for a new one.");
  if (row.status !== "pending") throw conflict("SIGNING_REQUEST_USED", "This signing request was already signed and submitted; a signature is accepted once.");
  const signer = signerOf(row.typedData, signature);
  if (signer.toLowerCase() !== row.address.toLowerCase()) {
    throw forbidden(`The request was signed by ${signer}, not by your account ${row.address}; nothing was sent.`, "WRONG_SIGNER");
  }
  const latest = await s.provider.getBlock("latest");
  const now = Math.max(Math.floor(Date.now() / 1000), latest?.timestamp ?? 0);
  if (now >= row.deadline - DEADLINE_MARGIN_SECONDS) {
    repo.finish(id, "expired", null, null);
    throw conflict("SIGNING_REQUEST_EXPIRED", "This signing request expired; nothing was sent. Make the write again for a new one.");
  }
  const nonce = (await s.ledger.read("forwarder", "nonces", [row.address])) as bigint;
  if (nonce.toString() !== row.typedData.message.nonce) {
    repo.finish(id, "expired", null, null);
    throw conflict("SIGNING_REQUEST_STALE", "Your account signed another request since this one was made, so this signature can no longer be used; nothing was sent. Make the write again.");
  }
  const route = routes.find((r) => r.operationId === row.operationId);
  if (!route) throw new AppError("internal", "INTERNAL", `The route ${row.operationId} of this signing request no longer exists.`);
  if (!repo.transition(id, "pending", "signing")) throw conflict("SIGNING_REQUEST_USED", "This signing request was already signed and submitted; a signature is accepted once.");

  const m = row.typedData.message;
  const scope: SigningScope = {
    signed: { from: m.from, to: m.to, value: BigInt(m.value), gas: BigInt(m.gas), deadline: m.deadline, data: m.data, signature },
    sent: false,
    done: [...row.done],
  };
  const routeCtx: Ctx = {
    ...ctx,
    params: parseStored(route.params, row.inputs.params),
    query: parseStored(route.query, row.inputs.query),
    body: route.body ? parseStored(route.body, row.inputs.body) : undefined,
    step: (n) => (row.idempotencyKey ? { userId: ctx.user.id, key: row.idempotencyKey, step: n } : undefined),
  };
  try {
    const out = await signingScope.run(scope, () =>
      withSigningRequests(s, route, routeCtx, row.inputs, row.idempotencyKey ?? undefined, async () => ({ status: successStatus(route), body: await route.handler(routeCtx) })),
    );
    repo.finish(id, "completed", out.status, out.body);
    return out;
  } catch (err) {
    const status = err instanceof AppError ? statusOf(err) : 500;
    if (!scope.sent && status >= 500) {
      // Nothing reached a relayer (the chain was down): the same signature may be posted again.
      repo.transition(id, "signing", "pending");
    } else {
      const e = err as AppError;
      repo.finish(id, "failed", status, { error: { code: e.code ?? "INTERNAL", message: e.message } });
    }
    throw err;
  }
}

import type { LogDescription } from "ethers";
import type { IdempotencyStep } from "../chain/ledger-client";
import type { Services } from "../services";
import { AppError, notFound } from "../shared/errors";
import type { Actor } from "./actor";

/** What every chain write answers besides its record: the transaction that made it and the block it is in. */
export interface Written {
  txHash: string;
  blockNumber: number;
}

/**
 * The write path every service shares: sign and relay as the person, wait until mined, wait until the indexer has
 * the block (read-your-writes), then answer with the record as GET returns it plus txHash and blockNumber.
 */
export async function writeThenRead<T extends object>(
  s: Services,
  actor: Actor,
  idem: IdempotencyStep | undefined,
  call: { target: "ledger" | "token" | "notes"; fn: string; args: unknown[] },
  idFromLogs: (logs: LogDescription[]) => string,
  read: (id: string) => T | undefined,
): Promise<T & Written> {
  const receipt = await s.ledger.act({ address: actor.user.address, orgId: actor.user.orgId }, call.target, call.fn, call.args, idem);
  await s.indexer.waitFor(receipt.blockNumber);
  const id = idFromLogs(s.ledger.parseLogs(receipt));
  const record = read(id);
  if (!record) throw new AppError("internal", "INTERNAL", "The transaction was mined but its record is not visible yet.");
  return { ...record, txHash: receipt.hash, blockNumber: receipt.blockNumber };
}

/** Picks the argument `arg` of the first event `name` from parsed logs, as a decimal string. */
export function eventArg(name: string, arg: string) {
  return (logs: LogDescription[]): string => {
    const log = logs.find((l) => l.name === name);
    if (!log) throw new AppError("internal", "INTERNAL", `The transaction did not emit ${name}.`);
    return String(log.args[arg]);
  };
}

/** Returns the record or a not-found error that does not reveal whether the id exists in another organisation. */
export function visible<T>(record: T | undefined, what: string): T {
  if (!record) throw notFound(what);
  return record;
}

/** Converts a date input (YYYY-MM-DD or ISO) into unix seconds; a bare date means the end of that day, UTC. */
export function toUnixSeconds(input: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(input) ? Date.parse(`${input}T23:59:59Z`) : Date.parse(input);
  return Math.floor(ms / 1000);
}

/** A record a write acts on by id: its name for a not-found answer and its read in the actor's scope. */
export interface Target<T> {
  label: string;
  read(id: string): T | undefined;
}

/**
 * Acts on the record `id` of `target`: not found unless the actor can see it (so other organisations' ids cannot be
 * probed through the chain's errors), then `fn(chainId, ...extraArgs)` on the ledger (or the notes contract) and the
 * record read back; `chainId` is the contract's id of the record when the API's differs (a note financing's).
 */
export async function actOn<T extends object>(
  s: Services,
  actor: Actor,
  idem: IdempotencyStep | undefined,
  target: Target<T>,
  id: string,
  fn: string,
  extraArgs: unknown[] = [],
  contract: "ledger" | "notes" = "ledger",
  chainId: string = id,
): Promise<T & Written> {
  visible(target.read(id), `${target.label} ${id}`);
  return writeThenRead(s, actor, idem, { target: contract, fn, args: [chainId, ...extraArgs] }, () => id, (i) => target.read(i));
}

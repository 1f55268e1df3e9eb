import type { LogDescription } from "ethers";
import { AppError, notFound } from "./errors";
import type { Ctx } from "./route";

/**
 * The write path every route shares: sign and relay as the person, wait until mined, wait until the indexer has the
 * block (read-your-writes), then answer with the record as GET returns it plus txHash and blockNumber.
 */
export async function writeThenRead<T extends object>(
  ctx: Ctx,
  target: "ledger" | "token",
  fn: string,
  args: unknown[],
  step: number,
  idFromLogs: (logs: LogDescription[]) => string,
  read: (id: string) => T | undefined,
): Promise<T & { txHash: string; blockNumber: number }> {
  const { ledger, indexer } = ctx.services;
  const receipt = await ledger.act({ address: ctx.user.address, orgId: ctx.user.orgId }, target, fn, args, ctx.step(step));
  await indexer.waitFor(receipt.blockNumber);
  const id = idFromLogs(ledger.parseLogs(receipt));
  const record = read(id);
  if (!record) throw new AppError("internal", "INTERNAL", "The transaction was mined but its record is not visible yet.");
  return { ...record, txHash: receipt.hash, blockNumber: receipt.blockNumber };
}

/** Picks the first argument `arg` of event `name` from parsed logs, as a decimal string. */
export function eventArg(name: string, arg: string) {
  return (logs: LogDescription[]): string => {
    const log = logs.find((l) => l.name === name);
    if (!log) throw new AppError("internal", "INTERNAL", `The transaction did not emit ${name}.`);
    return String(log.args[arg]);
  };
}

/** Returns the record or a 404 that does not reveal whether the id exists in another organisation. */
export function visible<T>(record: T | undefined, what: string): T {
  if (!record) throw notFound(what);
  return record;
}

/** Converts a date input (YYYY-MM-DD or ISO) into unix seconds; a bare date means the end of that day, UTC. */
export function toUnixSeconds(input: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(input) ? Date.parse(`${input}T23:59:59Z`) : Date.parse(input);
  return Math.floor(ms / 1000);
}

type Records = {
  order: NonNullable<ReturnType<Ctx["services"]["read"]["getOrder"]>>;
  invoice: NonNullable<ReturnType<Ctx["services"]["read"]["getInvoice"]>>;
  financing: NonNullable<ReturnType<Ctx["services"]["read"]["getFinancing"]>>;
};
const LABEL = { order: "Order", invoice: "Invoice", financing: "Financing request" } as const;

function readRecord<K extends keyof Records>(ctx: Ctx, kind: K, id: string): Records[K] | undefined {
  const { read } = ctx.services;
  const found = kind === "order" ? read.getOrder(id, ctx.scope) : kind === "invoice" ? read.getInvoice(id, ctx.scope) : read.getFinancing(id, ctx.scope);
  return found as Records[K] | undefined;
}

/**
 * Acts on the record named by the route's `:id`: a 404 unless the caller can see it (so other organisations' ids
 * cannot be probed through the chain's errors), then `fn(id, ...extraArgs)` on the ledger and the record read back.
 */
export async function actOn<K extends keyof Records>(ctx: Ctx, kind: K, fn: string, extraArgs: unknown[] = []) {
  const id = ctx.params.id;
  visible(readRecord(ctx, kind, id), `${LABEL[kind]} ${id}`);
  return writeThenRead(ctx, "ledger", fn, [id, ...extraArgs], 0, () => id, (i) => readRecord(ctx, kind, i));
}

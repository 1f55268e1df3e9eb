import type { Services } from "../services";
import { notFound, unprocessable } from "../shared/errors";
import { indexFromBlock } from "../db/stmt";
import type { Actor } from "../app/actor";
import type { EntityType } from "./repo";
import { indexedHead, proveRow as prove } from "./proofs";
import { proveContext } from "./sweeps";

/**
 * Proves one record against the ledger for the actor: 404 when the actor may not see it (the same rule as the
 * record's own GET), 422 for a block before the ledger was deployed or after the index's head, 503 when the chain
 * does not answer (the edge maps a failed call).
 */
export async function proveRow(s: Services, actor: Actor, entityType: string, id: string, block?: number) {
  if (block !== undefined) {
    // The ledger's state can be read only where it exists and the index can be compared only where it has been.
    const first = indexFromBlock(s.idb);
    const head = indexedHead(s.idb);
    if (block > head)
      throw unprocessable("BLOCK_NOT_INDEXED", `Block ${block} is not indexed yet (indexed up to block ${head}); prove a record at block ${head} or earlier.`, { indexedBlock: head });
    // The deployment's first transaction (the forwarder) precedes the ledger's: below it the ledger cannot exist,
    // and from it on only the ledger's code at that block says whether it did.
    const before = block < first || (await s.provider.getCode(s.ledger.addresses.ledger, block)) === "0x";
    if (before)
      throw unprocessable("BLOCK_BEFORE_LEDGER", `The ledger did not exist yet at block ${block} (the deployment began at block ${first}); prove a record at a later block.`, { deploymentBlock: first });
  }
  const proof = await prove(proveContext(s), entityType, id, actor.scope, block);
  if (!proof) throw notFound(`The ${entityType} ${id}`);
  return proof;
}

/**
 * Every event of one entity the actor can see, in chain order. An entity that is unknown, has no events yet or is
 * outside the actor's scope answers 404 (NOT_FOUND): the path is valid, the entity is not there for this actor.
 */
export function entityHistory(s: Services, actor: Actor, entityType: EntityType, id: string) {
  const items = s.read.entityHistory(entityType, id, actor.scope);
  if (!items) throw notFound(`The ${entityType} ${id}`);
  return { entityType, entityId: id, items };
}

const CSV_COLUMNS = ["id", "blockNumber", "logIndex", "txHash", "timestamp", "eventType", "entityType", "entityId", "actor", "orgIds", "args"] as const;

/** A CSV cell; text a spreadsheet would run as a formula is quoted and prefixed with an apostrophe. */
function cell(v: unknown): string {
  const s = typeof v === "string" ? v : JSON.stringify(v ?? "");
  return /[",\n\r]/.test(s) || /^[=+\-@\t]/.test(s) ? `"${(/^[=+\-@\t]/.test(s) ? "'" : "") + s.replace(/"/g, '""')}"` : s;
}

/** The export as chunks of text: a header and one line per event (CSV) or one JSON array. */
export function* exportChunks(s: Services, actor: Actor, filter: Parameters<Services["read"]["iterateEvents"]>[0], format: "csv" | "json"): Generator<string> {
  yield format === "csv" ? CSV_COLUMNS.join(",") + "\n" : "[";
  let first = true;
  for (const ev of s.read.iterateEvents(filter, actor.scope)) {
    yield format === "csv" ? CSV_COLUMNS.map((c) => cell(ev[c])).join(",") + "\n" : (first ? "" : ",") + JSON.stringify(ev);
    first = false;
  }
  if (format === "json") yield "]";
}

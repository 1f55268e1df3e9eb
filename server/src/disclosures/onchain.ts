import { toBeHex, zeroPadValue } from "ethers";
import { ledgerInterface } from "../chain/abi";
import type { Services } from "../services";
import type { DisclosableType, FieldNameT } from "./schemas";

/** Where the ledger keeps each committed field: the event (indexed by the record's id in topic 1) and its argument. */
const SOURCES: Record<DisclosableType, Record<string, { event: string; arg: string }>> = {
  organization: { name: { event: "OrganizationRegistered", arg: "nameCommitment" } },
  order: { reference: { event: "OrderIssued", arg: "referenceCommitment" }, rejectReason: { event: "OrderRejected", arg: "reasonCommitment" } },
  invoice: { invoiceNumber: { event: "InvoiceIssued", arg: "numberCommitment" }, disputeReason: { event: "InvoiceDisputed", arg: "reasonCommitment" } },
  financing: { rejectReason: { event: "FinancingRejected", arg: "reasonCommitment" } },
};

export interface ChainCommitment {
  field: FieldNameT;
  commitment: string | null;
  event: string | null;
  txHash: string | null;
  blockNumber: number | null;
  logIndex: number | null;
}

const ZERO = "0x" + "00".repeat(32);

/**
 * The commitments the ledger itself holds for a record's fields, read from the chain (eth_getLogs on the ledger,
 * by the record's id), never from the index: the latest event of each field's kind (a dispute raised again carries
 * its new reason). A field with no such event, or a zero commitment, is null.
 */
export async function chainCommitments(s: Services, entityType: DisclosableType, entityId: string, fields: readonly FieldNameT[]): Promise<{ block: number; items: ChainCommitment[] }> {
  const block = await s.provider.getBlockNumber();
  const sources = fields.map((f) => ({ field: f, ...SOURCES[entityType][f] }));
  const topics = [...new Set(sources.map((x) => ledgerInterface.getEvent(x.event)!.topicHash))];
  const logs = await s.provider.getLogs({
    address: s.ledger.addresses.ledger,
    topics: [topics, zeroPadValue(toBeHex(BigInt(entityId)), 32)],
    fromBlock: s.indexer.fromBlock,
    toBlock: block,
  });
  const items = sources.map(({ field, event, arg }) => {
    const topic = ledgerInterface.getEvent(event)!.topicHash;
    const log = [...logs].reverse().find((l) => l.topics[0] === topic);
    if (!log) return { field, commitment: null, event: null, txHash: null, blockNumber: null, logIndex: null };
    const parsed = ledgerInterface.parseLog({ topics: [...log.topics], data: log.data })!;
    const c = String(parsed.args.getValue(arg)).toLowerCase();
    return { field, commitment: c === ZERO ? null : c, event, txHash: log.transactionHash, blockNumber: log.blockNumber, logIndex: log.index };
  });
  return { block, items };
}

/** The commitments-table entity and field a disclosed field is kept under (what the services commit as). */
export const STORED_AS: Record<DisclosableType, Record<string, { entity: string; field: string }>> = {
  organization: { name: { entity: "organization", field: "name" } },
  order: { reference: { entity: "order", field: "reference" }, rejectReason: { entity: "order", field: "reject_note" } },
  invoice: { invoiceNumber: { entity: "invoice", field: "number" }, disputeReason: { entity: "dispute", field: "reason" } },
  financing: { rejectReason: { entity: "financing", field: "reason" } },
};

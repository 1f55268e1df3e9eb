import crypto from "node:crypto";
import type { Services } from "../services";
import type { Actor } from "../app/actor";
import { AppError, notFound } from "../shared/errors";
import { commitmentOf, opening } from "../commitments/service";
import { chainCommitments, STORED_AS } from "./onchain";
import { getDisclosure, insertDisclosure, keepOpening } from "./repo";
import type { DisclosableType, DisclosureRecord, FieldNameT } from "./schemas";
import type { z } from "zod";
import type { CreateDisclosure, DisclosureToVerify } from "./schemas";

/**
 * Selective disclosure (issue #12). A party of a record hands chosen committed fields (value + salt) to another
 * organisation; the receiver recomputes keccak256(value ‖ salt) and compares it with the commitment the ledger
 * itself holds (read from the chain's events, not from any gateway's index), so it need not trust the issuer's
 * gateway. A valid disclosure verified by its audience on the audience's own gateway also teaches that gateway the
 * values, which it then shows to that organisation in the record's rows.
 */

/** Whether the actor may see the record (the same rule as the record's own GET). */
function visibleTo(s: Services, actor: Actor, entityType: DisclosableType, entityId: string): boolean {
  switch (entityType) {
    case "organization":
      return s.read.getOrganization(entityId) !== undefined;
    case "order":
      return s.read.getOrder(entityId, actor.scope) !== undefined;
    case "invoice":
      return s.read.getInvoice(entityId, actor.scope) !== undefined;
    case "financing":
      return s.read.getFinancing(entityId, actor.scope) !== undefined;
  }
}

const LABEL: Record<DisclosableType, string> = { organization: "Organisation", order: "Order", invoice: "Invoice", financing: "Financing request" };

export async function createDisclosure(s: Services, actor: Actor, input: z.infer<typeof CreateDisclosure>): Promise<DisclosureRecord> {
  const { entityType, entityId, audience } = input;
  const fields = [...new Set<FieldNameT>(input.fields)];
  if (!visibleTo(s, actor, entityType, entityId)) throw notFound(`${LABEL[entityType]} ${entityId}`);
  const audienceOrg = s.read.getOrganization(audience);
  if (!audienceOrg || audience === "0") throw new AppError("unprocessable", "AUDIENCE_UNKNOWN", `Organisation ${audience} is not on the ledger; a disclosure is for an organisation.`);
  const onChain = await chainCommitments(s, entityType, entityId, fields);
  const opened = onChain.items.map((c) => {
    if (!c.commitment) throw new AppError("unprocessable", "FIELD_NOT_COMMITTED", `${LABEL[entityType]} ${entityId} has no ${c.field} on the ledger to disclose.`);
    const o = opening(s.gdb, c.commitment);
    if (!o) {
      throw new AppError(
        "unprocessable",
        "OPENING_NOT_HELD",
        `This gateway does not hold the ${c.field} of ${LABEL[entityType].toLowerCase()} ${entityId} (it was committed by another party's gateway), so it cannot disclose it.`,
      );
    }
    return { field: c.field, value: o.value, salt: o.salt, commitment: c.commitment };
  });
  const d: DisclosureRecord = {
    id: "d_" + crypto.randomBytes(8).toString("hex"),
    entityType,
    entityId,
    audience,
    fields: opened,
    chain: { chainId: Number(s.ledger.chainId), ledger: s.ledger.addresses.ledger },
    issuedBy: { orgId: actor.user.orgId, userId: actor.user.id, name: actor.user.name },
    createdAt: new Date().toISOString(),
  };
  insertDisclosure(s.gdb, d);
  return d;
}

/** A disclosure, for its audience's members and the issuing organisation's; 404 for anyone else. */
export function readDisclosure(s: Services, actor: Actor, id: string): DisclosureRecord {
  const d = getDisclosure(s.gdb, id);
  const mine = d && (actor.user.orgId === d.audience || actor.user.orgId === d.issuedBy.orgId);
  if (!d || !mine) throw notFound(`Disclosure ${id}`);
  return d;
}

/**
 * Checks a disclosure against the ledger: each field's value and salt must hash to the commitment the ledger holds
 * for that field of that record. When it is valid and addressed to the caller's organisation, this gateway keeps
 * the openings and shows the values in the record's rows from then on (`imported: true`).
 */
export async function verifyDisclosure(s: Services, actor: Actor, d: z.infer<typeof DisclosureToVerify>) {
  const ledger = s.ledger.addresses.ledger;
  if (d.chain && (d.chain.chainId !== Number(s.ledger.chainId) || d.chain.ledger.toLowerCase() !== ledger.toLowerCase())) {
    throw new AppError("unprocessable", "DISCLOSURE_OTHER_LEDGER", `The disclosure is for ledger ${d.chain.ledger} on chain ${d.chain.chainId}; this gateway reads ${ledger} on chain ${s.ledger.chainId}.`);
  }
  const allowed = STORED_AS[d.entityType];
  for (const f of d.fields) {
    if (!allowed[f.field]) throw new AppError("invalid", "VALIDATION_FAILED", `${d.entityType} has no committed field "${f.field}".`);
  }
  const onChain = await chainCommitments(s, d.entityType, d.entityId, d.fields.map((f) => f.field));
  const fields = d.fields.map((f, i) => {
    const held = onChain.items[i].commitment;
    const computed = commitmentOf(f.value, f.salt).toLowerCase();
    const reason = !held ? "not_on_chain" : computed !== f.commitment.toLowerCase() ? "hash_mismatch" : held !== computed ? "commitment_differs" : "matches";
    return { field: f.field, value: f.value, valid: reason === "matches", reason: reason as "matches" | "hash_mismatch" | "not_on_chain" | "commitment_differs" };
  });
  const valid = fields.every((f) => f.valid);
  const imported = valid && d.audience !== undefined && d.audience === actor.user.orgId;
  if (imported) {
    for (const f of d.fields) {
      const where = allowed[f.field];
      keepOpening(s.gdb, { commitment: f.commitment, entity: where.entity, field: where.field, value: f.value, salt: f.salt });
      s.indexer.applyOpening(f.commitment, f.value);
    }
  }
  return {
    valid,
    entityType: d.entityType,
    entityId: d.entityId,
    fields,
    onChain: { chainId: Number(s.ledger.chainId), ledger, block: onChain.block, commitments: onChain.items },
    imported,
  };
}

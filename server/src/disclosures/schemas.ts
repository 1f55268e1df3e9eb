import { z } from "zod";
import { Bytes32, DateTime, OrgId, RecordId } from "../http/schemas";

/** The records a disclosure can open, and the committed fields of each (the API's field names). */
export const DISCLOSABLE = {
  organization: ["name"],
  order: ["reference", "rejectReason"],
  invoice: ["invoiceNumber", "disputeReason"],
  financing: ["rejectReason"],
} as const;
export type DisclosableType = keyof typeof DISCLOSABLE;

export const DisclosableTypeSchema = z.enum(["organization", "order", "invoice", "financing"]);
export const FieldName = z.enum(["name", "reference", "rejectReason", "invoiceNumber", "disputeReason"]);

const audience = OrgId.describe("The organisation the disclosure is for (an auditor, a bank, another party)");
const fieldsOf = <T extends readonly [string, ...string[]]>(names: T) =>
  z
    .array(z.enum(names))
    .min(1)
    .max(names.length)
    .describe("The fields to open (a field named twice is disclosed once)");

/** What to disclose: a record, which of its committed fields (each record type has its own), and to whom. */
export const CreateDisclosure = z.discriminatedUnion("entityType", [
  z.object({ entityType: z.literal("organization"), entityId: RecordId, fields: fieldsOf(["name"] as const), audience }).strict(),
  z.object({ entityType: z.literal("order"), entityId: RecordId, fields: fieldsOf(["reference", "rejectReason"] as const), audience }).strict(),
  z.object({ entityType: z.literal("invoice"), entityId: RecordId, fields: fieldsOf(["invoiceNumber", "disputeReason"] as const), audience }).strict(),
  z.object({ entityType: z.literal("financing"), entityId: RecordId, fields: fieldsOf(["rejectReason"] as const), audience }).strict(),
]);

/** One opened field: the value, the salt and the commitment they hash to. */
export const DisclosedField = z.object({
  field: FieldName,
  value: z.string().max(2000),
  salt: Bytes32,
  commitment: Bytes32,
});

/** A disclosure: self-contained, so the receiver checks it against the chain without trusting the issuing gateway. */
export const Disclosure = z
  .object({
    id: z.string().regex(/^d_[0-9a-f]{16}$/),
    entityType: DisclosableTypeSchema,
    entityId: RecordId,
    audience: OrgId,
    fields: z.array(DisclosedField).min(1).max(5),
    chain: z.object({ chainId: z.number().int().positive(), ledger: z.string().regex(/^0x[0-9a-fA-F]{40}$/) }),
    issuedBy: z.object({ orgId: OrgId, userId: z.string(), name: z.string() }),
    createdAt: DateTime,
  })
  .meta({ id: "Disclosure" });
export type DisclosureRecord = z.infer<typeof Disclosure>;

export const DisclosureIdParam = z.object({ id: z.string().regex(/^d_[0-9a-f]{16}$/, "must be a disclosure id (d_ and 16 hex digits)") }).strict();

/** What POST /disclosures/verify takes: a disclosure as it was handed over (extra keys refused), typed per record. */
const verifyOf = <E extends DisclosableType, T extends readonly [string, ...string[]]>(entityType: E, names: T) =>
  z
    .object({
      id: z.string().max(40).optional(),
      entityType: z.literal(entityType),
      entityId: RecordId,
      audience: OrgId.optional(),
      fields: z.array(DisclosedField.extend({ field: z.enum(names) })).min(1).max(5),
      chain: z.object({ chainId: z.number().int().positive(), ledger: z.string().regex(/^0x[0-9a-fA-F]{40}$/) }).optional(),
      issuedBy: z.object({ orgId: OrgId, userId: z.string().max(40), name: z.string().max(200) }).optional(),
      createdAt: DateTime.optional(),
    })
    .strict();
export const DisclosureToVerify = z.discriminatedUnion("entityType", [
  verifyOf("organization", ["name"] as const),
  verifyOf("order", ["reference", "rejectReason"] as const),
  verifyOf("invoice", ["invoiceNumber", "disputeReason"] as const),
  verifyOf("financing", ["rejectReason"] as const),
]);

/** Where a field's commitment is on the ledger: the event that carries it. */
const OnChainCommitment = z.object({
  field: FieldName,
  commitment: Bytes32.nullable().describe("The commitment the ledger holds for this field, or null when it holds none"),
  event: z.string().nullable(),
  txHash: Bytes32.nullable(),
  blockNumber: z.number().int().nonnegative().nullable(),
  logIndex: z.number().int().nonnegative().nullable(),
});

export const DisclosureCheck = z
  .object({
    valid: z.boolean().describe("Every field's value and salt hash to the commitment the ledger holds for it"),
    entityType: DisclosableTypeSchema,
    entityId: RecordId,
    fields: z.array(
      z.object({
        field: FieldName,
        value: z.string(),
        valid: z.boolean(),
        reason: z.enum(["matches", "hash_mismatch", "not_on_chain", "commitment_differs"]),
      }),
    ),
    onChain: z.object({ chainId: z.number().int().positive(), ledger: z.string(), block: z.number().int().nonnegative(), commitments: z.array(OnChainCommitment) }),
    imported: z.boolean().describe("Whether this gateway now shows the disclosed values to your organisation (the disclosure is for it and valid)"),
  })
  .meta({ id: "DisclosureCheck" });
export type FieldNameT = z.infer<typeof FieldName>;

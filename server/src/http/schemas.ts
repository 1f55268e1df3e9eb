import { z } from "zod";

/**
 * The schema pieces every domain's schemas.ts builds on: request inputs (what the API accepts) and response fields
 * (what it answers). They validate requests and generate the OpenAPI document, so each says exactly what it allows.
 */

const ID_PATTERN = "^[1-9][0-9]*$";
const ID_MESSAGE = "must be a positive integer id";

// ---- Requests ----

export const IdParam = z.object({ id: z.string().max(10, ID_MESSAGE).regex(/^[1-9][0-9]*$/, ID_MESSAGE) }).strict();
export const OrgIdParam = z.object({ orgId: z.string().regex(/^[0-9]{1,10}$/, "must be an organisation id") }).strict();
export const Amount = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,23})(\.[0-9]{1,2})?$/, 'must be a decimal string with at most two decimals, such as "400000.00"')
  .refine((v) => v !== "0" && !/^0(\.0{1,2})?$/.test(v), "must be more than zero");
/** A decimal money string that may be zero (a limit, a threshold). */
export const MoneyInput = z.string().regex(/^(0|[1-9][0-9]{0,23})(\.[0-9]{1,2})?$/, 'must be a decimal string such as "500000.00"');
/** An id: a string of digits as the API returns it, or the same integer as a JSON number. */
export const Id = z
  .union([z.string().meta({ pattern: ID_PATTERN, maxLength: 10 }), z.number().int().positive().max(4_294_967_295)])
  .transform((v) => String(v))
  .pipe(z.string().regex(/^[1-9][0-9]{0,9}$/, ID_MESSAGE));
export const Hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex hash");
/** Due dates are strict calendar dates, zoned timestamps or unix seconds (shared/dates.ts). */
export { DueDate } from "../shared/dates";
export const ShortText = (max: number) => z.string().min(1).max(max);
export const Limit = z.coerce.number().int().min(1).max(500).optional();
export const Cursor = z.string().max(200).optional();
/** The cursor of a list paged by record id: the nextCursor the previous page answered, or empty for the first page. */
export const IdCursor = z
  .string()
  .regex(/^([1-9][0-9]{0,17})?$/, "expected the nextCursor of the previous page")
  .describe("The nextCursor of the previous page")
  .optional();

// ---- Responses ----

/** A record id as the API answers it: a decimal string. */
export const RecordId = z.string().regex(/^[1-9][0-9]*$/);
/** An organisation id; "0" is the platform itself (the operator's organisation). */
export const OrgId = z.string().regex(/^(0|[1-9][0-9]*)$/);
/** Money at the API edge: a decimal string with two decimals. */
export const Money = z.string().regex(/^(0|[1-9][0-9]*)\.[0-9]{2}$/);
export const DateTime = z.iso.datetime();
export const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
export const Bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
/** The transaction that made a write and its block, added to every record a chain write answers. */
export const WrittenFields = { txHash: Bytes32, blockNumber: z.number().int().nonnegative() };
/** A page of a list: the items and the cursor of the next page (null on the last). */
export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** The body of every error answer. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string().regex(/^[A-Z][A-Z0-9_]*$/), message: z.string(), details: z.unknown().optional() }),
});

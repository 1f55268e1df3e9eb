import { z } from "zod";
import { CalendarDate } from "../shared/dates";

/**
 * The query parameters of a searchable list (orders, invoices, financing requests): a search text, a creation-date
 * range and a sort order, paged by the list's cursor. db/listing.ts turns them into SQL.
 */
export const SearchFields = {
  q: z
    .string()
    .max(120)
    .transform((v) => v.normalize("NFC").trim())
    .optional()
    .describe("Text to find: a reference or invoice number, an organisation's name, or a record id (12 or #12)"),
  from: CalendarDate.optional().describe("Created on or after this day (UTC)"),
  to: CalendarDate.optional().describe("Created on or before this day (UTC)"),
  sort: z.enum(["newest", "oldest", "due", "amount"]).optional().describe("newest (default), oldest, due (soonest due first) or amount (largest first)"),
};

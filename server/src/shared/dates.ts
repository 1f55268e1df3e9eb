import { z } from "zod";

/**
 * Calendar dates as the API accepts them, validated strictly: a day that does not exist ("2027-02-30", "2027-13-01",
 * "2027-02-29") is refused instead of being rolled over by `Date.parse`, and a timestamp must carry its seconds and
 * its zone ("Z" or "+02:00"), so that no answer depends on the server's time zone.
 */
export const CalendarDate = z.iso.date({ message: "must be a calendar date that exists, such as 2027-03-31" });
export const Timestamp = z.iso.datetime({ offset: true, message: "must be an ISO-8601 timestamp with seconds and a zone, such as 2027-03-31T12:00:00Z" });

/** Unix seconds the ledger can store (uint40) and that are not obviously milliseconds. */
const UnixSeconds = z
  .number()
  .int()
  .min(1_000_000_000, "must be unix seconds")
  .max(1_099_511_627_775, "must be unix seconds that fit the ledger (uint40)")
  .transform((v) => new Date(v * 1000).toISOString());

/** A date: "2027-03-31" (end of that day, UTC), an ISO timestamp with a zone, or unix seconds as a JSON number. */
export const DueDate = z.union([CalendarDate, Timestamp, UnixSeconds]);

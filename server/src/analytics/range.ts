import { unprocessable } from "../shared/errors";

const DAY = 86_400_000;

const start = (v: string) => Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);

/**
 * A date range from the query: a bare `from` date is its 00:00 UTC, a bare `to` date includes that whole day. Without
 * `to` the range ends now (or 90 days after `from`, if that is later); without `from` it starts 90 days before `to`.
 * A `from` at or after `to` is a rule the schema cannot say: 422 RANGE_EMPTY.
 */
export function parseRange(q: { from?: string; to?: string }, now: number): { from: number; to: number } {
  const from0 = q.from ? start(q.from) : undefined;
  const to = q.to ? (/^\d{4}-\d{2}-\d{2}$/.test(q.to) ? start(q.to) + DAY : Date.parse(q.to)) : Math.max(now + 1, (from0 ?? 0) + 90 * DAY);
  const from = from0 ?? to - 90 * DAY;
  if (!(from < to)) throw unprocessable("RANGE_EMPTY", "The range's from must be before its to.");
  return { from, to };
}

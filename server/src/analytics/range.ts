const DAY = 86_400_000;

/** A date range from the query: a bare `from` date is its 00:00 UTC, a bare `to` date includes that whole day. */
export function parseRange(q: { from?: string; to?: string }, now: number): { from: number; to: number } {
  const to = q.to ? (/^\d{4}-\d{2}-\d{2}$/.test(q.to) ? Date.parse(`${q.to}T00:00:00Z`) + DAY : Date.parse(q.to)) : now + 1;
  const from = q.from ? Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(q.from) ? `${q.from}T00:00:00Z` : q.from) : to - 90 * DAY;
  return { from, to };
}

// Presentation helpers: money, dates, ids. Money stays a decimal string; it is never turned into a float for display.

const CURRENCY = "TDT";

/** "400000.00" → "TDT 400,000.00". Works on the string so large amounts keep every digit. */
export function formatMoney(amount: string | null | undefined, currency = CURRENCY): string {
  if (amount === null || amount === undefined || amount === "") return "—";
  const negative = amount.startsWith("-");
  const [whole, fraction = ""] = amount.replace(/^-/, "").split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${currency} ${grouped}.${fraction.padEnd(2, "0").slice(0, 2)}`;
}

/** Accepts what a person types ("400,000", "400000.5") and answers the API form "400000.50", or null if invalid. */
export function normaliseAmount(input: string): string | null {
  const text = input.trim().replace(/,/g, "").replace(/\s/g, "");
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return null;
  const [whole, fraction = ""] = text.split(".");
  const canonical = `${BigInt(whole).toString()}.${fraction.padEnd(2, "0")}`;
  return canonical;
}

/** Validation message for an amount field, or null if the amount is well-formed and positive. */
export function amountProblem(input: string, label = "Amount"): string | null {
  if (!input.trim()) return `${label} is required.`;
  const value = normaliseAmount(input);
  if (value === null) return `${label} must be a number with at most two decimals, e.g. 400000.00.`;
  if (toMinor(value) <= 0n) return `${label} must be more than zero.`;
  return null;
}

export function toMinor(amount: string): bigint {
  const [whole, fraction = ""] = amount.replace(/,/g, "").split(".");
  const negative = whole.startsWith("-");
  const minor = BigInt(whole.replace("-", "") || "0") * 100n + BigInt((fraction + "00").slice(0, 2));
  return negative ? -minor : minor;
}

export function fromMinor(minor: bigint): string {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  return `${negative ? "-" : ""}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}

export function minAmount(...amounts: string[]): string {
  return fromMinor(amounts.map(toMinor).reduce((a, b) => (a < b ? a : b)));
}

/** amount × bps / 10,000, rounded down to the cent (the ledger rounds down). */
export function applyBps(amount: string, bps: number): string {
  return fromMinor((toMinor(amount) * BigInt(bps)) / 10_000n);
}

export function formatBps(bps: number | undefined): string {
  if (bps === undefined || bps === null) return "—";
  return `${(bps / 100).toLocaleString("en-GB", { maximumFractionDigits: 2 })} %`;
}

const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** Due dates are calendar days in UTC. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateOnly.format(date);
}

/** "3 h 12 min", "2 d 4 h": how long ago something happened. */
export function formatElapsed(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "—";
  const ms = now - new Date(iso).getTime();
  if (Number.isNaN(ms)) return "—";
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 1) return "under a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** "0x1234…abcd" for hashes and addresses; short ids are left whole. */
export function shorten(value: string, keep = 6): string {
  if (value.length <= keep * 2 + 3) return value;
  return `${value.slice(0, keep)}…${value.slice(-4)}`;
}

/** Today plus `days`, as YYYY-MM-DD (the form date inputs use). */
export function isoDay(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  return date.toISOString().slice(0, 10);
}

export function humanise(word: string): string {
  return word.replace(/[-_]/g, " ").replace(/^./, (c) => c.toUpperCase());
}

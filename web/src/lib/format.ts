// Presentation helpers: money, dates, ids, in the console's current language through Intl. Money stays a decimal
// string; it is handed to Intl as a string, which formats it exactly (no float in between).
import { locale, t } from "../i18n";

const CURRENCY = "TDT";

function moneyFormat(currency: string): Intl.NumberFormat {
  return new Intl.NumberFormat(locale(), { style: "currency", currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** "400000.00" → "TDT 400,000.00" (en) or "TDT 400,000.00" as zh-CN writes it. Large amounts keep every digit. */
export function formatMoney(amount: string | null | undefined, currency = CURRENCY): string {
  if (amount === null || amount === undefined || amount === "") return "—";
  // Intl.NumberFormat reads a decimal string exactly (ES2023); the cast only satisfies older lib typings.
  return moneyFormat(currency).format(amount as unknown as number);
}

/** A count or plain number in the current language. */
export function formatNumber(value: number, maximumFractionDigits = 0): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits }).format(value);
}

const FULL_WIDTH = /[\uFF10-\uFF19\uFF0E\uFF0C\u3000]/g;
function halfWidth(text: string): string {
  return text.replace(FULL_WIDTH, (c) => {
    if (c === "\uFF0E") return ".";
    if (c === "\uFF0C") return ",";
    if (c === "\u3000") return " ";
    return String.fromCharCode(c.charCodeAt(0) - 0xff10 + 0x30);
  });
}

const MULTIPLIERS: Record<string, bigint> = { "万": 10_000n, "萬": 10_000n, "亿": 100_000_000n, "億": 100_000_000n };

/**
 * Accepts what a person types ("400,000", "400000.5", "40万", "１２３.４５", "1.5亿元") and answers the API form
 * "400000.50", or null if it is not an amount with at most two decimals once 万/亿 are applied.
 */
export function normaliseAmount(input: string): string | null {
  const text = halfWidth(input).trim().replace(/[,\s]/g, "").replace(/元$/, "");
  const match = /^(\d+)(?:\.(\d+))?([万萬亿億])?$/.exec(text);
  if (!match) return null;
  const [, whole, fraction = "", unit] = match;
  const multiplier = unit ? MULTIPLIERS[unit] : 1n;
  // Work in units of 10^-scale so "1.2345万" is exactly 12345 and "0.001万" exactly 10.
  const scaled = BigInt(whole + fraction) * multiplier;
  const scale = BigInt(10) ** BigInt(fraction.length);
  const minorTimesScale = scaled * 100n;
  if (minorTimesScale % scale !== 0n) return null;
  return fromMinor(minorTimesScale / scale);
}

/** Validation message for an amount field, or null if the amount is well-formed and positive. */
export function amountProblem(input: string, label = t("field.amount")): string | null {
  if (!input.trim()) return t("validate.required", { label });
  const value = normaliseAmount(input);
  if (value === null) return t("validate.amountFormat", { label });
  if (toMinor(value) <= 0n) return t("validate.amountPositive", { label });
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
  return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 2 }).format(bps / 10_000);
}

/** A share between 0 and 1 as a percentage. */
export function formatShare(value: number | null): string {
  if (value === null) return "—";
  return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1 }).format(value);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** Due dates are calendar days in UTC. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeZone: "UTC" }).format(date);
}

/** "3 h 12 min", "2 d 4 h": how long ago something happened, in the current language. */
export function formatElapsed(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "—";
  const ms = now - new Date(iso).getTime();
  if (Number.isNaN(ms)) return "—";
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 1) return t("elapsed.underMinute");
  if (minutes < 60) return t("elapsed.minutes", { m: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t("elapsed.hours", { h: hours, m: minutes % 60 });
  return t("elapsed.days", { d: Math.floor(hours / 24), h: hours % 24 });
}

/** A duration given in hours: minutes under one hour, else hours with one decimal. */
export function formatHours(hours: number | null): string {
  if (hours === null) return "—";
  if (hours * 60 < 1) return t("elapsed.underMinute");
  if (hours < 1) return t("elapsed.minutes", { m: Math.round(hours * 60) });
  return t("elapsed.decimalHours", { h: formatNumber(hours, 1) });
}

/** A chart axis value given in minutes, in words: "0", "30 s", "12 min", "2.5 h" (never "0.0025 hours"). */
export function formatMinutesTick(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes <= 0) return formatNumber(0);
  if (minutes < 1) return t("elapsed.seconds", { s: formatNumber(minutes * 60) });
  if (minutes < 60) return t("elapsed.minutes", { m: formatNumber(minutes, 1) });
  return t("elapsed.decimalHours", { h: formatNumber(minutes / 60, 1) });
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

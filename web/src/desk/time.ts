import { useEffect, useState } from "react";
import { t } from "../i18n";
import { formatNumber } from "../lib/format";

/**
 * "14 d 3 h", "47 h 12 min 9 s", "3 min 2 s": a span of time in the current language, to the second under three days
 * (so the 48-hour response clock is read in hours, the way it is promised).
 */
export function formatSpan(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = total >= 3 * 86_400;
  const d = days ? Math.floor(total / 86_400) : 0;
  const h = Math.floor((days ? total % 86_400 : total) / 3_600);
  const m = Math.floor((total % 3_600) / 60);
  const s = total % 60;
  if (d > 0) return t("desk.span.days", { d, h });
  if (h > 0) return t("desk.span.hours", { h, m, s });
  if (m > 0) return t("desk.span.minutes", { m, s });
  return t("desk.span.seconds", { s });
}

/** A measured duration in seconds (analytics): minutes under an hour, hours with one decimal under two days, else days. */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return t("desk.span.seconds", { s: Math.round(seconds) });
  if (seconds < 3_600) return t("elapsed.minutes", { m: Math.round(seconds / 60) });
  if (seconds < 172_800) return t("elapsed.decimalHours", { h: formatNumber(seconds / 3_600, 1) });
  return t("desk.span.decimalDays", { d: formatNumber(seconds / 86_400, 1) });
}

/** The current time, ticking every `everyMs`, so clocks on screen count down without a reload. */
export function useNow(everyMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** YYYY-MM-DD of today plus `days` (UTC), for date range inputs. */
export function day(days = 0): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

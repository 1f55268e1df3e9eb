import { useState } from "react";
import { useTranslation } from "../i18n";
import type { Range } from "./api";
import { day } from "./time";

/** A date range of whole days, ending today by default: `to` is inclusive on screen, exclusive (the next day) for the API. */
export function useRange(days: number): [Range, (r: Range) => void] {
  const [range, setRange] = useState<Range>({ from: day(-days), to: day(1) });
  return [range, setRange];
}

const previousDay = (iso: string) => new Date(Date.parse(iso) - 86_400_000).toISOString().slice(0, 10);
const nextDay = (iso: string) => new Date(Date.parse(iso) + 86_400_000).toISOString().slice(0, 10);

export function DateRange({ range, onChange, idPrefix }: { range: Range; onChange: (r: Range) => void; idPrefix: string }) {
  const { t } = useTranslation();
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-from`}>{t("desk.range.from")}</label>
        <input id={`${idPrefix}-from`} type="date" value={range.from ?? ""} max={range.to ? previousDay(range.to) : undefined} onChange={(e) => e.target.value && onChange({ ...range, from: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-to`}>{t("desk.range.to")}</label>
        <input id={`${idPrefix}-to`} type="date" value={range.to ? previousDay(range.to) : ""} onChange={(e) => e.target.value && onChange({ ...range, to: nextDay(e.target.value) })} />
      </div>
    </>
  );
}

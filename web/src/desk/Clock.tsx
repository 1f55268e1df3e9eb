import { useTranslation } from "../i18n";
import { formatDateTime } from "../lib/format";
import type { Case } from "./api";
import { formatSpan, useNow } from "./time";

/**
 * One of a case's two clocks: while it runs, the time left counts down to the second; once met it says when; once
 * breached it says by how much (red). `data-clock` keeps the machine state for tests.
 */
export function CaseClock({ c, which }: { c: Case; which: "response" | "resolution" }) {
  const { t } = useTranslation();
  const now = useNow();
  const state = which === "response" ? c.responseClock : c.resolutionClock;
  const due = Date.parse(which === "response" ? c.respondBy : c.resolveBy);
  const doneAt = which === "response" ? c.firstResponseAt : c.resolvedAt;
  const late = doneAt === null && now > due;
  let text: string;
  if (doneAt !== null) {
    text = t(state === "breached" ? `desk.clock.${which}.metLate` : `desk.clock.${which}.met`, { at: formatDateTime(doneAt), took: formatSpan(Date.parse(doneAt) - Date.parse(c.openedAt)) });
  } else if (late || state === "breached") {
    text = t(`desk.clock.${which}.breached`, { by: formatSpan(now - due), at: formatDateTime(new Date(due).toISOString()) });
  } else {
    text = t(`desk.clock.${which}.running`, { left: formatSpan(due - now), at: formatDateTime(new Date(due).toISOString()) });
  }
  const shown = late ? "breached" : state;
  return (
    <span className={`desk-clock desk-clock-${shown}`} data-testid={`clock-${which}`} data-clock={shown} title={formatDateTime(new Date(due).toISOString())}>
      {text}
    </span>
  );
}

/** The escalated and breached flags of a case, as words. */
export function CaseFlags({ c }: { c: Case }) {
  const { t } = useTranslation();
  const flags: string[] = [];
  if (c.escalated) flags.push("escalated");
  if (c.responseBreachedAt) flags.push("responseBreached");
  if (c.resolutionBreachedAt) flags.push("resolutionBreached");
  if (flags.length === 0) return null;
  return (
    <span className="desk-flags">
      {flags.map((f) => (
        <span key={f} className="badge desk-flag" data-testid={`flag-${f}`}>
          {t(`desk.flag.${f}`)}
        </span>
      ))}
    </span>
  );
}

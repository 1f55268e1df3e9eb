import { useState } from "react";
import { api, call } from "../../api/client";
import { describeError } from "../../api/errors";
import type { AuditEvent, VerifyResult } from "../../api/types";
import { formatDate, formatDateTime, formatMoney, fromMinor } from "../../lib/format";
import { ShortHash } from "../../components/ui";
import { PersonName, usePeople } from "../../lib/people";
import { i18next, useTranslation } from "../../i18n";

type Verdict = { phase: "pending" } | { phase: "done"; result: VerifyResult } | { phase: "error"; message: string };

/** Amount arguments on the chain are minor units (cents); dates are Unix seconds. */
const MONEY_ARGS = new Set(["amount", "discount", "netAmount", "outstanding", "totalRepaid", "totalPaid", "toBank", "toSupplier", "paid", "limit", "fastTrackLimit", "value"]);
const DATE_ARGS = new Set(["dueDate", "at"]);

function asText(key: string, value: unknown): string {
  if (MONEY_ARGS.has(key) && /^\d+$/.test(String(value))) return formatMoney(fromMinor(BigInt(String(value))));
  if (DATE_ARGS.has(key) && /^\d+$/.test(String(value))) return formatDate(new Date(Number(value) * 1000).toISOString());
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** One event as a sentence in the current language: what happened to which record, with its amount and count. */
export function sentenceOf(e: AuditEvent): string {
  const args = e.args ?? {};
  const values = {
    id: e.entityId,
    // The settlement token's events carry their amount as `value` (ERC-20) and name no record of their own.
    amount: args.amount !== undefined ? asText("amount", args.amount) : args.value !== undefined ? asText("amount", args.value) : "",
    n: args.approvals !== undefined ? String(args.approvals) : "",
    of: args.required !== undefined ? String(args.required) : "",
    at: formatDateTime(e.timestamp),
    reason: args.reasonCode !== undefined ? String(args.reasonCode) : "",
  };
  const key = `event.${e.eventType}`;
  if (i18next.exists(key)) return i18next.t(key, values);
  // An event with no sentence of its own still reads in words: its kind's name, not the contract's event name.
  return i18next.t("event.generic", { ...values, type: i18next.t(`eventName.${e.eventType}`, { defaultValue: e.eventType }), entity: i18next.t(`entity.${e.entityType}`) });
}

/** Events of one entity in chain order: a sentence each, with its transaction, block and actor as detail. */
export function Timeline({ events }: { events: AuditEvent[] }) {
  const { t } = useTranslation();
  const [verdicts, setVerdicts] = useState<Record<string, Verdict>>({});
  const nameOf = usePeople();

  const verify = async (e: AuditEvent) => {
    setVerdicts((v) => ({ ...v, [e.id]: { phase: "pending" } }));
    try {
      const result = await call(api.GET("/api/v1/audit/verify/{txHash}/{logIndex}", { params: { path: { txHash: e.txHash, logIndex: String(e.logIndex) } } }));
      setVerdicts((v) => ({ ...v, [e.id]: { phase: "done", result } }));
    } catch (error) {
      setVerdicts((v) => ({ ...v, [e.id]: { phase: "error", message: describeError(error) } }));
    }
  };

  if (events.length === 0) return <p className="muted">{t("timeline.none")}</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {events.map((e) => {
        const verdict = verdicts[e.id];
        const args = Object.entries(e.args ?? {}).filter(([k]) => k !== "actor");
        return (
          <li key={e.id} data-testid="timeline-event" data-event-type={e.eventType}>
            <div className="timeline-head">
              <strong data-testid="timeline-sentence">{sentenceOf(e)}</strong>
              {e.actor && <span className="muted" data-testid="timeline-actor">{t("timeline.by")} <PersonName address={e.actor} nameOf={nameOf} /></span>}
            </div>
            <details className="timeline-meta">
              <summary>{t("timeline.details")}</summary>
              <span>{t("timeline.block", { block: e.blockNumber, log: e.logIndex })}</span>
              <span>{t("hash.transaction")} <ShortHash value={e.txHash} label={t("hash.transaction")} /></span>
              <span>{t("timeline.actor")} <ShortHash value={e.actor} label={t("hash.actor")} /></span>
              {args.length > 0 && (
                <dl className="args">
                  {args.map(([k, v]) => (
                    <div key={k}><dt>{k}</dt><dd>{asText(k, v)}</dd></div>
                  ))}
                </dl>
              )}
            </details>
            <div className="verify">
              <button type="button" className="secondary" onClick={() => verify(e)} disabled={verdict?.phase === "pending"} data-testid="verify-event">
                {t("timeline.verify")}<span className="sr-only"> {t("timeline.verifyWhich", { type: e.eventType, block: e.blockNumber })}</span>
              </button>
              {verdict && (
                <span
                  role={verdict.phase === "error" ? "alert" : "status"}
                  data-testid="verify-result"
                  data-match={verdict.phase === "done" ? String(verdict.result.match) : undefined}
                  className={verdict.phase === "done" ? (verdict.result.match ? "text-ok" : "text-error") : verdict.phase === "error" ? "text-error" : "muted"}
                >
                  {verdict.phase === "pending" && t("timeline.reading")}
                  {verdict.phase === "done" && (verdict.result.match
                    ? t("timeline.matches")
                    : t("timeline.differs", { differences: JSON.stringify(verdict.result.differences ?? "") }))}
                  {verdict.phase === "error" && verdict.message}
                </span>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

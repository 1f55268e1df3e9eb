import { useState } from "react";
import { api, call } from "../../api/client";
import { describeError } from "../../api/errors";
import type { AuditEvent, VerifyResult } from "../../api/types";
import { formatDateTime } from "../../lib/format";
import { ShortHash } from "../../components/ui";

type Verdict = { phase: "pending" } | { phase: "done"; result: VerifyResult } | { phase: "error"; message: string };

function summarise(args: Record<string, unknown>): string {
  return Object.entries(args)
    .filter(([k]) => k !== "actor")
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" · ");
}

/** Events of one entity in chain order, each with its transaction, block, actor, and an on-chain check. */
export function Timeline({ events }: { events: AuditEvent[] }) {
  const [verdicts, setVerdicts] = useState<Record<string, Verdict>>({});

  const verify = async (e: AuditEvent) => {
    setVerdicts((v) => ({ ...v, [e.id]: { phase: "pending" } }));
    try {
      const result = await call(api.GET("/api/v1/audit/verify/{txHash}/{logIndex}", { params: { path: { txHash: e.txHash, logIndex: String(e.logIndex) } } }));
      setVerdicts((v) => ({ ...v, [e.id]: { phase: "done", result } }));
    } catch (error) {
      setVerdicts((v) => ({ ...v, [e.id]: { phase: "error", message: describeError(error) } }));
    }
  };

  if (events.length === 0) return <p className="muted">No events match.</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {events.map((e) => {
        const verdict = verdicts[e.id];
        return (
          <li key={e.id} data-testid="timeline-event" data-event-type={e.eventType}>
            <div className="timeline-head">
              <strong>{e.eventType}</strong>
              <span className="muted">{e.entityType} #{e.entityId} · {formatDateTime(e.timestamp)}</span>
            </div>
            <div className="timeline-meta">
              <span>Block {e.blockNumber} · log {e.logIndex}</span>
              <span>Tx <ShortHash value={e.txHash} label="transaction hash" /></span>
              <span>Actor <ShortHash value={e.actor} label="actor address" /></span>
            </div>
            {Object.keys(e.args ?? {}).length > 0 && <p className="args">{summarise(e.args)}</p>}
            <div className="verify">
              <button type="button" className="secondary" onClick={() => verify(e)} disabled={verdict?.phase === "pending"} data-testid="verify-event">
                Verify against chain<span className="sr-only"> ({e.eventType} in block {e.blockNumber})</span>
              </button>
              {verdict && (
                <span
                  role={verdict.phase === "error" ? "alert" : "status"}
                  data-testid="verify-result"
                  data-match={verdict.phase === "done" ? String(verdict.result.match) : undefined}
                  className={verdict.phase === "done" ? (verdict.result.match ? "text-ok" : "text-error") : verdict.phase === "error" ? "text-error" : "muted"}
                >
                  {verdict.phase === "pending" && "Reading the chain…"}
                  {verdict.phase === "done" && (verdict.result.match
                    ? "✓ Matches the chain: the indexed event equals the log in the block."
                    : `✗ Does not match the chain: ${JSON.stringify(verdict.result.differences ?? "differences not given")}`)}
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

import type { Resource } from "../lib/hooks";
import type { Ceiling } from "../lib/ceiling";
import { formatBps } from "../lib/format";
import { Money } from "./ui";

/** Explains the most a supplier can ask a bank for, before it submits. */
export function CeilingSummary({ ceiling, invoiceAmount }: { ceiling: Resource<Ceiling | null>; invoiceAmount: string | null }) {
  if (ceiling.error) return <div className="notice notice-error" role="alert">Could not load the bank's terms: {ceiling.error}</div>;
  if (ceiling.loading) return <p className="muted" role="status">Loading the bank's terms…</p>;
  const c = ceiling.data;
  if (!c) return <p className="muted">Choose a bank to see the most you can request.</p>;
  return (
    <div className="ceiling" data-testid="financing-ceiling" data-maximum={c.maximum ?? ""}>
      <p>
        Maximum you can request: <strong>{c.maximum ? <Money amount={c.maximum} testId="financing-maximum" /> : "not known"}</strong>
      </p>
      <p className="muted">
        {c.policy ? (
          <>Invoice <Money amount={invoiceAmount} /> × advance rate {formatBps(c.policy.advanceRateBps)} = <Money amount={c.advance} /></>
        ) : (
          <>This bank's advance rate is not visible to you; the bank checks it when you submit</>
        )}
        {c.credit ? (
          <>; credit available with this bank <Money amount={c.credit.available} /> (limit <Money amount={c.credit.limit} />, in use <Money amount={c.credit.utilised} />).</>
        ) : (
          <>; no credit record with this bank was found, so the bank may refuse the request.</>
        )}{" "}
        {c.policy && <>Discount rate {formatBps(c.policy.discountRateBps)} a year.</>}
      </p>
    </div>
  );
}

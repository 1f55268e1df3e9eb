import type { Resource } from "../lib/hooks";
import type { Ceiling } from "../lib/ceiling";
import { formatBps } from "../lib/format";
import { useTranslation } from "../i18n";
import { Money } from "./ui";

/** Explains the most a supplier can ask a bank for, before it submits. */
export function CeilingSummary({ ceiling, invoiceAmount }: { ceiling: Resource<Ceiling | null>; invoiceAmount: string | null }) {
  const { t } = useTranslation();
  if (ceiling.error) return <div className="notice notice-error" role="alert">{t("ceiling.error")} {ceiling.error}</div>;
  if (ceiling.loading) return <p className="muted" role="status">{t("ceiling.loading")}</p>;
  const c = ceiling.data;
  if (!c) return <p className="muted">{t("ceiling.chooseBank")}</p>;
  return (
    <div className="ceiling" data-testid="financing-ceiling" data-maximum={c.maximum ?? ""}>
      <p>
        {t("ceiling.maximum")} <strong>{c.maximum ? <Money amount={c.maximum} testId="financing-maximum" /> : t("ceiling.unknown")}</strong>
      </p>
      <p className="muted">
        {c.policy ? (
          <>{t("ceiling.invoice")} <Money amount={invoiceAmount} /> × {t("ceiling.advanceRate", { rate: formatBps(c.policy.advanceRateBps) })} = <Money amount={c.advance} /></>
        ) : (
          <>{t("ceiling.policyHidden")}</>
        )}
        {c.credit ? (
          <>{t("ceiling.creditAvailable")} <Money amount={c.credit.available} /> ({t("ceiling.limit")} <Money amount={c.credit.limit} />, {t("ceiling.inUse")} <Money amount={c.credit.utilised} />).</>
        ) : (
          <>{t("ceiling.noCredit")}</>
        )}{" "}
        {c.policy && <>{t("ceiling.discount", { rate: formatBps(c.policy.discountRateBps) })}</>}
      </p>
    </div>
  );
}

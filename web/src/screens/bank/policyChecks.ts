import type { BankPolicy, CreditRecord, FinancingRequest, Invoice } from "../../api/types";
import { applyBps, formatBps, formatMoney, toMinor } from "../../lib/format";
import { t } from "../../i18n";

export interface Check {
  label: string;
  ok: boolean;
  detail: string;
  /** Decides the path rather than whether the bank may lend. */
  pathOnly?: boolean;
}

/** The bank's rules applied to one request, as the ledger applies them, so the officer sees why. */
export function policyChecks(request: FinancingRequest, invoice: Invoice, policy: BankPolicy, credit: CreditRecord | undefined): Check[] {
  const advance = applyBps(invoice.amount, policy.advanceRateBps);
  const amount = toMinor(request.amount);
  const trusted = (policy.trustedBuyers ?? []).includes(request.buyerOrgId);
  return [
    {
      label: t("checks.confirmed"),
      ok: Boolean(invoice.confirmedAt) || ["confirmed", "paid"].includes(invoice.status),
      detail: invoice.confirmedAt ? t("checks.confirmedBy", { buyer: invoice.buyerName }) : t("checks.invoiceIs", { status: t(`status.${invoice.status}`) }),
    },
    {
      label: t("checks.advance"),
      ok: amount <= toMinor(advance),
      detail: t("checks.advanceDetail", { amount: formatMoney(request.amount), max: formatMoney(advance), rate: formatBps(policy.advanceRateBps), invoice: formatMoney(invoice.amount) }),
    },
    {
      label: t("checks.credit"),
      ok: credit ? amount <= toMinor(credit.available ?? "0") || request.status !== "requested" : false,
      detail: credit ? t("checks.creditDetail", { available: formatMoney(credit.available), limit: formatMoney(credit.limit) }) : t("checks.noCredit"),
    },
    {
      label: t("checks.overdue"),
      ok: !credit?.overdueOpen,
      detail: credit?.overdueOpen ? t("checks.overdueDetail", { n: credit.overdueOpen }) : t("checks.none"),
      pathOnly: true,
    },
    {
      label: t("checks.fastTrack"),
      ok: amount <= toMinor(policy.fastTrackLimit),
      detail: t("checks.fastTrackDetail", { limit: formatMoney(policy.fastTrackLimit) }),
      pathOnly: true,
    },
    {
      label: t("checks.trusted"),
      ok: trusted,
      detail: trusted ? t("checks.isTrusted", { buyer: request.buyerName }) : t("checks.notTrusted", { buyer: request.buyerName }),
      pathOnly: true,
    },
  ];
}

import type { BankPolicy, CreditRecord, FinancingRequest, Invoice } from "../../api/types";
import { applyBps, formatBps, formatMoney, toMinor } from "../../lib/format";

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
      label: "Buyer confirmed the invoice",
      ok: Boolean(invoice.confirmedAt) || ["confirmed", "paid"].includes(invoice.status),
      detail: invoice.confirmedAt ? `confirmed by ${invoice.buyerName}` : `invoice is ${invoice.status}`,
    },
    {
      label: "Within the advance rate",
      ok: amount <= toMinor(advance),
      detail: `${formatMoney(request.amount)} of at most ${formatMoney(advance)} (${formatBps(policy.advanceRateBps)} of ${formatMoney(invoice.amount)})`,
    },
    {
      label: "Within the supplier's credit limit",
      ok: credit ? amount <= toMinor(credit.available ?? "0") || request.status !== "requested" : false,
      detail: credit ? `available ${formatMoney(credit.available)} of ${formatMoney(credit.limit)}` : "no credit limit set with this bank",
    },
    {
      label: "No overdue financing open",
      ok: !credit?.overdueOpen,
      detail: credit?.overdueOpen ? `${credit.overdueOpen} overdue and unpaid` : "none",
      pathOnly: true,
    },
    {
      label: "Within the fast-track limit",
      ok: amount <= toMinor(policy.fastTrackLimit),
      detail: `limit ${formatMoney(policy.fastTrackLimit)}`,
      pathOnly: true,
    },
    {
      label: "Buyer on the trusted list",
      ok: trusted,
      detail: trusted ? `${request.buyerName} is trusted` : `${request.buyerName} is not on the list`,
      pathOnly: true,
    },
  ];
}

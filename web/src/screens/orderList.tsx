import type { Order } from "../api/types";
import { useTranslation } from "../i18n";

// What the order, invoice and financing lists filter and sort by: the API's statuses and sort orders.
export const ORDER_STATUSES = ["issued", "accepted", "rejected", "cancelled"] as const;
export const ORDER_SORTS = ["newest", "oldest", "due", "amount"] as const;
export const INVOICE_STATUSES = ["issued", "confirmed", "disputed", "overdue", "paid", "cancelled"] as const;
export const INVOICE_SORTS = ORDER_SORTS;
export const FINANCING_STATUSES = ["requested", "approved", "rejected", "withdrawn", "disbursed", "repaid", "defaulted"] as const;
export const FINANCING_SORTS = ["newest", "oldest", "amount"] as const;

/** Why an order was rejected, in words: the reason code's name and the supplier's note. */
export function OrderRejection({ order }: { order: Order }) {
  const { t } = useTranslation();
  if (!order.rejection) return null;
  const code = t(`orderReject.${order.rejection.reasonCode}`, { defaultValue: t("dossier.reasonCode", { code: order.rejection.reasonCode }) });
  return (
    <small className="block reason" data-testid="order-rejection">
      {t("list.rejectedBecause", { reason: order.rejection.note ? `${code} · ${order.rejection.note}` : code })}
    </small>
  );
}

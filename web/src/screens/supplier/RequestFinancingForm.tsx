import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import type { Invoice } from "../../api/types";
import { useAction } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { useCeiling } from "../../lib/ceiling";
import { normaliseAmount, toMinor, formatMoney } from "../../lib/format";
import { amount as amountCheck } from "../../lib/validate";
import { ActionStatus, Card, Field, fieldProps } from "../../components/ui";
import { CeilingSummary } from "../../components/CeilingSummary";
import { Review } from "../../components/Review";
import { Money } from "../../components/ui";
import { discountOf } from "../../lib/discount";
import { formatBps, formatDate } from "../../lib/format";
import { t as translate, useTranslation } from "../../i18n";

/** Asks a chosen bank to finance a confirmed invoice, showing the most it can get first. */
export function RequestFinancingForm({ invoice, onClose, onRequested }: { invoice: Invoice; onClose: () => void; onRequested: () => void }) {
  const { t } = useTranslation();
  const { orgs, me } = useSession();
  const banks = orgs.filter((o) => o.kind === "bank" && o.status === "active");
  const [bankOrgId, setBankOrgId] = useState("");
  const [value, setValue] = useState("");
  const [problems, setProblems] = useState<{ bank?: string; amount?: string }>({});
  const ceiling = useCeiling(invoice.amount, bankOrgId, me.org.id);
  const action = useAction();
  const [reviewing, setReviewing] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: typeof problems = { bank: bankOrgId ? undefined : t("validate.chooseBank"), amount: amountCheck(value) };
    const max = ceiling.data?.maximum;
    if (!found.amount && max && toMinor(normaliseAmount(value)!) > toMinor(max)) {
      found.amount = t("validate.overMaximum", { max: formatMoney(max) });
    }
    setProblems(found);
    if (found.bank || found.amount) return;
    setReviewing(normaliseAmount(value)!);
  };

  const send = async (amount: string) => {
    setReviewing(null);
    const done = await action.run(
      () => call(api.POST("/api/v1/financing-requests", { body: { invoiceId: invoice.id, bankOrgId, amount } })),
      (r) => translate("requestFinancing.done", { id: r.id, bank: r.bankName, path: translate(`path.${r.path}`) }),
    );
    if (done) onRequested();
  };

  return (
    <Card title={t("requestFinancing.title", { number: invoice.invoiceNumber })} testId="financing-form" actions={<button type="button" className="link-button" onClick={onClose}>{t("action.close")}</button>}>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field id="fin-bank" label={t("field.bank")} error={problems.bank}>
          <select {...fieldProps("fin-bank", problems.bank)} data-testid="financing-bank" value={bankOrgId} onChange={(e) => setBankOrgId(e.target.value)}>
            <option value="">{t("field.chooseBank")}</option>
            {banks.map((b) => <option key={b.id} value={b.id}>{b.name}</option>)}
          </select>
        </Field>
        <Field id="fin-amount" label={t("field.financeAmountTdt")} error={problems.amount}>
          <input {...fieldProps("fin-amount", problems.amount)} data-testid="financing-amount" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
        </Field>
        <div className="span-all">
          <CeilingSummary ceiling={ceiling} invoiceAmount={invoice.amount} />
          {ceiling.data?.maximum && (
            <button type="button" className="link-button" onClick={() => setValue(ceiling.data!.maximum!)} data-testid="financing-use-maximum">
              {t("requestFinancing.useMaximum")}
            </button>
          )}
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={action.pending} data-testid="financing-submit">{t("supplierInvoices.requestFinancing")}</button>
        </div>
      </form>
      {reviewing && (() => {
        const bank = banks.find((b) => b.id === bankOrgId)?.name ?? "";
        const rate = ceiling.data?.policy?.discountRateBps;
        const cost = rate === undefined ? null : discountOf(reviewing, rate, invoice.dueDate);
        return (
          <Review
            title={t("review.financeTitle", { amount: formatMoney(reviewing), bank })}
            lines={[
              [t("review.financeRequested"), <Money amount={reviewing} />],
              cost
                ? [t("review.financeDiscount", { days: cost.days, rate: formatBps(rate) }), <Money amount={cost.discount} testId="review-cost" />]
                : [t("dossier.discount"), t("review.financeUnknownRate")],
              [t("review.financeNet"), cost ? <strong><Money amount={cost.net} testId="review-net" /></strong> : t("review.financeUnknownRate")],
              [t("review.financeRepay"), `${formatMoney(invoice.amount)} · ${formatDate(invoice.dueDate)}`],
            ]}
            confirmLabel={t("review.financeButton")}
            busy={action.pending}
            onConfirm={() => send(reviewing)}
            onCancel={() => setReviewing(null)}
          />
        );
      })()}
      <ActionStatus state={action.state} testId="financing-status" />
    </Card>
  );
}

import { useState, type FormEvent, type ReactNode } from "react";
import { api, call } from "../../api/client";
import type { Invoice } from "../../api/types";
import { useAction } from "../../lib/hooks";
import { formatMoney, normaliseAmount, toMinor } from "../../lib/format";
import { amount } from "../../lib/validate";
import { ActionStatus, Card, Field, fieldProps, Money } from "../../components/ui";
import { Review } from "../../components/Review";
import { useResource } from "../../lib/hooks";
import { fromMinor } from "../../lib/format";
import { t as translate, useTranslation } from "../../i18n";

/** Pays an invoice in full or in part; the ledger routes the money to the financing bank if there is one. */
export function PayForm({ invoice, onClose, onDone }: { invoice: Invoice; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(invoice.outstanding);
  const [problem, setProblem] = useState<string | undefined>();
  const [reviewing, setReviewing] = useState<string | null>(null);
  // A financed invoice's payment goes to the bank first, up to what the bank is still owed; the rest to the supplier.
  const financing = useResource(
    () => (invoice.financingRequestId ? call(api.GET("/api/v1/financing-requests/{id}", { params: { path: { id: invoice.financingRequestId } } })) : Promise.resolve(null)),
    [invoice.financingRequestId],
  );
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let found = amount(value, t("field.payment"));
    if (!found && toMinor(normaliseAmount(value)!) > toMinor(invoice.outstanding)) {
      found = t("validate.overOutstanding", { outstanding: formatMoney(invoice.outstanding) });
    }
    setProblem(found);
    if (found) return;
    setReviewing(normaliseAmount(value)!);
  };

  const split = (paid: string) => {
    const fr = financing.data;
    const owedToBank = fr && ["disbursed", "defaulted"].includes(fr.status) ? toMinor(fr.outstanding) : 0n;
    const toBank = toMinor(paid) < owedToBank ? toMinor(paid) : owedToBank;
    return { bank: fr?.bankName ?? "", toBank: fromMinor(toBank), toSupplier: fromMinor(toMinor(paid) - toBank) };
  };

  const pay = async (paid: string) => {
    setReviewing(null);
    const done = await action.run(
      () => call(api.POST("/api/v1/invoices/{id}/payments", { params: { path: { id: invoice.id } }, body: { amount: paid } })),
      translate("pay.done", { amount: formatMoney(paid), number: invoice.invoiceNumber }),
    );
    if (done) {
      // What is left becomes the next payment's default; paying it all leaves nothing to pay.
      const left = toMinor(done.outstanding);
      setValue(left > 0n ? done.outstanding : "");
      onDone();
    }
  };

  return (
    <Card title={t("pay.title", { number: invoice.invoiceNumber })} testId="pay-form" actions={<button type="button" className="link-button" onClick={onClose}>{t("action.close")}</button>}>
      <p>
        {t("pay.outstanding")} <Money amount={invoice.outstanding} /> · {invoice.supplierName}
        {invoice.financed ? ` ${t("pay.financedNote")}` : ""}
      </p>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field id="pay-amount" label={t("field.paymentAmountTdt")} error={problem}>
          <input {...fieldProps("pay-amount", problem)} data-testid="pay-amount" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
        </Field>
        <div className="form-actions">
          <button type="button" className="secondary" onClick={() => setValue(invoice.outstanding)}>{t("pay.full")}</button>
          <button type="submit" className="primary" disabled={action.pending} data-testid="pay-submit">{t("action.pay")}</button>
        </div>
      </form>
      {reviewing && (() => {
        const s = split(reviewing);
        const left = fromMinor(toMinor(invoice.outstanding) - toMinor(reviewing));
        return (
          <Review
            title={t("review.payTitle", { amount: formatMoney(reviewing), number: invoice.invoiceNumber })}
            lines={[
              ...(toMinor(s.toBank) > 0n ? ([[t("review.payToBank", { bank: s.bank }), <Money amount={s.toBank} testId="review-to-bank" />]] as [string, ReactNode][]) : []),
              [t("review.payToSupplier", { supplier: invoice.supplierName }), <Money amount={s.toSupplier} testId="review-to-supplier" />],
              [t("review.payLeft"), <Money amount={left} />],
            ]}
            confirmLabel={t("review.payButton")}
            busy={action.pending || financing.loading}
            onConfirm={() => pay(reviewing)}
            onCancel={() => setReviewing(null)}
          />
        );
      })()}
      <ActionStatus state={action.state} testId="pay-status" />
    </Card>
  );
}

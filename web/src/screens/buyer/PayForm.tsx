import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import type { Invoice } from "../../api/types";
import { useAction } from "../../lib/hooks";
import { formatMoney, normaliseAmount, toMinor } from "../../lib/format";
import { amount } from "../../lib/validate";
import { ActionStatus, Card, Field, fieldProps, Money } from "../../components/ui";
import { t as translate, useTranslation } from "../../i18n";

/** Pays an invoice in full or in part; the ledger routes the money to the financing bank if there is one. */
export function PayForm({ invoice, onClose, onDone }: { invoice: Invoice; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(invoice.outstanding);
  const [problem, setProblem] = useState<string | undefined>();
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let found = amount(value, t("field.payment"));
    if (!found && toMinor(normaliseAmount(value)!) > toMinor(invoice.outstanding)) {
      found = t("validate.overOutstanding", { outstanding: formatMoney(invoice.outstanding) });
    }
    setProblem(found);
    if (found) return;
    const paid = normaliseAmount(value)!;
    const done = await action.run(
      () => call(api.POST("/api/v1/invoices/{id}/payments", { params: { path: { id: invoice.id } }, body: { amount: paid } })),
      translate("pay.done", { amount: formatMoney(paid), number: invoice.invoiceNumber }),
    );
    if (done) onDone();
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
      <ActionStatus state={action.state} testId="pay-status" />
    </Card>
  );
}

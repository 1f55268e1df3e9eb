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

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: typeof problems = { bank: bankOrgId ? undefined : t("validate.chooseBank"), amount: amountCheck(value) };
    const max = ceiling.data?.maximum;
    if (!found.amount && max && toMinor(normaliseAmount(value)!) > toMinor(max)) {
      found.amount = t("validate.overMaximum", { max: formatMoney(max) });
    }
    setProblems(found);
    if (found.bank || found.amount) return;
    const done = await action.run(
      () => call(api.POST("/api/v1/financing-requests", { body: { invoiceId: invoice.id, bankOrgId, amount: normaliseAmount(value)! } })),
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
      <ActionStatus state={action.state} testId="financing-status" />
    </Card>
  );
}

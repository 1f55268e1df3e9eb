import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import type { Body, Invoice } from "../../api/types";
import { useAction } from "../../lib/hooks";
import { ActionStatus, Card, Field, fieldProps } from "../../components/ui";
import { t as translate, useTranslation } from "../../i18n";

/** The ledger's dispute reason codes; their words are in the catalogue ("disputeReason.<code>"). */
export const DISPUTE_REASONS = [1, 2, 3, 4, 5];
// The categories a buyer disputes an invoice with (the gateway also knows those of complaints about a bank).
type Category = NonNullable<Body<"/api/v1/invoices/{id}/dispute", "post">["category"]>;
const CATEGORIES: Category[] = ["quantity", "quality", "pricing", "delivery", "duplicate", "other"];

/** Disputes an invoice: a reason code for the ledger, a category and a written reason (hashed on chain). */
export function DisputeForm({ invoice, onClose, onDone }: { invoice: Invoice; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [reasonCode, setReasonCode] = useState("");
  const [category, setCategory] = useState<Category | "">("");
  const [reason, setReason] = useState("");
  const [problems, setProblems] = useState<{ code?: string; category?: string; reason?: string }>({});
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = {
      code: reasonCode ? undefined : t("validate.chooseReason"),
      category: category ? undefined : t("validate.chooseCategory"),
      reason: [...reason.trim()].length >= 5 ? undefined : t("validate.disputeReason"),
    };
    setProblems(found);
    if (found.code || found.category || found.reason) return;
    const done = await action.run(
      () =>
        call(
          api.POST("/api/v1/invoices/{id}/dispute", {
            params: { path: { id: invoice.id } },
            body: { reasonCode: Number(reasonCode), category: category || undefined, reason: reason.trim() },
          }),
        ),
      translate("dispute.done", { number: invoice.invoiceNumber, supplier: invoice.supplierName }),
    );
    if (done) onDone();
  };

  return (
    <Card title={t("dispute.title", { number: invoice.invoiceNumber })} testId="dispute-form" actions={<button type="button" className="link-button" onClick={onClose}>{t("action.close")}</button>}>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field id="dsp-code" label={t("field.reason")} error={problems.code}>
          <select {...fieldProps("dsp-code", problems.code)} value={reasonCode} onChange={(e) => setReasonCode(e.target.value)}>
            <option value="">{t("field.chooseReason")}</option>
            {DISPUTE_REASONS.map((code) => <option key={code} value={code}>{t(`disputeReason.${code}`)}</option>)}
          </select>
        </Field>
        <Field id="dsp-category" label={t("field.category")} error={problems.category}>
          <select {...fieldProps("dsp-category", problems.category)} value={category} onChange={(e) => setCategory(CATEGORIES.find((c) => c === e.target.value) ?? "")}>
            <option value="">{t("field.chooseCategory")}</option>
            {CATEGORIES.map((c) => <option key={c} value={c}>{t(`category.${c}`)}</option>)}
          </select>
        </Field>
        <Field id="dsp-reason" label={t("field.whatIsWrong")} error={problems.reason}>
          <textarea {...fieldProps("dsp-reason", problems.reason)} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <div className="form-actions">
          <button type="submit" className="danger" disabled={action.pending} data-testid="dispute-submit">{t("dispute.submit")}</button>
        </div>
      </form>
      <ActionStatus state={action.state} testId="dispute-status" />
    </Card>
  );
}

import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import type { Body, Invoice } from "../../api/types";
import { useAction } from "../../lib/hooks";
import { ActionStatus, Card, Field, fieldProps } from "../../components/ui";

export const DISPUTE_REASONS: [number, string][] = [
  [1, "Goods not received"],
  [2, "Goods damaged or defective"],
  [3, "Amount does not match the order"],
  [4, "Duplicate invoice"],
  [5, "Other"],
];
// The categories a buyer disputes an invoice with (the gateway also knows those of complaints about a bank).
type Category = NonNullable<Body<"/api/v1/invoices/{id}/dispute", "post">["category"]>;
const CATEGORIES: Category[] = ["quantity", "quality", "pricing", "delivery", "duplicate", "other"];

/** Disputes an invoice: a reason code for the ledger, a category and a written reason (hashed on chain). */
export function DisputeForm({ invoice, onClose, onDone }: { invoice: Invoice; onClose: () => void; onDone: () => void }) {
  const [reasonCode, setReasonCode] = useState("");
  const [category, setCategory] = useState<Category | "">("");
  const [reason, setReason] = useState("");
  const [problems, setProblems] = useState<{ code?: string; category?: string; reason?: string }>({});
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = {
      code: reasonCode ? undefined : "Choose a reason.",
      category: category ? undefined : "Choose a category.",
      reason: reason.trim().length >= 5 ? undefined : "Explain the dispute in a few words (at least 5 characters).",
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
      `Invoice ${invoice.invoiceNumber} disputed; ${invoice.supplierName} has 48 hours to respond.`,
    );
    if (done) onDone();
  };

  return (
    <Card title={`Dispute invoice ${invoice.invoiceNumber}`} testId="dispute-form" actions={<button type="button" className="link-button" onClick={onClose}>Close</button>}>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field id="dsp-code" label="Reason" error={problems.code}>
          <select {...fieldProps("dsp-code", problems.code)} value={reasonCode} onChange={(e) => setReasonCode(e.target.value)}>
            <option value="">Choose a reason…</option>
            {DISPUTE_REASONS.map(([code, label]) => <option key={code} value={code}>{label}</option>)}
          </select>
        </Field>
        <Field id="dsp-category" label="Category" error={problems.category}>
          <select {...fieldProps("dsp-category", problems.category)} value={category} onChange={(e) => setCategory(CATEGORIES.find((c) => c === e.target.value) ?? "")}>
            <option value="">Choose a category…</option>
            {CATEGORIES.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </Field>
        <Field id="dsp-reason" label="What is wrong" error={problems.reason}>
          <textarea {...fieldProps("dsp-reason", problems.reason)} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <div className="form-actions">
          <button type="submit" className="danger" disabled={action.pending} data-testid="dispute-submit">Dispute invoice</button>
        </div>
      </form>
      <ActionStatus state={action.state} />
    </Card>
  );
}

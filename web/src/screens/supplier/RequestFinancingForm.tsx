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

/** Asks a chosen bank to finance a confirmed invoice, showing the most it can get first. */
export function RequestFinancingForm({ invoice, onClose, onRequested }: { invoice: Invoice; onClose: () => void; onRequested: () => void }) {
  const { orgs, me } = useSession();
  const banks = orgs.filter((o) => o.kind === "bank" && o.status === "active");
  const [bankOrgId, setBankOrgId] = useState("");
  const [value, setValue] = useState("");
  const [problems, setProblems] = useState<{ bank?: string; amount?: string }>({});
  const ceiling = useCeiling(invoice.amount, bankOrgId, me.org.id);
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: typeof problems = { bank: bankOrgId ? undefined : "Choose a bank.", amount: amountCheck(value) };
    const max = ceiling.data?.maximum;
    if (!found.amount && max && toMinor(normaliseAmount(value)!) > toMinor(max)) {
      found.amount = `The most you can request from this bank is ${formatMoney(max)}.`;
    }
    setProblems(found);
    if (found.bank || found.amount) return;
    const done = await action.run(
      () => call(api.POST("/api/v1/financing-requests", { body: { invoiceId: invoice.id, bankOrgId, amount: normaliseAmount(value)! } })),
      (r) => `Financing request #${r.id} sent to ${r.bankName} (${r.path === "fast-track" ? "fast-track: one officer" : "maker-checker: two officers"}).`,
    );
    if (done) onRequested();
  };

  return (
    <Card title={`Request financing for invoice ${invoice.invoiceNumber}`} testId="financing-form" actions={<button type="button" className="link-button" onClick={onClose}>Close</button>}>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field id="fin-bank" label="Bank" error={problems.bank}>
          <select {...fieldProps("fin-bank", problems.bank)} data-testid="financing-bank" value={bankOrgId} onChange={(e) => setBankOrgId(e.target.value)}>
            <option value="">Choose a bank…</option>
            {banks.map((b) => <option key={b.id} value={b.id}>{b.name}</option>)}
          </select>
        </Field>
        <Field id="fin-amount" label="Amount to finance (TDT)" error={problems.amount}>
          <input {...fieldProps("fin-amount", problems.amount)} data-testid="financing-amount" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
        </Field>
        <div className="span-all">
          <CeilingSummary ceiling={ceiling} invoiceAmount={invoice.amount} />
          {ceiling.data?.maximum && (
            <button type="button" className="link-button" onClick={() => setValue(ceiling.data!.maximum!)} data-testid="financing-use-maximum">
              Use the maximum
            </button>
          )}
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={action.pending} data-testid="financing-submit">Request financing</button>
        </div>
      </form>
      <ActionStatus state={action.state} testId="financing-status" />
    </Card>
  );
}

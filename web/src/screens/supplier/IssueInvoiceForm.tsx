import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import type { Order, WrittenInvoice } from "../../api/types";
import { useAction } from "../../lib/hooks";
import { fromMinor, isoDay, normaliseAmount, toMinor } from "../../lib/format";
import { documentProblem, hashAndUpload } from "../../lib/documents";
import { amount, futureDate, hasProblems, required, type Problems } from "../../lib/validate";
import { ActionStatus, Card, Field, fieldProps, Money, ShortHash } from "../../components/ui";
import { t as translate, useTranslation } from "../../i18n";

type Key = "invoiceNumber" | "amount" | "dueDate" | "document";

/** Issues an invoice against an accepted order, with its document hashed in the browser and uploaded. */
export function IssueInvoiceForm({ order, onClose, onIssued }: { order: Order; onClose: () => void; onIssued: () => void }) {
  const { t } = useTranslation();
  const [invoiceNumber, setInvoiceNumber] = useState("");
  const [value, setValue] = useState(order.remaining);
  const [dueDate, setDueDate] = useState(order.dueDate ? order.dueDate.slice(0, 10) : isoDay(60));
  const [file, setFile] = useState<File | null>(null);
  const [problems, setProblems] = useState<Problems<Key>>({});
  const [issued, setIssued] = useState<WrittenInvoice | null>(null);
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Problems<Key> = {
      invoiceNumber: required(invoiceNumber, t("field.invoiceNumber")),
      amount: amount(value),
      dueDate: futureDate(dueDate),
      document: documentProblem(file) ?? undefined,
    };
    setProblems(found);
    if (hasProblems(found)) return;
    const invoice = await action.run(async () => {
      const documentHash = await hashAndUpload(file!, action.step);
      action.step(translate("action.submitting"));
      return call(
        api.POST("/api/v1/invoices", {
          body: { orderId: order.id, invoiceNumber: invoiceNumber.trim(), amount: normaliseAmount(value)!, dueDate, documentHash },
        }),
      );
    }, (inv) => translate("issueInvoice.done", { number: inv.invoiceNumber, id: inv.id, buyer: order.buyerName }));
    if (invoice) {
      // The form recomputes for the next invoice on the same order: what remains is now less.
      setIssued(invoice);
      setInvoiceNumber("");
      setFile(null);
      const left = toMinor(order.remaining) - toMinor(invoice.amount);
      setValue(left > 0n ? fromMinor(left) : "");
      onIssued();
    }
  };

  return (
    <Card title={t("issueInvoice.title", { reference: order.reference })} testId="invoice-form" actions={<button type="button" className="link-button" onClick={onClose}>{t("action.close")}</button>}>
      <p>
        {t("issueInvoice.buyer", { buyer: order.buyerName })} <Money amount={order.remaining} />
      </p>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field id="inv-number" label={t("field.invoiceNumber")} error={problems.invoiceNumber}>
          <input {...fieldProps("inv-number", problems.invoiceNumber)} data-testid="invoice-number" value={invoiceNumber} onChange={(e) => setInvoiceNumber(e.target.value)} />
        </Field>
        <Field id="inv-amount" label={t("field.amountTdt")} error={problems.amount} hint={t("hint.amount")}>
          <input {...fieldProps("inv-amount", problems.amount)} data-testid="invoice-amount" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
        </Field>
        <Field id="inv-due" label={t("field.dueDate")} error={problems.dueDate}>
          <input {...fieldProps("inv-due", problems.dueDate)} data-testid="invoice-due" type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
        </Field>
        <Field id="inv-doc" label={t("field.invoiceDocument")} error={problems.document} hint={t("hint.document")}>
          <input key={issued?.id ?? "new"} {...fieldProps("inv-doc", problems.document)} data-testid="invoice-document" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </Field>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={action.pending} data-testid="invoice-submit">{t("issueInvoice.submit")}</button>
        </div>
      </form>
      <ActionStatus state={action.state} testId="invoice-status" />
      {issued && (
        <p className="muted">
          {t("hash.documentHash")} <ShortHash value={issued.documentHash} label={t("hash.documentHash")} />
          {issued.txHash && <> · {t("hash.transaction")} <ShortHash value={issued.txHash} label={t("hash.transaction")} /></>}
        </p>
      )}
    </Card>
  );
}

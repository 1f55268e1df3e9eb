import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import type { Order, WrittenInvoice } from "../../api/types";
import { useAction } from "../../lib/hooks";
import { isoDay, normaliseAmount } from "../../lib/format";
import { documentProblem, hashAndUpload } from "../../lib/documents";
import { amount, futureDate, hasProblems, required, type Problems } from "../../lib/validate";
import { ActionStatus, Card, Field, fieldProps, Money, ShortHash } from "../../components/ui";

type Key = "invoiceNumber" | "amount" | "dueDate" | "document";

/** Issues an invoice against an accepted order, with its document hashed in the browser and uploaded. */
export function IssueInvoiceForm({ order, onClose, onIssued }: { order: Order; onClose: () => void; onIssued: () => void }) {
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
      invoiceNumber: required(invoiceNumber, "Invoice number"),
      amount: amount(value),
      dueDate: futureDate(dueDate),
      document: documentProblem(file) ?? undefined,
    };
    setProblems(found);
    if (hasProblems(found)) return;
    const invoice = await action.run(async () => {
      const documentHash = await hashAndUpload(file!, action.step);
      action.step("Submitting to the ledger…");
      return call(
        api.POST("/api/v1/invoices", {
          body: { orderId: order.id, invoiceNumber: invoiceNumber.trim(), amount: normaliseAmount(value)!, dueDate, documentHash },
        }),
      );
    }, (inv) => `Invoice ${inv.invoiceNumber} (#${inv.id}) issued to ${order.buyerName}.`);
    if (invoice) {
      setIssued(invoice);
      onIssued();
    }
  };

  return (
    <Card title={`Invoice order ${order.reference}`} testId="invoice-form" actions={<button type="button" className="link-button" onClick={onClose}>Close</button>}>
      <p>
        Buyer {order.buyerName}. Remaining to invoice on this order: <Money amount={order.remaining} />.
      </p>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field id="inv-number" label="Invoice number" error={problems.invoiceNumber}>
          <input {...fieldProps("inv-number", problems.invoiceNumber)} data-testid="invoice-number" value={invoiceNumber} onChange={(e) => setInvoiceNumber(e.target.value)} />
        </Field>
        <Field id="inv-amount" label="Amount (TDT)" error={problems.amount} hint="For example 400000.00">
          <input {...fieldProps("inv-amount", problems.amount)} data-testid="invoice-amount" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
        </Field>
        <Field id="inv-due" label="Due date" error={problems.dueDate}>
          <input {...fieldProps("inv-due", problems.dueDate)} data-testid="invoice-due" type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
        </Field>
        <Field id="inv-doc" label="Invoice document" error={problems.document} hint="Hashed (SHA-256) in your browser, then uploaded; at most 10 MiB.">
          <input {...fieldProps("inv-doc", problems.document)} data-testid="invoice-document" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </Field>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={action.pending} data-testid="invoice-submit">Issue invoice</button>
        </div>
      </form>
      <ActionStatus state={action.state} testId="invoice-status" />
      {issued && (
        <p className="muted">
          Document hash <ShortHash value={issued.documentHash} label="document hash" />
          {issued.txHash && <> · transaction <ShortHash value={issued.txHash} label="transaction hash" /></>}
        </p>
      )}
    </Card>
  );
}

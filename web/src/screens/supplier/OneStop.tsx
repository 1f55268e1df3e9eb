import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import { listOrders } from "../../api/queries";
import { useAction, useResource } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { useCeiling } from "../../lib/ceiling";
import { formatMoney, isoDay, normaliseAmount, toMinor } from "../../lib/format";
import { documentProblem, hashAndUpload } from "../../lib/documents";
import { amount, futureDate, hasProblems, required, type Problems } from "../../lib/validate";
import { ActionStatus, Card, Field, fieldProps, Loadable } from "../../components/ui";
import { CeilingSummary } from "../../components/CeilingSummary";
import { t as translate, useTranslation } from "../../i18n";

type Key = "order" | "invoiceNumber" | "amount" | "dueDate" | "document" | "bank" | "financingAmount";

/** Invoice an accepted order and ask a bank to finance it, in one ledger transaction. */
export function OneStop() {
  const { t } = useTranslation();
  const { orgs, me } = useSession();
  const orders = useResource(() => listOrders({ status: "accepted" }), []);
  const banks = orgs.filter((o) => o.kind === "bank" && o.status === "active");
  const [orderId, setOrderId] = useState("");
  const [invoiceNumber, setInvoiceNumber] = useState("");
  const [value, setValue] = useState("");
  const [dueDate, setDueDate] = useState(isoDay(60));
  const [file, setFile] = useState<File | null>(null);
  const [bankOrgId, setBankOrgId] = useState("");
  const [financingAmount, setFinancingAmount] = useState("");
  const [problems, setProblems] = useState<Problems<Key>>({});
  const action = useAction();
  const invoiceAmount = normaliseAmount(value);
  const ceiling = useCeiling(invoiceAmount, bankOrgId, me.org.id);
  const open = (orders.data ?? []).filter((o) => toMinor(o.remaining) > 0n);

  const chooseOrder = (id: string) => {
    setOrderId(id);
    const order = open.find((o) => o.id === id);
    if (order) {
      setValue(order.remaining);
      setDueDate(order.dueDate.slice(0, 10));
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Problems<Key> = {
      order: orderId ? undefined : t("validate.chooseOrder"),
      invoiceNumber: required(invoiceNumber, t("field.invoiceNumber")),
      amount: amount(value, t("field.invoiceAmount")),
      dueDate: futureDate(dueDate),
      document: documentProblem(file) ?? undefined,
      bank: bankOrgId ? undefined : t("validate.chooseBank"),
      financingAmount: amount(financingAmount, t("field.financingAmount")),
    };
    const max = ceiling.data?.maximum;
    if (!found.financingAmount && max && toMinor(normaliseAmount(financingAmount)!) > toMinor(max)) {
      found.financingAmount = t("validate.overMaximum", { max: formatMoney(max) });
    }
    setProblems(found);
    if (hasProblems(found)) return;
    const result = await action.run(async () => {
      const documentHash = await hashAndUpload(file!, action.step);
      action.step(translate("action.submitting"));
      return call(
        api.POST("/api/v1/one-stop", {
          body: {
            orderId,
            invoiceNumber: invoiceNumber.trim(),
            amount: invoiceAmount!,
            dueDate,
            documentHash,
            bankOrgId,
            financingAmount: normaliseAmount(financingAmount)!,
          },
        }),
      );
    }, (r) => translate("oneStop.done", { number: r.invoice.invoiceNumber, id: r.invoice.id, amount: formatMoney(r.financingIntent.amount), bank: banks.find((b) => b.id === r.financingIntent.bankOrgId)?.name ?? translate("oneStop.theBank") }));
    if (result) {
      // The order's remainder is smaller now; start the next one-stop from a clean form.
      setOrderId("");
      setInvoiceNumber("");
      setValue("");
      setFile(null);
      setFinancingAmount("");
      orders.reload();
    }
  };

  return (
    <Card title={t("oneStop.title")} testId="one-stop">
      <Loadable loading={orders.loading && !orders.data} error={orders.error}>
        <form onSubmit={submit} noValidate className="form-grid">
          <Field id="os-order" label={t("field.acceptedOrder")} error={problems.order}>
            <select {...fieldProps("os-order", problems.order)} data-testid="onestop-order" value={orderId} onChange={(e) => chooseOrder(e.target.value)}>
              <option value="">{t("field.chooseOrder")}</option>
              {open.map((o) => <option key={o.id} value={o.id}>{t("oneStop.orderOption", { id: o.id, reference: o.reference, buyer: o.buyerName, left: formatMoney(o.remaining) })}</option>)}
            </select>
          </Field>
          <Field id="os-number" label={t("field.invoiceNumber")} error={problems.invoiceNumber}>
            <input {...fieldProps("os-number", problems.invoiceNumber)} data-testid="onestop-number" value={invoiceNumber} onChange={(e) => setInvoiceNumber(e.target.value)} />
          </Field>
          <Field id="os-amount" label={t("field.invoiceAmountTdt")} error={problems.amount}>
            <input {...fieldProps("os-amount", problems.amount)} data-testid="onestop-amount" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
          </Field>
          <Field id="os-due" label={t("field.dueDate")} error={problems.dueDate}>
            <input {...fieldProps("os-due", problems.dueDate)} type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
          </Field>
          <Field id="os-doc" label={t("field.invoiceDocument")} error={problems.document} hint={t("hint.document")}>
            <input key={action.state.phase === "success" ? action.state.seq : "new"} {...fieldProps("os-doc", problems.document)} data-testid="onestop-document" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </Field>
          <Field id="os-bank" label={t("field.bank")} error={problems.bank}>
            <select {...fieldProps("os-bank", problems.bank)} data-testid="onestop-bank" value={bankOrgId} onChange={(e) => setBankOrgId(e.target.value)}>
              <option value="">{t("field.chooseBank")}</option>
              {banks.map((b) => <option key={b.id} value={b.id}>{b.name}</option>)}
            </select>
          </Field>
          <Field id="os-fin" label={t("field.financeAmountTdt")} error={problems.financingAmount}>
            <input {...fieldProps("os-fin", problems.financingAmount)} data-testid="onestop-financing-amount" inputMode="decimal" value={financingAmount} onChange={(e) => setFinancingAmount(e.target.value)} />
          </Field>
          <div className="span-all"><CeilingSummary ceiling={ceiling} invoiceAmount={invoiceAmount} /></div>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={action.pending} data-testid="onestop-submit">{t("oneStop.submit")}</button>
          </div>
        </form>
        <ActionStatus state={action.state} />
      </Loadable>
    </Card>
  );
}

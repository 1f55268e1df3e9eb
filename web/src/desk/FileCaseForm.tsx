import { useState, type FormEvent } from "react";
import { t as translate, useTranslation } from "../i18n";
import { useAction, useResource } from "../lib/hooks";
import { useSession } from "../lib/session";
import { listFinancing, listInvoices } from "../api/queries";
import { ActionStatus, Card, Field, fieldProps, Money } from "../components/ui";
import { formatShare } from "../lib/format";
import { fileCase, type CaseDetail, type FileCaseBody } from "./api";

/** The kinds of organisation a complaint can be about: the network's parties, not the auditor or the operator. */
const PARTIES = ["bank", "core_enterprise", "supplier"];

/**
 * Files a complaint or dispute about another organisation (a supplier about a bank's decision or fees, a buyer about
 * a supplier, a bank about a client), optionally about one financing request or invoice both can see. The gateway
 * classifies and assigns it at once; the answer shows the category it chose and how sure it was.
 */
export function FileCaseForm() {
  const { t } = useTranslation();
  const { me, orgs } = useSession();
  const [about, setAbout] = useState("");
  const [subject, setSubject] = useState("");
  const [text, setText] = useState("");
  const [problems, setProblems] = useState<{ about?: string; text?: string }>({});
  const [filed, setFiled] = useState<CaseDetail | null>(null);
  const action = useAction();
  const others = orgs.filter((o) => o.id !== me.org.id && PARTIES.includes(o.kind));
  const target = others.find((o) => o.id === about);
  // What the complaint can name: the financing requests this bank decided, or the invoices this party is on.
  const subjects = useResource(async () => {
    if (!target) return [];
    if (target.kind === "bank") {
      const requests = await listFinancing({ bankOrgId: target.id });
      return requests.map((r) => ({ value: `financing:${r.id}`, label: translate("desk.file.financingOption", { id: r.id, invoice: r.invoiceId, supplier: r.supplierName }), amount: r.amount }));
    }
    const invoices = await listInvoices();
    return invoices
      .filter((i) => i.supplierOrgId === target.id || i.buyerOrgId === target.id)
      .map((i) => ({ value: `invoice:${i.id}`, label: translate("desk.file.invoiceOption", { number: i.invoiceNumber, supplier: i.supplierName, buyer: i.buyerName }), amount: i.amount }));
  }, [about, "desk-file-subjects"]);
  const chosen = subjects.data?.find((s) => s.value === subject);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = { about: target ? undefined : t("desk.file.chooseOrg"), text: [...text.trim()].length >= 5 ? undefined : t("desk.file.writeMore") };
    setProblems(found);
    if (found.about || found.text) return;
    const [kind, id] = subject.split(":");
    const body: FileCaseBody = { aboutOrgId: about, text: text.trim(), ...(kind === "financing" ? { financingRequestId: id } : kind === "invoice" ? { invoiceId: id } : {}) };
    const done = await action.run(
      () => fileCase(body),
      (c) => translate("desk.file.done", { id: c.id, category: translate(`category.${c.category}`), share: formatShare(c.confidence), org: target?.name ?? "" }),
    );
    if (done) {
      setFiled(done);
      setText("");
      setSubject("");
    }
  };

  return (
    <Card title={t("desk.file.title")} testId="file-case">
      <p className="muted">{t("desk.file.intro")}</p>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field id="desk-file-about" label={t("desk.file.about")} error={problems.about}>
          <select {...fieldProps("desk-file-about", problems.about)} data-testid="file-about" value={about} onChange={(e) => { setAbout(e.target.value); setSubject(""); }}>
            <option value="">{t("desk.file.chooseOrgOption")}</option>
            {others.map((o) => <option key={o.id} value={o.id}>{t("desk.file.orgOption", { name: o.name, kind: t(`desk.orgKind.${o.kind}`) })}</option>)}
          </select>
        </Field>
        <Field id="desk-file-subject" label={t("desk.file.subject")} hint={chosen ? undefined : t("desk.file.subjectHint")}>
          <select id="desk-file-subject" name="desk-file-subject" data-testid="file-subject" value={subject} onChange={(e) => setSubject(e.target.value)} disabled={!target}>
            <option value="">{t("desk.file.general")}</option>
            {(subjects.data ?? []).map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
          </select>
        </Field>
        {chosen && <p className="span-all">{t("desk.file.amount")} <Money amount={chosen.amount} /></p>}
        <Field id="desk-file-text" label={t("desk.file.text")} error={problems.text} hint={t("desk.file.textHint")}>
          <textarea {...fieldProps("desk-file-text", problems.text)} data-testid="file-text" rows={4} maxLength={4000} value={text} onChange={(e) => setText(e.target.value)} />
        </Field>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={action.pending} data-testid="file-submit">{t("desk.file.submit")}</button>
        </div>
      </form>
      <ActionStatus state={action.state} testId="file-status" />
      {filed && (
        <p data-testid="filed-case" data-case={filed.id} data-category={filed.category}>
          {t("desk.file.classified", { category: t(`category.${filed.category}`), share: formatShare(filed.confidence) })}{" "}
          {filed.assignee ? t("desk.file.assignedTo", { name: filed.assignee.name }) : t("desk.file.assignedAdmins")}{" "}
          <a href={`#/desk/case/${filed.id}`} data-testid="filed-case-open">{t("desk.file.open", { id: filed.id })}</a>
        </p>
      )}
    </Card>
  );
}

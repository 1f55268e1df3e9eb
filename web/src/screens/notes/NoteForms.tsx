import { useState, type FormEvent, type ReactNode } from "react";
import { api, call } from "../../api/client";
import type { components } from "../../api/schema";
import { useAction } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { formatDate, formatMoney, fromMinor, normaliseAmount, toMinor } from "../../lib/format";
import { amount as amountCheck, required } from "../../lib/validate";
import { ActionStatus, Card, Field, fieldProps, Money } from "../../components/ui";
import { Table } from "../../components/Table";
import { Review } from "../../components/Review";
import { t as translate, useTranslation } from "../../i18n";

export type Note = components["schemas"]["Note"];
export type NoteNode = components["schemas"]["NoteNode"];
export type NotePayout = components["schemas"]["NotePayout"];

/** The most pieces a split makes (the ledger's limit). */
const MAX_PIECES = 10;

function CloseButton({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  return <button type="button" className="link-button" onClick={onClose}>{t("action.close")}</button>;
}

/** An amount field's problem, or one about the amount exceeding `most`. */
function amountProblem(value: string, most: string, label: string): string | undefined {
  const problem = amountCheck(value, label);
  if (problem) return problem;
  if (toMinor(normaliseAmount(value)!) > toMinor(most)) return translate("notes.overHeld", { held: formatMoney(most) });
  return undefined;
}

/** Transfers part or all of a held note to another supplier for a trade, after a review. */
export function TransferForm({ note, onClose, onDone }: { note: Note; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { orgs, me } = useSession();
  const suppliers = orgs.filter((o) => o.kind === "supplier" && o.status === "active" && o.id !== me.org.id);
  const [toOrgId, setToOrgId] = useState("");
  const [value, setValue] = useState("");
  const [reference, setReference] = useState("");
  const [problems, setProblems] = useState<{ to?: string; amount?: string; reference?: string }>({});
  const [reviewing, setReviewing] = useState<string | null>(null);
  const action = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = {
      to: toOrgId ? undefined : t("validate.chooseSupplier"),
      amount: amountProblem(value, note.face, t("notes.transferAmount")),
      reference: required(reference.trim(), t("notes.tradeReference")),
    };
    setProblems(found);
    if (found.to || found.amount || found.reference) return;
    setReviewing(normaliseAmount(value)!);
  };

  const send = async (amount: string) => {
    setReviewing(null);
    const done = await action.run(
      () => call(api.POST("/api/v1/notes/{id}/transfer", { params: { path: { id: note.id } }, body: { toOrgId, amount, tradeReference: reference.trim() } })),
      (r) => translate("notes.transferred", { id: r.transferred.id, amount: formatMoney(r.transferred.face), to: r.transferred.holderName }),
    );
    if (done) onDone();
  };

  const recipient = suppliers.find((s) => s.id === toOrgId)?.name ?? "";
  return (
    <Card title={t("notes.transferTitle", { id: note.id })} testId="note-transfer-form" actions={<CloseButton onClose={onClose} />}>
      {note.status === "active" && (<form onSubmit={submit} noValidate className="form-grid">
        <Field id="note-to" label={t("notes.recipient")} error={problems.to}>
          <select {...fieldProps("note-to", problems.to)} data-testid="note-transfer-to" value={toOrgId} onChange={(e) => setToOrgId(e.target.value)}>
            <option value="">{t("field.chooseSupplier")}</option>
            {suppliers.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </Field>
        <Field id="note-transfer-amount" label={t("notes.transferAmount")} error={problems.amount} hint={t("notes.heldHint", { held: formatMoney(note.face) })}>
          <input {...fieldProps("note-transfer-amount", problems.amount)} data-testid="note-transfer-amount" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
        </Field>
        <Field id="note-reference" label={t("notes.tradeReference")} error={problems.reference} hint={t("notes.tradeReferenceHint")}>
          <input {...fieldProps("note-reference", problems.reference)} data-testid="note-transfer-reference" value={reference} onChange={(e) => setReference(e.target.value)} />
        </Field>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={action.pending} data-testid="note-transfer-submit">{t("notes.transfer")}</button>
        </div>
      </form>)}
      {reviewing && (
        <Review
          title={t("notes.transferReview", { amount: formatMoney(reviewing), to: recipient })}
          lines={[
            [t("notes.transferAmount"), <strong><Money amount={reviewing} /></strong>],
            [t("notes.recipient"), recipient],
            [t("notes.tradeReference"), reference.trim()],
            [t("notes.kept"), <Money amount={fromMinor(toMinor(note.face) - toMinor(reviewing))} testId="review-kept" />],
            [t("notes.effect"), t("notes.transferEffect")],
          ]}
          confirmLabel={t("notes.transferButton")}
          busy={action.pending}
          onConfirm={() => send(reviewing)}
          onCancel={() => setReviewing(null)}
        />
      )}
      <ActionStatus state={action.state} testId="note-transfer-status" />
    </Card>
  );
}

/** Splits a held note into 2 to 10 pieces that add up to its face, after a review. */
export function SplitForm({ note, onClose, onDone }: { note: Note; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [values, setValues] = useState(["", ""]);
  const [problem, setProblem] = useState<string | undefined>();
  const [reviewing, setReviewing] = useState<string[] | null>(null);
  const action = useAction();
  const parsed = values.map((v) => normaliseAmount(v));
  const sum = parsed.reduce((total, v) => total + (v ? toMinor(v) : 0n), 0n);
  const balanced = sum === toMinor(note.face);

  const set = (i: number, value: string) => setValues((vs) => vs.map((v, j) => (j === i ? value : v)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const bad = values.map((v, i) => amountCheck(v, t("notes.piece", { n: i + 1 }))).find(Boolean);
    const found = bad ?? (balanced ? undefined : t("notes.splitUnbalanced", { sum: formatMoney(fromMinor(sum)), face: formatMoney(note.face) }));
    setProblem(found);
    if (found) return;
    setReviewing(parsed as string[]);
  };
  const send = async (amounts: string[]) => {
    setReviewing(null);
    const done = await action.run(
      () => call(api.POST("/api/v1/notes/{id}/split", { params: { path: { id: note.id } }, body: { amounts } })),
      (r) => translate("notes.splitDone", { id: note.id, n: r.items.length }),
    );
    if (done) onDone();
  };

  return (
    <Card title={t("notes.splitTitle", { id: note.id })} testId="note-split-form" actions={<CloseButton onClose={onClose} />}>
      {note.status === "active" && (<form onSubmit={submit} noValidate>
        <div className="form-grid">
          {values.map((value, i) => (
            <Field key={i} id={`note-piece-${i}`} label={t("notes.piece", { n: i + 1 })}>
              <input {...fieldProps(`note-piece-${i}`, problem)} data-testid={`note-split-amount-${i}`} inputMode="decimal" value={value} onChange={(e) => set(i, e.target.value)} />
            </Field>
          ))}
        </div>
        <p data-testid="note-split-sum" data-balanced={balanced ? "yes" : "no"} className={balanced ? undefined : "muted"}>
          {t("notes.splitSum", { sum: formatMoney(fromMinor(sum)), face: formatMoney(note.face) })}
        </p>
        {problem && <p className="field-error" role="alert" data-testid="note-split-problem">{problem}</p>}
        <div className="form-actions">
          <button type="button" className="secondary" disabled={values.length >= MAX_PIECES} onClick={() => setValues((vs) => [...vs, ""])} data-testid="note-split-add">{t("notes.addPiece")}</button>
          <button type="button" className="secondary" disabled={values.length <= 2} onClick={() => setValues((vs) => vs.slice(0, -1))} data-testid="note-split-remove">{t("notes.removePiece")}</button>
          <button type="submit" className="primary" disabled={action.pending} data-testid="note-split-submit">{t("notes.split")}</button>
        </div>
      </form>)}
      {reviewing && (
        <Review
          title={t("notes.splitReview", { id: note.id, n: reviewing.length })}
          lines={[
            ...reviewing.map((a, i): [string, ReactNode] => [t("notes.piece", { n: i + 1 }), <Money amount={a} />]),
            [t("notes.face"), <strong><Money amount={note.face} /></strong>],
            [t("notes.effect"), t("notes.splitEffect")],
          ]}
          confirmLabel={t("notes.splitButton")}
          busy={action.pending}
          onConfirm={() => send(reviewing)}
          onCancel={() => setReviewing(null)}
        />
      )}
      <ActionStatus state={action.state} testId="note-split-status" />
    </Card>
  );
}

/** Asks a bank to finance a held note (part of its face), after a review. */
export function FinanceNoteForm({ note, onClose, onDone }: { note: Note; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { orgs } = useSession();
  const banks = orgs.filter((o) => o.kind === "bank" && o.status === "active");
  const [bankOrgId, setBankOrgId] = useState("");
  const [value, setValue] = useState("");
  const [problems, setProblems] = useState<{ bank?: string; amount?: string }>({});
  const [reviewing, setReviewing] = useState<string | null>(null);
  const action = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = { bank: bankOrgId ? undefined : t("validate.chooseBank"), amount: amountProblem(value, note.face, t("field.financeAmountTdt")) };
    setProblems(found);
    if (found.bank || found.amount) return;
    setReviewing(normaliseAmount(value)!);
  };
  const send = async (amount: string) => {
    setReviewing(null);
    const done = await action.run(
      () => call(api.POST("/api/v1/financing-requests", { body: { noteId: note.id, bankOrgId, amount } })),
      (r) => translate("notes.financeDone", { id: r.id, bank: r.bankName, path: translate(`path.${r.path}`) }),
    );
    if (done) onDone();
  };
  const bank = banks.find((b) => b.id === bankOrgId)?.name ?? "";

  return (
    <Card title={t("notes.financeTitle", { id: note.id })} testId="note-finance-form" actions={<CloseButton onClose={onClose} />}>
      {note.status === "active" && (<form onSubmit={submit} noValidate className="form-grid">
        <Field id="note-bank" label={t("field.bank")} error={problems.bank}>
          <select {...fieldProps("note-bank", problems.bank)} data-testid="note-finance-bank" value={bankOrgId} onChange={(e) => setBankOrgId(e.target.value)}>
            <option value="">{t("field.chooseBank")}</option>
            {banks.map((b) => <option key={b.id} value={b.id}>{b.name}</option>)}
          </select>
        </Field>
        <Field id="note-finance-amount" label={t("field.financeAmountTdt")} error={problems.amount} hint={t("notes.heldHint", { held: formatMoney(note.face) })}>
          <input {...fieldProps("note-finance-amount", problems.amount)} data-testid="note-finance-amount" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
        </Field>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={action.pending} data-testid="note-finance-submit">{t("notes.finance")}</button>
        </div>
      </form>)}
      {reviewing && (
        <Review
          title={t("review.financeTitle", { amount: formatMoney(reviewing), bank })}
          lines={[
            [t("review.financeRequested"), <strong><Money amount={reviewing} /></strong>],
            [t("field.bank"), bank],
            [t("review.financeRepay"), `${formatMoney(note.face)} · ${formatDate(note.maturity)}`],
            [t("notes.effect"), t("notes.financeEffect")],
          ]}
          confirmLabel={t("review.financeButton")}
          busy={action.pending}
          onConfirm={() => send(reviewing)}
          onCancel={() => setReviewing(null)}
        />
      )}
      <ActionStatus state={action.state} testId="note-finance-status" />
    </Card>
  );
}

/** The issuer pays into a root note's tree; the payouts the ledger made are listed afterwards. */
export function PayTreeForm({ root, leaves, onClose, onDone }: { root: Note; leaves: number; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { orgName } = useSession();
  const [value, setValue] = useState(root.outstanding);
  const [problem, setProblem] = useState<string | undefined>();
  const [reviewing, setReviewing] = useState<string | null>(null);
  const [payouts, setPayouts] = useState<NotePayout[] | null>(null);
  const action = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = amountCheck(value) ?? (toMinor(normaliseAmount(value)!) > toMinor(root.outstanding) ? t("validate.overOutstanding", { outstanding: formatMoney(root.outstanding) }) : undefined);
    setProblem(found);
    if (found) return;
    setReviewing(normaliseAmount(value)!);
  };
  const send = async (amount: string) => {
    setReviewing(null);
    const done = await action.run(
      () => call(api.POST("/api/v1/notes/{id}/payments", { params: { path: { id: root.id } }, body: { amount } })),
      (r) => translate("notes.paidDone", { amount: formatMoney(amount), n: r.payouts.length, outstanding: formatMoney(r.note.outstanding) }),
    );
    if (done) {
      setPayouts(done.payouts);
      onDone();
    }
  };

  return (
    <Card title={t("notes.payTitle", { id: root.id })} testId="note-pay-form" actions={<CloseButton onClose={onClose} />}>
      {toMinor(root.outstanding) === 0n && <p className="text-ok" data-testid="note-pay-cleared">{t("notes.treePaid")}</p>}
      {toMinor(root.outstanding) > 0n && <form onSubmit={submit} noValidate className="form-grid">
        <Field id="note-pay-amount" label={t("notes.payAmount")} error={problem} hint={t("notes.payHint", { outstanding: formatMoney(root.outstanding), leaves })}>
          <input {...fieldProps("note-pay-amount", problem)} data-testid="note-pay-amount" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
        </Field>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={action.pending} data-testid="note-pay-submit">{t("notes.pay")}</button>
        </div>
      </form>}
      {reviewing && (
        <Review
          title={t("notes.payReview", { amount: formatMoney(reviewing), id: root.id })}
          lines={[
            [t("notes.payAmount"), <strong><Money amount={reviewing} /></strong>],
            [t("notes.treeOutstanding"), <Money amount={root.outstanding} />],
            [t("notes.liveLeaves"), String(leaves)],
            [t("notes.left"), <Money amount={fromMinor(toMinor(root.outstanding) - toMinor(reviewing))} testId="review-left" />],
            [t("notes.effect"), t("notes.payEffect")],
          ]}
          confirmLabel={t("notes.payButton")}
          busy={action.pending}
          onConfirm={() => send(reviewing)}
          onCancel={() => setReviewing(null)}
        />
      )}
      <ActionStatus state={action.state} testId="note-pay-status" />
      {payouts && (
        <Table testId="note-payouts">
          <caption>{t("notes.payouts")}</caption>
          <thead>
            <tr><th>{t("notes.note")}</th><th>{t("notes.paidTo")}</th><th className="num">{t("col.amount")}</th></tr>
          </thead>
          <tbody>
            {payouts.map((p, i) => (
              <tr key={`${p.noteId}-${p.orgId}-${i}`} data-testid="note-payout" data-note={p.noteId} data-org={p.orgId} data-amount={p.amount}>
                <td>#{p.noteId}</td><td>{orgName(p.orgId)}</td><td className="num"><Money amount={p.amount} /></td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

import { useState, type FormEvent, type ReactNode } from "react";
import { api, call } from "../../api/client";
import { listInvoices } from "../../api/queries";
import type { Invoice } from "../../api/types";
import { useAction, useResource } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { formatDate, formatMoney, fromMinor, toMinor } from "../../lib/format";
import { Table } from "../../components/Table";
import { Review } from "../../components/Review";
import { ActionStatus, Card, Field, fieldProps, Loadable, Money, StatusBadge } from "../../components/ui";
import { FinanceNoteForm, PayTreeForm, SplitForm, TransferForm, type Note } from "./NoteForms";
import { liveLeaves, NoteTree } from "./NoteTree";
import { t as translate, useTranslation } from "../../i18n";

/** Every note the caller may see with these filters (one page of the most the gateway answers). */
const listNotes = (query: { holderOrgId?: string; issuerOrgId?: string }) =>
  call(api.GET("/api/v1/notes", { params: { query: { ...query, limit: 500 } } })).then((p) => p.items);

type Open = { kind: "transfer" | "split" | "finance" | "pay"; note: Note } | null;

/**
 * Payable notes: a supplier's wallet (transfer, split, finance), the buyer's issued notes (issue from an invoice, pay
 * a tree), and for auditors and the operator every tree, read only. The chosen note's tree is drawn below.
 */
export function Notes({ focus }: { focus?: string }) {
  const { me } = useSession();
  const [treeId, setTreeId] = useState<string | undefined>(focus);
  const [open, setOpen] = useState<Open>(null);
  const role = me.user.role;
  const notes = useResource(
    () => listNotes(role === "supplier" ? { holderOrgId: me.org.id } : role === "buyer" ? { issuerOrgId: me.org.id } : {}),
    ["notes", role, me.org.id],
  );
  const tree = useResource(async () => (treeId ? (await call(api.GET("/api/v1/notes/{id}/tree", { params: { path: { id: treeId } } }))).root : null), ["note-tree", treeId]);
  const reload = () => {
    notes.reload();
    tree.reload();
  };
  const show = (note: Note) => setTreeId(note.id);
  const choose = (kind: NonNullable<Open>["kind"], note: Note) => {
    setOpen({ kind, note });
    if (kind === "pay") setTreeId(note.id);
  };
  const close = () => setOpen(null);
  /** The note as the ledger has it now (a form open on it follows it: retired, in financing, paid). */
  const current = (note: Note) => notes.data?.find((n) => n.id === note.id) ?? note;
  const done = () => reload();

  return (
    <>
      {role === "buyer" && <IssueNote onIssued={(note) => { setTreeId(note.id); reload(); }} />}
      {role === "supplier" ? (
        <Wallet notes={notes.data ?? []} loading={notes.loading && !notes.data} error={notes.error} onReload={reload} onTree={show} onOpen={choose} />
      ) : (
        <Roots notes={notes.data ?? []} loading={notes.loading && !notes.data} error={notes.error} onReload={reload} onTree={show} onPay={role === "buyer" ? (n) => choose("pay", n) : undefined} />
      )}
      {open?.kind === "transfer" && <TransferForm key={`t${open.note.id}`} note={current(open.note)} onClose={close} onDone={done} />}
      {open?.kind === "split" && <SplitForm key={`s${open.note.id}`} note={current(open.note)} onClose={close} onDone={done} />}
      {open?.kind === "finance" && <FinanceNoteForm key={`f${open.note.id}`} note={current(open.note)} onClose={close} onDone={done} />}
      {open?.kind === "pay" && <PayTreeForm key={`p${open.note.id}`} root={current(open.note)} leaves={tree.data ? liveLeaves(tree.data).length : 0} onClose={close} onDone={done} />}
      {treeId && (
        <TreeCard id={treeId} onClose={() => setTreeId(undefined)}>
          <Loadable loading={tree.loading && !tree.data} error={tree.error} empty={!tree.data}>
            {tree.data && <NoteTree root={tree.data} />}
          </Loadable>
        </TreeCard>
      )}
    </>
  );
}

function TreeCard({ id, onClose, children }: { id: string; onClose: () => void; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Card title={t("notes.treeTitle", { id })} testId="note-tree-card" actions={<button type="button" className="link-button" onClick={onClose}>{t("action.close")}</button>}>
      {children}
    </Card>
  );
}

function Financing({ note }: { note: Note }) {
  const { t } = useTranslation();
  return <>{note.financingRequestId ? t("notes.financedBy", { id: note.financingRequestId }) : "—"}</>;
}

/** The notes a supplier holds (every piece not retired), with what it may do with each. */
function Wallet({ notes, loading, error, onReload, onTree, onOpen }: {
  notes: Note[];
  loading: boolean;
  error: string | null;
  onReload: () => void;
  onTree: (n: Note) => void;
  onOpen: (kind: "transfer" | "split" | "finance", n: Note) => void;
}) {
  const { t } = useTranslation();
  const held = notes.filter((n) => n.status !== "retired");
  const total = held.filter((n) => n.status !== "paid").reduce((sum, n) => sum + toMinor(n.outstanding), 0n);
  return (
    <Card title={t("notes.walletTitle")} testId="note-wallet" actions={<button type="button" className="secondary" onClick={onReload}>{t("action.refresh")}</button>}>
      <p data-testid="note-wallet-total">{t("notes.walletTotal", { total: formatMoney(fromMinor(total)) })}</p>
      <Loadable loading={loading} error={error} empty={held.length === 0}>
        <Table testId="note-wallet-table">
          <thead>
            <tr><th>{t("notes.note")}</th><th>{t("notes.issuer")}</th><th className="num">{t("col.amount")}</th><th className="num">{t("col.outstanding")}</th><th>{t("notes.maturity")}</th><th>{t("col.status")}</th><th>{t("col.financing")}</th><th>{t("col.actions")}</th></tr>
          </thead>
          <tbody>
            {held.map((note) => (
              <tr key={note.id} data-testid={`note-row-${note.id}`} data-status={note.status} data-face={note.face}>
                <td>#{note.id}<br /><small className="muted">{t("notes.ofTree", { root: note.rootId })}</small></td>
                <td>{note.issuerName}</td>
                <td className="num"><Money amount={note.face} /></td>
                <td className="num"><Money amount={note.outstanding} /></td>
                <td>{formatDate(note.maturity)}</td>
                <td><StatusBadge status={note.status} /></td>
                <td><Financing note={note} /></td>
                <td className="actions">
                  {note.status === "active" && (
                    <>
                      <button type="button" className="primary" onClick={() => onOpen("transfer", note)} data-testid="note-transfer">{t("notes.transfer")}</button>
                      <button type="button" className="secondary" onClick={() => onOpen("split", note)} data-testid="note-split">{t("notes.split")}</button>
                      <button type="button" className="secondary" onClick={() => onOpen("finance", note)} data-testid="note-finance">{t("notes.finance")}</button>
                    </>
                  )}
                  <button type="button" className="link-button" onClick={() => onTree(note)} data-testid="note-show-tree">{t("notes.showTree")}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Loadable>
    </Card>
  );
}

/** The root notes (one per invoice) the caller may see: the buyer's own issues, or every one for an auditor. */
function Roots({ notes, loading, error, onReload, onTree, onPay }: {
  notes: Note[];
  loading: boolean;
  error: string | null;
  onReload: () => void;
  onTree: (n: Note) => void;
  onPay?: (n: Note) => void;
}) {
  const { t } = useTranslation();
  const roots = notes.filter((n) => n.parentId === null);
  return (
    <Card title={t(onPay ? "notes.issuedTitle" : "notes.allTitle")} testId="note-roots" actions={<button type="button" className="secondary" onClick={onReload}>{t("action.refresh")}</button>}>
      <Loadable loading={loading} error={error} empty={roots.length === 0}>
        <Table testId="note-roots-table">
          <thead>
            <tr><th>{t("notes.note")}</th><th>{t("notes.issuer")}</th><th>{t("notes.firstHolder")}</th><th className="num">{t("notes.face")}</th><th className="num">{t("col.outstanding")}</th><th>{t("notes.maturity")}</th><th>{t("col.status")}</th><th>{t("col.actions")}</th></tr>
          </thead>
          <tbody>
            {roots.map((note) => (
              <tr key={note.id} data-testid={`note-row-${note.id}`} data-status={note.status} data-outstanding={note.outstanding}>
                <td>#{note.id}<br /><small className="muted">{t("ref.invoice", { id: note.invoiceId })}</small></td>
                <td>{note.issuerName}</td>
                <td>{note.holderName}</td>
                <td className="num"><Money amount={note.face} /></td>
                <td className="num"><Money amount={note.outstanding} /></td>
                <td>{formatDate(note.maturity)}</td>
                <td><StatusBadge status={note.status} /></td>
                <td className="actions">
                  {onPay && toMinor(note.outstanding) > 0n && (
                    <button type="button" className="primary" onClick={() => onPay(note)} data-testid="note-pay">{t("notes.pay")}</button>
                  )}
                  <button type="button" className="link-button" onClick={() => onTree(note)} data-testid="note-show-tree">{t("notes.showTree")}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Loadable>
    </Card>
  );
}

/** The buyer issues a note from an invoice it confirmed and has neither paid nor seen financed, after a review. */
function IssueNote({ onIssued }: { onIssued: (note: Note) => void }) {
  const { t } = useTranslation();
  const invoices = useResource(() => listInvoices({ status: "confirmed" }), ["note-eligible"]);
  const eligible = (invoices.data ?? []).filter((i) => i.financingRequestId === null && i.noteId === null && toMinor(i.paid) === 0n);
  const [invoiceId, setInvoiceId] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const [reviewing, setReviewing] = useState<Invoice | null>(null);
  const action = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const invoice = eligible.find((i) => i.id === invoiceId);
    setProblem(invoice ? undefined : t("notes.chooseInvoice"));
    if (invoice) setReviewing(invoice);
  };
  const send = async (invoice: Invoice) => {
    setReviewing(null);
    const note = await action.run(
      () => call(api.POST("/api/v1/notes", { body: { invoiceId: invoice.id } })),
      (n) => translate("notes.issued", { id: n.id, amount: formatMoney(n.face), holder: n.holderName }),
    );
    if (note) {
      setInvoiceId("");
      invoices.reload();
      onIssued(note);
    }
  };

  return (
    <Card title={t("notes.issueTitle")} testId="note-issue">
      <form onSubmit={submit} noValidate className="form-grid">
        <Field id="note-invoice" label={t("notes.invoice")} error={problem} hint={t("notes.issueHint")}>
          <select {...fieldProps("note-invoice", problem)} data-testid="note-issue-invoice" value={invoiceId} onChange={(e) => setInvoiceId(e.target.value)}>
            <option value="">{t("notes.chooseInvoiceOption", { n: eligible.length })}</option>
            {eligible.map((i) => (
              <option key={i.id} value={i.id}>{t("notes.invoiceOption", { number: i.invoiceNumber, supplier: i.supplierName, amount: formatMoney(i.amount) })}</option>
            ))}
          </select>
        </Field>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={action.pending} data-testid="note-issue-submit">{t("notes.issue")}</button>
        </div>
      </form>
      {reviewing && (
        <Review
          title={t("notes.issueReview", { number: reviewing.invoiceNumber })}
          lines={[
            [t("notes.face"), <strong><Money amount={reviewing.amount} /></strong>],
            [t("notes.holder"), reviewing.supplierName],
            [t("notes.maturity"), formatDate(reviewing.dueDate)],
            [t("notes.effect"), t("notes.issueEffect")],
          ]}
          confirmLabel={t("notes.issueButton")}
          busy={action.pending}
          onConfirm={() => send(reviewing)}
          onCancel={() => setReviewing(null)}
        />
      )}
      <ActionStatus state={action.state} testId="note-issue-status" />
    </Card>
  );
}

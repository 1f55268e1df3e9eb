import type { Database } from "../../db/sqlite";
import { dec, NOTE_FINANCING_STATUS, num, type Attribution, type Handlers, type LedgerEvents, type NotesEvents, type Reveal } from "./context";
import type { SharedRows } from "./rows";

/**
 * A note financing is listed with the invoice financings (one `/financing-requests` for both): its API id is this
 * base plus the notes contract's own financing id, so the two id spaces never meet (the ledger's request ids are
 * uint32 counters that would need a billion requests to reach it).
 */
export const NOTE_FINANCING_ID_BASE = 1_000_000_000;
export const noteFinancingApiId = (financingId: bigint | number): number => NOTE_FINANCING_ID_BASE + Number(financingId);

interface NoteInsert {
  id: number;
  root_id: number;
  parent_id: number | null;
  depth: number;
  invoice_id: number;
  issuer_org_id: number;
  holder_org_id: number;
  creator_org_id: number | null;
  face: string;
  maturity: number;
  trade_reference: string | null;
  trade_commitment: string | null;
  document_hash: string | null;
  at: number;
  tx_hash: string;
}

interface NoteRow {
  id: number;
  root_id: number;
  parent_id: number | null;
  depth: number;
  invoice_id: number;
  issuer_org_id: number;
  holder_org_id: number;
  maturity: number;
  financing_request_id: number | null;
}

/**
 * The payable-notes projection (issue #11): the tree of each note (parent, children, depth and the closure of
 * ancestors that visibility joins on), live leaves and their holders, each tree's payments and clearing payouts, and
 * the note financings as financing requests. A trade reference is a salted commitment on chain; the plain text is
 * shown where this gateway made the commitment.
 *
 * A transfer or split emits NoteCreated for each child before NoteTransferred / NoteSplit: the children are inserted
 * from NoteCreated (holder, face, parent) and the parent's event then retires the parent and, for a transfer, fills
 * in the children's trade reference.
 */
export function noteHandlers(db: Database, rows: SharedRows, reveal: Reveal): Handlers<NotesEvents> {
  const p = <T extends object>(sql: string) => db.prepare<[T]>(sql);
  const st = {
    insert: p<NoteInsert>(`INSERT INTO notes (id, root_id, parent_id, depth, invoice_id, issuer_org_id, holder_org_id, creator_org_id,
      face, paid, maturity, state, trade_reference, trade_commitment, document_hash, created_at, updated_at, tx_hash)
      VALUES (@id, @root_id, @parent_id, @depth, @invoice_id, @issuer_org_id, @holder_org_id, @creator_org_id, @face, '0', @maturity,
      'active', @trade_reference, @trade_commitment, @document_hash, @at, @at, @tx_hash) ON CONFLICT (id) DO NOTHING`),
    paths: p<{ id: number; parent_id: number }>(`INSERT OR IGNORE INTO note_paths (ancestor_id, note_id)
      SELECT ancestor_id, @id FROM note_paths WHERE note_id = @parent_id UNION ALL SELECT @id, @id`),
    selfPath: p<{ id: number }>("INSERT OR IGNORE INTO note_paths (ancestor_id, note_id) VALUES (@id, @id)"),
    tree: p<{ root_id: number; issuer_org_id: number; maturity: number; at: number }>(`INSERT INTO note_trees (root_id, issuer_org_id,
      maturity, paid, cleared, updated_at) VALUES (@root_id, @issuer_org_id, @maturity, '0', '0', @at) ON CONFLICT (root_id) DO NOTHING`),
    note: db.prepare(`SELECT id, root_id, parent_id, depth, invoice_id, issuer_org_id, holder_org_id, maturity, financing_request_id
      FROM notes WHERE id = ?`),
    retire: p<{ id: number; at: number }>("UPDATE notes SET state = 'retired', updated_at = @at WHERE id = @id"),
    trade: p<{ id: number; trade_reference: string; trade_commitment: string; document_hash: string | null; at: number }>(`UPDATE notes
      SET trade_reference = @trade_reference, trade_commitment = @trade_commitment, document_hash = @document_hash, updated_at = @at WHERE id = @id`),
    treePaid: p<{ root_id: number; paid: string; at: number }>("UPDATE note_trees SET paid = @paid, updated_at = @at WHERE root_id = @root_id"),
    cleared: db.prepare("SELECT cleared FROM note_trees WHERE root_id = ?").pluck(),
    treeCleared: p<{ root_id: number; cleared: string; at: number }>("UPDATE note_trees SET cleared = @cleared, updated_at = @at WHERE root_id = @root_id"),
    treeOverdue: p<{ root_id: number; at: number }>("UPDATE note_trees SET overdue_at = @at, updated_at = @at WHERE root_id = @root_id"),
    notePaid: p<{ id: number; paid: string; state: string; at: number }>("UPDATE notes SET paid = @paid, state = @state, updated_at = @at WHERE id = @id"),
    payout: p<{ seq: number; note_id: number; root_id: number; holder_org_id: number; financing_request_id: number | null; bank_org_id: number | null;
      to_bank: string; to_holder: string; note_paid: string; at: number; tx_hash: string }>(`INSERT OR IGNORE INTO note_payouts (seq, note_id, root_id,
      holder_org_id, financing_request_id, bank_org_id, to_bank, to_holder, note_paid, at, tx_hash) VALUES (@seq, @note_id, @root_id,
      @holder_org_id, @financing_request_id, @bank_org_id, @to_bank, @to_holder, @note_paid, @at, @tx_hash)`),
    requestInsert: p<{ id: number; note_id: number; invoice_id: number; bank_org_id: number; supplier_org_id: number; buyer_org_id: number;
      amount: string; fast_track: 0 | 1; approvals_required: number; discount_rate_bps: number; at: number; tx_hash: string }>(`INSERT INTO financing_requests (id, note_id,
      invoice_id, bank_org_id, supplier_org_id, buyer_org_id, amount, fast_track, approvals, approvals_required, discount_rate_bps, status,
      requested_at, repaid, recourse_repaid, updated_at, tx_hash) VALUES (@id, @note_id, @invoice_id, @bank_org_id, @supplier_org_id,
      @buyer_org_id, @amount, @fast_track, 0, @approvals_required, @discount_rate_bps, 'requested', @at, '0', '0', @at, @tx_hash)
      ON CONFLICT (id) DO NOTHING`),
    noteFinancing: p<{ id: number; request_id: number; at: number }>("UPDATE notes SET financing_request_id = @request_id, updated_at = @at WHERE id = @id"),
    approval: p<{ request_id: number; seq: number; officer: string; approvals: number; required: number; at: number }>(
      `INSERT OR IGNORE INTO financing_approvals (request_id, seq, officer, approvals, required, at)
       VALUES (@request_id, @seq, @officer, @approvals, @required, @at)`,
    ),
    approved: p<{ id: number; approvals: number; status: string; decided_at: number | null; at: number }>(
      "UPDATE financing_requests SET approvals = @approvals, status = @status, decided_at = @decided_at, updated_at = @at WHERE id = @id",
    ),
    rejected: p<{ id: number; reason_code: number; reason_hash: string; reason: string | null; officer: string; at: number }>(`UPDATE
      financing_requests SET status = 'rejected', decided_at = @at, reject_reason_code = @reason_code, reject_reason_hash = @reason_hash,
      reject_reason = @reason, rejected_by = @officer, updated_at = @at WHERE id = @id`),
    disbursed: p<{ id: number; discount: string; net_amount: string; days_to_due: number; at: number }>(`UPDATE financing_requests
      SET status = 'disbursed', disbursed_at = @at, discount = @discount, net_amount = @net_amount, days_to_due = @days_to_due,
      updated_at = @at WHERE id = @id`),
    repaid: p<{ id: number; repaid: string; status: string; closed_at: number | null; at: number }>(
      "UPDATE financing_requests SET repaid = @repaid, status = @status, closed_at = @closed_at, repaid_on_time = 1, updated_at = @at WHERE id = @id",
    ),
    repayment: p<{ seq: number; request_id: number; amount: string; total_repaid: string; status: string; actor: string; at: number }>(
      `INSERT OR IGNORE INTO financing_repayments (seq, request_id, amount, total_repaid, by_recourse, on_time, status, actor, at)
       VALUES (@seq, @request_id, @amount, @total_repaid, 0, 1, @status, @actor, @at)`,
    ),
    defaulted: p<{ id: number; at: number }>("UPDATE financing_requests SET status = 'defaulted', updated_at = @at WHERE id = @id"),
    treeOrgs: db.prepare(`SELECT DISTINCT holder_org_id FROM notes WHERE root_id = ?
      UNION SELECT DISTINCT bank_org_id FROM financing_requests WHERE note_id IN (SELECT id FROM notes WHERE root_id = ?)`).pluck(),
  };

  const noteOf = (id: number) => st.note.get(id) as NoteRow | undefined;
  /** A note's event is seen by its issuer and holder, and the bank of its financing (if any). */
  const attribution = (id: number, actor: string | null, extra: number[] = []): Attribution => {
    const n = noteOf(id);
    const bank = n?.financing_request_id ? rows.request(n.financing_request_id)?.bank_org_id : undefined;
    return { entityType: "note", entityId: String(id), orgIds: n ? [n.issuer_org_id, n.holder_org_id, ...(bank ? [bank] : []), ...extra] : extra, actor };
  };
  const financing = (id: number, actor: string | null) => rows.financingAttribution(id, actor);
  const requestOf = (financingId: bigint) => noteFinancingApiId(financingId);

  return {
    NoteIssued(a, { ts, log }) {
      const id = num(a.noteId);
      const issuer = num(a.issuerOrgId);
      st.insert.run({
        id,
        root_id: id,
        parent_id: null,
        depth: 0,
        invoice_id: num(a.invoiceId),
        issuer_org_id: issuer,
        holder_org_id: num(a.holderOrgId),
        creator_org_id: null,
        face: dec(a.face),
        maturity: num(a.maturity),
        trade_reference: null,
        trade_commitment: null,
        document_hash: null,
        at: ts,
        tx_hash: log.txHash,
      });
      st.selfPath.run({ id });
      st.tree.run({ root_id: id, issuer_org_id: issuer, maturity: num(a.maturity), at: ts });
      return attribution(id, a.actor);
    },
    NoteCreated(a, { ts, log }) {
      const id = num(a.noteId);
      const parent = noteOf(num(a.parentId));
      if (!parent) return null;
      st.insert.run({
        id,
        root_id: parent.root_id,
        parent_id: parent.id,
        depth: parent.depth + 1,
        invoice_id: parent.invoice_id,
        issuer_org_id: parent.issuer_org_id,
        holder_org_id: num(a.holderOrgId),
        creator_org_id: parent.holder_org_id,
        face: dec(a.face),
        maturity: parent.maturity,
        trade_reference: null,
        trade_commitment: null,
        document_hash: null,
        at: ts,
        tx_hash: log.txHash,
      });
      st.paths.run({ id, parent_id: parent.id });
      return attribution(id, null, [parent.holder_org_id]);
    },
    NoteTransferred(a, { ts }) {
      const id = num(a.noteId);
      st.retire.run({ id, at: ts });
      const reference = reveal(a.tradeReference) ?? a.tradeReference;
      const documentHash = /^0x0+$/.test(a.documentHash) ? null : a.documentHash;
      st.trade.run({ id: num(a.transferredId), trade_reference: reference, trade_commitment: a.tradeReference, document_hash: documentHash, at: ts });
      return attribution(id, a.actor, [num(a.toOrgId)]);
    },
    NoteSplit(a, { ts }) {
      const id = num(a.noteId);
      st.retire.run({ id, at: ts });
      return attribution(id, a.actor);
    },
    NoteTreePaymentReceived(a, { ts }) {
      const root = num(a.rootId);
      st.treePaid.run({ root_id: root, paid: dec(a.totalPaid), at: ts });
      // A payment is the issuer's to every holder and bank of the tree: they all see it.
      return attribution(root, a.actor, st.treeOrgs.all(root, root) as number[]);
    },
    NotePaidOut(a, { ts, seq, log }) {
      const id = num(a.noteId);
      const n = noteOf(id);
      const requestId = a.financingId === 0n ? null : requestOf(a.financingId);
      const bank = requestId ? (rows.request(requestId)?.bank_org_id ?? null) : null;
      st.notePaid.run({ id, paid: dec(a.notePaid), state: a.fullyPaid ? "paid" : "active", at: ts });
      // Amounts are uint88: added as bigints, never as SQLite integers (which stop at 2^63).
      const before = BigInt((st.cleared.get(num(a.rootId)) as string | undefined) ?? "0");
      st.treeCleared.run({ root_id: num(a.rootId), cleared: (before + a.toBank + a.toHolder).toString(), at: ts });
      st.payout.run({
        seq,
        note_id: id,
        root_id: num(a.rootId),
        holder_org_id: num(a.holderOrgId),
        financing_request_id: requestId,
        bank_org_id: bank,
        to_bank: dec(a.toBank),
        to_holder: dec(a.toHolder),
        note_paid: dec(a.notePaid),
        at: ts,
        tx_hash: log.txHash,
      });
      return n ? attribution(id, null) : null;
    },
    NoteTreeMarkedOverdue(a, { ts }) {
      const root = num(a.rootId);
      st.treeOverdue.run({ root_id: root, at: ts });
      return attribution(root, a.actor, st.treeOrgs.all(root, root) as number[]);
    },
    NoteFinancingRequested(a, { ts, log }) {
      const id = requestOf(a.financingId);
      const noteId = num(a.noteId);
      const n = noteOf(noteId);
      st.requestInsert.run({
        id,
        note_id: noteId,
        invoice_id: n?.invoice_id ?? 0,
        bank_org_id: num(a.bankOrgId),
        supplier_org_id: num(a.holderOrgId),
        buyer_org_id: n?.issuer_org_id ?? 0,
        amount: dec(a.amount),
        fast_track: a.fastTrack ? 1 : 0,
        approvals_required: a.fastTrack ? 1 : 2,
        discount_rate_bps: num(a.discountRateBps),
        at: ts,
        tx_hash: log.txHash,
      });
      st.noteFinancing.run({ id: noteId, request_id: id, at: ts });
      return financing(id, a.actor);
    },
    NoteFinancingApproved(a, { ts, seq }) {
      const id = requestOf(a.financingId);
      const approvals = num(a.approvals);
      const required = num(a.required);
      st.approval.run({ request_id: id, seq, officer: a.officer, approvals, required, at: ts });
      const done = approvals >= required;
      st.approved.run({ id, approvals, status: done ? "approved" : "requested", decided_at: done ? ts : null, at: ts });
      return financing(id, a.officer);
    },
    NoteFinancingRejected(a, { ts }) {
      const id = requestOf(a.financingId);
      st.rejected.run({ id, reason_code: num(a.reasonCode), reason_hash: a.reasonCommitment, reason: reveal(a.reasonCommitment) ?? null, officer: a.officer, at: ts });
      return financing(id, a.officer);
    },
    NoteFinancingDisbursed(a, { ts }) {
      const id = requestOf(a.financingId);
      st.disbursed.run({ id, discount: dec(a.discount), net_amount: dec(a.netAmount), days_to_due: num(a.daysToMaturity), at: ts });
      const r = rows.request(id);
      // The utilised amount arrives with the ledger's NoteCreditChanged; the count of financings is this event's.
      if (r) rows.updateCredit(r.bank_org_id, r.supplier_org_id, ts, (c) => (c.financed += 1));
      return financing(id, a.actor);
    },
    NoteFinancingRepaid(a, { ts, seq, log }) {
      const id = requestOf(a.financingId);
      const status = NOTE_FINANCING_STATUS[num(a.status)] ?? "disbursed";
      const closed = status === "repaid";
      st.repaid.run({ id, repaid: dec(a.totalRepaid), status, closed_at: closed ? ts : null, at: ts });
      const r = rows.request(id);
      if (closed && r) rows.updateCredit(r.bank_org_id, r.supplier_org_id, ts, (c) => (c.repaid_on_time += 1));
      st.repayment.run({ seq, request_id: id, amount: dec(a.amount), total_repaid: dec(a.totalRepaid), status, actor: log.address, at: ts });
      return financing(id, null);
    },
    NoteFinancingDefaulted(a, { ts }) {
      const id = requestOf(a.financingId);
      st.defaulted.run({ id, at: ts });
      const r = rows.request(id);
      if (r) rows.updateCredit(r.bank_org_id, r.supplier_org_id, ts, (c) => (c.defaulted += 1));
      return financing(id, a.actor);
    },
  };
}

/** The ledger's side of notes: an invoice settled through a note, and the holder's credit the notes moved. */
export function noteLedgerHandlers(db: Database, rows: SharedRows): Handlers<LedgerEvents> {
  const noted = db.prepare<[{ id: number; note_id: number; at: number }]>(
    "UPDATE invoices SET status = 'noted', note_id = @note_id, updated_at = @at WHERE id = @id",
  );
  return {
    InvoiceSettledThroughNote(a, { ts }) {
      const id = num(a.invoiceId);
      noted.run({ id, note_id: num(a.noteId), at: ts });
      return { entityType: "invoice", entityId: String(id), orgIds: rows.invoiceParties(id), actor: null };
    },
    NoteCreditChanged(a, { ts }) {
      rows.updateCredit(num(a.bankOrgId), num(a.supplierOrgId), ts, (c) => (c.utilised = dec(a.utilised)));
      return { entityType: "policy", entityId: String(num(a.bankOrgId)), orgIds: [num(a.bankOrgId), num(a.supplierOrgId)], actor: null };
    },
    NotesBound(a) {
      return { entityType: "organization", entityId: "0", orgIds: [], actor: a.actor };
    },
  };
}

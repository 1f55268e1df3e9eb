import type { Services } from "../services";
import { formatMinor } from "../shared/money";
import { prepared } from "../db/stmt";
import { getMeta, setMeta, withoutFsync } from "../store/gateway-db";
import type { NewNotification } from "../notify/inbox";

interface EventRow {
  seq: number;
  event_type: string;
  entity_id: string;
  args: string;
}

const CURSOR = "noticesSeq";

/** The people of an organisation holding one of the roles (all active people when roles is empty). */
function peopleOf(s: Services, orgId: string | number, roles: string[]): string[] {
  return s.desk.repo
    .people(String(orgId))
    .filter((p) => p.active === 1 && (roles.length === 0 || roles.includes(p.role)))
    .map((p) => p.id);
}

/**
 * Turns newly indexed events into inbox notifications for the people who must act or want to know: an invoice to
 * confirm (the buyer's people), a financing request in the bank's queue (its officers, while it waits for a
 * decision), a payout received (the supplier's people, from a disbursement or a payment). Reads the index's audit
 * rows after a cursor kept in gateway.db; each notification carries a dedupe key of the event, so a crash between
 * the notification and the cursor never notifies twice.
 */
export function noticesFromEvents(s: Services, max = 1000): number {
  // One commit for the whole range, without an fsync: the notifications are derived from the index and deduplicated
  // by event, so a power loss that drops them only has them made again from the same events.
  return withoutFsync(s.gdb, () => s.gdb.transaction(() => noticesOfRange(s, max))());
}

function noticesOfRange(s: Services, max: number): number {
  const from = Number(getMeta(s.gdb, CURSOR) ?? "-1");
  const rows = prepared(
    s.idb,
    "SELECT seq, event_type, entity_id, args FROM events WHERE seq > ? AND event_type IN ('InvoiceIssued', 'FinancingRequested', 'FinancingApproved', 'FinancingDisbursed', 'InvoicePaymentMade') ORDER BY seq LIMIT ?",
  ).all(from, max) as EventRow[];
  let sent = 0;
  for (const e of rows) {
    const args = JSON.parse(e.args) as Record<string, string>;
    const n = notice(s, e, args);
    if (n) sent += s.desk.inbox.notify(n.to, { ...n.note, dedupeKey: `event:${e.seq}:${n.note.kind}` }).length;
  }
  const last = rows.length ? rows[rows.length - 1].seq : undefined;
  // Without new rows the cursor moves to the newest audit row, so a long quiet stretch is not scanned again.
  const head = last ?? (prepared(s.idb, "SELECT MAX(seq) AS m FROM events").get() as { m: number | null }).m;
  if (head !== null && head !== undefined && head > from) setMeta(s.gdb, CURSOR, String(head));
  return sent;
}

function notice(
  s: Services,
  e: EventRow,
  args: Record<string, string>,
): { to: string[]; note: NewNotification } | null {
  switch (e.event_type) {
    case "InvoiceIssued": {
      const inv = prepared(
        s.idb,
        "SELECT id, buyer_org_id, invoice_number, amount, status FROM invoices WHERE id = ?",
      ).get(e.entity_id) as { id: number; buyer_org_id: number; amount: string; status: string } | undefined;
      if (!inv) return null;
      return {
        to: peopleOf(s, inv.buyer_org_id, ["buyer"]),
        note: {
          kind: "invoice_to_confirm",
          title: `Invoice ${inv.id} waits for your confirmation`,
          body: `Amount ${formatMinor(inv.amount)}.`,
          subjectType: "invoice",
          subjectId: String(inv.id),
        },
      };
    }
    case "FinancingRequested":
    case "FinancingApproved": {
      const fr = prepared(
        s.idb,
        "SELECT id, bank_org_id, amount, status, approvals, approvals_required, fast_track FROM financing_requests WHERE id = ?",
      ).get(e.entity_id) as
        | {
            id: number;
            bank_org_id: number;
            amount: string;
            status: string;
            approvals: number;
            approvals_required: number;
            fast_track: number;
          }
        | undefined;
      // Only a request still waiting for an officer is in the queue (a fast-track one is decided by the ledger).
      if (!fr || fr.status !== "requested") return null;
      return {
        to: peopleOf(s, fr.bank_org_id, ["officer"]),
        note: {
          kind: "request_in_queue",
          title: `Financing request ${fr.id} is in your queue (${fr.approvals} of ${fr.approvals_required} approvals)`,
          body: `Amount ${formatMinor(fr.amount)}.`,
          subjectType: "financing",
          subjectId: String(fr.id),
        },
      };
    }
    case "FinancingDisbursed": {
      const fr = prepared(s.idb, "SELECT id, supplier_org_id FROM financing_requests WHERE id = ?").get(e.entity_id) as
        { id: number; supplier_org_id: number } | undefined;
      if (!fr) return null;
      return {
        to: peopleOf(s, fr.supplier_org_id, ["supplier"]),
        note: {
          kind: "payout_received",
          title: `Financing ${fr.id} paid out ${formatMinor(args.netAmount ?? "0")}`,
          body: `Advance on invoice ${args.invoiceId}.`,
          subjectType: "financing",
          subjectId: String(fr.id),
        },
      };
    }
    case "InvoicePaymentMade": {
      if (BigInt(args.toSupplier ?? "0") === 0n) return null;
      const inv = prepared(s.idb, "SELECT id, supplier_org_id FROM invoices WHERE id = ?").get(e.entity_id) as
        { id: number; supplier_org_id: number } | undefined;
      if (!inv) return null;
      return {
        to: peopleOf(s, inv.supplier_org_id, ["supplier"]),
        note: {
          kind: "payout_received",
          title: `Invoice ${inv.id}: ${formatMinor(args.toSupplier)} received`,
          body: `The buyer paid ${formatMinor(args.amount)}.`,
          subjectType: "invoice",
          subjectId: String(inv.id),
        },
      };
    }
  }
  return null;
}

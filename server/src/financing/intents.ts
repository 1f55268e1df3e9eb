import type { Services } from "../services";
import type { DomainEventBus } from "../shared/domain-events";
import { AppError } from "../shared/errors";
import { formatMinor } from "../shared/money";

/**
 * One-stop financing: the supplier files the invoice and its financing request in one call, but the ledger only
 * finances invoices the buyer has confirmed. The request is therefore kept as an intent and submitted, signed by the
 * supplier's own key, the moment the buyer's confirmation is on the ledger: the indexer's `invoiceConfirmed` domain
 * event is what submits it, however the confirmation was sent (the API, /relay, another client of the chain).
 */
export interface FinancingIntent {
  invoiceId: string;
  bankOrgId: string;
  amount: string;
  status: "awaiting_confirmation" | "submitted" | "failed";
  financingRequestId: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  invoice_id: string;
  user_id: string;
  bank_org_id: string;
  amount: string;
  status: FinancingIntent["status"];
  request_id: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

const view = (r: Row): FinancingIntent => ({
  invoiceId: r.invoice_id,
  bankOrgId: r.bank_org_id,
  amount: formatMinor(BigInt(r.amount)),
  status: r.status,
  financingRequestId: r.request_id,
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function recordIntent(s: Services, user: { id: string }, invoiceId: string, bankOrgId: string, amount: bigint): FinancingIntent {
  const now = new Date().toISOString();
  s.gdb
    .prepare(
      `INSERT INTO financing_intents (invoice_id, user_id, bank_org_id, amount, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'awaiting_confirmation', ?, ?) ON CONFLICT(invoice_id) DO NOTHING`,
    )
    .run(invoiceId, user.id, bankOrgId, amount.toString(), now, now);
  return intentOf(s, invoiceId)!;
}

export function intentOf(s: Services, invoiceId: string): FinancingIntent | undefined {
  const r = s.gdb.prepare("SELECT * FROM financing_intents WHERE invoice_id = ?").get(invoiceId) as Row | undefined;
  return r ? view(r) : undefined;
}

/**
 * Subscribes the one-stop submission to `invoiceConfirmed`, then catches up once on the waiting intents whose
 * confirmation an earlier process indexed but did not get out (it stopped, or the chain was unreachable); the
 * returned promise settles when that catch-up has run. An indexed range's reactions finish before `waitFor` of a block
 * in it resolves, so the confirming request answers with the financing request already filed.
 */
export function submitIntentsOnConfirmation(s: Services, events: DomainEventBus): Promise<void> {
  events.on("invoiceConfirmed", (e) => submitConfirmedIntents(s, e.invoiceId));
  return submitConfirmedIntents(s);
}

/** Submits the waiting intents whose invoices are now confirmed (all of them, or one invoice's). */
async function submitConfirmedIntents(s: Services, invoiceId?: string): Promise<void> {
  const rows = s.gdb
    .prepare("SELECT * FROM financing_intents WHERE status = 'awaiting_confirmation' AND (? IS NULL OR invoice_id = ?)")
    .all(invoiceId ?? null, invoiceId ?? null) as Row[];
  for (const r of rows) {
    const invoice = s.read.getInvoice(r.invoice_id, { orgId: null, role: "operator" });
    if (!invoice || invoice.status !== "confirmed") {
      if (invoice && ["cancelled", "paid", "overdue"].includes(invoice.status)) markIntent(s, r.invoice_id, "failed", null, `the invoice is ${invoice.status}`);
      continue;
    }
    const user = s.gdb.prepare("SELECT id, org_id AS orgId, address FROM users WHERE id = ?").get(r.user_id) as
      | { id: string; orgId: string; address: string }
      | undefined;
    if (!user) {
      markIntent(s, r.invoice_id, "failed", null, "the requesting user no longer exists");
      continue;
    }
    try {
      const receipt = await s.ledger.act({ address: user.address, orgId: user.orgId }, "ledger", "requestFinancing", [r.invoice_id, r.bank_org_id, BigInt(r.amount)], {
        userId: user.id,
        key: `one-stop:${r.invoice_id}`,
        step: 0,
      });
      await s.indexer.waitFor(receipt.blockNumber);
      const requestId = String(s.ledger.parseLogs(receipt).find((l) => l.name === "FinancingRequested")!.args.requestId);
      markIntent(s, r.invoice_id, "submitted", requestId, null);
    } catch (err) {
      if (err instanceof AppError && err.kind !== "unavailable" && err.kind !== "internal") markIntent(s, r.invoice_id, "failed", null, `${err.code}: ${err.message}`);
      else s.logger.warn({ err, invoiceId: r.invoice_id }, "one-stop financing request not submitted yet; will retry");
    }
  }
}

function markIntent(s: Services, invoiceId: string, status: Row["status"], requestId: string | null, error: string | null) {
  s.gdb
    .prepare("UPDATE financing_intents SET status = ?, request_id = ?, error = ?, updated_at = ? WHERE invoice_id = ?")
    .run(status, requestId, error, new Date().toISOString(), invoiceId);
}

import type { Logger } from "pino";
import type { Services } from "../services";
import { tickCases } from "../desk/service";
import { formatMinor, toMinor } from "../shared/money";
import { getMeta, setMeta } from "../store/gateway-db";
import { noticesFromEvents } from "./notices";

const DAY = 86_400;

export interface KeeperReport {
  overdueMarked: string[];
  overdueFailed: Array<{ invoiceId: string; error: string }>;
  /** Roots of payable-note trees marked overdue this round (maturity plus the grace period passed, not paid). */
  notesOverdueMarked: string[];
  reminders: number;
  caseActions: Array<{ caseId: string; action: string }>;
  notices: number;
}

/**
 * The gateway's own chores, without anyone clicking: it marks invoices overdue once their due date plus the ledger's
 * grace period has passed unpaid, sends due-date reminders 7 days and 1 day ahead, runs the service desk's case
 * clocks (escalation at 24 hours, breach at 48) and turns new ledger events into inbox notifications.
 *
 * markOverdue may be called by anyone (IInvoiceBook: "the facts it relies on are on-chain"), so the keeper signs it
 * with an account of its own that holds no role at all (meta "keeper", purpose 'keeper' in the key vault), relayed
 * through the forwarder like every other write. It does not use the operator's key, which it does not need.
 */
export class Keeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<KeeperReport> | null = null;
  private stopped = true;
  readonly address: string;

  constructor(
    private readonly s: Services,
    private readonly intervalMs: number,
    private readonly logger?: Logger,
  ) {
    let address = getMeta(s.gdb, "keeper");
    if (!address) {
      address = s.vault.create("keeper", null).address;
      setMeta(s.gdb, "keeper", address);
    }
    this.address = address;
    // A data directory upgraded with history starts notifying from now, not for every past event.
    if (getMeta(s.gdb, "noticesSeq") === undefined) {
      const head = (s.idb.prepare("SELECT MAX(seq) AS m FROM events").get() as { m: number | null }).m;
      setMeta(s.gdb, "noticesSeq", String(head ?? -1));
    }
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.runOnce()
        .catch((err) => this.logger?.warn({ err }, "keeper round failed"))
        .finally(() => this.schedule(this.intervalMs));
    }, ms);
    this.timer.unref?.();
  }

  private noticesDue = false;

  /**
   * Turns newly indexed events into notifications (called after each indexed range commits). The work runs once the
   * current I/O callbacks are done (setImmediate), before the gateway reads the next request: the writer waiting for
   * the range is answered without waiting for it, and the ranges committed meanwhile share one pass and one commit.
   */
  wakeNotices(): void {
    if (this.noticesDue) return;
    this.noticesDue = true;
    setImmediate(() => {
      this.noticesDue = false;
      // The gateway may have closed its databases meanwhile (a stop): the events are turned into notices at the next start.
      if (!this.s.gdb.open || !this.s.idb.open) return;
      try {
        noticesFromEvents(this.s);
      } catch (err) {
        this.logger?.warn({ err }, "notifications from events failed");
      }
    });
  }

  /** One round of every chore; concurrent calls share the round in progress. */
  runOnce(): Promise<KeeperReport> {
    this.running ??= this.round().finally(() => (this.running = null));
    return this.running;
  }

  private async round(): Promise<KeeperReport> {
    const caseActions = tickCases(this.s);
    const notices = noticesFromEvents(this.s);
    const reminders = this.reminders();
    const up = this.s.chain.current().state === "up";
    const { marked, failed } = up ? await this.markOverdue() : { marked: [], failed: [] };
    const notesMarked = up ? await this.markNotesOverdue() : [];
    return { overdueMarked: marked, overdueFailed: failed, notesOverdueMarked: notesMarked, reminders, caseActions, notices };
  }

  /** Due-date reminders to the buyer's and the supplier's people, once each at 7 days and at 1 day before. */
  private reminders(): number {
    const now = Math.floor(this.s.desk.clock.now() / 1000);
    const rows = this.s.idb
      .prepare("SELECT id, buyer_org_id, supplier_org_id, amount, paid, due_date FROM invoices WHERE status = 'confirmed' AND due_date > ? AND due_date <= ?")
      .all(now, now + 7 * DAY) as Array<{ id: number; buyer_org_id: number; supplier_org_id: number; amount: string; paid: string; due_date: number }>;
    let sent = 0;
    for (const inv of rows) {
      const oneDay = inv.due_date - now <= DAY;
      const people = [inv.buyer_org_id, inv.supplier_org_id].flatMap((o) =>
        this.s.desk.repo.people(String(o)).filter((p) => p.active === 1 && ["buyer", "supplier"].includes(p.role)).map((p) => p.id),
      );
      const due = new Date(inv.due_date * 1000).toISOString().slice(0, 10);
      sent += this.s.desk.inbox.notify(people, {
        kind: oneDay ? "due_in_1_day" : "due_in_7_days",
        title: `Invoice ${inv.id} is due ${oneDay ? "tomorrow" : "within 7 days"} (${due})`,
        body: `Outstanding ${formatMinor(BigInt(inv.amount) - BigInt(inv.paid))}.`,
        subjectType: "invoice",
        subjectId: String(inv.id),
        dedupeKey: `${oneDay ? "due1" : "due7"}:invoice:${inv.id}`,
      }).length;
    }
    return sent;
  }

  /**
   * Marks overdue every payable-note tree whose maturity plus the ledger's grace period is behind the chain's clock
   * and that is not paid in full (`markTreeOverdue` may be called by anyone; the keeper's role-less account signs it).
   */
  private async markNotesOverdue(): Promise<string[]> {
    if (!this.s.ledger.addresses.notes) return [];
    const grace = Number(await this.s.ledger.read("ledger", "gracePeriod", []));
    const block = await this.s.provider.getBlock("latest");
    if (!block) return [];
    const trees = this.s.idb
      .prepare(
        `SELECT t.root_id AS id, n.face AS face, t.paid AS paid FROM note_trees t JOIN notes n ON n.id = t.root_id
         WHERE t.overdue_at IS NULL AND t.maturity + ? < ? ORDER BY t.root_id LIMIT 50`,
      )
      .all(grace, block.timestamp) as { id: number; face: string; paid: string }[];
    const marked: string[] = [];
    for (const t of trees.filter((x) => toMinor(x.face) > toMinor(x.paid))) {
      try {
        const receipt = await this.s.ledger.act({ address: this.address }, "notes", "markTreeOverdue", [t.id]);
        await this.s.indexer.waitFor(receipt.blockNumber);
        marked.push(String(t.id));
      } catch (err) {
        // Paid meanwhile, or already marked: the next round no longer sees it.
        this.logger?.info({ err, rootId: t.id }, "keeper could not mark a note tree overdue");
      }
    }
    if (marked.length) this.logger?.info({ trees: marked }, "keeper marked payable-note trees overdue");
    return marked;
  }

  /** Marks overdue every confirmed invoice whose due date plus the grace period is behind the chain's clock. */
  private async markOverdue(): Promise<{ marked: string[]; failed: Array<{ invoiceId: string; error: string }> }> {
    // Read each round: the operator may change the grace period (GracePeriodSet).
    const grace = Number(await this.s.ledger.read("ledger", "gracePeriod", []));
    const block = await this.s.provider.getBlock("latest");
    if (!block) return { marked: [], failed: [] };
    const ids = this.s.idb
      .prepare("SELECT id FROM invoices WHERE status = 'confirmed' AND due_date + ? < ? ORDER BY id LIMIT 50")
      .pluck()
      .all(grace, block.timestamp) as number[];
    const marked: string[] = [];
    const failed: Array<{ invoiceId: string; error: string }> = [];
    for (const id of ids) {
      try {
        const receipt = await this.s.ledger.act({ address: this.address }, "ledger", "markOverdue", [id]);
        await this.s.indexer.waitFor(receipt.blockNumber);
        marked.push(String(id));
      } catch (err) {
        // Paid or disputed meanwhile: the next round no longer sees it as confirmed.
        failed.push({ invoiceId: String(id), error: (err as Error).message });
        this.logger?.info({ err, invoiceId: id }, "keeper could not mark an invoice overdue");
      }
    }
    if (marked.length) this.logger?.info({ invoices: marked }, "keeper marked invoices overdue");
    return { marked, failed };
  }
}

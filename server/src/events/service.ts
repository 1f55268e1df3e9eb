import type { Database } from "../db/sqlite";
import { encodeCursor, seqOf as seqAt } from "../db/page";
import { listEvents, type AuditEvent } from "../audit/repo";
import type { Indexer } from "../indexer/indexer";
import { SYSTEM_SCOPE, type Scope } from "../shared/scope";

/**
 * The live feed behind GET /events/stream. After each indexer commit it reads, for every open stream, the audit
 * events past that stream's position that its caller may see (the same scoped query as /audit/events, so a stream
 * never shows another organisation's change), and hands them to the stream in chain order.
 */

/** What one change tells the console: which record changed and how; the console re-reads the record itself. */
export interface ChangeNotice {
  /** The event's position in chain order (block × 1,000,000 + log index); the SSE id, resumable. */
  seq: number;
  id: string;
  eventType: string;
  entityType: AuditEvent["entityType"];
  entityId: string;
  orgIds: string[];
  blockNumber: number;
  txHash: string;
  timestamp: string;
}

interface Subscriber {
  scope: Scope;
  /** The last seq this stream has been given. */
  after: number;
  send(notice: ChangeNotice): void;
}

const seqOf = (e: AuditEvent) => seqAt(e.blockNumber, e.logIndex);

function noticeOf(e: AuditEvent): ChangeNotice {
  return {
    seq: seqOf(e),
    id: e.id,
    eventType: e.eventType,
    entityType: e.entityType,
    entityId: e.entityId,
    orgIds: e.orgIds,
    blockNumber: e.blockNumber,
    txHash: e.txHash,
    timestamp: e.timestamp,
  };
}

export class EventFeed {
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly db: Database) {}

  /** The newest indexed event's seq (0 for an empty index): where a stream without Last-Event-ID starts. */
  head(): number {
    const page = listEvents(this.db, { order: "desc", limit: 1 }, SYSTEM_SCOPE);
    return page.items[0] ? seqOf(page.items[0]) : 0;
  }

  /**
   * Opens a stream for `scope` from position `after` (exclusive). Events already indexed past it are sent at
   * once (a resumed stream catches up), then each commit's. Answers the function that closes the stream.
   */
  subscribe(scope: Scope, after: number, send: (notice: ChangeNotice) => void): () => void {
    const sub: Subscriber = { scope, after, send };
    this.subscribers.add(sub);
    this.deliver(sub);
    return () => this.subscribers.delete(sub);
  }

  /** Called after each indexer commit. */
  notify(): void {
    for (const sub of this.subscribers) this.deliver(sub);
  }

  get size(): number {
    return this.subscribers.size;
  }

  private deliver(sub: Subscriber): void {
    for (;;) {
      const page = listEvents(this.db, { cursor: encodeCursor("events", sub.after), limit: 500 }, sub.scope);
      for (const e of page.items) {
        const notice = noticeOf(e);
        sub.after = notice.seq;
        sub.send(notice);
      }
      if (!page.nextCursor) return;
    }
  }
}

const feeds = new WeakMap<Indexer, EventFeed>();

/** The one feed of an indexer, created on first use and notified after each of its commits. */
export function feedOf(indexer: Indexer, db: Database): EventFeed {
  let feed = feeds.get(indexer);
  if (!feed) {
    const created = new EventFeed(db);
    indexer.onCommit(() => created.notify());
    feeds.set(indexer, created);
    feed = created;
  }
  return feed;
}

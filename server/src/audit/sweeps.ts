import crypto from "node:crypto";
import type { Services } from "../services";
import type { Actor } from "../app/actor";
import { AppError, notFound } from "../shared/errors";
import { revealer } from "../commitments/service";
import { indexedHead, proveSweepBatch, readSegmentLogs, ROW_VERIFIERS, timed, type ProveContext } from "./proofs";

/**
 * Background sweeps: every row of the chosen entity types created in a block range is proved against the chain
 * at one block (the index's head when the sweep was asked for). The rows go in segments (SWEEP_SEGMENT rows, whose
 * events are read in one pass over the chain) of batches (SWEEP_BATCH rows: one indexed read, two rounds of view
 * calls, one transaction of results). Progress is written to gateway.db after each batch (`audit_sweeps.cursor`),
 * so a sweep interrupted by a stop resumes where it was at the next start.
 */

/** gateway.db tables of the sweeps (appended to the gateway's migrations). */
export const SWEEPS_MIGRATION = `
  CREATE TABLE audit_sweeps (
    id TEXT PRIMARY KEY,
    entity_types TEXT NOT NULL,          -- JSON array, in sweep order
    from_block INTEGER NOT NULL,
    to_block INTEGER NOT NULL,
    at_block INTEGER NOT NULL,           -- the block the chain is read at
    status TEXT NOT NULL,                -- 'running' | 'done' | 'failed'
    cursor TEXT NOT NULL,                -- JSON { type: index into entity_types, after: last id proved }
    checked INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT
  );
  CREATE TABLE audit_sweep_mismatches (
    sweep_id TEXT NOT NULL REFERENCES audit_sweeps(id),
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    fields TEXT NOT NULL,                -- JSON array of field names
    differences TEXT NOT NULL,           -- JSON array of { field, indexed, onChain }
    PRIMARY KEY (sweep_id, entity_type, entity_id)
  );`;

/** Rows proved per batch: one query of indexed rows, a RowReader eth_call per 1,000 views, one transaction of results. */
export const SWEEP_BATCH = Number(process.env.TRELLIS_SWEEP_BATCH ?? 2000);
/**
 * Rows per segment: their events are read in one pass from the segment's first block to the sweep's block, so a
 * sweep of N rows reads the chain about N / SWEEP_SEGMENT times per entity type, and holds one segment's events.
 */
export const SWEEP_SEGMENT = Number(process.env.TRELLIS_SWEEP_SEGMENT ?? 25_000);

interface SweepRow {
  id: string;
  entity_types: string;
  from_block: number;
  to_block: number;
  at_block: number;
  status: "running" | "done" | "failed";
  cursor: string;
  checked: number;
  error: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface SweepView {
  id: string;
  entityTypes: string[];
  fromBlock: number;
  toBlock: number;
  block: number;
  status: "running" | "done" | "failed";
  done: boolean;
  checked: number;
  mismatchCount: number;
  mismatches: { entityType: string; entityId: string; fields: string[]; differences: { field: string; indexed: unknown; onChain: unknown }[] }[];
  error: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

function proveContext(s: Services): ProveContext {
  return { db: s.idb, chain: s.provider, ledger: s.ledger.addresses.ledger, token: s.ledger.addresses.token, reveal: revealer(s.gdb) };
}

/** The sweep runner of one gateway: at most one sweep runs at a time; the others wait their turn. */
export class SweepRunner {
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Milliseconds per phase of the last sweep this runner ran (ids, logs, views, indexedRows, compare, write, total). */
  lastProfile: Record<string, number> = {};

  constructor(private readonly s: Services) {}

  /** Starts (or resumes) the queued sweeps in the background. */
  kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (!this.stopped && this.next()) this.kick();
    });
  }

  /** Waits for the batch in progress; the sweep stays `running` and resumes at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** Resolves when no sweep is running (tests, benches). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private next(): SweepRow | undefined {
    return this.s.gdb.prepare("SELECT * FROM audit_sweeps WHERE status = 'running' ORDER BY created_at, id LIMIT 1").get() as SweepRow | undefined;
  }

  private async loop(): Promise<void> {
    for (let row = this.next(); row && !this.stopped; row = this.next()) {
      try {
        await this.run(row);
      } catch (err) {
        this.s.logger.warn({ err, sweep: row.id }, "audit sweep failed");
        this.s.gdb
          .prepare("UPDATE audit_sweeps SET status = 'failed', error = ?, updated_at = ?, finished_at = ? WHERE id = ?")
          .run(err instanceof Error ? err.message : String(err), new Date().toISOString(), new Date().toISOString(), row.id);
      }
    }
  }

  private async run(row: SweepRow): Promise<void> {
    const { gdb, idb } = this.s;
    const profile: Record<string, number> = (this.lastProfile = {});
    const ctx: ProveContext = { ...proveContext(this.s), profile };
    const started = performance.now();
    const types = JSON.parse(row.entity_types) as string[];
    let cursor = JSON.parse(row.cursor) as { type: number; after: number };
    const save = gdb.prepare("UPDATE audit_sweeps SET cursor = ?, checked = checked + ?, updated_at = ? WHERE id = ?");
    const mismatch = gdb.prepare(
      `INSERT INTO audit_sweep_mismatches (sweep_id, entity_type, entity_id, fields, differences) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET fields = excluded.fields, differences = excluded.differences`,
    );
    while (cursor.type < types.length && !this.stopped) {
      const v = ROW_VERIFIERS.get(types[cursor.type])!;
      const after = cursor.after;
      const segment = await timed(ctx, "ids", () => v.idsIn(idb, row.from_block, row.to_block, after, SWEEP_SEGMENT));
      if (segment.length === 0) {
        cursor = { type: cursor.type + 1, after: 0 };
        save.run(JSON.stringify(cursor), 0, new Date().toISOString(), row.id);
        continue;
      }
      const logs = await readSegmentLogs(ctx, v, segment, row.at_block);
      for (let i = 0; i < segment.length && !this.stopped; i += SWEEP_BATCH) {
        const ids = segment.slice(i, i + SWEEP_BATCH);
        const proofs = await proveSweepBatch(ctx, v, ids, row.at_block, logs);
        cursor = { type: cursor.type, after: ids[ids.length - 1] };
        const next = cursor;
        await timed(ctx, "write", () =>
          gdb.transaction(() => {
            for (const p of proofs) {
              if (!p.match) mismatch.run(row.id, p.entityType, p.entityId, JSON.stringify(p.differences.map((d) => d.field)), JSON.stringify(p.differences));
            }
            save.run(JSON.stringify(next), proofs.length, new Date().toISOString(), row.id);
          })(),
        );
      }
    }
    profile.total = performance.now() - started;
    if (cursor.type >= types.length) {
      const now = new Date().toISOString();
      gdb.prepare("UPDATE audit_sweeps SET status = 'done', updated_at = ?, finished_at = ? WHERE id = ?").run(now, now, row.id);
    }
  }
}

const runners = new WeakMap<Services, SweepRunner>();

/** The gateway's sweep runner, created on first use; resumes sweeps left running by an earlier process. */
export function sweepRunner(s: Services): SweepRunner {
  let r = runners.get(s);
  if (!r) {
    runners.set(s, (r = new SweepRunner(s)));
    r.kick();
  }
  return r;
}

/** Queues a sweep over `[fromBlock, toBlock]` (defaults: the whole indexed chain), read at the index's head. */
export function startSweep(s: Services, actor: Actor, req: { entityType?: string; fromBlock?: number; toBlock?: number }): SweepView {
  const head = indexedHead(s.idb);
  const types = req.entityType ? [req.entityType] : [...ROW_VERIFIERS.keys()];
  if (req.entityType && !ROW_VERIFIERS.has(req.entityType)) {
    throw new AppError("invalid", "VALIDATION_FAILED", `No row verifier for the entity type ${req.entityType}.`);
  }
  const fromBlock = req.fromBlock ?? 0;
  const toBlock = Math.min(req.toBlock ?? head, head);
  if (fromBlock > toBlock) throw new AppError("unprocessable", "SWEEP_RANGE_EMPTY", `fromBlock ${fromBlock} is after toBlock ${toBlock} (the index is at block ${head}).`);
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  s.gdb
    .prepare(
      `INSERT INTO audit_sweeps (id, entity_types, from_block, to_block, at_block, status, cursor, created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)`,
    )
    .run(id, JSON.stringify(types), fromBlock, toBlock, head, JSON.stringify({ type: 0, after: 0 }), actor.user.id, now, now);
  const view = getSweep(s, id)!;
  sweepRunner(s).kick();
  return view;
}

export function getSweep(s: Services, id: string): SweepView | undefined {
  const r = s.gdb.prepare("SELECT * FROM audit_sweeps WHERE id = ?").get(id) as SweepRow | undefined;
  if (!r) return undefined;
  const mismatches = (
    s.gdb.prepare("SELECT entity_type, entity_id, fields, differences FROM audit_sweep_mismatches WHERE sweep_id = ? ORDER BY entity_type, CAST(entity_id AS INTEGER)").all(id) as {
      entity_type: string; entity_id: string; fields: string; differences: string;
    }[]
  ).map((m) => ({ entityType: m.entity_type, entityId: m.entity_id, fields: JSON.parse(m.fields) as string[], differences: JSON.parse(m.differences) }));
  return {
    id: r.id,
    entityTypes: JSON.parse(r.entity_types) as string[],
    fromBlock: r.from_block,
    toBlock: r.to_block,
    block: r.at_block,
    status: r.status,
    done: r.status !== "running",
    checked: r.checked,
    mismatchCount: mismatches.length,
    mismatches,
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

export function sweepOrThrow(s: Services, id: string): SweepView {
  const v = getSweep(s, id);
  if (!v) throw notFound(`The sweep ${id}`);
  return v;
}

export { proveContext };

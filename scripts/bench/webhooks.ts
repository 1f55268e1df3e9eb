/**
 * Webhook delivery latency and throughput, locally: event enqueued (in the same SQLite transaction as an indexed
 * event row, as the indexer will) -> received by a real HTTP receiver on 127.0.0.1. The deliverer runs its real loop
 * with real signing; the receiver verifies every signature with the standardwebhooks library.
 *
 *   npx ts-node --transpile-only scripts/bench/webhooks.ts [events=300] [burst=1000]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { WebhookDeliverer } from "../../server/src/webhooks/deliverer";
import { WebhookOutbox } from "../../server/src/webhooks/outbox";
import { percentile, printTable, round, runMain, updateResult, verdict, startWebhookReceiver } from "./lib";

const EVENTS = Number(process.argv[2] ?? 300);
const BURST = Number(process.argv[3] ?? 1000);
const TARGET_P95_MS = 1000;

runMain("webhooks", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trellis-webhooks-"));
  const db = new BetterSqlite3(path.join(dir, "index.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec("CREATE TABLE events (seq INTEGER PRIMARY KEY, event_type TEXT NOT NULL, args TEXT NOT NULL)");
  const outbox = WebhookOutbox.install(db);

  const receiver = await startWebhookReceiver(() => performance.now());
  const { arrived, port } = receiver;
  const ep = outbox.createEndpoint({ orgId: "1", url: `http://127.0.0.1:${port}/hooks`, eventTypes: ["*"] }, Date.now());
  receiver.trust(ep.secret);

  const deliverer = new WebhookDeliverer({ outbox, allowPrivate: true, concurrency: 16 });
  deliverer.start();

  let seq = 0;
  const insertEvent = db.prepare("INSERT INTO events (seq, event_type, args) VALUES (?, ?, ?)");
  const index = db.transaction((s: number) => {
    const args = { invoiceId: String(s), amount: "1250.00" };
    insertEvent.run(s, "invoice.confirmed", JSON.stringify(args));
    return outbox.enqueue({ eventKey: `31337:${s}:0`, type: "invoice.confirmed", orgIds: ["1"], occurredAt: Date.now(), data: args }, Date.now());
  });
  const enqueued = new Map<string, number>();
  const enqueueOne = () => {
    const r = index(++seq);
    if (!r?.messageId) throw new Error("an event was not enqueued");
    enqueued.set(r.messageId, performance.now());
    deliverer.wake();
  };
  const waitAll = async (limitMs: number) => {
    const t0 = performance.now();
    while ([...enqueued.keys()].some((id) => !arrived.has(id)) && performance.now() - t0 < limitMs) await new Promise((r) => setTimeout(r, 2));
  };

  // Latency: one event every 10 ms, as blocks of a busy ledger would bring them.
  for (let i = 0; i < EVENTS; i++) {
    enqueueOne();
    await new Promise((r) => setTimeout(r, 10));
  }
  await waitAll(30_000);
  const latencies = [...enqueued].map(([id, t]) => (arrived.get(id) ?? Infinity) - t);
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  const max = Math.max(...latencies);

  // Throughput: a burst enqueued at once (a catch-up after a restart), until the last one arrives.
  enqueued.clear();
  const b0 = performance.now();
  for (let i = 0; i < BURST; i++) enqueueOne();
  await waitAll(120_000);
  const burstMs = performance.now() - b0;
  const lost = [...enqueued.keys()].filter((id) => !arrived.has(id)).length;

  await deliverer.stop();
  await receiver.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });

  printTable("Webhook delivery (enqueued -> received, 127.0.0.1)", [
    ["measure", "value", "target"],
    ["events (latency run)", EVENTS, ""],
    ["p50 ms", round(p50), ""],
    ["p95 ms", round(p95), `<= ${TARGET_P95_MS} (${verdict(p95 <= TARGET_P95_MS)})`],
    ["max ms", round(max), ""],
    ["burst events", BURST, ""],
    ["burst deliveries/s", round((BURST / burstMs) * 1000), ""],
    ["undelivered", lost, "0"],
    ["bad signatures", receiver.badSignatures(), "0"],
  ]);
  updateResult("webhooks", () => ({
    latency: { events: EVENTS, p50Ms: round(p50), p95Ms: round(p95), maxMs: round(max), targetP95Ms: TARGET_P95_MS },
    throughput: { events: BURST, deliveriesPerSecond: round((BURST / burstMs) * 1000), undelivered: lost },
    badSignatures: receiver.badSignatures(),
  }));
  if (lost > 0 || receiver.badSignatures() > 0) throw new Error(`${lost} undelivered, ${receiver.badSignatures()} bad signatures`);
});

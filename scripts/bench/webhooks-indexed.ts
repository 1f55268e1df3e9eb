/**
 * Webhook delivery from real indexed events: a Hardhat node and the real gateway (startPlatform, with
 * --webhook-allow-private), a webhook registered over the API by the demo buyer, and a receiver on 127.0.0.1 that
 * verifies every signature. Each order the buyer places is a ledger event; the indexer writes its webhook message in
 * the projection's transaction (webhook_messages.created_at, wall clock) and wakes the deliverer after the commit.
 * Latency is that enqueue time -> the receiver's arrival time, in the same process and on the same clock.
 *
 *   npx ts-node --transpile-only scripts/bench/webhooks-indexed.ts [sequentialOrders=60] [burstOrders=60]
 */
import { startPlatform } from "../lib/platform";
import { apiClient } from "../lib/api-client";
import { inDays, percentile, printTable, round, runMain, updateResult, verdict, startWebhookReceiver } from "./lib";

const SEQUENTIAL = Number(process.argv[2] ?? 60);
const BURST = Number(process.argv[3] ?? 60);
const TARGET_P95_MS = 1000;

runMain("webhooks-indexed", async () => {
  const receiver = await startWebhookReceiver(Date.now);
  const { arrived, port } = receiver;
  const p = await startPlatform({ chain: "hardhat", args: ["--webhook-allow-private"] });
  try {
    const buyer = apiClient(p.baseUrl, p.credentials.users.buyer.token, { contract: false });
    const hook = await buyer("POST", "/webhooks", { url: `http://127.0.0.1:${port}/erp`, events: ["OrderIssued"] });
    if (hook.status !== 201) throw new Error(`webhook not registered: ${JSON.stringify(hook.body)}`);
    receiver.trust(hook.body.secret);
    const idb = p.gateway.services.idb;
    const enqueuedAt = (ids: Iterable<string>) => {
      const stmt = idb.prepare("SELECT id, created_at FROM webhook_messages WHERE id = ?");
      return [...ids].map((id) => stmt.get(id) as { id: string; created_at: number });
    };
    const messages = () => idb.prepare("SELECT id, created_at FROM webhook_messages WHERE event_type = 'OrderIssued' ORDER BY created_at").all() as Array<{ id: string; created_at: number }>;
    const order = (i: number, tag: string) =>
      buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "10.00", reference: `PO-WHB-${tag}-${i}-${Date.now() % 1e6}`, dueDate: inDays(30) });
    const waitAll = async (n: number, limitMs: number) => {
      const t0 = Date.now();
      while ((messages().length < n || messages().some((m) => !arrived.has(m.id))) && Date.now() - t0 < limitMs) await new Promise((r) => setTimeout(r, 5));
    };

    // Latency: one order at a time, each answered once indexed (read-your-writes), as a steady ledger brings them.
    for (let i = 0; i < SEQUENTIAL; i++) {
      const r = await order(i, "seq");
      if (r.status !== 201) throw new Error(`order failed: ${JSON.stringify(r.body)}`);
    }
    await waitAll(SEQUENTIAL, 30_000);
    const seq = messages();
    const latencies = seq.map((m) => (arrived.get(m.id) ?? Infinity) - m.created_at);
    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);
    const max = Math.max(...latencies);

    // Throughput: orders sent at once (the relayer pool and the ledger bound it), until the last event is delivered.
    const before = new Set(seq.map((m) => m.id));
    const t0 = Date.now();
    await Promise.all(Array.from({ length: BURST }, (_, i) => order(i, "burst")));
    await waitAll(SEQUENTIAL + BURST, 120_000);
    const burst = messages().filter((m) => !before.has(m.id));
    const lastArrival = Math.max(...burst.map((m) => arrived.get(m.id) ?? Infinity));
    const burstSeconds = (lastArrival - t0) / 1000;
    const burstLatencies = enqueuedAt(burst.map((m) => m.id)).map((m) => (arrived.get(m.id) ?? Infinity) - m.created_at);
    const undelivered = messages().filter((m) => !arrived.has(m.id)).length;

    printTable("Webhook delivery from indexed ledger events (enqueued in the projection transaction -> received)", [
      ["measure", "value", "target"],
      ["sequential orders", seq.length, ""],
      ["p50 ms", round(p50), ""],
      ["p95 ms", round(p95), `<= ${TARGET_P95_MS} (${verdict(p95 <= TARGET_P95_MS)})`],
      ["max ms", round(max), ""],
      ["burst orders", burst.length, ""],
      ["burst events delivered/s (chain-bound)", round(burst.length / burstSeconds), ""],
      ["burst p95 ms (indexed -> delivered)", round(percentile(burstLatencies, 95)), ""],
      ["undelivered", undelivered, "0"],
      ["bad signatures", receiver.badSignatures(), "0"],
    ]);
    updateResult("webhooks", (current) => ({
      ...current,
      indexed: {
        events: seq.length,
        p50Ms: round(p50),
        p95Ms: round(p95),
        maxMs: round(max),
        targetP95Ms: TARGET_P95_MS,
        burst: { events: burst.length, deliveredPerSecond: round(burst.length / burstSeconds), p95Ms: round(percentile(burstLatencies, 95)) },
        undelivered,
        badSignatures: receiver.badSignatures(),
      },
    }));
    if (undelivered > 0 || receiver.badSignatures() > 0) throw new Error(`${undelivered} undelivered, ${receiver.badSignatures()} bad signatures`);
  } finally {
    await p.stop();
    await receiver.close();
  }
});

/**
 * A payable note's tree at scale (`npm run bench:notes`), written to bench/results/notes.json (issue #11).
 *
 * 1. A platform on a Hardhat node, seeded (tier2 and tier3 included). Acme issues a note of 1,000,000.00 to Pearl
 *    River from a confirmed invoice; Pearl splits it into 10, each of those into 10 and each of those into 10 (1,000
 *    leaves of 1,000.00 at depth 3); one leaf is then passed down by six transfers of half (Pearl -> tier2 -> tier3 ->
 *    Pearl ...), so the tree is 10 levels deep (depth 0 to 9) with 1,006 live leaves. Every write goes through the API.
 * 2. p95 over HTTP of GET /notes/{id}/tree for the issuer and the auditor (the whole tree), Pearl (most of it, through
 *    the visibility join) and tier3 (its branch): BENCH_SAMPLES requests each, after 20 warm-up requests, each timed
 *    until the client has parsed the answer (the client runs in the gateway's process). Then the gateway's own share:
 *    the route's body built, serialised and gzipped on the first read after a write (cold) and between writes (warm).
 * 3. Acme pays the whole tree in one call: POST /notes/{root}/payments sends payTree and then clearTree pages of
 *    TRELLIS_NOTE_CLEAR_STEPS notes until every leaf is paid. The wall time of that call, the gas of every
 *    transaction (from the receipts), gas per leaf paid, and that every leaf is paid and every holder received its share.
 *
 * Target (issue #11): tree p95 <= 20 ms; paying clears every leaf.
 */
import os from "node:os";
import zlib from "node:zlib";
import { apiClient } from "../lib/api-client";
import { startPlatform } from "../lib/platform";
import { noteTreeBody } from "../../server/src/notes/repo";
import { DOC, inDays, percentile, printTable, round, runMain, updateResult, verdict, type Api } from "./lib";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const TARGET_P95_MS = 20;

const ok = (r: { status: number; body: unknown }, status: number, what: string) => {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a benchmark reads any field of an answer
};

/** Splits each note into ten equal pieces (in parallel batches) and returns the pieces' ids. */
async function splitAll(api: Api, ids: string[], piece: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    const done = await Promise.all(ids.slice(i, i + 10).map(async (id) => ok(await api("POST", `/notes/${id}/split`, { amounts: Array(10).fill(piece) }), 201, `split ${id}`)));
    for (const d of done) out.push(...d.items.map((n: { id: string }) => n.id));
  }
  return out;
}

async function timed(api: Api, path: string, headers: Record<string, string> = {}): Promise<{ p50: number; p95: number; nodes: number }> {
  let nodes = 0;
  const count = (n: { children: unknown[] }): number => 1 + n.children.reduce((a: number, c) => a + count(c as typeof n), 0);
  for (let i = 0; i < 20; i++) nodes = count(ok(await api("GET", path, undefined, headers), 200, path).root);
  const ms: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    const r = await api("GET", path, undefined, headers);
    ms.push(performance.now() - t);
    if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
  }
  return { p50: round(percentile(ms, 50), 2), p95: round(percentile(ms, 95), 2), nodes };
}

runMain("bench:notes", async () => {
  const p = await startPlatform({ chain: "hardhat" });
  try {
    const creds = p.credentials;
    const u = creds.users;
    // The benchmark times the tree, not the response validator: the contract is checked by the API tests.
    const api = (token: string) => apiClient(creds.baseUrl, token, { contract: false });
    const buyer = api(u.buyer.token);
    const pearl = api(u.supplier.token);
    const tier2 = api(u.tier2.token);
    const tier3 = api(u.tier3.token);
    const auditor = api(u.auditor.token);
    const balances = async () =>
      Object.fromEntries(ok(await auditor("GET", "/balances"), 200, "balances").items.map((i: { orgId: string; balance: string }) => [i.orgId, BigInt(i.balance.replace(".", ""))]));

    const built = performance.now();
    const order = ok(await buyer("POST", "/orders", { supplierOrgId: creds.orgs.pearl, amount: "1000000.00", reference: "PO-BENCH-NOTES", dueDate: inDays(60) }), 201, "order");
    ok(await pearl("POST", `/orders/${order.id}/accept`), 201, "accept");
    const inv = ok(await pearl("POST", "/invoices", { orderId: order.id, invoiceNumber: "INV-BENCH-NOTES", amount: "1000000.00", dueDate: inDays(60), documentHash: DOC }), 201, "invoice");
    ok(await buyer("POST", `/invoices/${inv.id}/confirm`), 201, "confirm");
    const root = ok(await buyer("POST", "/notes", { invoiceId: inv.id }), 201, "issue").id as string;
    const l1 = await splitAll(pearl, [root], "100000.00");
    const l2 = await splitAll(pearl, l1, "10000.00");
    const leaves = await splitAll(pearl, l2, "1000.00");
    // One leaf goes six tiers further down: each transfer of half retires the piece into two children.
    const holders = [
      { api: pearl, org: creds.orgs.pearl },
      { api: tier2, org: creds.orgs.tier2 },
      { api: tier3, org: creds.orgs.tier3 },
    ];
    let piece = leaves[0];
    let face = 100_000n;
    let deepest = piece;
    for (let i = 0; i < 6; i++) {
      const from = holders[i % 3];
      const to = holders[(i + 1) % 3];
      face /= 2n;
      const amount = `${face / 100n}.${(face % 100n).toString().padStart(2, "0")}`;
      const t = ok(await from.api("POST", `/notes/${piece}/transfer`, { toOrgId: to.org, amount, tradeReference: `PO-BENCH-${i}` }), 201, `transfer ${i}`);
      piece = t.transferred.id;
      deepest = piece;
    }
    const buildSeconds = round((performance.now() - built) / 1000, 1);
    const live = ok(await auditor("GET", `/notes?rootId=${root}&status=active&limit=500`), 200, "live");
    let liveCount = live.items.length;
    for (let cursor = live.nextCursor; cursor; ) {
      const page = ok(await auditor("GET", `/notes?rootId=${root}&status=active&limit=500&cursor=${cursor}`), 200, "live");
      liveCount += page.items.length;
      cursor = page.nextCursor;
    }

    // The machine is shared: the load average around the reads says how much of a p95 is other work.
    const loadBefore = round(os.loadavg()[0], 2);
    const reads = {
      issuer: await timed(buyer, `/notes/${root}/tree`),
      auditor: await timed(auditor, `/notes/${root}/tree`),
      holderPearl: await timed(pearl, `/notes/${root}/tree`),
      holderTier3: await timed(tier3, `/notes/${deepest}/tree`),
      // The same reads without gzip (Accept-Encoding: identity): what the response's compression costs.
      issuerUncompressed: await timed(buyer, `/notes/${root}/tree`, { "accept-encoding": "identity" }),
      holderPearlUncompressed: await timed(pearl, `/notes/${root}/tree`, { "accept-encoding": "identity" }),
    };
    const loadAverage1m = { before: loadBefore, after: round(os.loadavg()[0], 2), cpus: os.cpus().length };

    // The gateway's own share of a read (the platform runs in this process): the route's body built, serialised and
    // gzipped as the edge sends it. Cold: the first read after a write (one query, the rows built, the view linked,
    // the JSON and its gzip made), COLD_SAMPLES times, each after a write; warm: the body of this index state, shared
    // by every read until the next write.
    const COLD_SAMPLES = 20;
    const write = p.gateway.services.idb.prepare("UPDATE note_trees SET updated_at = updated_at WHERE root_id = ?");
    const serverSide = (scope: { orgId: string | null; role: "buyer" | "supplier" | "auditor" }) => {
      const build = () => {
        const t = performance.now();
        const body = noteTreeBody(p.gateway.services.idb, root, scope)!;
        body.gzip ??= zlib.gzipSync(body.bytes);
        return { ms: performance.now() - t, bytes: { json: body.bytes.length, gzip: body.gzip.length } };
      };
      const cold: number[] = [];
      for (let i = 0; i < COLD_SAMPLES; i++) {
        write.run(Number(root));
        cold.push(build().ms);
      }
      const warm: number[] = [];
      for (let i = 0; i < SAMPLES; i++) warm.push(build().ms);
      return {
        cold: { p50: round(percentile(cold, 50), 2), p95: round(percentile(cold, 95), 2), samples: COLD_SAMPLES },
        warm: { p50: round(percentile(warm, 50), 3), p95: round(percentile(warm, 95), 3) },
        bytes: build().bytes,
      };
    };
    const server = { issuer: serverSide({ orgId: creds.orgs.acme, role: "buyer" }), holderPearl: serverSide({ orgId: creds.orgs.pearl, role: "supplier" }) };
    const before = await balances();
    const t0 = performance.now();
    const paid = ok(await buyer("POST", `/notes/${root}/payments`, { amount: "1000000.00" }), 201, "pay");
    const payMs = performance.now() - t0;
    const after = await balances();
    const gas: number[] = [];
    for (const tx of paid.transactions as { txHash: string }[]) {
      const receipt = await p.gateway.services.provider.getTransactionReceipt(tx.txHash);
      gas.push(Number(receipt!.gasUsed));
    }
    const totalGas = gas.reduce((a, b) => a + b, 0);
    const paidLeaves = new Set((paid.payouts as { noteId: string }[]).map((x) => x.noteId)).size;
    const stillActive = ok(await auditor("GET", `/notes?rootId=${root}&status=active`), 200, "after").items.length;
    const delta = (org: string) => (after[org] as bigint) - (before[org] as bigint);
    const shares = { pearl: delta(creds.orgs.pearl), tier2: delta(creds.orgs.tier2), tier3: delta(creds.orgs.tier3), acme: delta(creds.orgs.acme) };
    if (shares.acme !== -100_000_000n || shares.pearl + shares.tier2 + shares.tier3 !== 100_000_000n) throw new Error(`the payment did not reach every holder: ${JSON.stringify(shares, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);

    const result = {
      tree: { leaves: liveCount, nodes: reads.issuer.nodes, levels: 10, buildSeconds, writes: 1 + 1 + 10 + 100 + 6 },
      treeRead: { samples: SAMPLES, loadAverage1m, ...reads, serverSideMs: server, targetP95Ms: TARGET_P95_MS, verdict: verdict(Math.max(reads.issuer.p95, reads.auditor.p95, reads.holderPearl.p95, reads.holderTier3.p95) <= TARGET_P95_MS) },
      payment: {
        wallSeconds: round(payMs / 1000, 2),
        transactions: gas.length,
        stepsPerTransaction: Number(process.env.TRELLIS_NOTE_CLEAR_STEPS ?? 40),
        leavesPaid: paidLeaves,
        leavesStillActive: stillActive,
        totalGas,
        gasPerLeaf: Math.round(totalGas / paidLeaves),
        maxGasPerTransaction: Math.max(...gas),
        verdict: verdict(paidLeaves === liveCount && stillActive === 0),
      },
      notes: "Hardhat automine, one gateway, HTTP on 127.0.0.1; gas from the receipts of the relayed transactions (forwarder and 21,000 intrinsic included); tree reads without response validation.",
      measuredAt: new Date().toISOString(),
    };
    updateResult("notes", () => result);
    printTable("payable-note tree", [
      ["leaves / nodes / levels", `${liveCount} / ${reads.issuer.nodes} / 10`],
      ["load average (1 min) before / after the reads, cores", `${loadAverage1m.before} / ${loadAverage1m.after}, ${loadAverage1m.cpus}`],
      ["tree p95 issuer / auditor / Pearl / tier3 (ms)", `${reads.issuer.p95} / ${reads.auditor.p95} / ${reads.holderPearl.p95} / ${reads.holderTier3.p95}`],
      ["tree p95 without gzip: issuer / Pearl (ms)", `${reads.issuerUncompressed.p95} / ${reads.holderPearlUncompressed.p95}`],
      ["in the gateway (build + JSON + gzip), cold p50 / p95: issuer, Pearl (ms)", `${server.issuer.cold.p50} / ${server.issuer.cold.p95}, ${server.holderPearl.cold.p50} / ${server.holderPearl.cold.p95}`],
      ["in the gateway, warm p95: issuer, Pearl (ms)", `${server.issuer.warm.p95}, ${server.holderPearl.warm.p95}`],
      ["the issuer's tree: JSON / gzip (bytes)", `${server.issuer.bytes.json} / ${server.issuer.bytes.gzip}`],
      ["pay the tree: wall (s)", result.payment.wallSeconds],
      ["transactions / gas per leaf / max gas per tx", `${gas.length} / ${result.payment.gasPerLeaf} / ${result.payment.maxGasPerTransaction}`],
      ["leaves paid / still active", `${paidLeaves} / ${stillActive}`],
    ]);
  } finally {
    await p.stop();
  }
});

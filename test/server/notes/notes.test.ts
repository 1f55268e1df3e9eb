import fs from "node:fs";
import { expect } from "chai";
import { Wallet } from "ethers";
import { apiClient } from "../../../scripts/lib/api-client";
import { drive } from "../../../scripts/client/trellis-sign";
import { SettlementToken__factory } from "../../../typechain-types";
import { startPlatform, type Platform } from "../../../scripts/lib/platform";
import { sweepRunner } from "../../../server/src/audit/sweeps";
import { confirmedInvoice } from "../lifecycle";

/**
 * Payable notes over HTTP (issue #11): a note issued from Acme's confirmed invoice to Pearl River, passed down to tier2
 * and tier3, financed by tier3 on the fast-track, split, refused where the rules say so, paid by Acme in one call that
 * clears every leaf (bank first), traced by the issuer, the auditor, a holder and a bank; then a tree left unpaid is
 * marked overdue and its financed leaf defaulted. Every answer's status, code and body, and every balance, is checked.
 */
describe("Payable notes API", function () {
  this.timeout(300_000);
  let p: Platform;
  let c: ReturnType<typeof clientsOf>;
  let orgs: Platform["credentials"]["orgs"];

  const clientsOf = (pl: Platform) => {
    const u = pl.credentials.users;
    const cl = (t: string) => apiClient(pl.baseUrl, t);
    return {
      buyer: cl(u.buyer.token),
      supplier: cl(u.supplier.token),
      tier2: cl(u.tier2.token),
      tier3: cl(u.tier3.token),
      officer1: cl(u.officer1.token),
      officer2: cl(u.officer2.token),
      officer3: cl(u.officer3.token),
      officer4: cl(u.officer4.token),
      auditor: cl(u.auditor.token),
      operator: cl(u.operator.token),
    };
  };
  /** Every organisation's treasury balance, in minor units. */
  const balances = async (): Promise<Record<string, bigint>> => {
    const r = await c.auditor("GET", "/balances");
    expect(r.status).to.equal(200);
    return Object.fromEntries(r.body.items.map((i: { orgId: string; balance: string }) => [i.orgId, BigInt(i.balance.replace(".", ""))]));
  };
  const minor = (s: string) => BigInt(s.replace(".", ""));
  const ids = (node: { id: string; children: unknown[] }): string[] => [node.id, ...node.children.flatMap((ch) => ids(ch as typeof node))];

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
    c = clientsOf(p);
    orgs = p.credentials.orgs;
  });
  after(async () => {
    await p?.stop();
  });

  it("seeds the two lower tiers with custodial users and credit at Bank A", async () => {
    expect(orgs.tier2).to.match(/^[1-9][0-9]*$/);
    expect(orgs.tier3).to.match(/^[1-9][0-9]*$/);
    const me = await c.tier2("GET", "/me");
    expect(me.status).to.equal(200);
    expect(me.body.user).to.include({ name: "tier2", role: "supplier" });
    expect(me.body.org).to.include({ id: orgs.tier2, name: "Tier2 Metals", kind: "supplier" });
    const policy = await c.officer1("GET", `/banks/${orgs.bankA}/policy`);
    expect(policy.status).to.equal(200);
    const limits = Object.fromEntries(policy.body.creditLimits.map((l: { supplierOrgId: string; limit: string }) => [l.supplierOrgId, l.limit]));
    expect(limits[orgs.tier2]).to.equal("1000000.00");
    expect(limits[orgs.tier3]).to.equal("1000000.00");
  });

  describe("the three-tier lifecycle", () => {
    let invoiceId: string;
    let rootId: string;
    let t2Piece: string;
    let pearlRest: string;
    let t3Piece: string;
    let t2Rest: string;
    let financingId: string;
    let net: bigint;
    let split: string[];
    const start: Record<string, bigint> = {};

    it("issues a note from a confirmed invoice to its supplier; the invoice is then settled through the note", async () => {
      Object.assign(start, await balances());
      ({ invoiceId } = await confirmedInvoice(p.credentials, "100000.00", "NOTE"));
      expect((await c.supplier("POST", "/notes", { invoiceId })).status).to.equal(403);
      const r = await c.buyer("POST", "/notes", { invoiceId });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      rootId = r.body.id;
      expect(r.body).to.include({
        rootId,
        parentId: null,
        invoiceId,
        issuerOrgId: orgs.acme,
        issuerName: "Acme Motors",
        holderOrgId: orgs.pearl,
        holderName: "Pearl River Parts",
        face: "100000.00",
        paid: "0.00",
        outstanding: "100000.00",
        status: "active",
        financingRequestId: null,
        tradeReference: null,
      });
      expect(r.body.txHash).to.match(/^0x[0-9a-f]{64}$/);
      const inv = await c.buyer("GET", `/invoices/${invoiceId}`);
      expect(inv.body).to.include({ status: "noted", noteId: rootId });
      expect(inv.body.dueDate).to.equal(r.body.maturity);
      const again = await c.buyer("POST", "/notes", { invoiceId });
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal("INVALID_STATUS");
      const finance = await c.supplier("POST", "/financing-requests", { invoiceId, bankOrgId: orgs.bankA, amount: "1000.00" });
      expect(finance.status).to.be.oneOf([409, 422]);
      const pay = await c.buyer("POST", `/invoices/${invoiceId}/payments`, { amount: "1000.00" });
      expect(pay.status).to.equal(409);
      expect(pay.body.error.code).to.equal("INVALID_STATUS");
    });

    it("Pearl transfers part to tier2: the note retires into the transferred piece and the kept remainder", async () => {
      const r = await c.supplier("POST", `/notes/${rootId}/transfer`, { toOrgId: orgs.tier2, amount: "60000.00", tradeReference: "PO-T2-0001" });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      t2Piece = r.body.transferred.id;
      pearlRest = r.body.remainder.id;
      expect(r.body.transferred).to.include({ rootId, parentId: rootId, holderOrgId: orgs.tier2, holderName: "Tier2 Metals", face: "60000.00", status: "active", tradeReference: "PO-T2-0001", invoiceId });
      expect(r.body.remainder).to.include({ rootId, parentId: rootId, holderOrgId: orgs.pearl, face: "40000.00", status: "active", tradeReference: null });
      expect((await c.supplier("GET", `/notes/${rootId}`)).body).to.include({ status: "retired", outstanding: "100000.00" });
      // On chain the trade reference is only a salted commitment (#12); the plain text is this gateway's.
      const receipt = await p.gateway.services.provider.getTransactionReceipt(r.body.txHash);
      const raw = JSON.stringify(receipt!.logs);
      expect(raw).not.to.include(Buffer.from("PO-T2-0001").toString("hex"));
      const history = await c.auditor("GET", `/audit/note/${rootId}/history`);
      const transferred = history.body.items.find((e: { eventType: string }) => e.eventType === "NoteTransferred");
      expect(transferred.args.tradeReference).to.match(/^0x[0-9a-f]{64}$/);
      expect(raw).to.include(transferred.args.tradeReference.slice(2));
    });

    it("tier2 transfers part to tier3", async () => {
      const r = await c.tier2("POST", `/notes/${t2Piece}/transfer`, { toOrgId: orgs.tier3, amount: "25000.00", tradeReference: "PO-T3-0001", documentHash: "0x" + "cd".repeat(32) });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      t3Piece = r.body.transferred.id;
      t2Rest = r.body.remainder.id;
      expect(r.body.transferred).to.include({ parentId: t2Piece, holderOrgId: orgs.tier3, face: "25000.00", tradeReference: "PO-T3-0001" });
      expect(r.body.remainder).to.include({ parentId: t2Piece, holderOrgId: orgs.tier2, face: "35000.00" });
    });

    it("tier3 finances its piece on the fast-track (Bank A trusts the issuer) and receives the advance less the discount", async () => {
      const before = await balances();
      const req = await c.tier3("POST", "/financing-requests", { noteId: t3Piece, bankOrgId: orgs.bankA, amount: "22500.00" });
      expect(req.status, JSON.stringify(req.body)).to.equal(201);
      financingId = req.body.id;
      expect(req.body).to.include({ status: "requested", noteId: t3Piece, invoiceId, path: "fast-track", approvalsRequired: 1, amount: "22500.00", supplierOrgId: orgs.tier3, buyerOrgId: orgs.acme, bankOrgId: orgs.bankA });
      expect((await c.tier3("GET", `/notes/${t3Piece}`)).body).to.include({ status: "financing", financingRequestId: financingId });
      const twice = await c.tier3("POST", "/financing-requests", { noteId: t3Piece, bankOrgId: orgs.bankA, amount: "1000.00" });
      expect(twice.status).to.equal(409);
      expect(twice.body.error.code).to.equal("NOTE_IN_FINANCING");
      const over = await c.tier2("POST", "/financing-requests", { noteId: t2Rest, bankOrgId: orgs.bankA, amount: "35000.00" });
      expect(over.status).to.equal(422);
      expect(over.body.error.code).to.equal("AMOUNT_EXCEEDS_ADVANCE");
      const withdraw = await c.tier3("POST", `/financing-requests/${financingId}/withdraw`);
      expect(withdraw.status).to.equal(422);
      expect(withdraw.body.error.code).to.equal("NOTE_FINANCING_NOT_WITHDRAWABLE");

      const approved = await c.officer1("POST", `/financing-requests/${financingId}/approve`);
      expect(approved.status, JSON.stringify(approved.body)).to.equal(201);
      expect(approved.body.status).to.equal("approved");
      const disbursed = await c.officer1("POST", `/financing-requests/${financingId}/disburse`);
      expect(disbursed.status, JSON.stringify(disbursed.body)).to.equal(201);
      expect(disbursed.body.status).to.equal("disbursed");
      net = minor(disbursed.body.netAmount);
      expect(net + minor(disbursed.body.discount)).to.equal(2_250_000n);
      expect(minor(disbursed.body.discount) > 0n).to.equal(true);
      const after = await balances();
      expect(after[orgs.tier3] - before[orgs.tier3]).to.equal(net);
      expect(before[orgs.bankA] - after[orgs.bankA]).to.equal(net);
      expect((await c.tier3("GET", `/notes/${t3Piece}`)).body.status).to.equal("financed");
      const listed = await c.officer1("GET", `/financing-requests?bankOrgId=${orgs.bankA}`);
      expect(listed.body.items.map((f: { id: string }) => f.id)).to.include(financingId);
    });

    it("refuses a transfer by a non-holder, of more than is held, of a financed piece and of a retired piece", async () => {
      const notHolder = await c.supplier("POST", `/notes/${t2Piece}/transfer`, { toOrgId: orgs.tier3, amount: "1.00", tradeReference: "X" });
      expect(notHolder.status).to.equal(403);
      expect(notHolder.body.error.code).to.equal("NOT_HOLDER");
      const unseen = await c.tier3("POST", `/notes/${pearlRest}/transfer`, { toOrgId: orgs.tier3, amount: "1.00", tradeReference: "X" });
      expect(unseen.status).to.equal(404);
      expect(unseen.body.error.code).to.equal("NOT_FOUND");
      const more = await c.tier2("POST", `/notes/${t2Rest}/transfer`, { toOrgId: orgs.tier3, amount: "35000.01", tradeReference: "X" });
      expect(more.status).to.equal(422);
      expect(more.body.error.code).to.equal("AMOUNT_EXCEEDS_NOTE");
      const financed = await c.tier3("POST", `/notes/${t3Piece}/transfer`, { toOrgId: orgs.tier2, amount: "1.00", tradeReference: "X" });
      expect(financed.status).to.equal(409);
      expect(financed.body.error.code).to.equal("NOTE_IN_FINANCING");
      const retired = await c.tier2("POST", `/notes/${t2Piece}/transfer`, { toOrgId: orgs.tier3, amount: "1.00", tradeReference: "X" });
      expect(retired.status).to.equal(409);
      expect(retired.body.error.code).to.equal("NOTE_RETIRED");
      const toBank = await c.tier2("POST", `/notes/${t2Rest}/transfer`, { toOrgId: orgs.bankA, amount: "1.00", tradeReference: "X" });
      expect(toBank.status).to.equal(422);
      expect(toBank.body.error.code).to.equal("RECIPIENT_NOT_SUPPLIER");
      const noRef = await c.tier2("POST", `/notes/${t2Rest}/transfer`, { toOrgId: orgs.tier3, amount: "1.00", tradeReference: "  " });
      expect(noRef.status).to.equal(400);
      const byBuyer = await c.buyer("POST", `/notes/${t2Rest}/transfer`, { toOrgId: orgs.tier3, amount: "1.00", tradeReference: "X" });
      expect(byBuyer.status).to.equal(403);
    });

    it("Pearl splits its remainder; a split must add up to the face", async () => {
      const bad = await c.supplier("POST", `/notes/${pearlRest}/split`, { amounts: ["15000.00", "24999.99"] });
      expect(bad.status).to.equal(422);
      expect(bad.body.error.code).to.equal("SPLIT_SUM_MISMATCH");
      const one = await c.supplier("POST", `/notes/${pearlRest}/split`, { amounts: ["40000.00"] });
      expect(one.status).to.equal(400);
      const r = await c.supplier("POST", `/notes/${pearlRest}/split`, { amounts: ["15000.00", "25000.00"] });
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      expect(r.body.items.map((n: { face: string; holderOrgId: string; parentId: string }) => [n.face, n.holderOrgId, n.parentId])).to.deep.equal([
        ["15000.00", orgs.pearl, pearlRest],
        ["25000.00", orgs.pearl, pearlRest],
      ]);
      split = r.body.items.map((n: { id: string }) => n.id);
      expect((await c.supplier("GET", `/notes/${pearlRest}`)).body.status).to.equal("retired");
    });

    it("shows the whole tree to the issuer and the auditor, and each holder and bank only its branch (穿透)", async () => {
      const all = [rootId, t2Piece, pearlRest, t3Piece, t2Rest, ...split].sort();
      for (const who of [c.buyer, c.auditor, c.operator]) {
        const t = await who("GET", `/notes/${t3Piece}/tree`);
        expect(t.status).to.equal(200);
        expect(t.body.root.id).to.equal(rootId);
        expect(ids(t.body.root).sort()).to.deep.equal(all);
      }
      const t3 = await c.tier3("GET", `/notes/${t3Piece}/tree`);
      expect(ids(t3.body.root)).to.deep.equal([rootId, t2Piece, t3Piece]);
      const bank = await c.officer1("GET", `/notes/${rootId}/tree`);
      expect(ids(bank.body.root)).to.deep.equal([rootId, t2Piece, t3Piece]);
      const t2 = await c.tier2("GET", `/notes/${rootId}/tree`);
      expect(ids(t2.body.root).sort()).to.deep.equal([rootId, t2Piece, t3Piece, t2Rest].sort());
      const pearl = await c.supplier("GET", `/notes/${rootId}/tree`);
      expect(ids(pearl.body.root).sort()).to.deep.equal([rootId, t2Piece, pearlRest, ...split].sort());
      expect((await c.officer3("GET", `/notes/${t3Piece}`)).status).to.equal(404);
      expect((await c.officer3("GET", `/notes/${rootId}/tree`)).status).to.equal(404);
      expect((await c.tier3("GET", `/notes/${split[0]}`)).status).to.equal(404);
      const wallet = await c.tier2("GET", `/notes?holderOrgId=${orgs.tier2}&status=active`);
      expect(wallet.status).to.equal(200);
      expect(wallet.body.items.map((n: { id: string }) => n.id)).to.deep.equal([t2Rest]);
      const tree = await c.buyer("GET", `/notes?rootId=${rootId}&status=retired`);
      expect(tree.body.items.map((n: { id: string }) => n.id).sort()).to.deep.equal([rootId, t2Piece, pearlRest].sort());
      const paged = await c.buyer("GET", `/notes?rootId=${rootId}&limit=3`);
      expect(paged.body.items).to.have.length(3);
      const rest = await c.buyer("GET", `/notes?rootId=${rootId}&limit=10&cursor=${paged.body.nextCursor}`);
      expect(rest.body.items).to.have.length(4);
      expect(rest.body.nextCursor).to.equal(null);
    });

    it("the issuer pays the tree once: every leaf is cleared, its bank first, and every holder receives its share", async () => {
      const before = await balances();
      expect((await c.supplier("POST", `/notes/${rootId}/payments`, { amount: "1.00" })).status).to.equal(403);
      const notRoot = await c.buyer("POST", `/notes/${t2Piece}/payments`, { amount: "1.00" });
      expect(notRoot.status).to.equal(422);
      expect(notRoot.body.error.code).to.equal("NOTE_NOT_ROOT");
      const tooMuch = await c.buyer("POST", `/notes/${rootId}/payments`, { amount: "100000.01" });
      expect(tooMuch.status).to.equal(422);
      expect(tooMuch.body.error.code).to.equal("PAYMENT_EXCEEDS_OUTSTANDING");

      const part = await c.buyer("POST", `/notes/${rootId}/payments`, { amount: "30000.00" });
      expect(part.status, JSON.stringify(part.body)).to.equal(201);
      expect(part.body.note).to.include({ id: rootId, paid: "30000.00", outstanding: "70000.00" });
      expect(part.body.payouts).to.deep.equal([
        { noteId: t3Piece, orgId: orgs.bankA, amount: "22500.00" },
        { noteId: t3Piece, orgId: orgs.tier3, amount: "2500.00" },
        { noteId: t2Rest, orgId: orgs.tier2, amount: "5000.00" },
      ]);
      expect((await c.tier3("GET", `/notes/${t3Piece}`)).body).to.include({ status: "paid", paid: "25000.00", outstanding: "0.00" });
      expect((await c.tier2("GET", `/notes/${t2Rest}`)).body).to.include({ status: "active", paid: "5000.00", outstanding: "30000.00" });
      const repaid = await c.officer1("GET", `/financing-requests/${financingId}`);
      expect(repaid.body).to.include({ status: "repaid", repaid: "22500.00", outstanding: "0.00" });
      const noMove = await c.tier2("POST", `/notes/${t2Rest}/transfer`, { toOrgId: orgs.tier3, amount: "1.00", tradeReference: "X" });
      expect(noMove.status).to.equal(409);
      expect(noMove.body.error.code).to.equal("NOTE_PAID");

      const restPaid = await c.buyer("POST", `/notes/${rootId}/payments`, { amount: "70000.00" });
      expect(restPaid.status, JSON.stringify(restPaid.body)).to.equal(201);
      expect(restPaid.body.note).to.include({ paid: "100000.00", outstanding: "0.00" });
      expect(restPaid.body.payouts).to.deep.equal([
        { noteId: t2Rest, orgId: orgs.tier2, amount: "30000.00" },
        { noteId: split[0], orgId: orgs.pearl, amount: "15000.00" },
        { noteId: split[1], orgId: orgs.pearl, amount: "25000.00" },
      ]);
      const after = await balances();
      expect(before[orgs.acme] - after[orgs.acme]).to.equal(10_000_000n);
      expect(after[orgs.bankA] - before[orgs.bankA]).to.equal(2_250_000n);
      expect(after[orgs.tier3] - before[orgs.tier3]).to.equal(250_000n);
      expect(after[orgs.tier2] - before[orgs.tier2]).to.equal(3_500_000n);
      expect(after[orgs.pearl] - before[orgs.pearl]).to.equal(4_000_000n);
      // Over the whole story: tier3 got its advance and the rest of its piece; the bank earned its discount.
      expect(after[orgs.tier3] - start[orgs.tier3]).to.equal(net + 250_000n);
      expect(after[orgs.bankA] - start[orgs.bankA]).to.equal(2_250_000n - net);
      const leaves = await c.auditor("GET", `/notes?rootId=${rootId}&status=paid`);
      expect(leaves.body.items.map((n: { id: string }) => n.id).sort()).to.deep.equal([t3Piece, t2Rest, ...split].sort());
      const none = await c.buyer("POST", `/notes/${rootId}/payments`, { amount: "1.00" });
      expect(none.status).to.equal(422);
      expect(none.body.error.code).to.equal("PAYMENT_EXCEEDS_OUTSTANDING");
    });

    it("the audit history of a leaf shows every step from the issue to its payout, with the money moved", async () => {
      const h = await c.tier3("GET", `/audit/note/${t3Piece}/history`);
      expect(h.status, JSON.stringify(h.body)).to.equal(200);
      const types = h.body.items.map((e: { eventType: string }) => e.eventType);
      for (const t of ["NoteIssued", "NoteCreated", "NoteTransferred", "NoteFinancingRequested", "NoteFinancingApproved", "NoteFinancingDisbursed", "NoteFinancingRepaid", "NotePaidOut", "Transfer"]) {
        expect(types, t).to.include(t);
      }
      expect(types.indexOf("NoteIssued")).to.be.lessThan(types.indexOf("NotePaidOut"));
      expect((await c.officer3("GET", `/audit/note/${t3Piece}/history`)).status).to.equal(404);
      const events = await c.auditor("GET", `/audit/events?entityType=note&limit=500`);
      expect(events.status).to.equal(200);
      expect(events.body.items.some((e: { entityId: string; eventType: string }) => e.entityId === rootId && e.eventType === "NoteIssued")).to.equal(true);
    });
  });

  describe("the notes list", () => {
    it("pages through a tree's notes with the list's cursors in every order, each note exactly once, and searches them", async () => {
      const { invoiceId } = await confirmedInvoice(p.credentials, "5500.00", "NOTE-LIST");
      const rootId = (await c.buyer("POST", "/notes", { invoiceId })).body.id as string;
      const faces = ["100.00", "200.00", "300.00", "400.00", "500.00", "600.00", "700.00", "800.00", "900.00", "1000.00"];
      const split = await c.supplier("POST", `/notes/${rootId}/split`, { amounts: faces });
      expect(split.status, JSON.stringify(split.body)).to.equal(201);
      const pieces = split.body.items.map((n: { id: string }) => n.id as string);
      const moved = await c.supplier("POST", `/notes/${pieces[6]}/transfer`, { toOrgId: orgs.tier2, amount: "700.00", tradeReference: "PO-LIST-0007" });
      expect(moved.status, JSON.stringify(moved.body)).to.equal(201);
      expect(moved.body.remainder).to.equal(null);
      const child = moved.body.transferred.id as string;
      const all = [rootId, ...pieces, child];

      /** Every page of `query` at `limit` notes a page: the pages' ids in order and how many pages there were. */
      const pages = async (query: string, limit: number) => {
        const seen: { id: string; face: string; maturity: string }[] = [];
        let pagesRead = 0;
        let cursor: string | null = null;
        do {
          const r = await c.buyer("GET", `/notes?rootId=${rootId}&${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
          expect(r.status, JSON.stringify(r.body)).to.equal(200);
          expect(r.body.items.length).to.be.at.most(limit);
          seen.push(...r.body.items);
          cursor = r.body.nextCursor;
          pagesRead += 1;
        } while (cursor);
        return { ids: seen.map((n) => n.id), faces: seen.map((n) => n.face), pagesRead };
      };
      const byId = (a: string, b: string) => Number(a) - Number(b);

      const newest = await pages("sort=newest", 5);
      expect(newest.pagesRead).to.equal(3);
      expect(newest.ids).to.deep.equal([...all].sort(byId).reverse());
      const oldest = await pages("sort=oldest", 4);
      expect(oldest.pagesRead).to.equal(3);
      expect(oldest.ids).to.deep.equal([...all].sort(byId));
      const largest = await pages("sort=amount", 5);
      expect(new Set(largest.ids).size).to.equal(all.length);
      expect([...largest.ids].sort(byId)).to.deep.equal([...all].sort(byId));
      // Largest face first; the two 700.00 notes (the retired piece and its transferred child) by id, newest first.
      expect(largest.faces).to.deep.equal(["5500.00", "1000.00", "900.00", "800.00", "700.00", "700.00", "600.00", "500.00", "400.00", "300.00", "200.00", "100.00"]);
      expect(largest.ids.slice(4, 6)).to.deep.equal([child, pieces[6]]);
      const due = await pages("sort=due", 7);
      expect(due.ids).to.deep.equal([...all].sort(byId));

      // A cursor belongs to its order: one from the amount order is refused by the default one.
      const first = await c.buyer("GET", `/notes?rootId=${rootId}&sort=amount&limit=5`);
      const mixed = await c.buyer("GET", `/notes?rootId=${rootId}&limit=5&cursor=${first.body.nextCursor}`);
      expect(mixed.status).to.equal(400);
      expect(mixed.body.error.code).to.equal("VALIDATION_FAILED");
      const found = await c.buyer("GET", `/notes?rootId=${rootId}&q=po-list-0007`);
      expect(found.body.items.map((n: { id: string }) => n.id)).to.deep.equal([child]);
      const byHolder = await c.buyer("GET", `/notes?rootId=${rootId}&q=Tier2`);
      expect(byHolder.body.items.map((n: { id: string }) => n.id)).to.deep.equal([child]);
      const byNumber = await c.buyer("GET", `/notes?rootId=${rootId}&q=%23${pieces[0]}`);
      expect(byNumber.body.items.map((n: { id: string }) => n.id)).to.deep.equal([pieces[0]]);
    });
  });

  describe("the tree read after a write", () => {
    it("answers the tree as the index now stands after every write, gzipped once and revalidated by its ETag", async () => {
      const { invoiceId } = await confirmedInvoice(p.credentials, "9000.00", "NOTE-TREE");
      const rootId = (await c.buyer("POST", "/notes", { invoiceId })).body.id as string;
      const pieces = (await c.supplier("POST", `/notes/${rootId}/split`, { amounts: ["2000.00", "2000.00", "2500.00", "2500.00"] })).body.items.map((n: { id: string }) => n.id as string);
      expect(pieces).to.have.length(4);
      const url = `${p.baseUrl}/api/v1/notes/${rootId}/tree`;
      const auth = { authorization: `Bearer ${p.credentials.users.buyer.token}` };
      const first = await c.buyer("GET", `/notes/${rootId}/tree`);
      expect(first.status).to.equal(200);
      expect(ids(first.body.root)).to.deep.equal([rootId, ...pieces]);
      expect(first.body.root.children[3]).to.include({ id: pieces[3], status: "active", face: "2500.00" });

      // The same answer gzipped (a client that accepts it) and plain (one that does not), with one ETag per encoding.
      const gz = await fetch(url, { headers: { ...auth, "accept-encoding": "gzip" } });
      expect(gz.status).to.equal(200);
      expect(gz.headers.get("content-encoding")).to.equal("gzip");
      expect(gz.headers.get("content-type")).to.equal("application/json; charset=utf-8");
      expect(gz.headers.get("vary")).to.match(/accept-encoding/i);
      expect(await gz.json()).to.deep.equal(first.body);
      const plain = await fetch(url, { headers: { ...auth, "accept-encoding": "identity" } });
      expect(plain.headers.get("content-encoding")).to.equal(null);
      expect(await plain.json()).to.deep.equal(first.body);
      const etag = plain.headers.get("etag")!;
      expect(etag).to.match(/^W\/"/);
      expect(gz.headers.get("etag")).to.not.equal(etag);
      // (fetch adds "Cache-Control: no-cache" to a conditional request unless told otherwise, and no-cache forbids a 304.)
      const revalidate = { ...auth, "accept-encoding": "identity", "if-none-match": etag, "cache-control": "max-age=0" };
      const unchanged = await fetch(url, { headers: revalidate });
      expect(unchanged.status).to.equal(304);

      // A split retires the last piece into two children: the next read shows them, and the old ETag no longer matches.
      const split = await c.supplier("POST", `/notes/${pieces[3]}/split`, { amounts: ["1000.00", "1500.00"] });
      expect(split.status, JSON.stringify(split.body)).to.equal(201);
      const [a, b] = split.body.items.map((n: { id: string }) => n.id as string);
      const after = await c.buyer("GET", `/notes/${rootId}/tree`);
      expect(after.body.root.children[3].status).to.equal("retired");
      expect(after.body.root.children[3].children.map((n: { id: string; face: string; status: string }) => [n.id, n.face, n.status])).to.deep.equal([
        [a, "1000.00", "active"],
        [b, "1500.00", "active"],
      ]);
      const changed = await fetch(url, { headers: revalidate });
      expect(changed.status).to.equal(200);
      expect(changed.headers.get("etag")).to.not.equal(etag);
      expect(await changed.json()).to.deep.equal(after.body);
      // Every node of the tree is the note as GET /notes/{id} shows it (the tree is built from the same rows).
      const flat = (n: { children: unknown[] }): Record<string, unknown>[] => [n, ...n.children.flatMap((ch) => flat(ch as typeof n))];
      for (const { children, ...node } of flat(after.body.root)) {
        expect(children).to.be.an("array");
        expect(node).to.deep.equal((await c.buyer("GET", `/notes/${node.id}`)).body);
      }

      // A write to another table the tree shows (the piece's financing) is seen too, by every scope's view.
      const req = await c.supplier("POST", "/financing-requests", { noteId: b, bankOrgId: orgs.bankB, amount: "1000.00" });
      expect(req.status, JSON.stringify(req.body)).to.equal(201);
      const financing = await c.buyer("GET", `/notes/${rootId}/tree`);
      expect(financing.body.root.children[3].children[1]).to.include({ id: b, status: "financing", financingRequestId: req.body.id });
      const bank = await c.officer3("GET", `/notes/${rootId}/tree`);
      expect(ids(bank.body.root)).to.deep.equal([rootId, pieces[3], b]);
      expect(bank.body.root.children[0].children[0]).to.include({ id: b, status: "financing" });
      const rejected = await c.officer3("POST", `/financing-requests/${req.body.id}/reject`, { reasonCode: 3, reason: "Concentration on the issuer" });
      expect(rejected.status, JSON.stringify(rejected.body)).to.equal(201);
      expect((await c.buyer("GET", `/notes/${rootId}/tree`)).body.root.children[3].children[1]).to.include({ id: b, status: "active" });
      expect((await c.officer3("GET", `/notes/${rootId}/tree`)).body.root.children[0].children[0]).to.include({ id: b, status: "active" });
    });
  });

  describe("the notes allowance", () => {
    it("a bank's officer and an issuer's admin set what the notes contract may draw; below it an advance or a payment is refused", async () => {
      const { bankB, acme, pearl, tier3 } = orgs;
      const policy = async () => (await c.officer3("GET", `/banks/${bankB}/policy`)).body.ledgerAllowance as string;
      const ledgerBefore = await policy();
      const low = await c.officer3("PUT", `/orgs/${bankB}/notes-allowance`, { amount: "1.00" });
      expect(low.status, JSON.stringify(low.body)).to.equal(200);
      expect(low.body).to.include({ orgId: bankB, allowance: "1.00" });
      expect(low.body.treasury).to.match(/^0x[0-9a-fA-F]{40}$/);
      expect(low.body.txHash).to.match(/^0x[0-9a-f]{64}$/);
      // The notes contract's allowance is its own: the ledger's is unchanged.
      expect(await policy()).to.equal(ledgerBefore);

      const { invoiceId } = await confirmedInvoice(p.credentials, "20000.00", "NOTE-ALW");
      const rootId = (await c.buyer("POST", "/notes", { invoiceId })).body.id as string;
      const req = await c.supplier("POST", "/financing-requests", { noteId: rootId, bankOrgId: bankB, amount: "10000.00" });
      expect(req.status, JSON.stringify(req.body)).to.equal(201);
      expect((await c.officer3("POST", `/financing-requests/${req.body.id}/approve`)).status).to.equal(201);
      expect((await c.officer4("POST", `/financing-requests/${req.body.id}/approve`)).body.status).to.equal("approved");
      const refused = await c.officer3("POST", `/financing-requests/${req.body.id}/disburse`);
      expect(refused.status).to.equal(422);
      expect(refused.body.error.code).to.equal("ALLOWANCE_TOO_LOW");
      expect(refused.body.error.details.contractError.name).to.equal("NoteFinancingAllowanceTooLow");
      expect((await c.officer3("PUT", `/orgs/${bankB}/notes-allowance`, { amount: "10000000.00" })).body.allowance).to.equal("10000000.00");
      const disbursed = await c.officer3("POST", `/financing-requests/${req.body.id}/disburse`);
      expect(disbursed.status, JSON.stringify(disbursed.body)).to.equal(201);

      // The issuer: paying into its tree draws on its treasury's notes allowance.
      expect((await c.buyer("PUT", `/orgs/${acme}/notes-allowance`, { amount: "1.00" })).body).to.include({ orgId: acme, allowance: "1.00" });
      const before = await balances();
      const unpaid = await c.buyer("POST", `/notes/${rootId}/payments`, { amount: "20000.00" });
      expect(unpaid.status).to.equal(422);
      expect(unpaid.body.error.code).to.equal("INSUFFICIENT_ALLOWANCE");
      expect(await balances()).to.deep.equal(before);
      expect((await c.buyer("PUT", `/orgs/${acme}/notes-allowance`, { amount: "20000000.00" })).status).to.equal(200);
      const paid = await c.buyer("POST", `/notes/${rootId}/payments`, { amount: "20000.00" });
      expect(paid.status, JSON.stringify(paid.body)).to.equal(201);
      expect(paid.body.note).to.include({ paid: "20000.00", outstanding: "0.00" });
      const after = await balances();
      expect(before[acme] - after[acme]).to.equal(2_000_000n);
      expect(after[bankB] - before[bankB]).to.equal(1_000_000n);
      expect(after[pearl] - before[pearl]).to.equal(1_000_000n);
      expect((await c.buyer("PUT", `/orgs/${acme}/notes-allowance`, { amount: "20000000.00" })).body.allowance).to.equal("20000000.00");

      // A supplier's admin sets its own; nobody sets another organisation's, and the operator none.
      expect((await c.tier3("PUT", `/orgs/${tier3}/notes-allowance`, { amount: "5.00" })).body).to.include({ orgId: tier3, allowance: "5.00" });
      const other = await c.tier2("PUT", `/orgs/${tier3}/notes-allowance`, { amount: "5.00" });
      expect(other.status).to.equal(403);
      expect(other.body.error.code).to.equal("FORBIDDEN");
      const byOperator = await c.operator("PUT", `/orgs/${acme}/notes-allowance`, { amount: "5.00" });
      expect(byOperator.status).to.equal(403);
      expect(byOperator.body.error.code).to.equal("FORBIDDEN");
      const byAuditor = await c.auditor("PUT", `/orgs/${acme}/notes-allowance`, { amount: "5.00" });
      expect(byAuditor.status).to.equal(403);
    });
  });

  describe("maker-checker, overdue and default", () => {
    let rootId: string;
    let financingId: string;

    it("finances a note at a bank without fast-track through two different officers", async () => {
      const { invoiceId } = await confirmedInvoice(p.credentials, "50000.00", "NOTE-MC");
      rootId = (await c.buyer("POST", "/notes", { invoiceId })).body.id;
      const req = await c.supplier("POST", "/financing-requests", { noteId: rootId, bankOrgId: orgs.bankB, amount: "45000.00" });
      expect(req.status, JSON.stringify(req.body)).to.equal(201);
      financingId = req.body.id;
      expect(req.body).to.include({ path: "maker-checker", approvalsRequired: 2, noteId: rootId });
      const first = await c.officer3("POST", `/financing-requests/${financingId}/approve`);
      expect(first.status).to.equal(201);
      expect(first.body.status).to.equal("requested");
      const same = await c.officer3("POST", `/financing-requests/${financingId}/approve`);
      expect(same.status).to.equal(409);
      expect(same.body.error.code).to.equal("DUPLICATE_APPROVAL");
      expect((await c.officer1("POST", `/financing-requests/${financingId}/approve`)).status).to.equal(404);
      const second = await c.officer4("POST", `/financing-requests/${financingId}/approve`);
      expect(second.body.status).to.equal("approved");
      const before = await balances();
      const disbursed = await c.officer3("POST", `/financing-requests/${financingId}/disburse`);
      expect(disbursed.status, JSON.stringify(disbursed.body)).to.equal(201);
      const after = await balances();
      expect(after[orgs.pearl] - before[orgs.pearl]).to.equal(minor(disbursed.body.netAmount));
      const recourse = await c.supplier("POST", `/financing-requests/${financingId}/repayments`, { amount: "1.00" });
      expect(recourse.status).to.equal(422);
      expect(recourse.body.error.code).to.equal("NOTE_FINANCING_REPAID_BY_CLEARING");
    });

    it("rejects a note financing with a reason; the note is free to act again", async () => {
      const { invoiceId } = await confirmedInvoice(p.credentials, "20000.00", "NOTE-RJ");
      const note = (await c.buyer("POST", "/notes", { invoiceId })).body.id;
      const req = await c.supplier("POST", "/financing-requests", { noteId: note, bankOrgId: orgs.bankB, amount: "10000.00" });
      const rejected = await c.officer3("POST", `/financing-requests/${req.body.id}/reject`, { reasonCode: 3, reason: "Concentration on the issuer" });
      expect(rejected.status, JSON.stringify(rejected.body)).to.equal(201);
      expect(rejected.body).to.include({ status: "rejected" });
      expect(rejected.body.rejection).to.deep.equal({ reasonCode: 3, officer: p.credentials.users.officer3.address, reason: "Concentration on the issuer" });
      expect((await c.supplier("GET", `/notes/${note}`)).body).to.include({ status: "active" });
    });

    it("marks an unpaid tree overdue after maturity plus grace, then the bank declares its financed leaf defaulted", async () => {
      const early = await c.officer3("POST", `/notes/${rootId}/mark-overdue`);
      expect(early.status).to.equal(422);
      expect(early.body.error.code).to.equal("NOT_YET_OVERDUE");
      const tooSoon = await c.officer3("POST", `/financing-requests/${financingId}/default`);
      expect(tooSoon.status).to.equal(422);
      expect(tooSoon.body.error.code).to.equal("NOT_OVERDUE");
      await p.gateway.services.provider.send("evm_increaseTime", [70 * 86400]);
      await p.gateway.services.provider.send("evm_mine", []);
      // Nobody clicks: the gateway's keeper marks the unpaid tree overdue with its role-less account, once.
      const round = await p.gateway.keeper.runOnce();
      expect(round.notesOverdueMarked).to.include(rootId);
      expect((await p.gateway.keeper.runOnce()).notesOverdueMarked).to.not.include(rootId);
      const marked = await c.officer3("GET", `/notes/${rootId}`);
      expect(marked.body).to.include({ id: rootId, status: "overdue", outstanding: "50000.00" });
      const twice = await c.officer3("POST", `/notes/${rootId}/mark-overdue`);
      expect(twice.status).to.equal(422);
      const defaulted = await c.officer3("POST", `/financing-requests/${financingId}/default`);
      expect(defaulted.status, JSON.stringify(defaulted.body)).to.equal(201);
      expect(defaulted.body.status).to.equal("defaulted");
      expect((await c.supplier("GET", `/notes/${rootId}`)).body.status).to.equal("defaulted");
      const overdue = await c.buyer("GET", "/notes?status=defaulted");
      expect(overdue.body.items.map((n: { id: string }) => n.id)).to.deep.equal([rootId]);
    });
  });

  describe("audit", () => {
    it("lists, exports and proves against the chain every note event (entityType=note), each party only its own", async () => {
      const listed = await c.auditor("GET", "/audit/events?entityType=note&limit=1000");
      expect(listed.status).to.equal(200);
      expect(listed.body.nextCursor).to.equal(null);
      const events = listed.body.items as { id: string; txHash: string; logIndex: number; eventType: string; entityType: string; entityId: string }[];
      expect(events.every((e) => e.entityType === "note")).to.equal(true);
      const types = new Set(events.map((e) => e.eventType));
      for (const t of ["NoteIssued", "NoteCreated", "NoteTransferred", "NoteSplit", "NoteTreePaymentReceived", "NotePaidOut", "NoteTreeMarkedOverdue"]) expect(types.has(t), t).to.equal(true);

      const auth = { authorization: `Bearer ${p.credentials.users.auditor.token}` };
      const json = await fetch(`${p.baseUrl}/api/v1/audit/export?entityType=note&format=json`, { headers: auth });
      expect(json.status).to.equal(200);
      expect(json.headers.get("content-disposition")).to.equal('attachment; filename="trellis-events.json"');
      const exported = (await json.json()) as typeof events;
      expect(exported.map((e) => e.id).sort()).to.deep.equal(events.map((e) => e.id).sort());
      const csv = await fetch(`${p.baseUrl}/api/v1/audit/export?entityType=note&format=csv`, { headers: auth });
      expect(csv.status).to.equal(200);
      const lines = (await csv.text()).trim().split("\n");
      expect(lines[0]).to.equal("id,blockNumber,logIndex,txHash,timestamp,eventType,entityType,entityId,actor,orgIds,args");
      expect(lines).to.have.length(events.length + 1);
      expect(lines.slice(1).every((l) => l.split(",")[6] === "note")).to.equal(true);

      // Each kind of note event, re-read from its receipt: the notes contract's log, matching the index field by field.
      const notes = p.gateway.services.ledger.notesAddress().toLowerCase();
      for (const t of ["NoteIssued", "NoteTransferred", "NoteSplit", "NotePaidOut", "NoteTreeMarkedOverdue"]) {
        const e = events.find((x) => x.eventType === t)!;
        const v = await c.auditor("GET", `/audit/verify/${e.txHash}/${e.logIndex}`);
        expect(v.status, JSON.stringify(v.body)).to.equal(200);
        expect(v.body, t).to.include({ match: true });
        expect(v.body.differences).to.deep.equal([]);
        expect(v.body.onChain).to.include({ eventType: t, txHash: e.txHash, logIndex: e.logIndex });
        expect(v.body.onChain.address.toLowerCase()).to.equal(notes);
      }

      // tier3 sees the events of its own notes and their ancestors only; another bank's officer none of its branch.
      const mine = await c.tier3("GET", "/audit/events?entityType=note&limit=1000");
      expect(mine.status).to.equal(200);
      const mineIds = new Set((mine.body.items as typeof events).map((e) => e.entityId));
      expect(mineIds.size).to.be.greaterThan(0);
      for (const id of mineIds) expect((await c.tier3("GET", `/notes/${id}`)).status, `note ${id}`).to.equal(200);
      const unseen = events.find((e) => !mineIds.has(e.entityId))!;
      expect((await c.tier3("GET", `/audit/verify/${unseen.txHash}/${unseen.logIndex}`)).status).to.equal(404);
      expect((await c.tier3("GET", `/audit/note/${unseen.entityId}/history`)).status).to.equal(404);
    });

    it("an audit sweep finds the noted invoices on chain as indexed and leaves the note financings to the notes contract", async () => {
      const s = await c.auditor("POST", "/audit/sweeps", {});
      expect(s.status, JSON.stringify(s.body)).to.equal(201);
      await sweepRunner(p.gateway.services).idle();
      const r = await c.auditor("GET", `/audit/sweeps/${s.body.id}`);
      expect(r.body).to.include({ status: "done", done: true, error: null, mismatchCount: 0 });
      const noteFinancing = (await c.auditor("GET", "/financing-requests")).body.items.find((f: { noteId: string | null }) => f.noteId !== null);
      expect((await c.auditor("GET", `/audit/verify/financing/${noteFinancing.id}`)).status).to.equal(404);
    });
  });
});

describe("Payable notes API: a self-custodied bank treasury's notes allowance", function () {
  this.timeout(300_000);
  let p: Platform;

  before(async () => {
    p = await startPlatform({ chain: "hardhat", custody: "self" });
  });
  after(async () => {
    await p?.stop();
  });

  it("is raised only with the treasury's own key, and only on the notes contract's allowance", async () => {
    const u = p.credentials.users;
    const bankA = p.credentials.orgs.bankA;
    const t = p.credentials.treasuries.bankA;
    const treasury = (await Wallet.fromEncryptedJson(fs.readFileSync(t.keystore!, "utf8"), t.passphrase!)) as Wallet;
    const admin = (await Wallet.fromEncryptedJson(fs.readFileSync(u.adminA.keystore!, "utf8"), u.adminA.passphrase!)) as Wallet;
    const { ledger, provider } = p.gateway.services;
    const token = SettlementToken__factory.connect(ledger.addresses.token, provider);
    const ledgerBefore = await token.allowance(treasury.address, ledger.addresses.ledger);

    const asked = await apiClient(p.baseUrl, u.adminA.token)("PUT", `/orgs/${bankA}/notes-allowance`, { amount: "7000000.00" });
    expect(asked.status, JSON.stringify(asked.body)).to.equal(202);
    expect(asked.body.signingRequest.typedData.message.from.toLowerCase()).to.equal(treasury.address.toLowerCase());
    const request = { url: p.baseUrl, token: u.adminA.token, method: "PUT", path: `/orgs/${bankA}/notes-allowance`, body: { amount: "7000000.00" } };
    const wrong = await drive({ ...request, wallet: admin }).catch((e: Error) => e);
    expect(wrong).to.be.instanceOf(Error);
    expect(await token.allowance(treasury.address, ledger.notesAddress())).to.not.equal(700_000_000n);
    const done = await drive({ ...request, wallet: treasury });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body).to.include({ orgId: bankA, allowance: "7000000.00" });
    expect(await token.allowance(treasury.address, ledger.notesAddress())).to.equal(700_000_000n);
    expect(await token.allowance(treasury.address, ledger.addresses.ledger)).to.equal(ledgerBefore);
  });
});

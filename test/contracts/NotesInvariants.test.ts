/**
 * Randomized sequences of payable-note actions (seeded, so every run is the same): issue, transfer, split, finance
 * (request, approve, reject, disburse), pay and clear, by random (often wrong) actors, with the notes' safety
 * properties checked after every step:
 *  - the live leaves (active or paid notes) of every tree add up to its root's face;
 *  - no note is ever held by two financings that were not rejected: never financed twice;
 *  - a retired note never acts: every action on it reverts with NoteRetired and changes nothing;
 *  - no token is created or lost: the total supply and the sum of all treasuries plus the notes contract are constant,
 *    and the notes contract holds exactly what the trees have been paid and not yet cleared;
 *  - each holder's credit utilisation with each bank equals what its disbursed or defaulted note financings still owe.
 * Reverts are allowed but must be custom errors of the notes contract or the ledger, never a panic.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { DAY, ORG, invoiceOf } from "../helpers/ledger-fixture";
import { NoteFinancingStatus, NoteStatus, TIER3, deployNotesNetwork, tradeRef } from "../helpers/notes-fixture";

const SEQUENCES = 10;
const STEPS = 45;

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const big = (max: bigint) => (max <= 0n ? 0n : BigInt(Math.floor(next() * Number(max))) + 1n);
  return { next, int, pick, big };
}

describe("Payable-note invariants under random sequences", function () {
  async function fixture() {
    const n = await deployNotesNetwork();
    // Three invoices to note, from Pearl to Acme.
    const invoices: bigint[] = [];
    for (let i = 0; i < 3; i++) invoices.push((await invoiceOf(n, 10_000_000n + BigInt(i) * 3_333_333n, { dueInSeconds: 90 * DAY })).invoiceId);
    return { ...n, invoices };
  }

  /** Successful actions of each kind across all sequences: the suite must really exercise every operation. */
  const done: Record<string, number> = { issue: 0, transfer: 0, split: 0, request: 0, officer: 0, pay: 0, clear: 0 };

  for (let seq = 0; seq < SEQUENCES; seq++) {
    it(`holds every invariant through sequence ${seq + 1}`, async function () {
      const n = await loadFixture(fixture);
      const { notes, token, ledger } = { notes: n.notes, ...n.contracts };
      const s = n.signers;
      const r = prng(0xbeef + seq * 7919);
      const suppliers: [bigint, HardhatEthersSigner][] = [
        [ORG.pearl, s.supplier],
        [ORG.quarry, s.supplier2],
        [TIER3, n.tier3],
      ];
      const officers = [s.officerA1, s.officerA2, s.officerB1];
      const everyone = [s.buyer, s.buyer2, s.supplier, s.supplier2, n.tier3, s.officerA1, s.officerA2, s.outsider];
      const notesAddress = await notes.getAddress();
      const watched = [...n.holders.map((h) => h.address), notesAddress];
      const supply = await token.totalSupply();
      const sumOf = async () => (await Promise.all(watched.map((a) => token.balanceOf(a)))).reduce((x, y) => x + y, 0n);
      const total = await sumOf();
      const issuedInvoices = new Set<bigint>();

      const expectCustom = (err: unknown) => {
        const data = (err as { data?: string }).data ?? "";
        const msg = String((err as Error).message);
        expect(msg, `unexpected failure: ${msg}`).to.not.match(/panic|overflow|underflow/i);
        // A custom error of the notes contract or the ledger (the ledger's pass through the notes' call).
        const decoded = notes.interface.parseError(data) ?? ledger.interface.parseError(data);
        expect(decoded, `not a known custom error: ${msg}`).to.not.equal(null);
        return decoded!;
      };
      const attempt = async (f: () => Promise<unknown>) => {
        try {
          await f();
          return null;
        } catch (err) {
          return expectCustom(err);
        }
      };

      for (let step = 0; step < STEPS; step++) {
        const [noteCount, financingCount] = await notes.counts();
        const noteIds = Array.from({ length: Number(noteCount) }, (_, i) => BigInt(i + 1));
        const action = r.int(9);
        const noteId = noteIds.length > 0 ? r.pick(noteIds) : 1n;
        const before = noteIds.length > 0 ? await notes.note(noteId) : null;
        const [holderOrg, holderSigner] = r.pick(suppliers);
        const actor = r.next() < 0.75 && before ? suppliers.find(([o]) => o === before.holderOrgId)?.[1] ?? holderSigner : r.pick(everyone);
        let error = null;
        if (action === 0 || noteIds.length === 0) {
          const invoiceId = r.pick(n.invoices);
          error = await attempt(() => notes.connect(r.next() < 0.8 ? s.buyer : r.pick(everyone)).issueNote(invoiceId));
          if (!error) issuedInvoices.add(invoiceId);
        } else if (action === 1 || action === 2) {
          const amount = r.next() < 0.1 ? before!.face + 1n : r.big(before!.face);
          error = await attempt(() =>
            notes.connect(actor).transferNote(noteId, r.pick([holderOrg, ORG.quarry, TIER3, ORG.bankA]), amount, tradeRef(`t${step}`), ethers.ZeroHash),
          );
        } else if (action === 3) {
          const k = 2 + r.int(3);
          const face = before!.face;
          const pieces = Array.from({ length: k - 1 }, () => face / BigInt(k));
          const amounts = [...pieces, face - pieces.reduce((x, y) => x + y, 0n) + (r.next() < 0.1 ? 1n : 0n)];
          error = await attempt(() => notes.connect(actor).splitNote(noteId, amounts));
        } else if (action === 4) {
          const amount = r.big((before!.face * 9n) / 10n);
          error = await attempt(() => notes.connect(actor).requestNoteFinancing(noteId, r.pick([ORG.bankA, ORG.bankB]), amount));
        } else if (action === 5 && financingCount > 0n) {
          const fid = BigInt(1 + r.int(Number(financingCount)));
          const officer = r.pick(officers);
          const op = r.int(3);
          error = await attempt(() =>
            op === 0
              ? notes.connect(officer).approveNoteFinancing(fid)
              : op === 1
                ? notes.connect(officer).disburseNoteFinancing(fid)
                : notes.connect(officer).rejectNoteFinancing(fid, 1, ethers.ZeroHash),
          );
        } else if (action === 6 || action === 7) {
          const rootId = before!.rootId;
          const t = await notes.tree(rootId);
          const face = (await notes.note(rootId)).face;
          const amount = r.next() < 0.1 ? face : r.big(face - t.paid);
          error = await attempt(() => notes.connect(r.next() < 0.85 ? s.buyer : r.pick(everyone)).payTree(rootId, amount, 1 + r.int(4)));
        } else {
          error = await attempt(() => notes.connect(r.pick(everyone)).clearTree(before!.rootId, 1 + r.int(6)));
          if (r.next() < 0.2) await time.increase(DAY);
        }
        const kind = action === 0 || noteIds.length === 0 ? "issue" : ["issue", "transfer", "transfer", "split", "request", "officer", "pay", "pay", "clear"][action];
        if (!error && !(action === 5 && financingCount === 0n)) done[kind] += 1;
        // A retired note never acts.
        if (before && before.status === BigInt(NoteStatus.Retired) && action >= 1 && action <= 4 && error) {
          const after = await notes.note(noteId);
          expect(after).to.deep.equal(before);
        }
        if (before && before.status === BigInt(NoteStatus.Retired) && action >= 1 && action <= 4) {
          expect(error, "a retired note acted").to.not.equal(null);
        }
        await checkInvariants();
      }

      async function checkInvariants() {
        const [noteCount, financingCount] = await notes.counts();
        const all = await Promise.all(Array.from({ length: Number(noteCount) }, (_, i) => notes.note(BigInt(i + 1))));
        const roots = all.map((x, i) => [x, BigInt(i + 1)] as const).filter(([x, id]) => x.rootId === id);
        let escrow = 0n;
        for (const [root, rootId] of roots) {
          const leaves = all.filter((x) => x.rootId === rootId && x.status !== BigInt(NoteStatus.Retired));
          expect(leaves.reduce((a, x) => a + x.face, 0n), `tree ${rootId} leaves`).to.equal(root.face);
          const t = await notes.tree(rootId);
          expect(t.cleared <= t.paid && t.paid <= root.face).to.equal(true);
          escrow += t.paid - t.cleared;
        }
        expect(await token.balanceOf(notesAddress)).to.equal(escrow);
        expect(await token.totalSupply()).to.equal(supply);
        expect(await sumOf()).to.equal(total);
        const fin = await Promise.all(Array.from({ length: Number(financingCount) }, (_, i) => notes.noteFinancing(BigInt(i + 1))));
        const perNote = new Map<bigint, number>();
        const owed = new Map<string, bigint>();
        for (const f of fin) {
          if (f.status !== BigInt(NoteFinancingStatus.Rejected)) perNote.set(f.noteId, (perNote.get(f.noteId) ?? 0) + 1);
          if (f.status === BigInt(NoteFinancingStatus.Disbursed) || f.status === BigInt(NoteFinancingStatus.Defaulted)) {
            const key = `${f.bankOrgId}:${all[Number(f.noteId) - 1].holderOrgId}`;
            owed.set(key, (owed.get(key) ?? 0n) + f.amount - f.repaid);
          }
        }
        for (const c of perNote.values()) expect(c, "a note financed twice").to.be.at.most(1);
        for (const bank of [ORG.bankA, ORG.bankB]) {
          for (const [org] of suppliers) {
            expect((await ledger.creditRecord(bank, org)).utilised).to.equal(owed.get(`${bank}:${org}`) ?? 0n);
          }
        }
      }
    });
  }

  it("exercised every kind of action", function () {
    for (const [kind, count] of Object.entries(done)) expect(count, kind).to.be.greaterThan(0);
  });
});

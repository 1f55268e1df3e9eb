import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { TrellisLedger__factory } from "../../typechain-types";
import {
  BANK_A,
  DAY,
  GRACE,
  InvoiceStatus,
  ORG,
  applyPolicy,
  creditLimit,
  expectedDiscount,
  invoiceOf,
  rates,
  requestOf,
} from "../helpers/ledger-fixture";
import {
  INVOICE_NOTED,
  NoteFinancingStatus,
  NoteStatus,
  TIER3,
  deployNotesNetwork,
  issuedNote,
  tradeRef,
} from "../helpers/notes-fixture";

describe("PayableNotes", function () {
  const FACE = 100_000_000n; // 1,000,000.00
  const TO_TIER2 = 60_000_000n;
  const REF = tradeRef("pearl-quarry-1");
  const DOC = ethers.id("doc");

  /** Note 1: Acme's note of FACE to Pearl, from invoice 1, maturing in 60 days. */
  async function noteFixture() {
    const n = await deployNotesNetwork();
    const root = await issuedNote(n, FACE);
    return { ...n, root };
  }

  /** Note 1 transferred in part: note 2 (TO_TIER2) to Quarry, note 3 (the rest) kept by Pearl. */
  async function transferredFixture() {
    const n = await loadFixture(noteFixture);
    await n.notes.connect(n.signers.supplier).transferNote(1n, ORG.quarry, TO_TIER2, REF, DOC);
    return n;
  }

  /** On top of `transferredFixture`: Quarry's note 2 financed at Bank A for 30,000,000 on the fast-track, disbursed. */
  async function financedFixture() {
    const n = await loadFixture(transferredFixture);
    const s = n.signers;
    await n.notes.connect(s.supplier2).requestNoteFinancing(2n, ORG.bankA, 30_000_000n);
    await n.notes.connect(s.officerA1).approveNoteFinancing(1n);
    await n.notes.connect(s.officerA1).disburseNoteFinancing(1n);
    return n;
  }

  describe("deployment and binding", function () {
    it("binds the notes contract to the ledger and its token", async function () {
      const { contracts, notes } = await loadFixture(noteFixture);
      expect(await contracts.ledger.notesContract()).to.equal(await notes.getAddress());
      expect(await notes.MAX_SPLIT()).to.equal(10n);
      expect(await notes.MAX_CLEAR_STEPS()).to.equal(100n);
    });

    describe("when the operator binds a second time", function () {
      it("reverts with NotesAlreadyBound", async function () {
        const { contracts, notes, signers: s } = await loadFixture(noteFixture);
        await expect(contracts.ledger.connect(s.operator).bindNotes(s.outsider.address))
          .to.be.revertedWithCustomError(contracts.ledger, "NotesAlreadyBound")
          .withArgs(await notes.getAddress());
      });
    });

    describe("on a fresh ledger", function () {
      async function freshLedger() {
        const n = await loadFixture(noteFixture);
        const s = n.signers;
        const ledger = await new TrellisLedger__factory(s.deployer).deploy(
          s.operator.address,
          await n.contracts.forwarder.getAddress(),
          await n.contracts.token.getAddress(),
          GRACE,
        );
        return { ...n, fresh: ledger };
      }

      it("lets the operator bind once and emits NotesBound", async function () {
        const { fresh, signers: s } = await freshLedger();
        expect(await fresh.notesContract()).to.equal(ethers.ZeroAddress);
        await expect(fresh.connect(s.operator).bindNotes(s.relayer.address))
          .to.emit(fresh, "NotesBound")
          .withArgs(s.relayer.address, s.operator.address);
        expect(await fresh.notesContract()).to.equal(s.relayer.address);
      });

      it("refuses anyone but the operator with RegistryNotOperator", async function () {
        const { fresh, signers: s } = await freshLedger();
        await expect(fresh.connect(s.outsider).bindNotes(s.relayer.address))
          .to.be.revertedWithCustomError(fresh, "RegistryNotOperator")
          .withArgs(s.outsider.address);
      });

      it("refuses the zero address with RegistryZeroAddress", async function () {
        const { fresh, signers: s } = await freshLedger();
        await expect(fresh.connect(s.operator).bindNotes(ethers.ZeroAddress)).to.be.revertedWithCustomError(
          fresh,
          "RegistryZeroAddress",
        );
      });
    });

    describe("when anyone but the notes contract calls a hook", function () {
      it("reverts with NotesOnly", async function () {
        const { contracts, signers: s, root } = await loadFixture(noteFixture);
        const ledger = contracts.ledger.connect(s.buyer);
        await expect(ledger.settleInvoiceThroughNote(root.invoiceId, ORG.acme, 9n))
          .to.be.revertedWithCustomError(ledger, "NotesOnly")
          .withArgs(s.buyer.address);
        await expect(ledger.applyNoteCredit(ORG.bankA, ORG.pearl, 0n, 1n, 0n, 0n))
          .to.be.revertedWithCustomError(ledger, "NotesOnly")
          .withArgs(s.buyer.address);
      });
    });
  });

  describe("issueNote", function () {
    it("creates the root held by the supplier, settles the invoice through it and emits NoteIssued", async function () {
      const n = await loadFixture(deployNotesNetwork);
      const { ledger } = n.contracts;
      const { invoiceId, dueDate } = await invoiceOf(n, FACE);
      const tx = n.notes.connect(n.signers.buyer).issueNote(invoiceId);
      await expect(tx)
        .to.emit(n.notes, "NoteIssued")
        .withArgs(1n, invoiceId, ORG.acme, ORG.pearl, FACE, dueDate, n.signers.buyer.address);
      await expect(tx).to.emit(ledger, "InvoiceSettledThroughNote").withArgs(invoiceId, 1n, FACE, dueDate);
      const note = await n.notes.note(1n);
      expect([note.face, note.rootId, note.parentId, note.holderOrgId, note.financingId, note.next, note.status]).to.deep.equal(
        [FACE, 1n, 0n, ORG.pearl, 0n, 0n, BigInt(NoteStatus.Active)],
      );
      const t = await n.notes.tree(1n);
      expect([t.issuerOrgId, t.maturity, t.tail, t.cursor, t.cursorPaid, t.overdue, t.paid, t.cleared]).to.deep.equal([
        ORG.acme,
        BigInt(dueDate),
        1n,
        1n,
        0n,
        false,
        0n,
        0n,
      ]);
      expect((await ledger.invoice(invoiceId)).status).to.equal(INVOICE_NOTED);
      expect(await n.notes.counts()).to.deep.equal([1n, 0n]);
    });

    describe("once the invoice is settled through a note", function () {
      it("can no longer be paid, financed, marked overdue or noted again on the ledger", async function () {
        const n = await loadFixture(noteFixture);
        const { ledger } = n.contracts;
        const id = n.root.invoiceId;
        await expect(ledger.connect(n.signers.buyer).payInvoice(id, 1n))
          .to.be.revertedWithCustomError(ledger, "InvoiceInvalidStatus")
          .withArgs(id, INVOICE_NOTED);
        await expect(ledger.connect(n.signers.supplier).requestFinancing(id, ORG.bankA, 1n))
          .to.be.revertedWithCustomError(ledger, "FinancingInvoiceNotFinanceable")
          .withArgs(id);
        await time.increase(70 * DAY);
        await expect(ledger.markOverdue(id))
          .to.be.revertedWithCustomError(ledger, "InvoiceInvalidStatus")
          .withArgs(id, INVOICE_NOTED);
        await expect(n.notes.connect(n.signers.buyer).issueNote(id))
          .to.be.revertedWithCustomError(ledger, "InvoiceInvalidStatus")
          .withArgs(id, INVOICE_NOTED);
      });
    });

    describe("when the caller is not a core enterprise's member", function () {
      it("reverts with NoteActorNotAllowed", async function () {
        const n = await loadFixture(deployNotesNetwork);
        const { invoiceId } = await invoiceOf(n, FACE);
        await expect(n.notes.connect(n.signers.supplier).issueNote(invoiceId))
          .to.be.revertedWithCustomError(n.notes, "NoteActorNotAllowed")
          .withArgs(n.signers.supplier.address, ORG.pearl);
        await expect(n.notes.connect(n.signers.outsider).issueNote(invoiceId))
          .to.be.revertedWithCustomError(n.notes, "NoteActorNotAllowed")
          .withArgs(n.signers.outsider.address, 0n);
      });
    });

    describe("when another core enterprise owes the invoice", function () {
      it("reverts with the ledger's InvoiceNotBuyer", async function () {
        const n = await loadFixture(deployNotesNetwork);
        const { invoiceId } = await invoiceOf(n, FACE);
        await expect(n.notes.connect(n.signers.buyer2).issueNote(invoiceId))
          .to.be.revertedWithCustomError(n.contracts.ledger, "InvoiceNotBuyer")
          .withArgs(invoiceId, ORG.borealis);
      });
    });

    describe("when the invoice is unknown, unconfirmed, disputed or part paid", function () {
      it("reverts with the ledger's InvoiceUnknown or InvoiceInvalidStatus", async function () {
        const n = await loadFixture(deployNotesNetwork);
        const { ledger } = n.contracts;
        const b = n.notes.connect(n.signers.buyer);
        await expect(b.issueNote(99n)).to.be.revertedWithCustomError(ledger, "InvoiceUnknown").withArgs(99n);
        const issued = await invoiceOf(n, FACE, { confirm: false });
        await expect(b.issueNote(issued.invoiceId))
          .to.be.revertedWithCustomError(ledger, "InvoiceInvalidStatus")
          .withArgs(issued.invoiceId, InvoiceStatus.Issued);
        const disputed = await invoiceOf(n, FACE, { confirm: false });
        await ledger.connect(n.signers.buyer).disputeInvoice(disputed.invoiceId, 1, ethers.id("why"));
        await expect(b.issueNote(disputed.invoiceId))
          .to.be.revertedWithCustomError(ledger, "InvoiceInvalidStatus")
          .withArgs(disputed.invoiceId, InvoiceStatus.Disputed);
        const part = await invoiceOf(n, FACE);
        await ledger.connect(n.signers.buyer).payInvoice(part.invoiceId, 1n);
        await expect(b.issueNote(part.invoiceId))
          .to.be.revertedWithCustomError(ledger, "InvoiceInvalidStatus")
          .withArgs(part.invoiceId, InvoiceStatus.Confirmed);
      });
    });

    describe("when the invoice is held by a financing request", function () {
      it("reverts with FinancingInvoiceAlreadyFinanced, and issues once the request is rejected", async function () {
        const n = await loadFixture(deployNotesNetwork);
        const { ledger } = n.contracts;
        const { invoiceId } = await invoiceOf(n, FACE);
        const requestId = await requestOf(n, invoiceId, ORG.bankA, 1_000_000n);
        await expect(n.notes.connect(n.signers.buyer).issueNote(invoiceId))
          .to.be.revertedWithCustomError(ledger, "FinancingInvoiceAlreadyFinanced")
          .withArgs(invoiceId, requestId);
        await ledger.connect(n.signers.officerA1).rejectFinancing(requestId, 1, ethers.id("no"));
        await expect(n.notes.connect(n.signers.buyer).issueNote(invoiceId)).to.emit(n.notes, "NoteIssued");
      });
    });
  });

  describe("transferNote", function () {
    it("retires the note into the transferred piece and the remainder and emits NoteTransferred", async function () {
      const { notes, signers: s } = await loadFixture(noteFixture);
      const tx = notes.connect(s.supplier).transferNote(1n, ORG.quarry, TO_TIER2, REF, DOC);
      await expect(tx)
        .to.emit(notes, "NoteTransferred")
        .withArgs(1n, 2n, ORG.quarry, 3n, ORG.pearl, TO_TIER2, REF, DOC, s.supplier.address);
      await expect(tx).to.emit(notes, "NoteCreated").withArgs(2n, 1n, 1n, ORG.quarry, TO_TIER2);
      await expect(tx)
        .to.emit(notes, "NoteCreated")
        .withArgs(3n, 1n, 1n, ORG.pearl, FACE - TO_TIER2);
      expect((await notes.note(1n)).status).to.equal(NoteStatus.Retired);
      expect((await notes.note(1n)).next).to.equal(2n);
      const piece = await notes.note(2n);
      expect([piece.face, piece.rootId, piece.parentId, piece.holderOrgId, piece.next, piece.status]).to.deep.equal([
        TO_TIER2,
        1n,
        1n,
        ORG.quarry,
        3n,
        BigInt(NoteStatus.Active),
      ]);
      expect((await notes.tree(1n)).tail).to.equal(3n);
    });

    describe("when the whole note is transferred", function () {
      it("creates only the transferred piece (remainder 0)", async function () {
        const { notes, signers: s } = await loadFixture(noteFixture);
        const tx = notes.connect(s.supplier).transferNote(1n, ORG.quarry, FACE, REF, ethers.ZeroHash);
        await expect(tx)
          .to.emit(notes, "NoteTransferred")
          .withArgs(1n, 2n, ORG.quarry, 0n, ORG.pearl, FACE, REF, ethers.ZeroHash, s.supplier.address);
        expect(await notes.counts()).to.deep.equal([2n, 0n]);
      });
    });

    describe("when a tier-2 holder passes part on to tier 3", function () {
      it("grows the tree under the tier-2 piece", async function () {
        const { notes, signers: s } = await loadFixture(transferredFixture);
        await expect(notes.connect(s.supplier2).transferNote(2n, TIER3, 10_000_000n, tradeRef("q-t3"), DOC))
          .to.emit(notes, "NoteCreated")
          .withArgs(4n, 1n, 2n, TIER3, 10_000_000n);
        expect((await notes.note(5n)).holderOrgId).to.equal(ORG.quarry);
      });
    });

    describe("when the caller's organisation does not hold the note", function () {
      it("reverts with NoteNotHolder", async function () {
        const { notes, signers: s } = await loadFixture(noteFixture);
        await expect(notes.connect(s.supplier2).transferNote(1n, ORG.pearl, 1n, REF, DOC))
          .to.be.revertedWithCustomError(notes, "NoteNotHolder")
          .withArgs(1n, ORG.quarry);
      });
    });

    describe("when the caller is not a supplier's member", function () {
      it("reverts with NoteActorNotAllowed", async function () {
        const { notes, signers: s } = await loadFixture(noteFixture);
        await expect(notes.connect(s.buyer).transferNote(1n, ORG.quarry, 1n, REF, DOC))
          .to.be.revertedWithCustomError(notes, "NoteActorNotAllowed")
          .withArgs(s.buyer.address, ORG.acme);
      });
    });

    describe("when the note is retired or unknown", function () {
      it("reverts with NoteRetired or NoteUnknown", async function () {
        const { notes, signers: s } = await loadFixture(transferredFixture);
        await expect(notes.connect(s.supplier).transferNote(1n, ORG.quarry, 1n, REF, DOC))
          .to.be.revertedWithCustomError(notes, "NoteRetired")
          .withArgs(1n);
        await expect(notes.connect(s.supplier).transferNote(42n, ORG.quarry, 1n, REF, DOC))
          .to.be.revertedWithCustomError(notes, "NoteUnknown")
          .withArgs(42n);
      });
    });

    describe("when the amount is zero or more than the note", function () {
      it("reverts with NoteZeroAmount or NoteAmountExceedsFace", async function () {
        const { notes, signers: s } = await loadFixture(noteFixture);
        await expect(notes.connect(s.supplier).transferNote(1n, ORG.quarry, 0n, REF, DOC)).to.be.revertedWithCustomError(
          notes,
          "NoteZeroAmount",
        );
        await expect(notes.connect(s.supplier).transferNote(1n, ORG.quarry, FACE + 1n, REF, DOC))
          .to.be.revertedWithCustomError(notes, "NoteAmountExceedsFace")
          .withArgs(1n, FACE + 1n, FACE);
      });
    });

    describe("when the trade reference is missing", function () {
      it("reverts with NoteEmptyTradeReference", async function () {
        const { notes, signers: s } = await loadFixture(noteFixture);
        await expect(
          notes.connect(s.supplier).transferNote(1n, ORG.quarry, 1n, ethers.ZeroHash, DOC),
        ).to.be.revertedWithCustomError(notes, "NoteEmptyTradeReference");
      });
    });

    describe("when the recipient is the holder, not a supplier, or suspended", function () {
      it("reverts with NoteRecipientNotSupplier", async function () {
        const { notes, contracts, signers: s } = await loadFixture(noteFixture);
        const p = notes.connect(s.supplier);
        for (const org of [ORG.pearl, ORG.bankA, ORG.acme, 99n]) {
          await expect(p.transferNote(1n, org, 1n, REF, DOC))
            .to.be.revertedWithCustomError(notes, "NoteRecipientNotSupplier")
            .withArgs(org);
        }
        await contracts.ledger.connect(s.operator).suspendOrganization(ORG.quarry);
        await expect(p.transferNote(1n, ORG.quarry, 1n, REF, DOC))
          .to.be.revertedWithCustomError(notes, "NoteRecipientNotSupplier")
          .withArgs(ORG.quarry);
      });
    });

    describe("when the note is in financing or financed", function () {
      it("reverts with NoteInFinancing; a rejected financing frees the note", async function () {
        const { notes, signers: s } = await loadFixture(noteFixture);
        await notes.connect(s.supplier).requestNoteFinancing(1n, ORG.bankA, 1_000_000n);
        await expect(notes.connect(s.supplier).transferNote(1n, ORG.quarry, 1n, REF, DOC))
          .to.be.revertedWithCustomError(notes, "NoteInFinancing")
          .withArgs(1n, 1n);
        await expect(notes.connect(s.supplier).splitNote(1n, [1n, FACE - 1n]))
          .to.be.revertedWithCustomError(notes, "NoteInFinancing")
          .withArgs(1n, 1n);
        await notes.connect(s.officerA1).rejectNoteFinancing(1n, 2, ethers.id("no"));
        await expect(notes.connect(s.supplier).transferNote(1n, ORG.quarry, 1n, REF, DOC)).to.emit(
          notes,
          "NoteTransferred",
        );
      });

      it("keeps a disbursed piece where it is", async function () {
        const { notes, signers: s } = await loadFixture(financedFixture);
        await expect(notes.connect(s.supplier2).transferNote(2n, TIER3, 1n, REF, DOC))
          .to.be.revertedWithCustomError(notes, "NoteInFinancing")
          .withArgs(2n, 1n);
      });
    });

    describe("when the note is part paid or paid", function () {
      it("reverts with NotePaid", async function () {
        const { notes, signers: s } = await loadFixture(transferredFixture);
        await notes.connect(s.buyer).payTree(1n, 1_000n, 10);
        await expect(notes.connect(s.supplier2).transferNote(2n, TIER3, 1n, REF, DOC))
          .to.be.revertedWithCustomError(notes, "NotePaid")
          .withArgs(2n, 1_000n);
        await notes.connect(s.buyer).payTree(1n, TO_TIER2, 10);
        await expect(notes.connect(s.supplier2).transferNote(2n, TIER3, 1n, REF, DOC))
          .to.be.revertedWithCustomError(notes, "NotePaid")
          .withArgs(2n, TO_TIER2);
      });
    });
  });

  describe("splitNote", function () {
    it("retires the note into pieces that add up to it and emits NoteSplit", async function () {
      const { notes, signers: s } = await loadFixture(noteFixture);
      const amounts = [10_000_000n, 20_000_000n, 70_000_000n];
      const tx = notes.connect(s.supplier).splitNote(1n, amounts);
      await expect(tx).to.emit(notes, "NoteSplit").withArgs(1n, ORG.pearl, [2n, 3n, 4n], s.supplier.address);
      for (const [i, a] of amounts.entries()) {
        await expect(tx)
          .to.emit(notes, "NoteCreated")
          .withArgs(BigInt(i + 2), 1n, 1n, ORG.pearl, a);
      }
      expect((await notes.note(1n)).status).to.equal(NoteStatus.Retired);
      expect((await notes.note(4n)).face).to.equal(70_000_000n);
    });

    it("splits into ten", async function () {
      const { notes, signers: s } = await loadFixture(noteFixture);
      await notes.connect(s.supplier).splitNote(1n, Array(10).fill(FACE / 10n));
      expect(await notes.counts()).to.deep.equal([11n, 0n]);
    });

    describe("when the count is below two or above ten", function () {
      it("reverts with NoteSplitCount", async function () {
        const { notes, signers: s } = await loadFixture(noteFixture);
        await expect(notes.connect(s.supplier).splitNote(1n, [FACE]))
          .to.be.revertedWithCustomError(notes, "NoteSplitCount")
          .withArgs(1n, 10n);
        await expect(notes.connect(s.supplier).splitNote(1n, Array(11).fill(FACE / 10n)))
          .to.be.revertedWithCustomError(notes, "NoteSplitCount")
          .withArgs(11n, 10n);
      });
    });

    describe("when a piece is zero or the pieces do not add up", function () {
      it("reverts with NoteZeroAmount or NoteSplitSumMismatch", async function () {
        const { notes, signers: s } = await loadFixture(noteFixture);
        await expect(notes.connect(s.supplier).splitNote(1n, [0n, FACE])).to.be.revertedWithCustomError(
          notes,
          "NoteZeroAmount",
        );
        await expect(notes.connect(s.supplier).splitNote(1n, [1n, FACE]))
          .to.be.revertedWithCustomError(notes, "NoteSplitSumMismatch")
          .withArgs(1n, FACE + 1n, FACE);
      });
    });

    describe("when the note is retired", function () {
      it("reverts with NoteRetired", async function () {
        const { notes, signers: s } = await loadFixture(transferredFixture);
        await expect(notes.connect(s.supplier).splitNote(1n, [1n, FACE - 1n]))
          .to.be.revertedWithCustomError(notes, "NoteRetired")
          .withArgs(1n);
      });
    });
  });

  describe("requestNoteFinancing", function () {
    it("takes the fast-track when the bank trusts the issuer, reserving fast-track exposure", async function () {
      const { notes, contracts, signers: s } = await loadFixture(transferredFixture);
      const tx = notes.connect(s.supplier2).requestNoteFinancing(2n, ORG.bankA, 30_000_000n);
      await expect(tx)
        .to.emit(notes, "NoteFinancingRequested")
        .withArgs(1n, 2n, ORG.bankA, ORG.quarry, 30_000_000n, true, BANK_A.discountRateBps, s.supplier2.address);
      await expect(tx).to.emit(contracts.ledger, "NoteCreditChanged").withArgs(ORG.bankA, ORG.quarry, 0n, 30_000_000n);
      expect(await contracts.ledger.fastTrackExposure(ORG.bankA, ORG.quarry)).to.deep.equal([
        30_000_000n,
        BANK_A.fastTrackLimit - 30_000_000n,
      ]);
      const f = await notes.noteFinancing(1n);
      expect([f.noteId, f.bankOrgId, f.amount, f.status, f.fastTrack, f.approvals, f.discountRateBps]).to.deep.equal([
        2n,
        ORG.bankA,
        30_000_000n,
        BigInt(NoteFinancingStatus.Requested),
        true,
        0n,
        BigInt(BANK_A.discountRateBps),
      ]);
      expect((await notes.note(2n)).financingId).to.equal(1n);
    });

    describe("when the amount is above the fast-track limit", function () {
      it("goes to maker-checker and reserves no exposure", async function () {
        const { notes, contracts, signers: s } = await loadFixture(noteFixture);
        const amount = BANK_A.fastTrackLimit + 1n;
        const tx = notes.connect(s.supplier).requestNoteFinancing(1n, ORG.bankA, amount);
        await expect(tx)
          .to.emit(notes, "NoteFinancingRequested")
          .withArgs(1n, 1n, ORG.bankA, ORG.pearl, amount, false, BANK_A.discountRateBps, s.supplier.address);
        await expect(tx).to.not.emit(contracts.ledger, "NoteCreditChanged");
      });
    });

    describe("when the bank does not trust the issuer", function () {
      it("goes to maker-checker", async function () {
        const n = await loadFixture(deployNotesNetwork);
        const { noteId } = await issuedNote(n, FACE, { buyer: n.signers.buyer2 });
        await expect(n.notes.connect(n.signers.supplier).requestNoteFinancing(noteId, ORG.bankA, 1_000n))
          .to.emit(n.notes, "NoteFinancingRequested")
          .withArgs(1n, noteId, ORG.bankA, ORG.pearl, 1_000n, false, BANK_A.discountRateBps, n.signers.supplier.address);
      });
    });

    describe("when the note has matured", function () {
      it("reverts with NoteMatured", async function () {
        const { notes, signers: s, root } = await loadFixture(noteFixture);
        await time.increaseTo(root.dueDate);
        await expect(notes.connect(s.supplier).requestNoteFinancing(1n, ORG.bankA, 1n))
          .to.be.revertedWithCustomError(notes, "NoteMatured")
          .withArgs(1n, root.dueDate);
      });
    });

    describe("when the bank is not an active bank", function () {
      it("reverts with NoteNotBank", async function () {
        const { notes, contracts, signers: s } = await loadFixture(noteFixture);
        await expect(notes.connect(s.supplier).requestNoteFinancing(1n, ORG.acme, 1n))
          .to.be.revertedWithCustomError(notes, "NoteNotBank")
          .withArgs(ORG.acme);
        await contracts.ledger.connect(s.operator).suspendOrganization(ORG.bankB);
        await expect(notes.connect(s.supplier).requestNoteFinancing(1n, ORG.bankB, 1n))
          .to.be.revertedWithCustomError(notes, "NoteNotBank")
          .withArgs(ORG.bankB);
      });
    });

    describe("when the amount is zero, above the advance or above the holder's credit", function () {
      it("reverts with NoteZeroAmount, NoteFinancingExceedsAdvance or NoteFinancingExceedsCredit", async function () {
        const { notes, signers: s } = await loadFixture(transferredFixture);
        await expect(notes.connect(s.supplier).requestNoteFinancing(3n, ORG.bankA, 0n)).to.be.revertedWithCustomError(
          notes,
          "NoteZeroAmount",
        );
        const max = ((FACE - TO_TIER2) * 9000n) / 10_000n;
        await expect(notes.connect(s.supplier).requestNoteFinancing(3n, ORG.bankA, max + 1n))
          .to.be.revertedWithCustomError(notes, "NoteFinancingExceedsAdvance")
          .withArgs(max + 1n, max);
        // Quarry has no credit limit at Bank B.
        await expect(notes.connect(s.supplier2).requestNoteFinancing(2n, ORG.bankB, 1n))
          .to.be.revertedWithCustomError(notes, "NoteFinancingExceedsCredit")
          .withArgs(1n, 0n);
      });
    });

    describe("when the note already has a live financing", function () {
      it("reverts with NoteInFinancing: no note is financed twice", async function () {
        const { notes, signers: s } = await loadFixture(financedFixture);
        await expect(notes.connect(s.supplier2).requestNoteFinancing(2n, ORG.bankA, 1n))
          .to.be.revertedWithCustomError(notes, "NoteInFinancing")
          .withArgs(2n, 1n);
      });
    });
  });

  describe("approveNoteFinancing", function () {
    describe("on the fast-track", function () {
      it("approves with one officer", async function () {
        const { notes, signers: s } = await loadFixture(transferredFixture);
        await notes.connect(s.supplier2).requestNoteFinancing(2n, ORG.bankA, 30_000_000n);
        await expect(notes.connect(s.officerA1).approveNoteFinancing(1n))
          .to.emit(notes, "NoteFinancingApproved")
          .withArgs(1n, s.officerA1.address, 1n, 1n);
        expect((await notes.noteFinancing(1n)).status).to.equal(NoteFinancingStatus.Approved);
        await expect(notes.connect(s.officerA2).approveNoteFinancing(1n))
          .to.be.revertedWithCustomError(notes, "NoteFinancingInvalidStatus")
          .withArgs(1n, NoteFinancingStatus.Approved);
      });
    });

    describe("under maker-checker", function () {
      it("needs two different officers", async function () {
        const { notes, signers: s } = await loadFixture(noteFixture);
        await notes.connect(s.supplier).requestNoteFinancing(1n, ORG.bankA, BANK_A.fastTrackLimit + 1n);
        await expect(notes.connect(s.officerA1).approveNoteFinancing(1n))
          .to.emit(notes, "NoteFinancingApproved")
          .withArgs(1n, s.officerA1.address, 1n, 2n);
        expect((await notes.noteFinancing(1n)).status).to.equal(NoteFinancingStatus.Requested);
        await expect(notes.connect(s.officerA1).approveNoteFinancing(1n))
          .to.be.revertedWithCustomError(notes, "NoteFinancingDuplicateApproval")
          .withArgs(1n, s.officerA1.address);
        await expect(notes.connect(s.officerA2).approveNoteFinancing(1n))
          .to.emit(notes, "NoteFinancingApproved")
          .withArgs(1n, s.officerA2.address, 2n, 2n);
        const f = await notes.noteFinancing(1n);
        expect([f.status, f.approvals, f.firstApprover]).to.deep.equal([
          BigInt(NoteFinancingStatus.Approved),
          2n,
          s.officerA1.address,
        ]);
      });
    });

    describe("when the caller is another bank's officer, a bank admin, or the financing is unknown", function () {
      it("reverts with NoteFinancingNotBank, NoteActorNotAllowed or NoteFinancingUnknown", async function () {
        const { notes, signers: s } = await loadFixture(noteFixture);
        await notes.connect(s.supplier).requestNoteFinancing(1n, ORG.bankA, 1_000n);
        await expect(notes.connect(s.officerB1).approveNoteFinancing(1n))
          .to.be.revertedWithCustomError(notes, "NoteFinancingNotBank")
          .withArgs(1n, ORG.bankB);
        await expect(notes.connect(s.adminA).approveNoteFinancing(1n))
          .to.be.revertedWithCustomError(notes, "NoteActorNotAllowed")
          .withArgs(s.adminA.address, ORG.bankA);
        await expect(notes.connect(s.officerA1).approveNoteFinancing(7n))
          .to.be.revertedWithCustomError(notes, "NoteFinancingUnknown")
          .withArgs(7n);
      });
    });
  });

  describe("rejectNoteFinancing", function () {
    it("rejects a fast-track request and releases its exposure", async function () {
      const { notes, contracts, signers: s } = await loadFixture(transferredFixture);
      await notes.connect(s.supplier2).requestNoteFinancing(2n, ORG.bankA, 30_000_000n);
      const why = ethers.id("why");
      const tx = notes.connect(s.officerA2).rejectNoteFinancing(1n, 3, why);
      await expect(tx).to.emit(notes, "NoteFinancingRejected").withArgs(1n, s.officerA2.address, 3n, why);
      await expect(tx).to.emit(contracts.ledger, "NoteCreditChanged").withArgs(ORG.bankA, ORG.quarry, 0n, 0n);
      expect((await notes.noteFinancing(1n)).status).to.equal(NoteFinancingStatus.Rejected);
    });

    it("rejects an approved maker-checker request without touching credit", async function () {
      const { notes, contracts, signers: s } = await loadFixture(noteFixture);
      await notes.connect(s.supplier).requestNoteFinancing(1n, ORG.bankA, BANK_A.fastTrackLimit + 1n);
      await notes.connect(s.officerA1).approveNoteFinancing(1n);
      await notes.connect(s.officerA2).approveNoteFinancing(1n);
      const tx = notes.connect(s.officerA1).rejectNoteFinancing(1n, 1, ethers.ZeroHash);
      await expect(tx).to.emit(notes, "NoteFinancingRejected");
      await expect(tx).to.not.emit(contracts.ledger, "NoteCreditChanged");
    });

    describe("when the financing is disbursed", function () {
      it("reverts with NoteFinancingInvalidStatus", async function () {
        const { notes, signers: s } = await loadFixture(financedFixture);
        await expect(notes.connect(s.officerA1).rejectNoteFinancing(1n, 1, ethers.ZeroHash))
          .to.be.revertedWithCustomError(notes, "NoteFinancingInvalidStatus")
          .withArgs(1n, NoteFinancingStatus.Disbursed);
      });
    });
  });

  describe("disburseNoteFinancing", function () {
    it("pays the advance less the actual/360 discount from the bank to the holder and raises utilisation", async function () {
      const { notes, contracts, signers: s, root } = await loadFixture(transferredFixture);
      await notes.connect(s.supplier2).requestNoteFinancing(2n, ORG.bankA, 30_000_000n);
      await notes.connect(s.officerA1).approveNoteFinancing(1n);
      const at = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(at);
      const [discount, days] = expectedDiscount(30_000_000n, 1200n, BigInt(at), BigInt(root.dueDate));
      const net = 30_000_000n - discount;
      const tx = notes.connect(s.officerA1).disburseNoteFinancing(1n);
      await expect(tx)
        .to.emit(notes, "NoteFinancingDisbursed")
        .withArgs(1n, 2n, ORG.bankA, 30_000_000n, discount, net, days, s.officerA1.address);
      await expect(tx).to.changeTokenBalances(contracts.token, [s.bankATreasury, s.quarryTreasury], [-net, net]);
      await expect(tx)
        .to.emit(contracts.ledger, "NoteCreditChanged")
        .withArgs(ORG.bankA, ORG.quarry, 30_000_000n, 30_000_000n);
      expect((await contracts.ledger.creditRecord(ORG.bankA, ORG.quarry)).utilised).to.equal(30_000_000n);
      expect((await notes.noteFinancing(1n)).status).to.equal(NoteFinancingStatus.Disbursed);
    });

    describe("when the financing is not approved", function () {
      it("reverts with NoteFinancingInvalidStatus", async function () {
        const { notes, signers: s } = await loadFixture(noteFixture);
        await notes.connect(s.supplier).requestNoteFinancing(1n, ORG.bankA, 1_000n);
        await expect(notes.connect(s.officerA1).disburseNoteFinancing(1n))
          .to.be.revertedWithCustomError(notes, "NoteFinancingInvalidStatus")
          .withArgs(1n, NoteFinancingStatus.Requested);
      });
    });

    describe("when the note was paid after the approval", function () {
      it("reverts with NotePaid: the holder was paid instead", async function () {
        const { notes, signers: s } = await loadFixture(noteFixture);
        await notes.connect(s.supplier).requestNoteFinancing(1n, ORG.bankA, 1_000n);
        await notes.connect(s.officerA1).approveNoteFinancing(1n);
        await notes.connect(s.buyer).payTree(1n, 5n, 1);
        await expect(notes.connect(s.officerA1).disburseNoteFinancing(1n))
          .to.be.revertedWithCustomError(notes, "NotePaid")
          .withArgs(1n, 5n);
      });
    });

    describe("when the bank's treasury allowance is too low", function () {
      it("reverts with NoteFinancingAllowanceTooLow", async function () {
        const { notes, contracts, signers: s } = await loadFixture(noteFixture);
        await notes.connect(s.supplier).requestNoteFinancing(1n, ORG.bankA, 1_000_000n);
        await notes.connect(s.officerA1).approveNoteFinancing(1n);
        await contracts.token.connect(s.bankATreasury).approve(await notes.getAddress(), 5n);
        await expect(notes.connect(s.officerA1).disburseNoteFinancing(1n)).to.be.revertedWithCustomError(
          notes,
          "NoteFinancingAllowanceTooLow",
        );
      });
    });

    describe("when the credit limit fell below the advance since the request", function () {
      it("reverts with the ledger's FinancingAmountExceedsCredit", async function () {
        const n = await loadFixture(noteFixture);
        const s = n.signers;
        await n.notes.connect(s.supplier).requestNoteFinancing(1n, ORG.bankA, 1_000_000n);
        await n.notes.connect(s.officerA1).approveNoteFinancing(1n);
        await applyPolicy(n, s.officerA1, s.officerA2, creditLimit(ORG.pearl, 999_999n));
        await expect(n.notes.connect(s.officerA1).disburseNoteFinancing(1n))
          .to.be.revertedWithCustomError(n.contracts.ledger, "FinancingAmountExceedsCredit")
          .withArgs(1_000_000n, 999_999n);
        await applyPolicy(n, s.officerA1, s.officerA2, creditLimit(ORG.pearl, 0n));
        await expect(n.notes.connect(s.officerA1).disburseNoteFinancing(1n))
          .to.be.revertedWithCustomError(n.contracts.ledger, "FinancingAmountExceedsCredit")
          .withArgs(1_000_000n, 0n);
      });
    });

    describe("when the discount takes the whole advance", function () {
      it("moves no money but records the advance as owed", async function () {
        const n = await loadFixture(deployNotesNetwork);
        const s = n.signers;
        await applyPolicy(n, s.officerB1, s.officerB2, rates(9000, 10_000, 100_000_00n));
        const { noteId } = await issuedNote(n, FACE, { dueInSeconds: 400 * DAY });
        await n.notes.connect(s.supplier).requestNoteFinancing(noteId, ORG.bankB, 1_000n);
        await n.notes.connect(s.officerB1).approveNoteFinancing(1n);
        const tx = n.notes.connect(s.officerB1).disburseNoteFinancing(1n);
        await expect(tx).to.changeTokenBalances(n.contracts.token, [s.bankBTreasury, s.pearlTreasury], [0n, 0n]);
        await expect(tx).to.emit(n.notes, "NoteFinancingDisbursed").withArgs(1n, noteId, ORG.bankB, 1_000n, 1_000n, 0n, 400n, s.officerB1.address);
      });
    });
  });

  describe("payTree", function () {
    it("clears every leaf in creation order: each funding bank first, then its holder", async function () {
      const { notes, contracts, signers: s } = await loadFixture(financedFixture);
      const { token, ledger } = contracts;
      const notesAddress = await notes.getAddress();
      const tx = notes.connect(s.buyer).payTree(1n, FACE, 10);
      await expect(tx).to.emit(notes, "NoteTreePaymentReceived").withArgs(1n, FACE, FACE, s.buyer.address);
      await expect(tx)
        .to.emit(notes, "NotePaidOut")
        .withArgs(2n, 1n, 1n, ORG.quarry, 30_000_000n, TO_TIER2 - 30_000_000n, TO_TIER2, true);
      await expect(tx)
        .to.emit(notes, "NotePaidOut")
        .withArgs(3n, 1n, 0n, ORG.pearl, 0n, FACE - TO_TIER2, FACE - TO_TIER2, true);
      await expect(tx)
        .to.emit(notes, "NoteFinancingRepaid")
        .withArgs(1n, 30_000_000n, 30_000_000n, NoteFinancingStatus.Repaid);
      await expect(tx).to.emit(ledger, "NoteCreditChanged").withArgs(ORG.bankA, ORG.quarry, 0n, 0n);
      await expect(tx).to.changeTokenBalances(
        token,
        [s.acmeTreasury, s.bankATreasury, s.quarryTreasury, s.pearlTreasury, notesAddress],
        [-FACE, 30_000_000n, TO_TIER2 - 30_000_000n, FACE - TO_TIER2, 0n],
      );
      const t = await notes.tree(1n);
      expect([t.cursor, t.cursorPaid, t.paid, t.cleared]).to.deep.equal([0n, 0n, FACE, FACE]);
      expect((await notes.note(2n)).status).to.equal(NoteStatus.Paid);
      expect(await notes.notePaid(2n)).to.equal(TO_TIER2);
      expect(await notes.notePaid(1n)).to.equal(0n);
      expect((await notes.noteFinancing(1n)).status).to.equal(NoteFinancingStatus.Repaid);
    });

    describe("when paid in parts", function () {
      it("pays the cursor's note partly, holds nothing back, and finishes with the next payment", async function () {
        const { notes, contracts, signers: s } = await loadFixture(financedFixture);
        const first = notes.connect(s.buyer).payTree(1n, 20_000_000n, 10);
        await expect(first)
          .to.emit(notes, "NotePaidOut")
          .withArgs(2n, 1n, 1n, ORG.quarry, 20_000_000n, 0n, 20_000_000n, false);
        await expect(first)
          .to.emit(notes, "NoteFinancingRepaid")
          .withArgs(1n, 20_000_000n, 20_000_000n, NoteFinancingStatus.Disbursed);
        expect(await notes.notePaid(2n)).to.equal(20_000_000n);
        expect(await contracts.token.balanceOf(await notes.getAddress())).to.equal(0n);
        await expect(notes.connect(s.buyer).payTree(1n, 80_000_000n, 10))
          .to.emit(notes, "NotePaidOut")
          .withArgs(2n, 1n, 1n, ORG.quarry, 10_000_000n, 30_000_000n, TO_TIER2, true);
        expect((await notes.tree(1n)).cursor).to.equal(0n);
      });
    });

    describe("when a payment is larger than the steps allow", function () {
      it("keeps the rest in the tree until clearTree pages through it", async function () {
        const { notes, contracts, signers: s } = await loadFixture(transferredFixture);
        // Notes 1 (retired), 2 and 3: one step only skips the retired root.
        await expect(notes.connect(s.buyer).payTree(1n, FACE, 1)).to.not.emit(notes, "NotePaidOut");
        expect(await contracts.token.balanceOf(await notes.getAddress())).to.equal(FACE);
        expect((await notes.tree(1n)).cursor).to.equal(2n);
        await expect(notes.connect(s.outsider).clearTree(1n, 1))
          .to.emit(notes, "NotePaidOut")
          .withArgs(2n, 1n, 0n, ORG.quarry, 0n, TO_TIER2, TO_TIER2, true);
        await expect(notes.connect(s.outsider).clearTree(1n, 100)).to.changeTokenBalances(
          contracts.token,
          [s.pearlTreasury],
          [FACE - TO_TIER2],
        );
        expect(await contracts.token.balanceOf(await notes.getAddress())).to.equal(0n);
        await expect(notes.clearTree(1n, 5)).to.not.emit(notes, "NotePaidOut");
      });
    });

    describe("when the caller is not the issuer", function () {
      it("reverts with NoteNotIssuer or NoteActorNotAllowed", async function () {
        const { notes, signers: s } = await loadFixture(noteFixture);
        await expect(notes.connect(s.buyer2).payTree(1n, 1n, 1))
          .to.be.revertedWithCustomError(notes, "NoteNotIssuer")
          .withArgs(1n, ORG.borealis);
        await expect(notes.connect(s.supplier).payTree(1n, 1n, 1))
          .to.be.revertedWithCustomError(notes, "NoteActorNotAllowed")
          .withArgs(s.supplier.address, ORG.pearl);
      });
    });

    describe("when the note is not a root or unknown", function () {
      it("reverts with NoteNotRoot or NoteUnknown", async function () {
        const { notes, signers: s } = await loadFixture(transferredFixture);
        await expect(notes.connect(s.buyer).payTree(2n, 1n, 1))
          .to.be.revertedWithCustomError(notes, "NoteNotRoot")
          .withArgs(2n);
        await expect(notes.connect(s.buyer).payTree(9n, 1n, 1))
          .to.be.revertedWithCustomError(notes, "NoteUnknown")
          .withArgs(9n);
        await expect(notes.clearTree(9n, 1)).to.be.revertedWithCustomError(notes, "NoteUnknown").withArgs(9n);
      });
    });

    describe("when the amount is zero or more than is owed, or the steps are out of range", function () {
      it("reverts with NoteZeroAmount, NotePaymentExceedsOutstanding or NoteInvalidSteps", async function () {
        const { notes, signers: s } = await loadFixture(noteFixture);
        const b = notes.connect(s.buyer);
        await expect(b.payTree(1n, 0n, 1)).to.be.revertedWithCustomError(notes, "NoteZeroAmount");
        await b.payTree(1n, 10n, 1);
        await expect(b.payTree(1n, FACE, 1))
          .to.be.revertedWithCustomError(notes, "NotePaymentExceedsOutstanding")
          .withArgs(1n, FACE, FACE - 10n);
        await expect(b.payTree(1n, 1n, 0)).to.be.revertedWithCustomError(notes, "NoteInvalidSteps").withArgs(0n, 100n);
        await expect(notes.clearTree(1n, 101))
          .to.be.revertedWithCustomError(notes, "NoteInvalidSteps")
          .withArgs(101n, 100n);
      });
    });
  });

  describe("markTreeOverdue", function () {
    it("marks an unpaid tree overdue after maturity plus grace and records it against the issuer", async function () {
      const { notes, signers: s, root } = await loadFixture(noteFixture);
      await notes.connect(s.buyer).payTree(1n, 1_000n, 1);
      const overdueAt = root.dueDate + GRACE;
      // The next block's time is set, not guessed: on a slow machine a second may pass before the call is mined.
      const now = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(now);
      await expect(notes.markTreeOverdue(1n))
        .to.be.revertedWithCustomError(notes, "NoteNotOverdue")
        .withArgs(1n, overdueAt, now);
      await time.increaseTo(overdueAt + 1);
      await expect(notes.connect(s.outsider).markTreeOverdue(1n))
        .to.emit(notes, "NoteTreeMarkedOverdue")
        .withArgs(1n, ORG.acme, FACE - 1_000n, s.outsider.address);
      expect((await notes.tree(1n)).overdue).to.equal(true);
      expect(await notes.issuerRecord(ORG.acme)).to.deep.equal([1n, 0n]);
      await expect(notes.markTreeOverdue(1n)).to.be.revertedWithCustomError(notes, "NoteNotOverdue");
    });

    describe("when the tree is paid", function () {
      it("reverts with NoteNotOverdue", async function () {
        const { notes, signers: s, root } = await loadFixture(noteFixture);
        await notes.connect(s.buyer).payTree(1n, FACE, 1);
        await time.increaseTo(root.dueDate + GRACE + 1);
        await expect(notes.markTreeOverdue(1n)).to.be.revertedWithCustomError(notes, "NoteNotOverdue");
      });
    });
  });

  describe("declareNoteDefault", function () {
    it("defaults a financed leaf of an overdue tree against the issuer; later payments still reach the bank first", async function () {
      const { notes, contracts, signers: s, root } = await loadFixture(financedFixture);
      await expect(notes.connect(s.officerA1).declareNoteDefault(1n))
        .to.be.revertedWithCustomError(notes, "NoteFinancingNotOverdue")
        .withArgs(1n);
      await time.increaseTo(root.dueDate + GRACE + 1);
      await notes.markTreeOverdue(1n);
      await expect(notes.connect(s.officerA1).declareNoteDefault(1n))
        .to.emit(notes, "NoteFinancingDefaulted")
        .withArgs(1n, 2n, ORG.acme, 30_000_000n, s.officerA1.address);
      expect(await notes.issuerRecord(ORG.acme)).to.deep.equal([1n, 1n]);
      expect((await notes.noteFinancing(1n)).status).to.equal(NoteFinancingStatus.Defaulted);
      await expect(notes.connect(s.officerA1).declareNoteDefault(1n))
        .to.be.revertedWithCustomError(notes, "NoteFinancingInvalidStatus")
        .withArgs(1n, NoteFinancingStatus.Defaulted);
      const pay = notes.connect(s.buyer).payTree(1n, 40_000_000n, 10);
      await expect(pay).to.changeTokenBalances(contracts.token, [s.bankATreasury, s.quarryTreasury], [30_000_000n, 10_000_000n]);
      await expect(pay)
        .to.emit(notes, "NoteFinancingRepaid")
        .withArgs(1n, 30_000_000n, 30_000_000n, NoteFinancingStatus.Repaid);
    });
  });
});

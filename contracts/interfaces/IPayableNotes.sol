// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IPayableNotes
/// @notice Multi-tier payable notes (数字债权凭证). A core enterprise issues a note from one of its confirmed invoices:
/// an irrevocable promise to pay the invoice amount (the face) at the due date (the maturity), held first by the
/// supplier. A holder may transfer part or all of a note to another supplier (for a trade it commits to by hash), split
/// it, finance it at a bank under the invoice rules, or hold it to maturity. A transfer or split never changes a note
/// in place: it retires the note and creates children, so a tree is the complete history and its live leaves always
/// add up to the root's face. The issuer pays the tree once (in full or in parts); the money is cleared leaf by leaf,
/// in the order the notes were created, each leaf repaying its bank first.
///
/// Clearing pages: `payTree` and `clearTree` each visit at most `maxSteps` notes of the tree (paid, skipped or
/// retired alike), so gas per transaction is bounded whatever the tree's size; the tree's cursor remembers where the
/// next call resumes.
interface IPayableNotes {
    /// @notice A note's own status. Whether it is in financing is its financing record's status.
    enum NoteStatus {
        None,
        Active,
        Retired,
        Paid
    }

    /// @notice The life of a note financing: Requested -> Approved | Rejected; Approved -> Disbursed | Rejected;
    /// Disbursed -> Repaid | Defaulted; Defaulted -> Repaid.
    enum NoteFinancingStatus {
        None,
        Requested,
        Approved,
        Rejected,
        Disbursed,
        Repaid,
        Defaulted
    }

    /// @notice One note. Exactly one slot (11 + 4 x 5 + 1 bytes). `next` threads every note of a tree in creation order
    /// (the clearing order); the trade reference and document hash are in the events.
    struct Note {
        uint88 face;
        uint32 rootId;
        uint32 parentId;
        uint32 holderOrgId;
        uint32 financingId;
        uint32 next;
        NoteStatus status;
    }

    /// @notice A tree, stored with its root. Two slots: the first (4 + 5 + 4 + 4 + 11 + 1 bytes) is written by
    /// transfers (the tail) and clearing (the cursor); the second (11 + 11 bytes) by payments and clearing.
    /// @param issuerOrgId The core enterprise that pays.
    /// @param maturity When the issuer must have paid (the invoice's due date).
    /// @param tail The last note created in the tree (where children are threaded in).
    /// @param cursor The first note clearing has not finished (0 once every leaf is paid).
    /// @param cursorPaid How much of the cursor's note is already paid (the only part-paid note of a tree).
    /// @param overdue True once the tree was marked overdue.
    /// @param paid What the issuer has paid into the tree.
    /// @param cleared What clearing has paid out of it to banks and holders.
    struct Tree {
        uint32 issuerOrgId;
        uint40 maturity;
        uint32 tail;
        uint32 cursor;
        uint88 cursorPaid;
        bool overdue;
        uint88 paid;
        uint88 cleared;
    }

    /// @notice A note financing. Two slots: the first at request (4 + 4 + 11 + 1 + 1 + 1 + 2 + 5 bytes), the second at
    /// the first approval and at repayment (20 + 11 bytes).
    struct NoteFinancing {
        uint32 noteId;
        uint32 bankOrgId;
        uint88 amount;
        NoteFinancingStatus status;
        bool fastTrack;
        uint8 approvals;
        uint16 discountRateBps;
        uint40 requestedAt;
        address firstApprover;
        uint88 repaid;
    }

    /// @notice An issuer's record across its trees: how many were marked overdue and how many financed leaves of them
    /// were declared defaulted.
    struct IssuerRecord {
        uint32 overdueTrees;
        uint32 defaultedLeaves;
    }

    /// @notice Emitted when a core enterprise issues a note from its invoice (the root of a new tree).
    event NoteIssued(
        uint256 indexed noteId,
        uint256 indexed invoiceId,
        uint256 indexed issuerOrgId,
        uint256 holderOrgId,
        uint256 face,
        uint256 maturity,
        address actor
    );
    /// @notice Emitted for every child a transfer or split creates.
    event NoteCreated(
        uint256 indexed noteId,
        uint256 indexed rootId,
        uint256 indexed parentId,
        uint256 holderOrgId,
        uint256 face
    );
    /// @notice Emitted when a holder transfers part or all of a note; the note is retired. `remainderId` is 0 for a
    /// transfer of the whole note.
    event NoteTransferred(
        uint256 indexed noteId,
        uint256 indexed transferredId,
        uint256 indexed toOrgId,
        uint256 remainderId,
        uint256 fromOrgId,
        uint256 amount,
        bytes32 tradeReference,
        bytes32 documentHash,
        address actor
    );
    /// @notice Emitted when a holder splits a note into `childIds`; the note is retired.
    event NoteSplit(uint256 indexed noteId, uint256 indexed holderOrgId, uint256[] childIds, address actor);
    /// @notice Emitted for every payment the issuer makes into a tree.
    event NoteTreePaymentReceived(uint256 indexed rootId, uint256 amount, uint256 totalPaid, address actor);
    /// @notice Emitted for every payout clearing makes to a leaf: `toBank` to its funding bank, `toHolder` to its
    /// holder.
    event NotePaidOut(
        uint256 indexed noteId,
        uint256 indexed rootId,
        uint256 indexed financingId,
        uint256 holderOrgId,
        uint256 toBank,
        uint256 toHolder,
        uint256 notePaid,
        bool fullyPaid
    );
    /// @notice Emitted when an unpaid tree is marked overdue after its maturity plus the grace period.
    event NoteTreeMarkedOverdue(
        uint256 indexed rootId,
        uint256 indexed issuerOrgId,
        uint256 outstanding,
        address actor
    );
    /// @notice Emitted when a holder asks a bank to finance a live note.
    event NoteFinancingRequested(
        uint256 indexed financingId,
        uint256 indexed noteId,
        uint256 indexed bankOrgId,
        uint256 holderOrgId,
        uint256 amount,
        bool fastTrack,
        uint256 discountRateBps,
        address actor
    );
    /// @notice Emitted for every approval; `approvals == required` means the financing is Approved.
    event NoteFinancingApproved(
        uint256 indexed financingId,
        address indexed officer,
        uint256 approvals,
        uint256 required
    );
    /// @notice Emitted when an officer rejects a financing that is not disbursed.
    event NoteFinancingRejected(
        uint256 indexed financingId,
        address indexed officer,
        uint256 reasonCode,
        bytes32 reasonCommitment
    );
    /// @notice Emitted when the bank pays the advance, less its discount, to the holder.
    event NoteFinancingDisbursed(
        uint256 indexed financingId,
        uint256 indexed noteId,
        uint256 indexed bankOrgId,
        uint256 amount,
        uint256 discount,
        uint256 netAmount,
        uint256 daysToMaturity,
        address actor
    );
    /// @notice Emitted when clearing repays a bank; `status` is Repaid once the advance is fully back.
    event NoteFinancingRepaid(
        uint256 indexed financingId,
        uint256 amount,
        uint256 totalRepaid,
        NoteFinancingStatus status
    );
    /// @notice Emitted when the bank declares a financed leaf of an overdue tree defaulted, against the issuer.
    event NoteFinancingDefaulted(
        uint256 indexed financingId,
        uint256 indexed noteId,
        uint256 indexed issuerOrgId,
        uint256 outstanding,
        address actor
    );

    /// @notice The note id is unknown.
    error NoteUnknown(uint256 noteId);
    /// @notice The note is retired (transferred or split) and can no longer act.
    error NoteRetired(uint256 noteId);
    /// @notice The note is paid, or partly paid, and can no longer be transferred, split or financed.
    error NotePaid(uint256 noteId, uint256 paid);
    /// @notice The caller's organisation does not hold the note.
    error NoteNotHolder(uint256 noteId, uint256 orgId);
    /// @notice The note has a financing that is open, disbursed or done.
    error NoteInFinancing(uint256 noteId, uint256 financingId);
    /// @notice The amount is zero.
    error NoteZeroAmount();
    /// @notice The amount is more than the note's face.
    error NoteAmountExceedsFace(uint256 noteId, uint256 amount, uint256 face);
    /// @notice A transfer needs a trade reference (the hash of the contract or invoice behind it).
    error NoteEmptyTradeReference();
    /// @notice The recipient is not an active supplier other than the holder.
    error NoteRecipientNotSupplier(uint256 orgId);
    /// @notice A split needs 2 to 10 pieces.
    error NoteSplitCount(uint256 count, uint256 maximum);
    /// @notice The pieces of a split must add up to the note's face.
    error NoteSplitSumMismatch(uint256 noteId, uint256 sum, uint256 face);
    /// @notice The note is not the root of a tree.
    error NoteNotRoot(uint256 noteId);
    /// @notice The caller's organisation is not the tree's issuer.
    error NoteNotIssuer(uint256 rootId, uint256 orgId);
    /// @notice The payment is more than what is still owed on the tree.
    error NotePaymentExceedsOutstanding(uint256 rootId, uint256 amount, uint256 outstanding);
    /// @notice `maxSteps` must be between 1 and `MAX_CLEAR_STEPS`.
    error NoteInvalidSteps(uint256 steps, uint256 maximum);
    /// @notice The tree cannot be marked overdue before its maturity plus the grace period, once paid, or twice.
    error NoteNotOverdue(uint256 rootId, uint256 overdueAt, uint256 nowTimestamp);
    /// @notice The note is at or past maturity and can no longer be financed.
    error NoteMatured(uint256 noteId, uint256 maturity);
    /// @notice The caller is not an active member of an organisation of the kind the action needs (or not an officer).
    error NoteActorNotAllowed(address account, uint256 orgId);
    /// @notice The bank is not an active bank.
    error NoteNotBank(uint256 orgId);
    /// @notice The financing id is unknown.
    error NoteFinancingUnknown(uint256 financingId);
    /// @notice The financing is not in a status that allows the action.
    error NoteFinancingInvalidStatus(uint256 financingId, NoteFinancingStatus status);
    /// @notice The caller's bank is not the financing's bank.
    error NoteFinancingNotBank(uint256 financingId, uint256 orgId);
    /// @notice Maker-checker: the second approval must come from a different officer.
    error NoteFinancingDuplicateApproval(uint256 financingId, address officer);
    /// @notice The amount is more than the bank's advance rate allows on the note.
    error NoteFinancingExceedsAdvance(uint256 amount, uint256 maximum);
    /// @notice The amount is more than the holder's remaining credit with the bank.
    error NoteFinancingExceedsCredit(uint256 amount, uint256 available);
    /// @notice The bank's treasury has not allowed the notes contract to draw the net advance.
    error NoteFinancingAllowanceTooLow(uint256 bankOrgId, uint256 allowance, uint256 needed);
    /// @notice Only a financed leaf of an overdue tree can be declared defaulted.
    error NoteFinancingNotOverdue(uint256 financingId);

    /// @notice Issues a note from a confirmed, undisputed, unpaid, unfinanced invoice the caller's core enterprise
    /// owes. Irrevocable; the invoice is settled through the note from then on.
    /// @return noteId The root note's id.
    function issueNote(uint256 invoiceId) external returns (uint256 noteId);

    /// @notice Transfers `amount` of a live note to another active supplier for the trade `tradeReference` commits to.
    /// Members of the holder only. Retires the note; creates the transferred piece and, for a part, the remainder.
    function transferNote(
        uint256 noteId,
        uint256 toOrgId,
        uint88 amount,
        bytes32 tradeReference,
        bytes32 documentHash
    ) external returns (uint256 transferredId, uint256 remainderId);

    /// @notice Splits a live note into 2 to 10 pieces that add up to its face. Members of the holder only.
    function splitNote(uint256 noteId, uint88[] calldata amounts) external returns (uint256[] memory childIds);

    /// @notice Asks a bank to finance a live, unpaid note before maturity, under the bank's invoice rules: at most
    /// advance rate x face and the holder's remaining credit; fast-track when the bank trusts the issuer and the amount
    /// is within the fast-track limit including the holder's exposure, maker-checker otherwise. Holder members only.
    function requestNoteFinancing(uint256 noteId, uint256 bankOrgId, uint88 amount) external returns (uint256);

    /// @notice Approves a requested financing. Officers of the bank; one on the fast-track, two different ones else.
    function approveNoteFinancing(uint256 financingId) external;

    /// @notice Rejects a financing that is not disbursed. Officers of the bank only.
    function rejectNoteFinancing(uint256 financingId, uint16 reasonCode, bytes32 reasonCommitment) external;

    /// @notice Pays the advance less the actual/360 discount to maturity from the bank's treasury to the holder's,
    /// within the allowance the treasury gave this contract. Officers of the bank only; the note must be unpaid.
    function disburseNoteFinancing(uint256 financingId) external;

    /// @notice Pays `amount` into a tree from the issuer's treasury and clears up to `maxSteps` notes. Issuer members
    /// only, on a root.
    function payTree(uint256 rootId, uint88 amount, uint256 maxSteps) external;

    /// @notice Clears up to `maxSteps` more notes of a tree with what the issuer has paid in. Anyone may call it.
    function clearTree(uint256 rootId, uint256 maxSteps) external;

    /// @notice Marks an unpaid tree overdue once its maturity plus the ledger's grace period has passed. Anyone.
    function markTreeOverdue(uint256 rootId) external;

    /// @notice Declares a disbursed financing of a leaf of an overdue tree defaulted. Officers of the bank only.
    function declareNoteDefault(uint256 financingId) external;

    /// @notice Returns a note (status `None` for an unknown id).
    function note(uint256 noteId) external view returns (Note memory);

    /// @notice Returns how much of a note has been paid out to it (its face once Paid).
    function notePaid(uint256 noteId) external view returns (uint256);

    /// @notice Returns the tree of a root note.
    function tree(uint256 rootId) external view returns (Tree memory);

    /// @notice Returns a note financing (status `None` for an unknown id).
    function noteFinancing(uint256 financingId) external view returns (NoteFinancing memory);

    /// @notice Returns an issuer's record of overdue trees and defaulted leaves.
    function issuerRecord(uint256 issuerOrgId) external view returns (IssuerRecord memory);

    /// @notice Returns the number of notes and of note financings created so far.
    function counts() external view returns (uint256 notes, uint256 financings);
}

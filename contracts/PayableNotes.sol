// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {IPayableNotes} from "./interfaces/IPayableNotes.sol";
import {ITrellisLedger} from "./interfaces/ITrellisLedger.sol";
import {IOrgRegistry} from "./interfaces/IOrgRegistry.sol";
import {IBankPolicy} from "./interfaces/IBankPolicy.sol";
import {Discount} from "./libraries/Discount.sol";

/// @title PayableNotes
/// @notice Multi-tier payable notes over the Trellis ledger; see `IPayableNotes`. Organisations, members, bank policy
/// and credit records are the ledger's: this contract reads them and changes credit only through the ledger's
/// `applyNoteCredit`. Money rests here only between the issuer's payment into a tree and its clearing, so the tokens
/// this contract holds are always exactly the sum over trees of `paid - cleared`.
contract PayableNotes is ERC2771Context, IPayableNotes {
    using SafeERC20 for IERC20;

    /// @notice The most pieces one split may create.
    uint256 public constant MAX_SPLIT = 10;
    /// @notice The most notes one clearing call may visit.
    uint256 public constant MAX_CLEAR_STEPS = 100;
    uint256 private constant _BPS = 10_000;

    ITrellisLedger private immutable _ledger;
    IERC20 private immutable _token;

    mapping(uint256 noteId => Note) private _notes;
    mapping(uint256 rootId => Tree) private _trees;
    mapping(uint256 financingId => NoteFinancing) private _financings;
    mapping(uint256 issuerOrgId => IssuerRecord) private _issuers;
    uint32 private _noteCount;
    uint32 private _financingCount;

    /// @notice Binds the notes to one ledger (and its settlement token) and the ledger's trusted forwarder.
    constructor(ITrellisLedger ledger, address forwarder) ERC2771Context(forwarder) {
        _ledger = ledger;
        _token = IERC20(ledger.settlementToken());
    }

    /// @inheritdoc IPayableNotes
    function issueNote(uint256 invoiceId) external returns (uint256 noteId) {
        (uint32 issuerOrgId, ) = _actor(IOrgRegistry.OrgKind.CoreEnterprise, false);
        noteId = ++_noteCount;
        (uint88 face, uint32 holderOrgId, uint40 maturity) = _ledger.settleInvoiceThroughNote(
            invoiceId,
            issuerOrgId,
            noteId
        );
        // The cast is safe: noteId comes from the uint32 counter.
        uint32 id = uint32(noteId);
        _notes[noteId] = Note(face, id, 0, holderOrgId, 0, 0, NoteStatus.Active);
        _trees[noteId] = Tree(issuerOrgId, maturity, id, id, 0, false, 0, 0);
        emit NoteIssued(noteId, invoiceId, issuerOrgId, holderOrgId, face, maturity, _msgSender());
    }

    /// @inheritdoc IPayableNotes
    function transferNote(
        uint256 noteId,
        uint256 toOrgId,
        uint88 amount,
        bytes32 tradeReference,
        bytes32 documentHash
    ) external returns (uint256 transferredId, uint256 remainderId) {
        (Note storage n, uint32 holderOrgId) = _noteForHolder(noteId);
        if (tradeReference == bytes32(0)) revert NoteEmptyTradeReference();
        if (toOrgId == holderOrgId || !_isActive(toOrgId, IOrgRegistry.OrgKind.Supplier)) {
            revert NoteRecipientNotSupplier(toOrgId);
        }
        uint88 face = n.face;
        if (amount == 0) revert NoteZeroAmount();
        if (amount > face) revert NoteAmountExceedsFace(noteId, amount, face);
        n.status = NoteStatus.Retired;
        Tree storage t = _trees[n.rootId];
        // The cast is safe: toOrgId is a registered organisation's id, a uint32.
        transferredId = _createChild(t, n, noteId, uint32(toOrgId), amount);
        // Cannot underflow: amount <= face.
        unchecked {
            if (amount != face) remainderId = _createChild(t, n, noteId, holderOrgId, face - amount);
        }
        emit NoteTransferred(
            noteId,
            transferredId,
            toOrgId,
            remainderId,
            holderOrgId,
            amount,
            tradeReference,
            documentHash,
            _msgSender()
        );
    }

    /// @inheritdoc IPayableNotes
    function splitNote(uint256 noteId, uint88[] calldata amounts) external returns (uint256[] memory childIds) {
        (Note storage n, uint32 holderOrgId) = _noteForHolder(noteId);
        uint256 count = amounts.length;
        if (count < 2 || count > MAX_SPLIT) revert NoteSplitCount(count, MAX_SPLIT);
        uint256 sum;
        for (uint256 i; i < count; ++i) {
            if (amounts[i] == 0) revert NoteZeroAmount();
            sum += amounts[i];
        }
        if (sum != n.face) revert NoteSplitSumMismatch(noteId, sum, n.face);
        n.status = NoteStatus.Retired;
        Tree storage t = _trees[n.rootId];
        childIds = new uint256[](count);
        for (uint256 i; i < count; ++i) childIds[i] = _createChild(t, n, noteId, holderOrgId, amounts[i]);
        emit NoteSplit(noteId, holderOrgId, childIds, _msgSender());
    }

    /// @inheritdoc IPayableNotes
    function requestNoteFinancing(uint256 noteId, uint256 bankOrgId, uint88 amount) external returns (uint256 id) {
        (Note storage n, uint32 holderOrgId) = _noteForHolder(noteId);
        Tree storage t = _trees[n.rootId];
        if (block.timestamp >= t.maturity) revert NoteMatured(noteId, t.maturity);
        if (!_isActive(bankOrgId, IOrgRegistry.OrgKind.Bank)) revert NoteNotBank(bankOrgId);
        if (amount == 0) revert NoteZeroAmount();
        IBankPolicy.Policy memory policy = _ledger.bankPolicy(bankOrgId);
        uint256 maxAdvance = (uint256(n.face) * policy.advanceRateBps) / _BPS;
        if (amount > maxAdvance) revert NoteFinancingExceedsAdvance(amount, maxAdvance);
        IBankPolicy.CreditRecord memory credit = _ledger.creditRecord(bankOrgId, holderOrgId);
        uint256 available = credit.limit > credit.utilised ? credit.limit - credit.utilised : 0;
        if (amount > available) revert NoteFinancingExceedsCredit(amount, available);
        // The same fast-track rule as invoices, with the note's issuer in the buyer's place; the first bound keeps
        // the sum below 2^81.
        bool fastTrack =
            amount <= policy.fastTrackLimit &&
                amount + credit.fastTracked <= policy.fastTrackLimit &&
                credit.overdueOpen == 0 &&
                _ledger.isTrustedBuyer(bankOrgId, t.issuerOrgId);
        // The cast is safe: amount <= fastTrackLimit, a uint80, on the fast-track.
        if (fastTrack) _ledger.applyNoteCredit(bankOrgId, holderOrgId, 0, 0, uint80(amount), 0);
        id = ++_financingCount;
        // The casts are safe: ids come from uint32 counters, bankOrgId is a registered organisation's.
        n.financingId = uint32(id);
        _financings[id] = NoteFinancing({
            noteId: uint32(noteId),
            bankOrgId: uint32(bankOrgId),
            amount: amount,
            status: NoteFinancingStatus.Requested,
            fastTrack: fastTrack,
            approvals: 0,
            discountRateBps: policy.discountRateBps,
            requestedAt: uint40(block.timestamp),
            firstApprover: address(0),
            repaid: 0
        });
        emit NoteFinancingRequested(
            id,
            noteId,
            bankOrgId,
            holderOrgId,
            amount,
            fastTrack,
            policy.discountRateBps,
            _msgSender()
        );
    }

    /// @inheritdoc IPayableNotes
    function approveNoteFinancing(uint256 financingId) external {
        NoteFinancing storage f = _financingForBank(financingId);
        if (f.status != NoteFinancingStatus.Requested) revert NoteFinancingInvalidStatus(financingId, f.status);
        address officer = _msgSender();
        uint8 required = f.fastTrack ? 1 : 2;
        // Cannot overflow: a financing stops taking approvals once it has `required` (at most 2).
        uint8 approvals;
        unchecked {
            approvals = f.approvals + 1;
        }
        if (approvals == 1) f.firstApprover = officer;
        else if (f.firstApprover == officer) revert NoteFinancingDuplicateApproval(financingId, officer);
        f.approvals = approvals;
        if (approvals == required) f.status = NoteFinancingStatus.Approved;
        emit NoteFinancingApproved(financingId, officer, approvals, required);
    }

    /// @inheritdoc IPayableNotes
    function rejectNoteFinancing(uint256 financingId, uint16 reasonCode, bytes32 reasonCommitment) external {
        NoteFinancing storage f = _financingForBank(financingId);
        NoteFinancingStatus status = f.status;
        if (status != NoteFinancingStatus.Requested && status != NoteFinancingStatus.Approved) {
            revert NoteFinancingInvalidStatus(financingId, status);
        }
        f.status = NoteFinancingStatus.Rejected;
        if (f.fastTrack) {
            // The cast is safe: a fast-track amount is within the uint80 fast-track limit.
            _ledger.applyNoteCredit(f.bankOrgId, _notes[f.noteId].holderOrgId, 0, 0, 0, uint80(f.amount));
        }
        emit NoteFinancingRejected(financingId, _msgSender(), reasonCode, reasonCommitment);
    }

    /// @inheritdoc IPayableNotes
    function disburseNoteFinancing(uint256 financingId) external {
        NoteFinancing storage f = _financingForBank(financingId);
        if (f.status != NoteFinancingStatus.Approved) revert NoteFinancingInvalidStatus(financingId, f.status);
        uint256 noteId = f.noteId;
        Note storage n = _notes[noteId];
        uint256 paid = _paidOf(noteId, n);
        if (paid != 0) revert NotePaid(noteId, paid);
        uint256 bankOrgId = f.bankOrgId;
        uint88 amount = f.amount;
        (uint256 discount, uint256 daysToMaturity) = Discount.compute(
            amount,
            f.discountRateBps,
            block.timestamp,
            _trees[n.rootId].maturity
        );
        f.status = NoteFinancingStatus.Disbursed;
        _ledger.applyNoteCredit(bankOrgId, n.holderOrgId, amount, 0, 0, 0);
        // Cannot underflow: Discount caps the discount at the amount.
        uint256 net;
        unchecked {
            net = amount - discount;
        }
        if (net != 0) {
            address bankTreasury = _treasuryOf(bankOrgId);
            uint256 allowance = _token.allowance(bankTreasury, address(this));
            if (allowance < net) revert NoteFinancingAllowanceTooLow(bankOrgId, allowance, net);
            _token.safeTransferFrom(bankTreasury, _treasuryOf(n.holderOrgId), net);
        }
        emit NoteFinancingDisbursed(
            financingId,
            noteId,
            bankOrgId,
            amount,
            discount,
            net,
            daysToMaturity,
            _msgSender()
        );
    }

    /// @inheritdoc IPayableNotes
    function payTree(uint256 rootId, uint88 amount, uint256 maxSteps) external {
        Tree storage t = _tree(rootId);
        (uint32 orgId, ) = _actor(IOrgRegistry.OrgKind.CoreEnterprise, false);
        if (orgId != t.issuerOrgId) revert NoteNotIssuer(rootId, orgId);
        _checkSteps(maxSteps);
        if (amount == 0) revert NoteZeroAmount();
        uint88 paid = t.paid;
        uint256 outstanding = _notes[rootId].face - paid;
        if (amount > outstanding) revert NotePaymentExceedsOutstanding(rootId, amount, outstanding);
        // Cannot overflow: amount <= face - paid.
        unchecked {
            paid += amount;
        }
        t.paid = paid;
        _token.safeTransferFrom(_treasuryOf(orgId), address(this), amount);
        emit NoteTreePaymentReceived(rootId, amount, paid, _msgSender());
        _clear(rootId, t, maxSteps);
    }

    /// @inheritdoc IPayableNotes
    function clearTree(uint256 rootId, uint256 maxSteps) external {
        Tree storage t = _tree(rootId);
        _checkSteps(maxSteps);
        _clear(rootId, t, maxSteps);
    }

    /// @inheritdoc IPayableNotes
    function markTreeOverdue(uint256 rootId) external {
        Tree storage t = _tree(rootId);
        uint256 overdueAt = uint256(t.maturity) + _ledger.gracePeriod();
        uint256 outstanding = _notes[rootId].face - t.paid;
        if (t.overdue || outstanding == 0 || block.timestamp <= overdueAt) {
            revert NoteNotOverdue(rootId, overdueAt, block.timestamp);
        }
        t.overdue = true;
        uint32 issuerOrgId = t.issuerOrgId;
        // Cannot overflow in practice: one increment per tree, whose ids are uint32.
        unchecked {
            _issuers[issuerOrgId].overdueTrees += 1;
        }
        emit NoteTreeMarkedOverdue(rootId, issuerOrgId, outstanding, _msgSender());
    }

    /// @inheritdoc IPayableNotes
    function declareNoteDefault(uint256 financingId) external {
        NoteFinancing storage f = _financingForBank(financingId);
        if (f.status != NoteFinancingStatus.Disbursed) revert NoteFinancingInvalidStatus(financingId, f.status);
        uint256 noteId = f.noteId;
        Tree storage t = _trees[_notes[noteId].rootId];
        if (!t.overdue) revert NoteFinancingNotOverdue(financingId);
        f.status = NoteFinancingStatus.Defaulted;
        uint32 issuerOrgId = t.issuerOrgId;
        // Cannot overflow in practice: one increment per financing, whose ids are uint32.
        unchecked {
            _issuers[issuerOrgId].defaultedLeaves += 1;
        }
        emit NoteFinancingDefaulted(financingId, noteId, issuerOrgId, f.amount - f.repaid, _msgSender());
    }

    /// @inheritdoc IPayableNotes
    function note(uint256 noteId) external view returns (Note memory) {
        return _notes[noteId];
    }

    /// @inheritdoc IPayableNotes
    function notePaid(uint256 noteId) external view returns (uint256) {
        return _paidOf(noteId, _notes[noteId]);
    }

    /// @inheritdoc IPayableNotes
    function tree(uint256 rootId) external view returns (Tree memory) {
        return _trees[rootId];
    }

    /// @inheritdoc IPayableNotes
    function noteFinancing(uint256 financingId) external view returns (NoteFinancing memory) {
        return _financings[financingId];
    }

    /// @inheritdoc IPayableNotes
    function issuerRecord(uint256 issuerOrgId) external view returns (IssuerRecord memory) {
        return _issuers[issuerOrgId];
    }

    /// @inheritdoc IPayableNotes
    function counts() external view returns (uint256 notes, uint256 financings) {
        return (_noteCount, _financingCount);
    }

    /// @dev Pays out of the tree's escrow note by note from the cursor, visiting at most `maxSteps` notes: a retired
    /// note is skipped (its children come later in the thread), a live one is paid as far as the escrow goes.
    function _clear(uint256 rootId, Tree storage t, uint256 maxSteps) private {
        uint88 available = t.paid - t.cleared;
        uint256 id = t.cursor;
        uint88 cursorPaid = t.cursorPaid;
        uint88 cleared;
        for (uint256 step; step < maxSteps && id != 0 && available != 0; ++step) {
            Note storage n = _notes[id];
            if (n.status != NoteStatus.Active) {
                // Only retired notes lie ahead of the cursor besides live ones: a paid note moves the cursor on.
                id = n.next;
                continue;
            }
            uint88 due = n.face - cursorPaid;
            uint88 pay = due < available ? due : available;
            // Cannot underflow: pay <= available and pay <= due.
            unchecked {
                available -= pay;
                cleared += pay;
                cursorPaid += pay;
            }
            bool full = pay == due;
            if (full) n.status = NoteStatus.Paid;
            _payOut(id, rootId, n, pay, cursorPaid, full);
            if (full) {
                cursorPaid = 0;
                id = n.next;
            }
        }
        t.cursor = uint32(id);
        t.cursorPaid = cursorPaid;
        t.cleared += cleared;
    }

    /// @dev Sends one leaf's share: to its funding bank first, up to what the bank is still owed, then to its holder.
    function _payOut(uint256 id, uint256 rootId, Note storage n, uint88 pay, uint88 notePaidNow, bool full) private {
        uint256 financingId = n.financingId;
        uint88 toBank;
        if (financingId != 0) {
            NoteFinancing storage f = _financings[financingId];
            NoteFinancingStatus status = f.status;
            if (status == NoteFinancingStatus.Disbursed || status == NoteFinancingStatus.Defaulted) {
                uint88 repaid = f.repaid;
                uint88 owed = f.amount - repaid;
                toBank = pay < owed ? pay : owed;
                // Cannot overflow: toBank <= amount - repaid.
                unchecked {
                    repaid += toBank;
                }
                f.repaid = repaid;
                if (repaid == f.amount) {
                    status = NoteFinancingStatus.Repaid;
                    f.status = status;
                }
                uint256 bankOrgId = f.bankOrgId;
                // The cast is safe: a fast-track amount, and so any part of it, is within the uint80 limit.
                _ledger.applyNoteCredit(bankOrgId, n.holderOrgId, 0, toBank, 0, f.fastTrack ? uint80(toBank) : 0);
                _token.safeTransfer(_treasuryOf(bankOrgId), toBank);
                emit NoteFinancingRepaid(financingId, toBank, repaid, status);
            }
        }
        // Cannot underflow: toBank <= pay.
        uint88 toHolder;
        unchecked {
            toHolder = pay - toBank;
        }
        if (toHolder != 0) _token.safeTransfer(_treasuryOf(n.holderOrgId), toHolder);
        emit NotePaidOut(id, rootId, financingId, n.holderOrgId, toBank, toHolder, notePaidNow, full);
    }

    /// @dev Creates a live child of `parent` held by `holderOrgId` and threads it at the tree's tail.
    function _createChild(
        Tree storage t,
        Note storage parent,
        uint256 parentId,
        uint32 holderOrgId,
        uint88 face
    ) private returns (uint256 id) {
        id = ++_noteCount;
        uint32 rootId = parent.rootId;
        // The casts are safe: ids come from the uint32 counter.
        _notes[id] = Note(face, rootId, uint32(parentId), holderOrgId, 0, 0, NoteStatus.Active);
        _notes[t.tail].next = uint32(id);
        t.tail = uint32(id);
        emit NoteCreated(id, rootId, parentId, holderOrgId, face);
    }

    /// @dev Loads a live, unpaid, unfinanced note the acting supplier holds.
    function _noteForHolder(uint256 noteId) private view returns (Note storage n, uint32 holderOrgId) {
        (holderOrgId, ) = _actor(IOrgRegistry.OrgKind.Supplier, false);
        n = _notes[noteId];
        NoteStatus status = n.status;
        if (status == NoteStatus.None) revert NoteUnknown(noteId);
        if (status == NoteStatus.Retired) revert NoteRetired(noteId);
        uint256 paid = _paidOf(noteId, n);
        if (paid != 0) revert NotePaid(noteId, paid);
        if (n.holderOrgId != holderOrgId) revert NoteNotHolder(noteId, holderOrgId);
        uint256 financingId = n.financingId;
        if (financingId != 0 && _financings[financingId].status != NoteFinancingStatus.Rejected) {
            revert NoteInFinancing(noteId, financingId);
        }
    }

    /// @dev Loads a financing for an officer of its bank.
    function _financingForBank(uint256 financingId) private view returns (NoteFinancing storage f) {
        (uint32 orgId, ) = _actor(IOrgRegistry.OrgKind.Bank, true);
        f = _financings[financingId];
        if (f.status == NoteFinancingStatus.None) revert NoteFinancingUnknown(financingId);
        if (f.bankOrgId != orgId) revert NoteFinancingNotBank(financingId, orgId);
    }

    /// @dev Returns the acting account's organisation, checking it is an active one of `kind` (and, for `officer`,
    /// that the account is an officer). The ledger's registry is the only source of who is who.
    function _actor(IOrgRegistry.OrgKind kind, bool officer) private view returns (uint32 orgId, address account) {
        account = _msgSender();
        orgId = uint32(_ledger.orgOf(account));
        if (!_isActive(orgId, kind) || (officer && _ledger.roleOf(account) != IOrgRegistry.MemberRole.Officer)) {
            revert NoteActorNotAllowed(account, orgId);
        }
    }

    function _isActive(uint256 orgId, IOrgRegistry.OrgKind kind) private view returns (bool) {
        IOrgRegistry.Organization memory org = _ledger.organization(orgId);
        return org.kind == kind && org.status == IOrgRegistry.OrgStatus.Active;
    }

    function _treasuryOf(uint256 orgId) private view returns (address) {
        return _ledger.organization(orgId).treasury;
    }

    function _tree(uint256 rootId) private view returns (Tree storage t) {
        Note storage n = _notes[rootId];
        if (n.status == NoteStatus.None) revert NoteUnknown(rootId);
        if (n.rootId != rootId) revert NoteNotRoot(rootId);
        t = _trees[rootId];
    }

    function _checkSteps(uint256 maxSteps) private pure {
        if (maxSteps == 0 || maxSteps > MAX_CLEAR_STEPS) revert NoteInvalidSteps(maxSteps, MAX_CLEAR_STEPS);
    }

    /// @dev What a note has been paid: its face once Paid, the cursor's part for the note clearing stopped in.
    function _paidOf(uint256 noteId, Note storage n) private view returns (uint256) {
        if (n.status == NoteStatus.Paid) return n.face;
        Tree storage t = _trees[n.rootId];
        return t.cursor == noteId ? t.cursorPaid : 0;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IFinancingDesk} from "../interfaces/IFinancingDesk.sol";
import {Discount} from "../libraries/Discount.sol";
import {BankPolicy} from "./BankPolicy.sol";
import {InvoiceBook} from "./InvoiceBook.sol";

/// @title FinancingDesk
/// @notice Financing requests, the two approval paths, disbursement, the buyer's payments (which repay the bank
/// first), recourse, overdue marking and default. Money never rests in this contract: every transfer goes from one
/// organisation's treasury to another's, so the ledger can neither create nor lose tokens.
abstract contract FinancingDesk is InvoiceBook, BankPolicy, IFinancingDesk {
    using SafeERC20 for IERC20;

    mapping(uint256 requestId => FinancingRequest) private _requests;
    uint32 private _requestCount;

    /// @inheritdoc IFinancingDesk
    function requestFinancing(
        uint256 invoiceId,
        uint256 bankOrgId,
        uint88 amount
    ) external returns (uint256 requestId) {
        uint32 supplierOrgId = _actorOrg(OrgKind.Supplier);
        Invoice storage inv = _knownInvoice(invoiceId);
        if (inv.supplierOrgId != supplierOrgId) revert InvoiceNotSupplier(invoiceId, supplierOrgId);
        _activeOrgTreasury(bankOrgId, OrgKind.Bank);
        _requireFinanceable(invoiceId, inv);
        uint32 current = inv.financingRequestId;
        if (current != 0 && _holdsInvoice(_requests[current].status)) {
            revert FinancingInvoiceAlreadyFinanced(invoiceId, current);
        }
        if (amount == 0) revert FinancingZeroAmount();
        Policy memory policy = bankPolicy(bankOrgId);
        uint256 maxAdvance = (uint256(inv.amount) * policy.advanceRateBps) / _BPS;
        if (amount > maxAdvance) revert FinancingAmountExceedsAdvance(amount, maxAdvance);
        CreditRecord storage credit = _credit[bankOrgId][supplierOrgId];
        uint256 available = _available(credit);
        if (amount > available) revert FinancingAmountExceedsCredit(amount, available);
        bool fastTrack = _takeFastTrack(policy, credit, bankOrgId, inv.buyerOrgId, amount);

        requestId = ++_requestCount;
        // The casts are safe: the request counter is a uint32, and bankOrgId is a known organisation.
        inv.financingRequestId = uint32(requestId);
        _requests[requestId] = FinancingRequest({
            invoiceId: uint32(invoiceId),
            bankOrgId: uint32(bankOrgId),
            amount: amount,
            status: FinancingStatus.Requested,
            fastTrack: fastTrack,
            approvals: 0,
            requestedAt: uint40(block.timestamp),
            discountRateBps: policy.discountRateBps,
            firstApprover: address(0),
            decidedAt: 0,
            disbursedAt: 0,
            secondApprover: address(0),
            recourseRepaid: 0
        });
        emit FinancingRequested(
            requestId,
            invoiceId,
            bankOrgId,
            supplierOrgId,
            amount,
            fastTrack,
            policy.discountRateBps,
            _msgSender()
        );
    }

    /// @inheritdoc IFinancingDesk
    function withdrawFinancing(uint256 requestId) external {
        FinancingRequest storage r = _requestForSupplier(requestId);
        _requireUndisbursedDecision(requestId, r.status);
        r.status = FinancingStatus.Withdrawn;
        _releaseFastTrack(r);
        emit FinancingWithdrawn(requestId, _msgSender());
    }

    /// @inheritdoc IFinancingDesk
    function approveFinancing(uint256 requestId) external {
        FinancingRequest storage r = _requestForBank(requestId, FinancingStatus.Requested);
        address officer = _msgSender();
        uint8 required = r.fastTrack ? 1 : 2;
        // Cannot overflow: a request stops taking approvals once it has `required` (at most 2).
        uint8 approvals;
        unchecked {
            approvals = r.approvals + 1;
        }
        r.approvals = approvals;
        if (approvals == 1) {
            r.firstApprover = officer;
        } else {
            if (r.firstApprover == officer) revert FinancingDuplicateApproval(requestId, officer);
            r.secondApprover = officer;
        }
        if (approvals == required) {
            r.status = FinancingStatus.Approved;
            r.decidedAt = uint40(block.timestamp);
        }
        emit FinancingApproved(requestId, officer, approvals, required);
    }

    /// @inheritdoc IFinancingDesk
    function rejectFinancing(uint256 requestId, uint16 reasonCode, bytes32 reasonCommitment) external {
        uint32 orgId = _actorOfficer();
        FinancingRequest storage r = _knownRequest(requestId);
        if (r.bankOrgId != orgId) revert FinancingNotBank(requestId, orgId);
        _requireUndisbursedDecision(requestId, r.status);
        r.status = FinancingStatus.Rejected;
        r.decidedAt = uint40(block.timestamp);
        _releaseFastTrack(r);
        emit FinancingRejected(requestId, _msgSender(), reasonCode, reasonCommitment);
    }

    /// @inheritdoc IFinancingDesk
    function disburseFinancing(uint256 requestId) external {
        FinancingRequest storage r = _requestForBank(requestId, FinancingStatus.Approved);
        uint256 invoiceId = r.invoiceId;
        Invoice storage inv = _invoices[invoiceId];
        _requireFinanceable(invoiceId, inv);
        uint32 bankOrgId = r.bankOrgId;
        uint32 supplierOrgId = inv.supplierOrgId;
        uint88 amount = r.amount;
        CreditRecord storage credit = _credit[bankOrgId][supplierOrgId];
        uint256 available = _available(credit);
        if (amount > available) revert FinancingAmountExceedsCredit(amount, available);
        address supplierTreasury = _activeOrgTreasury(supplierOrgId, OrgKind.Supplier);
        (uint256 discount, uint256 daysToDue) = Discount.compute(
            amount,
            r.discountRateBps,
            block.timestamp,
            inv.dueDate
        );

        r.status = FinancingStatus.Disbursed;
        r.disbursedAt = uint40(block.timestamp);
        // Cannot overflow: utilised + amount <= limit (checked above), a uint88; financed counts disbursements.
        unchecked {
            credit.utilised += amount;
            credit.financed += 1;
        }
        // Cannot underflow: Discount.compute caps the discount at the amount.
        uint256 net;
        unchecked {
            net = amount - discount;
        }
        if (net != 0) {
            address bankTreasury = _treasuryOf(bankOrgId);
            // The treasury's own key holder bounds what the ledger may draw; say so clearly rather than let the token
            // revert.
            uint256 allowance = IERC20(_token).allowance(bankTreasury, address(this));
            if (allowance < net) revert FinancingAllowanceTooLow(bankOrgId, allowance, net);
            IERC20(_token).safeTransferFrom(bankTreasury, supplierTreasury, net);
        }
        emit FinancingDisbursed(requestId, invoiceId, bankOrgId, amount, discount, net, daysToDue, _msgSender());
    }

    /// @inheritdoc IFinancingDesk
    function repayFinancing(uint256 requestId, uint88 amount) external {
        FinancingRequest storage r = _requestForSupplier(requestId);
        FinancingStatus status = r.status;
        if (status != FinancingStatus.Disbursed && status != FinancingStatus.Defaulted) {
            revert FinancingInvalidStatus(requestId, status);
        }
        if (amount == 0) revert FinancingZeroAmount();
        Invoice storage inv = _invoices[r.invoiceId];
        uint88 repaid = _repaid(r, inv);
        // Cannot underflow: what is repaid never exceeds the advance.
        uint256 outstanding;
        unchecked {
            outstanding = r.amount - repaid;
        }
        if (amount > outstanding) revert FinancingRepaymentExceedsOutstanding(requestId, amount, outstanding);
        // Cannot overflow: amount <= outstanding, so the recourse total stays within the advance.
        unchecked {
            r.recourseRepaid += amount;
        }
        (FinancingStatus newStatus, bool onTime) = _applyRepayment(r, inv, repaid, amount);
        IERC20(_token).safeTransferFrom(_treasuryOf(inv.supplierOrgId), _treasuryOf(r.bankOrgId), amount);
        // Cannot overflow: see above.
        unchecked {
            emit FinancingRepaymentReceived(requestId, amount, repaid + amount, true, newStatus, onTime, _msgSender());
        }
    }

    /// @inheritdoc IFinancingDesk
    function declareDefault(uint256 requestId) external {
        FinancingRequest storage r = _requestForBank(requestId, FinancingStatus.Disbursed);
        Invoice storage inv = _invoices[r.invoiceId];
        if (inv.status != InvoiceStatus.Overdue) revert FinancingNotOverdue(requestId);
        r.status = FinancingStatus.Defaulted;
        // Cannot overflow in practice: one increment per defaulted request, whose ids are uint32.
        unchecked {
            _credit[r.bankOrgId][inv.supplierOrgId].defaulted += 1;
        }
        emit FinancingDefaulted(requestId, r.amount - _repaid(r, inv), _msgSender());
    }

    /// @inheritdoc IFinancingDesk
    function financingRequest(uint256 requestId) external view returns (FinancingRequest memory) {
        return _requests[requestId];
    }

    /// @inheritdoc IFinancingDesk
    function repaidOf(uint256 requestId) external view returns (uint256 repaid, uint256 outstanding) {
        FinancingRequest storage r = _requests[requestId];
        FinancingStatus status = r.status;
        if (status == FinancingStatus.Repaid) return (r.amount, 0);
        if (status != FinancingStatus.Disbursed && status != FinancingStatus.Defaulted) return (0, 0);
        repaid = _repaid(r, _invoices[r.invoiceId]);
        outstanding = r.amount - repaid;
    }

    /// @inheritdoc IFinancingDesk
    function financingRequestCount() external view returns (uint256) {
        return _requestCount;
    }

    /// @inheritdoc IFinancingDesk
    function isFastTrack(uint256 invoiceId, uint256 bankOrgId, uint256 amount) external view returns (bool) {
        Invoice storage inv = _invoices[invoiceId];
        CreditRecord storage credit = _credit[bankOrgId][inv.supplierOrgId];
        return _fastTrack(bankPolicy(bankOrgId), credit, bankOrgId, inv.buyerOrgId, amount);
    }

    /// @inheritdoc IFinancingDesk
    function discountFor(
        uint256 amount,
        uint256 rateBps,
        uint256 fromTime,
        uint256 dueDate
    ) external pure returns (uint256 discount, uint256 daysToDue) {
        return Discount.compute(amount, rateBps, fromTime, dueDate);
    }

    /// @dev Records a repayment of `amount` to the bank on top of `repaidBefore`: the supplier's utilisation and,
    /// when the advance is fully repaid, the request's status and the supplier's record with the bank. The caller
    /// records the repayment itself (the recourse total, or the invoice's paid amount).
    function _applyRepayment(
        FinancingRequest storage r,
        Invoice storage inv,
        uint88 repaidBefore,
        uint88 amount
    ) internal returns (FinancingStatus status, bool onTime) {
        CreditRecord storage credit = _credit[r.bankOrgId][inv.supplierOrgId];
        // Cannot underflow: callers cap `amount` at what is outstanding, which is part of `utilised` and, for a
        // fast-track request, of `fastTracked`; the cast is safe as amount <= fastTracked, a uint80.
        unchecked {
            credit.utilised -= amount;
            if (r.fastTrack) credit.fastTracked -= uint80(amount);
        }
        status = r.status;
        if (repaidBefore + amount == r.amount) {
            status = FinancingStatus.Repaid;
            r.status = status;
            bool overdue = inv.status == InvoiceStatus.Overdue;
            onTime = !overdue && block.timestamp <= uint256(inv.dueDate) + gracePeriod();
            // Cannot overflow or underflow: counters grow once per request; overdueOpen was raised when this
            // invoice was marked overdue while disbursed, which is exactly when `overdue` is true here.
            unchecked {
                if (overdue) credit.overdueOpen -= 1;
                if (onTime) credit.repaidOnTime += 1;
                else credit.repaidLate += 1;
            }
        }
    }

    /// @dev What the bank has been repaid on a disbursed or defaulted request. Buyer payments reach the bank first and
    /// cannot precede disbursement, so the buyer's share is the invoice's paid amount capped at what recourse left.
    function _repaid(FinancingRequest storage r, Invoice storage inv) internal view returns (uint88) {
        uint88 recourse = r.recourseRepaid;
        // Cannot underflow: recourse repayments are capped at what is outstanding of the advance.
        uint88 buyerCap;
        unchecked {
            buyerCap = r.amount - recourse;
        }
        uint88 paid = inv.paid;
        return (paid < buyerCap ? paid : buyerCap) + recourse;
    }

    /// @dev Whether a request in this status holds its invoice, so that no other request may be made on it.
    function _holdsInvoice(FinancingStatus status) internal pure returns (bool) {
        return status != FinancingStatus.Rejected && status != FinancingStatus.Withdrawn;
    }

    /// @dev Loads a request for an officer of its bank, reverting unless it is in `expected` status.
    function _requestForBank(
        uint256 requestId,
        FinancingStatus expected
    ) private view returns (FinancingRequest storage r) {
        uint32 orgId = _actorOfficer();
        r = _knownRequest(requestId);
        if (r.bankOrgId != orgId) revert FinancingNotBank(requestId, orgId);
        if (r.status != expected) revert FinancingInvalidStatus(requestId, r.status);
    }

    /// @dev Loads a request for a member of the supplier that made it.
    function _requestForSupplier(uint256 requestId) private view returns (FinancingRequest storage r) {
        uint32 orgId = _actorOrg(OrgKind.Supplier);
        r = _knownRequest(requestId);
        if (_invoices[r.invoiceId].supplierOrgId != orgId) revert FinancingNotSupplier(requestId, orgId);
    }

    /// @dev Loads a request, reverting for an unknown id; payments use it to find the financing of an invoice.
    function _knownRequest(uint256 requestId) internal view returns (FinancingRequest storage r) {
        r = _requests[requestId];
        if (r.status == FinancingStatus.None) revert FinancingUnknown(requestId);
    }

    /// @dev Storage pointer to a request by id (no existence check: callers hold an id from an invoice).
    function _requestAt(uint256 requestId) internal view returns (FinancingRequest storage) {
        return _requests[requestId];
    }

    /// @dev A request can be withdrawn or rejected until the money moves: an approved request whose invoice stopped
    /// being financeable (paid in part, or past due) would otherwise hold the invoice for ever.
    function _requireUndisbursedDecision(uint256 requestId, FinancingStatus status) private pure {
        if (status != FinancingStatus.Requested && status != FinancingStatus.Approved) {
            revert FinancingInvalidStatus(requestId, status);
        }
    }

    function _requireFinanceable(uint256 invoiceId, Invoice storage inv) private view {
        if (inv.status != InvoiceStatus.Confirmed || inv.paid != 0 || inv.dueDate <= block.timestamp) {
            revert FinancingInvoiceNotFinanceable(invoiceId);
        }
    }

    /// @dev Decides whether a new request takes the fast-track and, if it does, adds it to the supplier's exposure.
    function _takeFastTrack(
        Policy memory policy,
        CreditRecord storage credit,
        uint256 bankOrgId,
        uint256 buyerOrgId,
        uint88 amount
    ) private returns (bool fastTrack) {
        fastTrack = _fastTrack(policy, credit, bankOrgId, buyerOrgId, amount);
        // Cannot overflow, and the cast is safe: _fastTrack proved fastTracked + amount <= the uint80 limit.
        unchecked {
            if (fastTrack) credit.fastTracked += uint80(amount);
        }
    }

    /// @dev A fast-track request that ends before disbursement no longer counts against the fast-track limit.
    function _releaseFastTrack(FinancingRequest storage r) private {
        if (r.fastTrack) {
            // Cannot underflow, and the cast is safe: the request's amount was added to fastTracked, a uint80, when
            // it was made, and only repayments (after disbursement) take any of it back.
            unchecked {
                _credit[r.bankOrgId][_invoices[r.invoiceId].supplierOrgId].fastTracked -= uint80(r.amount);
            }
        }
    }

    function _available(CreditRecord storage credit) private view returns (uint256) {
        uint88 limit = credit.limit;
        uint88 utilised = credit.utilised;
        return limit > utilised ? limit - utilised : 0;
    }

    function _fastTrack(
        Policy memory policy,
        CreditRecord storage credit,
        uint256 bankOrgId,
        uint256 buyerOrgId,
        uint256 amount
    ) private view returns (bool) {
        return
            isTrustedBuyer(bankOrgId, buyerOrgId) &&
            // The first bound keeps the sum below 2^81, so it cannot overflow for any `amount` the view is given.
            amount <= policy.fastTrackLimit &&
            amount + credit.fastTracked <= policy.fastTrackLimit &&
            amount <= _available(credit) &&
            credit.overdueOpen == 0;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IInvoiceBook} from "../interfaces/IInvoiceBook.sol";
import {FinancingDesk} from "./FinancingDesk.sol";

/// @title Settlement
/// @notice The buyer's payments and overdue marking. A payment on a financed invoice repays the bank first, because
/// the receivable was assigned to the bank when it disbursed; only the rest reaches the supplier.
abstract contract Settlement is FinancingDesk {
    using SafeERC20 for IERC20;

    /// @inheritdoc IInvoiceBook
    function payInvoice(uint256 invoiceId, uint88 amount) external {
        Invoice storage inv = _payableInvoice(invoiceId, amount);
        uint256 requestId = inv.financingRequestId;
        FinancingRequest storage r = _requestAt(requestId);
        uint88 toBank;
        uint88 repaidBefore;
        if (r.status == FinancingStatus.Disbursed || r.status == FinancingStatus.Defaulted) {
            repaidBefore = _repaid(r, inv);
            uint88 owed = r.amount - repaidBefore;
            toBank = amount < owed ? amount : owed;
        }
        // Effects. The repayment is recorded against the invoice's status before this payment changes it, so the
        // repayment of an overdue invoice counts as late.
        FinancingStatus financingStatus;
        bool onTime;
        if (toBank != 0) (financingStatus, onTime) = _applyRepayment(r, inv, repaidBefore, toBank);
        InvoiceStatus status = _recordPayment(inv, amount);
        // Transfers: the bank first, then the supplier.
        address buyerTreasury = _treasuryOf(inv.buyerOrgId);
        if (toBank != 0) IERC20(_token).safeTransferFrom(buyerTreasury, _treasuryOf(r.bankOrgId), toBank);
        if (amount != toBank) {
            // Cannot underflow: toBank <= amount.
            unchecked {
                IERC20(_token).safeTransferFrom(buyerTreasury, _treasuryOf(inv.supplierOrgId), amount - toBank);
            }
        }
        _emitPayment(invoiceId, requestId, amount, toBank, inv.paid, status);
        if (toBank != 0) {
            emit FinancingRepaymentReceived(
                requestId,
                toBank,
                repaidBefore + toBank,
                false,
                financingStatus,
                onTime,
                _msgSender()
            );
        }
    }

    /// @inheritdoc IInvoiceBook
    function markOverdue(uint256 invoiceId) external {
        Invoice storage inv = _knownInvoice(invoiceId);
        if (inv.status != InvoiceStatus.Confirmed) revert InvoiceInvalidStatus(invoiceId, inv.status);
        uint256 overdueAt = uint256(inv.dueDate) + gracePeriod();
        if (block.timestamp <= overdueAt) revert InvoiceNotYetOverdue(invoiceId, overdueAt, block.timestamp);
        inv.status = InvoiceStatus.Overdue;
        uint256 requestId = inv.financingRequestId;
        FinancingRequest storage r = _requestAt(requestId);
        // Only an advance still owed to the bank counts against the supplier's record with that bank.
        if (r.status == FinancingStatus.Disbursed) {
            CreditRecord storage credit = _credit[r.bankOrgId][inv.supplierOrgId];
            // Cannot overflow in practice: one increment per financed invoice, whose ids are uint32.
            unchecked {
                credit.overdue += 1;
                credit.overdueOpen += 1;
            }
        }
        emit InvoiceMarkedOverdue(invoiceId, requestId, inv.amount - inv.paid, _msgSender());
    }

    /// @dev Checks that the acting buyer may pay `amount` on this invoice now.
    function _payableInvoice(uint256 invoiceId, uint88 amount) private view returns (Invoice storage inv) {
        uint32 buyerOrgId = _actorOrg(OrgKind.CoreEnterprise);
        inv = _knownInvoice(invoiceId);
        if (inv.buyerOrgId != buyerOrgId) revert InvoiceNotBuyer(invoiceId, buyerOrgId);
        InvoiceStatus status = inv.status;
        if (status != InvoiceStatus.Confirmed && status != InvoiceStatus.Overdue) {
            revert InvoiceInvalidStatus(invoiceId, status);
        }
        if (amount == 0) revert InvoiceZeroAmount();
        // Cannot underflow: `paid` only grows up to the invoice amount through this check.
        uint256 outstanding;
        unchecked {
            outstanding = inv.amount - inv.paid;
        }
        if (amount > outstanding) revert InvoicePaymentExceedsOutstanding(invoiceId, amount, outstanding);
    }

    /// @dev Adds a payment to the invoice and marks it Paid when nothing is left; returns its status.
    function _recordPayment(Invoice storage inv, uint88 amount) private returns (InvoiceStatus status) {
        // Cannot overflow: _payableInvoice capped amount at amount - paid.
        uint88 paid;
        unchecked {
            paid = inv.paid + amount;
        }
        inv.paid = paid;
        status = inv.status;
        if (paid == inv.amount) {
            status = InvoiceStatus.Paid;
            inv.status = status;
        }
    }

    function _emitPayment(
        uint256 invoiceId,
        uint256 requestId,
        uint88 amount,
        uint88 toBank,
        uint88 totalPaid,
        InvoiceStatus status
    ) private {
        // Cannot underflow: toBank <= amount.
        unchecked {
            emit InvoicePaymentMade(
                invoiceId,
                requestId,
                amount,
                toBank,
                amount - toBank,
                totalPaid,
                status,
                _msgSender()
            );
        }
    }
}

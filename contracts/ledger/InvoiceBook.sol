// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IInvoiceBook} from "../interfaces/IInvoiceBook.sol";
import {OrderBook} from "./OrderBook.sol";

/// @title InvoiceBook
/// @notice Invoices against accepted orders and the buyer's answer to them. Payments and overdue marking live in the
/// financing desk because they move money to the bank that financed the invoice.
abstract contract InvoiceBook is OrderBook, IInvoiceBook {
    mapping(uint256 invoiceId => Invoice) internal _invoices;
    mapping(bytes32 supplierAndKey => uint256 invoiceId) private _invoiceByKey;
    uint32 private _invoiceCount;

    /// @inheritdoc IInvoiceBook
    function issueInvoice(
        uint256 orderId,
        bytes32 invoiceKey,
        bytes32 numberCommitment,
        uint88 amount,
        uint40 dueDate,
        bytes32 documentHash
    ) external returns (uint256 invoiceId) {
        uint32 supplierOrgId = _actorOrg(OrgKind.Supplier);
        if (invoiceKey == bytes32(0)) revert InvoiceEmptyKey();
        if (amount == 0) revert InvoiceZeroAmount();
        if (dueDate <= block.timestamp) revert InvoiceDueDateNotInFuture(dueDate, block.timestamp);
        uint32 buyerOrgId = _reserveOrderAmount(orderId, supplierOrgId, amount);
        invoiceId = ++_invoiceCount;
        _registerKey(supplierOrgId, invoiceKey, invoiceId);
        _invoices[invoiceId] = Invoice({
            amount: amount,
            // The cast is safe: orderId is a known order, so it fits the uint32 order counter.
            orderId: uint32(orderId),
            supplierOrgId: supplierOrgId,
            buyerOrgId: buyerOrgId,
            dueDate: dueDate,
            status: InvoiceStatus.Issued,
            paid: 0,
            financingRequestId: 0
        });
        emit InvoiceIssued(
            invoiceId,
            orderId,
            supplierOrgId,
            buyerOrgId,
            invoiceKey,
            numberCommitment,
            amount,
            dueDate,
            documentHash,
            _msgSender()
        );
    }

    /// @inheritdoc IInvoiceBook
    function confirmInvoice(uint256 invoiceId) external {
        Invoice storage inv = _invoiceForBuyer(invoiceId, InvoiceStatus.Issued);
        inv.status = InvoiceStatus.Confirmed;
        emit InvoiceConfirmed(invoiceId, _msgSender());
    }

    /// @inheritdoc IInvoiceBook
    function disputeInvoice(uint256 invoiceId, uint16 reasonCode, bytes32 reasonCommitment) external {
        Invoice storage inv = _invoiceForBuyer(invoiceId, InvoiceStatus.Issued);
        inv.status = InvoiceStatus.Disputed;
        emit InvoiceDisputed(invoiceId, reasonCode, reasonCommitment, _msgSender());
    }

    /// @inheritdoc IInvoiceBook
    function withdrawDispute(uint256 invoiceId) external {
        Invoice storage inv = _invoiceForBuyer(invoiceId, InvoiceStatus.Disputed);
        inv.status = InvoiceStatus.Issued;
        emit InvoiceDisputeWithdrawn(invoiceId, _msgSender());
    }

    /// @inheritdoc IInvoiceBook
    function cancelInvoice(uint256 invoiceId) external {
        uint32 orgId = _actorOrg(OrgKind.Supplier);
        Invoice storage inv = _knownInvoice(invoiceId);
        if (inv.supplierOrgId != orgId) revert InvoiceNotSupplier(invoiceId, orgId);
        InvoiceStatus status = inv.status;
        if (status != InvoiceStatus.Issued && status != InvoiceStatus.Disputed) {
            revert InvoiceInvalidStatus(invoiceId, status);
        }
        inv.status = InvoiceStatus.Cancelled;
        uint88 amount = inv.amount;
        uint256 orderId = inv.orderId;
        // Cannot underflow: this invoice's amount was added to the order's invoiced total when it was issued.
        unchecked {
            _orders[orderId].invoiced -= amount;
        }
        emit InvoiceCancelled(invoiceId, orderId, amount, _msgSender());
    }

    /// @inheritdoc IInvoiceBook
    function invoice(uint256 invoiceId) external view returns (Invoice memory) {
        return _invoices[invoiceId];
    }

    /// @inheritdoc IInvoiceBook
    function invoiceIdOf(uint256 supplierOrgId, bytes32 invoiceKey) external view returns (uint256) {
        return _invoiceByKey[_slotKey(supplierOrgId, invoiceKey)];
    }

    /// @inheritdoc IInvoiceBook
    function invoiceCount() external view returns (uint256) {
        return _invoiceCount;
    }

    /// @dev Loads an invoice, reverting for an unknown id.
    function _knownInvoice(uint256 invoiceId) internal view returns (Invoice storage inv) {
        inv = _invoices[invoiceId];
        if (inv.status == InvoiceStatus.None) revert InvoiceUnknown(invoiceId);
    }

    /// @dev Loads an invoice the acting buyer owes, reverting unless it is in `expected` status.
    function _invoiceForBuyer(uint256 invoiceId, InvoiceStatus expected) internal view returns (Invoice storage inv) {
        uint32 orgId = _actorOrg(OrgKind.CoreEnterprise);
        inv = _knownInvoice(invoiceId);
        if (inv.buyerOrgId != orgId) revert InvoiceNotBuyer(invoiceId, orgId);
        if (inv.status != expected) revert InvoiceInvalidStatus(invoiceId, inv.status);
    }

    /// @dev Adds `amount` to an accepted order's invoiced total, reverting if the supplier is not the order's or the
    /// amount exceeds the uninvoiced remainder. Returns the order's buyer.
    function _reserveOrderAmount(
        uint256 orderId,
        uint32 supplierOrgId,
        uint88 amount
    ) private returns (uint32 buyerOrgId) {
        Order storage o = _knownOrder(orderId);
        if (o.supplierOrgId != supplierOrgId) revert OrderNotSupplier(orderId, supplierOrgId);
        if (o.status != OrderStatus.Accepted) revert OrderInvalidStatus(orderId, o.status);
        uint88 invoiced = o.invoiced;
        // Cannot underflow: `invoiced` only grows through the check below, so it never exceeds the order amount.
        uint88 remaining;
        unchecked {
            remaining = o.amount - invoiced;
        }
        if (amount > remaining) revert InvoiceAmountExceedsOrder(orderId, amount, remaining);
        // Cannot overflow: amount <= remaining.
        unchecked {
            o.invoiced = invoiced + amount;
        }
        return o.buyerOrgId;
    }

    /// @dev Claims a supplier's invoice key for `invoiceId`, reverting if the key was used before. The key is mixed
    /// with the supplier's id so that no supplier can block another's numbers by registering their keys first.
    function _registerKey(uint32 supplierOrgId, bytes32 invoiceKey, uint256 invoiceId) private {
        bytes32 slotKey = _slotKey(supplierOrgId, invoiceKey);
        uint256 existing = _invoiceByKey[slotKey];
        if (existing != 0) revert InvoiceDuplicate(supplierOrgId, invoiceKey, existing);
        _invoiceByKey[slotKey] = invoiceId;
    }

    function _slotKey(uint256 supplierOrgId, bytes32 invoiceKey) private pure returns (bytes32 key) {
        // Hashing the two words in scratch space avoids abi.encode's memory allocation; same result.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, supplierOrgId)
            mstore(0x20, invoiceKey)
            key := keccak256(0x00, 0x40)
        }
    }
}

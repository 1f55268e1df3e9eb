// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IOrderBook
/// @notice Purchase orders: a core enterprise orders goods from a supplier, and the supplier accepts or rejects.
/// Invoices are issued against accepted orders, and the order tracks how much of it has been invoiced.
interface IOrderBook {
    /// @notice The life of an order: Issued -> Accepted | Rejected | Cancelled.
    enum OrderStatus {
        None,
        Issued,
        Accepted,
        Rejected,
        Cancelled
    }

    /// @notice A purchase order, packed into one slot (4 + 4 + 1 + 11 + 11 bytes) so that invoicing against it
    /// updates a slot the transaction already reads instead of creating a new one. Amounts are uint88 minor units
    /// (up to about 3.1e24 currency units). The order's currency is always the ledger's settlement token; its
    /// payment due date, reference commitment and document hash are in the `OrderIssued` event, which is part of the
    /// chain (receipts root), so they are stored once, as a log, rather than twice.
    struct Order {
        uint32 buyerOrgId;
        uint32 supplierOrgId;
        OrderStatus status;
        uint88 amount;
        uint88 invoiced;
    }

    /// @notice Emitted when a buyer issues an order.
    event OrderIssued(
        uint256 indexed orderId,
        uint256 indexed buyerOrgId,
        uint256 indexed supplierOrgId,
        address currency,
        uint256 amount,
        uint256 dueDate,
        bytes32 referenceCommitment,
        bytes32 documentHash,
        address actor
    );
    /// @notice Emitted when the supplier accepts an order.
    event OrderAccepted(uint256 indexed orderId, address actor);
    /// @notice Emitted when the supplier rejects an order.
    event OrderRejected(uint256 indexed orderId, uint256 reasonCode, bytes32 reasonCommitment, address actor);
    /// @notice Emitted when the buyer cancels an order before it was accepted.
    event OrderCancelled(uint256 indexed orderId, address actor);

    /// @notice The order id is unknown.
    error OrderUnknown(uint256 orderId);
    /// @notice The order is not in a status that allows the action.
    error OrderInvalidStatus(uint256 orderId, OrderStatus status);
    /// @notice The caller's organisation is not the order's buyer.
    error OrderNotBuyer(uint256 orderId, uint256 orgId);
    /// @notice The caller's organisation is not the order's supplier.
    error OrderNotSupplier(uint256 orderId, uint256 orgId);
    /// @notice The amount is zero.
    error OrderZeroAmount();
    /// @notice The due date is not in the future.
    error OrderDueDateNotInFuture(uint256 dueDate, uint256 nowTimestamp);
    /// @notice A buyer cannot order from itself.
    error OrderSelfDealing(uint256 orgId);
    /// @notice The currency is not the ledger's settlement token.
    error OrderUnsupportedCurrency(address currency);

    /// @notice Issues an order to a supplier. Core-enterprise members only.
    /// @param supplierOrgId The supplier organisation (active, kind Supplier).
    /// @param currency The settlement token (must be the ledger's `settlementToken()`).
    /// @param amount The order amount in minor units (> 0).
    /// @param dueDate The payment due date (unix seconds, in the future): the payment terms.
    /// @param referenceCommitment keccak256 of the buyer's reference (the PO number) and a salt the parties keep.
    /// @param documentHash The hash of the order document.
    /// @return orderId The new order's id.
    function issueOrder(
        uint256 supplierOrgId,
        address currency,
        uint88 amount,
        uint40 dueDate,
        bytes32 referenceCommitment,
        bytes32 documentHash
    ) external returns (uint256 orderId);

    /// @notice Accepts an issued order. Members of the order's supplier only.
    function acceptOrder(uint256 orderId) external;

    /// @notice Rejects an issued order with a reason code and a salted commitment to the note. Members of the order's
    /// supplier only.
    function rejectOrder(uint256 orderId, uint16 reasonCode, bytes32 reasonCommitment) external;

    /// @notice Cancels an order that has not been accepted yet. Members of the order's buyer only.
    function cancelOrder(uint256 orderId) external;

    /// @notice Returns the whole order record (status `None` for an unknown id).
    function order(uint256 orderId) external view returns (Order memory);

    /// @notice Returns the number of orders issued so far.
    function orderCount() external view returns (uint256);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IOrderBook} from "../interfaces/IOrderBook.sol";
import {OrgRegistry} from "./OrgRegistry.sol";

/// @title OrderBook
/// @notice Purchase orders between a core enterprise and a supplier.
abstract contract OrderBook is OrgRegistry, IOrderBook {
    /// @dev The ledger's settlement token, the only currency an order may be in.
    address internal immutable _token;

    mapping(uint256 orderId => Order) internal _orders;
    uint32 private _orderCount;

    constructor(address token) {
        if (token == address(0)) revert RegistryZeroAddress();
        _token = token;
    }

    /// @inheritdoc IOrderBook
    function issueOrder(
        uint256 supplierOrgId,
        address currency,
        uint88 amount,
        uint40 dueDate,
        bytes32 referenceCommitment,
        bytes32 documentHash
    ) external returns (uint256 orderId) {
        uint32 buyerOrgId = _actorOrg(OrgKind.CoreEnterprise);
        if (supplierOrgId == buyerOrgId) revert OrderSelfDealing(buyerOrgId);
        _activeOrgTreasury(supplierOrgId, OrgKind.Supplier);
        if (currency != _token) revert OrderUnsupportedCurrency(currency);
        if (amount == 0) revert OrderZeroAmount();
        if (dueDate <= block.timestamp) revert OrderDueDateNotInFuture(dueDate, block.timestamp);
        orderId = ++_orderCount;
        _orders[orderId] = Order({
            buyerOrgId: buyerOrgId,
            // The cast is safe: _activeOrgTreasury proved the organisation exists, so its id fits the uint32 counter.
            supplierOrgId: uint32(supplierOrgId),
            status: OrderStatus.Issued,
            amount: amount,
            invoiced: 0
        });
        emit OrderIssued(
            orderId,
            buyerOrgId,
            supplierOrgId,
            currency,
            amount,
            dueDate,
            referenceCommitment,
            documentHash,
            _msgSender()
        );
    }

    /// @inheritdoc IOrderBook
    function acceptOrder(uint256 orderId) external {
        Order storage o = _issuedOrderForSupplier(orderId);
        o.status = OrderStatus.Accepted;
        emit OrderAccepted(orderId, _msgSender());
    }

    /// @inheritdoc IOrderBook
    function rejectOrder(uint256 orderId, uint16 reasonCode, bytes32 reasonCommitment) external {
        Order storage o = _issuedOrderForSupplier(orderId);
        o.status = OrderStatus.Rejected;
        emit OrderRejected(orderId, reasonCode, reasonCommitment, _msgSender());
    }

    /// @inheritdoc IOrderBook
    function cancelOrder(uint256 orderId) external {
        uint32 orgId = _actorOrg(OrgKind.CoreEnterprise);
        Order storage o = _knownOrder(orderId);
        if (o.buyerOrgId != orgId) revert OrderNotBuyer(orderId, orgId);
        if (o.status != OrderStatus.Issued) revert OrderInvalidStatus(orderId, o.status);
        o.status = OrderStatus.Cancelled;
        emit OrderCancelled(orderId, _msgSender());
    }

    /// @inheritdoc IOrderBook
    function order(uint256 orderId) external view returns (Order memory) {
        return _orders[orderId];
    }

    /// @inheritdoc IOrderBook
    function orderCount() external view returns (uint256) {
        return _orderCount;
    }

    /// @dev Loads an order, reverting for an unknown id.
    function _knownOrder(uint256 orderId) internal view returns (Order storage o) {
        o = _orders[orderId];
        if (o.status == OrderStatus.None) revert OrderUnknown(orderId);
    }

    function _issuedOrderForSupplier(uint256 orderId) private view returns (Order storage o) {
        uint32 orgId = _actorOrg(OrgKind.Supplier);
        o = _knownOrder(orderId);
        if (o.supplierOrgId != orgId) revert OrderNotSupplier(orderId, orgId);
        if (o.status != OrderStatus.Issued) revert OrderInvalidStatus(orderId, o.status);
    }
}

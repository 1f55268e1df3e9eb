// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IBankPolicy} from "../interfaces/IBankPolicy.sol";
import {OrgRegistry} from "./OrgRegistry.sol";

/// @title BankPolicy
/// @notice Each bank's officers set its advance rate, discount rate, fast-track limit, trusted buyers and the credit
/// limit of each supplier. The financing desk reads these and keeps the credit records up to date.
abstract contract BankPolicy is OrgRegistry, IBankPolicy {
    /// @dev 100 % in basis points.
    uint256 internal constant _BPS = 10_000;

    mapping(uint256 bankOrgId => Policy) private _policies;
    mapping(uint256 bankOrgId => mapping(uint256 buyerOrgId => bool)) private _trustedBuyers;
    mapping(uint256 bankOrgId => mapping(uint256 supplierOrgId => CreditRecord)) internal _credit;

    /// @inheritdoc IBankPolicy
    function setBankPolicy(uint16 advanceRateBps, uint16 discountRateBps, uint88 fastTrackLimit) external {
        uint32 bankOrgId = _actorOrg(OrgKind.Bank);
        if (advanceRateBps > _BPS) revert PolicyRateTooHigh(advanceRateBps, _BPS);
        if (discountRateBps > _BPS) revert PolicyRateTooHigh(discountRateBps, _BPS);
        _policies[bankOrgId] = Policy(advanceRateBps, discountRateBps, fastTrackLimit);
        emit BankPolicySet(bankOrgId, advanceRateBps, discountRateBps, fastTrackLimit, _msgSender());
    }

    /// @inheritdoc IBankPolicy
    function setTrustedBuyer(uint256 buyerOrgId, bool trusted) external {
        uint32 bankOrgId = _actorOrg(OrgKind.Bank);
        // A bank may stop trusting a buyer that has since been suspended or never existed, so removal is not checked.
        if (trusted) _activeOrgTreasury(buyerOrgId, OrgKind.CoreEnterprise);
        _trustedBuyers[bankOrgId][buyerOrgId] = trusted;
        emit TrustedBuyerSet(bankOrgId, buyerOrgId, trusted, _msgSender());
    }

    /// @inheritdoc IBankPolicy
    function setCreditLimit(uint256 supplierOrgId, uint88 limit) external {
        uint32 bankOrgId = _actorOrg(OrgKind.Bank);
        _activeOrgTreasury(supplierOrgId, OrgKind.Supplier);
        _credit[bankOrgId][supplierOrgId].limit = limit;
        emit CreditLimitSet(bankOrgId, supplierOrgId, limit, _msgSender());
    }

    /// @inheritdoc IBankPolicy
    function bankPolicy(uint256 bankOrgId) public view returns (Policy memory) {
        return _policies[bankOrgId];
    }

    /// @inheritdoc IBankPolicy
    function isTrustedBuyer(uint256 bankOrgId, uint256 buyerOrgId) public view returns (bool) {
        return _trustedBuyers[bankOrgId][buyerOrgId];
    }

    /// @inheritdoc IBankPolicy
    function creditRecord(uint256 bankOrgId, uint256 supplierOrgId) external view returns (CreditRecord memory) {
        return _credit[bankOrgId][supplierOrgId];
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IBankPolicy} from "../interfaces/IBankPolicy.sol";
import {OrgRegistry} from "./OrgRegistry.sol";

/// @title BankPolicy
/// @notice Each bank's advance rate, discount rate, fast-track limit, trusted buyers and the credit limit of each
/// supplier, changed only by two different officers of the bank (maker-checker). The financing desk reads these and
/// keeps the credit records up to date.
abstract contract BankPolicy is OrgRegistry, IBankPolicy {
    /// @dev 100 % in basis points.
    uint256 internal constant _BPS = 10_000;

    mapping(uint256 bankOrgId => Policy) private _policies;
    mapping(uint256 bankOrgId => mapping(uint256 buyerOrgId => bool)) private _trustedBuyers;
    mapping(uint256 bankOrgId => mapping(uint256 supplierOrgId => CreditRecord)) internal _credit;
    mapping(uint256 proposalId => PolicyProposal) private _policyProposals;
    uint32 private _policyProposalCount;

    /// @inheritdoc IBankPolicy
    function proposePolicyChange(PolicyChange calldata change) external returns (uint256 proposalId) {
        uint32 bankOrgId = _actorOfficer();
        _checkChange(change);
        proposalId = ++_policyProposalCount;
        address proposer = _msgSender();
        _policyProposals[proposalId] = PolicyProposal(bankOrgId, PolicyProposalStatus.Pending, proposer, change);
        emit PolicyChangeProposed(proposalId, bankOrgId, proposer, change);
    }

    /// @inheritdoc IBankPolicy
    function approvePolicyChange(uint256 proposalId) external {
        PolicyProposal storage p = _pendingPolicyProposal(proposalId);
        uint32 bankOrgId = p.bankOrgId;
        address approver = _msgSender();
        address proposer = p.proposer;
        if (approver == proposer) revert PolicySelfApproval(proposalId, approver);
        PolicyChange memory c = p.change;
        _checkChange(c);
        p.status = PolicyProposalStatus.Approved;
        emit PolicyChangeApproved(proposalId, bankOrgId, approver, proposer);
        PolicyChangeKind kind = c.kind;
        if (kind == PolicyChangeKind.Rates) {
            _policies[bankOrgId] = Policy(c.advanceRateBps, c.discountRateBps, c.fastTrackLimit);
            emit BankPolicySet(bankOrgId, proposalId, c.advanceRateBps, c.discountRateBps, c.fastTrackLimit, approver);
        } else if (kind == PolicyChangeKind.TrustedBuyer) {
            _trustedBuyers[bankOrgId][c.orgId] = c.trusted;
            emit TrustedBuyerSet(bankOrgId, c.orgId, proposalId, c.trusted, approver);
        } else {
            _credit[bankOrgId][c.orgId].limit = c.creditLimit;
            emit CreditLimitSet(bankOrgId, c.orgId, proposalId, c.creditLimit, approver);
        }
    }

    /// @inheritdoc IBankPolicy
    function rejectPolicyChange(uint256 proposalId) external {
        PolicyProposal storage p = _pendingPolicyProposal(proposalId);
        p.status = PolicyProposalStatus.Rejected;
        emit PolicyChangeRejected(proposalId, p.bankOrgId, _msgSender());
    }

    /// @inheritdoc IBankPolicy
    function policyProposal(uint256 proposalId) external view returns (PolicyProposal memory) {
        return _policyProposals[proposalId];
    }

    /// @inheritdoc IBankPolicy
    function policyProposalCount() external view returns (uint256) {
        return _policyProposalCount;
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

    /// @inheritdoc IBankPolicy
    function fastTrackExposure(
        uint256 bankOrgId,
        uint256 supplierOrgId
    ) external view returns (uint256 exposure, uint256 headroom) {
        exposure = _credit[bankOrgId][supplierOrgId].fastTracked;
        uint256 limit = _policies[bankOrgId].fastTrackLimit;
        headroom = limit > exposure ? limit - exposure : 0;
    }

    /// @dev Loads a pending proposal for an officer of its bank.
    function _pendingPolicyProposal(uint256 proposalId) private view returns (PolicyProposal storage p) {
        uint32 orgId = _actorOfficer();
        p = _policyProposals[proposalId];
        PolicyProposalStatus status = p.status;
        if (status == PolicyProposalStatus.None) revert PolicyUnknownProposal(proposalId);
        if (p.bankOrgId != orgId) revert PolicyNotBank(proposalId, orgId);
        if (status != PolicyProposalStatus.Pending) revert PolicyProposalDecided(proposalId, status);
    }

    /// @dev Checks a change when proposed and again when applied (an organisation may have been suspended since):
    /// rates at most 100 %, a newly trusted buyer an active core enterprise, a credit limit for an active supplier. A
    /// bank may stop trusting a buyer that has since been suspended, so removal is not checked.
    function _checkChange(PolicyChange memory c) private view {
        PolicyChangeKind kind = c.kind;
        if (kind == PolicyChangeKind.Rates) {
            if (c.advanceRateBps > _BPS) revert PolicyRateTooHigh(c.advanceRateBps, _BPS);
            if (c.discountRateBps > _BPS) revert PolicyRateTooHigh(c.discountRateBps, _BPS);
        } else if (kind == PolicyChangeKind.TrustedBuyer) {
            if (c.trusted) _activeOrgTreasury(c.orgId, OrgKind.CoreEnterprise);
        } else {
            _activeOrgTreasury(c.orgId, OrgKind.Supplier);
        }
    }
}

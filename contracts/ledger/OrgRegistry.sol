// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {IOrgRegistry} from "../interfaces/IOrgRegistry.sol";

/// @title OrgRegistry
/// @notice Organisations, their member accounts and roles, and the platform operator's role. Every other part of the
/// ledger asks `_actorOrg` or `_actorOfficer` who is acting, so all rights are checked here, on-chain.
/// @dev ERC-2771: when the trusted forwarder relays a signed request, `_msgSender()` is the signer, so every action is
/// attributed to the person who signed it and not to the relayer that paid the gas.
abstract contract OrgRegistry is ERC2771Context, IOrgRegistry {
    /// @dev The longest grace period the ledger may be deployed with.
    uint256 private constant _MAX_GRACE_PERIOD = 365 days;

    /// @dev One member account: its organisation and role, packed into one slot (4 + 1 bytes).
    struct Membership {
        uint32 orgId;
        MemberRole role;
    }

    /// @dev The platform operator: onboards, suspends and reinstates organisations, and does nothing else. Fixed at
    /// deployment, so no key can grant itself the operator's powers.
    address private immutable _operator;
    /// @dev Fixed at deployment, so no one (the operator included) can move invoices into overdue early.
    uint256 private immutable _gracePeriod;

    mapping(uint256 orgId => Organization) private _orgs;
    mapping(address account => Membership) private _members;
    mapping(bytes32 kycHash => uint256 orgId) private _orgByKyc;
    mapping(uint256 proposalId => MemberProposal) private _memberProposals;
    uint32 private _orgCount;
    uint32 private _memberProposalCount;

    /// @notice Names the operator and fixes the grace period.
    /// @param admin The platform operator's account.
    /// @param forwarder The trusted ERC-2771 forwarder.
    /// @param initialGracePeriod The grace period in seconds after an invoice's due date.
    constructor(address admin, address forwarder, uint32 initialGracePeriod) ERC2771Context(forwarder) {
        if (admin == address(0)) revert RegistryZeroAddress();
        if (initialGracePeriod > _MAX_GRACE_PERIOD) {
            revert RegistryGracePeriodTooLong(initialGracePeriod, _MAX_GRACE_PERIOD);
        }
        _operator = admin;
        _gracePeriod = initialGracePeriod;
        emit GracePeriodSet(initialGracePeriod, admin);
    }

    modifier onlyOperator() {
        address account = _msgSender();
        if (account != _operator) revert RegistryNotOperator(account);
        _;
    }

    /// @inheritdoc IOrgRegistry
    function registerOrganization(
        OrgKind kind,
        bytes32 nameCommitment,
        address treasury,
        bytes32 kycHash,
        address admin
    ) external onlyOperator returns (uint256 orgId) {
        if (kind == OrgKind.None) revert RegistryInvalidKind();
        if (treasury == address(0) || admin == address(0)) revert RegistryZeroAddress();
        if (kycHash == bytes32(0)) revert RegistryEmptyKycHash();
        uint256 existing = _orgByKyc[kycHash];
        if (existing != 0) revert RegistryDuplicateKyc(kycHash, existing);
        uint32 current = _members[admin].orgId;
        if (current != 0) revert RegistryAlreadyMember(admin, current);
        orgId = ++_orgCount;
        _orgs[orgId] = Organization({
            treasury: treasury,
            kind: kind,
            status: OrgStatus.Active,
            governors: 1,
            admins: 1
        });
        _orgByKyc[kycHash] = orgId;
        // The cast is safe: orgId comes from the uint32 counter.
        _members[admin] = Membership(uint32(orgId), MemberRole.Admin);
        address operator = _msgSender();
        emit OrganizationRegistered(orgId, kind, treasury, kycHash, nameCommitment, admin, operator);
        emit MemberAdded(orgId, admin, MemberRole.Admin, operator);
    }

    /// @inheritdoc IOrgRegistry
    function suspendOrganization(uint256 orgId) external onlyOperator {
        Organization storage org = _knownOrg(orgId);
        if (org.status == OrgStatus.Suspended) revert RegistryStatusUnchanged(orgId, OrgStatus.Suspended);
        org.status = OrgStatus.Suspended;
        emit OrganizationSuspended(orgId, _msgSender());
    }

    /// @inheritdoc IOrgRegistry
    function reinstateOrganization(uint256 orgId) external onlyOperator {
        Organization storage org = _knownOrg(orgId);
        if (org.status == OrgStatus.Active) revert RegistryStatusUnchanged(orgId, OrgStatus.Active);
        org.status = OrgStatus.Active;
        emit OrganizationReinstated(orgId, _msgSender());
    }

    /// @inheritdoc IOrgRegistry
    function addMember(uint256 orgId, address account, MemberRole role) external {
        Organization storage org = _orgForAdmin(orgId);
        if (account == address(0)) revert RegistryZeroAddress();
        uint32 current = _members[account].orgId;
        if (current != 0) revert RegistryAlreadyMember(account, current);
        _requireSingleSigner(org, orgId, role);
        _setMembership(org, orgId, account, MemberRole.None, role);
    }

    /// @inheritdoc IOrgRegistry
    function setMemberRole(uint256 orgId, address account, MemberRole role) external {
        Organization storage org = _orgForAdmin(orgId);
        MemberRole previous = _roleIn(account, orgId);
        _requireSingleSigner(org, orgId, role);
        _setMembership(org, orgId, account, previous, role);
    }

    /// @inheritdoc IOrgRegistry
    function removeMember(uint256 orgId, address account) external {
        Organization storage org = _orgForAdmin(orgId);
        _setMembership(org, orgId, account, _roleIn(account, orgId), MemberRole.None);
    }

    /// @inheritdoc IOrgRegistry
    function proposeMember(uint256 orgId, address account, MemberRole role) external returns (uint256 proposalId) {
        _orgForAdmin(orgId);
        if (account == address(0)) revert RegistryZeroAddress();
        if (role == MemberRole.None) revert RegistryInvalidRole();
        _requireJoinable(account, orgId);
        proposalId = ++_memberProposalCount;
        address proposer = _msgSender();
        _memberProposals[proposalId] = MemberProposal({
            // The cast is safe: _orgForAdmin proved orgId is a registered organisation's id, a uint32.
            orgId: uint32(orgId),
            role: role,
            status: ProposalStatus.Pending,
            account: account,
            proposer: proposer
        });
        emit MemberProposed(proposalId, orgId, account, role, proposer);
    }

    /// @inheritdoc IOrgRegistry
    function approveMember(uint256 proposalId) external {
        MemberProposal storage p = _pendingMemberProposal(proposalId);
        uint256 orgId = p.orgId;
        address approver = _msgSender();
        Organization storage org = _activeOrg(orgId);
        MemberRole approverRole = _roleIn(approver, orgId);
        if (approver == p.proposer) revert RegistrySelfApproval(proposalId, approver);
        // A plain member's approval does not count: otherwise an admin could add a member account they hold and
        // approve their own proposals with it.
        if (!_isGovernor(approverRole)) revert RegistryRoleRequired(approver, orgId, MemberRole.Officer, approverRole);
        address account = p.account;
        MemberRole previous = _requireJoinable(account, orgId);
        p.status = ProposalStatus.Approved;
        emit MemberProposalApproved(proposalId, orgId, approver);
        _setMembership(org, orgId, account, previous, p.role);
    }

    /// @inheritdoc IOrgRegistry
    function rejectMemberProposal(uint256 proposalId) external {
        MemberProposal storage p = _pendingMemberProposal(proposalId);
        uint256 orgId = p.orgId;
        address actor = _msgSender();
        _activeOrg(orgId);
        MemberRole role = _roleIn(actor, orgId);
        if (!_isGovernor(role)) revert RegistryRoleRequired(actor, orgId, MemberRole.Officer, role);
        p.status = ProposalStatus.Rejected;
        emit MemberProposalRejected(proposalId, orgId, actor);
    }

    /// @inheritdoc IOrgRegistry
    function organization(uint256 orgId) external view returns (Organization memory) {
        return _orgs[orgId];
    }

    /// @inheritdoc IOrgRegistry
    function orgOf(address account) external view returns (uint256) {
        return _members[account].orgId;
    }

    /// @inheritdoc IOrgRegistry
    function roleOf(address account) external view returns (MemberRole) {
        return _members[account].role;
    }

    /// @inheritdoc IOrgRegistry
    function orgOfKyc(bytes32 kycHash) external view returns (uint256) {
        return _orgByKyc[kycHash];
    }

    /// @inheritdoc IOrgRegistry
    function memberProposal(uint256 proposalId) external view returns (MemberProposal memory) {
        return _memberProposals[proposalId];
    }

    /// @inheritdoc IOrgRegistry
    function memberProposalCount() external view returns (uint256) {
        return _memberProposalCount;
    }

    /// @inheritdoc IOrgRegistry
    function organizationCount() external view returns (uint256) {
        return _orgCount;
    }

    /// @inheritdoc IOrgRegistry
    function operator() external view returns (address) {
        return _operator;
    }

    /// @inheritdoc IOrgRegistry
    function gracePeriod() public view returns (uint256) {
        return _gracePeriod;
    }

    /// @dev Returns the organisation of the account acting now, after checking it is active and of `kind`.
    function _actorOrg(OrgKind kind) internal view returns (uint32 orgId) {
        address account = _msgSender();
        orgId = _members[account].orgId;
        if (orgId == 0) revert RegistryNotMember(account);
        Organization storage org = _orgs[orgId];
        if (org.status != OrgStatus.Active) revert RegistryOrgSuspended(orgId);
        if (org.kind != kind) revert RegistryWrongOrgKind(orgId, kind, org.kind);
    }

    /// @dev Returns the bank of the officer acting now: a member of an active bank whose role is Officer. A bank's
    /// admins govern its members but do not decide its financing or policy.
    function _actorOfficer() internal view returns (uint32 orgId) {
        orgId = _actorOrg(OrgKind.Bank);
        address account = _msgSender();
        MemberRole role = _members[account].role;
        if (role != MemberRole.Officer) revert RegistryRoleRequired(account, orgId, MemberRole.Officer, role);
    }

    /// @dev Returns the treasury of an organisation a counterparty must deal with, checking it is active and of `kind`.
    function _activeOrgTreasury(uint256 orgId, OrgKind kind) internal view returns (address) {
        Organization storage org = _orgs[orgId];
        if (org.kind != kind) {
            if (org.kind == OrgKind.None) revert RegistryUnknownOrg(orgId);
            revert RegistryWrongOrgKind(orgId, kind, org.kind);
        }
        if (org.status != OrgStatus.Active) revert RegistryOrgSuspended(orgId);
        return org.treasury;
    }

    /// @dev Returns an organisation's treasury without status checks (money owed is paid even to suspended orgs).
    function _treasuryOf(uint256 orgId) internal view returns (address) {
        return _orgs[orgId].treasury;
    }

    /// @dev Writes `account`'s new role (None removes it) and keeps the governor counters; refuses to leave the
    /// organisation without an admin or a bank with fewer than two governors once it has them.
    function _setMembership(
        Organization storage org,
        uint256 orgId,
        address account,
        MemberRole previous,
        MemberRole role
    ) private {
        uint16 governors = org.governors;
        uint16 admins = org.admins;
        // Cannot overflow or underflow: the counters count members, which are added and removed one at a time, and
        // a counter is only lowered for a member it counted.
        unchecked {
            if (previous == MemberRole.Admin) admins -= 1;
            if (role == MemberRole.Admin) admins += 1;
            if (_isGovernor(previous)) governors -= 1;
            if (_isGovernor(role)) governors += 1;
        }
        if (admins == 0) revert RegistryLastAdmin(orgId);
        if (org.kind == OrgKind.Bank && governors < 2 && governors < org.governors) {
            revert RegistryTooFewGovernors(orgId, governors);
        }
        org.governors = governors;
        org.admins = admins;
        address actor = _msgSender();
        if (role == MemberRole.None) {
            delete _members[account];
            emit MemberRemoved(orgId, account, previous, actor);
        } else {
            // The cast is safe: orgId is a registered organisation's id, a uint32.
            _members[account] = Membership(uint32(orgId), role);
            if (previous == MemberRole.None) emit MemberAdded(orgId, account, role, actor);
            else emit MemberRoleChanged(orgId, account, previous, role, actor);
        }
    }

    /// @dev Checks a role one admin gives alone: not None (removal is `removeMember`). In a bank, officers and admins
    /// are made by two people (`proposeMember`), never by one admin alone. The one
    /// exception is the bank's start: its first admin, alone, names the second governor (as it could with any member
    /// account it held), and from then on a bank never has fewer than two.
    function _requireSingleSigner(Organization storage org, uint256 orgId, MemberRole role) private view {
        if (role == MemberRole.None) revert RegistryInvalidRole();
        if (org.kind == OrgKind.Bank && _isGovernor(role) && org.governors >= 2) {
            revert RegistrySecondApprovalRequired(orgId, role);
        }
    }

    /// @dev Returns `account`'s current role in `orgId` (None if it is in no organisation), reverting if it belongs to
    /// another organisation.
    function _requireJoinable(address account, uint256 orgId) private view returns (MemberRole) {
        Membership storage m = _members[account];
        uint32 current = m.orgId;
        if (current != 0 && current != orgId) revert RegistryAlreadyMember(account, current);
        return m.role;
    }

    /// @dev Returns `account`'s role in `orgId`, reverting unless it is a member of it.
    function _roleIn(address account, uint256 orgId) private view returns (MemberRole) {
        Membership storage m = _members[account];
        if (m.orgId != orgId || orgId == 0) revert RegistryNotMemberOf(account, orgId);
        return m.role;
    }

    /// @dev Loads an active organisation whose admin is acting now.
    function _orgForAdmin(uint256 orgId) private view returns (Organization storage org) {
        org = _activeOrg(orgId);
        address account = _msgSender();
        MemberRole role = _roleIn(account, orgId);
        if (role != MemberRole.Admin) revert RegistryRoleRequired(account, orgId, MemberRole.Admin, role);
    }

    function _pendingMemberProposal(uint256 proposalId) private view returns (MemberProposal storage p) {
        p = _memberProposals[proposalId];
        ProposalStatus status = p.status;
        if (status == ProposalStatus.None) revert RegistryUnknownProposal(proposalId);
        if (status != ProposalStatus.Pending) revert RegistryProposalDecided(proposalId, status);
    }

    function _activeOrg(uint256 orgId) private view returns (Organization storage org) {
        org = _knownOrg(orgId);
        if (org.status != OrgStatus.Active) revert RegistryOrgSuspended(orgId);
    }

    function _knownOrg(uint256 orgId) private view returns (Organization storage org) {
        org = _orgs[orgId];
        if (org.kind == OrgKind.None) revert RegistryUnknownOrg(orgId);
    }

    function _isGovernor(MemberRole role) private pure returns (bool) {
        return role == MemberRole.Officer || role == MemberRole.Admin;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {IOrgRegistry} from "../interfaces/IOrgRegistry.sol";

/// @title OrgRegistry
/// @notice Organisations, their member accounts and the platform operator's role. Every other part of the ledger
/// asks `_actorOrg` who is acting, so all rights are checked here, on-chain.
/// @dev ERC-2771: when the trusted forwarder relays a signed request, `_msgSender()` is the signer, so every action is
/// attributed to the person who signed it and not to the relayer that paid the gas.
abstract contract OrgRegistry is AccessControl, ERC2771Context, IOrgRegistry {
    /// @notice The role that onboards and suspends organisations and manages their members.
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");

    /// @dev The longest grace period the operator may set.
    uint256 private constant _MAX_GRACE_PERIOD = 365 days;

    mapping(uint256 orgId => Organization) private _orgs;
    mapping(address account => uint32 orgId) private _memberOrg;
    uint32 private _orgCount;
    uint32 private _gracePeriod;

    /// @notice Grants `admin` both the admin and operator roles and sets the initial grace period.
    /// @param admin The account that holds DEFAULT_ADMIN_ROLE and OPERATOR_ROLE at deployment.
    /// @param forwarder The trusted ERC-2771 forwarder.
    /// @param initialGracePeriod The grace period in seconds after an invoice's due date.
    constructor(address admin, address forwarder, uint32 initialGracePeriod) ERC2771Context(forwarder) {
        if (admin == address(0)) revert RegistryZeroAddress();
        if (initialGracePeriod > _MAX_GRACE_PERIOD) {
            revert RegistryGracePeriodTooLong(initialGracePeriod, _MAX_GRACE_PERIOD);
        }
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(OPERATOR_ROLE, admin);
        _gracePeriod = initialGracePeriod;
        emit GracePeriodSet(initialGracePeriod, admin);
    }

    /// @inheritdoc IOrgRegistry
    function registerOrganization(
        OrgKind kind,
        string calldata name,
        address treasury,
        bytes32 kycHash
    ) external onlyRole(OPERATOR_ROLE) returns (uint256 orgId) {
        if (kind == OrgKind.None) revert RegistryInvalidKind();
        if (treasury == address(0)) revert RegistryZeroAddress();
        orgId = ++_orgCount;
        _orgs[orgId] = Organization({treasury: treasury, kind: kind, status: OrgStatus.Active, kycHash: kycHash});
        emit OrganizationRegistered(orgId, kind, treasury, kycHash, name, _msgSender());
    }

    /// @inheritdoc IOrgRegistry
    function updateOrganization(uint256 orgId, address treasury, bytes32 kycHash) external onlyRole(OPERATOR_ROLE) {
        Organization storage org = _knownOrg(orgId);
        if (treasury == address(0)) revert RegistryZeroAddress();
        org.treasury = treasury;
        org.kycHash = kycHash;
        emit OrganizationUpdated(orgId, treasury, kycHash, _msgSender());
    }

    /// @inheritdoc IOrgRegistry
    function suspendOrganization(uint256 orgId) external onlyRole(OPERATOR_ROLE) {
        Organization storage org = _knownOrg(orgId);
        if (org.status == OrgStatus.Suspended) revert RegistryStatusUnchanged(orgId, OrgStatus.Suspended);
        org.status = OrgStatus.Suspended;
        emit OrganizationSuspended(orgId, _msgSender());
    }

    /// @inheritdoc IOrgRegistry
    function reinstateOrganization(uint256 orgId) external onlyRole(OPERATOR_ROLE) {
        Organization storage org = _knownOrg(orgId);
        if (org.status == OrgStatus.Active) revert RegistryStatusUnchanged(orgId, OrgStatus.Active);
        org.status = OrgStatus.Active;
        emit OrganizationReinstated(orgId, _msgSender());
    }

    /// @inheritdoc IOrgRegistry
    function addMember(uint256 orgId, address account) external onlyRole(OPERATOR_ROLE) {
        _knownOrg(orgId);
        if (account == address(0)) revert RegistryZeroAddress();
        uint32 current = _memberOrg[account];
        if (current != 0) revert RegistryAlreadyMember(account, current);
        // The cast is safe: _knownOrg proved orgId <= _orgCount, a uint32.
        _memberOrg[account] = uint32(orgId);
        emit MemberAdded(orgId, account, _msgSender());
    }

    /// @inheritdoc IOrgRegistry
    function removeMember(uint256 orgId, address account) external onlyRole(OPERATOR_ROLE) {
        if (orgId == 0 || _memberOrg[account] != orgId) revert RegistryNotMemberOf(account, orgId);
        delete _memberOrg[account];
        emit MemberRemoved(orgId, account, _msgSender());
    }

    /// @inheritdoc IOrgRegistry
    function setGracePeriod(uint256 newGracePeriod) external onlyRole(OPERATOR_ROLE) {
        if (newGracePeriod > _MAX_GRACE_PERIOD) revert RegistryGracePeriodTooLong(newGracePeriod, _MAX_GRACE_PERIOD);
        // The cast is safe: the bound above is far below 2^32.
        _gracePeriod = uint32(newGracePeriod);
        emit GracePeriodSet(newGracePeriod, _msgSender());
    }

    /// @inheritdoc IOrgRegistry
    function organization(uint256 orgId) external view returns (Organization memory) {
        return _orgs[orgId];
    }

    /// @inheritdoc IOrgRegistry
    function orgOf(address account) external view returns (uint256) {
        return _memberOrg[account];
    }

    /// @inheritdoc IOrgRegistry
    function organizationCount() external view returns (uint256) {
        return _orgCount;
    }

    /// @inheritdoc IOrgRegistry
    function gracePeriod() public view returns (uint256) {
        return _gracePeriod;
    }

    /// @dev Returns the organisation of the account acting now, after checking it is active and of `kind`.
    function _actorOrg(OrgKind kind) internal view returns (uint32 orgId) {
        address account = _msgSender();
        orgId = _memberOrg[account];
        if (orgId == 0) revert RegistryNotMember(account);
        Organization storage org = _orgs[orgId];
        if (org.status != OrgStatus.Active) revert RegistryOrgSuspended(orgId);
        if (org.kind != kind) revert RegistryWrongOrgKind(orgId, kind, org.kind);
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

    function _knownOrg(uint256 orgId) private view returns (Organization storage org) {
        org = _orgs[orgId];
        if (org.kind == OrgKind.None) revert RegistryUnknownOrg(orgId);
    }

    /// @dev ERC-2771 and AccessControl both define the sender; the forwarder-aware version wins.
    function _msgSender() internal view override(Context, ERC2771Context) returns (address) {
        return ERC2771Context._msgSender();
    }

    /// @dev See `_msgSender`.
    function _msgData() internal view override(Context, ERC2771Context) returns (bytes calldata) {
        return ERC2771Context._msgData();
    }

    /// @dev See `_msgSender`.
    function _contextSuffixLength() internal view override(Context, ERC2771Context) returns (uint256) {
        return ERC2771Context._contextSuffixLength();
    }
}

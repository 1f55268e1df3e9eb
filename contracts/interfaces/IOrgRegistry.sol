// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IOrgRegistry
/// @notice The on-chain registry of Trellis organisations and their member accounts. Every business right in the
/// ledger (issuing an order, confirming an invoice, approving financing) is derived from the kind and status of the
/// organisation an account belongs to, so rights are enforced by the contract and not by the gateway.
interface IOrgRegistry {
    /// @notice What an organisation is on the network. `None` marks an unknown id.
    enum OrgKind {
        None,
        CoreEnterprise,
        Supplier,
        Bank,
        Auditor
    }

    /// @notice Whether an organisation may act. Suspended organisations keep their history but cannot act.
    enum OrgStatus {
        None,
        Active,
        Suspended
    }

    /// @notice An organisation. Packed into two slots: `treasury`, `kind` and `status` share the first.
    /// @param treasury The account that holds the organisation's settlement tokens and receives its payments.
    /// @param kind The organisation's kind.
    /// @param status Active or suspended.
    /// @param kycHash The hash of the KYC dossier the operator checked at onboarding (the document stays off-chain).
    struct Organization {
        address treasury;
        OrgKind kind;
        OrgStatus status;
        bytes32 kycHash;
    }

    /// @notice Emitted when the operator onboards an organisation.
    event OrganizationRegistered(
        uint256 indexed orgId,
        OrgKind indexed kind,
        address indexed treasury,
        bytes32 kycHash,
        string name,
        address actor
    );
    /// @notice Emitted when the operator suspends an organisation.
    event OrganizationSuspended(uint256 indexed orgId, address actor);
    /// @notice Emitted when the operator lifts a suspension.
    event OrganizationReinstated(uint256 indexed orgId, address actor);
    /// @notice Emitted when the operator records a new KYC dossier hash or treasury for an organisation.
    event OrganizationUpdated(uint256 indexed orgId, address indexed treasury, bytes32 kycHash, address actor);
    /// @notice Emitted when an account becomes a member of an organisation.
    event MemberAdded(uint256 indexed orgId, address indexed account, address actor);
    /// @notice Emitted when an account stops being a member of an organisation.
    event MemberRemoved(uint256 indexed orgId, address indexed account, address actor);
    /// @notice Emitted when the operator changes the grace period after which unpaid invoices may be marked overdue.
    event GracePeriodSet(uint256 gracePeriod, address actor);

    /// @notice The organisation id is not registered.
    error RegistryUnknownOrg(uint256 orgId);
    /// @notice The organisation is suspended and cannot act or be dealt with.
    error RegistryOrgSuspended(uint256 orgId);
    /// @notice The organisation is not of the kind the action needs.
    error RegistryWrongOrgKind(uint256 orgId, OrgKind expected, OrgKind actual);
    /// @notice The account is not a member of any organisation.
    error RegistryNotMember(address account);
    /// @notice The account already belongs to an organisation (an account belongs to at most one).
    error RegistryAlreadyMember(address account, uint256 orgId);
    /// @notice The account is not a member of that organisation.
    error RegistryNotMemberOf(address account, uint256 orgId);
    /// @notice A zero address was given where an account is needed.
    error RegistryZeroAddress();
    /// @notice `None` is not a kind an organisation can have.
    error RegistryInvalidKind();
    /// @notice The organisation is already in the status the call asks for.
    error RegistryStatusUnchanged(uint256 orgId, OrgStatus status);
    /// @notice The grace period is longer than the registry allows (365 days).
    error RegistryGracePeriodTooLong(uint256 gracePeriod, uint256 maximum);

    /// @notice Onboards an organisation. Operator only.
    /// @param kind The organisation's kind (not `None`).
    /// @param name The display name (emitted, not stored).
    /// @param treasury The account holding the organisation's settlement tokens.
    /// @param kycHash The hash of the KYC dossier.
    /// @return orgId The new organisation's id (ids start at 1).
    function registerOrganization(
        OrgKind kind,
        string calldata name,
        address treasury,
        bytes32 kycHash
    ) external returns (uint256 orgId);

    /// @notice Replaces an organisation's treasury and KYC hash. Operator only.
    function updateOrganization(uint256 orgId, address treasury, bytes32 kycHash) external;

    /// @notice Suspends an organisation: its members can no longer act. Operator only.
    function suspendOrganization(uint256 orgId) external;

    /// @notice Lifts a suspension. Operator only.
    function reinstateOrganization(uint256 orgId) external;

    /// @notice Adds `account` to organisation `orgId`. Operator only; an account belongs to one organisation.
    function addMember(uint256 orgId, address account) external;

    /// @notice Removes `account` from organisation `orgId`. Operator only.
    function removeMember(uint256 orgId, address account) external;

    /// @notice Sets the grace period (seconds after the due date) before an unpaid invoice may be marked overdue.
    function setGracePeriod(uint256 gracePeriod) external;

    /// @notice Returns the whole organisation record (kind `None` for an unknown id).
    function organization(uint256 orgId) external view returns (Organization memory);

    /// @notice Returns the organisation `account` belongs to, or 0.
    function orgOf(address account) external view returns (uint256 orgId);

    /// @notice Returns the number of organisations registered so far.
    function organizationCount() external view returns (uint256);

    /// @notice Returns the grace period in seconds.
    function gracePeriod() external view returns (uint256);
}

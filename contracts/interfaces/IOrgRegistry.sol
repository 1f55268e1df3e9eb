// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IOrgRegistry
/// @notice The on-chain registry of Trellis organisations and their member accounts. Every business right in the
/// ledger (issuing an order, confirming an invoice, approving financing) is derived from the kind and status of the
/// organisation an account belongs to and the account's role in it, so rights are enforced by the contract and not
/// by the gateway.
///
/// Authority is split: the platform operator onboards an organisation (with its first admin) and may suspend or
/// reinstate it, and nothing else. Each organisation governs its own members: its admins add, re-role and remove
/// them. In a bank, making someone an officer or an admin takes two different members of that bank (an admin
/// proposes, another member approves), so no single key, and not the operator's, can create the officers that move
/// a bank's money.
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

    /// @notice An account's role in its organisation. Any member acts for a core enterprise or a supplier; only
    /// officers act for a bank (financing decisions, policy); admins govern the organisation's members. Officers and
    /// admins are the organisation's governors.
    enum MemberRole {
        None,
        Member,
        Officer,
        Admin
    }

    /// @notice Where a member proposal stands.
    enum ProposalStatus {
        None,
        Pending,
        Approved,
        Rejected
    }

    /// @notice An organisation, packed into one slot (20 + 1 + 1 + 2 + 2 bytes), so every role check reads one slot.
    /// Its KYC dossier hash is in the `OrganizationRegistered` event and in the uniqueness index (`orgOfKyc`).
    /// @param treasury The account that holds the organisation's settlement tokens and receives its payments.
    /// @param kind The organisation's kind.
    /// @param status Active or suspended.
    /// @param governors How many members are officers or admins.
    /// @param admins How many members are admins (never 0 once registered).
    struct Organization {
        address treasury;
        OrgKind kind;
        OrgStatus status;
        uint16 governors;
        uint16 admins;
    }

    /// @notice A proposal to give `account` `role`, applied once a second governor approves. Packed into two slots
    /// (4 + 1 + 1 + 20 bytes, then 20 bytes).
    struct MemberProposal {
        uint32 orgId;
        MemberRole role;
        ProposalStatus status;
        address account;
        address proposer;
    }

    /// @notice Emitted when the operator onboards an organisation. The name is a salted commitment
    /// (keccak256(name, salt), computed off-chain), never the name.
    event OrganizationRegistered(
        uint256 indexed orgId,
        OrgKind indexed kind,
        address indexed treasury,
        bytes32 kycHash,
        bytes32 nameCommitment,
        address admin,
        address actor
    );
    /// @notice Emitted when the operator suspends an organisation.
    event OrganizationSuspended(uint256 indexed orgId, address actor);
    /// @notice Emitted when the operator lifts a suspension.
    event OrganizationReinstated(uint256 indexed orgId, address actor);
    /// @notice Emitted when an account becomes a member of an organisation.
    event MemberAdded(uint256 indexed orgId, address indexed account, MemberRole role, address actor);
    /// @notice Emitted when a member's role changes.
    event MemberRoleChanged(
        uint256 indexed orgId,
        address indexed account,
        MemberRole previousRole,
        MemberRole role,
        address actor
    );
    /// @notice Emitted when an account stops being a member of an organisation.
    event MemberRemoved(uint256 indexed orgId, address indexed account, MemberRole previousRole, address actor);
    /// @notice Emitted when an admin proposes giving an account a role that needs a second member's approval.
    event MemberProposed(
        uint256 indexed proposalId,
        uint256 indexed orgId,
        address indexed account,
        MemberRole role,
        address proposer
    );
    /// @notice Emitted when a different member approves a member proposal; `MemberAdded` or `MemberRoleChanged`
    /// follows.
    event MemberProposalApproved(uint256 indexed proposalId, uint256 indexed orgId, address approver);
    /// @notice Emitted when a governor of the organisation rejects (or the proposer withdraws) a member proposal.
    event MemberProposalRejected(uint256 indexed proposalId, uint256 indexed orgId, address actor);
    /// @notice Emitted once, at deployment: the grace period after which unpaid invoices may be marked overdue.
    event GracePeriodSet(uint256 gracePeriod, address actor);

    /// @notice Only the platform operator may onboard, suspend or reinstate organisations.
    error RegistryNotOperator(address account);
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
    /// @notice The account's role in its organisation does not allow the action.
    error RegistryRoleRequired(address account, uint256 orgId, MemberRole required, MemberRole actual);
    /// @notice A zero address was given where an account is needed.
    error RegistryZeroAddress();
    /// @notice `None` is not a kind an organisation can have.
    error RegistryInvalidKind();
    /// @notice `None` is not a role a member can be given (remove the member instead).
    error RegistryInvalidRole();
    /// @notice The KYC dossier hash is zero.
    error RegistryEmptyKycHash();
    /// @notice Another organisation was onboarded with this KYC dossier: one identity, one organisation.
    error RegistryDuplicateKyc(bytes32 kycHash, uint256 existingOrgId);
    /// @notice The organisation is already in the status the call asks for.
    error RegistryStatusUnchanged(uint256 orgId, OrgStatus status);
    /// @notice The grace period is longer than the registry allows (365 days).
    error RegistryGracePeriodTooLong(uint256 gracePeriod, uint256 maximum);
    /// @notice In a bank, making someone an officer or an admin needs a proposal and a second member's approval.
    error RegistrySecondApprovalRequired(uint256 orgId, MemberRole role);
    /// @notice The change would leave the organisation without an admin.
    error RegistryLastAdmin(uint256 orgId);
    /// @notice The change would leave a bank with fewer than two governors, so one person could act alone.
    error RegistryTooFewGovernors(uint256 orgId, uint256 governors);
    /// @notice The member proposal id is unknown.
    error RegistryUnknownProposal(uint256 proposalId);
    /// @notice The member proposal was already decided.
    error RegistryProposalDecided(uint256 proposalId, ProposalStatus status);
    /// @notice The proposer cannot approve their own proposal.
    error RegistrySelfApproval(uint256 proposalId, address account);

    /// @notice Onboards an organisation with its first admin. Operator only.
    /// @param kind The organisation's kind (not `None`).
    /// @param nameCommitment keccak256 of the display name and a salt the gateways keep (the name stays off-chain).
    /// @param treasury The account holding the organisation's settlement tokens.
    /// @param kycHash The hash of the KYC dossier (non-zero, not registered before).
    /// @param admin The organisation's first admin (not a member of any organisation).
    /// @return orgId The new organisation's id (ids start at 1).
    function registerOrganization(
        OrgKind kind,
        bytes32 nameCommitment,
        address treasury,
        bytes32 kycHash,
        address admin
    ) external returns (uint256 orgId);

    /// @notice Suspends an organisation: its members can no longer act. Operator only.
    function suspendOrganization(uint256 orgId) external;

    /// @notice Lifts a suspension. Operator only.
    function reinstateOrganization(uint256 orgId) external;

    /// @notice Adds `account` to organisation `orgId` with `role`. Admins of `orgId` only. In a bank that already has
    /// two governors, an officer or an admin goes through `proposeMember` instead (the first admin names the second
    /// governor alone).
    function addMember(uint256 orgId, address account, MemberRole role) external;

    /// @notice Changes a member's role. Admins of `orgId` only. In a bank a promotion to officer or admin goes through
    /// `proposeMember` instead. The last admin cannot be demoted, nor a bank left with fewer than two governors.
    function setMemberRole(uint256 orgId, address account, MemberRole role) external;

    /// @notice Removes `account` from organisation `orgId`. Admins of `orgId` only; the same floors as
    /// `setMemberRole` apply.
    function removeMember(uint256 orgId, address account) external;

    /// @notice Proposes giving `account` (a new account or a member of `orgId`) `role`. Admins of `orgId` only.
    /// @return proposalId The new proposal's id.
    function proposeMember(uint256 orgId, address account, MemberRole role) external returns (uint256 proposalId);

    /// @notice Approves and applies a member proposal. A governor (officer or admin) of the proposal's organisation
    /// other than the proposer.
    function approveMember(uint256 proposalId) external;

    /// @notice Rejects a pending member proposal. A governor of the proposal's organisation (the proposer withdraws).
    function rejectMemberProposal(uint256 proposalId) external;

    /// @notice Returns the whole organisation record (kind `None` for an unknown id).
    function organization(uint256 orgId) external view returns (Organization memory);

    /// @notice Returns the organisation `account` belongs to, or 0.
    function orgOf(address account) external view returns (uint256 orgId);

    /// @notice Returns the role of `account` in its organisation (`None` if it is not a member).
    function roleOf(address account) external view returns (MemberRole);

    /// @notice Returns the organisation onboarded with this KYC dossier hash, or 0.
    function orgOfKyc(bytes32 kycHash) external view returns (uint256 orgId);

    /// @notice Returns a member proposal (status `None` for an unknown id).
    function memberProposal(uint256 proposalId) external view returns (MemberProposal memory);

    /// @notice Returns the number of member proposals made so far.
    function memberProposalCount() external view returns (uint256);

    /// @notice Returns the number of organisations registered so far.
    function organizationCount() external view returns (uint256);

    /// @notice Returns the platform operator's account (fixed at deployment).
    function operator() external view returns (address);

    /// @notice Returns the grace period in seconds (fixed at deployment).
    function gracePeriod() external view returns (uint256);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IBankPolicy
/// @notice Each bank's lending policy and each supplier's credit record with each bank. The policy decides whether a
/// financing request can take the fast-track (one officer) or needs maker-checker (two officers), and the credit
/// record is both the limit that caps lending and the history that fast-track depends on.
///
/// Policy changes by maker-checker: one officer of the bank proposes a change, a different officer of the same bank
/// approves it, and only then does it take effect. Every proposal and decision is an event, so
/// the history of a bank's policy is on the ledger.
interface IBankPolicy {
    /// @notice A bank's policy. Packed into one slot (2 + 2 + 10 bytes).
    /// @param advanceRateBps The share of an invoice a bank will advance, in basis points (9000 = 90 %).
    /// @param discountRateBps The annual discount rate, in basis points, applied actual/360 at disbursement.
    /// @param fastTrackLimit The most (minor units) a supplier may have on the fast-track with this bank at once:
    /// its open, approved and disbursed-not-repaid fast-track requests together (see `fastTrackExposure`).
    struct Policy {
        uint16 advanceRateBps;
        uint16 discountRateBps;
        uint80 fastTrackLimit;
    }

    /// @notice A supplier's credit record with one bank. Packed into two slots: the limit, utilisation and
    /// fast-track exposure, touched on every financing, share the first (11 + 11 + 10 bytes); the counters share the
    /// second (6 x 4 bytes).
    /// @param limit The most this bank will have outstanding with the supplier (minor units).
    /// @param utilised What is disbursed and not yet repaid (minor units).
    /// @param fastTracked The supplier's fast-track exposure: open, approved and disbursed-not-repaid fast-track
    /// requests (minor units). Bounded by the policy's uint80 fast-track limit when it grows.
    /// @param financed How many requests this bank has disbursed to the supplier.
    /// @param repaidOnTime How many were fully repaid by the due date plus the grace period.
    /// @param repaidLate How many were fully repaid after that.
    /// @param overdue How many financed invoices were marked overdue.
    /// @param defaulted How many were declared defaulted.
    /// @param overdueOpen How many financed invoices are overdue and not yet repaid to the bank (fast-track needs 0).
    struct CreditRecord {
        uint88 limit;
        uint88 utilised;
        uint80 fastTracked;
        uint32 financed;
        uint32 repaidOnTime;
        uint32 repaidLate;
        uint32 overdue;
        uint32 defaulted;
        uint32 overdueOpen;
    }

    /// @notice What a policy change sets.
    enum PolicyChangeKind {
        Rates,
        TrustedBuyer,
        CreditLimit
    }

    /// @notice One policy change. `Rates` uses the two rates and `fastTrackLimit`; `TrustedBuyer` uses `orgId` (a
    /// core enterprise) and `trusted`; `CreditLimit` uses `orgId` (a supplier) and `creditLimit`. The other fields are
    /// ignored. Packed into one slot (1 + 4 + 1 + 2 + 2 + 10 + 11 bytes).
    struct PolicyChange {
        PolicyChangeKind kind;
        uint32 orgId;
        bool trusted;
        uint16 advanceRateBps;
        uint16 discountRateBps;
        uint80 fastTrackLimit;
        uint88 creditLimit;
    }

    /// @notice Where a policy proposal stands.
    enum PolicyProposalStatus {
        None,
        Pending,
        Approved,
        Rejected
    }

    /// @notice A policy proposal: one change, proposed by one officer of the bank, waiting for a second. Packed into
    /// two slots (4 + 1 + 20 bytes, then the change).
    struct PolicyProposal {
        uint32 bankOrgId;
        PolicyProposalStatus status;
        address proposer;
        PolicyChange change;
    }

    /// @notice Emitted when a bank officer proposes a policy change.
    event PolicyChangeProposed(
        uint256 indexed proposalId,
        uint256 indexed bankOrgId,
        address indexed proposer,
        PolicyChange change
    );
    /// @notice Emitted when a different officer approves a proposal; `BankPolicySet`, `TrustedBuyerSet` or
    /// `CreditLimitSet` follows.
    event PolicyChangeApproved(
        uint256 indexed proposalId,
        uint256 indexed bankOrgId,
        address indexed approver,
        address proposer
    );
    /// @notice Emitted when an officer of the bank rejects (or the proposer withdraws) a proposal.
    event PolicyChangeRejected(uint256 indexed proposalId, uint256 indexed bankOrgId, address indexed officer);
    /// @notice Emitted when an approved proposal sets the bank's rates and fast-track limit.
    event BankPolicySet(
        uint256 indexed bankOrgId,
        uint256 indexed proposalId,
        uint256 advanceRateBps,
        uint256 discountRateBps,
        uint256 fastTrackLimit,
        address actor
    );
    /// @notice Emitted when an approved proposal adds or removes a buyer from the bank's fast-track list.
    event TrustedBuyerSet(
        uint256 indexed bankOrgId,
        uint256 indexed buyerOrgId,
        uint256 indexed proposalId,
        bool trusted,
        address actor
    );
    /// @notice Emitted when an approved proposal sets a supplier's credit limit.
    event CreditLimitSet(
        uint256 indexed bankOrgId,
        uint256 indexed supplierOrgId,
        uint256 indexed proposalId,
        uint256 limit,
        address actor
    );

    /// @notice A rate above 100 % (10,000 bps) was given.
    error PolicyRateTooHigh(uint256 rateBps, uint256 maximum);
    /// @notice The policy proposal id is unknown.
    error PolicyUnknownProposal(uint256 proposalId);
    /// @notice The policy proposal was already decided.
    error PolicyProposalDecided(uint256 proposalId, PolicyProposalStatus status);
    /// @notice The caller's bank is not the bank the proposal is for.
    error PolicyNotBank(uint256 proposalId, uint256 orgId);
    /// @notice Maker-checker: the officer who proposed cannot approve.
    error PolicySelfApproval(uint256 proposalId, address officer);
    /// @notice Proposes a policy change for the caller's bank. Bank officers only. The change is checked now and again
    /// when it is applied.
    /// @return proposalId The new proposal's id.
    function proposePolicyChange(PolicyChange calldata change) external returns (uint256 proposalId);

    /// @notice Approves and applies a proposal. Officers of the proposal's bank other than the proposer only.
    function approvePolicyChange(uint256 proposalId) external;

    /// @notice Rejects a pending proposal. Officers of the proposal's bank only (the proposer withdraws).
    function rejectPolicyChange(uint256 proposalId) external;

    /// @notice Returns a policy proposal (status `None` for an unknown id).
    function policyProposal(uint256 proposalId) external view returns (PolicyProposal memory);

    /// @notice Returns the number of policy proposals made so far.
    function policyProposalCount() external view returns (uint256);

    /// @notice Returns a bank's policy.
    function bankPolicy(uint256 bankOrgId) external view returns (Policy memory);

    /// @notice Returns whether a bank trusts a buyer for fast-track.
    function isTrustedBuyer(uint256 bankOrgId, uint256 buyerOrgId) external view returns (bool);

    /// @notice Returns a supplier's credit record with a bank.
    function creditRecord(uint256 bankOrgId, uint256 supplierOrgId) external view returns (CreditRecord memory);

    /// @notice Returns a supplier's fast-track exposure with a bank and how much more may take the fast-track now
    /// (the bank's fast-track limit less the exposure, or 0).
    function fastTrackExposure(
        uint256 bankOrgId,
        uint256 supplierOrgId
    ) external view returns (uint256 exposure, uint256 headroom);
}

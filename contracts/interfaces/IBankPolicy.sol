// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IBankPolicy
/// @notice Each bank's lending policy and each supplier's credit record with each bank. The policy decides whether a
/// financing request can take the fast-track (one officer) or needs maker-checker (two officers), and the credit
/// record is both the limit that caps lending and the history that fast-track depends on.
interface IBankPolicy {
    /// @notice A bank's policy. Packed into one slot (2 + 2 + 11 bytes).
    /// @param advanceRateBps The share of an invoice a bank will advance, in basis points (9000 = 90 %).
    /// @param discountRateBps The annual discount rate, in basis points, applied actual/360 at disbursement.
    /// @param fastTrackLimit The largest request (minor units) that one officer may approve alone.
    struct Policy {
        uint16 advanceRateBps;
        uint16 discountRateBps;
        uint88 fastTrackLimit;
    }

    /// @notice A supplier's credit record with one bank. Packed into two slots: the limit, utilisation and the two
    /// counters touched on every financing share the first (11 + 11 + 4 + 4 bytes); the rarer ones share the second.
    /// @param limit The most this bank will have outstanding with the supplier (minor units).
    /// @param utilised What is disbursed and not yet repaid (minor units).
    /// @param financed How many requests this bank has disbursed to the supplier.
    /// @param repaidOnTime How many were fully repaid by the due date plus the grace period.
    /// @param repaidLate How many were fully repaid after that.
    /// @param overdue How many financed invoices were marked overdue.
    /// @param defaulted How many were declared defaulted.
    /// @param overdueOpen How many financed invoices are overdue and not yet repaid to the bank (fast-track needs 0).
    struct CreditRecord {
        uint88 limit;
        uint88 utilised;
        uint32 financed;
        uint32 repaidOnTime;
        uint32 repaidLate;
        uint32 overdue;
        uint32 defaulted;
        uint32 overdueOpen;
    }

    /// @notice Emitted when a bank officer sets the bank's policy.
    event BankPolicySet(
        uint256 indexed bankOrgId,
        uint256 advanceRateBps,
        uint256 discountRateBps,
        uint256 fastTrackLimit,
        address actor
    );
    /// @notice Emitted when a bank officer adds or removes a buyer from the bank's fast-track list.
    event TrustedBuyerSet(uint256 indexed bankOrgId, uint256 indexed buyerOrgId, bool trusted, address actor);
    /// @notice Emitted when a bank officer sets a supplier's credit limit.
    event CreditLimitSet(uint256 indexed bankOrgId, uint256 indexed supplierOrgId, uint256 limit, address actor);

    /// @notice A rate above 100 % (10,000 bps) was given.
    error PolicyRateTooHigh(uint256 rateBps, uint256 maximum);

    /// @notice Sets the caller's bank's policy. Bank officers only.
    function setBankPolicy(uint16 advanceRateBps, uint16 discountRateBps, uint88 fastTrackLimit) external;

    /// @notice Adds (`trusted`) or removes a core enterprise from the caller's bank's fast-track list.
    function setTrustedBuyer(uint256 buyerOrgId, bool trusted) external;

    /// @notice Sets a supplier's credit limit with the caller's bank. A limit below utilisation blocks new lending.
    function setCreditLimit(uint256 supplierOrgId, uint88 limit) external;

    /// @notice Returns a bank's policy.
    function bankPolicy(uint256 bankOrgId) external view returns (Policy memory);

    /// @notice Returns whether a bank trusts a buyer for fast-track.
    function isTrustedBuyer(uint256 bankOrgId, uint256 buyerOrgId) external view returns (bool);

    /// @notice Returns a supplier's credit record with a bank.
    function creditRecord(uint256 bankOrgId, uint256 supplierOrgId) external view returns (CreditRecord memory);
}

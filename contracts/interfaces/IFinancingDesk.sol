// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IFinancingDesk
/// @notice Receivable financing: a supplier asks a bank to advance money against a confirmed invoice; the bank's
/// officers approve (one on the fast-track, two different ones under maker-checker) or reject; the bank disburses the
/// advance less its discount; the buyer's payments, or the supplier's own repayment (recourse), repay the bank.
/// An invoice is held by at most one live request, so a receivable is never financed twice.
interface IFinancingDesk {
    /// @notice The life of a request: Requested -> Approved | Rejected | Withdrawn; Approved -> Disbursed | Rejected |
    /// Withdrawn;
    /// Disbursed -> Repaid | Defaulted; Defaulted -> Repaid.
    enum FinancingStatus {
        None,
        Requested,
        Approved,
        Rejected,
        Withdrawn,
        Disbursed,
        Repaid,
        Defaulted
    }

    /// @notice A financing request. Three slots, packed by when they are written:
    /// slot 0 at request (4 + 4 + 11 + 1 + 1 + 1 + 5 + 2 bytes), slot 1 at the first decision (20 + 5 + 5 bytes),
    /// slot 2 only for the second maker-checker approval and for recourse repayments (20 + 11 bytes).
    /// What the buyer's payments have repaid is not stored: payments reach the bank first, and none can precede
    /// disbursement, so it is always min(invoice.paid, amount - recourseRepaid) (see `repaidOf`). This saves a new
    /// storage slot on every financed payment.
    /// @param invoiceId The invoice whose receivable is assigned.
    /// @param bankOrgId The bank asked.
    /// @param amount The advance asked and approved (minor units); the bank is owed this back.
    /// @param status The request's status.
    /// @param fastTrack True when one officer's approval suffices (decided at request time, see `isFastTrack`).
    /// @param approvals How many officers have approved so far.
    /// @param requestedAt When the request was made.
    /// @param discountRateBps The bank's annual discount rate when the request was made (it cannot change later).
    /// @param firstApprover The first approving officer (or the rejecting officer).
    /// @param decidedAt When the request was approved (final approval) or rejected.
    /// @param disbursedAt When the advance was paid out.
    /// @param secondApprover The checker under maker-checker.
    /// @param recourseRepaid How much the supplier has repaid the bank directly.
    struct FinancingRequest {
        uint32 invoiceId;
        uint32 bankOrgId;
        uint88 amount;
        FinancingStatus status;
        bool fastTrack;
        uint8 approvals;
        uint40 requestedAt;
        uint16 discountRateBps;
        address firstApprover;
        uint40 decidedAt;
        uint40 disbursedAt;
        address secondApprover;
        uint88 recourseRepaid;
    }

    /// @notice Emitted when a supplier requests financing.
    event FinancingRequested(
        uint256 indexed requestId,
        uint256 indexed invoiceId,
        uint256 indexed bankOrgId,
        uint256 supplierOrgId,
        uint256 amount,
        bool fastTrack,
        uint256 discountRateBps,
        address actor
    );
    /// @notice Emitted for every approval. `approvals == required` means the request is now Approved.
    event FinancingApproved(uint256 indexed requestId, address indexed officer, uint256 approvals, uint256 required);
    /// @notice Emitted when an officer rejects a request; the invoice is free to be financed elsewhere.
    event FinancingRejected(
        uint256 indexed requestId,
        address indexed officer,
        uint256 reasonCode,
        bytes32 reasonCommitment
    );
    /// @notice Emitted when the supplier withdraws a request that was not yet disbursed.
    event FinancingWithdrawn(uint256 indexed requestId, address actor);
    /// @notice Emitted when the bank pays out the advance to the supplier.
    event FinancingDisbursed(
        uint256 indexed requestId,
        uint256 indexed invoiceId,
        uint256 indexed bankOrgId,
        uint256 amount,
        uint256 discount,
        uint256 netAmount,
        uint256 daysToDue,
        address actor
    );
    /// @notice Emitted for every repayment to the bank, by the buyer's payment or by the supplier (recourse).
    event FinancingRepaymentReceived(
        uint256 indexed requestId,
        uint256 amount,
        uint256 totalRepaid,
        bool byRecourse,
        FinancingStatus status,
        bool onTime,
        address actor
    );
    /// @notice Emitted when the bank declares an overdue financed invoice defaulted.
    event FinancingDefaulted(uint256 indexed requestId, uint256 outstanding, address actor);

    /// @notice The request id is unknown.
    error FinancingUnknown(uint256 requestId);
    /// @notice The request is not in a status that allows the action.
    error FinancingInvalidStatus(uint256 requestId, FinancingStatus status);
    /// @notice The invoice is already held by a live request (requested, approved, disbursed, repaid or defaulted).
    error FinancingInvoiceAlreadyFinanced(uint256 invoiceId, uint256 requestId);
    /// @notice Only confirmed, unpaid, undisputed invoices before their due date can be financed.
    error FinancingInvoiceNotFinanceable(uint256 invoiceId);
    /// @notice The amount is more than the bank's advance rate allows on this invoice.
    error FinancingAmountExceedsAdvance(uint256 amount, uint256 maximum);
    /// @notice The amount is more than the supplier's remaining credit with the bank.
    error FinancingAmountExceedsCredit(uint256 amount, uint256 available);
    /// @notice The amount is zero.
    error FinancingZeroAmount();
    /// @notice The caller's organisation is not the bank the request is addressed to.
    error FinancingNotBank(uint256 requestId, uint256 orgId);
    /// @notice The caller's organisation is not the supplier that made the request.
    error FinancingNotSupplier(uint256 requestId, uint256 orgId);
    /// @notice Under maker-checker the second approval must come from a different officer.
    error FinancingDuplicateApproval(uint256 requestId, address officer);
    /// @notice A financed invoice can only be declared defaulted once it is marked overdue.
    error FinancingNotOverdue(uint256 requestId);
    /// @notice The bank's treasury has not allowed the ledger to draw the net advance (it raises the allowance itself,
    /// by `approve` or an ERC-2612 permit).
    error FinancingAllowanceTooLow(uint256 bankOrgId, uint256 allowance, uint256 needed);
    /// @notice The repayment is more than the bank is still owed.
    error FinancingRepaymentExceedsOutstanding(uint256 requestId, uint256 amount, uint256 outstanding);

    /// @notice Requests financing of a confirmed invoice from a bank. Members of the invoice's supplier only.
    /// The request is fast-track when `isFastTrack` says so at this moment; the path is fixed for its life.
    /// @return requestId The new request's id.
    function requestFinancing(uint256 invoiceId, uint256 bankOrgId, uint88 amount) external returns (uint256 requestId);

    /// @notice Withdraws a request that is not disbursed yet (Requested or Approved). Members of the supplier only.
    function withdrawFinancing(uint256 requestId) external;

    /// @notice Approves a request. Officers of the bank only; a fast-track request needs one approval, any other two
    /// from different officers.
    function approveFinancing(uint256 requestId) external;

    /// @notice Rejects a request that is not disbursed yet (Requested or Approved) with a reason code and a salted
    /// commitment to the reasoning (keccak256(text, salt), computed off-chain). Officers of the bank only.
    function rejectFinancing(uint256 requestId, uint16 reasonCode, bytes32 reasonCommitment) external;

    /// @notice Pays the advance from the bank's treasury to the supplier's, less the discount (see `discountFor`).
    /// Officers of the bank only; the treasury's allowance to the ledger must cover the net amount. The supplier's
    /// credit utilisation rises by the approved amount.
    function disburseFinancing(uint256 requestId) external;

    /// @notice The supplier repays the bank directly from its treasury (recourse). Members of the supplier only.
    function repayFinancing(uint256 requestId, uint88 amount) external;

    /// @notice Declares a disbursed request whose invoice is overdue defaulted. Officers of the bank only.
    function declareDefault(uint256 requestId) external;

    /// @notice Returns the whole request record (status `None` for an unknown id).
    function financingRequest(uint256 requestId) external view returns (FinancingRequest memory);

    /// @notice Returns how much of a request's advance the bank has been repaid (by the buyer and by recourse) and how
    /// much it is still owed (0 unless the request is Disbursed or Defaulted).
    function repaidOf(uint256 requestId) external view returns (uint256 repaid, uint256 outstanding);

    /// @notice Returns the number of requests made so far.
    function financingRequestCount() external view returns (uint256);

    /// @notice Says whether a request of `amount` from this bank against this invoice would take the fast-track now:
    /// the bank trusts the buyer, the amount plus the supplier's fast-track exposure with the bank is within the
    /// fast-track limit, the amount is within the supplier's remaining credit, and the supplier has nothing overdue
    /// with the bank.
    function isFastTrack(uint256 invoiceId, uint256 bankOrgId, uint256 amount) external view returns (bool);

    /// @notice The discount for advancing `amount` at `rateBps` a year from `fromTime` to `dueDate` (actual/360).
    /// @return discount The discount in minor units, rounded down (in the supplier's favour).
    /// @return daysToDue Whole days to the due date, a started day counting as a full day; 0 if already due.
    function discountFor(
        uint256 amount,
        uint256 rateBps,
        uint256 fromTime,
        uint256 dueDate
    ) external pure returns (uint256 discount, uint256 daysToDue);
}

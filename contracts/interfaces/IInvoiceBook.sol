// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IInvoiceBook
/// @notice Invoices against accepted orders, the buyer's confirmation (an irrevocable promise to pay), disputes,
/// payments and overdue marking. A supplier's invoice number is unique network-wide (through a keyed hash, so the
/// number itself never reaches the chain), which is what makes double financing of the same receivable impossible.
interface IInvoiceBook {
    /// @notice The life of an invoice:
    /// Issued -> Confirmed | Disputed | Cancelled; Disputed -> Issued (withdrawn) | Cancelled;
    /// Confirmed -> Paid | Overdue | Noted; Overdue -> Paid. Noted (settled through a payable note, see `INoteHooks`)
    /// is final on the ledger: the note's tree carries the debt from then on.
    enum InvoiceStatus {
        None,
        Issued,
        Confirmed,
        Disputed,
        Cancelled,
        Overdue,
        Paid,
        Noted
    }

    /// @notice An invoice. Packed into two slots: amount, order, parties, due date and status share the first
    /// (11 + 4 + 4 + 4 + 5 + 1 bytes); the paid amount and the financing request that holds the receivable share the
    /// second, written only when financing or payment happens. The invoice number's key and commitment and the document
    /// hash are in the `InvoiceIssued` event.
    struct Invoice {
        uint88 amount;
        uint32 orderId;
        uint32 supplierOrgId;
        uint32 buyerOrgId;
        uint40 dueDate;
        InvoiceStatus status;
        uint88 paid;
        uint32 financingRequestId;
    }

    /// @notice Emitted when a supplier issues an invoice.
    event InvoiceIssued(
        uint256 indexed invoiceId,
        uint256 indexed orderId,
        uint256 indexed supplierOrgId,
        uint256 buyerOrgId,
        bytes32 invoiceKey,
        bytes32 numberCommitment,
        uint256 amount,
        uint256 dueDate,
        bytes32 documentHash,
        address actor
    );
    /// @notice Emitted when the buyer confirms an invoice: an irrevocable acknowledgement that it will pay.
    event InvoiceConfirmed(uint256 indexed invoiceId, address actor);
    /// @notice Emitted when the buyer disputes an invoice.
    event InvoiceDisputed(uint256 indexed invoiceId, uint256 reasonCode, bytes32 reasonCommitment, address actor);
    /// @notice Emitted when the buyer withdraws its dispute; the invoice is Issued again.
    event InvoiceDisputeWithdrawn(uint256 indexed invoiceId, address actor);
    /// @notice Emitted when the supplier cancels an invoice; its amount returns to the order's remainder.
    event InvoiceCancelled(uint256 indexed invoiceId, uint256 indexed orderId, uint256 amount, address actor);
    /// @notice Emitted for every payment by the buyer, with where the money went and the invoice's new state.
    event InvoicePaymentMade(
        uint256 indexed invoiceId,
        uint256 indexed financingRequestId,
        uint256 amount,
        uint256 toBank,
        uint256 toSupplier,
        uint256 totalPaid,
        InvoiceStatus status,
        address actor
    );
    /// @notice Emitted when an invoice not fully paid by its due date plus the grace period is marked overdue.
    event InvoiceMarkedOverdue(
        uint256 indexed invoiceId,
        uint256 indexed financingRequestId,
        uint256 outstanding,
        address actor
    );

    /// @notice The invoice id is unknown.
    error InvoiceUnknown(uint256 invoiceId);
    /// @notice The invoice is not in a status that allows the action.
    error InvoiceInvalidStatus(uint256 invoiceId, InvoiceStatus status);
    /// @notice The supplier already registered an invoice with this uniqueness key (the same invoice number).
    error InvoiceDuplicate(uint256 supplierOrgId, bytes32 invoiceKey, uint256 existingInvoiceId);
    /// @notice The invoice amount is more than what remains uninvoiced on the order.
    error InvoiceAmountExceedsOrder(uint256 orderId, uint256 requested, uint256 remaining);
    /// @notice The amount is zero.
    error InvoiceZeroAmount();
    /// @notice The invoice's uniqueness key is zero.
    error InvoiceEmptyKey();
    /// @notice The due date is not in the future.
    error InvoiceDueDateNotInFuture(uint256 dueDate, uint256 nowTimestamp);
    /// @notice The caller's organisation is not the invoice's buyer.
    error InvoiceNotBuyer(uint256 invoiceId, uint256 orgId);
    /// @notice The caller's organisation is not the invoice's supplier.
    error InvoiceNotSupplier(uint256 invoiceId, uint256 orgId);
    /// @notice The payment is more than what is still owed.
    error InvoicePaymentExceedsOutstanding(uint256 invoiceId, uint256 amount, uint256 outstanding);
    /// @notice The invoice cannot be marked overdue before its due date plus the grace period.
    error InvoiceNotYetOverdue(uint256 invoiceId, uint256 overdueAt, uint256 nowTimestamp);

    /// @notice Issues an invoice against an accepted order. Members of the order's supplier only.
    /// @param orderId The accepted order.
    /// @param invoiceKey The invoice number's uniqueness key: a keyed hash of the normalised supplier and number under
    /// the consortium key the gateways hold (non-zero, unique for the supplier network-wide). Outsiders cannot
    /// recover the number from it.
    /// @param numberCommitment keccak256 of the invoice number and a salt the parties keep, for selective disclosure.
    /// @param amount The amount (minor units, > 0, at most the order's uninvoiced remainder).
    /// @param dueDate When the buyer must pay (unix seconds, in the future).
    /// @param documentHash The hash of the invoice document.
    /// @return invoiceId The new invoice's id.
    function issueInvoice(
        uint256 orderId,
        bytes32 invoiceKey,
        bytes32 numberCommitment,
        uint88 amount,
        uint40 dueDate,
        bytes32 documentHash
    ) external returns (uint256 invoiceId);

    /// @notice Confirms an issued invoice: the buyer irrevocably acknowledges the debt. Buyer members only.
    function confirmInvoice(uint256 invoiceId) external;

    /// @notice Disputes an issued invoice with a reason code and a salted commitment to the reasoning. Buyer members
    /// only.
    function disputeInvoice(uint256 invoiceId, uint16 reasonCode, bytes32 reasonCommitment) external;

    /// @notice Withdraws the buyer's dispute; the invoice returns to Issued. Buyer members only.
    function withdrawDispute(uint256 invoiceId) external;

    /// @notice Cancels an issued or disputed invoice; its amount returns to the order. Supplier members only.
    function cancelInvoice(uint256 invoiceId) external;

    /// @notice Pays `amount` of a confirmed or overdue invoice from the buyer's treasury. Buyer members only.
    /// If the invoice is financed (disbursed or defaulted), the bank is paid first until what it advanced is repaid,
    /// and the rest goes to the supplier; otherwise everything goes to the supplier.
    function payInvoice(uint256 invoiceId, uint88 amount) external;

    /// @notice Marks an invoice overdue once its due date plus the grace period has passed unpaid. Anyone may call
    /// it: the facts it relies on are on-chain.
    function markOverdue(uint256 invoiceId) external;

    /// @notice Returns the whole invoice record (status `None` for an unknown id).
    function invoice(uint256 invoiceId) external view returns (Invoice memory);

    /// @notice Returns the id of a supplier's invoice with this uniqueness key, or 0.
    function invoiceIdOf(uint256 supplierOrgId, bytes32 invoiceKey) external view returns (uint256);

    /// @notice Returns the number of invoices issued so far.
    function invoiceCount() external view returns (uint256);
}

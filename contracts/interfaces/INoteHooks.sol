// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title INoteHooks
/// @notice The narrow doors the ledger opens to the payable-notes contract (see `IPayableNotes`), which lives apart
/// because the ledger has no room left under EIP-170. The operator names that contract once, at deployment; from then
/// on only it may move an invoice into `Noted` (settled through a note) and change a supplier's credit utilisation and
/// fast-track exposure for note financing. Every other rule stays in the ledger or in the notes contract.
interface INoteHooks {
    /// @notice Emitted once, when the operator names the payable-notes contract.
    event NotesBound(address indexed notes, address actor);
    /// @notice Emitted when a confirmed invoice becomes settled through a note: it can no longer be financed, paid or
    /// marked overdue on its own.
    event InvoiceSettledThroughNote(uint256 indexed invoiceId, uint256 indexed noteId, uint256 amount, uint256 dueDate);
    /// @notice Emitted whenever note financing changes a supplier's credit record with a bank; the new totals.
    event NoteCreditChanged(
        uint256 indexed bankOrgId,
        uint256 indexed supplierOrgId,
        uint256 utilised,
        uint256 fastTracked
    );

    /// @notice The payable-notes contract was already named.
    error NotesAlreadyBound(address notes);
    /// @notice Only the payable-notes contract may call this.
    error NotesOnly(address caller);

    /// @notice Names the payable-notes contract. Operator only, once.
    function bindNotes(address notes) external;

    /// @notice Returns the payable-notes contract (zero until bound).
    function notesContract() external view returns (address);

    /// @notice Settles a confirmed, undisputed, unpaid and unfinanced invoice of `buyerOrgId` through note `noteId`.
    /// The notes contract only. Reverts with the ledger's own invoice and financing errors otherwise.
    /// @return amount The invoice amount (the note's face).
    /// @return supplierOrgId The invoice's supplier (the note's first holder).
    /// @return dueDate The invoice's due date (the note's maturity).
    function settleInvoiceThroughNote(
        uint256 invoiceId,
        uint256 buyerOrgId,
        uint256 noteId
    ) external returns (uint88 amount, uint32 supplierOrgId, uint40 dueDate);

    /// @notice Changes a supplier's credit record with a bank for note financing: utilisation rises by `utilisedUp`
    /// (at disbursement, reverting with `FinancingAmountExceedsCredit` past the limit) and falls by `utilisedDown`
    /// (repayment); fast-track exposure rises by `fastUp` (a fast-track request) and falls by `fastDown` (its
    /// rejection or repayment). The notes contract only.
    function applyNoteCredit(
        uint256 bankOrgId,
        uint256 supplierOrgId,
        uint88 utilisedUp,
        uint88 utilisedDown,
        uint80 fastUp,
        uint80 fastDown
    ) external;
}

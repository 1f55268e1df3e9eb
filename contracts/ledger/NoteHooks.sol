// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {INoteHooks} from "../interfaces/INoteHooks.sol";
import {Settlement} from "./Settlement.sol";

/// @title NoteHooks
/// @notice The ledger's side of payable notes: the invoice state `Noted` and the credit record, each written here and
/// only at the request of the one payable-notes contract the operator named at deployment.
abstract contract NoteHooks is Settlement, INoteHooks {
    address private _notes;

    modifier onlyNotes() {
        if (msg.sender != _notes) revert NotesOnly(msg.sender);
        _;
    }

    /// @inheritdoc INoteHooks
    function bindNotes(address notes) external onlyOperator {
        if (_notes != address(0)) revert NotesAlreadyBound(_notes);
        if (notes == address(0)) revert RegistryZeroAddress();
        _notes = notes;
        emit NotesBound(notes, _msgSender());
    }

    /// @inheritdoc INoteHooks
    function notesContract() external view returns (address) {
        return _notes;
    }

    /// @inheritdoc INoteHooks
    function settleInvoiceThroughNote(
        uint256 invoiceId,
        uint256 buyerOrgId,
        uint256 noteId
    ) external onlyNotes returns (uint88 amount, uint32 supplierOrgId, uint40 dueDate) {
        Invoice storage inv = _knownInvoice(invoiceId);
        if (inv.buyerOrgId != buyerOrgId) revert InvoiceNotBuyer(invoiceId, buyerOrgId);
        InvoiceStatus status = inv.status;
        // A part-paid invoice stays Confirmed, so `paid` is checked too: a note's face is the whole amount.
        if (status != InvoiceStatus.Confirmed || inv.paid != 0) revert InvoiceInvalidStatus(invoiceId, status);
        uint32 current = inv.financingRequestId;
        if (current != 0 && _holdsInvoice(_requestAt(current).status)) {
            revert FinancingInvoiceAlreadyFinanced(invoiceId, current);
        }
        inv.status = InvoiceStatus.Noted;
        amount = inv.amount;
        dueDate = inv.dueDate;
        emit InvoiceSettledThroughNote(invoiceId, noteId, amount, dueDate);
        return (amount, inv.supplierOrgId, dueDate);
    }

    /// @inheritdoc INoteHooks
    function applyNoteCredit(
        uint256 bankOrgId,
        uint256 supplierOrgId,
        uint88 utilisedUp,
        uint88 utilisedDown,
        uint80 fastUp,
        uint80 fastDown
    ) external onlyNotes {
        CreditRecord storage credit = _credit[bankOrgId][supplierOrgId];
        // Checked arithmetic: the notes contract only releases what it reserved, so an underflow is a bug and reverts.
        uint88 before = credit.utilised;
        uint88 limit = credit.limit;
        uint88 utilised = before + utilisedUp - utilisedDown;
        if (utilisedUp != 0 && utilised > limit) {
            revert FinancingAmountExceedsCredit(utilisedUp, limit > before ? limit - before : 0);
        }
        uint80 fastTracked = credit.fastTracked + fastUp - fastDown;
        credit.utilised = utilised;
        credit.fastTracked = fastTracked;
        emit NoteCreditChanged(bankOrgId, supplierOrgId, utilised, fastTracked);
    }
}

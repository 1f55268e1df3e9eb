// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITrellisLedger} from "./interfaces/ITrellisLedger.sol";
import {OrgRegistry} from "./ledger/OrgRegistry.sol";
import {OrderBook} from "./ledger/OrderBook.sol";
import {NoteHooks} from "./ledger/NoteHooks.sol";

/// @title TrellisLedger
/// @notice The Trellis ledger: organisations, bank policy, purchase orders, invoices, financing and payments in one
/// contract, assembled from one abstract module per domain (see `ledger/`). Users act directly or through the
/// trusted ERC-2771 forwarder, which the gateway uses to relay their EIP-712 signed requests.
contract TrellisLedger is NoteHooks, ITrellisLedger {
    /// @notice Deploys the ledger against one settlement token and one trusted forwarder.
    /// @param admin The platform operator's account (onboards, suspends and reinstates organisations only).
    /// @param forwarder The trusted ERC-2771 forwarder.
    /// @param token The settlement token every order is in.
    /// @param initialGracePeriod Seconds after an invoice's due date before it may be marked overdue.
    constructor(
        address admin,
        address forwarder,
        address token,
        uint32 initialGracePeriod
    ) OrgRegistry(admin, forwarder, initialGracePeriod) OrderBook(token) {}

    /// @inheritdoc ITrellisLedger
    function settlementToken() external view returns (address) {
        return _token;
    }
}

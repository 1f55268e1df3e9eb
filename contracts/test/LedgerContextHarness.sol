// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TrellisLedger} from "../TrellisLedger.sol";

/// @title LedgerContextHarness
/// @notice Test-only: exposes what the ledger believes the sender and calldata are, so tests can check that a call
/// from the trusted forwarder is attributed to the signer and the appended address is stripped from the data.
contract LedgerContextHarness is TrellisLedger {
    /// @notice Deploys a ledger with no grace period.
    constructor(address admin, address forwarder, address token) TrellisLedger(admin, forwarder, token, 0) {}

    /// @notice Returns `_msgSender()` and `_msgData()` as the ledger computes them.
    function context() external view returns (address sender, bytes memory data) {
        return (_msgSender(), _msgData());
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SettlementToken} from "../SettlementToken.sol";

/// @title TokenContextHarness
/// @notice Test-only: exposes what the settlement token believes the sender and calldata are (see
/// LedgerContextHarness).
contract TokenContextHarness is SettlementToken {
    /// @notice Deploys a token named "Harness".
    constructor(address admin, address forwarder) SettlementToken("Harness", "HRN", admin, forwarder) {}

    /// @notice Returns `_msgSender()` and `_msgData()` as the token computes them.
    function context() external view returns (address sender, bytes memory data) {
        return (_msgSender(), _msgData());
    }
}

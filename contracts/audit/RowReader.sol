// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title RowReader
/// @notice Never deployed: the gateway's row-proof sweep places this code at a spare address through eth_call's state
/// override and reads many ledger rows in one call. Each call is a staticcall; a failing one returns empty bytes.
contract RowReader {
    /// @notice Makes each view call on `target` and answers every result in order.
    /// @param target The contract to read (the ledger).
    /// @param calls ABI-encoded view calls.
    /// @return results Each call's return data, or empty bytes when it reverted.
    function read(address target, bytes[] calldata calls) external view returns (bytes[] memory results) {
        results = new bytes[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool ok, bytes memory out) = target.staticcall(calls[i]);
            results[i] = ok ? out : bytes("");
        }
    }
}

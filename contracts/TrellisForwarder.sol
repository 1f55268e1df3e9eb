// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC2771Forwarder} from "@openzeppelin/contracts/metatx/ERC2771Forwarder.sol";

/// @title TrellisForwarder
/// @notice OpenZeppelin's ERC-2771 forwarder under the EIP-712 domain name "TrellisForwarder". The gateway's relayer
/// submits the EIP-712 signed requests of users; the ledger and the token trust this forwarder, so `_msgSender()`
/// there is the signer, and every action is attributed to the person who signed it.
contract TrellisForwarder is ERC2771Forwarder {
    constructor() ERC2771Forwarder("TrellisForwarder") {}
}

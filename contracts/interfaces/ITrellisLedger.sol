// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IOrgRegistry} from "./IOrgRegistry.sol";
import {IBankPolicy} from "./IBankPolicy.sol";
import {IOrderBook} from "./IOrderBook.sol";
import {IInvoiceBook} from "./IInvoiceBook.sol";
import {IFinancingDesk} from "./IFinancingDesk.sol";
import {INoteHooks} from "./INoteHooks.sol";

/// @title ITrellisLedger
/// @notice The whole Trellis ledger as one contract: registry, bank policy, orders, invoices and financing live
/// together because every transition reads several of them, and cross-contract calls would cost more gas than the
/// transitions themselves.
interface ITrellisLedger is IOrgRegistry, IOrderBook, IInvoiceBook, IBankPolicy, IFinancingDesk, INoteHooks {
    /// @notice Returns the ERC-20 every order, invoice and financing is settled in.
    function settlementToken() external view returns (address);
}

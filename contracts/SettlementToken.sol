// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";

/// @title SettlementToken
/// @notice Tokenised bank deposits, two decimals (1 token = 1 currency unit, 100 minor units). Issuers (banks) mint
/// against deposits and burn on redemption. ERC-2612 permit lets a buyer authorise the ledger without a separate
/// transaction, and ERC-2771 lets the gateway relay a holder's own transfers and approvals.
contract SettlementToken is ERC20, ERC20Permit, AccessControl, ERC2771Context {
    /// @notice The role that may mint and burn.
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");

    /// @notice Emitted when an issuer mints against a deposit.
    event DepositMinted(address indexed to, uint256 amount, address indexed issuer);
    /// @notice Emitted when an issuer burns on redemption.
    event DepositBurned(address indexed from, uint256 amount, address indexed issuer);

    /// @notice A zero address was given where an account is needed.
    error TokenZeroAddress();

    /// @notice Deploys the token with `admin` as the only role admin; no issuer exists until the admin grants one.
    /// @param name The token's name, e.g. "Trellis Deposit Token".
    /// @param symbol The token's symbol, e.g. "TDT".
    /// @param admin The account that holds DEFAULT_ADMIN_ROLE (it grants ISSUER_ROLE to banks).
    /// @param forwarder The trusted ERC-2771 forwarder.
    constructor(
        string memory name,
        string memory symbol,
        address admin,
        address forwarder
    ) ERC20(name, symbol) ERC20Permit(name) ERC2771Context(forwarder) {
        if (admin == address(0)) revert TokenZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Two decimals: amounts are in cents.
    function decimals() public pure override returns (uint8) {
        return 2;
    }

    /// @notice Mints `amount` to `to`. Issuers only.
    function mint(address to, uint256 amount) external onlyRole(ISSUER_ROLE) {
        _mint(to, amount);
        emit DepositMinted(to, amount, _msgSender());
    }

    /// @notice Burns `amount` of the caller's own tokens. Issuers only.
    function burn(uint256 amount) external onlyRole(ISSUER_ROLE) {
        address issuer = _msgSender();
        _burn(issuer, amount);
        emit DepositBurned(issuer, amount, issuer);
    }

    /// @notice Burns `amount` from `from` using the allowance `from` gave the caller. Issuers only.
    function burnFrom(address from, uint256 amount) external onlyRole(ISSUER_ROLE) {
        address issuer = _msgSender();
        _spendAllowance(from, issuer, amount);
        _burn(from, amount);
        emit DepositBurned(from, amount, issuer);
    }

    /// @dev ERC-2771 and the other bases both define the sender; the forwarder-aware version wins.
    function _msgSender() internal view override(Context, ERC2771Context) returns (address) {
        return ERC2771Context._msgSender();
    }

    /// @dev See `_msgSender`.
    function _msgData() internal view override(Context, ERC2771Context) returns (bytes calldata) {
        return ERC2771Context._msgData();
    }

    /// @dev See `_msgSender`.
    function _contextSuffixLength() internal view override(Context, ERC2771Context) returns (uint256) {
        return ERC2771Context._contextSuffixLength();
    }
}

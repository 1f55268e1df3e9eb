// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Discount
/// @notice The money rule of disbursement: a bank advances `amount` today and is repaid at the due date, so it pays
/// out `amount - discount`, with the discount computed on an actual/360 basis in integer minor units:
///
///     daysToDue = ceil((dueDate - fromTime) / 1 day)        (a started day counts as a whole day; 0 if due)
///     discount  = floor(amount * rateBps * daysToDue / (10_000 * 360))   (rounded down: in the supplier's favour)
///     discount  = min(discount, amount)                     (a bank never takes more than it advances)
///
/// Example: 360,000.00 (36,000,000 minor units) at 1,200 bps for 30 days gives
/// 36,000,000 * 1,200 * 30 / 3,600,000 = 360,000 minor units = 3,600.00, so the supplier receives 356,400.00.
library Discount {
    uint256 internal constant DAY = 1 days;
    uint256 internal constant DENOMINATOR = 10_000 * 360;

    /// @notice Computes the discount and the days it covers; see the library's NatSpec for the rule.
    function compute(
        uint256 amount,
        uint256 rateBps,
        uint256 fromTime,
        uint256 dueDate
    ) internal pure returns (uint256 discount, uint256 daysToDue) {
        if (dueDate <= fromTime) return (0, 0);
        // Cannot overflow: dueDate - fromTime is positive and far below 2^255 for any real timestamp.
        unchecked {
            daysToDue = (dueDate - fromTime + DAY - 1) / DAY;
        }
        discount = (amount * rateBps * daysToDue) / DENOMINATOR;
        if (discount > amount) discount = amount;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SettlementMode, Tariff} from "../types/Tariff.sol";

/// @notice What one agent pays and receives for one epoch, in settlement-token base units.
/// @param lock What its scheduled consumption costs: locked from its escrow when the epoch is
///        posted and paid to the epoch's pot (rounded up).
/// @param credit Paid to it for its scheduled supply (rounded down).
/// @param forfeit Thesis mode: the supply of hours it failed, paid to the grid agent (rounded down).
/// @param surplusCredit Imbalance mode: metered surplus beyond the tolerance at the surplus price
///        (rounded down), paid from the grid agent's reserve.
/// @param shortfallCharge Imbalance mode: metered shortfall beyond the tolerance at the shortfall
///        price (rounded up), paid to the grid agent.
/// @param passedMask Bit t set when hour t was metered within the tolerance of the schedule.
struct Position {
    uint256 lock;
    uint256 credit;
    uint256 forfeit;
    uint256 surplusCredit;
    uint256 shortfallCharge;
    uint256 passedMask;
}

/// @notice How to settle one agent's day.
/// @param mode The epoch's settlement mode.
/// @param isGrid The grid agent is the balancing party: never charged or credited for imbalance and
///        never forfeiting (its metered import is everyone else's deviation).
/// @param hasReading Whether the agent's meter reported; without a reading every hour is missing.
/// @param toleranceWh The epoch's meter tolerance.
struct Day {
    SettlementMode mode;
    bool isGrid;
    bool hasReading;
    int256 toleranceWh;
}

/// @title Positions
/// @notice The settlement rule: one agent's day, from its committed schedule row, its meter
///         readings and the epoch's tariff. The off-chain packages implement the same function
///         (`settlePosition` in the TypeScript contracts package) and are tested against this one.
/// @dev Units: energy in Wh, prices in base units per kWh, so an amount is Σ Wh × price / 1000.
///      Each of the five amounts is summed exactly over the 24 hours and divided by 1000 once:
///      what an agent pays is rounded up, what it receives rounded down. Because every posted
///      hour balances exactly (Σ supply = Σ consumption), the rounded locks of an epoch always
///      cover its rounded credits; the difference (at most one base unit per agent) is rounding
///      dust, paid to the grid agent when the epoch closes. Products fit easily: |Wh| < 2^31,
///      prices < 2^64, 24 hours, so no sum approaches 2^256 (the assembly loops rely on it).
library Positions {
    /// @notice Wh per kWh: the denominator of every amount.
    uint256 internal constant WH_PER_KWH = 1000;
    /// @notice A reading hour with no measurement.
    int256 internal constant MISSING = type(int32).min;

    /// @notice What posting an epoch needs from one row: the lock (rounded up), the supply value
    ///         (rounded down), the supplied energy, and the surplus credit this agent could earn
    ///         at most (unrounded: the reserve is summed over agents, then rounded up).
    function commitments(bytes calldata rows, uint256 row, Tariff calldata tariff)
        internal
        pure
        returns (uint256 lock, uint256 supplyValue, uint256 supplyWh, uint256 surplusCap)
    {
        // Hot path of posting (once per agent and hour): the row and the tariff are read straight
        // from calldata; lock and supplyValue sum unrounded, then are rounded. Prices are masked to
        // their uint64 width, so a word with dirty high bits reads as the value the tariff hash
        // commits to.
        assembly ("memory-safe") {
            let src := add(rows.offset, mul(row, 96))
            for { let t := 0 } lt(t, 24) { t := add(t, 1) } {
                let s := signextend(3, shr(224, calldataload(add(src, shl(2, t)))))
                let price := and(calldataload(add(tariff, shl(5, t))), 0xffffffffffffffff)
                switch sgt(s, 0)
                case 1 {
                    supplyValue := add(supplyValue, mul(s, price))
                    supplyWh := add(supplyWh, s)
                }
                default {
                    s := sub(0, s)
                    lock := add(lock, mul(s, price))
                }
                surplusCap := add(
                    surplusCap,
                    mul(s, and(calldataload(add(tariff, add(1536, shl(5, t)))), 0xffffffffffffffff))
                )
            }
        }
        lock = _ceil(lock);
        supplyValue /= WH_PER_KWH;
    }

    /// @notice The agent's position once its readings are known.
    /// @param day How to settle it (see Day).
    /// @param rows Packed schedule rows; the agent's is at `row`.
    /// @param measured Packed readings; the agent's is at `row` (ignored without a reading).
    /// @dev Settlement's hot path, once per agent and hour, in assembly: the sums stay on the stack
    ///      and every value is read straight from calldata (prices masked to uint64, as in
    ///      commitments). test/Positions.t.sol fuzzes it against the rule written again in Solidity.
    function settle(
        Day memory day,
        bytes calldata rows,
        bytes calldata measured,
        uint256 row,
        Tariff calldata tariff
    ) internal pure returns (Position memory p) {
        if (day.mode == SettlementMode.Imbalance && !day.isGrid && day.hasReading) {
            _scanMetered(_rowAt(rows, row), _rowAt(measured, row), _offsetOf(tariff), day.toleranceWh, p);
        } else {
            uint256 flags =
                (day.mode == SettlementMode.Thesis ? 1 : 0) | (day.isGrid ? 2 : 0) | (day.hasReading ? 4 : 0);
            _scan(_rowAt(rows, row), _rowAt(measured, row), _offsetOf(tariff), flags, day.toleranceWh, p);
        }
        _round(p);
    }

    /// @dev Calldata offset of row `row` of packed rows.
    function _rowAt(bytes calldata packed, uint256 row) private pure returns (uint256 offset) {
        assembly ("memory-safe") {
            offset := add(packed.offset, mul(row, 96))
        }
    }

    /// @dev Calldata offset of a tariff: its price, shortfall and surplus arrays follow from it.
    function _offsetOf(Tariff calldata tariff) private pure returns (uint256 offset) {
        assembly ("memory-safe") {
            offset := tariff
        }
    }

    /// @dev Rounds the sums of `_scan`: what the agent pays up, what it receives down.
    function _round(Position memory p) private pure {
        p.lock = _ceil(p.lock);
        p.credit /= WH_PER_KWH;
        p.forfeit /= WH_PER_KWH;
        p.surplusCredit /= WH_PER_KWH;
        p.shortfallCharge = _ceil(p.shortfallCharge);
    }

    /// @dev `_scan` for the common case, an agent other than the grid with a reading in imbalance
    ///      mode, written for gas: the sums on the stack instead of in memory, no per-hour test of
    ///      the flags, and no branch for an hour within the tolerance. Lock and credit come from
    ///      two branch-free sums, net = Σ s·price and neg = Σ over s < 0 of s·price: lock = −neg,
    ///      credit = net − neg. An hour is within the tolerance iff d + tol ≤ 2·tol as unsigned
    ///      words (d = measured − scheduled); a missing hour (int32 min) is outside whatever the
    ///      schedule and the tolerance. Only the hours outside are marked (the rare ones), and the mask of hours
    ///      passed is their complement. The same rule as `_scan`, at about half its gas;
    ///      test/Positions.t.sol fuzzes both against the reference.
    // One loop over the hours, kept whole (see _scan).
    // solhint-disable-next-line function-max-lines
    function _scanMetered(uint256 schedule, uint256 reading, uint256 prices, int256 tol, Position memory p)
        private
        pure
    {
        assembly ("memory-safe") {
            let net := 0
            let neg := 0
            let surplus := 0
            let shortfall := 0
            let failed := 0
            for { let t := 0 } lt(t, 24) { t := add(t, 1) } {
                let s := signextend(3, shr(224, calldataload(add(schedule, shl(2, t)))))
                {
                    let v := mul(s, and(calldataload(add(prices, shl(5, t))), 0xffffffffffffffff))
                    net := add(net, v)
                    neg := add(neg, mul(slt(s, 0), v))
                }
                let d := sub(signextend(3, shr(224, calldataload(add(reading, shl(2, t))))), s)
                // A missing hour (int32 min) is outside whatever the schedule and the tolerance: tested
                // first, since a schedule within the tolerance of int32 min would pass otherwise.
                if or(eq(add(d, s), not(0x7fffffff)), gt(add(d, tol), add(tol, tol))) {
                    failed := or(failed, shl(t, 1))
                    switch eq(add(d, s), not(0x7fffffff))
                    case 1 {
                        // No measurement: the whole scheduled energy at the shortfall price
                        // (|s| = (s xor sign) − sign, sign = s >> 255 arithmetic: the stack is
                        // full, so it is written out where needed).
                        shortfall := add(
                            shortfall,
                            mul(
                                sub(xor(s, sar(255, s)), sar(255, s)),
                                and(calldataload(add(prices, add(768, shl(5, t)))), 0xffffffffffffffff)
                            )
                        )
                    }
                    default {
                        switch sgt(d, tol)
                        case 1 {
                            // Surplus beyond the tolerance, credited up to the scheduled energy
                            // (d is reused for it).
                            d := sub(d, tol)
                            if gt(d, sub(xor(s, sar(255, s)), sar(255, s))) {
                                d := sub(xor(s, sar(255, s)), sar(255, s))
                            }
                            surplus := add(
                                surplus,
                                mul(
                                    d,
                                    and(calldataload(add(prices, add(1536, shl(5, t)))), 0xffffffffffffffff)
                                )
                            )
                        }
                        default {
                            // Shortfall beyond the tolerance.
                            shortfall := add(
                                shortfall,
                                mul(
                                    sub(sub(0, d), tol),
                                    and(calldataload(add(prices, add(768, shl(5, t)))), 0xffffffffffffffff)
                                )
                            )
                        }
                    }
                }
            }
            mstore(p, sub(0, neg))
            mstore(add(p, 32), sub(net, neg))
            mstore(add(p, 96), surplus)
            mstore(add(p, 128), shortfall)
            mstore(add(p, 160), xor(failed, 0xffffff))
        }
    }

    /// @dev The 24 hours of `settle`, summed unrounded into p: lock, credit, forfeit,
    ///      surplusCredit, shortfallCharge at words 0..4, passedMask at word 5 (p is the last
    ///      parameter: the one the loop touches most sits nearest the top of the stack). `schedule`,
    ///      `reading` and `prices` are calldata offsets of the row, the reading and the tariff;
    ///      flags: 1 thesis mode, 2 the grid agent, 4 the agent has a reading.
    // One loop over the hours, kept whole: splitting it would cost a call per hour on the hot path.
    // solhint-disable-next-line function-max-lines
    function _scan(
        uint256 schedule,
        uint256 reading,
        uint256 prices,
        uint256 flags,
        int256 tol,
        Position memory p
    ) private pure {
        assembly ("memory-safe") {
            for { let t := 0 } lt(t, 24) { t := add(t, 1) } {
                let s := signextend(3, shr(224, calldataload(add(schedule, shl(2, t)))))
                let magnitude := s
                {
                    // Day-ahead: lock (word 0) for consumption, credit (word 1) for supply.
                    let word := add(p, 32)
                    if slt(s, 0) {
                        magnitude := sub(0, s)
                        word := p
                    }
                    let value := mul(magnitude, and(calldataload(add(prices, shl(5, t))), 0xffffffffffffffff))
                    mstore(word, add(mload(word), value))
                }
                // The meter: passed when it has the hour and |measured - scheduled| <= tolerance.
                let missing := 1
                let d := 0
                if and(flags, 4) {
                    let m := signextend(3, shr(224, calldataload(add(reading, shl(2, t)))))
                    // type(int32).min, sign-extended, marks a missing hour.
                    missing := eq(m, not(0x7fffffff))
                    d := sub(m, s)
                }
                let outside := missing
                if iszero(missing) {
                    let absD := d
                    if slt(d, 0) { absD := sub(0, d) }
                    outside := sgt(absD, tol)
                }
                switch outside
                case 0 { mstore(add(p, 160), or(mload(add(p, 160)), shl(t, 1))) }
                default {
                    // Outside the tolerance. Thesis mode: a supplier other than the grid is not
                    // paid for the hour (its credit moves to forfeit, word 2).
                    if and(and(flags, 1), and(sgt(s, 0), iszero(and(flags, 2)))) {
                        let value :=
                            mul(magnitude, and(calldataload(add(prices, shl(5, t))), 0xffffffffffffffff))
                        mstore(add(p, 32), sub(mload(add(p, 32)), value))
                        mstore(add(p, 64), add(mload(add(p, 64)), value))
                    }
                    // Imbalance mode, not the grid: a surplus (word 3) or a shortfall (word 4).
                    if iszero(and(flags, 3)) {
                        switch sgt(d, tol)
                        case 1 {
                            // Surplus beyond the tolerance, credited up to the scheduled energy.
                            let extra := sub(d, tol)
                            if gt(extra, magnitude) { extra := magnitude }
                            let spare :=
                                and(calldataload(add(prices, add(1536, shl(5, t)))), 0xffffffffffffffff)
                            mstore(add(p, 96), add(mload(add(p, 96)), mul(extra, spare)))
                        }
                        default {
                            // Shortfall beyond the tolerance; with no measurement, the whole
                            // scheduled energy, as if it all went the costly way.
                            let short := magnitude
                            if iszero(missing) { short := sub(sub(0, d), tol) }
                            let shortPrice :=
                                and(calldataload(add(prices, add(768, shl(5, t)))), 0xffffffffffffffff)
                            mstore(add(p, 128), add(mload(add(p, 128)), mul(short, shortPrice)))
                        }
                    }
                }
            }
        }
    }

    /// @notice The value of a trade: energy × price / 1000, rounded half up.
    function tradeValue(uint256 energyWh, uint256 pricePerKwh) internal pure returns (uint256) {
        return (energyWh * pricePerKwh + WH_PER_KWH / 2) / WH_PER_KWH;
    }

    /// @notice x / 1000 rounded up (the unchecked add cannot overflow: x < 2^110).
    function ceilDiv(uint256 x) internal pure returns (uint256) {
        return _ceil(x);
    }

    function _ceil(uint256 x) private pure returns (uint256) {
        unchecked {
            return (x + WH_PER_KWH - 1) / WH_PER_KWH;
        }
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SettlementMode, Tariff} from "../types/Tariff.sol";
import {ScheduleRows} from "./ScheduleRows.sol";

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
///      prices < 2^64, 24 hours, so no sum approaches 2^256 (the unchecked blocks rely on it).
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
        unchecked {
            uint256 purchase;
            uint256 supply;
            for (uint256 t; t < ScheduleRows.HOURS; ++t) {
                int256 s = ScheduleRows.at(rows, row, t);
                if (s > 0) {
                    supply += uint256(s) * tariff.price[t];
                    supplyWh += uint256(s);
                    surplusCap += uint256(s) * tariff.surplus[t];
                } else if (s < 0) {
                    purchase += uint256(-s) * tariff.price[t];
                    surplusCap += uint256(-s) * tariff.surplus[t];
                }
            }
            lock = _ceil(purchase);
            supplyValue = supply / WH_PER_KWH;
        }
    }

    /// @notice The agent's position once its readings are known.
    /// @param day How to settle it (see Day).
    /// @param rows Packed schedule rows; the agent's is at `row`.
    /// @param measured Packed readings; the agent's is at `row` (ignored without a reading).
    function settle(
        Day memory day,
        bytes calldata rows,
        bytes calldata measured,
        uint256 row,
        Tariff calldata tariff
    ) internal pure returns (Position memory p) {
        // The amounts accumulate unrounded in `p`, then are rounded once.
        for (uint256 t; t < ScheduleRows.HOURS; ++t) {
            int256 m = day.hasReading ? ScheduleRows.at(measured, row, t) : MISSING;
            _hour(p, day, ScheduleRows.at(rows, row, t), m, t, tariff);
        }
        p.lock = _ceil(p.lock);
        p.credit /= WH_PER_KWH;
        p.forfeit /= WH_PER_KWH;
        p.surplusCredit /= WH_PER_KWH;
        p.shortfallCharge = _ceil(p.shortfallCharge);
    }

    /// @dev One hour of `settle`: scheduled `s`, measured `m` (MISSING if none).
    function _hour(Position memory p, Day memory day, int256 s, int256 m, uint256 t, Tariff calldata tariff)
        private
        pure
    {
        unchecked {
            int256 d = m - s;
            bool passed = m != MISSING && d <= day.toleranceWh && -d <= day.toleranceWh;
            if (passed) p.passedMask |= 1 << t;
            uint256 magnitude = uint256(s < 0 ? -s : s);
            if (s > 0) {
                uint256 value = magnitude * tariff.price[t];
                if (day.mode == SettlementMode.Thesis && !passed && !day.isGrid) p.forfeit += value;
                else p.credit += value;
            } else if (s < 0) {
                p.lock += magnitude * tariff.price[t];
            }
            if (day.mode != SettlementMode.Imbalance || day.isGrid || passed) return;
            if (m == MISSING) {
                // No measurement: charged as if the whole scheduled energy went the costly way.
                p.shortfallCharge += magnitude * tariff.shortfall[t];
            } else if (d > day.toleranceWh) {
                uint256 extra = uint256(d - day.toleranceWh);
                p.surplusCredit += (extra < magnitude ? extra : magnitude) * tariff.surplus[t];
            } else {
                p.shortfallCharge += uint256(-d - day.toleranceWh) * tariff.shortfall[t];
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

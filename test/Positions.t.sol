// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Day, Position, Positions} from "../contracts/libraries/Positions.sol";
import {ScheduleRows} from "../contracts/libraries/ScheduleRows.sol";
import {SettlementMode, Tariff} from "../contracts/types/Tariff.sol";
import {Test} from "forge-std/Test.sol";

/// @notice Calls the library with calldata, as the contracts do.
contract PositionsHarness {
    function settle(Day memory day, bytes calldata rows, bytes calldata measured, Tariff calldata tariff)
        external
        pure
        returns (Position memory)
    {
        return Positions.settle(day, rows, measured, 0, tariff);
    }

    function commitments(bytes calldata rows, Tariff calldata tariff)
        external
        pure
        returns (uint256, uint256, uint256, uint256)
    {
        return Positions.commitments(rows, 0, tariff);
    }
}

contract PositionsTest is Test {
    PositionsHarness internal harness = new PositionsHarness();
    int32 internal constant MISSING = type(int32).min;

    function _pack(int32[24] memory row) internal pure returns (bytes memory out) {
        for (uint256 h; h < 24; ++h) {
            out = bytes.concat(out, abi.encodePacked(row[h]));
        }
    }

    function _boundTariff(Tariff memory t) internal pure returns (Tariff memory) {
        for (uint256 h; h < 24; ++h) {
            t.price[h] = uint64(bound(t.price[h], 0, 1e12));
            t.surplus[h] = uint64(bound(t.surplus[h], 0, t.price[h]));
            t.shortfall[h] = uint64(bound(t.shortfall[h], t.price[h], 1e13));
        }
        return t;
    }

    function _boundRow(int32[24] memory row, int256 limit) internal pure returns (int32[24] memory) {
        for (uint256 h; h < 24; ++h) {
            if (row[h] != MISSING) row[h] = int32(bound(row[h], -limit, limit));
        }
        return row;
    }

    /// @notice The rule written again, hour by hour with signed amounts, as a reference.
    function _reference(Day memory day, int32[24] memory s, int32[24] memory m, Tariff memory t)
        internal
        pure
        returns (Position memory p)
    {
        int256 tol = day.toleranceWh;
        for (uint256 h; h < 24; ++h) {
            int256 sched = s[h];
            bool missing = !day.hasReading || m[h] == MISSING;
            int256 dev = missing ? int256(0) : int256(m[h]) - sched;
            bool ok = !missing && dev >= -tol && dev <= tol;
            if (ok) p.passedMask += 2 ** h;
            int256 value = sched * int256(uint256(t.price[h]));
            if (value < 0) p.lock += uint256(-value);
            if (value > 0) {
                if (day.mode == SettlementMode.Thesis && !ok && !day.isGrid) p.forfeit += uint256(value);
                else p.credit += uint256(value);
            }
            if (day.mode == SettlementMode.Thesis || day.isGrid || ok) continue;
            int256 size = sched < 0 ? -sched : sched;
            if (missing) {
                p.shortfallCharge += uint256(size) * t.shortfall[h];
            } else if (dev > 0) {
                int256 credited = dev - tol < size ? dev - tol : size;
                p.surplusCredit += uint256(credited) * t.surplus[h];
            } else {
                p.shortfallCharge += uint256(-dev - tol) * t.shortfall[h];
            }
        }
        p.lock = p.lock / 1000 + (p.lock % 1000 == 0 ? 0 : 1);
        p.credit /= 1000;
        p.forfeit /= 1000;
        p.surplusCredit /= 1000;
        p.shortfallCharge = p.shortfallCharge / 1000 + (p.shortfallCharge % 1000 == 0 ? 0 : 1);
    }

    function _assertEq(Position memory a, Position memory b) internal pure {
        assertEq(a.lock, b.lock, "lock");
        assertEq(a.credit, b.credit, "credit");
        assertEq(a.forfeit, b.forfeit, "forfeit");
        assertEq(a.surplusCredit, b.surplusCredit, "surplus");
        assertEq(a.shortfallCharge, b.shortfallCharge, "shortfall");
        assertEq(a.passedMask, b.passedMask, "passed");
    }

    function testFuzz_settle_matchesTheRuleWrittenAgain(
        int32[24] memory s,
        int32[24] memory m,
        Tariff memory t,
        uint32 tolerance,
        uint8 flags
    ) public view {
        s = _boundRow(s, 1e8);
        m = _boundRow(m, 1e8);
        for (uint256 h; h < 24; ++h) {
            if (s[h] == MISSING) s[h] = 0;
            // Readings near the schedule often, so that the tolerance boundary is exercised.
            if (flags & 8 != 0 && m[h] != MISSING) m[h] = int32(int256(s[h]) + int256(m[h]) % 100);
        }
        t = _boundTariff(t);
        Day memory day = Day(
            flags & 1 == 0 ? SettlementMode.Imbalance : SettlementMode.Thesis,
            flags & 2 != 0,
            flags & 4 != 0,
            int256(uint256(bound(tolerance, 0, 1000)))
        );
        _assertEq(harness.settle(day, _pack(s), _pack(m), t), _reference(day, s, m, t));
    }

    function testFuzz_commitments_lockAndSupplyAreThoseOfAHonestSettlement(
        int32[24] memory s,
        Tariff memory t
    ) public view {
        s = _boundRow(s, 1e8);
        for (uint256 h; h < 24; ++h) {
            if (s[h] == MISSING) s[h] = 0;
        }
        t = _boundTariff(t);
        (uint256 lock, uint256 supplyValue, uint256 supplyWh,) = harness.commitments(_pack(s), t);
        Position memory p =
            harness.settle(Day(SettlementMode.Imbalance, false, true, 0), _pack(s), _pack(s), t);
        assertEq(lock, p.lock);
        assertEq(supplyValue, p.credit);
        uint256 wh;
        for (uint256 h; h < 24; ++h) {
            if (s[h] > 0) wh += uint256(int256(s[h]));
        }
        assertEq(supplyWh, wh);
    }

    /// Deviating on purpose never pays: in imbalance mode, whatever an agent meters instead of its
    /// schedule changes what it receives by at most the day-ahead value of the energy it moved plus
    /// the tolerance band (one base unit of rounding either way).
    function testFuzz_settle_deviatingNeverPays(
        int32[24] memory s,
        int32[24] memory m,
        Tariff memory t,
        uint32 tolerance
    ) public view {
        s = _boundRow(s, 1e7);
        m = _boundRow(m, 1e7);
        t = _boundTariff(t);
        int256 tol = int256(uint256(bound(tolerance, 0, 1000)));
        int256 bound_;
        for (uint256 h; h < 24; ++h) {
            if (s[h] == MISSING) s[h] = 0;
            if (m[h] == MISSING) m[h] = s[h];
            bound_ += (int256(m[h]) - int256(s[h]) + tol) * int256(uint256(t.price[h]));
        }
        Day memory day = Day(SettlementMode.Imbalance, false, true, tol);
        Position memory honest = harness.settle(day, _pack(s), _pack(s), t);
        Position memory deviant = harness.settle(day, _pack(s), _pack(m), t);
        int256 net =
            int256(deviant.credit + deviant.surplusCredit) - int256(deviant.lock + deviant.shortfallCharge);
        int256 netHonest = int256(honest.credit) - int256(honest.lock);
        assertEq(honest.surplusCredit + honest.shortfallCharge, 0);
        assertLe(net - netHonest, bound_ / 1000 + 2);
    }

    function test_settle_aMissingReadingChargesTheWholeScheduleAtTheShortfallPrice() public view {
        int32[24] memory s;
        int32[24] memory m;
        s[0] = 400;
        s[1] = -300;
        m[0] = MISSING;
        m[1] = MISSING;
        Tariff memory t;
        for (uint256 h; h < 24; ++h) {
            (t.price[h], t.shortfall[h], t.surplus[h]) = (60_000, 250_000, 30_000);
        }
        Position memory p =
            harness.settle(Day(SettlementMode.Imbalance, false, true, 50), _pack(s), _pack(m), t);
        assertEq(p.credit, 24_000);
        assertEq(p.lock, 18_000);
        assertEq(p.shortfallCharge, (400 + 300) * 250);
        assertEq(p.passedMask, 0xfffffc);
        // The grid agent is never charged for imbalance.
        p = harness.settle(Day(SettlementMode.Imbalance, true, true, 50), _pack(s), _pack(m), t);
        assertEq(p.shortfallCharge, 0);
    }

    /// @dev The tolerance band's edges, in both loops (the metered one and the general one): a
    ///      deviation of exactly ±tolerance passes, one Wh more fails and is settled for that Wh.
    function test_settle_anHourExactlyAtTheTolerancePassesAndOneWhMoreFails() public view {
        int32 tol = 50;
        int32[24] memory s;
        int32[24] memory m;
        for (uint256 h; h < 24; ++h) {
            s[h] = 1000;
            m[h] = 1000;
        }
        (m[0], m[1], m[2], m[3]) = (1000 + tol, 1000 - tol, 1000 + tol + 1, 1000 - tol - 1);
        Tariff memory t;
        for (uint256 h; h < 24; ++h) {
            (t.price[h], t.shortfall[h], t.surplus[h]) = (60_000, 250_000, 30_000);
        }
        uint256 passed = ((1 << 24) - 1) & ~uint256(12);
        Position memory metered =
            harness.settle(Day(SettlementMode.Imbalance, false, true, tol), _pack(s), _pack(m), t);
        assertEq(metered.passedMask, passed, "metered loop");
        assertEq(metered.surplusCredit, 30, "1 Wh of surplus at 30,000 per kWh");
        assertEq(metered.shortfallCharge, 250, "1 Wh of shortfall at 250,000 per kWh");
        Position memory general =
            harness.settle(Day(SettlementMode.Thesis, false, true, tol), _pack(s), _pack(m), t);
        assertEq(general.passedMask, passed, "general loop");
        assertEq(
            general.forfeit,
            2 * 60_000,
            "thesis: the two failed hours' 1,000 Wh at 60,000 per kWh are forfeited"
        );
    }

    /// @dev A missing hour is never within the tolerance, even for a schedule at int32 min or a
    ///      tolerance of 2^31 Wh or more (where measured − scheduled of a missing hour lands
    ///      inside the band): it fails and is charged its whole schedule, in both loops.
    function test_settle_aMissingHourFailsWhateverTheScheduleAndTolerance() public view {
        Tariff memory t;
        for (uint256 h; h < 24; ++h) {
            (t.price[h], t.shortfall[h], t.surplus[h]) = (60_000, 250_000, 30_000);
        }
        int32[24] memory s;
        int32[24] memory m;
        s[0] = type(int32).min + 10;
        m[0] = MISSING;
        s[1] = -12_000;
        m[1] = MISSING;
        for (uint256 h = 2; h < 24; ++h) {
            m[h] = 0;
        }
        int256[2] memory tolerances = [int256(50), int256(uint256(type(uint32).max))];
        for (uint256 k; k < 2; ++k) {
            Day memory day = Day(SettlementMode.Imbalance, false, true, tolerances[k]);
            Position memory p = harness.settle(day, _pack(s), _pack(m), t);
            assertEq(p.passedMask & 3, 0, "missing hours fail");
            _assertEq(p, _reference(day, s, m, t));
            uint256 whole = (uint256(-int256(s[0])) + 12_000) * 250_000;
            assertEq(p.shortfallCharge, (whole + 999) / 1000, "both hours charged whole");
        }
    }

    function test_tradeValue_roundsHalfUp() public pure {
        assertEq(Positions.tradeValue(1, 500), 1);
        assertEq(Positions.tradeValue(1, 499), 0);
        assertEq(Positions.tradeValue(500, 60_000), 30_000);
        assertEq(Positions.ceilDiv(1), 1);
        assertEq(Positions.ceilDiv(1000), 1);
        assertEq(Positions.ceilDiv(0), 0);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClearingLedger} from "../../contracts/interfaces/IClearingLedger.sol";
import {IMeterReadings} from "../../contracts/interfaces/IMeterReadings.sol";
import {IParticipantRegistry} from "../../contracts/interfaces/IParticipantRegistry.sol";
import {SettlementMode, Tariff} from "../../contracts/types/Tariff.sol";
import {MarketBase, SettleCall, TradeData} from "./MarketBase.sol";

/// @notice The market on a three-bus triangle network with five agents, and one honest day.
/// @dev Network (equal reactances, slack bus 1), lines 1-2, 1-3, 2-3; PTDF (rows = lines,
///      columns = buses 1..3), by hand: injecting 1 at bus 2 sends 2/3 over 2→1 and 1/3 over
///      2→3→1, so line 1-2 carries -2/3, line 1-3 -1/3 and line 2-3 +1/3; bus 3 is symmetric.
///      Agents (id: kind, bus): 0: grid, 1; 1: seller, 2; 2: seller with storage, 3; 3: buyer, 2;
///      4: buyer, 3. Limits 2000, 2000 and 500 Wh; rounding tolerance 3 Wh.
abstract contract MarketFixture is MarketBase {
    uint16 internal constant AGENTS = 5;
    uint32 internal constant FLOW_TOLERANCE_WH = 3;

    uint32 internal networkId;
    address[AGENTS] internal owners;
    uint256[AGENTS] internal meterKeys;

    function setUp() public virtual {
        deployMarket();
        vm.prank(registrar);
        networkId = networks.registerNetwork(3, 1, FLOW_TOLERANCE_WH, triangleLimits(), trianglePtdf());

        IParticipantRegistry.AgentKind[AGENTS] memory kinds = [
            IParticipantRegistry.AgentKind.Grid,
            IParticipantRegistry.AgentKind.Seller,
            IParticipantRegistry.AgentKind.Seller,
            IParticipantRegistry.AgentKind.Buyer,
            IParticipantRegistry.AgentKind.Buyer
        ];
        uint16[AGENTS] memory buses = [uint16(1), 2, 3, 2, 3];
        for (uint256 i; i < AGENTS; ++i) {
            owners[i] = makeAddr(string.concat("owner", vm.toString(i)));
            meterKeys[i] = uint256(keccak256(abi.encode("meter", i)));
            if (agentIdAt(i) != registry.agentCount()) jumpAgentIds(agentIdAt(i));
            vm.prank(registrar);
            assertEq(
                registry.registerAgent(
                    owners[i], vm.addr(meterKeys[i]), networkId, buses[i], kinds[i], i == 2
                ),
                agentIdAt(i)
            );
        }
    }

    /// @notice The on-chain id of the fixture's agent `i`: 0…4 here; a test may place them far apart.
    function agentIdAt(uint256 i) internal view virtual returns (uint16) {
        return uint16(i);
    }

    function triangleLimits() internal pure returns (uint32[] memory limits) {
        limits = new uint32[](3);
        limits[0] = 2000;
        limits[1] = 2000;
        limits[2] = 500;
    }

    function trianglePtdf() internal pure returns (int32[] memory p) {
        int32 twoThirds = 666_666_667;
        int32 oneThird = 333_333_333;
        p = new int32[](9);
        (p[0], p[1], p[2]) = (0, -twoThirds, -oneThird);
        (p[3], p[4], p[5]) = (0, -oneThird, -twoThirds);
        (p[6], p[7], p[8]) = (0, oneThird, -oneThird);
    }

    function ids() internal pure returns (uint16[] memory out) {
        out = new uint16[](AGENTS);
        for (uint16 a; a < AGENTS; ++a) {
            out[a] = a;
        }
    }

    /// @notice A balanced, feasible day: every hour the grid imports 100 Wh, seller 1 injects 600,
    ///         seller 2 injects 400, buyers take 500 and 600. Flows: 0, 100, 100 Wh.
    function balancedRows() internal pure returns (int32[24][] memory rows) {
        rows = new int32[24][](AGENTS);
        int32[AGENTS] memory hourly = [int32(100), 600, 400, -500, -600];
        for (uint256 a; a < AGENTS; ++a) {
            for (uint256 h; h < 24; ++h) {
                rows[a][h] = hourly[a];
            }
        }
    }

    /// @notice The trades of `balancedRows` at PRICE: per hour seller 1 → buyer 3 (500),
    ///         seller 1 → buyer 4 (100), seller 2 → buyer 4 (400), grid → buyer 4 (100).
    function balancedTrades() internal pure returns (TradeData[] memory t) {
        t = new TradeData[](96);
        uint32 k;
        for (uint8 h; h < 24; ++h) {
            t[k] = TradeData(k, 1, 3, h, 500, 30_000);
            ++k;
            t[k] = TradeData(k, 1, 4, h, 100, 6000);
            ++k;
            t[k] = TradeData(k, 2, 4, h, 400, 24_000);
            ++k;
            t[k] = TradeData(k, 0, 4, h, 100, 6000);
            ++k;
        }
    }

    /// @notice Funds every agent with what posting `rows` locks (and the grid's reserve).
    function fundFor(int32[24][] memory rows, SettlementMode mode) internal {
        Tariff memory t = flatTariff();
        for (uint16 a; a < AGENTS; ++a) {
            uint256 need = lockOf(rows[a], t);
            if (a == 0 && mode == SettlementMode.Imbalance) need += reserveOf(ids(), rows, 0, t);
            if (need != 0) fund(a, need);
        }
    }

    function postRows(uint32 epochId, SettlementMode mode, int32[24][] memory rows, TradeData[] memory trades)
        internal
    {
        IClearingLedger.EpochParams memory p = params(
            epochId,
            networkId,
            mode,
            trades.length == 0 ? bytes32(0) : tradeTree(epochId, trades)[0],
            uint32(trades.length)
        );
        vm.prank(oracle);
        ledger.postEpoch{value: MIN_BOND}(p, packRows(rows), flatTariff());
    }

    /// @notice Funds and posts the balanced day with its trades.
    function postBalanced(uint32 epochId, SettlementMode mode) internal returns (int32[24][] memory rows) {
        rows = balancedRows();
        fundFor(rows, mode);
        postRows(epochId, mode, rows, balancedTrades());
    }

    function submitReadings(uint32 epochId, int32[24][] memory readings) internal {
        IMeterReadings.SignedReading[] memory batch = new IMeterReadings.SignedReading[](AGENTS);
        for (uint16 a; a < AGENTS; ++a) {
            batch[a] = signedReading(epochId, a, readings[a], meterKeys[a]);
        }
        meters.submitReadings(batch);
    }

    function meterAddresses() internal view returns (address[] memory out) {
        out = new address[](AGENTS);
        for (uint256 a; a < AGENTS; ++a) {
            out[a] = vm.addr(meterKeys[a]);
        }
    }

    function settleAll(uint32 epochId, int32[24][] memory rows, int32[24][] memory readings) internal {
        SettleCall memory c = settleCall(epochId, ids(), rows, readings, meterAddresses(), allIndices(AGENTS));
        settlement.settleAgents(epochId, c.batch, c.proof, c.flagBits, flatTariff());
    }

    /// @notice Posts, meters with `readings`, closes the windows and settles every agent.
    function runDay(uint32 epochId, SettlementMode mode, int32[24][] memory readings)
        internal
        returns (int32[24][] memory rows)
    {
        rows = postBalanced(epochId, mode);
        submitReadings(epochId, readings);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        settleAll(epochId, rows, readings);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMeterReadings} from "../contracts/interfaces/IMeterReadings.sol";
import {IParticipantRegistry} from "../contracts/interfaces/IParticipantRegistry.sol";
import {ISettlement} from "../contracts/interfaces/ISettlement.sol";
import {SettlementMode} from "../contracts/types/Tariff.sol";
import {SettleCall} from "./utils/MarketBase.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";
import {Vm} from "forge-std/Test.sol";

/// @notice The settled bitmap across 256-id words (Settlement keeps the current word on the stack
///         during a batch and writes it when the batch moves on), and openAccounts by a stranger.
contract SettledBitmapTest is MarketFixture {
    uint32 internal constant EPOCH = 9;

    /// @dev Ids in bitmap words 0, 1 and 255, two of them at a word's edges.
    function agentIdAt(uint256 i) internal pure override returns (uint16) {
        return [uint16(0), 255, 256, 511, 65_534][i];
    }

    function _ids() internal view returns (uint16[] memory out) {
        out = new uint16[](AGENTS);
        for (uint256 i; i < AGENTS; ++i) {
            out[i] = agentIdAt(i);
        }
    }

    function _fundWide(int32[24][] memory rows) internal {
        for (uint256 a; a < AGENTS; ++a) {
            uint256 need = lockOf(rows[a], flatTariff());
            if (a == 0) need += reserveOf(_ids(), rows, agentIdAt(0), flatTariff());
            if (need != 0) fund(agentIdAt(a), need);
        }
    }

    function _batch(int32[24][] memory rows, uint256[] memory idx) internal {
        SettleCall memory c = settleCall(EPOCH, _ids(), rows, rows, meterAddresses(), idx);
        settlement.settleAgents(EPOCH, c.batch, c.proof, c.flagBits, flatTariff());
    }

    function test_settleAgents_idsAcrossBitmapWordsAreSettledOnceEach() public {
        int32[24][] memory rows = balancedRows();
        _fundWide(rows);
        vm.prank(oracle);
        ledger.postEpoch{value: MIN_BOND}(
            params(EPOCH, networkId, SettlementMode.Imbalance, bytes32(0), 0), packRows(rows), flatTariff()
        );
        IMeterReadings.SignedReading[] memory rs = new IMeterReadings.SignedReading[](AGENTS);
        for (uint256 a; a < AGENTS; ++a) {
            rs[a] = signedReading(EPOCH, agentIdAt(a), rows[a], meterKeys[a]);
        }
        meters.submitReadings(rs);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        uint256[] memory some = new uint256[](3);
        (some[0], some[1], some[2]) = (0, 2, 4); // ids 0, 256, 65534: words 0, 1, 255
        _batch(rows, some);
        for (uint256 a; a < AGENTS; ++a) {
            assertEq(settlement.isSettled(EPOCH, agentIdAt(a)), a % 2 == 0);
            assertFalse(settlement.isSettled(EPOCH, agentIdAt(a) ^ 1));
        }
        vm.recordLogs();
        _batch(rows, allIndices(AGENTS));
        _batch(rows, allIndices(AGENTS));
        uint256 settledEvents;
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 k; k < logs.length; ++k) {
            if (logs[k].topics[0] == ISettlement.PositionSettled.selector) ++settledEvents;
        }
        assertEq(settledEvents, 2, "only the two left are settled");
        assertEq(settlement.epochBook(EPOCH).settledAgents, AGENTS);
        for (uint256 a; a < AGENTS; ++a) {
            assertTrue(settlement.isSettled(EPOCH, agentIdAt(a)));
            assertEq(locked(agentIdAt(a)), 0);
        }
        assertEq(settlement.epochBook(EPOCH).pot, 0);
    }

    function test_openAccounts_byAStrangerForAnyIdMovesNothing() public {
        uint16[] memory all = new uint16[](3);
        (all[0], all[1], all[2]) = (agentIdAt(1), 60_000, 65_535);
        vm.prank(stranger);
        settlement.openAccounts(all);
        fund(agentIdAt(4), 5);
        ISettlement.Account memory a = settlement.accountOf(agentIdAt(4));
        assertEq(a.available, 5);
        assertTrue(a.opened);
        vm.prank(owners[4]);
        settlement.withdraw(agentIdAt(4), 5, owners[4]);
        assertEq(settlement.accountOf(60_000).available, 0);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClearingLedger} from "../contracts/interfaces/IClearingLedger.sol";
import {IMeterReadings} from "../contracts/interfaces/IMeterReadings.sol";
import {IParticipantRegistry} from "../contracts/interfaces/IParticipantRegistry.sol";
import {ISettlement} from "../contracts/interfaces/ISettlement.sol";
import {ScheduleRows} from "../contracts/libraries/ScheduleRows.sol";
import {SettlementMode, Tariff} from "../contracts/types/Tariff.sol";
import {SettleCall, TradeData} from "./utils/MarketBase.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";
import {MerkleBuilder} from "./utils/MerkleBuilder.sol";

/// @notice Each attack found on the earlier contracts, tried again: every test is named after the
///         attack and shows that it now fails.
contract AttacksTest is MarketFixture {
    using MerkleBuilder for bytes32[];

    uint32 internal constant EPOCH = 11;

    // ---------------------------------------------------------------- 1. a buyer walks away

    function test_attack1a_aBuyerCannotWithdrawEscrowLockedForAnOpenEpoch() public {
        postBalanced(EPOCH, SettlementMode.Imbalance);
        uint256 lock = locked(3);
        assertGt(lock, 0);
        vm.prank(owners[3]);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.InsufficientBalance.selector, 3, 0, lock));
        settlement.withdraw(3, lock, owners[3]);
        // And the seller is paid in full once the day settles.
        submitReadings(EPOCH, balancedRows());
        vm.warp(block.timestamp + READING_WINDOW + 1);
        settleAll(EPOCH, balancedRows(), balancedRows());
        assertEq(available(1), 600 * 24 * uint256(PRICE) / 1000);
    }

    function test_attack1b_aBuyerConsumingBeyondTheToleranceStillPaysAndTheSellerIsPaid() public {
        for (uint256 mode; mode < 2; ++mode) {
            uint32 epochId = EPOCH + uint32(mode);
            int32[24][] memory readings = balancedRows();
            readings[3][0] = -500 - int32(TOLERANCE_WH) - 1; // tolerance + 1 Wh more than scheduled
            uint256 sellerBefore = available(1);
            fund(3, 1000);
            uint256 buyerBefore = available(3);
            runDay(epochId, SettlementMode(mode), readings);
            // The seller who delivered exactly is paid its whole schedule in either mode.
            assertEq(available(1) - sellerBefore, 600 * 24 * uint256(PRICE) / 1000);
            // The buyer paid its whole schedule (its lock), and in imbalance mode the extra Wh too.
            assertEq(locked(3), 0);
            assertEq(buyerBefore - available(3), mode == 0 ? 250 : 0);
        }
    }

    // ---------------------------------------------------------------- 2. unchecked trades

    function test_attack2_aConsumerSellingInTheTradeRootIsDisputableAndPaidNothing() public {
        // The oracle adds a trade in which buyer 3 "sells" 500 Wh for 1,000,000 base units.
        TradeData[] memory trades = balancedTrades();
        trades[1] = TradeData(1, 3, 4, 0, 500, 1_000_000);
        int32[24][] memory rows = balancedRows();
        fundFor(rows, SettlementMode.Imbalance);
        postRows(EPOCH, SettlementMode.Imbalance, rows, trades);
        // Anyone can void it by revealing the trade and the two rows.
        IClearingLedger.RowProof memory seller = rowProof(EPOCH, ids(), rows, 3);
        IClearingLedger.RowProof memory buyer = rowProof(EPOCH, ids(), rows, 4);
        bytes32[] memory proof = tradeTree(EPOCH, trades).proof(1);
        vm.prank(stranger);
        ledger.disputeTrade(EPOCH, leafOf(trades[1]), proof, seller, buyer, flatTariff(), 0);
        assertTrue(ledger.epoch(EPOCH).voided);
    }

    function test_attack2_anUndisputedInflatedTradePaysNothingBeyondTheSchedule() public {
        TradeData[] memory trades = balancedTrades();
        trades[1] = TradeData(1, 3, 4, 0, 500, 1_000_000);
        // Another epoch's escrow sits in the contract too: it must never pay this one.
        postBalanced(EPOCH + 1, SettlementMode.Imbalance);
        uint256 otherPot = settlement.epochBook(EPOCH + 1).pot;
        int32[24][] memory rows = balancedRows();
        fundFor(rows, SettlementMode.Imbalance);
        postRows(EPOCH, SettlementMode.Imbalance, rows, trades);
        submitReadings(EPOCH, rows);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        settleAll(EPOCH, rows, rows);
        // Payments follow the schedule: the consumer receives nothing, total credits are the
        // committed supply value, and the other epoch's pot is untouched.
        assertEq(available(3), 0);
        assertEq(settlement.epochBook(EPOCH).credited, ledger.epoch(EPOCH).supplyValue);
        assertEq(settlement.epochBook(EPOCH + 1).pot, otherPot);
    }

    // ---------------------------------------------------------------- 3. omitted leaves

    function test_attack3_theOracleCannotLeaveAnAgentOutOfTheSchedule() public {
        int32[24][] memory rows = balancedRows();
        fundFor(rows, SettlementMode.Imbalance);
        bytes memory all = packRows(rows);
        bytes memory fourRows = new bytes(4 * 96);
        for (uint256 i; i < fourRows.length; ++i) {
            fourRows[i] = all[i];
        }
        vm.prank(oracle);
        vm.expectRevert(abi.encodeWithSelector(ScheduleRows.RowsLengthMismatch.selector, 4 * 96, AGENTS));
        ledger.postEpoch{value: MIN_BOND}(
            params(EPOCH, networkId, SettlementMode.Imbalance, 0, 0), fourRows, flatTariff()
        );
    }

    function test_attack3_anOverloadIsDisputableFromThePostedCalldataWithoutTheDocument() public {
        int32[24][] memory rows = new int32[24][](AGENTS);
        for (uint256 h; h < 24; ++h) {
            (rows[2][h], rows[3][h]) = (1400, -1400);
        }
        fundFor(rows, SettlementMode.Imbalance);
        vm.recordLogs();
        postRows(EPOCH, SettlementMode.Imbalance, rows, new TradeData[](0));
        // A challenger holding only the posting transaction's calldata (here, what was sent)
        // recomputes the rows and voids the epoch; no document is involved.
        bytes memory posted = packRows(rows);
        vm.prank(stranger);
        ledger.disputeLineOverload(EPOCH, 13, posted, 0);
        assertTrue(ledger.epoch(EPOCH).voided);
        // Every agent of the network was settleable (refunded) with its own row.
        SettleCall memory c = settleCall(EPOCH, ids(), rows, rows, meterAddresses(), allIndices(AGENTS));
        settlement.settleAgents(EPOCH, c.batch, c.proof, c.flagBits, flatTariff());
        assertEq(settlement.epochBook(EPOCH).settledAgents, AGENTS);
    }

    // ---------------------------------------------------------------- 4. id overflow

    function test_attack4_the65536thAgentCannotFreezeSettlement() public {
        jumpAgentIds(uint256(type(uint16).max) - 1);
        vm.startPrank(registrar);
        uint16 last = registry.registerAgent(
            stranger, makeAddr("m1"), networkId, 2, IParticipantRegistry.AgentKind.Buyer, false
        );
        vm.expectRevert(IParticipantRegistry.TooManyAgents.selector);
        registry.registerAgent(
            stranger, makeAddr("m2"), networkId, 2, IParticipantRegistry.AgentKind.Buyer, false
        );
        vm.stopPrank();
        assertEq(last, type(uint16).max - 1);
        assertEq(registry.agentCount(), type(uint16).max);
        // A day with the agent at the last id posts and settles.
        uint16[] memory members = registry.networkAgents(networkId);
        int32[24][] memory rows = new int32[24][](members.length);
        (rows[1][0], rows[5][0]) = (100, -100);
        fund(last, 6000);
        vm.prank(oracle);
        ledger.postEpoch{value: MIN_BOND}(
            params(EPOCH, networkId, SettlementMode.Thesis, 0, 0), packRows(rows), flatTariff()
        );
        vm.warp(block.timestamp + READING_WINDOW + 1);
        SettleCall memory c =
            settleCall(EPOCH, members, rows, rows, new address[](members.length), allIndices(members.length));
        settlement.settleAgents(EPOCH, c.batch, c.proof, c.flagBits, flatTariff());
        assertTrue(settlement.isSettled(EPOCH, last));
    }

    // ---------------------------------------------------------------- 5. id distance

    function test_attack5_settlementGasDoesNotDependOnHowFarApartIdsAre() public {
        uint256 near = _settleGasWithBuyerAt(0);
        uint256 far = _settleGasWithBuyerAt(65_000);
        // The far id touches one more cold bitmap word, nothing proportional to the distance.
        assertLt(far, near + 25_000);
        assertLt(far, 400_000);
    }

    /// @dev A fresh network whose buyer gets id `buyerId` (0: the next id, beside the seller's);
    ///      returns the gas of settling its day.
    function _settleGasWithBuyerAt(uint256 buyerId) internal returns (uint256 gas) {
        vm.startPrank(registrar);
        uint32 net = networks.registerNetwork(3, 1, FLOW_TOLERANCE_WH, triangleLimits(), trianglePtdf());
        uint16 grid = registry.registerAgent(
            stranger,
            makeAddr(string.concat("g", vm.toString(buyerId))),
            net,
            1,
            IParticipantRegistry.AgentKind.Grid,
            false
        );
        uint16 seller = registry.registerAgent(
            stranger,
            makeAddr(string.concat("s", vm.toString(buyerId))),
            net,
            2,
            IParticipantRegistry.AgentKind.Seller,
            false
        );
        vm.stopPrank();
        if (buyerId == 0) buyerId = registry.agentCount();
        else jumpAgentIds(buyerId);
        vm.prank(registrar);
        uint16 buyer = registry.registerAgent(
            stranger,
            makeAddr(string.concat("b", vm.toString(buyerId))),
            net,
            3,
            IParticipantRegistry.AgentKind.Buyer,
            false
        );
        assertEq(buyer, buyerId);
        uint16[] memory members = new uint16[](3);
        (members[0], members[1], members[2]) = (grid, seller, buyer);
        int32[24][] memory rows = new int32[24][](3);
        for (uint256 h; h < 24; ++h) {
            (rows[1][h], rows[2][h]) = (300, -300);
        }
        fund(buyer, lockOf(rows[2], flatTariff()));
        uint32 epochId = uint32(buyerId);
        vm.prank(oracle);
        ledger.postEpoch{value: MIN_BOND}(
            params(epochId, net, SettlementMode.Thesis, 0, 0), packRows(rows), flatTariff()
        );
        vm.warp(block.timestamp + READING_WINDOW + 1);
        SettleCall memory c = settleCall(epochId, members, rows, rows, new address[](3), allIndices(3));
        uint256 before = gasleft();
        settlement.settleAgents(epochId, c.batch, c.proof, c.flagBits, flatTariff());
        gas = before - gasleft();
    }

    // ---------------------------------------------------------------- 6. the oracle's own bond

    function _postOverload() internal returns (bytes memory posted) {
        int32[24][] memory rows = new int32[24][](AGENTS);
        (rows[2][0], rows[3][0]) = (1400, -1400);
        fundFor(rows, SettlementMode.Imbalance);
        postRows(EPOCH, SettlementMode.Imbalance, rows, new TradeData[](0));
        posted = packRows(rows);
    }

    function test_attack6_theOracleDisputingItsOwnEpochRecoversNothing() public {
        bytes memory posted = _postOverload();
        uint256 before = oracle.balance;
        vm.prank(oracle);
        ledger.commitChallenge(keccak256(abi.encode(oracle, EPOCH, bytes32("s"))));
        vm.roll(block.number + 1);
        vm.prank(oracle);
        ledger.disputeLineOverload(EPOCH, 0, posted, bytes32("s"));
        assertEq(oracle.balance, before);
        assertEq(ledger.treasuryOwed(), MIN_BOND);
    }

    function test_attack6_anAccountTheOracleControlsRecoversAtMostTheChallengerShare() public {
        bytes memory posted = _postOverload();
        address sybil = makeAddr("sybil");
        vm.prank(sybil);
        ledger.commitChallenge(keccak256(abi.encode(sybil, EPOCH, bytes32("s"))));
        vm.roll(block.number + 1);
        vm.prank(sybil);
        ledger.disputeLineOverload(EPOCH, 0, posted, bytes32("s"));
        assertEq(sybil.balance, MIN_BOND * CHALLENGER_SHARE_BPS / 10_000);
        assertEq(ledger.treasuryOwed(), MIN_BOND - sybil.balance);
        assertGt(ledger.treasuryOwed(), 0);
    }

    function test_attack6_aFrontRunnerCopyingTheChallengersTransactionEarnsNothing() public {
        bytes memory posted = _postOverload();
        address challenger = makeAddr("challenger");
        address copier = makeAddr("copier");
        vm.prank(challenger);
        ledger.commitChallenge(keccak256(abi.encode(challenger, EPOCH, bytes32("s"))));
        vm.roll(block.number + 1);
        // The copier sends the challenger's reveal first, from its own account.
        vm.prank(copier);
        ledger.disputeLineOverload(EPOCH, 0, posted, bytes32("s"));
        assertEq(copier.balance, 0);
        assertEq(ledger.treasuryOwed(), MIN_BOND);
    }

    // ---------------------------------------------------------------- 7. relayer griefing

    function test_attack7_aCopiedReadingCannotRevertARelayersBatch() public {
        postBalanced(EPOCH, SettlementMode.Imbalance);
        int32[24][] memory rows = balancedRows();
        IMeterReadings.SignedReading[] memory batch = new IMeterReadings.SignedReading[](AGENTS);
        for (uint16 a; a < AGENTS; ++a) {
            batch[a] = signedReading(EPOCH, a, rows[a], meterKeys[a]);
        }
        // A griefer copies one reading out of the pending batch and gets it in first.
        vm.prank(stranger);
        meters.submitReadings(one(batch[2]));
        meters.submitReadings(batch);
        for (uint16 a; a < AGENTS; ++a) {
            assertTrue(meters.hasReadings(EPOCH, a));
        }
    }

    // ---------------------------------------------------------------- 8. stolen meter keys

    function test_attack8_readingsSignedWithAStolenKeyCanBeClearedAndReplaced() public {
        postBalanced(EPOCH, SettlementMode.Imbalance);
        // A thief with seller 1's meter key reports that the seller delivered nothing.
        int32[24] memory forged;
        meters.submitReadings(one(signedReading(EPOCH, 1, forged, meterKeys[1])));
        // The registrar revokes the key and clears the reading within the window; the new key's
        // genuine reading takes its place.
        uint256 newKey = uint256(keccak256("replacement meter"));
        vm.startPrank(registrar);
        registry.rotateMeter(1, vm.addr(newKey));
        meters.clearReadings(EPOCH, 1, vm.addr(meterKeys[1]), forged);
        vm.stopPrank();
        int32[24][] memory rows = balancedRows();
        meters.submitReadings(one(signedReading(EPOCH, 1, rows[1], newKey)));
        for (uint16 a; a < AGENTS; ++a) {
            if (a != 1) meters.submitReadings(one(signedReading(EPOCH, a, rows[a], meterKeys[a])));
        }
        vm.warp(block.timestamp + READING_WINDOW + 1);
        address[] memory keys = meterAddresses();
        keys[1] = vm.addr(newKey);
        SettleCall memory c = settleCall(EPOCH, ids(), rows, rows, keys, allIndices(AGENTS));
        settlement.settleAgents(EPOCH, c.batch, c.proof, c.flagBits, flatTariff());
        assertEq(available(1), 600 * 24 * uint256(PRICE) / 1000);
        assertEq(settlement.epochBook(EPOCH).shortfallCharged, 0);
    }
}

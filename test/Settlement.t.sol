// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Settlement} from "../contracts/Settlement.sol";
import {IClearingLedger} from "../contracts/interfaces/IClearingLedger.sol";
import {IMeterReadings} from "../contracts/interfaces/IMeterReadings.sol";
import {IParticipantRegistry} from "../contracts/interfaces/IParticipantRegistry.sol";
import {ISettlement} from "../contracts/interfaces/ISettlement.sol";
import {ScheduleLeaf} from "../contracts/libraries/Leaves.sol";
import {SettlementToken} from "../contracts/token/SettlementToken.sol";
import {FeeToken} from "./utils/FeeToken.sol";
import {MarketFixture, TradeData} from "./utils/MarketFixture.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

contract SettlementTest is MarketFixture {
    uint32 internal constant EPOCH = 11;

    function settle(uint32 epochId, TradeData[] memory all, uint256[] memory indices) internal {
        (uint256[] memory words, bytes32[] memory proof, uint256[] memory flags) =
            tradeProof(tradeTree(epochId, all), all, indices);
        settlement.settleTrades(epochId, words, proof, flags);
    }

    function totalValue(TradeData[] memory all, uint16 buyer) internal pure returns (uint256 v) {
        for (uint256 i; i < all.length; ++i) {
            if (buyer == type(uint16).max || all[i].buyer == buyer) v += all[i].value;
        }
    }

    // ------------------------------------------------------------------ escrow

    function test_deposit_escrowsAndEmits() public {
        vm.prank(admin);
        token.mint(owners[3], 1000);
        vm.startPrank(owners[3]);
        token.approve(address(settlement), 1000);
        vm.expectEmit(address(settlement));
        emit ISettlement.Deposited(3, owners[3], 1000);
        settlement.deposit(3, 1000);
        vm.stopPrank();
        assertEq(settlement.escrowOf(3), 1000);
        assertEq(token.balanceOf(address(settlement)), 1000);
    }

    function test_deposit_revertsOnZeroOrInactiveAgent() public {
        vm.expectRevert(ISettlement.ZeroAmount.selector);
        settlement.deposit(3, 0);
        vm.prank(registrar);
        registry.setActive(3, false);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.AgentInactive.selector, 3));
        settlement.deposit(3, 1);
        vm.expectRevert(abi.encodeWithSelector(IParticipantRegistry.UnknownAgent.selector, 50));
        settlement.deposit(50, 1);
    }

    function test_deposit_creditsWhatArrivesFromAFeeToken() public {
        FeeToken fee = new FeeToken();
        Settlement s = new Settlement(registry, ledger, meters, IERC20(address(fee)));
        fee.mint(address(this), 10_000);
        fee.approve(address(s), 10_000);
        s.deposit(3, 10_000);
        assertEq(s.escrowOf(3), 9900);
        assertEq(fee.balanceOf(address(s)), 9900);
    }

    function testFuzz_withdrawEscrow_returnsUpToTheBalance(uint256 deposited, uint256 asked) public {
        deposited = bound(deposited, 1, 1e30);
        asked = bound(asked, 1, 2e30);
        fund(3, deposited);
        vm.prank(owners[3]);
        if (asked > deposited) {
            vm.expectRevert(
                abi.encodeWithSelector(ISettlement.InsufficientBalance.selector, 3, deposited, asked)
            );
            settlement.withdrawEscrow(3, asked, owners[3]);
        } else {
            vm.expectEmit(address(settlement));
            emit ISettlement.EscrowWithdrawn(3, owners[3], asked);
            settlement.withdrawEscrow(3, asked, owners[3]);
            assertEq(settlement.escrowOf(3), deposited - asked);
            assertEq(token.balanceOf(owners[3]), asked);
        }
    }

    function test_withdrawEscrow_onlyOwnerAndNonZero() public {
        fund(3, 100);
        vm.expectRevert(abi.encodeWithSelector(IParticipantRegistry.NotAgentOwner.selector, 3, stranger));
        vm.prank(stranger);
        settlement.withdrawEscrow(3, 1, stranger);
        vm.expectRevert(ISettlement.ZeroAmount.selector);
        vm.prank(owners[3]);
        settlement.withdrawEscrow(3, 0, owners[3]);
    }

    // ------------------------------------------------------------------ settlement

    function test_settleTrades_paysEveryVerifiedTradeOfADay() public {
        TradeData[] memory all = readyToSettle(EPOCH);
        fund(3, totalValue(all, 3));
        fund(4, totalValue(all, 4));
        vm.warp(ledger.epoch(EPOCH).challengeEndsAt + READING_WINDOW + 1);

        vm.expectEmit(address(settlement));
        emit ISettlement.BatchSettled(EPOCH, address(this), 96, 0, 0, 0, totalValue(all, type(uint16).max));
        settle(EPOCH, all, allIndices(all.length));

        assertEq(settlement.escrowOf(3), 0);
        assertEq(settlement.escrowOf(4), 0);
        assertEq(settlement.claimableOf(1), 24 * (30_000 + 6000));
        assertEq(settlement.claimableOf(2), 24 * 24_000);
        assertEq(settlement.claimableOf(0), 24 * 6000);
        ISettlement.EpochSettlement memory es = settlement.epochSettlement(EPOCH);
        assertEq(es.settled, 96);
        assertEq(es.rejected, 0);
        assertEq(es.settledEnergyWh, 24 * 1100);
        assertEq(es.settledValue, totalValue(all, type(uint16).max));
        for (uint32 i; i < 96; ++i) {
            assertEq(uint8(settlement.tradeStatus(EPOCH, i)), uint8(ISettlement.TradeStatus.Settled));
        }
    }

    function test_settleTrades_neverSettlesATradeTwice() public {
        TradeData[] memory all = readyToSettle(EPOCH);
        fund(3, 2 * totalValue(all, 3));
        fund(4, 2 * totalValue(all, 4));
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        settle(EPOCH, all, allIndices(all.length));
        uint256 claimable = settlement.claimableOf(1);

        vm.expectEmit(address(settlement));
        emit ISettlement.BatchSettled(EPOCH, address(this), 0, 0, 0, 96, 0);
        settle(EPOCH, all, allIndices(all.length));
        assertEq(settlement.claimableOf(1), claimable);
        assertEq(settlement.escrowOf(3), totalValue(all, 3));
    }

    function test_settleTrades_rejectsTradesWhosePartyFailedItsCheck() public {
        int64[AGENTS][24] memory s = balancedSchedule();
        TradeData[] memory all = balancedTrades();
        postEpoch(EPOCH, s, all);
        // Seller 2 delivers 200 Wh too little at hour 6; buyer 3 draws 80 Wh too much at hour 8;
        // the grid's meter is out (no readings at all).
        IMeterReadings.SignedReading[] memory batch = new IMeterReadings.SignedReading[](4);
        for (uint16 a = 1; a < AGENTS; ++a) {
            int32[24] memory v = exactReadings(s, a);
            if (a == 2) v[6] -= 200;
            if (a == 3) v[8] -= 80;
            batch[a - 1] = signedReading(EPOCH, a, v, meterKeys[a]);
        }
        meters.submitReadings(batch);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        checkAll(EPOCH, s);
        fund(3, totalValue(all, 3));
        fund(4, totalValue(all, 4));

        // Trades: hour h → indices 4h (1→3), 4h+1 (1→4), 4h+2 (2→4), 4h+3 (grid→4).
        vm.expectEmit(address(settlement));
        emit ISettlement.TradeRejected(EPOCH, 3, ISettlement.RejectReason.SellerFailedCheck);
        settle(EPOCH, all, allIndices(all.length));

        assertEq(uint8(settlement.tradeStatus(EPOCH, 26)), uint8(ISettlement.TradeStatus.Rejected)); // 2→4 @6
        ISettlement.TradeStatus[] memory some = settlement.tradeStatuses(EPOCH, 25, 3);
        assertEq(some.length, 3);
        assertEq(uint8(some[0]), uint8(ISettlement.TradeStatus.Settled)); // 1→4 @6
        assertEq(uint8(some[1]), uint8(ISettlement.TradeStatus.Rejected)); // 2→4 @6
        assertEq(uint8(some[2]), uint8(ISettlement.TradeStatus.Rejected)); // grid @6 (no grid readings)
        assertEq(uint8(settlement.tradeStatus(EPOCH, 32)), uint8(ISettlement.TradeStatus.Rejected)); // 1→3 @8
        assertEq(uint8(settlement.tradeStatus(EPOCH, 33)), uint8(ISettlement.TradeStatus.Settled)); // 1→4 @8
        ISettlement.EpochSettlement memory es = settlement.epochSettlement(EPOCH);
        assertEq(es.rejected, 24 + 2); // every grid trade, plus the two above
        assertEq(es.settled, 96 - 26);
        // Rejected trades leave their value in the buyer's escrow.
        assertEq(settlement.escrowOf(3), 30_000);
        assertEq(settlement.escrowOf(4), 24 * 6000 + 24_000);
    }

    function test_settleTrades_reportsBothPartiesFailing() public {
        int64[AGENTS][24] memory s = balancedSchedule();
        TradeData[] memory all = balancedTrades();
        postEpoch(EPOCH, s, all);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        checkAll(EPOCH, s); // no readings at all: everyone fails
        vm.expectEmit(address(settlement));
        emit ISettlement.TradeRejected(EPOCH, 0, ISettlement.RejectReason.BothFailedCheck);
        settle(EPOCH, all, allIndices(1));
    }

    function test_settleTrades_reportsABuyerFailing() public {
        int64[AGENTS][24] memory s = balancedSchedule();
        TradeData[] memory all = balancedTrades();
        postEpoch(EPOCH, s, all);
        IMeterReadings.SignedReading[] memory batch = new IMeterReadings.SignedReading[](1);
        batch[0] = signedReading(EPOCH, 1, exactReadings(s, 1), meterKeys[1]);
        meters.submitReadings(batch);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        checkAll(EPOCH, s);
        vm.expectEmit(address(settlement));
        emit ISettlement.TradeRejected(EPOCH, 0, ISettlement.RejectReason.BuyerFailedCheck);
        settle(EPOCH, all, allIndices(1));
    }

    function test_tradeStatuses_areOpenBeforeSettlement() public {
        readyToSettle(EPOCH);
        ISettlement.TradeStatus[] memory all = settlement.tradeStatuses(EPOCH, 0, 96);
        for (uint256 i; i < 96; ++i) {
            assertEq(uint8(all[i]), uint8(ISettlement.TradeStatus.Open));
        }
    }

    function test_settleTrades_leavesTradesUnpaidWithoutEscrowAndPaysThemLater() public {
        TradeData[] memory all = readyToSettle(EPOCH);
        fund(4, totalValue(all, 4));
        fund(3, 30_000 * 10); // enough for 10 of buyer 3's 24 trades
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);

        vm.expectEmit(address(settlement));
        emit ISettlement.TradeUnpaid(EPOCH, 40, 3, 30_000);
        settle(EPOCH, all, allIndices(all.length));
        assertEq(settlement.epochSettlement(EPOCH).settled, 96 - 14);
        assertEq(uint8(settlement.tradeStatus(EPOCH, 40)), uint8(ISettlement.TradeStatus.Open));
        assertEq(settlement.escrowOf(3), 0);

        fund(3, 30_000 * 14);
        vm.expectEmit(address(settlement));
        emit ISettlement.BatchSettled(EPOCH, address(this), 14, 0, 0, 82, 14 * 30_000);
        settle(EPOCH, all, allIndices(all.length));
        assertEq(settlement.epochSettlement(EPOCH).settled, 96);
    }

    /// 600 trades span three bitmap words; a batch that visits them out of order (two multiproof
    /// batches, the later indices first) must flush and reload each word correctly.
    function test_settleTrades_acrossBitmapWordsInAnyOrder() public {
        TradeData[] memory all = new TradeData[](600);
        for (uint32 i; i < 600; ++i) {
            // Buyers pay sellers; every tenth trade runs the other way (a buyer id below the seller's).
            all[i] = i % 10 == 0
                ? TradeData(i, 4, 1, uint8(i % 24), 1, 10)
                : TradeData(i, 1, 3, uint8(i % 24), 1, 10);
        }
        int64[AGENTS][24] memory s = balancedSchedule();
        postEpoch(EPOCH, s, all);
        submitAllExact(EPOCH, s);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        checkAll(EPOCH, s);
        fund(3, 6000);
        fund(1, 6000);

        uint256[] memory late = new uint256[](350);
        for (uint256 i; i < 350; ++i) {
            late[i] = 250 + i;
        }
        settle(EPOCH, all, late);
        settle(EPOCH, all, allIndices(600));
        assertEq(settlement.epochSettlement(EPOCH).settled, 600);
        for (uint32 i; i < 600; i += 37) {
            assertEq(uint8(settlement.tradeStatus(EPOCH, i)), uint8(ISettlement.TradeStatus.Settled));
        }
        assertEq(settlement.claimableOf(4), 60 * 10);
        assertEq(settlement.claimableOf(1), 540 * 10);
    }

    function test_settleTrades_waitsForTheChallengeWindow() public {
        TradeData[] memory all = balancedTrades();
        postEpoch(EPOCH, balancedSchedule(), all);
        uint64 endsAt = ledger.epoch(EPOCH).challengeEndsAt;
        (uint256[] memory words, bytes32[] memory proof, uint256[] memory flags) =
            tradeProof(tradeTree(EPOCH, all), all, allIndices(2));
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.ChallengeWindowOpen.selector, EPOCH, endsAt));
        settlement.settleTrades(EPOCH, words, proof, flags);
    }

    function test_settleTrades_requiresChecksFirst() public {
        TradeData[] memory all = balancedTrades();
        postEpoch(EPOCH, balancedSchedule(), all);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        (uint256[] memory words, bytes32[] memory proof, uint256[] memory flags) =
            tradeProof(tradeTree(EPOCH, all), all, allIndices(1));
        vm.expectRevert(abi.encodeWithSelector(ISettlement.ScheduleNotChecked.selector, EPOCH, 1, 0));
        settlement.settleTrades(EPOCH, words, proof, flags);
    }

    function test_settleTrades_paysNothingOnAVoidedEpoch() public {
        int64[AGENTS][24] memory s = balancedSchedule();
        s[0][4] = 0;
        TradeData[] memory all = balancedTrades();
        postEpoch(EPOCH, s, all);
        ScheduleLeaf[] memory leaves = scheduleLeaves(s);
        (ScheduleLeaf[] memory hourLeaves, bytes32[] memory proof, uint256[] memory flags) =
            scheduleProof(scheduleTree(EPOCH, leaves), leaves, hourIndices(0));
        vm.prank(stranger);
        ledger.disputeHour(EPOCH, 0, hourLeaves, proof, flags);
        vm.warp(block.timestamp + READING_WINDOW + 1);

        (uint256[] memory words, bytes32[] memory tproof, uint256[] memory tflags) =
            tradeProof(tradeTree(EPOCH, all), all, allIndices(all.length));
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochIsVoided.selector, EPOCH));
        settlement.settleTrades(EPOCH, words, tproof, tflags);
    }

    function test_settleTrades_rejectsForgedTrades() public {
        TradeData[] memory all = readyToSettle(EPOCH);
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        (uint256[] memory words, bytes32[] memory proof, uint256[] memory flags) =
            tradeProof(tradeTree(EPOCH, all), all, allIndices(4));
        words[2] += uint256(1) << 136; // one more token unit of value
        vm.expectRevert(ISettlement.InvalidTradeProof.selector);
        settlement.settleTrades(EPOCH, words, proof, flags);
    }

    function test_settleTrades_revertsOnEmptyBatchOrUnknownEpoch() public {
        vm.expectRevert(ISettlement.EmptyBatch.selector);
        settlement.settleTrades(EPOCH, new uint256[](0), new bytes32[](0), new uint256[](0));
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochNotPosted.selector, EPOCH));
        settlement.settleTrades(EPOCH, new uint256[](1), new bytes32[](0), new uint256[](0));
    }

    /// A malicious trade tree: its leaves carry an index beyond the count, an hour beyond 23 or an
    /// unknown agent. Each is refused even with a valid proof.
    function test_settleTrades_refusesMalformedLeavesOfTheTree() public {
        TradeData[] memory bad = new TradeData[](3);
        bad[0] = TradeData(5, 1, 3, 0, 1, 1); // index 5 >= tradeCount 3
        bad[1] = TradeData(1, 1, 3, 24, 1, 1); // hour 24
        bad[2] = TradeData(2, 1, 9, 0, 1, 1); // buyer 9 unknown
        int64[AGENTS][24] memory s = balancedSchedule();
        postEpoch(EPOCH, s, bad);
        submitAllExact(EPOCH, s);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        checkAll(EPOCH, s);

        uint256[] memory only = new uint256[](1);
        (uint256[] memory words, bytes32[] memory proof, uint256[] memory flags) =
            tradeProof(tradeTree(EPOCH, bad), bad, only);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.TradeIndexOutOfRange.selector, 5, 3));
        settlement.settleTrades(EPOCH, words, proof, flags);

        only[0] = 1;
        (words, proof, flags) = tradeProof(tradeTree(EPOCH, bad), bad, only);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.TradeHourOutOfRange.selector, 1, 24));
        settlement.settleTrades(EPOCH, words, proof, flags);

        only[0] = 2;
        (words, proof, flags) = tradeProof(tradeTree(EPOCH, bad), bad, only);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.TradeAgentUnknown.selector, 2, 9));
        settlement.settleTrades(EPOCH, words, proof, flags);
    }

    function testFuzz_settleTrades_anySubsetSettlesExactlyThatSubset(uint256 mask) public {
        TradeData[] memory all = readyToSettle(EPOCH);
        fund(3, totalValue(all, 3));
        fund(4, totalValue(all, 4));
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);

        // Trade i is in the batch when bit i of the mask is set (96 trades < 256 bits).
        uint256 count;
        for (uint256 i; i < all.length; ++i) {
            if ((mask >> i) & 1 == 1) ++count;
        }
        vm.assume(count > 0);
        uint256[] memory picked = new uint256[](count);
        uint256 k;
        uint256 paid;
        for (uint256 i; i < all.length; ++i) {
            if ((mask >> i) & 1 == 1) {
                picked[k++] = i;
                paid += all[i].value;
            }
        }
        settle(EPOCH, all, picked);
        uint256 claimable;
        for (uint16 a; a < AGENTS; ++a) {
            claimable += settlement.claimableOf(a);
        }
        assertEq(claimable, paid);
        assertEq(settlement.epochSettlement(EPOCH).settled, count);
        assertEq(
            token.balanceOf(address(settlement)), settlement.escrowOf(3) + settlement.escrowOf(4) + claimable
        );
    }

    function testFuzz_settleTrades_valueAndEnergyRoundTripThroughTheWord(
        uint64 energyWh,
        uint120 value,
        uint8 hour
    ) public {
        hour = uint8(bound(hour, 0, 23));
        TradeData[] memory one = new TradeData[](1);
        one[0] = TradeData(0, 1, 3, hour, energyWh, value);
        int64[AGENTS][24] memory s = balancedSchedule();
        postEpoch(EPOCH, s, one);
        submitAllExact(EPOCH, s);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        checkAll(EPOCH, s);
        vm.prank(admin);
        token.mint(owners[3], value);
        vm.startPrank(owners[3]);
        token.approve(address(settlement), value);
        if (value > 0) settlement.deposit(3, value);
        vm.stopPrank();

        settle(EPOCH, one, allIndices(1));
        assertEq(settlement.claimableOf(1), value);
        assertEq(settlement.epochSettlement(EPOCH).settledEnergyWh, energyWh);
    }

    // ------------------------------------------------------------------ withdraw

    function test_withdraw_paysTheSellersProceedsOnce() public {
        TradeData[] memory all = readyToSettle(EPOCH);
        fund(3, totalValue(all, 3));
        fund(4, totalValue(all, 4));
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        settle(EPOCH, all, allIndices(all.length));

        uint256 due = settlement.claimableOf(1);
        vm.expectEmit(address(settlement));
        emit ISettlement.Withdrawn(1, owners[1], due);
        vm.prank(owners[1]);
        assertEq(settlement.withdraw(1, owners[1]), due);
        assertEq(token.balanceOf(owners[1]), due);
        assertEq(settlement.claimableOf(1), 0);

        vm.expectRevert(ISettlement.ZeroAmount.selector);
        vm.prank(owners[1]);
        settlement.withdraw(1, owners[1]);
    }

    function test_withdraw_onlyByTheOwner() public {
        vm.expectRevert(abi.encodeWithSelector(IParticipantRegistry.NotAgentOwner.selector, 1, stranger));
        vm.prank(stranger);
        settlement.withdraw(1, stranger);
    }

    function test_views_exposeWiring() public view {
        assertEq(settlement.token(), address(token));
        assertEq(address(settlement.registry()), address(registry));
        assertEq(address(settlement.ledger()), address(ledger));
        assertEq(address(settlement.meters()), address(meters));
    }

    // ------------------------------------------------------------------ token

    function test_token_mintsOnlyForMinterWithSixDecimals() public {
        assertEq(token.decimals(), 6);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, token.MINTER_ROLE()
            )
        );
        vm.prank(stranger);
        token.mint(stranger, 1);
        SettlementToken t = new SettlementToken(admin);
        vm.prank(admin);
        t.mint(stranger, 5);
        assertEq(t.balanceOf(stranger), 5);
    }
}

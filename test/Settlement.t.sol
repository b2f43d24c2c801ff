// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Settlement} from "../contracts/Settlement.sol";
import {IClearingLedger} from "../contracts/interfaces/IClearingLedger.sol";
import {IParticipantRegistry} from "../contracts/interfaces/IParticipantRegistry.sol";
import {ISettlement} from "../contracts/interfaces/ISettlement.sol";
import {ScheduleRows} from "../contracts/libraries/ScheduleRows.sol";
import {SettlementMode, Tariff} from "../contracts/types/Tariff.sol";
import {FeeToken} from "./utils/FeeToken.sol";
import {SettleCall, TradeData} from "./utils/MarketBase.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";

contract SettlementTest is MarketFixture {
    uint32 internal constant EPOCH = 7;

    /// @dev What each agent of the balanced day is paid (+) or pays (-) at PRICE: 24 hours ×
    ///      Wh × 60,000 / 1000.
    function _dayValue(int256 whPerHour) internal pure returns (int256) {
        return whPerHour * 24 * int256(uint256(PRICE)) / 1000;
    }

    function _conserved() internal view {
        uint256 held;
        for (uint16 a; a < AGENTS; ++a) {
            held += available(a);
        }
        ISettlement.EpochBook memory b = settlement.epochBook(EPOCH);
        assertEq(token.balanceOf(address(settlement)), held + b.pot + b.reserve, "conservation");
    }

    // ---------------------------------------------------------------- escrow

    function test_deposit_creditsAvailableAndEmits() public {
        vm.prank(admin);
        token.mint(owners[3], 500);
        vm.startPrank(owners[3]);
        token.approve(address(settlement), 500);
        vm.expectEmit(address(settlement));
        emit ISettlement.Deposited(3, owners[3], 500);
        settlement.deposit(3, 500);
        vm.stopPrank();
        assertEq(available(3), 500);
        assertEq(locked(3), 0);
    }

    function test_deposit_revertsOnZeroOrInactiveAgent() public {
        vm.expectRevert(ISettlement.ZeroAmount.selector);
        settlement.deposit(3, 0);
        vm.prank(registrar);
        registry.setActive(3, false);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.AgentInactive.selector, 3));
        settlement.deposit(3, 1);
    }

    function test_deposit_creditsWhatArrivesFromAFeeToken() public {
        FeeToken fee = new FeeToken();
        Settlement s = new Settlement(registry, ledger, meters, fee);
        fee.mint(owners[3], 1000);
        vm.startPrank(owners[3]);
        fee.approve(address(s), 1000);
        s.deposit(3, 1000);
        vm.stopPrank();
        assertEq(s.accountOf(3).available, fee.balanceOf(address(s)));
        assertLt(s.accountOf(3).available, 1000);
    }

    function test_withdraw_onlyOwnerAndOnlyAvailable() public {
        fund(3, 1000);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IParticipantRegistry.NotAgentOwner.selector, 3, stranger));
        settlement.withdraw(3, 1, stranger);
        vm.prank(owners[3]);
        vm.expectRevert(ISettlement.ZeroAmount.selector);
        settlement.withdraw(3, 0, owners[3]);
        vm.prank(owners[3]);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.InsufficientBalance.selector, 3, 1000, 1001));
        settlement.withdraw(3, 1001, owners[3]);
        vm.prank(owners[3]);
        vm.expectEmit(address(settlement));
        emit ISettlement.Withdrawn(3, stranger, 400);
        settlement.withdraw(3, 400, stranger);
        assertEq(token.balanceOf(stranger), 400);
        assertEq(available(3), 600);
    }

    function test_openAccounts_anyoneOpensOnceAndNoTokenMoves() public {
        uint16[] memory some = new uint16[](3);
        (some[0], some[1], some[2]) = (1, 2, 1);
        uint256 held = token.balanceOf(address(settlement));
        vm.expectEmit(address(settlement));
        emit ISettlement.AccountOpened(1);
        vm.expectEmit(address(settlement));
        emit ISettlement.AccountOpened(2);
        vm.recordLogs();
        vm.prank(stranger);
        settlement.openAccounts(some);
        assertEq(vm.getRecordedLogs().length, 2, "the repeated id is skipped");
        assertTrue(settlement.accountOf(1).opened);
        assertTrue(settlement.accountOf(2).opened);
        assertFalse(settlement.accountOf(3).opened);
        assertEq(available(1) + locked(1) + available(2) + locked(2), 0);
        assertEq(token.balanceOf(address(settlement)), held);
    }

    function test_openAccounts_aDepositOpensAndNothingClosesIt() public {
        fund(3, 1000);
        assertTrue(settlement.accountOf(3).opened);
        vm.prank(owners[3]);
        settlement.withdraw(3, 1000, owners[3]);
        ISettlement.Account memory a = settlement.accountOf(3);
        assertEq(a.available + a.locked, 0);
        assertTrue(a.opened, "an emptied account keeps its slot");
        // A seller that never deposited, opened ahead, keeps it through settlement and withdrawal.
        uint16[] memory seller = new uint16[](1);
        seller[0] = 1;
        settlement.openAccounts(seller);
        runDay(EPOCH, SettlementMode.Imbalance, balancedRows());
        uint256 earned = available(1);
        assertGt(earned, 0);
        vm.prank(owners[1]);
        settlement.withdraw(1, earned, owners[1]);
        assertTrue(settlement.accountOf(1).opened);
    }

    function test_lockEpoch_onlyTheLedger() public {
        vm.expectRevert(abi.encodeWithSelector(ISettlement.NotLedger.selector, address(this)));
        settlement.lockEpoch(EPOCH, new uint16[](0), new uint256[](0), 0, 0);
    }

    // ---------------------------------------------------------------- posting locks

    function test_postEpoch_locksEachConsumersPurchasesAndTheGridsReserve() public {
        int32[24][] memory rows = postBalanced(EPOCH, SettlementMode.Imbalance);
        Tariff memory t = flatTariff();
        assertEq(locked(3), uint256(-_dayValue(-500)));
        assertEq(locked(4), uint256(-_dayValue(-600)));
        assertEq(available(3), 0);
        assertEq(locked(1), 0);
        assertEq(locked(0), reserveOf(ids(), rows, 0, t));
        ISettlement.EpochBook memory b = settlement.epochBook(EPOCH);
        assertEq(b.pot, locked(3) + locked(4));
        assertEq(b.reserve, locked(0));
        _conserved();
    }

    function test_postEpoch_revertsWhenAConsumerCannotCoverItsPurchases() public {
        int32[24][] memory rows = balancedRows();
        fundFor(rows, SettlementMode.Imbalance);
        vm.prank(owners[4]);
        settlement.withdraw(4, 1, owners[4]);
        uint256 need = lockOf(rows[4], flatTariff());
        vm.expectRevert(abi.encodeWithSelector(ISettlement.InsufficientBalance.selector, 4, need - 1, need));
        postRows(EPOCH, SettlementMode.Imbalance, rows, balancedTrades());
    }

    function test_postEpoch_thesisModeLocksNoReserve() public {
        postBalanced(EPOCH, SettlementMode.Thesis);
        assertEq(locked(0), 0);
        assertEq(settlement.epochBook(EPOCH).reserve, 0);
    }

    // ---------------------------------------------------------------- settlement

    function test_settleAgents_paysEverySchedulePositionAtThePrice() public {
        int32[24][] memory rows = balancedRows();
        uint256 reserve = reserveOf(ids(), rows, 0, flatTariff());
        runDay(EPOCH, SettlementMode.Imbalance, rows);
        assertEq(available(1), uint256(_dayValue(600)));
        assertEq(available(2), uint256(_dayValue(400)));
        assertEq(available(0), uint256(_dayValue(100)) + reserve);
        for (uint16 a; a < AGENTS; ++a) {
            assertEq(locked(a), 0);
        }
        assertEq(available(3), 0);
        ISettlement.EpochBook memory b = settlement.epochBook(EPOCH);
        assertEq(b.settledAgents, AGENTS);
        assertEq(b.pot, 0);
        assertEq(b.reserve, 0);
        assertEq(b.credited, uint256(_dayValue(1100)));
        IClearingLedger.Epoch memory e = ledger.epoch(EPOCH);
        assertEq(b.credited, e.supplyValue);
        assertEq(e.supplyWh, 1100 * 24);
        _conserved();
    }

    function test_settleAgents_emitsEachPositionWithItsPassedHours() public {
        int32[24][] memory rows = postBalanced(EPOCH, SettlementMode.Imbalance);
        int32[24][] memory readings = balancedRows();
        readings[1][5] = 600 + int32(TOLERANCE_WH) + 1;
        submitReadings(EPOCH, readings);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        SettleCall memory c = settleCall(EPOCH, ids(), rows, readings, meterAddresses(), allIndices(AGENTS));
        vm.expectEmit(address(settlement));
        emit ISettlement.PositionSettled(EPOCH, 0, 0xffffff, 0, uint256(_dayValue(100)), 0, 0, 0, 0);
        vm.expectEmit(address(settlement));
        // One Wh beyond the tolerance is credited at the surplus price, rounded down: 30 µ$.
        emit ISettlement.PositionSettled(
            EPOCH, 1, 0xffffff & ~uint24(1 << 5), 0, uint256(_dayValue(600)), 0, 30, 0, 0
        );
        settlement.settleAgents(EPOCH, c.batch, c.proof, c.flagBits, flatTariff());
    }

    function test_settleAgents_chargesShortfallBeyondTheToleranceToTheGrid() public {
        int32[24][] memory readings = balancedRows();
        readings[1][0] = 500; // 100 Wh short: 50 beyond the tolerance
        uint256 gridBefore = reserveOf(ids(), balancedRows(), 0, flatTariff());
        runDay(EPOCH, SettlementMode.Imbalance, readings);
        uint256 charge = 50 * uint256(SHORTFALL_PRICE) / 1000;
        assertEq(available(1), uint256(_dayValue(600)) - charge);
        assertEq(available(0), uint256(_dayValue(100)) + gridBefore + charge);
        assertEq(settlement.epochBook(EPOCH).shortfallCharged, charge);
        _conserved();
    }

    function test_settleAgents_aConsumerTakingMoreIsChargedAndCannotEscape() public {
        int32[24][] memory readings = balancedRows();
        readings[3][2] = -500 - int32(TOLERANCE_WH) - 1; // one Wh beyond the tolerance
        fund(3, 1000); // spare balance the charge is taken from
        runDay(EPOCH, SettlementMode.Imbalance, readings);
        // It paid its whole schedule (the lock) and 1 Wh at the shortfall price, rounded up.
        assertEq(available(3), 1000 - 250);
        assertEq(settlement.epochBook(EPOCH).shortfallCharged, 250);
        _conserved();
    }

    function test_settleAgents_reportsWhatAnEmptyAccountCouldNotPay() public {
        int32[24][] memory readings = balancedRows();
        readings[3][2] = -700; // 150 Wh beyond the tolerance, and no balance beyond the lock
        runDay(EPOCH, SettlementMode.Imbalance, readings);
        ISettlement.EpochBook memory b = settlement.epochBook(EPOCH);
        assertEq(b.shortfallUncollected, 150 * uint256(SHORTFALL_PRICE) / 1000);
        assertEq(b.shortfallCharged, 0);
        // The sellers who kept to the schedule are paid in full all the same.
        assertEq(available(1), uint256(_dayValue(600)));
        _conserved();
    }

    function test_settleAgents_creditsSurplusFromTheReserveCappedAtTheSchedule() public {
        int32[24][] memory readings = balancedRows();
        readings[4][0] = 0; // took nothing of its 600: 550 beyond the tolerance
        readings[2][1] = 5000; // 4,600 beyond: capped at its scheduled 400
        uint256 reserve = reserveOf(ids(), balancedRows(), 0, flatTariff());
        runDay(EPOCH, SettlementMode.Imbalance, readings);
        uint256 credit4 = 550 * uint256(SURPLUS_PRICE) / 1000;
        uint256 credit2 = 400 * uint256(SURPLUS_PRICE) / 1000;
        assertEq(available(4), credit4);
        assertEq(available(2), uint256(_dayValue(400)) + credit2);
        assertEq(available(0), uint256(_dayValue(100)) + reserve - credit4 - credit2);
        _conserved();
    }

    function test_settleAgents_aMissingReadingIsChargedAsTheWholeSchedule() public {
        int32[24][] memory rows = postBalanced(EPOCH, SettlementMode.Imbalance);
        int32[24][] memory readings = balancedRows();
        _submitAllBut(EPOCH, readings, 1); // agent 1's meter never reports
        vm.warp(block.timestamp + READING_WINDOW + 1);
        address[] memory keys = meterAddresses();
        keys[1] = address(0);
        SettleCall memory c = settleCall(EPOCH, ids(), rows, readings, keys, allIndices(AGENTS));
        settlement.settleAgents(EPOCH, c.batch, c.proof, c.flagBits, flatTariff());
        uint256 charge = 600 * 24 * uint256(SHORTFALL_PRICE) / 1000;
        uint256 credit = uint256(_dayValue(600));
        // The charge exceeds its credit: it keeps nothing and the rest is uncollected.
        assertEq(available(1), 0);
        assertEq(settlement.epochBook(EPOCH).shortfallUncollected, charge - credit);
        _conserved();
    }

    function _submitAllBut(uint32 epochId, int32[24][] memory readings, uint16 skip) internal {
        for (uint16 a; a < AGENTS; ++a) {
            if (a == skip) continue;
            meters.submitReadings(one(signedReading(epochId, a, readings[a], meterKeys[a])));
        }
    }

    function test_settleAgents_thesisSellerOutsideToleranceIsNotPaidForThatHour() public {
        int32[24][] memory readings = balancedRows();
        readings[1][3] = 600 - int32(TOLERANCE_WH) - 1;
        runDay(EPOCH, SettlementMode.Thesis, readings);
        uint256 hourValue = 600 * uint256(PRICE) / 1000;
        assertEq(available(1), uint256(_dayValue(600)) - hourValue);
        // The grid covered the shortfall and is paid for it instead.
        assertEq(available(0), uint256(_dayValue(100)) + hourValue);
        assertEq(settlement.epochBook(EPOCH).forfeited, hourValue);
        _conserved();
    }

    function test_settleAgents_thesisBuyerOutsideTolerancePaysForWhatWasDelivered() public {
        int32[24][] memory readings = balancedRows();
        readings[3][3] = -900;
        runDay(EPOCH, SettlementMode.Thesis, readings);
        assertEq(available(3), 0);
        assertEq(locked(3), 0);
        assertEq(available(1), uint256(_dayValue(600)));
        _conserved();
    }

    function test_settleAgents_closesWithRoundingDustToTheGrid() public {
        // One Wh at 60,001 per kWh: the seller is credited 60 (rounded down), the buyer locked 61.
        int32[24][] memory rows = new int32[24][](AGENTS);
        rows[1][0] = 1;
        rows[3][0] = -1;
        Tariff memory t = flatTariff();
        t.price[0] = 60_001;
        fund(3, 61);
        fund(0, reserveOf(ids(), rows, 0, t));
        vm.prank(oracle);
        ledger.postEpoch{value: MIN_BOND}(
            params(EPOCH, networkId, SettlementMode.Imbalance, 0, 0), packRows(rows), t
        );
        submitReadings(EPOCH, rows);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        SettleCall memory c = settleCall(EPOCH, ids(), rows, rows, meterAddresses(), allIndices(AGENTS));
        vm.expectEmit(address(settlement));
        emit ISettlement.EpochClosed(EPOCH, 1, reserveOf(ids(), rows, 0, t));
        settlement.settleAgents(EPOCH, c.batch, c.proof, c.flagBits, t);
        assertEq(available(1), 60);
        assertEq(available(0), 1 + reserveOf(ids(), rows, 0, t));
        _conserved();
    }

    function test_settleAgents_inBatchesSkipsAgentsAlreadySettled() public {
        int32[24][] memory rows = postBalanced(EPOCH, SettlementMode.Imbalance);
        submitReadings(EPOCH, rows);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        uint256[] memory first = new uint256[](2);
        (first[0], first[1]) = (1, 3);
        SettleCall memory c = settleCall(EPOCH, ids(), rows, rows, meterAddresses(), first);
        settlement.settleAgents(EPOCH, c.batch, c.proof, c.flagBits, flatTariff());
        assertTrue(settlement.isSettled(EPOCH, 1));
        assertFalse(settlement.isSettled(EPOCH, 2));
        assertEq(settlement.epochBook(EPOCH).settledAgents, 2);
        uint256 paid = available(1);

        c = settleCall(EPOCH, ids(), rows, rows, meterAddresses(), allIndices(AGENTS));
        vm.expectEmit(address(settlement));
        emit ISettlement.BatchSettled(EPOCH, address(this), 3, 2);
        settlement.settleAgents(EPOCH, c.batch, c.proof, c.flagBits, flatTariff());
        assertEq(available(1), paid);
        assertEq(settlement.epochBook(EPOCH).settledAgents, AGENTS);
        _conserved();
    }

    function test_settleAgents_opensOnlyAfterBothWindows() public {
        int32[24][] memory rows = postBalanced(EPOCH, SettlementMode.Imbalance);
        submitReadings(EPOCH, rows);
        SettleCall memory c = settleCall(EPOCH, ids(), rows, rows, meterAddresses(), allIndices(AGENTS));
        uint64 opens = ledger.epoch(EPOCH).readingsCloseAt;
        // The challenge window (1 h) ends before the reading window (2 h): still closed.
        vm.warp(ledger.epoch(EPOCH).challengeEndsAt + 1);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.SettlementNotOpen.selector, EPOCH, opens));
        settlement.settleAgents(EPOCH, c.batch, c.proof, c.flagBits, flatTariff());
        vm.warp(opens + 1);
        settlement.settleAgents(EPOCH, c.batch, c.proof, c.flagBits, flatTariff());
    }

    function test_settleAgents_revertsOnMalformedBatches() public {
        int32[24][] memory rows = postBalanced(EPOCH, SettlementMode.Imbalance);
        submitReadings(EPOCH, rows);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        SettleCall memory c = settleCall(EPOCH, ids(), rows, rows, meterAddresses(), allIndices(AGENTS));
        Tariff memory t = flatTariff();

        ISettlement.AgentDays memory empty;
        vm.expectRevert(ISettlement.EmptyBatch.selector);
        settlement.settleAgents(EPOCH, empty, c.proof, c.flagBits, t);

        ISettlement.AgentDays memory bad = _copy(c.batch);
        bad.meters = new address[](1);
        vm.expectRevert(ISettlement.BatchShapeMismatch.selector);
        settlement.settleAgents(EPOCH, bad, c.proof, c.flagBits, t);

        bad = _copy(c.batch);
        bad.scheduleWh = bytes.concat(c.batch.scheduleWh, hex"00");
        vm.expectRevert(abi.encodeWithSelector(ScheduleRows.RowsLengthMismatch.selector, 481, AGENTS));
        settlement.settleAgents(EPOCH, bad, c.proof, c.flagBits, t);

        t.price[0] += 1;
        vm.expectRevert(IClearingLedger.TariffMismatch.selector);
        settlement.settleAgents(EPOCH, c.batch, c.proof, c.flagBits, t);
    }

    function test_settleAgents_refusesARowThatIsNotTheCommittedOne() public {
        int32[24][] memory rows = postBalanced(EPOCH, SettlementMode.Imbalance);
        submitReadings(EPOCH, rows);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        int32[24][] memory forged = balancedRows();
        forged[1][0] = 700; // seller 1 claims it was scheduled to supply more
        SettleCall memory c = settleCall(EPOCH, ids(), rows, rows, meterAddresses(), allIndices(AGENTS));
        c.batch.scheduleWh = packRows(forged);
        vm.expectRevert(ISettlement.InvalidScheduleProof.selector);
        settlement.settleAgents(EPOCH, c.batch, c.proof, c.flagBits, flatTariff());
    }

    function test_settleAgents_refusesAReadingOtherThanTheStoredOne() public {
        int32[24][] memory rows = postBalanced(EPOCH, SettlementMode.Imbalance);
        int32[24][] memory readings = balancedRows();
        readings[1][0] = 300; // the meter says seller 1 delivered half
        submitReadings(EPOCH, readings);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        SettleCall memory c = settleCall(EPOCH, ids(), rows, rows, meterAddresses(), allIndices(AGENTS));
        vm.expectRevert(abi.encodeWithSelector(ISettlement.ReadingMismatch.selector, 1));
        settlement.settleAgents(EPOCH, c.batch, c.proof, c.flagBits, flatTariff());
    }

    function test_settleAgents_refundsEveryLockOfAVoidedEpoch() public {
        // 1,400 Wh from bus 3 to bus 2 every hour: line 2-3 carries 933 Wh, its limit is 500.
        int32[24][] memory rows = new int32[24][](AGENTS);
        for (uint256 h; h < 24; ++h) {
            (rows[2][h], rows[3][h]) = (1400, -1400);
        }
        fundFor(rows, SettlementMode.Imbalance);
        uint256[AGENTS] memory before;
        for (uint16 a; a < AGENTS; ++a) {
            before[a] = available(a) + locked(a);
        }
        postRows(EPOCH, SettlementMode.Imbalance, rows, new TradeData[](0));
        vm.prank(stranger);
        ledger.disputeLineOverload(EPOCH, 0, packRows(rows), bytes32(0));
        SettleCall memory c = settleCall(EPOCH, ids(), rows, rows, meterAddresses(), allIndices(AGENTS));
        settlement.settleAgents(EPOCH, c.batch, c.proof, c.flagBits, flatTariff());
        for (uint16 a; a < AGENTS; ++a) {
            assertEq(available(a), before[a]);
            assertEq(locked(a), 0);
        }
        _conserved();
    }

    function _copy(ISettlement.AgentDays memory b) internal pure returns (ISettlement.AgentDays memory c) {
        c.agentIds = b.agentIds;
        c.scheduleWh = b.scheduleWh;
        c.meters = b.meters;
        c.measuredWh = b.measuredWh;
    }
}

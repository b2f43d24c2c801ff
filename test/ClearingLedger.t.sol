// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ClearingLedger} from "../contracts/ClearingLedger.sol";
import {IClearingLedger} from "../contracts/interfaces/IClearingLedger.sol";
import {INetworkRegistry} from "../contracts/interfaces/INetworkRegistry.sol";
import {IParticipantRegistry} from "../contracts/interfaces/IParticipantRegistry.sol";
import {ISettlement} from "../contracts/interfaces/ISettlement.sol";
import {ScheduleRows} from "../contracts/libraries/ScheduleRows.sol";
import {SettlementMode, Tariff} from "../contracts/types/Tariff.sol";
import {TradeData} from "./utils/MarketBase.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";
import {MerkleBuilder} from "./utils/MerkleBuilder.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

contract ClearingLedgerTest is MarketFixture {
    using MerkleBuilder for bytes32[];

    uint32 internal constant EPOCH = 3;
    uint256 internal constant ORACLE_KEY = 0x0a11ce;
    address internal signingOracle = vm.addr(ORACLE_KEY);

    function setUp() public override {
        super.setUp();
        bytes32 role = ledger.ORACLE_ROLE();
        vm.prank(admin);
        ledger.grantRole(role, signingOracle);
        vm.deal(signingOracle, 10 ether);
    }

    /// @notice Rows that overload line 2-3 in every hour: 1,400 Wh from bus 3 to bus 2 makes it
    ///         carry -933 Wh (limit 500).
    function overloadRows() internal pure returns (int32[24][] memory rows) {
        rows = new int32[24][](AGENTS);
        for (uint256 h; h < 24; ++h) {
            (rows[2][h], rows[3][h]) = (1400, -1400);
        }
    }

    function _post(int32[24][] memory rows, TradeData[] memory trades) internal {
        fundFor(rows, SettlementMode.Imbalance);
        postRows(EPOCH, SettlementMode.Imbalance, rows, trades);
    }

    // ---------------------------------------------------------------- posting

    function test_postEpoch_computesTheScheduleRootOfTheRows() public {
        int32[24][] memory rows = postBalanced(EPOCH, SettlementMode.Imbalance);
        IClearingLedger.Epoch memory e = ledger.epoch(EPOCH);
        assertEq(e.scheduleRoot, scheduleTree(EPOCH, ids(), rows)[0]);
        assertEq(e.tradeRoot, tradeTree(EPOCH, balancedTrades())[0]);
        assertEq(e.tariffHash, keccak256(abi.encode(flatTariff())));
        assertEq(e.oracle, oracle);
        assertEq(e.agentCount, AGENTS);
        assertEq(e.gridAgent, 0);
        assertEq(e.tradeCount, 96);
        assertEq(e.readingsCloseAt, block.timestamp + READING_WINDOW);
        assertEq(e.challengeEndsAt, block.timestamp + CHALLENGE_WINDOW);
        assertEq(e.bond, MIN_BOND);
        assertEq(e.supplyWh, 1100 * 24);
        assertEq(e.lockedValue, (500 + 600) * 24 * uint256(PRICE) / 1000);
        assertEq(e.reserve, reserveOf(ids(), rows, 0, flatTariff()));
        assertEq(uint8(e.mode), uint8(SettlementMode.Imbalance));
        assertEq(ledger.documentURI(EPOCH), string.concat("http://127.0.0.1/documents/", vm.toString(EPOCH)));
        assertEq(ledger.epochIds().length, 1);
    }

    function testFuzz_postEpoch_rootMatchesAnIndependentTree(int32[24] memory a, int32[24] memory b) public {
        // Two agents against the grid: the grid takes the opposite of their sum every hour.
        int32[24][] memory rows = new int32[24][](AGENTS);
        for (uint256 h; h < 24; ++h) {
            a[h] = int32(bound(a[h], -1e6, 1e6));
            b[h] = int32(bound(b[h], -1e6, 1e6));
            (rows[1][h], rows[3][h], rows[0][h]) = (a[h], b[h], -(a[h] + b[h]));
        }
        fundFor(rows, SettlementMode.Thesis);
        postRows(EPOCH, SettlementMode.Thesis, rows, new TradeData[](0));
        assertEq(ledger.epoch(EPOCH).scheduleRoot, scheduleTree(EPOCH, ids(), rows)[0]);
    }

    function test_postEpoch_emitsTheTariff() public {
        int32[24][] memory rows = balancedRows();
        fundFor(rows, SettlementMode.Imbalance);
        vm.expectEmit(true, true, true, false, address(ledger));
        emit IClearingLedger.EpochPosted(
            EPOCH, networkId, oracle, 0, 0, 0, "", SettlementMode.Imbalance, 0, 0, 0, flatTariff()
        );
        postRows(EPOCH, SettlementMode.Imbalance, rows, balancedTrades());
    }

    function test_postEpoch_refusesAnUnbalancedHour() public {
        int32[24][] memory rows = balancedRows();
        rows[1][17] += 1;
        fundFor(rows, SettlementMode.Imbalance);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.UnbalancedHour.selector, 17, 1));
        postRows(EPOCH, SettlementMode.Imbalance, rows, balancedTrades());
    }

    function testFuzz_postEpoch_refusesAnyImbalance(uint8 hour, uint8 agent, int32 delta) public {
        hour = uint8(bound(hour, 0, 23));
        agent = uint8(bound(agent, 0, AGENTS - 1));
        delta = int32(bound(delta, -1e6, 1e6));
        vm.assume(delta != 0);
        int32[24][] memory rows = balancedRows();
        rows[agent][hour] += delta;
        fundFor(rows, SettlementMode.Imbalance);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.UnbalancedHour.selector, hour, delta));
        postRows(EPOCH, SettlementMode.Imbalance, rows, new TradeData[](0));
    }

    function test_postEpoch_refusesRowsOfTheWrongLength() public {
        bytes memory rows = packRows(balancedRows());
        vm.prank(oracle);
        vm.expectRevert(
            abi.encodeWithSelector(ScheduleRows.RowsLengthMismatch.selector, rows.length - 96, AGENTS)
        );
        ledger.postEpoch{value: MIN_BOND}(
            params(EPOCH, networkId, SettlementMode.Imbalance, 0, 0),
            _slice(rows, rows.length - 96),
            flatTariff()
        );
    }

    function test_postEpoch_refusesATariffOutOfOrder() public {
        Tariff memory t = flatTariff();
        t.surplus[4] = PRICE + 1;
        vm.prank(oracle);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.TariffOutOfOrder.selector, 4));
        ledger.postEpoch{value: MIN_BOND}(
            params(EPOCH, networkId, SettlementMode.Imbalance, 0, 0), packRows(balancedRows()), t
        );
        t = flatTariff();
        t.shortfall[9] = PRICE - 1;
        vm.prank(oracle);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.TariffOutOfOrder.selector, 9));
        ledger.postEpoch{value: MIN_BOND}(
            params(EPOCH, networkId, SettlementMode.Imbalance, 0, 0), packRows(balancedRows()), t
        );
    }

    function test_postEpoch_validatesItsParameters() public {
        bytes memory rows = packRows(new int32[24][](AGENTS));
        Tariff memory t = flatTariff();
        IClearingLedger.EpochParams memory p = params(0, networkId, SettlementMode.Imbalance, 0, 0);

        bytes32 role = ledger.ORACLE_ROLE();
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        ledger.postEpoch(p, rows, t);

        vm.startPrank(oracle);
        vm.expectRevert(IClearingLedger.ZeroEpochId.selector);
        ledger.postEpoch{value: MIN_BOND}(p, rows, t);

        p.epochId = EPOCH;
        p.documentHash = 0;
        vm.expectRevert(IClearingLedger.EmptyCommitment.selector);
        ledger.postEpoch{value: MIN_BOND}(p, rows, t);

        p = params(EPOCH, networkId, SettlementMode.Imbalance, bytes32(uint256(1)), 0);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.TradeRootMismatch.selector, 0));
        ledger.postEpoch{value: MIN_BOND}(p, rows, t);

        p = params(EPOCH, networkId, SettlementMode.Imbalance, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.BondTooSmall.selector, MIN_BOND - 1, MIN_BOND));
        ledger.postEpoch{value: MIN_BOND - 1}(p, rows, t);

        p.networkId = 99;
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.UnknownNetwork.selector, 99));
        ledger.postEpoch{value: MIN_BOND}(p, rows, t);

        p.networkId = networkId;
        ledger.postEpoch{value: MIN_BOND}(p, rows, t);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochAlreadyPosted.selector, EPOCH));
        ledger.postEpoch{value: MIN_BOND}(p, rows, t);
        vm.stopPrank();
    }

    function test_postEpoch_refusesANetworkWithoutAgentsOrGrid() public {
        vm.prank(registrar);
        uint32 empty = networks.registerNetwork(3, 1, 3, triangleLimits(), trianglePtdf());
        vm.prank(oracle);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.NetworkNotPostable.selector, empty));
        ledger.postEpoch{value: MIN_BOND}(
            params(EPOCH, empty, SettlementMode.Imbalance, 0, 0), "", flatTariff()
        );
        vm.prank(registrar);
        registry.registerAgent(stranger, makeAddr("m"), empty, 2, IParticipantRegistry.AgentKind.Buyer, false);
        vm.prank(oracle);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.NetworkNotPostable.selector, empty));
        ledger.postEpoch{value: MIN_BOND}(
            params(EPOCH, empty, SettlementMode.Imbalance, 0, 0), new bytes(96), flatTariff()
        );
    }

    function test_postEpoch_refusesBeforeSettlementIsBound() public {
        ClearingLedger unbound = new ClearingLedger(admin, registry, 1, 1, 0, 5000, treasury);
        bytes32 role = unbound.ORACLE_ROLE();
        vm.prank(admin);
        unbound.grantRole(role, oracle);
        vm.prank(oracle);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.SettlementBinding.selector, address(0)));
        unbound.postEpoch(params(EPOCH, networkId, SettlementMode.Imbalance, 0, 0), "", flatTariff());
    }

    function test_bindSettlement_onceAndOnlyByTheAdmin() public {
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(IClearingLedger.SettlementBinding.selector, address(settlement))
        );
        ledger.bindSettlement(ISettlement(stranger));
        ClearingLedger fresh = new ClearingLedger(admin, registry, 1, 1, 0, 5000, treasury);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, bytes32(0)
            )
        );
        fresh.bindSettlement(settlement);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.SettlementBinding.selector, address(0)));
        fresh.bindSettlement(ISettlement(address(0)));
    }

    function test_constructor_refusesAShareAbove100PercentOrNoTreasury() public {
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.ShareTooLarge.selector, 10_001));
        new ClearingLedger(admin, registry, 1, 1, 0, 10_001, treasury);
        vm.expectRevert(IParticipantRegistry.ZeroAddress.selector);
        new ClearingLedger(admin, registry, 1, 1, 0, 5000, address(0));
    }

    function test_views_revertForAnUnpostedEpoch() public {
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochNotPosted.selector, 42));
        ledger.epoch(42);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochNotPosted.selector, 42));
        ledger.documentURI(42);
    }

    // ---------------------------------------------------------------- line disputes

    function test_disputeLineOverload_voidsAndNamesTheLineAndFlow() public {
        int32[24][] memory rows = overloadRows();
        _post(rows, new TradeData[](0));
        vm.expectEmit(address(ledger));
        emit IClearingLedger.EpochVoided(
            EPOCH, stranger, IClearingLedger.Violation.LineOverload, (uint256(6) << 16) | 2, -933, 0, MIN_BOND
        );
        vm.prank(stranger);
        ledger.disputeLineOverload(EPOCH, 6, packRows(rows), bytes32(0));
        assertTrue(ledger.epoch(EPOCH).voided);
    }

    function testFuzz_disputeLineOverload_exactlyAtTheLimitPlusToleranceIsFeasible(int32 extra) public {
        // Seller 2 (bus 3) to buyer 3 (bus 2): line 2-3 carries 2/3 of the transfer. The limit is
        // 500 Wh plus 3 Wh of tolerance; 754 Wh gives 502.67, 756 gives 504.
        extra = int32(bound(extra, 0, 3000));
        int32[24][] memory rows = new int32[24][](AGENTS);
        (rows[2][0], rows[3][0]) = (extra, -extra);
        _post(rows, new TradeData[](0));
        // Exact integer flow, as the contract computes it.
        int256 flow = int256(333_333_333) * (-int256(extra)) - int256(333_333_333) * int256(extra);
        bool overloaded = flow < -int256(503) * 1e9;
        vm.prank(stranger);
        if (!overloaded) {
            vm.expectRevert(abi.encodeWithSelector(IClearingLedger.NoViolation.selector, EPOCH));
        }
        ledger.disputeLineOverload(EPOCH, 0, packRows(rows), bytes32(0));
        assertEq(ledger.epoch(EPOCH).voided, overloaded);
    }

    function test_disputeLineOverload_refusesAnHonestEpochOrAnotherSchedule() public {
        int32[24][] memory rows = postBalanced(EPOCH, SettlementMode.Imbalance);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.NoViolation.selector, EPOCH));
        ledger.disputeLineOverload(EPOCH, 0, packRows(rows), bytes32(0));
        vm.expectRevert(IClearingLedger.InvalidScheduleProof.selector);
        ledger.disputeLineOverload(EPOCH, 0, packRows(overloadRows()), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.HourOutOfRange.selector, 24));
        ledger.disputeLineOverload(EPOCH, 24, packRows(rows), bytes32(0));
    }

    function test_disputes_onlyWithinTheChallengeWindowOfALiveEpoch() public {
        int32[24][] memory rows = overloadRows();
        _post(rows, new TradeData[](0));
        uint64 ends = ledger.epoch(EPOCH).challengeEndsAt;
        vm.warp(ends + 1);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.ChallengeWindowClosed.selector, EPOCH, ends));
        ledger.disputeLineOverload(EPOCH, 0, packRows(rows), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochNotPosted.selector, EPOCH + 1));
        ledger.disputeLineOverload(EPOCH + 1, 0, packRows(rows), bytes32(0));
    }

    function test_disputes_aVoidedEpochCannotBeDisputedAgain() public {
        int32[24][] memory rows = overloadRows();
        _post(rows, new TradeData[](0));
        ledger.disputeLineOverload(EPOCH, 0, packRows(rows), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochIsVoided.selector, EPOCH));
        ledger.disputeLineOverload(EPOCH, 1, packRows(rows), bytes32(0));
    }

    function test_disputeLineOverload_anAgentRegisteredAfterPostingChangesNothing() public {
        int32[24][] memory rows = overloadRows();
        _post(rows, new TradeData[](0));
        vm.prank(registrar);
        registry.registerAgent(
            stranger, makeAddr("late meter"), networkId, 2, IParticipantRegistry.AgentKind.Buyer, false
        );
        // The epoch's rows are still the posted AGENTS rows: one more row is refused, the posted
        // rows still prove the overload.
        bytes memory longer = bytes.concat(packRows(rows), new bytes(96));
        vm.expectRevert(
            abi.encodeWithSelector(ScheduleRows.RowsLengthMismatch.selector, longer.length, AGENTS)
        );
        ledger.disputeLineOverload(EPOCH, 0, longer, bytes32(0));
        ledger.disputeLineOverload(EPOCH, 0, packRows(rows), bytes32(0));
        assertTrue(ledger.epoch(EPOCH).voided);
    }

    // ---------------------------------------------------------------- bond and reward

    function test_dispute_paysTheCommittedChallengerItsShareAndTheTreasuryTheRest() public {
        int32[24][] memory rows = overloadRows();
        _post(rows, new TradeData[](0));
        bytes32 salt = keccak256("salt");
        vm.prank(stranger);
        ledger.commitChallenge(keccak256(abi.encode(stranger, EPOCH, salt)));
        vm.roll(block.number + 1);
        vm.prank(stranger);
        ledger.disputeLineOverload(EPOCH, 0, packRows(rows), salt);
        assertEq(stranger.balance, MIN_BOND / 2);
        assertEq(ledger.treasuryOwed(), MIN_BOND / 2);
        ledger.payTreasury();
        assertEq(treasury.balance, MIN_BOND / 2);
        assertEq(ledger.treasuryOwed(), 0);
    }

    function test_dispute_aCommitmentInTheSameBlockEarnsNothing() public {
        int32[24][] memory rows = overloadRows();
        _post(rows, new TradeData[](0));
        vm.startPrank(stranger);
        ledger.commitChallenge(keccak256(abi.encode(stranger, EPOCH, bytes32(0))));
        ledger.disputeLineOverload(EPOCH, 0, packRows(rows), bytes32(0));
        vm.stopPrank();
        assertEq(stranger.balance, 0);
        assertEq(ledger.treasuryOwed(), MIN_BOND);
    }

    function test_releaseBond_returnsAnUndisputedBondOnceAfterTheWindow() public {
        postBalanced(EPOCH, SettlementMode.Imbalance);
        uint256 before = oracle.balance;
        vm.expectRevert(
            abi.encodeWithSelector(
                IClearingLedger.ChallengeWindowOpen.selector, EPOCH, ledger.epoch(EPOCH).challengeEndsAt
            )
        );
        ledger.releaseBond(EPOCH);
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        ledger.releaseBond(EPOCH);
        assertEq(oracle.balance, before + MIN_BOND);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.BondAlreadySettled.selector, EPOCH));
        ledger.releaseBond(EPOCH);
    }

    function test_releaseBond_neverForAVoidedEpoch() public {
        int32[24][] memory rows = overloadRows();
        _post(rows, new TradeData[](0));
        ledger.disputeLineOverload(EPOCH, 0, packRows(rows), bytes32(0));
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochIsVoided.selector, EPOCH));
        ledger.releaseBond(EPOCH);
    }

    // ---------------------------------------------------------------- trade disputes

    function _disputeTrade(TradeData[] memory trades, uint256 index, Tariff memory t) internal {
        TradeData memory trade = trades[index];
        int32[24][] memory rows = balancedRows();
        uint256 s = trade.seller < AGENTS ? trade.seller : 0;
        uint256 b = trade.buyer < AGENTS ? trade.buyer : 0;
        ledger.disputeTrade(
            EPOCH,
            leafOf(trade),
            tradeTree(EPOCH, trades).proof(index),
            rowProof(EPOCH, ids(), rows, s),
            rowProof(EPOCH, ids(), rows, b),
            t,
            bytes32(0)
        );
    }

    function _assertTradeFault(TradeData[] memory trades, uint256 index, IClearingLedger.TradeFault fault)
        internal
    {
        _post(balancedRows(), trades);
        vm.expectEmit(address(ledger));
        emit IClearingLedger.EpochVoided(
            EPOCH,
            address(this),
            IClearingLedger.Violation.TradeMismatch,
            trades[index].tradeIndex,
            int256(uint256(fault)),
            0,
            MIN_BOND
        );
        _disputeTrade(trades, index, flatTariff());
        assertTrue(ledger.epoch(EPOCH).voided);
    }

    function test_disputeTrade_anHonestTradeIsNoViolation() public {
        _post(balancedRows(), balancedTrades());
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.NoViolation.selector, EPOCH));
        _disputeTrade(balancedTrades(), 5, flatTariff());
    }

    function test_disputeTrade_aTradeOfTheWholeScheduledSupplyOrConsumptionIsNoViolation() public {
        // In balancedTrades, trade 2 sells seller 2's whole hour (400 of 400 Wh), trade 3 the grid's
        // whole export (100 of 100 Wh), and trade 0 fills buyer 3's whole consumption (500 of 500 Wh):
        // exactly equal is justified, on both sides.
        TradeData[] memory trades = balancedTrades();
        _post(balancedRows(), trades);
        assertEq(
            uint256(trades[2].energyWh), uint256(uint32(balancedRows()[trades[2].seller][trades[2].hour]))
        );
        assertEq(
            uint256(trades[3].energyWh), uint256(uint32(balancedRows()[trades[3].seller][trades[3].hour]))
        );
        assertEq(
            int256(uint256(trades[0].energyWh)), -int256(balancedRows()[trades[0].buyer][trades[0].hour])
        );
        uint256[3] memory whole = [uint256(2), 3, 0];
        for (uint256 i; i < whole.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IClearingLedger.NoViolation.selector, EPOCH));
            _disputeTrade(trades, whole[i], flatTariff());
        }
        assertFalse(ledger.epoch(EPOCH).voided);
    }

    function test_disputeTrade_anAgentRegisteredAfterPostingIsNotInTheEpoch() public {
        // Agent id AGENTS does not exist at posting; it joins the same network before the dispute.
        TradeData[] memory trades = balancedTrades();
        trades[2].buyer = AGENTS;
        _post(balancedRows(), trades);
        vm.prank(registrar);
        uint16 late = registry.registerAgent(
            stranger, makeAddr("late meter"), networkId, 2, IParticipantRegistry.AgentKind.Buyer, false
        );
        assertEq(late, AGENTS);
        vm.expectEmit(address(ledger));
        emit IClearingLedger.EpochVoided(
            EPOCH,
            address(this),
            IClearingLedger.Violation.TradeMismatch,
            trades[2].tradeIndex,
            int256(uint256(IClearingLedger.TradeFault.AgentNotInEpoch)),
            0,
            MIN_BOND
        );
        _disputeTrade(trades, 2, flatTariff());
    }

    function test_disputeTrade_aConsumerSellingIsAViolation() public {
        TradeData[] memory trades = balancedTrades();
        trades[1] = TradeData(1, 3, 4, 0, 500, 30_000); // buyer 3 "sells" to buyer 4
        _assertTradeFault(trades, 1, IClearingLedger.TradeFault.SellerSuppliesLess);
    }

    function test_disputeTrade_moreThanTheBuyerConsumesIsAViolation() public {
        TradeData[] memory trades = balancedTrades();
        trades[0] = TradeData(0, 1, 3, 0, 501, 30_060);
        _assertTradeFault(trades, 0, IClearingLedger.TradeFault.BuyerConsumesLess);
    }

    function test_disputeTrade_aValueOtherThanEnergyTimesPriceIsAViolation() public {
        TradeData[] memory trades = balancedTrades();
        trades[0].value = 1_000_000;
        _assertTradeFault(trades, 0, IClearingLedger.TradeFault.ValueNotAtPrice);
    }

    function test_disputeTrade_anAgentOutsideTheEpochOrAnIndexBeyondTheCountIsAViolation() public {
        TradeData[] memory trades = balancedTrades();
        trades[2].buyer = 77;
        _assertTradeFault(trades, 2, IClearingLedger.TradeFault.AgentNotInEpoch);
    }

    function test_disputeTrade_anIndexBeyondTheCountIsAViolation() public {
        TradeData[] memory trades = balancedTrades();
        trades[3].tradeIndex = 96;
        _assertTradeFault(trades, 3, IClearingLedger.TradeFault.IndexOutOfRange);
    }

    function test_disputeTrade_refusesBadProofsOrTariff() public {
        TradeData[] memory trades = balancedTrades();
        _post(balancedRows(), trades);
        TradeData memory forged = TradeData(0, 1, 3, 0, 500, 30_001);
        bytes32[] memory proof = tradeTree(EPOCH, trades).proof(0);
        int32[24][] memory rows = balancedRows();
        vm.expectRevert(IClearingLedger.InvalidTradeProof.selector);
        ledger.disputeTrade(
            EPOCH,
            leafOf(forged),
            proof,
            rowProof(EPOCH, ids(), rows, 1),
            rowProof(EPOCH, ids(), rows, 3),
            flatTariff(),
            0
        );
        IClearingLedger.RowProof memory wrong = rowProof(EPOCH, ids(), rows, 1);
        wrong.energyWh[0] = 1;
        vm.expectRevert(IClearingLedger.InvalidScheduleProof.selector);
        ledger.disputeTrade(
            EPOCH, leafOf(trades[0]), proof, wrong, rowProof(EPOCH, ids(), rows, 3), flatTariff(), 0
        );
        Tariff memory t = flatTariff();
        t.price[0] = 1;
        vm.expectRevert(IClearingLedger.TariffMismatch.selector);
        _disputeTrade(trades, 0, t);
    }

    // ---------------------------------------------------------------- signed consensus

    function _postSigned(int32[24][] memory rows) internal {
        fundFor(rows, SettlementMode.Imbalance);
        vm.prank(signingOracle);
        ledger.postEpoch{value: MIN_BOND}(
            params(EPOCH, networkId, SettlementMode.Imbalance, 0, 0), packRows(rows), flatTariff()
        );
    }

    function test_consensusDigest_isTheEip712DigestOfTheSchedule() public view {
        int32[24] memory row = balancedRows()[1];
        assertEq(ledger.consensusDigest(EPOCH, 1, row), consensusDigest(EPOCH, 1, row));
    }

    function test_disputeSignedSchedule_voidsWhenThePostedRowDiffersFromTheSignedOne() public {
        int32[24][] memory signedRows = balancedRows();
        int32[24][] memory posted = balancedRows();
        (posted[1][9], posted[0][9]) = (500, 200); // the oracle moved 100 Wh of seller 1 to the grid
        _postSigned(posted);
        bytes memory sig = sign(ORACLE_KEY, consensusDigest(EPOCH, 1, signedRows[1]));
        vm.expectEmit(address(ledger));
        emit IClearingLedger.EpochVoided(
            EPOCH, stranger, IClearingLedger.Violation.SignedScheduleMismatch, 1, 9, 0, MIN_BOND
        );
        vm.prank(stranger);
        ledger.disputeSignedSchedule(EPOCH, 1, signedRows[1], sig, rowProof(EPOCH, ids(), posted, 1), 0);
    }

    function test_disputeSignedSchedule_refusesAMatchingRowOrAnotherSigner() public {
        int32[24][] memory rows = balancedRows();
        _postSigned(rows);
        bytes memory sig = sign(ORACLE_KEY, consensusDigest(EPOCH, 1, rows[1]));
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.NoViolation.selector, EPOCH));
        ledger.disputeSignedSchedule(EPOCH, 1, rows[1], sig, rowProof(EPOCH, ids(), rows, 1), 0);

        int32[24] memory other = rows[1];
        other[0] = 1;
        bytes memory forged = sign(0xbad, consensusDigest(EPOCH, 1, other));
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.NotSignedByOracle.selector, vm.addr(0xbad)));
        ledger.disputeSignedSchedule(EPOCH, 1, other, forged, rowProof(EPOCH, ids(), rows, 1), 0);

        IClearingLedger.RowProof memory wrong = rowProof(EPOCH, ids(), rows, 1);
        wrong.energyWh[3] = 0;
        sig = sign(ORACLE_KEY, consensusDigest(EPOCH, 1, other));
        vm.expectRevert(IClearingLedger.InvalidScheduleProof.selector);
        ledger.disputeSignedSchedule(EPOCH, 1, other, sig, wrong, 0);

        vm.expectRevert(abi.encodeWithSelector(ECDSA.ECDSAInvalidSignatureLength.selector, 3));
        ledger.disputeSignedSchedule(EPOCH, 1, other, hex"010203", rowProof(EPOCH, ids(), rows, 1), 0);
    }

    function test_disputeSignedSchedule_refusesASignatureMadeForAnotherAgentOrEpoch() public {
        int32[24][] memory signedRows = balancedRows();
        int32[24][] memory posted = balancedRows();
        (posted[1][9], posted[0][9]) = (500, 200);
        _postSigned(posted);
        bytes32 digest = consensusDigest(EPOCH, 1, signedRows[1]);
        // The oracle's word on this row for agent 2, or for agent 1 in another epoch, says nothing
        // about agent 1 in this epoch: it recovers to another address.
        bytes memory forAgent2 = sign(ORACLE_KEY, consensusDigest(EPOCH, 2, signedRows[1]));
        vm.expectRevert(
            abi.encodeWithSelector(
                IClearingLedger.NotSignedByOracle.selector, ECDSA.recover(digest, forAgent2)
            )
        );
        ledger.disputeSignedSchedule(EPOCH, 1, signedRows[1], forAgent2, rowProof(EPOCH, ids(), posted, 1), 0);
        bytes memory forNextEpoch = sign(ORACLE_KEY, consensusDigest(EPOCH + 1, 1, signedRows[1]));
        vm.expectRevert(
            abi.encodeWithSelector(
                IClearingLedger.NotSignedByOracle.selector, ECDSA.recover(digest, forNextEpoch)
            )
        );
        ledger.disputeSignedSchedule(
            EPOCH, 1, signedRows[1], forNextEpoch, rowProof(EPOCH, ids(), posted, 1), 0
        );
    }

    function _slice(bytes memory b, uint256 n) internal pure returns (bytes memory out) {
        out = new bytes(n);
        for (uint256 i; i < n; ++i) {
            out[i] = b[i];
        }
    }
}

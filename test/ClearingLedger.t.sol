// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ClearingLedger} from "../contracts/ClearingLedger.sol";
import {IClearingLedger} from "../contracts/interfaces/IClearingLedger.sol";
import {INetworkRegistry} from "../contracts/interfaces/INetworkRegistry.sol";
import {IParticipantRegistry} from "../contracts/interfaces/IParticipantRegistry.sol";
import {ScheduleLeaf} from "../contracts/libraries/Leaves.sol";
import {MarketFixture, TradeData} from "./utils/MarketFixture.sol";
import {MerkleBuilder} from "./utils/MerkleBuilder.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

contract Rejector {
    receive() external payable {
        revert("no thanks");
    }
}

contract ClearingLedgerTest is MarketFixture {
    using MerkleBuilder for bytes32[];

    uint32 internal constant EPOCH = 20_260_101;

    /// The test contract is a challenger too: it receives bonds.
    receive() external payable {}

    function params(uint32 epochId) internal view returns (IClearingLedger.EpochParams memory) {
        bytes32 root = scheduleTree(epochId, scheduleLeaves(balancedSchedule()))[0];
        return epochParams(epochId, root, balancedTrades());
    }

    // ------------------------------------------------------------------ posting

    function test_postEpoch_storesTheEpochAndEmits() public {
        IClearingLedger.EpochParams memory p = params(EPOCH);
        vm.expectEmit(address(ledger));
        emit IClearingLedger.EpochPosted(
            EPOCH,
            networkId,
            oracle,
            p.scheduleRoot,
            p.tradeRoot,
            p.documentHash,
            p.documentURI,
            TOLERANCE_WH,
            96,
            uint64(block.timestamp) + READING_WINDOW,
            uint64(block.timestamp) + CHALLENGE_WINDOW
        );
        vm.prank(oracle);
        ledger.postEpoch{value: MIN_BOND}(p);

        IClearingLedger.Epoch memory e = ledger.epoch(EPOCH);
        assertEq(e.scheduleRoot, p.scheduleRoot);
        assertEq(e.tradeRoot, p.tradeRoot);
        assertEq(e.documentHash, p.documentHash);
        assertEq(e.oracle, oracle);
        assertEq(e.postedAt, block.timestamp);
        assertEq(e.readingsCloseAt, block.timestamp + READING_WINDOW);
        assertEq(e.challengeEndsAt, block.timestamp + CHALLENGE_WINDOW);
        assertEq(e.networkId, networkId);
        assertEq(e.toleranceWh, TOLERANCE_WH);
        assertEq(e.tradeCount, 96);
        assertEq(e.agentCount, AGENTS);
        assertEq(e.totalEnergyWh, p.totalEnergyWh);
        assertEq(e.totalValue, p.totalValue);
        assertEq(e.bond, MIN_BOND);
        assertFalse(e.voided);
        assertEq(ledger.documentURI(EPOCH), p.documentURI);
        assertEq(ledger.epochIds().length, 1);
        assertEq(ledger.epochIds()[0], EPOCH);
        assertEq(address(ledger).balance, MIN_BOND);
    }

    function test_postEpoch_revertsForNonOracle() public {
        IClearingLedger.EpochParams memory p = params(EPOCH);
        vm.deal(stranger, 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, ledger.ORACLE_ROLE()
            )
        );
        vm.prank(stranger);
        ledger.postEpoch{value: MIN_BOND}(p);
    }

    function test_postEpoch_cannotBeChangedOnceCommitted() public {
        IClearingLedger.EpochParams memory p = params(EPOCH);
        vm.prank(oracle);
        ledger.postEpoch{value: MIN_BOND}(p);
        p.scheduleRoot = keccak256("another schedule");
        vm.prank(oracle);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochAlreadyPosted.selector, EPOCH));
        ledger.postEpoch{value: MIN_BOND}(p);
        assertEq(ledger.epoch(EPOCH).scheduleRoot, params(EPOCH).scheduleRoot);
    }

    function test_postEpoch_revertsOnZeroEpochId() public {
        IClearingLedger.EpochParams memory p = params(EPOCH);
        p.epochId = 0;
        vm.prank(oracle);
        vm.expectRevert(IClearingLedger.ZeroEpochId.selector);
        ledger.postEpoch{value: MIN_BOND}(p);
    }

    function test_postEpoch_revertsOnEmptyCommitments() public {
        IClearingLedger.EpochParams memory p = params(EPOCH);
        p.scheduleRoot = bytes32(0);
        vm.prank(oracle);
        vm.expectRevert(IClearingLedger.EmptyCommitment.selector);
        ledger.postEpoch{value: MIN_BOND}(p);

        p = params(EPOCH);
        p.documentHash = bytes32(0);
        vm.prank(oracle);
        vm.expectRevert(IClearingLedger.EmptyCommitment.selector);
        ledger.postEpoch{value: MIN_BOND}(p);
    }

    function test_postEpoch_revertsWhenTradeRootAndCountDisagree() public {
        IClearingLedger.EpochParams memory p = params(EPOCH);
        p.tradeRoot = bytes32(0);
        vm.prank(oracle);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.TradeRootMismatch.selector, 96));
        ledger.postEpoch{value: MIN_BOND}(p);

        p = params(EPOCH);
        p.tradeCount = 0;
        vm.prank(oracle);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.TradeRootMismatch.selector, 0));
        ledger.postEpoch{value: MIN_BOND}(p);
    }

    function test_postEpoch_acceptsADayWithoutTrades() public {
        bytes32 root = scheduleTree(EPOCH, scheduleLeaves(balancedSchedule()))[0];
        vm.prank(oracle);
        ledger.postEpoch{value: MIN_BOND}(epochParams(EPOCH, root, new TradeData[](0)));
        assertEq(ledger.epoch(EPOCH).tradeCount, 0);
    }

    function test_postEpoch_revertsOnUnknownNetwork() public {
        IClearingLedger.EpochParams memory p = params(EPOCH);
        p.networkId = 5;
        vm.prank(oracle);
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.UnknownNetwork.selector, 5));
        ledger.postEpoch{value: MIN_BOND}(p);
    }

    function testFuzz_postEpoch_revertsWhenAgentCountDiffers(uint16 count) public {
        vm.assume(count != AGENTS);
        IClearingLedger.EpochParams memory p = params(EPOCH);
        p.agentCount = count;
        vm.prank(oracle);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.AgentCountMismatch.selector, count, AGENTS));
        ledger.postEpoch{value: MIN_BOND}(p);
    }

    function testFuzz_postEpoch_revertsOnSmallBond(uint256 bond) public {
        bond = bound(bond, 0, MIN_BOND - 1);
        IClearingLedger.EpochParams memory p = params(EPOCH);
        vm.prank(oracle);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.BondTooSmall.selector, bond, MIN_BOND));
        ledger.postEpoch{value: bond}(p);
    }

    function testFuzz_postEpoch_keepsAnyBondAtOrAboveMinimum(uint256 bond) public {
        bond = bound(bond, MIN_BOND, 100 ether);
        vm.prank(oracle);
        ledger.postEpoch{value: bond}(params(EPOCH));
        assertEq(ledger.epoch(EPOCH).bond, bond);
    }

    function test_views_revertOnUnknownEpoch() public {
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochNotPosted.selector, 3));
        ledger.epoch(3);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochNotPosted.selector, 3));
        ledger.documentURI(3);
    }

    function test_constructor_exposesWindows() public view {
        assertEq(ledger.readingWindow(), READING_WINDOW);
        assertEq(ledger.challengeWindow(), CHALLENGE_WINDOW);
        assertEq(ledger.minBond(), MIN_BOND);
        assertEq(address(ledger.registry()), address(registry));
        assertEq(address(ledger.networks()), address(networks));
    }

    // ------------------------------------------------------------------ disputes

    function disputeHourOf(uint32 epochId, int64[AGENTS][24] memory s, uint8 hour) internal {
        ScheduleLeaf[] memory all = scheduleLeaves(s);
        bytes32[] memory tree = scheduleTree(epochId, all);
        (ScheduleLeaf[] memory leaves, bytes32[] memory proof, uint256[] memory flags) =
            scheduleProof(tree, all, hourIndices(hour));
        ledger.disputeHour(epochId, hour, leaves, proof, flags);
    }

    function test_disputeHour_voidsAnImbalancedEpochAndPaysTheBond() public {
        int64[AGENTS][24] memory s = balancedSchedule();
        s[7][3] = -450; // the buyer takes 50 Wh less than is supplied
        postEpoch(EPOCH, s, balancedTrades());

        uint256 before = stranger.balance;
        vm.expectEmit(address(ledger));
        emit IClearingLedger.EpochVoided(
            EPOCH, stranger, IClearingLedger.Violation.Imbalance, 7, 0, 50, MIN_BOND
        );
        vm.prank(stranger);
        disputeHourOf(EPOCH, s, 7);

        assertTrue(ledger.epoch(EPOCH).voided);
        assertEq(stranger.balance - before, MIN_BOND);
        assertEq(address(ledger).balance, 0);
    }

    function test_disputeHour_voidsALineOverload() public {
        int64[AGENTS][24] memory s = balancedSchedule();
        // Seller @2 sends 3,000 Wh to the buyer @3: line 2-3 carries 2,000 Wh > 500 + 3.
        s[12] = [int64(0), 3000, 0, 0, -3000];
        postEpoch(EPOCH, s, balancedTrades());

        vm.expectEmit(address(ledger));
        emit IClearingLedger.EpochVoided(
            EPOCH, address(this), IClearingLedger.Violation.LineOverload, 12, 2, 2000, MIN_BOND
        );
        disputeHourOf(EPOCH, s, 12);
        assertTrue(ledger.epoch(EPOCH).voided);
    }

    /// Flow on line 2-3 is (p2 - p3) / 3 for a balanced hour with p1 = 0: choose p2 = -p3 = x so
    /// the flow is 2x/3; it must exceed 500 + 3 Wh to be an overload.
    function testFuzz_disputeHour_lineLimitBoundary(uint16 x) public {
        x = uint16(bound(x, 0, 2000));
        int64[AGENTS][24] memory s = balancedSchedule();
        s[5] = [int64(0), int64(uint64(x)), 0, 0, -int64(uint64(x))];
        postEpoch(EPOCH, s, balancedTrades());

        // flow = 2x/3 with PTDF rounding of at most 1e-9 per entry: decide on exact rationals.
        bool overloaded = uint256(x) * 2 > (500 + FLOW_TOLERANCE_WH) * 3;
        if (!overloaded) {
            vm.expectRevert(abi.encodeWithSelector(IClearingLedger.NoViolation.selector, EPOCH, 5));
        }
        disputeHourOf(EPOCH, s, 5);
        assertEq(ledger.epoch(EPOCH).voided, overloaded);
    }

    function test_disputeHour_revertsOnAFeasibleHour() public {
        postEpoch(EPOCH, balancedSchedule(), balancedTrades());
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.NoViolation.selector, EPOCH, 3));
        disputeHourOf(EPOCH, balancedSchedule(), 3);
    }

    function test_disputeHour_revertsOnForgedLeaves() public {
        int64[AGENTS][24] memory s = balancedSchedule();
        postEpoch(EPOCH, s, balancedTrades());
        ScheduleLeaf[] memory all = scheduleLeaves(s);
        bytes32[] memory tree = scheduleTree(EPOCH, all);
        (ScheduleLeaf[] memory leaves, bytes32[] memory proof, uint256[] memory flags) =
            scheduleProof(tree, all, hourIndices(3));
        leaves[0].energyWh += 1000;
        vm.expectRevert(IClearingLedger.InvalidScheduleProof.selector);
        ledger.disputeHour(EPOCH, 3, leaves, proof, flags);
    }

    function test_disputeHour_requiresEveryAgentOnce() public {
        int64[AGENTS][24] memory s = balancedSchedule();
        s[3][3] = -400;
        postEpoch(EPOCH, s, balancedTrades());
        ScheduleLeaf[] memory all = scheduleLeaves(s);
        bytes32[] memory tree = scheduleTree(EPOCH, all);

        // Too few leaves.
        uint256[] memory four = new uint256[](4);
        for (uint256 i; i < 4; ++i) {
            four[i] = 3 * AGENTS + i;
        }
        (ScheduleLeaf[] memory leaves, bytes32[] memory proof, uint256[] memory flags) =
            scheduleProof(tree, all, four);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.IncompleteHour.selector, 4, AGENTS));
        ledger.disputeHour(EPOCH, 3, leaves, proof, flags);

        // Right count, but one leaf from another hour.
        uint256[] memory mixed = hourIndices(3);
        mixed[4] = 4 * AGENTS + 4;
        (leaves, proof, flags) = scheduleProof(tree, all, mixed);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.LeafHourMismatch.selector, 4, 3));
        ledger.disputeHour(EPOCH, 3, leaves, proof, flags);
    }

    function test_disputeHour_rejectsAnAgentRevealedTwice() public {
        // A malicious tree that holds agent 1 twice for hour 0 and omits agent 2.
        ScheduleLeaf[] memory all = new ScheduleLeaf[](AGENTS);
        all[0] = ScheduleLeaf(0, 0, 0);
        all[1] = ScheduleLeaf(1, 0, 100);
        all[2] = ScheduleLeaf(1, 0, 200);
        all[3] = ScheduleLeaf(3, 0, -300);
        all[4] = ScheduleLeaf(4, 0, 0);
        bytes32[] memory tree = scheduleTree(EPOCH, all);
        vm.prank(oracle);
        ledger.postEpoch{value: MIN_BOND}(epochParams(EPOCH, tree[0], balancedTrades()));
        (ScheduleLeaf[] memory leaves, bytes32[] memory proof, uint256[] memory flags) =
            scheduleProof(tree, all, allIndices(AGENTS));
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.AgentNotCoverable.selector, 1));
        ledger.disputeHour(EPOCH, 0, leaves, proof, flags);
    }

    function test_disputeHour_rejectsAgentsOfAnotherNetworkOrLaterRegistrations() public {
        int64[AGENTS][24] memory s = balancedSchedule();
        postEpoch(EPOCH, s, balancedTrades());
        // Agent 5 joins after the epoch was posted; a leaf naming it cannot stand for anyone.
        vm.prank(registrar);
        registry.registerAgent(
            stranger, makeAddr("m5"), networkId, 2, IParticipantRegistry.AgentKind.Buyer, false
        );

        ScheduleLeaf[] memory all = scheduleLeaves(s);
        all[3 * AGENTS + 4].agentId = 5;
        bytes32[] memory tree = scheduleTree(EPOCH + 1, all);
        vm.prank(oracle);
        vm.expectRevert(
            abi.encodeWithSelector(IClearingLedger.AgentCountMismatch.selector, AGENTS, AGENTS + 1)
        );
        ledger.postEpoch{value: MIN_BOND}(epochParams(EPOCH + 1, tree[0], balancedTrades()));

        // On the original epoch, the later agent is outside the epoch's agent set.
        IClearingLedger.EpochParams memory p =
            epochParams(EPOCH + 2, scheduleTree(EPOCH + 2, all)[0], balancedTrades());
        p.agentCount = AGENTS + 1;
        vm.prank(oracle);
        ledger.postEpoch{value: MIN_BOND}(p);
        // Epoch EPOCH + 2 covers 6 agents, so a 5-leaf hour is incomplete.
        bytes32[] memory tree2 = scheduleTree(EPOCH + 2, all);
        (ScheduleLeaf[] memory leaves, bytes32[] memory proof, uint256[] memory flags) =
            scheduleProof(tree2, all, hourIndices(3));
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.IncompleteHour.selector, AGENTS, AGENTS + 1));
        ledger.disputeHour(EPOCH + 2, 3, leaves, proof, flags);

        // On the first epoch (5 agents), agent 5 is not coverable.
        ScheduleLeaf[] memory firstAll = scheduleLeaves(s);
        bytes32[] memory firstTree = scheduleTree(EPOCH, firstAll);
        (leaves, proof, flags) = scheduleProof(firstTree, firstAll, hourIndices(3));
        for (uint256 i; i < leaves.length; ++i) {
            if (leaves[i].agentId == 4) leaves[i].agentId = 5;
        }
        vm.expectRevert(IClearingLedger.InvalidScheduleProof.selector);
        ledger.disputeHour(EPOCH, 3, leaves, proof, flags);
    }

    function test_disputeHour_revertsOnHourOutOfRange() public {
        postEpoch(EPOCH, balancedSchedule(), balancedTrades());
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.HourOutOfRange.selector, 24));
        ledger.disputeHour(EPOCH, 24, new ScheduleLeaf[](0), new bytes32[](0), new uint256[](0));
    }

    function test_disputeHour_revertsAfterTheWindowOrOnceVoided() public {
        int64[AGENTS][24] memory s = balancedSchedule();
        s[1][0] = 0;
        postEpoch(EPOCH, s, balancedTrades());
        uint64 endsAt = ledger.epoch(EPOCH).challengeEndsAt;

        vm.warp(endsAt + 1);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.ChallengeWindowClosed.selector, EPOCH, endsAt));
        disputeHourOf(EPOCH, s, 1);

        vm.warp(endsAt);
        disputeHourOf(EPOCH, s, 1);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochIsVoided.selector, EPOCH));
        disputeHourOf(EPOCH, s, 1);
    }

    function test_disputeHour_revertsOnUnknownEpoch() public {
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochNotPosted.selector, 42));
        ledger.disputeHour(42, 0, new ScheduleLeaf[](0), new bytes32[](0), new uint256[](0));
    }

    function test_disputeHour_failsWhenTheChallengerRefusesTheBond() public {
        int64[AGENTS][24] memory s = balancedSchedule();
        s[1][0] = 0;
        postEpoch(EPOCH, s, balancedTrades());
        Rejector r = new Rejector();
        ScheduleLeaf[] memory all = scheduleLeaves(s);
        (ScheduleLeaf[] memory leaves, bytes32[] memory proof, uint256[] memory flags) =
            scheduleProof(scheduleTree(EPOCH, all), all, hourIndices(1));
        vm.prank(address(r));
        vm.expectRevert();
        ledger.disputeHour(EPOCH, 1, leaves, proof, flags);
        assertFalse(ledger.epoch(EPOCH).voided);
    }

    function test_disputeConflictingSchedule_voidsATreeWithTwoValuesForOneHour() public {
        ScheduleLeaf[] memory all = scheduleLeaves(balancedSchedule());
        ScheduleLeaf[] memory withDup = new ScheduleLeaf[](all.length + 1);
        for (uint256 i; i < all.length; ++i) {
            withDup[i] = all[i];
        }
        withDup[all.length] = ScheduleLeaf(3, 9, -1);
        bytes32[] memory tree = scheduleTree(EPOCH, withDup);
        vm.prank(oracle);
        ledger.postEpoch{value: MIN_BOND}(epochParams(EPOCH, tree[0], balancedTrades()));

        uint256 first = 9 * AGENTS + 3;
        vm.expectEmit(address(ledger));
        emit IClearingLedger.EpochVoided(
            EPOCH, address(this), IClearingLedger.Violation.ConflictingSchedule, 9, 0, -1, MIN_BOND
        );
        ledger.disputeConflictingSchedule(
            EPOCH, withDup[first], tree.proof(first), withDup[all.length], tree.proof(all.length)
        );
        assertTrue(ledger.epoch(EPOCH).voided);
    }

    function test_disputeConflictingSchedule_revertsWithoutAConflict() public {
        ScheduleLeaf[] memory all = scheduleLeaves(balancedSchedule());
        bytes32[] memory tree = scheduleTree(EPOCH, all);
        vm.prank(oracle);
        ledger.postEpoch{value: MIN_BOND}(epochParams(EPOCH, tree[0], balancedTrades()));

        // Same leaf twice, and two different hours: neither is a conflict.
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.NoViolation.selector, EPOCH, 0));
        ledger.disputeConflictingSchedule(EPOCH, all[0], tree.proof(0), all[0], tree.proof(0));
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.NoViolation.selector, EPOCH, 0));
        ledger.disputeConflictingSchedule(EPOCH, all[0], tree.proof(0), all[AGENTS], tree.proof(AGENTS));

        // A conflicting value that is not in the tree.
        ScheduleLeaf memory fake = ScheduleLeaf(all[0].agentId, all[0].hour, 12_345);
        vm.expectRevert(IClearingLedger.InvalidScheduleProof.selector);
        ledger.disputeConflictingSchedule(EPOCH, all[0], tree.proof(0), fake, tree.proof(0));
    }

    // ------------------------------------------------------------------ bonds

    function test_releaseBond_returnsTheBondAfterAnUndisputedWindow() public {
        postEpoch(EPOCH, balancedSchedule(), balancedTrades());
        uint64 endsAt = ledger.epoch(EPOCH).challengeEndsAt;
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.ChallengeWindowOpen.selector, EPOCH, endsAt));
        ledger.releaseBond(EPOCH);

        vm.warp(endsAt + 1);
        uint256 before = oracle.balance;
        vm.expectEmit(address(ledger));
        emit IClearingLedger.BondReleased(EPOCH, oracle, MIN_BOND);
        ledger.releaseBond(EPOCH);
        assertEq(oracle.balance - before, MIN_BOND);

        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.BondAlreadySettled.selector, EPOCH));
        ledger.releaseBond(EPOCH);
    }

    function test_releaseBond_revertsForVoidedOrUnknownEpochs() public {
        int64[AGENTS][24] memory s = balancedSchedule();
        s[2][2] = 0;
        postEpoch(EPOCH, s, balancedTrades());
        disputeHourOf(EPOCH, s, 2);
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochIsVoided.selector, EPOCH));
        ledger.releaseBond(EPOCH);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochNotPosted.selector, 1));
        ledger.releaseBond(1);
    }

    function test_releaseBond_withZeroBondOnlyMarksIt() public {
        ClearingLedger free = new ClearingLedger(admin, registry, READING_WINDOW, CHALLENGE_WINDOW, 0);
        bytes32 role = free.ORACLE_ROLE();
        vm.prank(admin);
        free.grantRole(role, oracle);
        vm.prank(oracle);
        free.postEpoch(params(EPOCH));
        vm.warp(block.timestamp + CHALLENGE_WINDOW + 1);
        free.releaseBond(EPOCH);
        assertTrue(free.epoch(EPOCH).bondReleased);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClearingLedger} from "../contracts/interfaces/IClearingLedger.sol";
import {IMeterReadings} from "../contracts/interfaces/IMeterReadings.sol";
import {IParticipantRegistry} from "../contracts/interfaces/IParticipantRegistry.sol";
import {ScheduleLeaf} from "../contracts/libraries/Leaves.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";

contract MeterReadingsTest is MarketFixture {
    uint32 internal constant EPOCH = 7;
    int32 internal constant MISSING = type(int32).min;

    function setUp() public override {
        super.setUp();
        postEpoch(EPOCH, balancedSchedule(), balancedTrades());
    }

    function one(IMeterReadings.SignedReading memory r)
        internal
        pure
        returns (IMeterReadings.SignedReading[] memory b)
    {
        b = new IMeterReadings.SignedReading[](1);
        b[0] = r;
    }

    function exact(uint16 agentId) internal view returns (IMeterReadings.SignedReading memory) {
        return signedReading(EPOCH, agentId, exactReadings(balancedSchedule(), agentId), meterKeys[agentId]);
    }

    // ------------------------------------------------------------------ readings

    function test_readingDigest_matchesAnIndependentEip712Encoding() public view {
        int32[24] memory v = exactReadings(balancedSchedule(), 3);
        v[5] = -7;
        v[6] = MISSING;
        assertEq(meters.readingDigest(EPOCH, 3, v), readingDigest(EPOCH, 3, v));
    }

    function test_submitReadings_storesABatchAndEmits() public {
        vm.expectEmit(address(meters));
        emit IMeterReadings.ReadingsSubmitted(EPOCH, 0, vm.addr(meterKeys[0]));
        submitAllExact(EPOCH, balancedSchedule());
        for (uint16 a; a < AGENTS; ++a) {
            assertTrue(meters.hasReadings(EPOCH, a));
            int32[24] memory stored = meters.readings(EPOCH, a);
            int32[24] memory expected = exactReadings(balancedSchedule(), a);
            for (uint256 h; h < 24; ++h) {
                assertEq(stored[h], expected[h]);
            }
        }
    }

    function test_readings_areAllMissingBeforeSubmission() public view {
        assertFalse(meters.hasReadings(EPOCH, 1));
        int32[24] memory stored = meters.readings(EPOCH, 1);
        for (uint256 h; h < 24; ++h) {
            assertEq(stored[h], MISSING);
        }
        assertEq(meters.MISSING_READING(), MISSING);
    }

    function testFuzz_submitReadings_roundTripsAnyValues(int32[24] memory values, uint8 agent) public {
        uint16 agentId = uint16(bound(agent, 0, AGENTS - 1));
        meters.submitReadings(one(signedReading(EPOCH, agentId, values, meterKeys[agentId])));
        int32[24] memory stored = meters.readings(EPOCH, agentId);
        for (uint256 h; h < 24; ++h) {
            assertEq(stored[h], values[h]);
        }
    }

    function test_submitReadings_revertsOnEmptyBatch() public {
        vm.expectRevert(IMeterReadings.EmptyBatch.selector);
        meters.submitReadings(new IMeterReadings.SignedReading[](0));
    }

    function testFuzz_submitReadings_rejectsAWrongSigner(uint256 key) public {
        key = bound(key, 1, 1e70);
        vm.assume(key != meterKeys[1]);
        IMeterReadings.SignedReading memory r =
            signedReading(EPOCH, 1, exactReadings(balancedSchedule(), 1), key);
        vm.expectRevert(
            abi.encodeWithSelector(IMeterReadings.InvalidMeterSignature.selector, 1, vm.addr(key))
        );
        meters.submitReadings(one(r));
    }

    function testFuzz_submitReadings_rejectsTamperedValues(uint8 hour, int32 delta) public {
        hour = uint8(bound(hour, 0, 23));
        vm.assume(delta != 0);
        IMeterReadings.SignedReading memory r = exact(2);
        r.energyWh[hour] = int32(int256(r.energyWh[hour]) + delta % 1e6);
        vm.assume(r.energyWh[hour] != exactReadings(balancedSchedule(), 2)[hour]);
        vm.expectPartialRevert(IMeterReadings.InvalidMeterSignature.selector);
        meters.submitReadings(one(r));
    }

    function test_submitReadings_rejectsAReadingSignedForAnotherAgent() public {
        // Agent 1's meter signs a reading that names agent 3.
        IMeterReadings.SignedReading memory r =
            signedReading(EPOCH, 3, exactReadings(balancedSchedule(), 3), meterKeys[1]);
        vm.expectRevert(
            abi.encodeWithSelector(IMeterReadings.InvalidMeterSignature.selector, 3, vm.addr(meterKeys[1]))
        );
        meters.submitReadings(one(r));
    }

    function test_submitReadings_rejectsMalformedSignatures() public {
        IMeterReadings.SignedReading memory r = exact(1);
        r.signature = hex"1234";
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.InvalidMeterSignature.selector, 1, address(0)));
        meters.submitReadings(one(r));
    }

    function test_submitReadings_rejectsReplaysAndDuplicates() public {
        meters.submitReadings(one(exact(1)));
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.ReadingAlreadySubmitted.selector, EPOCH, 1));
        meters.submitReadings(one(exact(1)));

        // A different, validly signed reading for the same agent and epoch is a duplicate.
        int32[24] memory other = exactReadings(balancedSchedule(), 1);
        other[0] += 1;
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.ReadingAlreadySubmitted.selector, EPOCH, 1));
        meters.submitReadings(one(signedReading(EPOCH, 1, other, meterKeys[1])));

        // Two readings of one agent in one batch: the whole batch reverts.
        IMeterReadings.SignedReading[] memory batch = new IMeterReadings.SignedReading[](2);
        batch[0] = exact(2);
        batch[1] = exact(2);
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.ReadingAlreadySubmitted.selector, EPOCH, 2));
        meters.submitReadings(batch);
        assertFalse(meters.hasReadings(EPOCH, 2));
    }

    function test_submitReadings_rejectsAReadingReplayedIntoAnotherEpoch() public {
        postEpoch(EPOCH + 1, balancedSchedule(), balancedTrades());
        IMeterReadings.SignedReading memory r = exact(1);
        r.epochId = EPOCH + 1;
        vm.expectPartialRevert(IMeterReadings.InvalidMeterSignature.selector);
        meters.submitReadings(one(r));
    }

    function test_submitReadings_rejectsAnUnpostedEpoch() public {
        IMeterReadings.SignedReading memory r =
            signedReading(99, 1, exactReadings(balancedSchedule(), 1), meterKeys[1]);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochNotPosted.selector, 99));
        meters.submitReadings(one(r));
    }

    function test_submitReadings_rejectsAVoidedEpoch() public {
        int64[AGENTS][24] memory s = balancedSchedule();
        s[0][0] = 0;
        postEpoch(EPOCH + 1, s, balancedTrades());
        ScheduleLeaf[] memory all = scheduleLeaves(s);
        (ScheduleLeaf[] memory leaves, bytes32[] memory proof, uint256[] memory flags) =
            scheduleProof(scheduleTree(EPOCH + 1, all), all, hourIndices(0));
        vm.prank(stranger);
        ledger.disputeHour(EPOCH + 1, 0, leaves, proof, flags);

        IMeterReadings.SignedReading memory r = signedReading(EPOCH + 1, 1, exactReadings(s, 1), meterKeys[1]);
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.EpochIsVoided.selector, EPOCH + 1));
        meters.submitReadings(one(r));
    }

    function test_submitReadings_rejectsALateSubmission() public {
        uint64 closesAt = ledger.epoch(EPOCH).readingsCloseAt;
        vm.warp(closesAt);
        meters.submitReadings(one(exact(1)));
        vm.warp(closesAt + 1);
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.ReadingWindowClosed.selector, EPOCH, closesAt));
        meters.submitReadings(one(exact(2)));
    }

    function test_submitReadings_rejectsARevokedKey() public {
        vm.prank(registrar);
        registry.revokeMeter(1);
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.MeterKeyRevoked.selector, 1));
        meters.submitReadings(one(exact(1)));
    }

    function test_submitReadings_rejectsARotatedOutKeyAndAcceptsTheNewOne() public {
        uint256 newKey = uint256(keccak256("new meter key"));
        vm.prank(registrar);
        registry.rotateMeter(1, vm.addr(newKey));
        vm.expectRevert(
            abi.encodeWithSelector(IMeterReadings.RetiredMeterKey.selector, 1, vm.addr(meterKeys[1]))
        );
        meters.submitReadings(one(exact(1)));

        meters.submitReadings(one(signedReading(EPOCH, 1, exactReadings(balancedSchedule(), 1), newKey)));
        assertTrue(meters.hasReadings(EPOCH, 1));
    }

    function test_submitReadings_rejectsAnInactiveAgent() public {
        vm.prank(registrar);
        registry.setActive(3, false);
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.AgentInactive.selector, 3));
        meters.submitReadings(one(exact(3)));
    }

    function test_submitReadings_rejectsAnAgentOutsideTheEpoch() public {
        uint256 key = uint256(keccak256("late agent"));
        vm.prank(registrar);
        uint16 id = registry.registerAgent(
            stranger, vm.addr(key), networkId, 2, IParticipantRegistry.AgentKind.Buyer, false
        );
        IMeterReadings.SignedReading memory r =
            signedReading(EPOCH, id, exactReadings(balancedSchedule(), 1), key);
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.AgentNotInNetwork.selector, id, networkId));
        meters.submitReadings(one(r));
    }

    function test_submitReadings_rejectsAnUnknownAgent() public {
        IMeterReadings.SignedReading memory r = exact(1);
        r.agentId = 77;
        vm.expectRevert(abi.encodeWithSelector(IParticipantRegistry.UnknownAgent.selector, 77));
        meters.submitReadings(one(r));
    }

    // ------------------------------------------------------------------ checks

    function test_checkSchedule_waitsForTheReadingWindowToClose() public {
        uint64 closesAt = ledger.epoch(EPOCH).readingsCloseAt;
        ScheduleLeaf[] memory none = new ScheduleLeaf[](1);
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.ReadingWindowOpen.selector, EPOCH, closesAt));
        meters.checkSchedule(EPOCH, none, new bytes32[](0), new uint256[](0));
    }

    function test_checkSchedule_revertsOnEmptyBatch() public {
        vm.expectRevert(IMeterReadings.EmptyBatch.selector);
        meters.checkSchedule(EPOCH, new ScheduleLeaf[](0), new bytes32[](0), new uint256[](0));
    }

    function test_checkSchedule_passesExactReadingsForAWholeDay() public {
        submitAllExact(EPOCH, balancedSchedule());
        vm.warp(block.timestamp + READING_WINDOW + 1);
        vm.expectEmit(address(meters));
        emit IMeterReadings.SchedulesChecked(EPOCH, 120, 120, 0);
        checkAll(EPOCH, balancedSchedule());
        for (uint16 a; a < AGENTS; ++a) {
            assertEq(meters.checkBits(EPOCH, a), type(uint48).max);
            assertEq(uint8(meters.hourCheck(EPOCH, a, 23)), uint8(IMeterReadings.HourCheck.Passed));
        }
    }

    function test_checkSchedule_failsMissingReadingsAndMissingHours() public {
        int32[24] memory v = exactReadings(balancedSchedule(), 1);
        v[4] = MISSING;
        meters.submitReadings(one(signedReading(EPOCH, 1, v, meterKeys[1])));
        // Agent 3 never reports.
        vm.warp(block.timestamp + READING_WINDOW + 1);

        vm.expectEmit(address(meters));
        emit IMeterReadings.ToleranceFailed(EPOCH, 1, 4, 600, MISSING);
        checkAll(EPOCH, balancedSchedule());
        assertEq(uint8(meters.hourCheck(EPOCH, 1, 4)), uint8(IMeterReadings.HourCheck.Failed));
        assertEq(uint8(meters.hourCheck(EPOCH, 1, 5)), uint8(IMeterReadings.HourCheck.Passed));
        for (uint8 h; h < 24; ++h) {
            assertEq(uint8(meters.hourCheck(EPOCH, 3, h)), uint8(IMeterReadings.HourCheck.Failed));
        }
    }

    /// |measured - scheduled| <= tolerance passes, one Wh more fails, in both directions.
    function testFuzz_checkSchedule_toleranceBoundary(int32 deviation, uint8 hour) public {
        hour = uint8(bound(hour, 0, 23));
        deviation = int32(bound(deviation, -int32(TOLERANCE_WH) * 3, int32(TOLERANCE_WH) * 3));
        int32[24] memory v = exactReadings(balancedSchedule(), 2);
        v[hour] += deviation;
        meters.submitReadings(one(signedReading(EPOCH, 2, v, meterKeys[2])));
        vm.warp(block.timestamp + READING_WINDOW + 1);
        checkAll(EPOCH, balancedSchedule());

        bool within = deviation <= int32(TOLERANCE_WH) && deviation >= -int32(TOLERANCE_WH);
        assertEq(
            uint8(meters.hourCheck(EPOCH, 2, hour)),
            uint8(within ? IMeterReadings.HourCheck.Passed : IMeterReadings.HourCheck.Failed)
        );
    }

    function testFuzz_checkSchedule_anySubsetVerifiesAndRecordsOnlyIt(uint256 seed) public {
        submitAllExact(EPOCH, balancedSchedule());
        vm.warp(block.timestamp + READING_WINDOW + 1);
        ScheduleLeaf[] memory all = scheduleLeaves(balancedSchedule());
        bytes32[] memory tree = scheduleTree(EPOCH, all);
        uint256 count = bound(seed, 1, all.length);
        uint256[] memory picked = new uint256[](count);
        uint256 stride = (seed >> 8) % all.length;
        if (stride == 0) stride = 1;
        uint256 n;
        bool[] memory used = new bool[](all.length);
        for (uint256 k; n < count; ++k) {
            uint256 idx = (k * stride + (seed >> 16)) % all.length;
            if (used[idx]) idx = _firstUnused(used);
            used[idx] = true;
            picked[n++] = idx;
        }
        (ScheduleLeaf[] memory leaves, bytes32[] memory proof, uint256[] memory flags) =
            scheduleProof(tree, all, picked);
        meters.checkSchedule(EPOCH, leaves, proof, flags);
        for (uint256 i; i < all.length; ++i) {
            IMeterReadings.HourCheck c = meters.hourCheck(EPOCH, all[i].agentId, all[i].hour);
            assertEq(
                uint8(c),
                uint8(used[i] ? IMeterReadings.HourCheck.Passed : IMeterReadings.HourCheck.Unchecked)
            );
        }
    }

    function test_checkSchedule_skipsLeavesCheckedBefore() public {
        submitAllExact(EPOCH, balancedSchedule());
        vm.warp(block.timestamp + READING_WINDOW + 1);
        checkAll(EPOCH, balancedSchedule());
        vm.expectEmit(address(meters));
        emit IMeterReadings.SchedulesChecked(EPOCH, 0, 0, 0);
        checkAll(EPOCH, balancedSchedule());
    }

    function test_checkSchedule_rejectsForgedLeaves() public {
        vm.warp(block.timestamp + READING_WINDOW + 1);
        ScheduleLeaf[] memory all = scheduleLeaves(balancedSchedule());
        (ScheduleLeaf[] memory leaves, bytes32[] memory proof, uint256[] memory flags) =
            scheduleProof(scheduleTree(EPOCH, all), all, hourIndices(2));
        leaves[1].energyWh = -1;
        vm.expectRevert(IMeterReadings.InvalidScheduleProof.selector);
        meters.checkSchedule(EPOCH, leaves, proof, flags);
    }

    function test_checkSchedule_rejectsLeavesOfAnotherEpoch() public {
        postEpoch(EPOCH + 1, balancedSchedule(), balancedTrades());
        vm.warp(block.timestamp + READING_WINDOW + 1);
        ScheduleLeaf[] memory all = scheduleLeaves(balancedSchedule());
        (ScheduleLeaf[] memory leaves, bytes32[] memory proof, uint256[] memory flags) =
            scheduleProof(scheduleTree(EPOCH, all), all, hourIndices(2));
        vm.expectRevert(IMeterReadings.InvalidScheduleProof.selector);
        meters.checkSchedule(EPOCH + 1, leaves, proof, flags);
    }

    function test_checkSchedule_rejectsAnHourOutOfRangeInTheTree() public {
        ScheduleLeaf[] memory bad = new ScheduleLeaf[](2);
        bad[0] = ScheduleLeaf(1, 24, 0);
        bad[1] = ScheduleLeaf(1, 0, 0);
        bytes32[] memory tree = scheduleTree(EPOCH + 1, bad);
        vm.prank(oracle);
        ledger.postEpoch{value: MIN_BOND}(epochParams(EPOCH + 1, tree[0], balancedTrades()));
        vm.warp(block.timestamp + READING_WINDOW + 1);
        (ScheduleLeaf[] memory leaves, bytes32[] memory proof, uint256[] memory flags) =
            scheduleProof(tree, bad, allIndices(2));
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.HourOutOfRange.selector, 24));
        meters.checkSchedule(EPOCH + 1, leaves, proof, flags);
    }

    function test_checkSchedule_revertsOnAVoidedEpoch() public {
        int64[AGENTS][24] memory s = balancedSchedule();
        s[0][0] = 0;
        postEpoch(EPOCH + 1, s, balancedTrades());
        ScheduleLeaf[] memory all = scheduleLeaves(s);
        (ScheduleLeaf[] memory leaves, bytes32[] memory proof, uint256[] memory flags) =
            scheduleProof(scheduleTree(EPOCH + 1, all), all, hourIndices(0));
        vm.prank(stranger);
        ledger.disputeHour(EPOCH + 1, 0, leaves, proof, flags);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.EpochIsVoided.selector, EPOCH + 1));
        meters.checkSchedule(EPOCH + 1, leaves, proof, flags);
    }

    function test_hourCheck_revertsOnHourOutOfRange() public {
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.HourOutOfRange.selector, 24));
        meters.hourCheck(EPOCH, 0, 24);
    }

    function _firstUnused(bool[] memory used) private pure returns (uint256) {
        for (uint256 i; i < used.length; ++i) {
            if (!used[i]) return i;
        }
        revert("all used");
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClearingLedger} from "../contracts/interfaces/IClearingLedger.sol";
import {IMeterReadings} from "../contracts/interfaces/IMeterReadings.sol";
import {IParticipantRegistry} from "../contracts/interfaces/IParticipantRegistry.sol";
import {SettlementMode} from "../contracts/types/Tariff.sol";
import {TradeData} from "./utils/MarketBase.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";

contract MeterReadingsTest is MarketFixture {
    uint32 internal constant EPOCH = 7;
    int32 internal constant MISSING = type(int32).min;

    function setUp() public override {
        super.setUp();
        postBalanced(EPOCH, SettlementMode.Imbalance);
    }

    function exactRow(uint16 agentId) internal pure returns (int32[24] memory) {
        return balancedRows()[agentId];
    }

    function exact(uint16 agentId) internal view returns (IMeterReadings.SignedReading memory) {
        return signedReading(EPOCH, agentId, exactRow(agentId), meterKeys[agentId]);
    }

    function commitment(uint16 agentId, int32[24] memory values) internal view returns (bytes32) {
        return readingCommitment(vm.addr(meterKeys[agentId]), values);
    }

    // ------------------------------------------------------------------ readings

    function test_readingDigest_matchesAnIndependentEip712Encoding() public view {
        int32[24] memory v = exactRow(3);
        v[5] = -7;
        v[6] = MISSING;
        assertEq(meters.readingDigest(EPOCH, 3, v), readingDigest(EPOCH, 3, v));
        assertEq(meters.MISSING_READING(), MISSING);
    }

    function test_submitReadings_storesACommitmentAndEmitsTheValues() public {
        vm.expectEmit(address(meters));
        emit IMeterReadings.ReadingsSubmitted(EPOCH, 0, vm.addr(meterKeys[0]), exactRow(0));
        submitReadings(EPOCH, balancedRows());
        bytes32[] memory stored = meters.commitments(EPOCH, ids());
        for (uint16 a; a < AGENTS; ++a) {
            assertTrue(meters.hasReadings(EPOCH, a));
            assertEq(stored[a], commitment(a, exactRow(a)));
            assertEq(meters.readingCommitment(vm.addr(meterKeys[a]), exactRow(a)), stored[a]);
        }
    }

    function test_commitments_areZeroBeforeSubmission() public view {
        assertFalse(meters.hasReadings(EPOCH, 1));
        assertEq(meters.commitments(EPOCH, ids())[1], bytes32(0));
    }

    function testFuzz_submitReadings_commitsToAnyValues(int32[24] memory values, uint8 agent) public {
        uint16 agentId = uint16(bound(agent, 0, AGENTS - 1));
        meters.submitReadings(one(signedReading(EPOCH, agentId, values, meterKeys[agentId])));
        uint16[] memory one_ = new uint16[](1);
        one_[0] = agentId;
        assertEq(meters.commitments(EPOCH, one_)[0], commitment(agentId, values));
    }

    function test_submitReadings_revertsOnEmptyBatch() public {
        vm.expectRevert(IMeterReadings.EmptyBatch.selector);
        meters.submitReadings(new IMeterReadings.SignedReading[](0));
    }

    function testFuzz_submitReadings_rejectsAWrongSigner(uint256 key) public {
        key = bound(key, 1, 1e70);
        vm.assume(key != meterKeys[1]);
        IMeterReadings.SignedReading memory r = signedReading(EPOCH, 1, exactRow(1), key);
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
        vm.assume(r.energyWh[hour] != exactRow(2)[hour]);
        vm.expectPartialRevert(IMeterReadings.InvalidMeterSignature.selector);
        meters.submitReadings(one(r));
    }

    function test_submitReadings_rejectsAReadingSignedForAnotherAgent() public {
        // Agent 1's meter signs a reading that names agent 3.
        IMeterReadings.SignedReading memory r = signedReading(EPOCH, 3, exactRow(3), meterKeys[1]);
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

    function test_submitReadings_rejectsAReadingReplayedIntoAnotherEpoch() public {
        postBalanced(EPOCH + 1, SettlementMode.Imbalance);
        IMeterReadings.SignedReading memory r = exact(1);
        r.epochId = EPOCH + 1;
        vm.expectPartialRevert(IMeterReadings.InvalidMeterSignature.selector);
        meters.submitReadings(one(r));
    }

    function test_submitReadings_rejectsAnUnpostedEpoch() public {
        IMeterReadings.SignedReading memory r = signedReading(99, 1, exactRow(1), meterKeys[1]);
        vm.expectRevert(abi.encodeWithSelector(IClearingLedger.EpochNotPosted.selector, 99));
        meters.submitReadings(one(r));
    }

    function test_submitReadings_rejectsAVoidedEpoch() public {
        int32[24][] memory rows = new int32[24][](AGENTS);
        (rows[2][0], rows[3][0]) = (1400, -1400); // overloads line 2-3
        fundFor(rows, SettlementMode.Imbalance);
        postRows(EPOCH + 1, SettlementMode.Imbalance, rows, new TradeData[](0));
        vm.prank(stranger);
        ledger.disputeLineOverload(EPOCH + 1, 0, packRows(rows), bytes32(0));

        IMeterReadings.SignedReading memory r = signedReading(EPOCH + 1, 1, rows[1], meterKeys[1]);
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

        meters.submitReadings(one(signedReading(EPOCH, 1, exactRow(1), newKey)));
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
        IMeterReadings.SignedReading memory r = signedReading(EPOCH, id, exactRow(1), key);
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.AgentNotInNetwork.selector, id, networkId));
        meters.submitReadings(one(r));
    }

    function test_submitReadings_rejectsAnUnknownAgent() public {
        IMeterReadings.SignedReading memory r = exact(1);
        r.agentId = 77;
        vm.expectRevert(abi.encodeWithSelector(IParticipantRegistry.UnknownAgent.selector, 77));
        meters.submitReadings(one(r));
    }

    function test_submitReadings_skipsReadingsAlreadyOnChainInsteadOfReverting() public {
        meters.submitReadings(one(exact(1)));
        bytes32 first = meters.commitments(EPOCH, ids())[1];

        // A copy, or another validly signed reading for the same agent: skipped, reported.
        int32[24] memory other = exactRow(1);
        other[0] += 1;
        IMeterReadings.SignedReading[] memory batch = new IMeterReadings.SignedReading[](3);
        batch[0] = exact(1);
        batch[1] = signedReading(EPOCH, 1, other, meterKeys[1]);
        batch[2] = exact(2);
        vm.expectEmit(address(meters));
        emit IMeterReadings.ReadingSkipped(EPOCH, 1);
        meters.submitReadings(batch);
        assertEq(meters.commitments(EPOCH, ids())[1], first);
        assertTrue(meters.hasReadings(EPOCH, 2));
    }

    // ------------------------------------------------------------------ clearing

    function test_clearReadings_removesAReadingOfARetiredKeySoTheNewKeysCanStand() public {
        meters.submitReadings(one(exact(1)));
        uint256 newKey = uint256(keccak256("new meter key"));
        vm.startPrank(registrar);
        registry.rotateMeter(1, vm.addr(newKey));
        vm.expectEmit(address(meters));
        emit IMeterReadings.ReadingsCleared(EPOCH, 1, vm.addr(meterKeys[1]));
        meters.clearReadings(EPOCH, 1, vm.addr(meterKeys[1]), exactRow(1));
        vm.stopPrank();
        assertFalse(meters.hasReadings(EPOCH, 1));
        int32[24] memory genuine = exactRow(1);
        genuine[4] = 0;
        meters.submitReadings(one(signedReading(EPOCH, 1, genuine, newKey)));
        assertEq(meters.commitments(EPOCH, ids())[1], readingCommitment(vm.addr(newKey), genuine));
    }

    function test_clearReadings_onlyTheRegistrarOnlyRetiredKeysOnlyInTheWindow() public {
        meters.submitReadings(one(exact(1)));
        address key = vm.addr(meterKeys[1]);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.NotRegistrar.selector, stranger));
        meters.clearReadings(EPOCH, 1, key, exactRow(1));

        vm.startPrank(registrar);
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.MeterKeyNotRetired.selector, key));
        meters.clearReadings(EPOCH, 1, key, exactRow(1));

        registry.revokeMeter(1);
        int32[24] memory wrong = exactRow(1);
        wrong[0] = 1;
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.ReadingNotStored.selector, EPOCH, 1));
        meters.clearReadings(EPOCH, 1, key, wrong);
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.ReadingNotStored.selector, EPOCH, 2));
        meters.clearReadings(EPOCH, 2, vm.addr(meterKeys[2]), exactRow(2));

        uint64 closesAt = ledger.epoch(EPOCH).readingsCloseAt;
        vm.warp(closesAt + 1);
        vm.expectRevert(abi.encodeWithSelector(IMeterReadings.ReadingWindowClosed.selector, EPOCH, closesAt));
        meters.clearReadings(EPOCH, 1, key, exactRow(1));
        vm.stopPrank();
    }
}

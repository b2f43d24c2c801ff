// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Leaves, ScheduleLeaf} from "../contracts/libraries/Leaves.sol";
import {MarketFixture, TradeData} from "./utils/MarketFixture.sol";

contract LeavesHarness {
    function tradeLeafOfWord(uint32 epochId, uint256 word) external pure returns (bytes32) {
        return Leaves.tradeLeafOfWord(epochId, word);
    }

    function scheduleLeaf(uint32 epochId, ScheduleLeaf calldata leaf) external pure returns (bytes32) {
        return Leaves.scheduleLeaf(epochId, leaf);
    }

    /// The assembly hash must not disturb memory that Solidity owns.
    function tradeLeafKeepsMemory(uint32 epochId, uint256 word) external pure returns (bool) {
        bytes32[] memory before = new bytes32[](3);
        before[0] = keccak256("a");
        before[1] = keccak256("b");
        before[2] = keccak256("c");
        uint256 freeBefore;
        assembly {
            freeBefore := mload(0x40)
        }
        Leaves.tradeLeafOfWord(epochId, word);
        uint256 freeAfter;
        assembly {
            freeAfter := mload(0x40)
        }
        return freeBefore == freeAfter && before[0] == keccak256("a") && before[1] == keccak256("b")
            && before[2] == keccak256("c");
    }
}

contract LeavesTest is MarketFixture {
    LeavesHarness internal harness = new LeavesHarness();

    function testFuzz_tradeLeafOfWord_equalsTheAbiEncodedStandardLeaf(
        uint32 epochId,
        uint32 tradeIndex,
        uint16 seller,
        uint16 buyer,
        uint8 hour,
        uint64 energyWh,
        uint120 value
    ) public view {
        TradeData memory t = TradeData(tradeIndex, seller, buyer, hour, energyWh, value);
        assertEq(harness.tradeLeafOfWord(epochId, pack(t)), tradeHash(epochId, t));
    }

    function testFuzz_tradeLeafOfWord_allocatesNothing(uint32 epochId, uint256 word) public view {
        assertTrue(harness.tradeLeafKeepsMemory(epochId, word));
    }

    function testFuzz_scheduleLeaf_equalsTheAbiEncodedStandardLeaf(
        uint32 epochId,
        uint16 agentId,
        uint8 hour,
        int64 energyWh
    ) public view {
        ScheduleLeaf memory l = ScheduleLeaf(agentId, hour, energyWh);
        assertEq(harness.scheduleLeaf(epochId, l), scheduleHash(epochId, l));
    }
}

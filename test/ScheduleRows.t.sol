// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ScheduleRows} from "../contracts/libraries/ScheduleRows.sol";
import {MerkleBuilder} from "./utils/MerkleBuilder.sol";
import {Test} from "forge-std/Test.sol";

contract ScheduleRowsHarness {
    function at(bytes calldata packed, uint256 row, uint256 hour) external pure returns (int256) {
        return ScheduleRows.at(packed, row, hour);
    }

    function leaf(uint32 epochId, uint16 agentId, bytes calldata packed, uint256 row)
        external
        pure
        returns (bytes32)
    {
        return ScheduleRows.leaf(epochId, agentId, packed, row);
    }

    function checkLength(bytes calldata packed, uint256 rows) external pure {
        ScheduleRows.checkLength(packed, rows);
    }
}

contract ScheduleRowsTest is Test {
    using MerkleBuilder for bytes32[];

    ScheduleRowsHarness internal harness = new ScheduleRowsHarness();

    function _pack(int32[24] memory a, int32[24] memory b) internal pure returns (bytes memory out) {
        for (uint256 h; h < 24; ++h) {
            out = bytes.concat(out, abi.encodePacked(a[h]));
        }
        for (uint256 h; h < 24; ++h) {
            out = bytes.concat(out, abi.encodePacked(b[h]));
        }
    }

    function testFuzz_at_readsSignedValuesOfEveryRowAndHour(int32[24] memory a, int32[24] memory b)
        public
        view
    {
        bytes memory packed = _pack(a, b);
        for (uint256 h; h < 24; ++h) {
            assertEq(harness.at(packed, 0, h), a[h]);
            assertEq(harness.at(packed, 1, h), b[h]);
        }
    }

    function testFuzz_leaf_isTheStandardLeafOfTheAbiEncodedRow(
        uint32 epochId,
        uint16 agentId,
        int32[24] memory a
    ) public view {
        bytes32 expected = keccak256(bytes.concat(keccak256(abi.encode(epochId, agentId, a))));
        assertEq(harness.leaf(epochId, agentId, _pack(a, a), 1), expected);
    }

    function testFuzz_root_isTheRootOfTheLibraryLayout(bytes32[] memory leaves) public pure {
        vm.assume(leaves.length > 0 && leaves.length < 200);
        assertEq(ScheduleRows.root(leaves), leaves.build()[0]);
    }

    function test_checkLength_namesTheLengthAndRows() public {
        vm.expectRevert(abi.encodeWithSelector(ScheduleRows.RowsLengthMismatch.selector, 95, 1));
        harness.checkLength(new bytes(95), 1);
        harness.checkLength(new bytes(192), 2);
    }
}

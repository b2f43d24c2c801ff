// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MultiProof} from "../contracts/libraries/MultiProof.sol";
import {MerkleBuilder} from "./utils/MerkleBuilder.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Test} from "forge-std/Test.sol";

contract MultiProofHarness {
    function process(bytes32[] memory leaves, bytes32[] calldata proof, uint256[] calldata flagBits)
        external
        pure
        returns (bytes32)
    {
        return MultiProof.processPacked(leaves, proof, flagBits);
    }

    function verify(
        bytes32 root,
        bytes32[] memory leaves,
        bytes32[] calldata proof,
        uint256[] calldata flagBits
    ) external pure returns (bool) {
        return MultiProof.verify(root, leaves, proof, flagBits);
    }
}

contract MultiProofTest is Test {
    using MerkleBuilder for bytes32[];

    MultiProofHarness internal h = new MultiProofHarness();

    function leavesOf(uint256 n, uint256 seed) internal pure returns (bytes32[] memory l) {
        l = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            l[i] = keccak256(abi.encode(seed, i));
        }
    }

    function subset(uint256 n, uint256 mask) internal pure returns (uint256[] memory idx) {
        uint256 count;
        for (uint256 i; i < n; ++i) {
            if ((mask >> (i % 256)) & 1 == 1) ++count;
        }
        idx = new uint256[](count);
        uint256 k;
        for (uint256 i; i < n; ++i) {
            if ((mask >> (i % 256)) & 1 == 1) idx[k++] = i;
        }
    }

    /// Any subset of any tree: the packed verifier agrees with OpenZeppelin's and finds the root.
    function testFuzz_processPacked_agreesWithOpenZeppelin(uint8 size, uint256 mask, uint256 seed)
        public
        view
    {
        uint256 n = bound(size, 1, 200);
        bytes32[] memory tree = leavesOf(n, seed).build();
        uint256[] memory idx = subset(n, mask);
        vm.assume(idx.length > 0);
        MerkleBuilder.MultiProof memory mp = tree.multiProof(idx);
        bytes32 root = h.process(mp.leaves, mp.proof, mp.flagBits);
        assertEq(root, tree[0]);
        assertEq(root, MerkleProof.processMultiProof(mp.proof, mp.flags, mp.leaves));
    }

    function testFuzz_verify_rejectsATamperedLeaf(uint8 size, uint256 mask, uint256 which) public view {
        uint256 n = bound(size, 2, 100);
        bytes32[] memory tree = leavesOf(n, 1).build();
        uint256[] memory idx = subset(n, mask);
        vm.assume(idx.length > 0);
        MerkleBuilder.MultiProof memory mp = tree.multiProof(idx);
        mp.leaves[which % mp.leaves.length] ^= bytes32(uint256(1));
        assertFalse(h.verify(tree[0], mp.leaves, mp.proof, mp.flagBits));
    }

    function test_processPacked_aSingleLeafTreeIsItsOwnRoot() public view {
        bytes32[] memory leaves = leavesOf(1, 3);
        assertEq(h.process(leaves, new bytes32[](0), new uint256[](0)), leaves[0]);
    }

    function test_processPacked_flipsAFlagBitAndFails() public view {
        bytes32[] memory tree = leavesOf(16, 4).build();
        uint256[] memory idx = new uint256[](2);
        (idx[0], idx[1]) = (3, 9);
        MerkleBuilder.MultiProof memory mp = tree.multiProof(idx);
        assertTrue(h.verify(tree[0], mp.leaves, mp.proof, mp.flagBits));
        mp.flagBits[0] ^= 1;
        // A flipped flag either consumes the queue out of order or leaves a proof node unused.
        try h.verify(tree[0], mp.leaves, mp.proof, mp.flagBits) returns (bool ok) {
            assertFalse(ok);
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), MultiProof.InvalidMultiProof.selector);
        }
    }

    function test_processPacked_rejectsAWrongNumberOfFlagWords() public {
        bytes32[] memory tree = leavesOf(8, 5).build();
        MerkleBuilder.MultiProof memory mp = tree.multiProof(subset(8, 0x0f));
        uint256[] memory extra = new uint256[](mp.flagBits.length + 1);
        vm.expectRevert(MultiProof.InvalidMultiProof.selector);
        h.process(mp.leaves, mp.proof, extra);
    }

    function test_processPacked_rejectsFlagsThatSkipAProofNode() public {
        // Two leaves and one proof node make two steps. Flags 0b11 merge queue elements twice:
        // the proof node is never used and the second step would need a hash not yet computed.
        bytes32[] memory leaves = leavesOf(2, 6);
        bytes32[] memory proof = new bytes32[](1);
        uint256[] memory flags = new uint256[](1);
        flags[0] = 3;
        vm.expectRevert(MultiProof.InvalidMultiProof.selector);
        h.process(leaves, proof, flags);
    }

    function test_processPacked_rejectsReadingAHashNotYetComputed() public {
        // One leaf, one proof node, one step whose flag asks for a second queue element.
        bytes32[] memory leaves = leavesOf(1, 7);
        bytes32[] memory proof = new bytes32[](1);
        uint256[] memory flags = new uint256[](1);
        flags[0] = 1;
        vm.expectRevert(MultiProof.InvalidMultiProof.selector);
        h.process(leaves, proof, flags);
    }

    function test_processPacked_rejectsProofNodesWithoutLeaves() public {
        // No leaves: the first step would take its left operand from an empty queue.
        bytes32[] memory proof = new bytes32[](2);
        vm.expectRevert(MultiProof.InvalidMultiProof.selector);
        h.process(new bytes32[](0), proof, new uint256[](1));
    }

    function test_processPacked_rejectsFlagsThatNeedMoreProofNodes() public {
        // Two leaves, one proof node, two steps both asking for a proof node: the second finds none.
        bytes32[] memory proof = new bytes32[](1);
        vm.expectRevert(MultiProof.InvalidMultiProof.selector);
        h.process(leavesOf(2, 9), proof, new uint256[](1));
    }

    function test_processPacked_rejectsNothingToProve() public {
        vm.expectRevert(MultiProof.InvalidMultiProof.selector);
        h.process(new bytes32[](0), new bytes32[](0), new uint256[](0));
    }

    function test_processPacked_spansSeveralFlagWords() public view {
        bytes32[] memory tree = leavesOf(700, 8).build();
        uint256[] memory idx = new uint256[](600);
        for (uint256 i; i < 600; ++i) {
            idx[i] = i + 50;
        }
        MerkleBuilder.MultiProof memory mp = tree.multiProof(idx);
        assertGt(mp.flagBits.length, 2);
        assertEq(h.process(mp.leaves, mp.proof, mp.flagBits), tree[0]);
    }
}

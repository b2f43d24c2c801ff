// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title MultiProof
/// @notice Merkle multiproof verification with the proof flags packed one bit each.
/// @dev Same algorithm and tree shape as OpenZeppelin's MerkleProof.processMultiProof (sorted-pair
///      hashing; leaves in the order that OpenZeppelin's merkle-tree getMultiProof returns), so
///      its proofs verify here once their flags are packed: flag i is bit (i % 256) of word i / 256.
///      Packing saves 31 bytes of calldata per flag, and the assembly loop avoids the bounds checks
///      of the Solidity version: settlement verifies one flag per trade, so both pay off there.
///      Stricter than OpenZeppelin on malformed input: a step that would read a hash not yet
///      computed, or flags words that do not match the step count, make the proof invalid.
library MultiProof {
    /// @notice The multiproof is malformed.
    error InvalidMultiProof();

    /// @notice Whether `leaves` (in proof order) belong to the tree of `root`.
    function verify(
        bytes32 root,
        bytes32[] memory leaves,
        bytes32[] calldata proof,
        uint256[] calldata flagBits
    ) internal pure returns (bool) {
        return processPacked(leaves, proof, flagBits) == root;
    }

    /// @notice The root rebuilt from `leaves` (in proof order), sibling nodes and packed flags.
    /// @dev Every leaf and proof node but one is consumed by exactly one hash step, so there are
    ///      leaves + proof - 1 steps; the last step's hash is the root.
    // solhint-disable-next-line function-max-lines
    function processPacked(bytes32[] memory leaves, bytes32[] calldata proof, uint256[] calldata flagBits)
        internal
        pure
        returns (bytes32 root)
    {
        uint256 leavesLen = leaves.length;
        uint256 proofLen = proof.length;
        if (leavesLen + proofLen == 0) revert InvalidMultiProof();
        uint256 steps = leavesLen + proofLen - 1;
        if (flagBits.length != (steps + 255) >> 8) revert InvalidMultiProof();
        if (steps == 0) return leavesLen == 1 ? leaves[0] : proof[0];

        bool ok = true;
        assembly ("memory-safe") {
            // The queue: leaves first, then the hashes this loop writes past the free memory pointer.
            let leafPtr := add(leaves, 0x20)
            let leafEnd := add(leafPtr, shl(5, leavesLen))
            let hashRead := mload(0x40)
            let hashWrite := hashRead
            let proofPtr := proof.offset
            let proofEnd := add(proofPtr, shl(5, proofLen))
            let flagWord := 0
            for { let i := 0 } lt(i, steps) { i := add(i, 1) } {
                if iszero(and(i, 0xff)) { flagWord := calldataload(add(flagBits.offset, shl(5, shr(8, i)))) }
                let a
                switch lt(leafPtr, leafEnd)
                case 1 {
                    a := mload(leafPtr)
                    leafPtr := add(leafPtr, 0x20)
                }
                default {
                    if iszero(lt(hashRead, hashWrite)) { ok := 0 }
                    a := mload(hashRead)
                    hashRead := add(hashRead, 0x20)
                }
                let b
                switch and(shr(and(i, 0xff), flagWord), 1)
                case 1 {
                    switch lt(leafPtr, leafEnd)
                    case 1 {
                        b := mload(leafPtr)
                        leafPtr := add(leafPtr, 0x20)
                    }
                    default {
                        if iszero(lt(hashRead, hashWrite)) { ok := 0 }
                        b := mload(hashRead)
                        hashRead := add(hashRead, 0x20)
                    }
                }
                default {
                    if iszero(lt(proofPtr, proofEnd)) { ok := 0 }
                    b := calldataload(proofPtr)
                    proofPtr := add(proofPtr, 0x20)
                }
                // Sorted-pair (commutative) hashing, in scratch space.
                switch lt(a, b)
                case 1 {
                    mstore(0x00, a)
                    mstore(0x20, b)
                }
                default {
                    mstore(0x00, b)
                    mstore(0x20, a)
                }
                mstore(hashWrite, keccak256(0x00, 0x40))
                hashWrite := add(hashWrite, 0x20)
            }
            if iszero(eq(proofPtr, proofEnd)) { ok := 0 }
            root := mload(sub(hashWrite, 0x20))
        }
        if (!ok) revert InvalidMultiProof();
    }
}

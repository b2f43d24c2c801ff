// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MultiProof} from "./MultiProof.sol";

/// @notice One agent's scheduled net injection for one hour of an epoch (the epoch is implied by
///         the call and bound into the leaf hash).
/// @param agentId Dense agent id.
/// @param hour 0..23.
/// @param energyWh Scheduled net injection in Wh (positive = the agent supplies energy).
struct ScheduleLeaf {
    uint16 agentId;
    uint8 hour;
    int64 energyWh;
}

/// @title Leaves
/// @notice Leaf hashing exactly as @openzeppelin/merkle-tree's StandardMerkleTree does it
///         (keccak256 of keccak256 of the abi-encoded values), so that proofs built off chain with
///         that library verify here, and a 64-byte leaf can never pose as an inner node.
/// @dev StandardMerkleTree leaf encodings:
///      schedule: ["uint32", "uint16", "uint8", "int64"] = (epochId, agentId, hour, energyWh)
///      trade:    ["uint32", "uint32", "uint16", "uint16", "uint8", "uint64", "uint120"]
///                = (epochId, tradeIndex, seller, buyer, hour, energyWh, value)
///      A trade travels in calldata as one 256-bit word, least significant bits first:
///      tradeIndex (32) | seller (16) | buyer (16) | hour (8) | energyWh (64) | value (120).
///      One word per trade keeps settlement calldata at 32 bytes per trade instead of 224.
library Leaves {
    /// @notice Hours in an epoch.
    uint8 internal constant HOURS = 24;

    /// @notice The StandardMerkleTree leaf of a schedule entry.
    function scheduleLeaf(uint32 epochId, ScheduleLeaf calldata leaf) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(epochId, leaf.agentId, leaf.hour, leaf.energyWh))));
    }

    /// @notice Whether schedule leaves (in proof order) belong to the epoch's schedule tree.
    function verifySchedule(
        uint32 epochId,
        bytes32 root,
        ScheduleLeaf[] calldata leaves,
        bytes32[] calldata proof,
        uint256[] calldata proofFlagBits
    ) internal pure returns (bool) {
        bytes32[] memory hashes = new bytes32[](leaves.length);
        for (uint256 i; i < leaves.length; ++i) {
            hashes[i] = scheduleLeaf(epochId, leaves[i]);
        }
        return MultiProof.verify(root, hashes, proof, proofFlagBits);
    }

    /// @notice The StandardMerkleTree leaf of a trade given as its calldata word.
    /// @dev Hot path of settlement: the seven-word encoding is written past the free memory
    ///      pointer and the outer hash uses scratch space, so hashing a batch allocates nothing.
    function tradeLeafOfWord(uint32 epochId, uint256 word) internal pure returns (bytes32 leaf) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, epochId)
            mstore(add(ptr, 0x20), and(word, 0xffffffff))
            mstore(add(ptr, 0x40), and(shr(32, word), 0xffff))
            mstore(add(ptr, 0x60), and(shr(48, word), 0xffff))
            mstore(add(ptr, 0x80), and(shr(64, word), 0xff))
            mstore(add(ptr, 0xa0), and(shr(72, word), 0xffffffffffffffff))
            mstore(add(ptr, 0xc0), shr(136, word))
            mstore(0x00, keccak256(ptr, 0xe0))
            leaf := keccak256(0x00, 0x20)
        }
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ScheduleRows
/// @notice The committed schedule of an epoch: one row per agent of the network, in the network's
///         list order, each row the agent's 24 hourly net injections in Wh (positive = supplies).
/// @dev Rows travel in calldata packed: 24 int32 big-endian values, 96 bytes per row, rows back to
///      back. The schedule root is a StandardMerkleTree (OpenZeppelin's merkle-tree library,
///      sortLeaves: false) over one leaf per row, leaf = keccak256(keccak256(abi.encode(uint32 epochId,
///      uint16 agentId, int32[24] energyWh))). The contract computes that root itself from the
///      posted rows, so every (agent, hour) of the network has exactly one committed value: no
///      leaf can be left out, duplicated or placed at another position.
library ScheduleRows {
    /// @notice Hours in an epoch.
    uint256 internal constant HOURS = 24;
    /// @notice Bytes of one packed row (24 × int32).
    uint256 internal constant ROW_BYTES = 96;

    /// @notice The packed rows do not have `rows` × 96 bytes.
    error RowsLengthMismatch(uint256 length, uint256 rows);

    /// @notice Reverts unless `packed` holds exactly `rows` rows.
    function checkLength(bytes calldata packed, uint256 rows) internal pure {
        if (packed.length != rows * ROW_BYTES) revert RowsLengthMismatch(packed.length, rows);
    }

    /// @notice Value of `row` at `hour` (the caller has checked the length).
    function at(bytes calldata packed, uint256 row, uint256 hour) internal pure returns (int256 v) {
        assembly ("memory-safe") {
            v := signextend(3, shr(224, calldataload(add(packed.offset, add(mul(row, 96), shl(2, hour))))))
        }
    }

    /// @notice The StandardMerkleTree leaf of `row`, abi-encoding the 24 values as int32[24].
    /// @dev The 26-word encoding is written past the free memory pointer and the outer hash uses
    ///      scratch space, so hashing a row allocates nothing. The row is read as its three
    ///      calldata words, each spread into 8 sign-extended words without a loop: a loop's
    ///      bookkeeping would cost more than the stores (this runs once per agent at posting and at
    ///      settlement).
    function leaf(uint32 epochId, uint16 agentId, bytes calldata packed, uint256 row)
        internal
        pure
        returns (bytes32 h)
    {
        assembly ("memory-safe") {
            function spread(dst, word) {
                mstore(dst, signextend(3, shr(224, word)))
                mstore(add(dst, 0x20), signextend(3, shr(192, word)))
                mstore(add(dst, 0x40), signextend(3, shr(160, word)))
                mstore(add(dst, 0x60), signextend(3, shr(128, word)))
                mstore(add(dst, 0x80), signextend(3, shr(96, word)))
                mstore(add(dst, 0xa0), signextend(3, shr(64, word)))
                mstore(add(dst, 0xc0), signextend(3, shr(32, word)))
                mstore(add(dst, 0xe0), signextend(3, word))
            }
            let ptr := mload(0x40)
            mstore(ptr, epochId)
            mstore(add(ptr, 0x20), agentId)
            let src := add(packed.offset, mul(row, 96))
            spread(add(ptr, 0x40), calldataload(src))
            spread(add(ptr, 0x140), calldataload(add(src, 0x20)))
            spread(add(ptr, 0x240), calldataload(add(src, 0x40)))
            mstore(0x00, keccak256(ptr, 0x340))
            h := keccak256(0x00, 0x20)
        }
    }

    /// @notice The root of a StandardMerkleTree over `leaves` in insertion order (sortLeaves:
    ///         false): the array layout of OpenZeppelin's merkle-tree library, leaves at the end in reverse
    ///         order, node i = hash of the sorted pair (2i + 1, 2i + 2).
    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        uint256 n = leaves.length;
        if (n == 1) return leaves[0];
        bytes32[] memory tree = new bytes32[](2 * n - 1);
        for (uint256 i; i < n; ++i) {
            tree[2 * n - 2 - i] = leaves[i];
        }
        for (uint256 k = n - 1; k > 0; --k) {
            uint256 i = k - 1;
            tree[i] = _hashPair(tree[2 * i + 1], tree[2 * i + 2]);
        }
        return tree[0];
    }

    function _hashPair(bytes32 a, bytes32 b) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            switch lt(a, b)
            case 1 {
                mstore(0x00, a)
                mstore(0x20, b)
            }
            default {
                mstore(0x00, b)
                mstore(0x20, a)
            }
            h := keccak256(0x00, 0x40)
        }
    }
}

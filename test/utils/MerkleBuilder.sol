// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Builds Merkle trees in the array layout of @openzeppelin/merkle-tree (leaves at the end
///         of the array in reverse insertion order, sorted-pair hashing, no leaf sorting) and
///         produces single proofs and multiproofs for tests. The TypeScript side uses the library
///         itself; a differential test there checks that both agree with the contracts.
library MerkleBuilder {
    struct MultiProof {
        bytes32[] leaves;
        bytes32[] proof;
        bool[] flags;
        /// @dev `flags` packed one bit each, as the contracts take them.
        uint256[] flagBits;
        /// @dev Insertion indices of `leaves`, in proof order.
        uint256[] order;
    }

    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    function build(bytes32[] memory leaves) internal pure returns (bytes32[] memory tree) {
        require(leaves.length > 0, "MerkleBuilder: no leaves");
        uint256 n = leaves.length;
        tree = new bytes32[](2 * n - 1);
        for (uint256 i; i < n; ++i) {
            tree[tree.length - 1 - i] = leaves[i];
        }
        for (uint256 k = tree.length - n; k > 0; --k) {
            uint256 i = k - 1;
            tree[i] = hashPair(tree[2 * i + 1], tree[2 * i + 2]);
        }
    }

    function root(bytes32[] memory tree) internal pure returns (bytes32) {
        return tree[0];
    }

    function treeIndex(bytes32[] memory tree, uint256 leafIndex) internal pure returns (uint256) {
        return tree.length - 1 - leafIndex;
    }

    function proof(bytes32[] memory tree, uint256 leafIndex) internal pure returns (bytes32[] memory p) {
        uint256 idx = treeIndex(tree, leafIndex);
        uint256 depth;
        for (uint256 j = idx; j > 0; j = (j - 1) / 2) {
            ++depth;
        }
        p = new bytes32[](depth);
        for (uint256 d; idx > 0; ++d) {
            p[d] = tree[_sibling(idx)];
            idx = (idx - 1) / 2;
        }
    }

    /// @notice Multiproof for the given leaf (insertion) indices; they must be distinct.
    function multiProof(bytes32[] memory tree, uint256[] memory leafIndices)
        internal
        pure
        returns (MultiProof memory mp)
    {
        uint256 n = leafIndices.length;
        // Tree indices sorted descending (insertion indices ascending).
        uint256[] memory sorted = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            sorted[i] = treeIndex(tree, leafIndices[i]);
        }
        _sortDesc(sorted);
        mp.leaves = new bytes32[](n);
        mp.order = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            mp.leaves[i] = tree[sorted[i]];
            mp.order[i] = tree.length - 1 - sorted[i];
        }

        // Queue of tree indices still to be resolved; it only shrinks, so n + tree slots suffice.
        uint256[] memory queue = new uint256[](n + tree.length);
        uint256 head;
        uint256 tail;
        for (uint256 i; i < n; ++i) {
            queue[tail++] = sorted[i];
        }
        bytes32[] memory proofBuf = new bytes32[](tree.length);
        bool[] memory flagBuf = new bool[](tree.length);
        uint256 proofLen;
        uint256 flagLen;
        while (head < tail && queue[head] > 0) {
            uint256 j = queue[head++];
            uint256 s = _sibling(j);
            uint256 parent = (j - 1) / 2;
            if (head < tail && queue[head] == s) {
                flagBuf[flagLen++] = true;
                ++head;
            } else {
                flagBuf[flagLen++] = false;
                proofBuf[proofLen++] = tree[s];
            }
            queue[tail++] = parent;
        }
        if (n == 0) proofBuf[proofLen++] = tree[0];
        mp.proof = new bytes32[](proofLen);
        for (uint256 i; i < proofLen; ++i) {
            mp.proof[i] = proofBuf[i];
        }
        mp.flags = new bool[](flagLen);
        mp.flagBits = new uint256[]((flagLen + 255) / 256);
        for (uint256 i; i < flagLen; ++i) {
            mp.flags[i] = flagBuf[i];
            if (flagBuf[i]) mp.flagBits[i / 256] |= 1 << (i % 256);
        }
    }

    function _sibling(uint256 i) private pure returns (uint256) {
        return i % 2 == 0 ? i - 1 : i + 1;
    }

    function _sortDesc(uint256[] memory a) private pure {
        for (uint256 i = 1; i < a.length; ++i) {
            uint256 v = a[i];
            uint256 j = i;
            while (j > 0 && a[j - 1] < v) {
                a[j] = a[j - 1];
                --j;
            }
            a[j] = v;
        }
    }
}

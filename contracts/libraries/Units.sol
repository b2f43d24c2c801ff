// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Units
/// @notice Fixed-point and unit conventions shared by the market contracts.
/// @dev Energy is Wh per hourly period (so a power limit in W over one hour is the same number);
///      money is in the settlement token's base units; PTDF entries are scaled by PTDF_SCALE.
library Units {
    /// @notice Fixed-point scale of PTDF entries: 1.0 is 1e9.
    int256 internal constant PTDF_SCALE = 1e9;
}

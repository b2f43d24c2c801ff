// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Roles
/// @notice AccessControl role identifiers shared by the market contracts.
library Roles {
    /// @notice Registers networks and agents, rotates and revokes meter keys.
    bytes32 internal constant REGISTRAR = keccak256("gridmarket.role.registrar");
    /// @notice Posts clearing epochs.
    bytes32 internal constant ORACLE = keccak256("gridmarket.role.oracle");
    /// @notice Mints the local settlement token.
    bytes32 internal constant MINTER = keccak256("gridmarket.role.minter");
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Roles} from "../libraries/Roles.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title SettlementToken
/// @notice A dollar-denominated test token for local and test deployments (6 decimals, so one
///         base unit is one micro-dollar). Production settles in any ERC-20 instead.
contract SettlementToken is ERC20, AccessControl {
    /// @notice Role that mints.
    bytes32 public constant MINTER_ROLE = Roles.MINTER;

    constructor(address admin) ERC20("GridMarket Test Dollar", "gUSD") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, admin);
    }

    /// @notice Mints `amount` base units to `to`. Only the minter role.
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 6;
    }
}

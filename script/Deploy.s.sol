// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ClearingLedger} from "../contracts/ClearingLedger.sol";
import {MeterReadings} from "../contracts/MeterReadings.sol";
import {NetworkRegistry} from "../contracts/NetworkRegistry.sol";
import {ParticipantRegistry} from "../contracts/ParticipantRegistry.sol";
import {Settlement} from "../contracts/Settlement.sol";
import {SettlementToken} from "../contracts/token/SettlementToken.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Script} from "forge-std/Script.sol";

/// @notice Deploys and wires the market, then writes the addresses to a JSON file.
/// @dev Environment (all optional):
///      DEPLOYER_PRIVATE_KEY  broadcaster and admin (default: anvil's first dev account)
///      ORACLE_ADDRESS        gets the oracle role (default: the deployer)
///      REGISTRAR_ADDRESS     gets the registrar roles (default: the deployer)
///      SETTLEMENT_TOKEN      an existing ERC-20 to settle in (default: a new SettlementToken)
///      READING_WINDOW        seconds after posting during which readings are accepted (7200)
///      CHALLENGE_WINDOW      seconds after posting during which disputes are accepted (3600)
///      MIN_BOND              wei an oracle bonds per epoch (0)
///      DEPLOYMENT_OUT        output path (default: deployments/<chainId>.json)
contract Deploy is Script {
    /// @dev Anvil's first development key: public, for local chains only.
    uint256 internal constant ANVIL_KEY = 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80;

    struct Deployment {
        address networkRegistry;
        address participantRegistry;
        address clearingLedger;
        address meterReadings;
        address settlement;
        address settlementToken;
        uint256 startBlock;
    }

    function run() external returns (Deployment memory d) {
        uint256 key = vm.envOr("DEPLOYER_PRIVATE_KEY", ANVIL_KEY);
        address admin = vm.addr(key);
        address oracle = vm.envOr("ORACLE_ADDRESS", admin);
        address registrar = vm.envOr("REGISTRAR_ADDRESS", admin);
        address existingToken = vm.envOr("SETTLEMENT_TOKEN", address(0));
        uint64 readingWindow = uint64(vm.envOr("READING_WINDOW", uint256(2 hours)));
        uint64 challengeWindow = uint64(vm.envOr("CHALLENGE_WINDOW", uint256(1 hours)));
        uint128 minBond = uint128(vm.envOr("MIN_BOND", uint256(0)));

        d.startBlock = block.number;
        vm.startBroadcast(key);
        NetworkRegistry networks = new NetworkRegistry(admin);
        ParticipantRegistry registry = new ParticipantRegistry(admin, networks);
        ClearingLedger ledger = new ClearingLedger(admin, registry, readingWindow, challengeWindow, minBond);
        MeterReadings meters = new MeterReadings(registry, ledger);
        address tokenAddress =
            existingToken == address(0) ? address(new SettlementToken(admin)) : existingToken;
        Settlement settlement = new Settlement(registry, ledger, meters, IERC20(tokenAddress));

        networks.grantRole(networks.REGISTRAR_ROLE(), registrar);
        registry.grantRole(registry.REGISTRAR_ROLE(), registrar);
        ledger.grantRole(ledger.ORACLE_ROLE(), oracle);
        vm.stopBroadcast();

        d.networkRegistry = address(networks);
        d.participantRegistry = address(registry);
        d.clearingLedger = address(ledger);
        d.meterReadings = address(meters);
        d.settlement = address(settlement);
        d.settlementToken = tokenAddress;
        _write(d, readingWindow, challengeWindow, minBond);
    }

    function _write(Deployment memory d, uint64 readingWindow, uint64 challengeWindow, uint128 minBond)
        internal
    {
        string memory o = "deployment";
        vm.serializeUint(o, "chainId", block.chainid);
        vm.serializeUint(o, "startBlock", d.startBlock);
        vm.serializeUint(o, "readingWindow", readingWindow);
        vm.serializeUint(o, "challengeWindow", challengeWindow);
        vm.serializeUint(o, "minBond", minBond);
        vm.serializeAddress(o, "networkRegistry", d.networkRegistry);
        vm.serializeAddress(o, "participantRegistry", d.participantRegistry);
        vm.serializeAddress(o, "clearingLedger", d.clearingLedger);
        vm.serializeAddress(o, "meterReadings", d.meterReadings);
        vm.serializeAddress(o, "settlement", d.settlement);
        string memory json = vm.serializeAddress(o, "settlementToken", d.settlementToken);
        string memory path = vm.envOr(
            "DEPLOYMENT_OUT",
            string.concat(vm.projectRoot(), "/deployments/", vm.toString(block.chainid), ".json")
        );
        vm.writeJson(json, path);
    }
}

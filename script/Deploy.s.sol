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
///      MIN_BOND              wei an oracle bonds per epoch (0.1 ether)
///      CHALLENGER_SHARE_BPS  share of a voided epoch's bond paid to its challenger (5000 = 50%)
///      TREASURY              receives the rest of a voided epoch's bond (default: the burn address)
///      DEPLOYMENT_OUT        output path (default: deployments/<chainId>.json)
contract Deploy is Script {
    /// @dev Anvil's first development key: public, for local chains only.
    uint256 internal constant ANVIL_KEY = 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80;
    /// @dev Native currency sent here is gone for good: the default treasury burns.
    address internal constant BURN_ADDRESS = 0x000000000000000000000000000000000000dEaD;

    struct Deployment {
        address networkRegistry;
        address participantRegistry;
        address clearingLedger;
        address meterReadings;
        address settlement;
        address settlementToken;
        uint256 startBlock;
    }

    /// @dev The environment, read once.
    struct Config {
        uint256 key;
        address admin;
        address oracle;
        address registrar;
        address existingToken;
        uint64 readingWindow;
        uint64 challengeWindow;
        uint128 minBond;
        uint16 challengerShareBps;
        address treasury;
    }

    function run() external returns (Deployment memory d) {
        Config memory c = _config();
        d.startBlock = block.number;
        vm.startBroadcast(c.key);
        NetworkRegistry networks = new NetworkRegistry(c.admin);
        ParticipantRegistry registry = new ParticipantRegistry(c.admin, networks);
        ClearingLedger ledger = new ClearingLedger(
            c.admin, registry, c.readingWindow, c.challengeWindow, c.minBond, c.challengerShareBps, c.treasury
        );
        MeterReadings meters = new MeterReadings(registry, ledger);
        address tokenAddress =
            c.existingToken == address(0) ? address(new SettlementToken(c.admin)) : c.existingToken;
        Settlement settlement = new Settlement(registry, ledger, meters, IERC20(tokenAddress));
        ledger.bindSettlement(settlement);

        networks.grantRole(networks.REGISTRAR_ROLE(), c.registrar);
        registry.grantRole(registry.REGISTRAR_ROLE(), c.registrar);
        ledger.grantRole(ledger.ORACLE_ROLE(), c.oracle);
        vm.stopBroadcast();

        d.networkRegistry = address(networks);
        d.participantRegistry = address(registry);
        d.clearingLedger = address(ledger);
        d.meterReadings = address(meters);
        d.settlement = address(settlement);
        d.settlementToken = tokenAddress;
        _write(d, c);
    }

    function _config() internal view returns (Config memory c) {
        c.key = vm.envOr("DEPLOYER_PRIVATE_KEY", ANVIL_KEY);
        c.admin = vm.addr(c.key);
        c.oracle = vm.envOr("ORACLE_ADDRESS", c.admin);
        c.registrar = vm.envOr("REGISTRAR_ADDRESS", c.admin);
        c.existingToken = vm.envOr("SETTLEMENT_TOKEN", address(0));
        c.readingWindow = uint64(vm.envOr("READING_WINDOW", uint256(2 hours)));
        c.challengeWindow = uint64(vm.envOr("CHALLENGE_WINDOW", uint256(1 hours)));
        c.minBond = uint128(vm.envOr("MIN_BOND", uint256(0.1 ether)));
        c.challengerShareBps = uint16(vm.envOr("CHALLENGER_SHARE_BPS", uint256(5000)));
        c.treasury = vm.envOr("TREASURY", BURN_ADDRESS);
    }

    function _write(Deployment memory d, Config memory c) internal {
        string memory o = "deployment";
        vm.serializeUint(o, "chainId", block.chainid);
        vm.serializeUint(o, "startBlock", d.startBlock);
        vm.serializeUint(o, "readingWindow", c.readingWindow);
        vm.serializeUint(o, "challengeWindow", c.challengeWindow);
        vm.serializeUint(o, "minBond", c.minBond);
        vm.serializeUint(o, "challengerShareBps", c.challengerShareBps);
        vm.serializeAddress(o, "treasury", c.treasury);
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

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {INetworkRegistry} from "./interfaces/INetworkRegistry.sol";
import {Roles} from "./libraries/Roles.sol";
import {Units} from "./libraries/Units.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title NetworkRegistry
/// @notice Stores DC networks (line limits and bus-level PTDF) so that disputes can recompute line
///         flows of a committed schedule on chain. Networks are immutable once registered: a
///         changed topology is a new network id, so past epochs keep the network they cleared on.
contract NetworkRegistry is INetworkRegistry, AccessControl {
    /// @notice Role that registers networks.
    bytes32 public constant REGISTRAR_ROLE = Roles.REGISTRAR;

    /// @inheritdoc INetworkRegistry
    int256 public constant PTDF_SCALE = Units.PTDF_SCALE;

    mapping(uint32 networkId => Network) private _networks;
    mapping(uint32 networkId => uint32[]) private _limitsWh;
    /// @dev Row-major (line by line, one entry per bus); int32 entries pack eight to a slot.
    mapping(uint32 networkId => int32[]) private _ptdf;
    uint32 private _networkCount;

    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc INetworkRegistry
    function registerNetwork(
        uint16 busCount,
        uint16 slackBus,
        uint32 flowToleranceWh,
        uint32[] calldata limitsWh,
        int32[] calldata ptdfEntries
    ) external onlyRole(REGISTRAR_ROLE) returns (uint32 networkId) {
        uint256 lineCount = limitsWh.length;
        if (busCount < 2 || lineCount == 0 || lineCount > type(uint16).max) {
            revert NetworkTooSmall(busCount, lineCount);
        }
        if (slackBus == 0 || slackBus > busCount) revert SlackBusOutOfRange(slackBus, busCount);
        if (ptdfEntries.length != lineCount * busCount) {
            revert PtdfShapeMismatch(ptdfEntries.length, lineCount * busCount);
        }
        for (uint256 line; line < lineCount; ++line) {
            if (limitsWh[line] == 0) revert NonPositiveLineLimit(line);
            uint256 row = line * busCount;
            for (uint256 b; b < busCount; ++b) {
                int32 entry = ptdfEntries[row + b];
                if (entry > PTDF_SCALE || entry < -PTDF_SCALE) {
                    revert PtdfEntryOutOfRange(line, b + 1, entry);
                }
                if (b + 1 == slackBus && entry != 0) revert SlackColumnNotZero(line, entry);
            }
        }

        networkId = ++_networkCount;
        bytes32 dataHash = keccak256(abi.encode(busCount, slackBus, flowToleranceWh, limitsWh, ptdfEntries));
        _networks[networkId] = Network({
            busCount: busCount,
            lineCount: uint16(lineCount),
            slackBus: slackBus,
            flowToleranceWh: flowToleranceWh,
            dataHash: dataHash
        });
        _limitsWh[networkId] = limitsWh;
        _ptdf[networkId] = ptdfEntries;
        emit NetworkRegistered(networkId, busCount, uint16(lineCount), slackBus, dataHash);
    }

    /// @inheritdoc INetworkRegistry
    function network(uint32 networkId) public view returns (Network memory n) {
        n = _networks[networkId];
        if (n.busCount == 0) revert UnknownNetwork(networkId);
    }

    /// @inheritdoc INetworkRegistry
    function networkCount() external view returns (uint32) {
        return _networkCount;
    }

    /// @inheritdoc INetworkRegistry
    function lineLimits(uint32 networkId) external view returns (uint32[] memory) {
        network(networkId);
        return _limitsWh[networkId];
    }

    /// @inheritdoc INetworkRegistry
    function ptdfEntry(uint32 networkId, uint256 line, uint16 bus) external view returns (int32) {
        Network memory n = network(networkId);
        if (line >= n.lineCount) revert LineOutOfRange(line, n.lineCount);
        if (bus == 0 || bus > n.busCount) revert BusOutOfRange(bus, n.busCount);
        return _ptdf[networkId][line * n.busCount + (bus - 1)];
    }

    /// @inheritdoc INetworkRegistry
    function ptdf(uint32 networkId) external view returns (int32[] memory) {
        network(networkId);
        return _ptdf[networkId];
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClearingLedger} from "./interfaces/IClearingLedger.sol";
import {INetworkRegistry} from "./interfaces/INetworkRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {Leaves, ScheduleLeaf} from "./libraries/Leaves.sol";
import {Roles} from "./libraries/Roles.sol";
import {Units} from "./libraries/Units.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title ClearingLedger
/// @notice The record of cleared market days: Merkle-committed schedules and trades, posted once
///         by the oracle and never changed, with an optimistic dispute game that voids an epoch
///         whose schedule breaks power balance or a line limit.
contract ClearingLedger is IClearingLedger, AccessControl, ReentrancyGuardTransient {
    /// @notice Role that posts epochs.
    bytes32 public constant ORACLE_ROLE = Roles.ORACLE;

    IParticipantRegistry public immutable registry;
    INetworkRegistry public immutable networks;
    /// @inheritdoc IClearingLedger
    uint64 public immutable readingWindow;
    /// @inheritdoc IClearingLedger
    uint64 public immutable challengeWindow;
    /// @inheritdoc IClearingLedger
    uint128 public immutable minBond;

    mapping(uint32 epochId => Epoch) private _epochs;
    mapping(uint32 epochId => string) private _documentURIs;
    uint32[] private _epochIds;

    constructor(
        address admin,
        IParticipantRegistry participantRegistry,
        uint64 readingWindowSeconds,
        uint64 challengeWindowSeconds,
        uint128 minimumBond
    ) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        registry = participantRegistry;
        networks = INetworkRegistry(participantRegistry.networks());
        readingWindow = readingWindowSeconds;
        challengeWindow = challengeWindowSeconds;
        minBond = minimumBond;
        emit WindowsSet(readingWindowSeconds, challengeWindowSeconds, minimumBond);
    }

    /// @inheritdoc IClearingLedger
    function postEpoch(EpochParams calldata p) external payable onlyRole(ORACLE_ROLE) {
        if (p.epochId == 0) revert ZeroEpochId();
        if (_epochs[p.epochId].postedAt != 0) revert EpochAlreadyPosted(p.epochId);
        if (p.scheduleRoot == bytes32(0) || p.documentHash == bytes32(0)) revert EmptyCommitment();
        if ((p.tradeCount == 0) != (p.tradeRoot == bytes32(0))) revert TradeRootMismatch(p.tradeCount);
        networks.network(p.networkId);
        uint16 members = registry.networkAgentCount(p.networkId);
        if (p.agentCount != members) revert AgentCountMismatch(p.agentCount, members);
        if (msg.value < minBond) revert BondTooSmall(msg.value, minBond);

        uint64 postedAt = uint64(block.timestamp);
        Epoch storage e = _epochs[p.epochId];
        e.scheduleRoot = p.scheduleRoot;
        e.tradeRoot = p.tradeRoot;
        e.documentHash = p.documentHash;
        e.oracle = msg.sender;
        e.postedAt = postedAt;
        e.readingsCloseAt = postedAt + readingWindow;
        e.challengeEndsAt = postedAt + challengeWindow;
        e.networkId = p.networkId;
        e.toleranceWh = p.toleranceWh;
        e.tradeCount = p.tradeCount;
        e.agentCount = p.agentCount;
        e.totalEnergyWh = p.totalEnergyWh;
        e.totalValue = p.totalValue;
        e.bond = SafeCast.toUint128(msg.value);
        _documentURIs[p.epochId] = p.documentURI;
        _epochIds.push(p.epochId);

        emit EpochPosted(
            p.epochId,
            p.networkId,
            msg.sender,
            p.scheduleRoot,
            p.tradeRoot,
            p.documentHash,
            p.documentURI,
            p.toleranceWh,
            p.tradeCount,
            e.readingsCloseAt,
            e.challengeEndsAt
        );
    }

    /// @inheritdoc IClearingLedger
    function disputeHour(
        uint32 epochId,
        uint8 hour,
        ScheduleLeaf[] calldata leaves,
        bytes32[] calldata proof,
        uint256[] calldata proofFlagBits
    ) external nonReentrant {
        Epoch storage e = _disputable(epochId);
        if (hour >= Leaves.HOURS) revert HourOutOfRange(hour);
        if (leaves.length != e.agentCount) revert IncompleteHour(leaves.length, e.agentCount);
        if (!Leaves.verifySchedule(epochId, e.scheduleRoot, leaves, proof, proofFlagBits)) {
            revert InvalidScheduleProof();
        }

        (bool found, Violation violation, uint256 line, int256 amountWh) = _hourViolation(e, hour, leaves);
        if (!found) revert NoViolation(epochId, hour);
        _void(epochId, e, violation, hour, line, amountWh);
    }

    /// @inheritdoc IClearingLedger
    function disputeConflictingSchedule(
        uint32 epochId,
        ScheduleLeaf calldata first,
        bytes32[] calldata firstProof,
        ScheduleLeaf calldata second,
        bytes32[] calldata secondProof
    ) external nonReentrant {
        Epoch storage e = _disputable(epochId);
        if (first.agentId != second.agentId || first.hour != second.hour || first.energyWh == second.energyWh)
        {
            revert NoViolation(epochId, first.hour);
        }
        bytes32 root = e.scheduleRoot;
        if (
            !MerkleProof.verifyCalldata(firstProof, root, Leaves.scheduleLeaf(epochId, first))
                || !MerkleProof.verifyCalldata(secondProof, root, Leaves.scheduleLeaf(epochId, second))
        ) revert InvalidScheduleProof();
        _void(epochId, e, Violation.ConflictingSchedule, first.hour, 0, second.energyWh);
    }

    /// @inheritdoc IClearingLedger
    function releaseBond(uint32 epochId) external nonReentrant {
        Epoch storage e = _posted(epochId);
        if (e.voided) revert EpochIsVoided(epochId);
        if (block.timestamp <= e.challengeEndsAt) revert ChallengeWindowOpen(epochId, e.challengeEndsAt);
        if (e.bondReleased) revert BondAlreadySettled(epochId);
        e.bondReleased = true;
        uint256 amount = e.bond;
        emit BondReleased(epochId, e.oracle, amount);
        if (amount != 0) Address.sendValue(payable(e.oracle), amount);
    }

    /// @inheritdoc IClearingLedger
    function epoch(uint32 epochId) external view returns (Epoch memory) {
        return _posted(epochId);
    }

    /// @inheritdoc IClearingLedger
    function documentURI(uint32 epochId) external view returns (string memory) {
        _posted(epochId);
        return _documentURIs[epochId];
    }

    /// @inheritdoc IClearingLedger
    function epochIds() external view returns (uint32[] memory) {
        return _epochIds;
    }

    /// @dev The first violation of one hour: a non-zero net injection, else the first line whose
    ///      |flow| exceeds its limit plus the network's rounding tolerance.
    function _hourViolation(Epoch storage e, uint8 hour, ScheduleLeaf[] calldata leaves)
        private
        view
        returns (bool found, Violation violation, uint256 line, int256 amountWh)
    {
        (int256 imbalance, int256[] memory flows) = _hourFlows(e, hour, leaves);
        if (imbalance != 0) return (true, Violation.Imbalance, 0, imbalance);
        (found, line, amountWh) = _firstOverload(e.networkId, flows);
        violation = Violation.LineOverload;
    }

    /// @dev Net injection and line flows (scaled by PTDF_SCALE) of one hour, checking that the
    ///      leaves reveal each of the epoch's agents exactly once.
    function _hourFlows(Epoch storage e, uint8 hour, ScheduleLeaf[] calldata leaves)
        private
        view
        returns (int256 imbalance, int256[] memory flows)
    {
        INetworkRegistry.Network memory net = networks.network(e.networkId);
        int32[] memory ptdf = networks.ptdf(e.networkId);
        flows = new int256[](net.lineCount);
        bool[] memory seen = new bool[](e.agentCount);
        for (uint256 i; i < leaves.length; ++i) {
            ScheduleLeaf calldata leaf = leaves[i];
            if (leaf.hour != hour) revert LeafHourMismatch(leaf.hour, hour);
            IParticipantRegistry.Agent memory a = registry.agent(leaf.agentId);
            if (a.networkId != e.networkId || a.networkIndex >= e.agentCount || seen[a.networkIndex]) {
                revert AgentNotCoverable(leaf.agentId);
            }
            seen[a.networkIndex] = true;
            imbalance += leaf.energyWh;
            uint256 column = a.bus - 1;
            for (uint256 line; line < flows.length; ++line) {
                flows[line] += int256(ptdf[line * net.busCount + column]) * leaf.energyWh;
            }
        }
    }

    /// @dev The first line whose |flow| exceeds its limit plus the network's rounding tolerance.
    function _firstOverload(uint32 networkId, int256[] memory flows)
        private
        view
        returns (bool overloaded, uint256 line, int256 flowWh)
    {
        uint32 tolerance = networks.network(networkId).flowToleranceWh;
        uint32[] memory limits = networks.lineLimits(networkId);
        for (; line < flows.length; ++line) {
            int256 bound = int256(uint256(limits[line]) + tolerance) * Units.PTDF_SCALE;
            int256 flow = flows[line];
            if (flow > bound || flow < -bound) {
                // Reported to the nearest Wh (half away from zero); the comparison above is exact.
                int256 half = flow > 0 ? Units.PTDF_SCALE / 2 : -Units.PTDF_SCALE / 2;
                return (true, line, (flow + half) / Units.PTDF_SCALE);
            }
        }
        return (false, 0, 0);
    }

    function _void(
        uint32 epochId,
        Epoch storage e,
        Violation violation,
        uint8 hour,
        uint256 line,
        int256 amountWh
    ) private {
        e.voided = true;
        uint256 bond;
        if (!e.bondReleased) {
            e.bondReleased = true;
            bond = e.bond;
        }
        emit EpochVoided(epochId, msg.sender, violation, hour, line, amountWh, bond);
        if (bond != 0) Address.sendValue(payable(msg.sender), bond);
    }

    function _posted(uint32 epochId) private view returns (Epoch storage e) {
        e = _epochs[epochId];
        if (e.postedAt == 0) revert EpochNotPosted(epochId);
    }

    function _disputable(uint32 epochId) private view returns (Epoch storage e) {
        e = _posted(epochId);
        if (e.voided) revert EpochIsVoided(epochId);
        if (block.timestamp > e.challengeEndsAt) revert ChallengeWindowClosed(epochId, e.challengeEndsAt);
    }
}

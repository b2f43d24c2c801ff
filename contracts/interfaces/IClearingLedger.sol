// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ScheduleLeaf} from "../libraries/Leaves.sol";

/// @title IClearingLedger
/// @notice One epoch per market day: Merkle roots of the cleared schedule and of the bilateral
///         trades, the hash and URI of the full result document, the meter tolerance, counts
///         and totals. Posted epochs never change; during the challenge window anyone may prove
///         that an epoch breaks power balance or a line limit, which voids it for good.
/// @dev Schedule leaf: (uint32 epochId, uint16 agentId, uint8 hour, int64 energyWh).
///      Trade leaf: (uint32 epochId, uint32 tradeIndex, uint16 seller, uint16 buyer, uint8 hour,
///      uint64 energyWh, uint120 value). Leaves are keccak256(bytes.concat(keccak256(abi.encode(..)))),
///      the StandardMerkleTree leaf of OpenZeppelin's merkle-tree library. Energy is Wh per hourly
///      period (positive = injection); value is in the settlement token's base units.
interface IClearingLedger {
    /// @notice What the oracle posts for a market day.
    /// @param epochId Market-day identifier chosen by the oracle (non-zero, unique).
    /// @param networkId Network whose agents the schedule covers.
    /// @param scheduleRoot Root of the schedule tree: one leaf per (agent, hour).
    /// @param tradeRoot Root of the trade tree (zero if there are no trades).
    /// @param documentHash keccak256 of the full result document's bytes.
    /// @param toleranceWh Meter tolerance: |measured - scheduled| <= toleranceWh passes.
    /// @param agentCount Number of agents in the schedule (must equal the network's).
    /// @param tradeCount Number of trade leaves; trade indices are 0..tradeCount-1.
    /// @param totalEnergyWh Sum of the energy of all trades.
    /// @param totalValue Sum of the value of all trades.
    /// @param documentURI Where the result document can be fetched.
    struct EpochParams {
        uint32 epochId;
        uint32 networkId;
        bytes32 scheduleRoot;
        bytes32 tradeRoot;
        bytes32 documentHash;
        uint32 toleranceWh;
        uint16 agentCount;
        uint32 tradeCount;
        uint64 totalEnergyWh;
        uint128 totalValue;
        string documentURI;
    }

    /// @notice A posted epoch.
    /// @param readingsCloseAt Last timestamp at which meter readings are accepted.
    /// @param challengeEndsAt Last timestamp at which a dispute is accepted; settlement opens after.
    /// @param bond Native-currency bond posted with the epoch, paid to a successful challenger.
    struct Epoch {
        bytes32 scheduleRoot;
        bytes32 tradeRoot;
        bytes32 documentHash;
        address oracle;
        uint64 postedAt;
        uint64 readingsCloseAt;
        uint64 challengeEndsAt;
        uint32 networkId;
        uint32 toleranceWh;
        uint32 tradeCount;
        uint16 agentCount;
        bool voided;
        bool bondReleased;
        uint64 totalEnergyWh;
        uint128 totalValue;
        uint128 bond;
    }

    /// @notice Why a dispute voided an epoch.
    enum Violation {
        Imbalance,
        LineOverload,
        ConflictingSchedule
    }

    /// @notice An epoch was posted.
    event EpochPosted(
        uint32 indexed epochId,
        uint32 indexed networkId,
        address indexed oracle,
        bytes32 scheduleRoot,
        bytes32 tradeRoot,
        bytes32 documentHash,
        string documentURI,
        uint32 toleranceWh,
        uint32 tradeCount,
        uint64 readingsCloseAt,
        uint64 challengeEndsAt
    );
    /// @notice A dispute proved a violation and voided the epoch.
    /// @param hour The hour of the violation.
    /// @param line The overloaded line (0-based) for LineOverload, otherwise 0.
    /// @param amountWh The imbalance, the line flow, or the second conflicting value.
    event EpochVoided(
        uint32 indexed epochId,
        address indexed challenger,
        Violation violation,
        uint8 hour,
        uint256 line,
        int256 amountWh,
        uint256 bondPaid
    );
    /// @notice The bond of an undisputed epoch went back to its oracle.
    event BondReleased(uint32 indexed epochId, address indexed oracle, uint256 amount);
    /// @notice The deployment's windows and minimum bond.
    event WindowsSet(uint64 readingWindow, uint64 challengeWindow, uint128 minBond);

    /// @notice The epoch id is zero or already posted.
    error EpochAlreadyPosted(uint32 epochId);
    /// @notice Epoch ids must be non-zero.
    error ZeroEpochId();
    /// @notice No epoch with this id was posted.
    error EpochNotPosted(uint32 epochId);
    /// @notice A root or hash that must be set is zero.
    error EmptyCommitment();
    /// @notice The trade root is zero while trades are declared, or set while none are.
    error TradeRootMismatch(uint32 tradeCount);
    /// @notice The schedule must cover exactly the network's agents.
    error AgentCountMismatch(uint16 declared, uint16 networkAgents);
    /// @notice The bond sent is below the deployment's minimum.
    error BondTooSmall(uint256 sent, uint256 minimum);
    /// @notice The challenge window is over.
    error ChallengeWindowClosed(uint32 epochId, uint64 endedAt);
    /// @notice The challenge window is still open.
    error ChallengeWindowOpen(uint32 epochId, uint64 endsAt);
    /// @notice The epoch was voided by a dispute.
    error EpochIsVoided(uint32 epochId);
    /// @notice The hour is not one of 0..23.
    error HourOutOfRange(uint256 hour);
    /// @notice The revealed leaves do not match the committed schedule root.
    error InvalidScheduleProof();
    /// @notice A dispute must reveal every agent of the network exactly once for one hour.
    error IncompleteHour(uint256 revealed, uint16 required);
    /// @notice A dispute revealed a leaf for another hour.
    error LeafHourMismatch(uint8 leafHour, uint8 hour);
    /// @notice A dispute revealed an agent twice or an agent outside the epoch's network.
    error AgentNotCoverable(uint16 agentId);
    /// @notice The revealed leaves satisfy balance and every line limit.
    error NoViolation(uint32 epochId, uint8 hour);
    /// @notice The bond was already released or paid out.
    error BondAlreadySettled(uint32 epochId);

    /// @notice Posts an epoch. Only the oracle role; any bond is sent as msg.value.
    function postEpoch(EpochParams calldata params) external payable;

    /// @notice Proves that one hour of an epoch breaks power balance or a line limit.
    /// @dev `leaves` must reveal every agent of the epoch's network for `hour` exactly once, in
    ///      the multiproof's leaf order. Balance must be exactly zero; a line fails when
    ///      |flow| > limit + flowToleranceWh. Voids the epoch and pays the bond to the caller.
    function disputeHour(
        uint32 epochId,
        uint8 hour,
        ScheduleLeaf[] calldata leaves,
        bytes32[] calldata proof,
        uint256[] calldata proofFlagBits
    ) external;

    /// @notice Proves that the schedule tree holds two different values for one (agent, hour).
    function disputeConflictingSchedule(
        uint32 epochId,
        ScheduleLeaf calldata first,
        bytes32[] calldata firstProof,
        ScheduleLeaf calldata second,
        bytes32[] calldata secondProof
    ) external;

    /// @notice Returns the bond of an undisputed epoch to its oracle once the window is over.
    function releaseBond(uint32 epochId) external;

    /// @notice A posted epoch; reverts with EpochNotPosted if absent.
    function epoch(uint32 epochId) external view returns (Epoch memory);

    /// @notice The result document's URI.
    function documentURI(uint32 epochId) external view returns (string memory);

    /// @notice Ids of all posted epochs, in posting order.
    function epochIds() external view returns (uint32[] memory);

    /// @notice Seconds after posting during which meter readings are accepted.
    function readingWindow() external view returns (uint64);

    /// @notice Seconds after posting during which disputes are accepted.
    function challengeWindow() external view returns (uint64);

    /// @notice Minimum bond an oracle posts with an epoch, in wei.
    function minBond() external view returns (uint128);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ScheduleLeaf} from "../libraries/Leaves.sol";

/// @title IMeterReadings
/// @notice Smart-meter readings and tolerance checks. A meter signs its agent's 24 hourly
///         measurements for an epoch with one EIP-712 signature; anyone relays batches of them.
///         Once the reading window is closed, anyone reveals scheduled values with a Merkle
///         multiproof and each (agent, hour) is recorded as passed when
///         |measured - scheduled| <= the epoch's tolerance, failed otherwise (a missing reading fails).
/// @dev EIP-712 domain: name "GridMarket Meter", version "1". Typed struct:
///      MeterReading(uint32 epochId,uint16 agentId,int32[24] energyWh). A reading equal to
///      type(int32).min means the meter has no measurement for that hour.
interface IMeterReadings {
    /// @notice One agent's signed daily readings.
    /// @param energyWh Measured net injection per hour, Wh (MISSING_READING where none).
    /// @param signature The meter's 65-byte ECDSA signature of the typed struct.
    struct SignedReading {
        uint32 epochId;
        uint16 agentId;
        int32[24] energyWh;
        bytes signature;
    }

    /// @notice Outcome of a tolerance check for one (agent, hour).
    enum HourCheck {
        Unchecked,
        Passed,
        Failed
    }

    /// @notice A meter's readings were stored.
    event ReadingsSubmitted(uint32 indexed epochId, uint16 indexed agentId, address indexed meter);
    /// @notice A batch of schedule leaves was checked.
    event SchedulesChecked(uint32 indexed epochId, uint256 checked, uint256 passed, uint256 failed);
    /// @notice One (agent, hour) failed its tolerance check.
    /// @param measuredWh The reading, or MISSING_READING if none.
    event ToleranceFailed(
        uint32 indexed epochId, uint16 indexed agentId, uint8 hour, int64 scheduledWh, int32 measuredWh
    );

    /// @notice The epoch is not posted.
    error EpochNotPosted(uint32 epochId);
    /// @notice The epoch was voided by a dispute.
    error EpochIsVoided(uint32 epochId);
    /// @notice The reading window of the epoch is closed.
    error ReadingWindowClosed(uint32 epochId, uint64 closedAt);
    /// @notice Checks open once the reading window is closed, so that a missing reading is final.
    error ReadingWindowOpen(uint32 epochId, uint64 closesAt);
    /// @notice The agent is not on the epoch's network.
    error AgentNotInNetwork(uint16 agentId, uint32 networkId);
    /// @notice The agent is deactivated.
    error AgentInactive(uint16 agentId);
    /// @notice The agent's meter key is revoked.
    error MeterKeyRevoked(uint16 agentId);
    /// @notice The signature recovers to a key that was rotated out or revoked.
    error RetiredMeterKey(uint16 agentId, address key);
    /// @notice The signature does not recover to the agent's current meter key.
    error InvalidMeterSignature(uint16 agentId, address recovered);
    /// @notice The agent's readings for the epoch are already stored (replays and duplicates).
    error ReadingAlreadySubmitted(uint32 epochId, uint16 agentId);
    /// @notice The revealed leaves do not match the committed schedule root.
    error InvalidScheduleProof();
    /// @notice The hour is not one of 0..23.
    error HourOutOfRange(uint256 hour);
    /// @notice An empty batch.
    error EmptyBatch();

    /// @notice The reading value that means "no measurement for this hour".
    function MISSING_READING() external view returns (int32);

    /// @notice Stores a batch of signed readings; reverts on the first invalid one.
    function submitReadings(SignedReading[] calldata readings) external;

    /// @notice Reveals schedule leaves with a multiproof and records a pass or fail per leaf.
    /// @dev Leaves already checked are skipped, so overlapping batches are harmless.
    function checkSchedule(
        uint32 epochId,
        ScheduleLeaf[] calldata leaves,
        bytes32[] calldata proof,
        uint256[] calldata proofFlagBits
    ) external;

    /// @notice The EIP-712 digest a meter signs for these readings.
    function readingDigest(uint32 epochId, uint16 agentId, int32[24] calldata energyWh)
        external
        view
        returns (bytes32);

    /// @notice Whether the agent's readings for the epoch are stored.
    function hasReadings(uint32 epochId, uint16 agentId) external view returns (bool);

    /// @notice The agent's stored readings (all MISSING_READING when none were submitted).
    function readings(uint32 epochId, uint16 agentId) external view returns (int32[24] memory);

    /// @notice The check outcome of one (agent, hour).
    function hourCheck(uint32 epochId, uint16 agentId, uint8 hour) external view returns (HourCheck);

    /// @notice Check bits of an agent: bit h = hour h checked, bit 24 + h = hour h passed.
    function checkBits(uint32 epochId, uint16 agentId) external view returns (uint48);
}

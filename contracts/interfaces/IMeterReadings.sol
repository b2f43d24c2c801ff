// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IMeterReadings
/// @notice Smart-meter readings. A meter signs its agent's 24 hourly measurements for an epoch with
///         one EIP-712 signature; anyone relays batches of them during the epoch's reading window.
///         The contract stores one commitment per (epoch, agent), keccak256(abi.encode(meter,
///         energyWh)), and emits the values, which settlement reveals again; a reading signed with
///         a key the registrar has since revoked or rotated out can be cleared while the window is
///         open, so that the genuine key's reading can take its place.
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

    /// @notice A meter's readings were stored.
    event ReadingsSubmitted(
        uint32 indexed epochId, uint16 indexed agentId, address indexed meter, int32[24] energyWh
    );
    /// @notice A relayed reading was already on chain and was skipped.
    event ReadingSkipped(uint32 indexed epochId, uint16 indexed agentId);
    /// @notice The registrar cleared a reading signed with a key it has since retired.
    event ReadingsCleared(uint32 indexed epochId, uint16 indexed agentId, address indexed meter);

    /// @notice The epoch is not posted.
    error EpochNotPosted(uint32 epochId);
    /// @notice The epoch was voided by a dispute.
    error EpochIsVoided(uint32 epochId);
    /// @notice The reading window of the epoch is closed.
    error ReadingWindowClosed(uint32 epochId, uint64 closedAt);
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
    /// @notice The agent has no stored reading, or not the one revealed.
    error ReadingNotStored(uint32 epochId, uint16 agentId);
    /// @notice The key that signed the stored reading is still the agent's current, valid key.
    error MeterKeyNotRetired(address meter);
    /// @notice Only the registrar clears readings.
    error NotRegistrar(address caller);
    /// @notice An empty batch.
    error EmptyBatch();

    /// @notice The reading value that means "no measurement for this hour".
    function MISSING_READING() external view returns (int32);

    /// @notice Stores a batch of signed readings. Readings already on chain are skipped (and
    ///         reported by ReadingSkipped); any other invalid reading reverts the batch.
    function submitReadings(SignedReading[] calldata readings) external;

    /// @notice Clears a stored reading whose signing key the registrar has retired (revoked or
    ///         rotated out), while the reading window is open. Only the registrar role.
    function clearReadings(uint32 epochId, uint16 agentId, address meter, int32[24] calldata energyWh)
        external;

    /// @notice The EIP-712 digest a meter signs for these readings.
    function readingDigest(uint32 epochId, uint16 agentId, int32[24] calldata energyWh)
        external
        view
        returns (bytes32);

    /// @notice The commitment settlement checks a revealed reading against: keccak256 of the
    ///         meter's 20 bytes followed by the 24 values as int32 big-endian (96 bytes).
    function readingCommitment(address meter, int32[24] calldata energyWh) external pure returns (bytes32);

    /// @notice The stored commitments of some agents (zero where none is stored).
    function commitments(uint32 epochId, uint16[] calldata agentIds) external view returns (bytes32[] memory);

    /// @notice Whether the agent's readings for the epoch are stored.
    function hasReadings(uint32 epochId, uint16 agentId) external view returns (bool);
}

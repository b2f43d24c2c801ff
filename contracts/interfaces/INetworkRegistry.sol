// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title INetworkRegistry
/// @notice Immutable DC network descriptions (line limits and the bus-level PTDF) against which
///         line flows of a committed schedule can be recomputed on chain.
/// @dev Units: every energy quantity on chain is Wh per hourly period, so a line limit of 1.2 kW is
///      1,200 Wh. PTDF entries are fixed point with `PTDF_SCALE` = 1e9 (an entry of 1.0 is 1e9),
///      rounded to the nearest integer (half away from zero) by the off-chain encoder. Buses are numbered 1..busCount; a PTDF row
///      holds one entry per bus in that order, and the slack bus column is zero. A flow is positive
///      in the line's from → to direction.
interface INetworkRegistry {
    /// @notice A registered network.
    /// @param busCount Number of buses (numbered 1..busCount).
    /// @param lineCount Number of lines (rows of the PTDF).
    /// @param slackBus The reference bus; its PTDF column is zero.
    /// @param flowToleranceWh Slack added to every line limit when a dispute recomputes flows, to
    ///        absorb the rounding of schedules to whole Wh (documented by the encoder).
    /// @param dataHash keccak256(abi.encode(busCount, slackBus, flowToleranceWh, limitsWh, ptdf)).
    struct Network {
        uint16 busCount;
        uint16 lineCount;
        uint16 slackBus;
        uint32 flowToleranceWh;
        bytes32 dataHash;
    }

    /// @notice A network was registered.
    event NetworkRegistered(
        uint32 indexed networkId, uint16 busCount, uint16 lineCount, uint16 slackBus, bytes32 dataHash
    );

    /// @notice The network id is not registered.
    error UnknownNetwork(uint32 networkId);
    /// @notice A network needs at least two buses and one line.
    error NetworkTooSmall(uint256 busCount, uint256 lineCount);
    /// @notice The slack bus is not one of 1..busCount.
    error SlackBusOutOfRange(uint16 slackBus, uint16 busCount);
    /// @notice The PTDF has `length` entries where lineCount × busCount = `expected` were due.
    error PtdfShapeMismatch(uint256 length, uint256 expected);
    /// @notice A PTDF entry lies outside [-PTDF_SCALE, PTDF_SCALE].
    error PtdfEntryOutOfRange(uint256 line, uint256 bus, int32 value);
    /// @notice The slack column of the PTDF must be zero.
    error SlackColumnNotZero(uint256 line, int32 value);
    /// @notice The line index is not below the network's line count.
    error LineOutOfRange(uint256 line, uint16 lineCount);
    /// @notice The bus is not one of 1..busCount.
    error BusOutOfRange(uint16 bus, uint16 busCount);
    /// @notice A line limit must be positive.
    error NonPositiveLineLimit(uint256 line);

    /// @notice Fixed-point scale of PTDF entries (1.0 = 1e9).
    function PTDF_SCALE() external view returns (int256);

    /// @notice Registers an immutable network. Only the registrar role.
    /// @param busCount Number of buses.
    /// @param slackBus The reference bus (1-based).
    /// @param flowToleranceWh Slack on every line limit used by disputes.
    /// @param limitsWh Per-line limits, in line order.
    /// @param ptdf Bus-level PTDF, row-major (line by line, one entry per bus).
    /// @return networkId The new network's id (ids start at 1).
    function registerNetwork(
        uint16 busCount,
        uint16 slackBus,
        uint32 flowToleranceWh,
        uint32[] calldata limitsWh,
        int32[] calldata ptdf
    ) external returns (uint32 networkId);

    /// @notice The header of a network; reverts with UnknownNetwork if absent.
    function network(uint32 networkId) external view returns (Network memory);

    /// @notice Number of registered networks.
    function networkCount() external view returns (uint32);

    /// @notice Line limits in Wh per hour, in line order.
    function lineLimits(uint32 networkId) external view returns (uint32[] memory);

    /// @notice The PTDF entry for `line` (0-based) and `bus` (1-based), scaled by PTDF_SCALE.
    function ptdfEntry(uint32 networkId, uint256 line, uint16 bus) external view returns (int32);

    /// @notice The full bus-level PTDF, row-major.
    function ptdf(uint32 networkId) external view returns (int32[] memory);
}

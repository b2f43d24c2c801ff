// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IParticipantRegistry
/// @notice Market participants ("agents"): who owns them, which smart-meter key signs their
///         readings, where they connect to the network and what kind of agent they are.
/// @dev Agent ids are dense and start at 0, in registration order, so that off-chain clearing
///      vectors, Merkle leaves and on-chain state index agents identically. Each network keeps
///      its agents in a list; an agent's position in it (`networkIndex`) orders dispute proofs.
interface IParticipantRegistry {
    /// @notice Seller (generation, optional storage), Buyer (flexible demand) or the Grid
    ///         pseudo-agent that imports from the upstream network at the slack bus.
    enum AgentKind {
        Seller,
        Buyer,
        Grid
    }

    /// @notice A registered agent.
    /// @param owner Account that withdraws the agent's proceeds and escrow.
    /// @param meter Current smart-meter signing key; address(0) once revoked.
    /// @param networkId Network the agent is connected to.
    /// @param bus Bus of connection (1-based).
    /// @param networkIndex Position of the agent in its network's agent list.
    /// @param kind Seller, Buyer or Grid.
    /// @param hasStorage Whether the agent operates a battery.
    /// @param active Inactive agents cannot report readings or receive deposits.
    struct Agent {
        address owner;
        address meter;
        uint32 networkId;
        uint16 bus;
        uint16 networkIndex;
        AgentKind kind;
        bool hasStorage;
        bool active;
    }

    /// @notice An agent was registered.
    event AgentRegistered(
        uint16 indexed agentId,
        address indexed owner,
        address indexed meter,
        uint32 networkId,
        uint16 bus,
        AgentKind kind,
        bool hasStorage
    );
    /// @notice An agent's meter key was replaced; the old key is retired for good.
    event MeterRotated(uint16 indexed agentId, address indexed oldMeter, address indexed newMeter);
    /// @notice An agent's meter key was revoked and retired; the agent has no meter until rotated.
    event MeterRevoked(uint16 indexed agentId, address indexed meter);
    /// @notice An agent was activated or deactivated.
    event AgentActiveSet(uint16 indexed agentId, bool active);
    /// @notice An agent changed owner.
    event AgentOwnershipTransferred(
        uint16 indexed agentId, address indexed previousOwner, address indexed newOwner
    );

    /// @notice The agent id is not registered.
    error UnknownAgent(uint16 agentId);
    /// @notice The caller is not the agent's owner.
    error NotAgentOwner(uint16 agentId, address caller);
    /// @notice An address argument is zero where an account is required.
    error ZeroAddress();
    /// @notice The bus is not one of the network's buses.
    error BusOutOfRange(uint16 bus, uint16 busCount);
    /// @notice The meter key is already assigned to an agent.
    error MeterInUse(address meter, uint16 agentId);
    /// @notice The meter key was rotated out or revoked before and cannot be used again.
    error MeterRetired(address meter);
    /// @notice The agent has no meter key (it was revoked).
    error NoMeter(uint16 agentId);
    /// @notice The registry holds the maximum number of agents (ids are uint16: 0..65,534).
    error TooManyAgents();
    /// @notice The network already has a grid agent (one balancing party per network).
    error GridAgentExists(uint32 networkId, uint16 agentId);

    /// @notice Registers an agent. Only the registrar role.
    /// @return agentId The new agent's id.
    function registerAgent(
        address owner,
        address meter,
        uint32 networkId,
        uint16 bus,
        AgentKind kind,
        bool hasStorage
    ) external returns (uint16 agentId);

    /// @notice Replaces an agent's meter key (also after a revocation). Only the registrar role.
    function rotateMeter(uint16 agentId, address newMeter) external;

    /// @notice Revokes an agent's meter key: readings it signs are rejected. Only the registrar role.
    function revokeMeter(uint16 agentId) external;

    /// @notice Activates or deactivates an agent. Only the registrar role.
    function setActive(uint16 agentId, bool active) external;

    /// @notice Hands an agent to a new owner. Only the current owner.
    function transferAgentOwnership(uint16 agentId, address newOwner) external;

    /// @notice The agent record; reverts with UnknownAgent if absent.
    function agent(uint16 agentId) external view returns (Agent memory);

    /// @notice Number of registered agents (ids are 0..agentCount-1, at most MAX_AGENTS).
    function agentCount() external view returns (uint16);

    /// @notice The most agents the registry holds: 65,535, so that every id and the count fit uint16.
    function MAX_AGENTS() external view returns (uint16);

    /// @notice The network's grid agent, if it has one.
    function gridAgent(uint32 networkId) external view returns (bool exists, uint16 agentId);

    /// @notice The agent a meter key currently signs for, and whether it is assigned at all.
    function agentOfMeter(address meter) external view returns (bool assigned, uint16 agentId);

    /// @notice Whether a key was rotated out or revoked (it can never sign again).
    function isRetiredMeter(address meter) external view returns (bool);

    /// @notice The agents of a network in list order.
    function networkAgents(uint32 networkId) external view returns (uint16[] memory);

    /// @notice Number of agents on a network.
    function networkAgentCount(uint32 networkId) external view returns (uint16);

    /// @notice The network registry that validates buses.
    function networks() external view returns (address);
}

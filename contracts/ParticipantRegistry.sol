// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {INetworkRegistry} from "./interfaces/INetworkRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {Roles} from "./libraries/Roles.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title ParticipantRegistry
/// @notice Agents with dense ids, owners, smart-meter keys, bus and kind. A meter key serves one
///         agent; once rotated out or revoked it is retired and can never sign for anyone again.
contract ParticipantRegistry is IParticipantRegistry, AccessControl {
    /// @notice Role that registers agents and manages meter keys.
    bytes32 public constant REGISTRAR_ROLE = Roles.REGISTRAR;

    /// @inheritdoc IParticipantRegistry
    uint16 public constant MAX_AGENTS = type(uint16).max;

    INetworkRegistry private immutable _networks;

    Agent[] private _agents;
    /// @dev agentId + 1 of the agent a key signs for; 0 when unassigned.
    mapping(address meter => uint256 agentIdPlusOne) private _meterAgent;
    mapping(address meter => bool) private _retired;
    mapping(uint32 networkId => uint16[]) private _networkAgents;
    /// @dev agentId + 1 of the network's grid agent; 0 when it has none.
    mapping(uint32 networkId => uint256 agentIdPlusOne) private _gridAgent;

    constructor(address admin, INetworkRegistry networkRegistry) {
        if (admin == address(0) || address(networkRegistry) == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _networks = networkRegistry;
    }

    /// @inheritdoc IParticipantRegistry
    function registerAgent(
        address owner,
        address meter,
        uint32 networkId,
        uint16 bus,
        AgentKind kind,
        bool hasStorage
    ) external onlyRole(REGISTRAR_ROLE) returns (uint16 agentId) {
        if (owner == address(0)) revert ZeroAddress();
        uint16 busCount = _networks.network(networkId).busCount;
        if (bus == 0 || bus > busCount) revert BusOutOfRange(bus, busCount);
        // Refusing the 65,536th agent keeps every id and agentCount() within uint16.
        if (_agents.length >= MAX_AGENTS) revert TooManyAgents();

        agentId = uint16(_agents.length);
        if (kind == AgentKind.Grid) {
            uint256 existing = _gridAgent[networkId];
            if (existing != 0) revert GridAgentExists(networkId, uint16(existing - 1));
            _gridAgent[networkId] = uint256(agentId) + 1;
        }
        _assignMeter(agentId, meter);
        uint16[] storage members = _networkAgents[networkId];
        _agents.push(
            Agent({
                owner: owner,
                meter: meter,
                networkId: networkId,
                bus: bus,
                networkIndex: uint16(members.length),
                kind: kind,
                hasStorage: hasStorage,
                active: true
            })
        );
        members.push(agentId);
        emit AgentRegistered(agentId, owner, meter, networkId, bus, kind, hasStorage);
    }

    /// @inheritdoc IParticipantRegistry
    function rotateMeter(uint16 agentId, address newMeter) external onlyRole(REGISTRAR_ROLE) {
        Agent storage a = _agentStorage(agentId);
        address oldMeter = a.meter;
        _retireMeter(oldMeter);
        _assignMeter(agentId, newMeter);
        a.meter = newMeter;
        emit MeterRotated(agentId, oldMeter, newMeter);
    }

    /// @inheritdoc IParticipantRegistry
    function revokeMeter(uint16 agentId) external onlyRole(REGISTRAR_ROLE) {
        Agent storage a = _agentStorage(agentId);
        address meter = a.meter;
        if (meter == address(0)) revert NoMeter(agentId);
        _retireMeter(meter);
        a.meter = address(0);
        emit MeterRevoked(agentId, meter);
    }

    /// @inheritdoc IParticipantRegistry
    function setActive(uint16 agentId, bool active) external onlyRole(REGISTRAR_ROLE) {
        _agentStorage(agentId).active = active;
        emit AgentActiveSet(agentId, active);
    }

    /// @inheritdoc IParticipantRegistry
    function transferAgentOwnership(uint16 agentId, address newOwner) external {
        Agent storage a = _agentStorage(agentId);
        address previous = a.owner;
        if (previous != msg.sender) revert NotAgentOwner(agentId, msg.sender);
        if (newOwner == address(0)) revert ZeroAddress();
        a.owner = newOwner;
        emit AgentOwnershipTransferred(agentId, previous, newOwner);
    }

    /// @inheritdoc IParticipantRegistry
    function agent(uint16 agentId) external view returns (Agent memory) {
        return _agentStorage(agentId);
    }

    /// @inheritdoc IParticipantRegistry
    function agentCount() external view returns (uint16) {
        return uint16(_agents.length);
    }

    /// @inheritdoc IParticipantRegistry
    function gridAgent(uint32 networkId) external view returns (bool exists, uint16 agentId) {
        uint256 idPlusOne = _gridAgent[networkId];
        if (idPlusOne == 0) return (false, 0);
        return (true, uint16(idPlusOne - 1));
    }

    /// @inheritdoc IParticipantRegistry
    function agentOfMeter(address meter) external view returns (bool assigned, uint16 agentId) {
        uint256 idPlusOne = _meterAgent[meter];
        if (idPlusOne == 0) return (false, 0);
        return (true, uint16(idPlusOne - 1));
    }

    /// @inheritdoc IParticipantRegistry
    function isRetiredMeter(address meter) external view returns (bool) {
        return _retired[meter];
    }

    /// @inheritdoc IParticipantRegistry
    function networkAgents(uint32 networkId) external view returns (uint16[] memory) {
        return _networkAgents[networkId];
    }

    /// @inheritdoc IParticipantRegistry
    function networkAgentCount(uint32 networkId) external view returns (uint16) {
        return uint16(_networkAgents[networkId].length);
    }

    /// @inheritdoc IParticipantRegistry
    function networks() external view returns (address) {
        return address(_networks);
    }

    function _agentStorage(uint16 agentId) private view returns (Agent storage) {
        if (agentId >= _agents.length) revert UnknownAgent(agentId);
        return _agents[agentId];
    }

    function _assignMeter(uint16 agentId, address meter) private {
        if (meter == address(0)) revert ZeroAddress();
        if (_retired[meter]) revert MeterRetired(meter);
        uint256 holder = _meterAgent[meter];
        if (holder != 0) revert MeterInUse(meter, uint16(holder - 1));
        _meterAgent[meter] = uint256(agentId) + 1;
    }

    function _retireMeter(address meter) private {
        if (meter == address(0)) return;
        delete _meterAgent[meter];
        _retired[meter] = true;
    }
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ParticipantRegistry} from "../contracts/ParticipantRegistry.sol";
import {INetworkRegistry} from "../contracts/interfaces/INetworkRegistry.sol";
import {IParticipantRegistry} from "../contracts/interfaces/IParticipantRegistry.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

contract ParticipantRegistryTest is MarketFixture {
    address internal newMeter = makeAddr("newMeter");

    function test_setUp_registersDenseIdsInNetworkOrder() public view {
        assertEq(registry.agentCount(), AGENTS);
        uint16[] memory members = registry.networkAgents(networkId);
        assertEq(members.length, AGENTS);
        for (uint16 i; i < AGENTS; ++i) {
            assertEq(members[i], i);
            IParticipantRegistry.Agent memory a = registry.agent(i);
            assertEq(a.networkIndex, i);
            assertEq(a.owner, owners[i]);
            assertEq(a.meter, vm.addr(meterKeys[i]));
            assertTrue(a.active);
            (bool assigned, uint16 id) = registry.agentOfMeter(a.meter);
            assertTrue(assigned);
            assertEq(id, i);
        }
        assertEq(registry.networkAgentCount(networkId), AGENTS);
        assertEq(registry.networks(), address(networks));
        assertTrue(registry.agent(2).hasStorage);
        assertEq(uint8(registry.agent(0).kind), uint8(IParticipantRegistry.AgentKind.Grid));
    }

    function test_registerAgent_emits() public {
        address owner = makeAddr("o");
        address meter = makeAddr("m");
        vm.expectEmit(address(registry));
        emit IParticipantRegistry.AgentRegistered(
            AGENTS, owner, meter, networkId, 3, IParticipantRegistry.AgentKind.Buyer, false
        );
        vm.prank(registrar);
        uint16 id =
            registry.registerAgent(owner, meter, networkId, 3, IParticipantRegistry.AgentKind.Buyer, false);
        assertEq(id, AGENTS);
    }

    function test_registerAgent_revertsForNonRegistrar() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, registry.REGISTRAR_ROLE()
            )
        );
        vm.prank(stranger);
        registry.registerAgent(stranger, newMeter, networkId, 1, IParticipantRegistry.AgentKind.Buyer, false);
    }

    function test_registerAgent_revertsOnZeroOwnerOrMeter() public {
        vm.startPrank(registrar);
        vm.expectRevert(IParticipantRegistry.ZeroAddress.selector);
        registry.registerAgent(
            address(0), newMeter, networkId, 1, IParticipantRegistry.AgentKind.Buyer, false
        );
        vm.expectRevert(IParticipantRegistry.ZeroAddress.selector);
        registry.registerAgent(
            stranger, address(0), networkId, 1, IParticipantRegistry.AgentKind.Buyer, false
        );
        vm.stopPrank();
    }

    function test_registerAgent_revertsOnUnknownNetwork() public {
        vm.prank(registrar);
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.UnknownNetwork.selector, 9));
        registry.registerAgent(stranger, newMeter, 9, 1, IParticipantRegistry.AgentKind.Buyer, false);
    }

    function testFuzz_registerAgent_revertsOnBusOutsideNetwork(uint16 bus) public {
        vm.assume(bus == 0 || bus > 3);
        vm.prank(registrar);
        vm.expectRevert(abi.encodeWithSelector(IParticipantRegistry.BusOutOfRange.selector, bus, 3));
        registry.registerAgent(
            stranger, newMeter, networkId, bus, IParticipantRegistry.AgentKind.Buyer, false
        );
    }

    function test_registerAgent_revertsOnMeterInUse() public {
        address taken = vm.addr(meterKeys[1]);
        vm.prank(registrar);
        vm.expectRevert(abi.encodeWithSelector(IParticipantRegistry.MeterInUse.selector, taken, 1));
        registry.registerAgent(stranger, taken, networkId, 1, IParticipantRegistry.AgentKind.Buyer, false);
    }

    function test_registerAgent_revertsWhenRegistryIsFull() public {
        jumpAgentIds(registry.MAX_AGENTS());
        vm.prank(registrar);
        vm.expectRevert(IParticipantRegistry.TooManyAgents.selector);
        registry.registerAgent(stranger, newMeter, networkId, 1, IParticipantRegistry.AgentKind.Buyer, false);
        assertEq(registry.agentCount(), type(uint16).max);
    }

    function test_registerAgent_theLastIdFitsAndTheCountNeverWraps() public {
        jumpAgentIds(registry.MAX_AGENTS() - 1);
        vm.prank(registrar);
        uint16 id = registry.registerAgent(
            stranger, newMeter, networkId, 1, IParticipantRegistry.AgentKind.Buyer, false
        );
        assertEq(id, type(uint16).max - 1);
        assertEq(registry.agentCount(), type(uint16).max);
    }

    function test_registerAgent_refusesASecondGridAgentOnANetwork() public {
        vm.prank(registrar);
        vm.expectRevert(abi.encodeWithSelector(IParticipantRegistry.GridAgentExists.selector, networkId, 0));
        registry.registerAgent(stranger, newMeter, networkId, 1, IParticipantRegistry.AgentKind.Grid, false);
        (bool exists, uint16 grid) = registry.gridAgent(networkId);
        assertTrue(exists);
        assertEq(grid, 0);
        (exists,) = registry.gridAgent(networkId + 1);
        assertFalse(exists);
    }

    function test_rotateMeter_replacesAndRetiresTheOldKey() public {
        address old = vm.addr(meterKeys[3]);
        vm.expectEmit(address(registry));
        emit IParticipantRegistry.MeterRotated(3, old, newMeter);
        vm.prank(registrar);
        registry.rotateMeter(3, newMeter);

        assertEq(registry.agent(3).meter, newMeter);
        assertTrue(registry.isRetiredMeter(old));
        (bool assigned,) = registry.agentOfMeter(old);
        assertFalse(assigned);
        (bool nowAssigned, uint16 id) = registry.agentOfMeter(newMeter);
        assertTrue(nowAssigned);
        assertEq(id, 3);

        // A retired key can never come back, not even to its former agent.
        vm.prank(registrar);
        vm.expectRevert(abi.encodeWithSelector(IParticipantRegistry.MeterRetired.selector, old));
        registry.rotateMeter(3, old);
    }

    function test_rotateMeter_revertsForUnknownAgentOrStranger() public {
        vm.prank(registrar);
        vm.expectRevert(abi.encodeWithSelector(IParticipantRegistry.UnknownAgent.selector, 99));
        registry.rotateMeter(99, newMeter);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, registry.REGISTRAR_ROLE()
            )
        );
        vm.prank(stranger);
        registry.rotateMeter(1, newMeter);
    }

    function test_revokeMeter_leavesTheAgentWithoutKey() public {
        address old = vm.addr(meterKeys[1]);
        vm.expectEmit(address(registry));
        emit IParticipantRegistry.MeterRevoked(1, old);
        vm.prank(registrar);
        registry.revokeMeter(1);
        assertEq(registry.agent(1).meter, address(0));
        assertTrue(registry.isRetiredMeter(old));

        vm.prank(registrar);
        vm.expectRevert(abi.encodeWithSelector(IParticipantRegistry.NoMeter.selector, 1));
        registry.revokeMeter(1);

        // A fresh key restores the agent.
        vm.prank(registrar);
        registry.rotateMeter(1, newMeter);
        assertEq(registry.agent(1).meter, newMeter);
    }

    function test_setActive_togglesAndEmits() public {
        vm.expectEmit(address(registry));
        emit IParticipantRegistry.AgentActiveSet(4, false);
        vm.prank(registrar);
        registry.setActive(4, false);
        assertFalse(registry.agent(4).active);
        vm.prank(registrar);
        registry.setActive(4, true);
        assertTrue(registry.agent(4).active);
    }

    function test_transferAgentOwnership_onlyByOwner() public {
        vm.expectRevert(abi.encodeWithSelector(IParticipantRegistry.NotAgentOwner.selector, 2, stranger));
        vm.prank(stranger);
        registry.transferAgentOwnership(2, stranger);

        vm.expectRevert(IParticipantRegistry.ZeroAddress.selector);
        vm.prank(owners[2]);
        registry.transferAgentOwnership(2, address(0));

        vm.expectEmit(address(registry));
        emit IParticipantRegistry.AgentOwnershipTransferred(2, owners[2], stranger);
        vm.prank(owners[2]);
        registry.transferAgentOwnership(2, stranger);
        assertEq(registry.agent(2).owner, stranger);
    }

    function test_agent_revertsOnUnknownId() public {
        vm.expectRevert(abi.encodeWithSelector(IParticipantRegistry.UnknownAgent.selector, AGENTS));
        registry.agent(AGENTS);
    }

    function test_constructor_revertsOnZeroAddresses() public {
        vm.expectRevert(IParticipantRegistry.ZeroAddress.selector);
        new ParticipantRegistry(address(0), networks);
        vm.expectRevert(IParticipantRegistry.ZeroAddress.selector);
        new ParticipantRegistry(admin, INetworkRegistry(address(0)));
    }

    function testFuzz_agentOfMeter_unassignedForUnknownKeys(address key) public view {
        for (uint256 i; i < AGENTS; ++i) {
            vm.assume(key != vm.addr(meterKeys[i]));
        }
        (bool assigned, uint16 id) = registry.agentOfMeter(key);
        assertFalse(assigned);
        assertEq(id, 0);
    }
}

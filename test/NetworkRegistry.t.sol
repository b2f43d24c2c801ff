// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NetworkRegistry} from "../contracts/NetworkRegistry.sol";
import {INetworkRegistry} from "../contracts/interfaces/INetworkRegistry.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Test} from "forge-std/Test.sol";

contract NetworkRegistryTest is Test {
    NetworkRegistry internal networks;
    address internal admin = makeAddr("admin");
    address internal registrar = makeAddr("registrar");

    function setUp() public {
        networks = new NetworkRegistry(admin);
        bytes32 role = networks.REGISTRAR_ROLE();
        vm.prank(admin);
        networks.grantRole(role, registrar);
    }

    function limits(uint256 n, uint32 value) internal pure returns (uint32[] memory l) {
        l = new uint32[](n);
        for (uint256 i; i < n; ++i) {
            l[i] = value;
        }
    }

    /// Two buses, one line 1-2, slack 1: injecting at bus 2 flows 2 → 1, i.e. -1 on line 1→2.
    function twoBusPtdf() internal pure returns (int32[] memory p) {
        p = new int32[](2);
        p[1] = -1e9;
    }

    function test_registerNetwork_storesEverythingAndEmits() public {
        int32[] memory p = twoBusPtdf();
        uint32[] memory l = limits(1, 1200);
        bytes32 dataHash = keccak256(abi.encode(uint16(2), uint16(1), uint32(3), l, p));
        vm.expectEmit(address(networks));
        emit INetworkRegistry.NetworkRegistered(1, 2, 1, 1, dataHash);
        vm.prank(registrar);
        uint32 id = networks.registerNetwork(2, 1, 3, l, p);

        assertEq(id, 1);
        assertEq(networks.networkCount(), 1);
        INetworkRegistry.Network memory n = networks.network(id);
        assertEq(n.busCount, 2);
        assertEq(n.lineCount, 1);
        assertEq(n.slackBus, 1);
        assertEq(n.flowToleranceWh, 3);
        assertEq(n.dataHash, dataHash);
        assertEq(networks.lineLimits(id)[0], 1200);
        assertEq(networks.ptdfEntry(id, 0, 2), -1e9);
        assertEq(networks.ptdf(id).length, 2);
        assertEq(networks.PTDF_SCALE(), 1e9);
    }

    function test_registerNetwork_idsIncrease() public {
        vm.startPrank(registrar);
        assertEq(networks.registerNetwork(2, 1, 0, limits(1, 1), twoBusPtdf()), 1);
        assertEq(networks.registerNetwork(2, 1, 0, limits(1, 1), twoBusPtdf()), 2);
        vm.stopPrank();
    }

    function test_registerNetwork_revertsForNonRegistrar() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                address(this),
                networks.REGISTRAR_ROLE()
            )
        );
        networks.registerNetwork(2, 1, 0, limits(1, 1), twoBusPtdf());
    }

    function test_registerNetwork_revertsWhenTooSmall() public {
        vm.startPrank(registrar);
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.NetworkTooSmall.selector, 1, 1));
        networks.registerNetwork(1, 1, 0, limits(1, 1), new int32[](1));
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.NetworkTooSmall.selector, 2, 0));
        networks.registerNetwork(2, 1, 0, new uint32[](0), new int32[](0));
        vm.stopPrank();
    }

    function test_registerNetwork_revertsOnSlackOutOfRange() public {
        vm.startPrank(registrar);
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.SlackBusOutOfRange.selector, 0, 2));
        networks.registerNetwork(2, 0, 0, limits(1, 1), twoBusPtdf());
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.SlackBusOutOfRange.selector, 3, 2));
        networks.registerNetwork(2, 3, 0, limits(1, 1), twoBusPtdf());
        vm.stopPrank();
    }

    function test_registerNetwork_revertsOnPtdfShape() public {
        vm.prank(registrar);
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.PtdfShapeMismatch.selector, 3, 2));
        networks.registerNetwork(2, 1, 0, limits(1, 1), new int32[](3));
    }

    function test_registerNetwork_revertsOnZeroLimit() public {
        vm.prank(registrar);
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.NonPositiveLineLimit.selector, 0));
        networks.registerNetwork(2, 1, 0, limits(1, 0), twoBusPtdf());
    }

    function test_registerNetwork_revertsOnNonZeroSlackColumn() public {
        int32[] memory p = twoBusPtdf();
        p[0] = 5;
        vm.prank(registrar);
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.SlackColumnNotZero.selector, 0, int32(5)));
        networks.registerNetwork(2, 1, 0, limits(1, 1), p);
    }

    function testFuzz_registerNetwork_rejectsEntriesBeyondOne(int32 entry) public {
        vm.assume(entry > 1e9 || entry < -1e9);
        int32[] memory p = twoBusPtdf();
        p[1] = entry;
        vm.prank(registrar);
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.PtdfEntryOutOfRange.selector, 0, 2, entry));
        networks.registerNetwork(2, 1, 0, limits(1, 1), p);
    }

    function testFuzz_registerNetwork_acceptsEntriesWithinOne(int32 entry, uint32 limit) public {
        entry = int32(bound(entry, -1e9, 1e9));
        limit = uint32(bound(limit, 1, type(uint32).max));
        int32[] memory p = twoBusPtdf();
        p[1] = entry;
        vm.prank(registrar);
        uint32 id = networks.registerNetwork(2, 1, 0, limits(1, limit), p);
        assertEq(networks.ptdfEntry(id, 0, 2), entry);
        assertEq(networks.lineLimits(id)[0], limit);
    }

    function test_views_revertOnUnknownNetwork() public {
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.UnknownNetwork.selector, 7));
        networks.network(7);
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.UnknownNetwork.selector, 7));
        networks.lineLimits(7);
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.UnknownNetwork.selector, 7));
        networks.ptdf(7);
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.UnknownNetwork.selector, 7));
        networks.ptdfEntry(7, 0, 1);
    }

    function test_ptdfEntry_revertsOutsideTheMatrix() public {
        vm.prank(registrar);
        uint32 id = networks.registerNetwork(2, 1, 0, limits(1, 1), twoBusPtdf());
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.LineOutOfRange.selector, 1, 1));
        networks.ptdfEntry(id, 1, 1);
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.BusOutOfRange.selector, 0, 2));
        networks.ptdfEntry(id, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(INetworkRegistry.BusOutOfRange.selector, 3, 2));
        networks.ptdfEntry(id, 0, 3);
    }
}

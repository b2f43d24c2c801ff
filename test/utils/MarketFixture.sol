// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ClearingLedger} from "../../contracts/ClearingLedger.sol";
import {MeterReadings} from "../../contracts/MeterReadings.sol";
import {NetworkRegistry} from "../../contracts/NetworkRegistry.sol";
import {ParticipantRegistry} from "../../contracts/ParticipantRegistry.sol";
import {Settlement} from "../../contracts/Settlement.sol";
import {IClearingLedger} from "../../contracts/interfaces/IClearingLedger.sol";
import {IMeterReadings} from "../../contracts/interfaces/IMeterReadings.sol";
import {IParticipantRegistry} from "../../contracts/interfaces/IParticipantRegistry.sol";
import {ScheduleLeaf} from "../../contracts/libraries/Leaves.sol";
import {SettlementToken} from "../../contracts/token/SettlementToken.sol";
import {MerkleBuilder} from "./MerkleBuilder.sol";
import {Test} from "forge-std/Test.sol";

/// @notice A bilateral trade as the tests write it (the contracts take it packed in one word).
struct TradeData {
    uint32 tradeIndex;
    uint16 seller;
    uint16 buyer;
    uint8 hour;
    uint64 energyWh;
    uint120 value;
}

/// @notice Deploys the market on a three-bus triangle network with five agents and offers
///         helpers to build epochs, proofs and signed readings.
/// @dev Network (equal reactances, slack bus 1), lines 1-2, 1-3, 2-3; PTDF (rows = lines,
///      columns = buses 1..3), by hand: injecting 1 at bus 2 sends 2/3 over 2→1 and 1/3 over
///      2→3→1, so line 1-2 carries -2/3, line 1-3 -1/3 and line 2-3 +1/3; bus 3 is symmetric.
///      Agents (id: kind, bus): 0: grid, 1; 1: seller, 2; 2: seller with storage, 3; 3: buyer, 2;
///      4: buyer, 3.
abstract contract MarketFixture is Test {
    using MerkleBuilder for bytes32[];

    uint64 internal constant READING_WINDOW = 2 hours;
    uint64 internal constant CHALLENGE_WINDOW = 1 hours;
    uint128 internal constant MIN_BOND = 0.1 ether;
    uint32 internal constant TOLERANCE_WH = 50;
    uint32 internal constant FLOW_TOLERANCE_WH = 3;
    uint16 internal constant AGENTS = 5;

    address internal admin = makeAddr("admin");
    address internal registrar = makeAddr("registrar");
    address internal oracle = makeAddr("oracle");
    address internal stranger = makeAddr("stranger");

    NetworkRegistry internal networks;
    ParticipantRegistry internal registry;
    ClearingLedger internal ledger;
    MeterReadings internal meters;
    Settlement internal settlement;
    SettlementToken internal token;
    uint32 internal networkId;

    address[AGENTS] internal owners;
    uint256[AGENTS] internal meterKeys;

    function setUp() public virtual {
        networks = new NetworkRegistry(admin);
        registry = new ParticipantRegistry(admin, networks);
        ledger = new ClearingLedger(admin, registry, READING_WINDOW, CHALLENGE_WINDOW, MIN_BOND);
        meters = new MeterReadings(registry, ledger);
        token = new SettlementToken(admin);
        settlement = new Settlement(registry, ledger, meters, token);

        vm.startPrank(admin);
        networks.grantRole(networks.REGISTRAR_ROLE(), registrar);
        registry.grantRole(registry.REGISTRAR_ROLE(), registrar);
        ledger.grantRole(ledger.ORACLE_ROLE(), oracle);
        vm.stopPrank();

        vm.prank(registrar);
        networkId = networks.registerNetwork(3, 1, FLOW_TOLERANCE_WH, triangleLimits(), trianglePtdf());

        IParticipantRegistry.AgentKind[AGENTS] memory kinds = [
            IParticipantRegistry.AgentKind.Grid,
            IParticipantRegistry.AgentKind.Seller,
            IParticipantRegistry.AgentKind.Seller,
            IParticipantRegistry.AgentKind.Buyer,
            IParticipantRegistry.AgentKind.Buyer
        ];
        uint16[AGENTS] memory buses = [uint16(1), 2, 3, 2, 3];
        for (uint256 i; i < AGENTS; ++i) {
            owners[i] = makeAddr(string.concat("owner", vm.toString(i)));
            meterKeys[i] = uint256(keccak256(abi.encode("meter", i)));
            vm.prank(registrar);
            registry.registerAgent(owners[i], vm.addr(meterKeys[i]), networkId, buses[i], kinds[i], i == 2);
        }
        vm.deal(oracle, 100 ether);
    }

    function triangleLimits() internal pure returns (uint32[] memory limits) {
        limits = new uint32[](3);
        limits[0] = 2000;
        limits[1] = 2000;
        limits[2] = 500;
    }

    function trianglePtdf() internal pure returns (int32[] memory p) {
        int32 twoThirds = 666_666_667;
        int32 oneThird = 333_333_333;
        p = new int32[](9);
        // line 1-2
        (p[0], p[1], p[2]) = (0, -twoThirds, -oneThird);
        // line 1-3
        (p[3], p[4], p[5]) = (0, -oneThird, -twoThirds);
        // line 2-3
        (p[6], p[7], p[8]) = (0, oneThird, -oneThird);
    }

    // ---------------------------------------------------------------- schedules

    /// @notice A balanced, feasible schedule: every hour the grid imports 100 Wh, seller 1 injects
    ///         600, seller 2 injects 400, buyers take 500 and 600. Flows: 0, 100, 100 Wh.
    function balancedSchedule() internal pure returns (int64[AGENTS][24] memory s) {
        for (uint256 h; h < 24; ++h) {
            s[h] = [int64(100), 600, 400, -500, -600];
        }
    }

    function scheduleLeaves(int64[AGENTS][24] memory s) internal pure returns (ScheduleLeaf[] memory leaves) {
        leaves = new ScheduleLeaf[](uint256(AGENTS) * 24);
        for (uint256 h; h < 24; ++h) {
            for (uint256 a; a < AGENTS; ++a) {
                leaves[h * AGENTS + a] = ScheduleLeaf(uint16(a), uint8(h), s[h][a]);
            }
        }
    }

    function scheduleHash(uint32 epochId, ScheduleLeaf memory l) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(epochId, l.agentId, l.hour, l.energyWh))));
    }

    function scheduleTree(uint32 epochId, ScheduleLeaf[] memory leaves)
        internal
        pure
        returns (bytes32[] memory)
    {
        bytes32[] memory hashes = new bytes32[](leaves.length);
        for (uint256 i; i < leaves.length; ++i) {
            hashes[i] = scheduleHash(epochId, leaves[i]);
        }
        return hashes.build();
    }

    /// @notice Multiproof of the chosen schedule leaves, with the leaves in proof order.
    function scheduleProof(bytes32[] memory tree, ScheduleLeaf[] memory all, uint256[] memory indices)
        internal
        pure
        returns (ScheduleLeaf[] memory leaves, bytes32[] memory proof, uint256[] memory flags)
    {
        MerkleBuilder.MultiProof memory mp = tree.multiProof(indices);
        leaves = new ScheduleLeaf[](indices.length);
        for (uint256 i; i < indices.length; ++i) {
            leaves[i] = all[mp.order[i]];
        }
        return (leaves, mp.proof, mp.flagBits);
    }

    function allIndices(uint256 n) internal pure returns (uint256[] memory idx) {
        idx = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            idx[i] = i;
        }
    }

    function hourIndices(uint8 hour) internal pure returns (uint256[] memory idx) {
        idx = new uint256[](AGENTS);
        for (uint256 a; a < AGENTS; ++a) {
            idx[a] = uint256(hour) * AGENTS + a;
        }
    }

    // ---------------------------------------------------------------- trades

    function tradeHash(uint32 epochId, TradeData memory t) internal pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                keccak256(abi.encode(epochId, t.tradeIndex, t.seller, t.buyer, t.hour, t.energyWh, t.value))
            )
        );
    }

    function pack(TradeData memory t) internal pure returns (uint256) {
        return uint256(t.tradeIndex) | (uint256(t.seller) << 32) | (uint256(t.buyer) << 48)
            | (uint256(t.hour) << 64) | (uint256(t.energyWh) << 72) | (uint256(t.value) << 136);
    }

    function tradeTree(uint32 epochId, TradeData[] memory trades) internal pure returns (bytes32[] memory) {
        bytes32[] memory hashes = new bytes32[](trades.length);
        for (uint256 i; i < trades.length; ++i) {
            hashes[i] = tradeHash(epochId, trades[i]);
        }
        return hashes.build();
    }

    function tradeProof(bytes32[] memory tree, TradeData[] memory all, uint256[] memory indices)
        internal
        pure
        returns (uint256[] memory words, bytes32[] memory proof, uint256[] memory flags)
    {
        MerkleBuilder.MultiProof memory mp = tree.multiProof(indices);
        words = new uint256[](indices.length);
        for (uint256 i; i < indices.length; ++i) {
            words[i] = pack(all[mp.order[i]]);
        }
        return (words, mp.proof, mp.flagBits);
    }

    /// @notice The trades of `balancedSchedule`: per hour seller 1 → buyer 3 (500), seller 1 →
    ///         buyer 4 (100), seller 2 → buyer 4 (400), grid → buyer 4 (100); 4 trades an hour.
    ///         Value at $0.06/kWh in micro-dollars: 60 per Wh.
    function balancedTrades() internal pure returns (TradeData[] memory t) {
        t = new TradeData[](96);
        uint32 k;
        for (uint8 h; h < 24; ++h) {
            t[k] = TradeData(k, 1, 3, h, 500, 30_000);
            ++k;
            t[k] = TradeData(k, 1, 4, h, 100, 6000);
            ++k;
            t[k] = TradeData(k, 2, 4, h, 400, 24_000);
            ++k;
            t[k] = TradeData(k, 0, 4, h, 100, 6000);
            ++k;
        }
    }

    // ---------------------------------------------------------------- epochs

    function epochParams(uint32 epochId, bytes32 scheduleRoot, TradeData[] memory trades)
        internal
        pure
        returns (IClearingLedger.EpochParams memory p)
    {
        uint256 energy;
        uint256 value;
        for (uint256 i; i < trades.length; ++i) {
            energy += trades[i].energyWh;
            value += trades[i].value;
        }
        p = IClearingLedger.EpochParams({
            epochId: epochId,
            networkId: 1,
            scheduleRoot: scheduleRoot,
            tradeRoot: trades.length == 0 ? bytes32(0) : tradeTree(epochId, trades)[0],
            documentHash: keccak256(abi.encode("document", epochId)),
            toleranceWh: TOLERANCE_WH,
            agentCount: AGENTS,
            tradeCount: uint32(trades.length),
            totalEnergyWh: uint64(energy),
            totalValue: uint128(value),
            documentURI: string.concat("file://results/", vm.toString(epochId), ".json")
        });
    }

    function postEpoch(uint32 epochId, int64[AGENTS][24] memory s, TradeData[] memory trades) internal {
        bytes32 root = scheduleTree(epochId, scheduleLeaves(s))[0];
        vm.prank(oracle);
        ledger.postEpoch{value: MIN_BOND}(epochParams(epochId, root, trades));
    }

    // ---------------------------------------------------------------- readings

    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant READING_TYPEHASH =
        keccak256("MeterReading(uint32 epochId,uint16 agentId,int32[24] energyWh)");

    /// @notice The EIP-712 digest, computed here independently of the contract.
    function readingDigest(uint32 epochId, uint16 agentId, int32[24] memory energyWh)
        internal
        view
        returns (bytes32)
    {
        bytes32 domain = keccak256(
            abi.encode(
                DOMAIN_TYPEHASH, keccak256("GridMarket Meter"), keccak256("1"), block.chainid, address(meters)
            )
        );
        bytes32[] memory words = new bytes32[](24);
        for (uint256 h; h < 24; ++h) {
            words[h] = bytes32(uint256(int256(energyWh[h])));
        }
        bytes32 structHash =
            keccak256(abi.encode(READING_TYPEHASH, epochId, agentId, keccak256(abi.encodePacked(words))));
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    function sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @notice Readings equal to the schedule for every hour.
    function exactReadings(int64[AGENTS][24] memory s, uint16 agentId)
        internal
        pure
        returns (int32[24] memory r)
    {
        for (uint256 h; h < 24; ++h) {
            r[h] = int32(s[h][agentId]);
        }
    }

    function signedReading(uint32 epochId, uint16 agentId, int32[24] memory values, uint256 key)
        internal
        view
        returns (IMeterReadings.SignedReading memory)
    {
        return IMeterReadings.SignedReading(
            epochId, agentId, values, sign(key, readingDigest(epochId, agentId, values))
        );
    }

    function submitAllExact(uint32 epochId, int64[AGENTS][24] memory s) internal {
        IMeterReadings.SignedReading[] memory batch = new IMeterReadings.SignedReading[](AGENTS);
        for (uint16 a; a < AGENTS; ++a) {
            batch[a] = signedReading(epochId, a, exactReadings(s, a), meterKeys[a]);
        }
        meters.submitReadings(batch);
    }

    function checkAll(uint32 epochId, int64[AGENTS][24] memory s) internal {
        ScheduleLeaf[] memory all = scheduleLeaves(s);
        bytes32[] memory tree = scheduleTree(epochId, all);
        (ScheduleLeaf[] memory leaves, bytes32[] memory proof, uint256[] memory flags) =
            scheduleProof(tree, all, allIndices(all.length));
        meters.checkSchedule(epochId, leaves, proof, flags);
    }

    function fund(uint16 agentId, uint256 amount) internal {
        vm.prank(admin);
        token.mint(owners[agentId], amount);
        vm.startPrank(owners[agentId]);
        token.approve(address(settlement), amount);
        settlement.deposit(agentId, amount);
        vm.stopPrank();
    }

    /// @notice Posts the balanced epoch, reports exact readings, checks it and closes the windows.
    function readyToSettle(uint32 epochId) internal returns (TradeData[] memory trades) {
        int64[AGENTS][24] memory s = balancedSchedule();
        trades = balancedTrades();
        postEpoch(epochId, s, trades);
        submitAllExact(epochId, s);
        vm.warp(block.timestamp + READING_WINDOW + 1);
        checkAll(epochId, s);
    }
}

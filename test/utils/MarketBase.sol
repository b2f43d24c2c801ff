// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ClearingLedger} from "../../contracts/ClearingLedger.sol";
import {MeterReadings} from "../../contracts/MeterReadings.sol";
import {NetworkRegistry} from "../../contracts/NetworkRegistry.sol";
import {ParticipantRegistry} from "../../contracts/ParticipantRegistry.sol";
import {Settlement} from "../../contracts/Settlement.sol";
import {IClearingLedger} from "../../contracts/interfaces/IClearingLedger.sol";
import {IMeterReadings} from "../../contracts/interfaces/IMeterReadings.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {SettlementToken} from "../../contracts/token/SettlementToken.sol";
import {SettlementMode, Tariff} from "../../contracts/types/Tariff.sol";
import {MerkleBuilder} from "./MerkleBuilder.sol";
import {Test} from "forge-std/Test.sol";

/// @notice A bilateral trade as the tests write it.
struct TradeData {
    uint32 tradeIndex;
    uint16 seller;
    uint16 buyer;
    uint8 hour;
    uint64 energyWh;
    uint120 value;
}

/// @notice One settlement batch as Settlement.settleAgents takes it.
struct SettleCall {
    ISettlement.AgentDays batch;
    bytes32[] proof;
    uint256[] flagBits;
}

/// @notice Deploys the market and builds what its calls take: packed schedule rows, their Merkle
///         trees and multiproofs (built here independently of the contracts, with MerkleBuilder),
///         signed meter readings, tariffs and trade trees. Tests and handlers inherit it.
abstract contract MarketBase is Test {
    using MerkleBuilder for bytes32[];

    uint64 internal constant READING_WINDOW = 2 hours;
    uint64 internal constant CHALLENGE_WINDOW = 1 hours;
    uint128 internal constant MIN_BOND = 0.1 ether;
    uint16 internal constant CHALLENGER_SHARE_BPS = 5000;
    uint32 internal constant TOLERANCE_WH = 50;
    /// @dev $0.06, $0.25 and $0.03 per kWh in micro-dollars (the test token has 6 decimals).
    uint64 internal constant PRICE = 60_000;
    uint64 internal constant SHORTFALL_PRICE = 250_000;
    uint64 internal constant SURPLUS_PRICE = 30_000;

    address internal admin = makeAddr("admin");
    address internal registrar = makeAddr("registrar");
    address internal oracle = makeAddr("oracle");
    address internal stranger = makeAddr("stranger");
    address internal treasury = makeAddr("treasury");

    NetworkRegistry internal networks;
    ParticipantRegistry internal registry;
    ClearingLedger internal ledger;
    MeterReadings internal meters;
    Settlement internal settlement;
    SettlementToken internal token;

    function deployMarket() internal {
        networks = new NetworkRegistry(admin);
        registry = new ParticipantRegistry(admin, networks);
        ledger = new ClearingLedger(
            admin, registry, READING_WINDOW, CHALLENGE_WINDOW, MIN_BOND, CHALLENGER_SHARE_BPS, treasury
        );
        meters = new MeterReadings(registry, ledger);
        token = new SettlementToken(admin);
        settlement = new Settlement(registry, ledger, meters, token);

        vm.startPrank(admin);
        ledger.bindSettlement(settlement);
        networks.grantRole(networks.REGISTRAR_ROLE(), registrar);
        registry.grantRole(registry.REGISTRAR_ROLE(), registrar);
        ledger.grantRole(ledger.ORACLE_ROLE(), oracle);
        vm.stopPrank();
        vm.deal(oracle, 1000 ether);
    }

    /// @notice Makes the next registered agent get id `nextId` by overwriting the length of the
    ///         registry's agent array (found by its current value). The skipped ids stay unknown.
    function jumpAgentIds(uint256 nextId) internal {
        uint256 count = registry.agentCount();
        for (uint256 s; s < 16; ++s) {
            if (uint256(vm.load(address(registry), bytes32(s))) == count) {
                vm.store(address(registry), bytes32(s), bytes32(nextId));
                return;
            }
        }
        revert("agents length slot not found");
    }

    // ---------------------------------------------------------------- tariffs

    function flatTariff() internal pure returns (Tariff memory t) {
        for (uint256 h; h < 24; ++h) {
            t.price[h] = PRICE;
            t.shortfall[h] = SHORTFALL_PRICE;
            t.surplus[h] = SURPLUS_PRICE;
        }
    }

    // ---------------------------------------------------------------- schedule rows

    /// @notice Rows packed as the contracts take them: 24 int32 big-endian per row, back to back.
    function packRows(int32[24][] memory rows) internal pure returns (bytes memory out) {
        out = new bytes(rows.length * 96);
        for (uint256 k; k < rows.length; ++k) {
            int32[24] memory row = rows[k];
            for (uint256 h; h < 24; ++h) {
                uint32 v = uint32(row[h]);
                uint256 at = k * 96 + h * 4;
                out[at] = bytes1(uint8(v >> 24));
                out[at + 1] = bytes1(uint8(v >> 16));
                out[at + 2] = bytes1(uint8(v >> 8));
                out[at + 3] = bytes1(uint8(v));
            }
        }
    }

    /// @notice What MeterReadings stores for a reading, written independently of the contract's
    ///         assembly: the meter's 20 bytes, then the row packed (24 × int32 big-endian).
    function readingCommitment(address meter, int32[24] memory values) internal pure returns (bytes32) {
        int32[24][] memory one_ = new int32[24][](1);
        one_[0] = values;
        return keccak256(abi.encodePacked(meter, packRows(one_)));
    }

    function rowLeaf(uint32 epochId, uint16 agentId, int32[24] memory row) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(epochId, agentId, row))));
    }

    function scheduleTree(uint32 epochId, uint16[] memory ids, int32[24][] memory rows)
        internal
        pure
        returns (bytes32[] memory)
    {
        bytes32[] memory leaves = new bytes32[](ids.length);
        for (uint256 k; k < ids.length; ++k) {
            leaves[k] = rowLeaf(epochId, ids[k], rows[k]);
        }
        return leaves.build();
    }

    function rowProof(uint32 epochId, uint16[] memory ids, int32[24][] memory rows, uint256 k)
        internal
        pure
        returns (IClearingLedger.RowProof memory)
    {
        return IClearingLedger.RowProof(rows[k], scheduleTree(epochId, ids, rows).proof(k));
    }

    // ---------------------------------------------------------------- epochs

    function params(
        uint32 epochId,
        uint32 networkId,
        SettlementMode mode,
        bytes32 tradeRoot,
        uint32 tradeCount
    ) internal pure returns (IClearingLedger.EpochParams memory) {
        return IClearingLedger.EpochParams({
            epochId: epochId,
            networkId: networkId,
            mode: mode,
            tradeRoot: tradeRoot,
            tradeCount: tradeCount,
            documentHash: keccak256(abi.encode("document", epochId)),
            toleranceWh: TOLERANCE_WH,
            documentURI: string.concat("http://127.0.0.1/documents/", vm.toString(epochId))
        });
    }

    /// @notice What an agent locks for a row at a tariff (the rule of Positions, written again).
    function lockOf(int32[24] memory row, Tariff memory t) internal pure returns (uint256) {
        uint256 sum;
        for (uint256 h; h < 24; ++h) {
            if (row[h] < 0) sum += uint256(-int256(row[h])) * t.price[h];
        }
        return (sum + 999) / 1000;
    }

    /// @notice The grid agent's surplus reserve for rows at a tariff (written again).
    function reserveOf(uint16[] memory ids, int32[24][] memory rows, uint16 grid, Tariff memory t)
        internal
        pure
        returns (uint256)
    {
        uint256 sum;
        for (uint256 k; k < ids.length; ++k) {
            if (ids[k] == grid) continue;
            for (uint256 h; h < 24; ++h) {
                int256 s = rows[k][h];
                sum += uint256(s < 0 ? -s : s) * t.surplus[h];
            }
        }
        return (sum + 999) / 1000;
    }

    // ---------------------------------------------------------------- money

    function fund(uint16 agentId, uint256 amount) internal {
        address owner = registry.agent(agentId).owner;
        vm.prank(admin);
        token.mint(owner, amount);
        vm.startPrank(owner);
        token.approve(address(settlement), amount);
        settlement.deposit(agentId, amount);
        vm.stopPrank();
    }

    function available(uint16 agentId) internal view returns (uint256) {
        return settlement.accountOf(agentId).available;
    }

    function locked(uint16 agentId) internal view returns (uint256) {
        return settlement.accountOf(agentId).locked;
    }

    // ---------------------------------------------------------------- readings

    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant READING_TYPEHASH =
        keccak256("MeterReading(uint32 epochId,uint16 agentId,int32[24] energyWh)");
    bytes32 internal constant CONSENSUS_TYPEHASH =
        keccak256("ConsensusSchedule(uint32 epochId,uint16 agentId,int32[24] energyWh)");

    function _typedDigest(
        string memory name,
        address verifier,
        bytes32 typeHash,
        uint32 epochId,
        uint16 agentId,
        int32[24] memory energyWh
    ) private view returns (bytes32) {
        bytes32 domain = keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256(bytes(name)), keccak256("1"), block.chainid, verifier)
        );
        bytes32[] memory words = new bytes32[](24);
        for (uint256 h; h < 24; ++h) {
            words[h] = bytes32(uint256(int256(energyWh[h])));
        }
        bytes32 structHash =
            keccak256(abi.encode(typeHash, epochId, agentId, keccak256(abi.encodePacked(words))));
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    /// @notice The EIP-712 digest of a meter reading, computed here independently of the contract.
    function readingDigest(uint32 epochId, uint16 agentId, int32[24] memory energyWh)
        internal
        view
        returns (bytes32)
    {
        return _typedDigest("GridMarket Meter", address(meters), READING_TYPEHASH, epochId, agentId, energyWh);
    }

    /// @notice The EIP-712 digest of an oracle's consensus schedule, computed independently.
    function consensusDigest(uint32 epochId, uint16 agentId, int32[24] memory energyWh)
        internal
        view
        returns (bytes32)
    {
        return _typedDigest(
            "GridMarket Clearing", address(ledger), CONSENSUS_TYPEHASH, epochId, agentId, energyWh
        );
    }

    function sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
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

    function one(IMeterReadings.SignedReading memory r)
        internal
        pure
        returns (IMeterReadings.SignedReading[] memory b)
    {
        b = new IMeterReadings.SignedReading[](1);
        b[0] = r;
    }

    // ---------------------------------------------------------------- settlement

    /// @notice A settlement call for the rows at `indices` (network positions): rows and readings
    ///         in multiproof order. `meterOf[k]` is the key that signed agent k's stored reading
    ///         (zero when it has none).
    function settleCall(
        uint32 epochId,
        uint16[] memory ids,
        int32[24][] memory rows,
        int32[24][] memory readings,
        address[] memory meterOf,
        uint256[] memory indices
    ) internal pure returns (SettleCall memory c) {
        MerkleBuilder.MultiProof memory mp = scheduleTree(epochId, ids, rows).multiProof(indices);
        uint256 n = indices.length;
        c.batch.agentIds = new uint16[](n);
        c.batch.meters = new address[](n);
        int32[24][] memory rowsInOrder = new int32[24][](n);
        int32[24][] memory readingsInOrder = new int32[24][](n);
        for (uint256 i; i < n; ++i) {
            uint256 k = mp.order[i];
            c.batch.agentIds[i] = ids[k];
            c.batch.meters[i] = meterOf[k];
            rowsInOrder[i] = rows[k];
            readingsInOrder[i] = readings[k];
        }
        c.batch.scheduleWh = packRows(rowsInOrder);
        c.batch.measuredWh = packRows(readingsInOrder);
        c.proof = mp.proof;
        c.flagBits = mp.flagBits;
    }

    function allIndices(uint256 n) internal pure returns (uint256[] memory idx) {
        idx = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            idx[i] = i;
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

    function tradeTree(uint32 epochId, TradeData[] memory trades) internal pure returns (bytes32[] memory) {
        bytes32[] memory hashes = new bytes32[](trades.length);
        for (uint256 i; i < trades.length; ++i) {
            hashes[i] = tradeHash(epochId, trades[i]);
        }
        return hashes.build();
    }

    function leafOf(TradeData memory t) internal pure returns (IClearingLedger.TradeLeaf memory) {
        return IClearingLedger.TradeLeaf(t.tradeIndex, t.seller, t.buyer, t.hour, t.energyWh, t.value);
    }
}

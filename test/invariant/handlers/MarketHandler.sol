// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ClearingLedger} from "../../../contracts/ClearingLedger.sol";
import {MeterReadings} from "../../../contracts/MeterReadings.sol";
import {ParticipantRegistry} from "../../../contracts/ParticipantRegistry.sol";
import {Settlement} from "../../../contracts/Settlement.sol";
import {IMeterReadings} from "../../../contracts/interfaces/IMeterReadings.sol";
import {ScheduleLeaf} from "../../../contracts/libraries/Leaves.sol";
import {SettlementToken} from "../../../contracts/token/SettlementToken.sol";
import {MarketFixture, TradeData} from "../../utils/MarketFixture.sol";

/// @notice Drives the market with bounded random actions and keeps ghost totals that the
///         invariants compare with contract state. Inherits the fixture's helpers; the invariant
///         suite deploys the market and hands it over.
contract MarketHandler is MarketFixture {
    uint256 internal constant MAX_EPOCHS = 3;

    // ghost state
    uint32[] public ghost_epochs;
    mapping(uint32 epochId => bool) public ghost_corrupt;
    mapping(uint32 epochId => uint8) internal _corruptHour;
    uint256 public ghost_deposited;
    uint256 public ghost_withdrawn;
    mapping(uint16 agentId => uint256) public ghost_proceedsWithdrawn;
    uint256 public ghost_readingsByStaleKey;
    uint256 public ghost_staleKeyAccepted;
    mapping(bytes32 => uint256) public calls;

    mapping(uint32 epochId => TradeData[]) internal _trades;
    mapping(uint32 epochId => ScheduleLeaf[]) internal _schedule;
    /// @dev Keys rotated out, per agent; a reading signed with one must never be stored.
    mapping(uint16 agentId => uint256[]) internal _oldKeys;

    struct Deployment {
        ParticipantRegistry registry;
        ClearingLedger ledger;
        MeterReadings meters;
        Settlement settlement;
        SettlementToken token;
        address admin;
        address registrar;
        address oracle;
        address[AGENTS] owners;
        uint256[AGENTS] meterKeys;
    }

    constructor(Deployment memory d) {
        registry = d.registry;
        ledger = d.ledger;
        meters = d.meters;
        settlement = d.settlement;
        token = d.token;
        admin = d.admin;
        registrar = d.registrar;
        oracle = d.oracle;
        owners = d.owners;
        meterKeys = d.meterKeys;
    }

    function setUp() public pure override {}

    /// Disputes pay the bond to the handler.
    receive() external payable {}

    // ------------------------------------------------------------------ actions

    /// Posts a day with one trade per hour (≤ 100 Wh, $0.06/kWh) and the schedule those trades
    /// imply; a corrupt day adds 1 Wh of imbalance to one hour.
    function post(uint256 seed, bool corrupt) external {
        if (ghost_epochs.length >= MAX_EPOCHS) return;
        calls["post"]++;
        uint32 epochId = uint32(ghost_epochs.length + 1);
        int64[AGENTS][24] memory s;
        TradeData[] storage trades = _trades[epochId];
        for (uint8 h; h < 24; ++h) {
            uint256 r = uint256(keccak256(abi.encode(seed, h)));
            uint16 seller = uint16(r % 3);
            uint16 buyer = uint16(3 + (r >> 8) % 2);
            uint64 energy = uint64(1 + (r >> 16) % 100);
            trades.push(TradeData(h, seller, buyer, h, energy, uint120(energy) * 60));
            s[h][seller] += int64(energy);
            s[h][buyer] -= int64(energy);
        }
        if (corrupt) {
            _corruptHour[epochId] = uint8(seed % 24);
            s[seed % 24][0] += 1;
        }
        ScheduleLeaf[] memory leaves = scheduleLeaves(s);
        for (uint256 i; i < leaves.length; ++i) {
            _schedule[epochId].push(leaves[i]);
        }
        bytes32 root = scheduleTree(epochId, leaves)[0];
        vm.deal(oracle, MIN_BOND);
        vm.prank(oracle);
        ledger.postEpoch{value: MIN_BOND}(epochParams(epochId, root, trades));
        ghost_epochs.push(epochId);
        ghost_corrupt[epochId] = corrupt;
    }

    /// Every meter reports for one epoch in one batch; per agent, `modes` picks exact readings
    /// (most often), a small drift, a large miss at one hour, or a missing hour.
    function report(uint256 epochSeed, uint256 modes, int32 drift) external {
        if (ghost_epochs.length == 0) return;
        calls["report"]++;
        uint32 epochId = ghost_epochs[epochSeed % ghost_epochs.length];
        IMeterReadings.SignedReading[] memory batch = new IMeterReadings.SignedReading[](AGENTS);
        for (uint16 a; a < AGENTS; ++a) {
            int32[24] memory values = _scheduled(epochId, a);
            uint256 mode = (modes >> (a * 8)) % 8;
            uint8 hour = uint8((uint256(uint32(drift)) + a) % 24);
            if (mode == 5) values[hour] += int32(bound(drift, -int32(TOLERANCE_WH), int32(TOLERANCE_WH)));
            if (mode == 6) values[hour] += int32(TOLERANCE_WH) + 1 + int32(uint32(drift) % 500);
            if (mode == 7) values[hour] = type(int32).min;
            batch[a] = signedReading(epochId, a, values, meterKeys[a]);
        }
        try meters.submitReadings(batch) {
            calls["report.ok"]++;
        } catch {}
    }

    /// A rotated-out key signs an agent's readings: it must be refused.
    function reportWithStaleKey(uint256 epochSeed, uint256 agentSeed, uint256 keySeed) external {
        uint16 agentId = uint16(agentSeed % AGENTS);
        if (ghost_epochs.length == 0 || _oldKeys[agentId].length == 0) return;
        calls["reportWithStaleKey"]++;
        uint32 epochId = ghost_epochs[epochSeed % ghost_epochs.length];
        uint256 key = _oldKeys[agentId][keySeed % _oldKeys[agentId].length];
        IMeterReadings.SignedReading[] memory batch = new IMeterReadings.SignedReading[](1);
        batch[0] = signedReading(epochId, agentId, _scheduled(epochId, agentId), key);
        ghost_readingsByStaleKey++;
        try meters.submitReadings(batch) {
            ghost_staleKeyAccepted++;
        } catch {}
    }

    function rotateMeter(uint256 agentSeed, uint256 newKeySeed) external {
        calls["rotateMeter"]++;
        uint16 agentId = uint16(agentSeed % AGENTS);
        uint256 newKey = bound(uint256(keccak256(abi.encode("rotated", newKeySeed))), 1, 1e70);
        _oldKeys[agentId].push(meterKeys[agentId]);
        vm.prank(registrar);
        try registry.rotateMeter(agentId, vm.addr(newKey)) {
            meterKeys[agentId] = newKey;
        } catch {
            _oldKeys[agentId].pop();
        }
    }

    function warp(uint256 secondsAhead) external {
        calls["warp"]++;
        vm.warp(block.timestamp + bound(secondsAhead, 1, 3 hours));
    }

    function check(uint256 epochSeed) external {
        if (ghost_epochs.length == 0) return;
        calls["check"]++;
        uint32 epochId = ghost_epochs[epochSeed % ghost_epochs.length];
        ScheduleLeaf[] memory all = _schedule[epochId];
        (ScheduleLeaf[] memory leaves, bytes32[] memory proof, uint256[] memory flags) =
            scheduleProof(scheduleTree(epochId, all), all, allIndices(all.length));
        try meters.checkSchedule(epochId, leaves, proof, flags) {
            calls["check.ok"]++;
        } catch {}
    }

    function dispute(uint256 epochSeed, uint256 hourSeed) external {
        if (ghost_epochs.length == 0) return;
        calls["dispute"]++;
        uint32 epochId = ghost_epochs[epochSeed % ghost_epochs.length];
        // Half the time aim at the corrupt hour, if any; otherwise any hour (which must fail).
        uint8 hour =
            ghost_corrupt[epochId] && hourSeed % 2 == 0 ? _corruptHour[epochId] : uint8(hourSeed % 24);
        ScheduleLeaf[] memory all = _schedule[epochId];
        (ScheduleLeaf[] memory leaves, bytes32[] memory proof, uint256[] memory flags) =
            scheduleProof(scheduleTree(epochId, all), all, hourIndices(hour));
        try ledger.disputeHour(epochId, hour, leaves, proof, flags) {
            calls["dispute.ok"]++;
        } catch {}
    }

    function deposit(uint256 agentSeed, uint256 amount) external {
        calls["deposit"]++;
        uint16 agentId = uint16(3 + agentSeed % 2);
        amount = bound(amount, 1, 200_000);
        vm.prank(admin);
        token.mint(owners[agentId], amount);
        vm.startPrank(owners[agentId]);
        token.approve(address(settlement), amount);
        settlement.deposit(agentId, amount);
        vm.stopPrank();
        ghost_deposited += amount;
    }

    function withdrawEscrow(uint256 agentSeed, uint256 amount) external {
        calls["withdrawEscrow"]++;
        uint16 agentId = uint16(3 + agentSeed % 2);
        uint256 held = settlement.escrowOf(agentId);
        if (held == 0) return;
        amount = bound(amount, 1, held);
        vm.prank(owners[agentId]);
        settlement.withdrawEscrow(agentId, amount, owners[agentId]);
        ghost_withdrawn += amount;
    }

    function settle(uint256 epochSeed, uint256 mask) external {
        if (ghost_epochs.length == 0) return;
        calls["settle"]++;
        uint32 epochId = ghost_epochs[epochSeed % ghost_epochs.length];
        TradeData[] memory all = _trades[epochId];
        uint256 count;
        for (uint256 i; i < all.length; ++i) {
            if ((mask >> i) & 1 == 1) ++count;
        }
        if (count == 0) return;
        uint256[] memory picked = new uint256[](count);
        uint256 k;
        for (uint256 i; i < all.length; ++i) {
            if ((mask >> i) & 1 == 1) picked[k++] = i;
        }
        (uint256[] memory words, bytes32[] memory proof, uint256[] memory flags) =
            tradeProof(tradeTree(epochId, all), all, picked);
        try settlement.settleTrades(epochId, words, proof, flags) {
            calls["settle.ok"]++;
        } catch {}
    }

    function withdraw(uint256 agentSeed) external {
        calls["withdraw"]++;
        uint16 agentId = uint16(agentSeed % 3);
        uint256 due = settlement.claimableOf(agentId);
        if (due == 0) return;
        vm.prank(owners[agentId]);
        settlement.withdraw(agentId, owners[agentId]);
        ghost_withdrawn += due;
        ghost_proceedsWithdrawn[agentId] += due;
    }

    function _scheduled(uint32 epochId, uint16 agentId) internal view returns (int32[24] memory values) {
        ScheduleLeaf[] storage sched = _schedule[epochId];
        for (uint8 h; h < 24; ++h) {
            values[h] = int32(sched[uint256(h) * AGENTS + agentId].energyWh);
        }
    }

    // ------------------------------------------------------------------ views for invariants

    function epochCount() external view returns (uint256) {
        return ghost_epochs.length;
    }

    function tradesOf(uint32 epochId) external view returns (TradeData[] memory) {
        return _trades[epochId];
    }
}

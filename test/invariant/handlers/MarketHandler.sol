// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ClearingLedger} from "../../../contracts/ClearingLedger.sol";
import {MeterReadings} from "../../../contracts/MeterReadings.sol";
import {NetworkRegistry} from "../../../contracts/NetworkRegistry.sol";
import {ParticipantRegistry} from "../../../contracts/ParticipantRegistry.sol";
import {Settlement} from "../../../contracts/Settlement.sol";
import {IClearingLedger} from "../../../contracts/interfaces/IClearingLedger.sol";
import {IMeterReadings} from "../../../contracts/interfaces/IMeterReadings.sol";
import {ISettlement} from "../../../contracts/interfaces/ISettlement.sol";
import {SettlementToken} from "../../../contracts/token/SettlementToken.sol";
import {SettlementMode, Tariff} from "../../../contracts/types/Tariff.sol";
import {MarketBase, SettleCall, TradeData} from "../../utils/MarketBase.sol";
import {MerkleBuilder} from "../../utils/MerkleBuilder.sol";
import {Vm} from "forge-std/Vm.sol";

/// @notice Plays every role against the market with bounded random actions: an honest and a
///         malicious oracle (unbalanced, overloaded, incomplete, inflated-trade and
///         signed-then-changed days; disputing itself), meters that deviate on purpose or miss
///         hours, a griefing relayer, a meter-key thief and the registrar clearing its readings,
///         buyers trying to withdraw locked escrow, challengers, settlers. Ghost state records what
///         the invariants compare with the contracts.
contract MarketHandler is MarketBase {
    using MerkleBuilder for bytes32[];

    uint256 internal constant MAX_EPOCHS = 4;
    uint256 internal constant ORACLE_KEY = 0x0a11ce;
    uint8 internal constant TRADE_HOURS = 2;

    enum Kind {
        Honest,
        Overload,
        InflatedTrade,
        SignedThenChanged
    }

    struct EpochGhost {
        uint32 id;
        Kind kind;
        SettlementMode mode;
        uint8 badHour;
        uint16 badAgent;
        bool selfDisputed;
    }

    struct StoredReading {
        bool stored;
        address meter;
        int32[24] values;
    }

    uint32 public networkId;
    uint16[] public members;
    uint256 public agentCount;
    mapping(uint256 index => uint256 key) public keyOf;
    mapping(uint256 index => uint256[] keys) internal _oldKeys;
    mapping(uint256 index => bool) public isBuyer;

    EpochGhost[] public epochs;
    mapping(uint32 epochId => int32[24][]) internal _rows;
    mapping(uint32 epochId => TradeData[]) internal _trades;
    mapping(uint32 epochId => int32[24]) internal _signedRow;
    mapping(uint32 epochId => mapping(uint256 index => StoredReading)) internal _readings;
    /// @dev Per epoch and network position, computed at posting from the rows (the rule of
    ///      Positions written again): what the agent locks, its supply value, its largest surplus
    ///      credit, all in base units.
    mapping(uint32 epochId => uint256[]) public lockAt;
    mapping(uint32 epochId => uint256[]) public supplyValueAt;
    mapping(uint32 epochId => uint256[]) public surplusCapAt;

    // ghost totals
    uint256 public ghost_deposited;
    uint256 public ghost_withdrawn;
    uint256 public ghost_lockedWithdrawn;
    uint256 public ghost_staleKeyAccepted;
    uint256 public ghost_copyBatchReverted;
    uint256 public ghost_honestVoided;
    uint256 public ghost_corruptPosted;
    int256 public ghost_oracleDisputeGain;
    mapping(uint32 epochId => mapping(uint16 agentId => uint256)) public ghost_settledTimes;
    mapping(uint32 epochId => mapping(uint16 agentId => uint256)) public ghost_credit;
    mapping(uint32 epochId => mapping(uint16 agentId => uint256)) public ghost_forfeit;
    mapping(uint32 epochId => mapping(uint16 agentId => uint256)) public ghost_surplusCredit;
    mapping(uint32 epochId => uint256) public ghost_dust;
    mapping(bytes32 path => uint256) public calls;

    struct Setup {
        NetworkRegistry networks;
        ParticipantRegistry registry;
        ClearingLedger ledger;
        MeterReadings meters;
        Settlement settlement;
        SettlementToken token;
        address admin;
        address registrar;
        uint32 networkId;
        uint16[] members;
        uint256[] meterKeys;
        bool[] isBuyer;
    }

    constructor(Setup memory s) {
        networks = s.networks;
        registry = s.registry;
        ledger = s.ledger;
        meters = s.meters;
        settlement = s.settlement;
        token = s.token;
        admin = s.admin;
        registrar = s.registrar;
        oracle = vm.addr(ORACLE_KEY);
        networkId = s.networkId;
        members = s.members;
        agentCount = s.members.length;
        for (uint256 k; k < agentCount; ++k) {
            keyOf[k] = s.meterKeys[k];
            isBuyer[k] = s.isBuyer[k];
        }
    }

    /// Challenger rewards and released bonds come here.
    receive() external payable {}

    // ================================================================ the oracle

    /// An honest day: random supply and demand every hour, balanced by the grid agent (index 0),
    /// with the trades of a greedy matching at the price.
    function postHonest(uint256 seed, bool thesis) external {
        if (epochs.length >= MAX_EPOCHS) return;
        calls["postHonest"]++;
        int32[24][] memory rows = _randomRows(seed);
        _post(rows, _greedyTrades(uint32(epochs.length + 1), rows), Kind.Honest, thesis, 0, 0);
    }

    /// A corrupt day of one of the malicious kinds the ledger cannot refuse at posting; and the
    /// kinds it must refuse (an unbalanced hour, a missing row), which are counted when refused.
    function postCorrupt(uint256 seed, uint8 kindSeed) external {
        if (epochs.length >= MAX_EPOCHS) return;
        uint32 epochId = uint32(epochs.length + 1);
        int32[24][] memory rows = _randomRows(seed);
        uint8 hour = uint8(seed % 24);
        uint256 kind = kindSeed % 5;
        if (kind == 3) {
            // Unbalanced by one Wh: refused.
            calls["postCorrupt.unbalanced"]++;
            rows[1][hour] += 1;
            _fundFor(rows, true);
            vm.prank(oracle);
            try ledger.postEpoch{value: MIN_BOND}(
                _params(epochId, true, bytes32(0), 0), packRows(rows), flatTariff()
            ) {
                ghost_corruptPosted++;
            } catch {}
            return;
        }
        if (kind == 4) {
            // One row left out: refused.
            calls["postCorrupt.omitted"]++;
            int32[24][] memory fewer = new int32[24][](agentCount - 1);
            for (uint256 k; k < fewer.length; ++k) {
                fewer[k] = rows[k];
            }
            vm.prank(oracle);
            try ledger.postEpoch{value: MIN_BOND}(
                _params(epochId, true, bytes32(0), 0), packRows(fewer), flatTariff()
            ) {
                ghost_corruptPosted++;
            } catch {}
            return;
        }
        TradeData[] memory trades = _greedyTrades(epochId, rows);
        if (kind == 0) {
            calls["postCorrupt.overload"]++;
            // 300 kWh from a bus-3 agent to a bus-2 agent: line 2-3 carries 200 kWh (limit 100).
            (uint256 from, uint256 to) = _pairOnBuses();
            rows[from][hour] += 300_000;
            rows[to][hour] -= 300_000;
            trades = _greedyTrades(epochId, rows);
            _post(rows, trades, Kind.Overload, false, hour, 0);
        } else if (kind == 1) {
            calls["postCorrupt.inflatedTrade"]++;
            // A consumer "sells" 500 Wh for 1,000,000 base units.
            uint256 consumer = _firstBuyer();
            trades[0] = TradeData(0, members[consumer], members[0], trades[0].hour, 500, 1_000_000);
            _post(rows, trades, Kind.InflatedTrade, false, trades[0].hour, uint16(consumer));
        } else {
            calls["postCorrupt.signedThenChanged"]++;
            // The oracle signs agent 1's consensus, then posts 100 Wh of it moved to the grid.
            _signedRow[epochId] = rows[1];
            rows[1][hour] -= 100;
            rows[0][hour] += 100;
            _post(rows, trades, Kind.SignedThenChanged, false, hour, 1);
        }
    }

    /// The oracle disputes its own corrupt epoch (committing first, as a challenger would).
    function oracleDisputesItself(uint256 epochSeed) external {
        (bool ok, EpochGhost storage g) = _pick(epochSeed);
        if (!ok || g.kind == Kind.Honest || _closedForDisputes(g.id)) return;
        calls["oracleDisputesItself"]++;
        uint256 before = oracle.balance;
        vm.prank(oracle);
        ledger.commitChallenge(keccak256(abi.encode(oracle, g.id, bytes32("self"))));
        vm.roll(block.number + 1);
        vm.startPrank(oracle);
        bool voided = _tryDispute(g, bytes32("self"));
        vm.stopPrank();
        if (voided) g.selfDisputed = true;
        ghost_oracleDisputeGain += int256(oracle.balance) - int256(before);
    }

    // ================================================================ challengers

    /// A challenger commits, then reveals the evidence for the epoch's fault; against an honest
    /// epoch it tries every kind of dispute with the evidence it has (all must fail).
    function dispute(uint256 epochSeed) external {
        (bool ok, EpochGhost storage g) = _pick(epochSeed);
        if (!ok || _closedForDisputes(g.id)) return;
        calls["dispute"]++;
        ledger.commitChallenge(keccak256(abi.encode(address(this), g.id, bytes32("c"))));
        vm.roll(block.number + 1);
        if (g.kind != Kind.Honest) {
            if (_tryDispute(g, bytes32("c"))) calls["dispute.voided"]++;
            return;
        }
        bytes memory posted = packRows(_rows[g.id]);
        for (uint8 hour; hour < 24; hour += 7) {
            try ledger.disputeLineOverload(g.id, hour, posted, bytes32("c")) {
                ghost_honestVoided++;
            } catch {}
        }
        TradeData[] memory trades = _trades[g.id];
        if (trades.length != 0 && _tryTradeDispute(g.id, trades, 0, bytes32("c"))) ghost_honestVoided++;
    }

    // ================================================================ meters and relayers

    /// Every meter of an epoch reports; per agent the seed picks exact readings, drift within the
    /// tolerance, a deliberate deviation beyond it (either way), missing hours, or no report.
    function report(uint256 epochSeed, uint256 modes, int32 drift) external {
        (bool ok, EpochGhost storage g) = _pick(epochSeed);
        if (!ok) return;
        calls["report"]++;
        int32[24][] memory rows = _rows[g.id];
        IMeterReadings.SignedReading[] memory batch = new IMeterReadings.SignedReading[](agentCount);
        uint256 n;
        for (uint256 k; k < agentCount; ++k) {
            if (_readings[g.id][k].stored || registry.agent(members[k]).meter == address(0)) continue;
            uint256 mode = (modes >> (k * 3)) % 8;
            if (mode == 7) continue; // this meter does not report
            int32[24] memory values = rows[k];
            uint8 hour = uint8((uint256(uint32(drift)) + k) % 24);
            if (mode == 3) values[hour] += int32(bound(drift, -int32(TOLERANCE_WH), int32(TOLERANCE_WH)));
            if (mode == 4) values[hour] += int32(TOLERANCE_WH) + 1 + int32(uint32(drift) % 500);
            if (mode == 5) values[hour] -= int32(TOLERANCE_WH) + 1 + int32(uint32(drift) % 500);
            if (mode == 6) values[hour] = type(int32).min;
            batch[n++] = signedReading(g.id, members[k], values, keyOf[k]);
        }
        if (n == 0) return;
        assembly ("memory-safe") {
            mstore(batch, n)
        }
        try meters.submitReadings(batch) {
            for (uint256 i; i < n; ++i) {
                _recordReading(g.id, batch[i]);
            }
        } catch {}
    }

    /// A griefer copies one reading out of a relayer's pending batch and gets it in first; the
    /// relayer's batch must still go through.
    function relayWithCopiedReading(uint256 epochSeed, uint256 agentSeed) external {
        (bool ok, EpochGhost storage g) = _pick(epochSeed);
        if (!ok || _readingsClosed(g.id)) return;
        calls["relayWithCopiedReading"]++;
        IMeterReadings.SignedReading[] memory batch = new IMeterReadings.SignedReading[](agentCount);
        uint256 n;
        for (uint256 k; k < agentCount; ++k) {
            if (_readings[g.id][k].stored || registry.agent(members[k]).meter == address(0)) continue;
            batch[n++] = signedReading(g.id, members[k], _rows[g.id][k], keyOf[k]);
        }
        if (n == 0) return;
        assembly ("memory-safe") {
            mstore(batch, n)
        }
        vm.prank(stranger);
        meters.submitReadings(one(batch[agentSeed % n]));
        try meters.submitReadings(batch) {
            for (uint256 i; i < n; ++i) {
                _recordReading(g.id, batch[i]);
            }
        } catch {
            ghost_copyBatchReverted++;
        }
    }

    /// A key that was rotated out or revoked signs a reading: it must be refused.
    function reportWithRetiredKey(uint256 epochSeed, uint256 agentSeed) external {
        (bool ok, EpochGhost storage g) = _pick(epochSeed);
        uint256 k = agentSeed % agentCount;
        if (!ok || _oldKeys[k].length == 0 || _readings[g.id][k].stored) return;
        calls["reportWithRetiredKey"]++;
        uint256 key = _oldKeys[k][agentSeed % _oldKeys[k].length];
        try meters.submitReadings(one(signedReading(g.id, members[k], _rows[g.id][k], key))) {
            ghost_staleKeyAccepted++;
        } catch {}
    }

    /// A thief reports with an agent's current key; the registrar rotates the key, clears the
    /// thief's reading while the window is open, and the new key's genuine reading goes in.
    function stolenKeyCleared(uint256 epochSeed, uint256 agentSeed) external {
        (bool ok, EpochGhost storage g) = _pick(epochSeed);
        uint256 k = agentSeed % agentCount;
        if (!ok || _readingsClosed(g.id) || _readings[g.id][k].stored) return;
        if (registry.agent(members[k]).meter == address(0)) return;
        calls["stolenKeyCleared"]++;
        int32[24] memory forged;
        address thiefKey = vm.addr(keyOf[k]);
        meters.submitReadings(one(signedReading(g.id, members[k], forged, keyOf[k])));
        _rotate(k, uint256(keccak256(abi.encode("replacement", agentSeed, block.timestamp))));
        vm.prank(registrar);
        meters.clearReadings(g.id, members[k], thiefKey, forged);
        _submit(g.id, k, _rows[g.id][k], keyOf[k]);
    }

    function rotateMeter(uint256 agentSeed, uint256 keySeed) external {
        calls["rotateMeter"]++;
        _rotate(agentSeed % agentCount, uint256(keccak256(abi.encode("rotated", keySeed))));
    }

    // ================================================================ participants

    /// A buyer tries to take back escrow that an open epoch has locked.
    function withdrawLocked(uint256 agentSeed) external {
        uint256 k = agentSeed % agentCount;
        uint16 id = members[k];
        ISettlement.Account memory a = settlement.accountOf(id);
        if (a.locked == 0) return;
        calls["withdrawLocked"]++;
        vm.prank(registry.agent(id).owner);
        try settlement.withdraw(id, uint256(a.available) + 1, stranger) {
            ghost_lockedWithdrawn++;
        } catch {}
    }

    function withdraw(uint256 agentSeed, uint256 amount) external {
        uint16 id = members[agentSeed % agentCount];
        uint256 held = settlement.accountOf(id).available;
        if (held == 0) return;
        calls["withdraw"]++;
        amount = bound(amount, 1, held);
        vm.prank(registry.agent(id).owner);
        settlement.withdraw(id, amount, stranger);
        ghost_withdrawn += amount;
    }

    /// Settles a random subset of an epoch's agents (refunds them if it was voided).
    function settle(uint256 epochSeed, uint256 mask) external {
        (bool ok, EpochGhost storage g) = _pick(epochSeed);
        if (!ok) return;
        uint256 count;
        for (uint256 k; k < agentCount; ++k) {
            if ((mask >> k) & 1 == 1) ++count;
        }
        if (count == 0) return;
        calls["settle"]++;
        uint256[] memory picked = new uint256[](count);
        uint256 n;
        for (uint256 k; k < agentCount; ++k) {
            if ((mask >> k) & 1 == 1) picked[n++] = k;
        }
        int32[24][] memory readings = new int32[24][](agentCount);
        address[] memory keys = new address[](agentCount);
        for (uint256 k; k < agentCount; ++k) {
            StoredReading storage r = _readings[g.id][k];
            if (r.stored) (readings[k], keys[k]) = (r.values, r.meter);
        }
        SettleCall memory c = settleCall(g.id, members, _rows[g.id], readings, keys, picked);
        vm.recordLogs();
        try settlement.settleAgents(g.id, c.batch, c.proof, c.flagBits, flatTariff()) {
            calls["settle.ok"]++;
            _recordSettlement(g.id, vm.getRecordedLogs());
        } catch {}
    }

    function warp(uint256 secondsAhead) external {
        calls["warp"]++;
        vm.warp(block.timestamp + bound(secondsAhead, 1, 90 minutes));
        vm.roll(block.number + 1);
    }

    function releaseBond(uint256 epochSeed) external {
        (bool ok, EpochGhost storage g) = _pick(epochSeed);
        if (!ok) return;
        calls["releaseBond"]++;
        try ledger.releaseBond(g.id) {} catch {}
        ledger.payTreasury();
    }

    // ================================================================ views for the invariants

    function epochCount() external view returns (uint256) {
        return epochs.length;
    }

    function epochAt(uint256 i) external view returns (EpochGhost memory) {
        return epochs[i];
    }

    function rowsOf(uint32 epochId) external view returns (int32[24][] memory) {
        return _rows[epochId];
    }

    function locksOf(uint32 epochId) external view returns (uint256[] memory) {
        return lockAt[epochId];
    }

    function supplyValuesOf(uint32 epochId) external view returns (uint256[] memory) {
        return supplyValueAt[epochId];
    }

    function surplusCapsOf(uint32 epochId) external view returns (uint256[] memory) {
        return surplusCapAt[epochId];
    }

    /// The ghost values of every network position in one call (the invariants run after every
    /// action, so they read arrays instead of one mapping entry at a time).
    function ghostsOf(uint32 epochId)
        external
        view
        returns (
            uint256[] memory credit,
            uint256[] memory surplus,
            uint256[] memory settledTimes,
            bytes32[] memory commitments
        )
    {
        credit = new uint256[](agentCount);
        surplus = new uint256[](agentCount);
        settledTimes = new uint256[](agentCount);
        commitments = new bytes32[](agentCount);
        for (uint256 k; k < agentCount; ++k) {
            uint16 id = members[k];
            credit[k] = ghost_credit[epochId][id] + ghost_forfeit[epochId][id];
            surplus[k] = ghost_surplusCredit[epochId][id];
            settledTimes[k] = ghost_settledTimes[epochId][id];
            StoredReading storage r = _readings[epochId][k];
            if (r.stored) commitments[k] = readingCommitment(r.meter, r.values);
        }
    }

    function membersList() external view returns (uint16[] memory) {
        return members;
    }

    function readingOf(uint32 epochId, uint256 index) external view returns (StoredReading memory) {
        return _readings[epochId][index];
    }

    // ================================================================ internals

    function _params(uint32 epochId, bool thesis, bytes32 tradeRoot, uint32 tradeCount)
        internal
        view
        returns (IClearingLedger.EpochParams memory)
    {
        return params(
            epochId,
            networkId,
            thesis ? SettlementMode.Thesis : SettlementMode.Imbalance,
            tradeRoot,
            tradeCount
        );
    }

    function _post(
        int32[24][] memory rows,
        TradeData[] memory trades,
        Kind kind,
        bool thesis,
        uint8 badHour,
        uint16 badAgent
    ) internal {
        uint32 epochId = uint32(epochs.length + 1);
        _fundFor(rows, !thesis);
        bytes32 root = trades.length == 0 ? bytes32(0) : tradeTree(epochId, trades)[0];
        vm.deal(oracle, oracle.balance + MIN_BOND);
        vm.prank(oracle);
        ledger.postEpoch{value: MIN_BOND}(
            _params(epochId, thesis, root, uint32(trades.length)), packRows(rows), flatTariff()
        );
        epochs.push(
            EpochGhost(
                epochId,
                kind,
                thesis ? SettlementMode.Thesis : SettlementMode.Imbalance,
                badHour,
                badAgent,
                false
            )
        );
        Tariff memory t = flatTariff();
        for (uint256 k; k < rows.length; ++k) {
            _rows[epochId].push(rows[k]);
            lockAt[epochId].push(lockOf(rows[k], t));
            (uint256 supply, uint256 cap) = _supplyAndCap(rows[k]);
            supplyValueAt[epochId].push(supply);
            surplusCapAt[epochId].push(cap);
        }
        for (uint256 i; i < trades.length; ++i) {
            _trades[epochId].push(trades[i]);
        }
    }

    /// Random supply (sellers) and demand (buyers) up to 200 Wh an hour, the grid balancing.
    function _randomRows(uint256 seed) internal view returns (int32[24][] memory rows) {
        rows = new int32[24][](agentCount);
        for (uint256 h; h < 24; ++h) {
            int32 sum;
            for (uint256 k = 1; k < agentCount; ++k) {
                int32 v = int32(uint32(uint256(keccak256(abi.encode(seed, h, k))) % 201));
                rows[k][h] = isBuyer[k] ? -v : v;
                sum += rows[k][h];
            }
            rows[0][h] = -sum;
        }
    }

    /// Trades explaining the first hours of the rows: suppliers and consumers matched in order. (The
    /// trade root only explains the schedule; a few hours keep the handler fast.)
    function _greedyTrades(uint32 epochId, int32[24][] memory rows)
        internal
        view
        returns (TradeData[] memory out)
    {
        epochId;
        TradeData[] memory buf = new TradeData[](TRADE_HOURS * agentCount);
        uint256 n;
        for (uint8 h; h < TRADE_HOURS; ++h) {
            int256[] memory left = new int256[](agentCount);
            for (uint256 k; k < agentCount; ++k) {
                left[k] = rows[k][h];
            }
            uint256 b;
            for (uint256 s; s < agentCount; ++s) {
                while (left[s] > 0) {
                    while (b < agentCount && left[b] >= 0) ++b;
                    if (b == agentCount) break;
                    int256 q = left[s] < -left[b] ? left[s] : -left[b];
                    buf[n] = TradeData(
                        uint32(n),
                        members[s],
                        members[b],
                        h,
                        uint64(uint256(q)),
                        uint120((uint256(q) * PRICE + 500) / 1000)
                    );
                    ++n;
                    left[s] -= q;
                    left[b] += q;
                }
            }
        }
        out = new TradeData[](n);
        for (uint256 i; i < n; ++i) {
            out[i] = buf[i];
        }
    }

    function _fundFor(int32[24][] memory rows, bool imbalance) internal {
        Tariff memory t = flatTariff();
        for (uint256 k; k < agentCount; ++k) {
            uint256 need = lockOf(rows[k], t);
            if (k == 0 && imbalance) need += reserveOf(members, rows, members[0], t);
            uint256 have = settlement.accountOf(members[k]).available;
            if (need > have) _deposit(k, need - have);
        }
    }

    function _deposit(uint256 k, uint256 amount) internal {
        uint16 id = members[k];
        address owner = registry.agent(id).owner;
        vm.prank(admin);
        token.mint(owner, amount);
        vm.startPrank(owner);
        token.approve(address(settlement), amount);
        settlement.deposit(id, amount);
        vm.stopPrank();
        ghost_deposited += amount;
    }

    function _supplyAndCap(int32[24] memory row) internal pure returns (uint256 supply, uint256 cap) {
        for (uint256 h; h < 24; ++h) {
            int256 v = row[h];
            if (v > 0) supply += uint256(v) * PRICE;
            cap += uint256(v < 0 ? -v : v) * SURPLUS_PRICE;
        }
        (supply, cap) = (supply / 1000, cap / 1000);
    }

    function _pairOnBuses() internal view returns (uint256 onBus3, uint256 onBus2) {
        for (uint256 k = 1; k < agentCount; ++k) {
            uint16 bus = registry.agent(members[k]).bus;
            if (bus == 3 && onBus3 == 0) onBus3 = k;
            if (bus == 2 && onBus2 == 0) onBus2 = k;
        }
    }

    function _firstBuyer() internal view returns (uint256) {
        for (uint256 k; k < agentCount; ++k) {
            if (isBuyer[k]) return k;
        }
        revert("no buyer");
    }

    function _pick(uint256 seed) internal view returns (bool, EpochGhost storage) {
        if (epochs.length == 0) return (false, _none);
        return (true, epochs[seed % epochs.length]);
    }

    EpochGhost internal _none;

    function _closedForDisputes(uint32 epochId) internal view returns (bool) {
        IClearingLedger.Epoch memory e = ledger.epoch(epochId);
        return e.voided || block.timestamp > e.challengeEndsAt;
    }

    function _readingsClosed(uint32 epochId) internal view returns (bool) {
        IClearingLedger.Epoch memory e = ledger.epoch(epochId);
        return e.voided || block.timestamp > e.readingsCloseAt;
    }

    /// Sends the dispute that proves the epoch's fault; returns whether it voided the epoch.
    function _tryDispute(EpochGhost storage g, bytes32 salt) internal returns (bool) {
        if (g.kind == Kind.Overload) {
            try ledger.disputeLineOverload(g.id, g.badHour, packRows(_rows[g.id]), salt) {
                return true;
            } catch {
                return false;
            }
        }
        if (g.kind == Kind.InflatedTrade) return _tryTradeDispute(g.id, _trades[g.id], 0, salt);
        IClearingLedger.RowProof memory posted = rowProof(g.id, members, _rows[g.id], g.badAgent);
        bytes memory sig = sign(ORACLE_KEY, consensusDigest(g.id, members[g.badAgent], _signedRow[g.id]));
        try ledger.disputeSignedSchedule(g.id, members[g.badAgent], _signedRow[g.id], sig, posted, salt) {
            return true;
        } catch {
            return false;
        }
    }

    function _tryTradeDispute(uint32 epochId, TradeData[] memory trades, uint256 i, bytes32 salt)
        internal
        returns (bool)
    {
        TradeData memory t = trades[i];
        int32[24][] memory rows = _rows[epochId];
        try ledger.disputeTrade(
            epochId,
            leafOf(t),
            tradeTree(epochId, trades).proof(i),
            rowProof(epochId, members, rows, _index(t.seller)),
            rowProof(epochId, members, rows, _index(t.buyer)),
            flatTariff(),
            salt
        ) {
            return true;
        } catch {
            return false;
        }
    }

    function _index(uint16 id) internal view returns (uint256) {
        for (uint256 k; k < agentCount; ++k) {
            if (members[k] == id) return k;
        }
        revert("not a member");
    }

    function _submit(uint32 epochId, uint256 k, int32[24] memory values, uint256 key) internal {
        IMeterReadings.SignedReading memory r = signedReading(epochId, members[k], values, key);
        try meters.submitReadings(one(r)) {
            _recordReading(epochId, r);
        } catch {}
    }

    function _recordReading(uint32 epochId, IMeterReadings.SignedReading memory r) internal {
        uint256 k = _index(r.agentId);
        if (_readings[epochId][k].stored) return;
        _readings[epochId][k] = StoredReading(true, registry.agent(r.agentId).meter, r.energyWh);
    }

    function _rotate(uint256 k, uint256 newKey) internal {
        newKey = bound(newKey, 1, 1e70);
        vm.prank(registrar);
        try registry.rotateMeter(members[k], vm.addr(newKey)) {
            _oldKeys[k].push(keyOf[k]);
            keyOf[k] = newKey;
        } catch {}
    }

    function _recordSettlement(uint32 epochId, Vm.Log[] memory logs) internal {
        bytes32 settled = ISettlement.PositionSettled.selector;
        bytes32 closed = ISettlement.EpochClosed.selector;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(settlement)) continue;
            bytes32 topic = logs[i].topics[0];
            if (topic == settled || topic == ISettlement.Refunded.selector) {
                uint16 agentId = uint16(uint256(logs[i].topics[2]));
                ghost_settledTimes[epochId][agentId]++;
                if (topic == settled) {
                    (,, uint256 credit, uint256 forfeit, uint256 surplus,,) = abi.decode(
                        logs[i].data, (uint24, uint256, uint256, uint256, uint256, uint256, uint256)
                    );
                    ghost_credit[epochId][agentId] += credit;
                    ghost_forfeit[epochId][agentId] += forfeit;
                    ghost_surplusCredit[epochId][agentId] += surplus;
                }
            } else if (topic == closed) {
                (uint256 dust,) = abi.decode(logs[i].data, (uint256, uint256));
                ghost_dust[epochId] += dust;
            }
        }
    }
}

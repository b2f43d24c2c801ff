// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClearingLedger} from "./interfaces/IClearingLedger.sol";
import {IMeterReadings} from "./interfaces/IMeterReadings.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {ISettlement} from "./interfaces/ISettlement.sol";
import {MultiProof} from "./libraries/MultiProof.sol";
import {Day, Position, Positions} from "./libraries/Positions.sol";
import {ScheduleRows} from "./libraries/ScheduleRows.sol";
import {Tariff} from "./types/Tariff.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title Settlement
/// @notice Escrow, locks at posting, settlement of positions, withdrawals.
/// @dev Per agent a settlement costs one storage write of its account (an opened account's slot is
///      never zero, so the write never creates storage), one bit of the epoch's
///      settled bitmap (keyed by agent id, so the cost does not depend on how far apart the ids of
///      a batch are; the word is written once per batch and 256 ids) and its event; the grid agent's account is kept in memory for the batch and
///      written once.
contract Settlement is ISettlement, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    IParticipantRegistry public immutable registry;
    IClearingLedger public immutable ledger;
    IMeterReadings public immutable meters;
    IERC20 private immutable _token;

    mapping(uint16 agentId => Account) private _accounts;
    mapping(uint32 epochId => EpochBook) private _books;
    /// @dev The epoch's settled bitmap: bit (agentId & 255) of word (agentId >> 8).
    mapping(uint32 epochId => mapping(uint256 word => uint256 bits)) private _settled;

    /// @dev One batch's context, in memory to keep the stack shallow. The grid agent's account and
    ///      the book's movements are kept here and written once per batch.
    struct Batch {
        uint32 epochId;
        uint16 grid;
        Account gridAccount;
        bytes32[] commitments;
        uint256 potOut;
        uint256 reserveOut;
        EpochBook moved;
    }

    constructor(
        IParticipantRegistry participantRegistry,
        IClearingLedger clearingLedger,
        IMeterReadings meterReadings,
        IERC20 settlementToken
    ) {
        registry = participantRegistry;
        ledger = clearingLedger;
        meters = meterReadings;
        _token = settlementToken;
    }

    /// @inheritdoc ISettlement
    function deposit(uint16 agentId, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (!registry.agent(agentId).active) revert AgentInactive(agentId);
        // Credit what actually arrived, so that a fee-charging token cannot break conservation.
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = _token.balanceOf(address(this)) - before;
        Account storage a = _accounts[agentId];
        a.available = SafeCast.toUint128(a.available + received);
        a.opened = true;
        emit Deposited(agentId, msg.sender, received);
    }

    /// @inheritdoc ISettlement
    function openAccounts(uint16[] calldata agentIds) external {
        for (uint256 i; i < agentIds.length; ++i) {
            Account storage a = _accounts[agentIds[i]];
            if (a.opened) continue;
            a.opened = true;
            emit AccountOpened(agentIds[i]);
        }
    }

    /// @inheritdoc ISettlement
    function withdraw(uint16 agentId, uint256 amount, address to) external nonReentrant {
        address owner = registry.agent(agentId).owner;
        if (owner != msg.sender) revert IParticipantRegistry.NotAgentOwner(agentId, msg.sender);
        if (amount == 0) revert ZeroAmount();
        Account storage a = _accounts[agentId];
        uint256 available = a.available;
        if (amount > available) revert InsufficientBalance(agentId, available, amount);
        a.available = uint128(available - amount);
        emit Withdrawn(agentId, to, amount);
        _token.safeTransfer(to, amount);
    }

    /// @inheritdoc ISettlement
    function lockEpoch(
        uint32 epochId,
        uint16[] calldata agentIds,
        uint256[] calldata locks,
        uint16 gridAgent,
        uint256 reserve
    ) external {
        if (msg.sender != address(ledger)) revert NotLedger(msg.sender);
        uint256 pot;
        for (uint256 i; i < agentIds.length; ++i) {
            uint256 amount = locks[i];
            if (amount == 0) continue;
            _lock(epochId, agentIds[i], amount);
            pot += amount;
        }
        if (reserve != 0) _lock(epochId, gridAgent, reserve);
        EpochBook storage book = _books[epochId];
        book.pot = SafeCast.toUint128(pot);
        book.reserve = SafeCast.toUint128(reserve);
    }

    /// @inheritdoc ISettlement
    function settleAgents(
        uint32 epochId,
        AgentDays calldata batch,
        bytes32[] calldata proof,
        uint256[] calldata proofFlagBits,
        Tariff calldata tariff
    ) external nonReentrant {
        uint256 n = batch.agentIds.length;
        if (n == 0) revert EmptyBatch();
        if (batch.meters.length != n) revert BatchShapeMismatch();
        ScheduleRows.checkLength(batch.scheduleWh, n);
        ScheduleRows.checkLength(batch.measuredWh, n);
        IClearingLedger.Epoch memory e = ledger.epoch(epochId);
        if (!e.voided) {
            // Both windows must be over: no dispute can void the epoch any more, and every reading
            // is final, so no agent can be settled before its meter had the chance to report.
            uint64 opensAfter = e.readingsCloseAt > e.challengeEndsAt ? e.readingsCloseAt : e.challengeEndsAt;
            if (block.timestamp <= opensAfter) revert SettlementNotOpen(epochId, opensAfter);
        }
        if (keccak256(abi.encode(tariff)) != e.tariffHash) revert IClearingLedger.TariffMismatch();
        _verifyRows(epochId, e.scheduleRoot, batch, proof, proofFlagBits);

        Batch memory b;
        b.epochId = epochId;
        b.grid = e.gridAgent;
        b.gridAccount = _accounts[e.gridAgent];
        b.commitments = meters.commitments(epochId, batch.agentIds);
        EpochBook storage book = _books[epochId];
        uint256 done = _settleEach(b, e, batch, tariff);
        _writeBook(book, b);
        uint32 settledAgents = book.settledAgents + uint32(done);
        book.settledAgents = settledAgents;
        if (done != 0 && settledAgents == e.agentCount) _close(b, book, e.reserve);
        _accounts[b.grid] = b.gridAccount;
        emit BatchSettled(epochId, msg.sender, done, n - done);
    }

    /// @inheritdoc ISettlement
    function token() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc ISettlement
    function accountOf(uint16 agentId) external view returns (Account memory) {
        return _accounts[agentId];
    }

    /// @inheritdoc ISettlement
    function epochBook(uint32 epochId) external view returns (EpochBook memory) {
        return _books[epochId];
    }

    /// @inheritdoc ISettlement
    function isSettled(uint32 epochId, uint16 agentId) external view returns (bool) {
        return _settled[epochId][agentId >> 8] & (1 << (agentId & 0xff)) != 0;
    }

    /// @dev Settles (or, in a voided epoch, refunds) every agent of the batch not settled before;
    ///      returns how many.
    function _settleEach(
        Batch memory b,
        IClearingLedger.Epoch memory e,
        AgentDays calldata batch,
        Tariff calldata tariff
    ) private returns (uint256 done) {
        // The bitmap's current word is kept on the stack and written when the batch moves to
        // another word (agents of a batch are usually in id order: one write per 256 agents).
        mapping(uint256 => uint256) storage settled = _settled[b.epochId];
        uint256 wordIndex = type(uint256).max;
        uint256 word;
        for (uint256 i; i < batch.agentIds.length; ++i) {
            uint16 agentId = batch.agentIds[i];
            if (agentId >> 8 != wordIndex) {
                if (wordIndex != type(uint256).max) settled[wordIndex] = word;
                wordIndex = agentId >> 8;
                word = settled[wordIndex];
            }
            uint256 bit = 1 << (agentId & 0xff);
            if (word & bit != 0) continue;
            word |= bit;
            ++done;
            if (e.voided) _refund(b, agentId, batch, i, tariff);
            else _settle(b, e, agentId, batch, i, tariff);
        }
        settled[wordIndex] = word;
    }

    function _lock(uint32 epochId, uint16 agentId, uint256 amount) private {
        Account storage a = _accounts[agentId];
        uint256 available = a.available;
        if (available < amount) revert InsufficientBalance(agentId, available, amount);
        a.available = uint128(available - amount);
        a.locked = SafeCast.toUint120(a.locked + amount);
        emit Locked(epochId, agentId, amount);
    }

    function _verifyRows(
        uint32 epochId,
        bytes32 root,
        AgentDays calldata batch,
        bytes32[] calldata proof,
        uint256[] calldata proofFlagBits
    ) private pure {
        uint256 n = batch.agentIds.length;
        bytes32[] memory leaves = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            leaves[i] = ScheduleRows.leaf(epochId, batch.agentIds[i], batch.scheduleWh, i);
        }
        if (!MultiProof.verify(root, leaves, proof, proofFlagBits)) revert InvalidScheduleProof();
    }

    /// @dev Settles one agent: its lock (already in the pot) is spent, its credits are paid from the
    ///      pot and the reserve, its forfeits and imbalance charges go to the grid agent.
    function _settle(
        Batch memory b,
        IClearingLedger.Epoch memory e,
        uint16 agentId,
        AgentDays calldata batch,
        uint256 i,
        Tariff calldata tariff
    ) private {
        bool hasReading = b.commitments[i] != bytes32(0);
        if (hasReading && _readingCommitment(batch.meters[i], batch.measuredWh, i) != b.commitments[i]) {
            revert ReadingMismatch(agentId);
        }
        bool isGrid = agentId == b.grid;
        Position memory p = Positions.settle(
            Day(e.mode, isGrid, hasReading, int256(uint256(e.toleranceWh))),
            batch.scheduleWh,
            batch.measuredWh,
            i,
            tariff
        );
        b.potOut += p.credit + p.forfeit;
        b.reserveOut += p.surplusCredit;

        Account memory a = isGrid ? b.gridAccount : _accounts[agentId];
        a.locked -= SafeCast.toUint120(p.lock);
        uint256 available = a.available + p.credit + p.surplusCredit;
        uint256 collected = p.shortfallCharge < available ? p.shortfallCharge : available;
        a.available = SafeCast.toUint128(available - collected);
        if (isGrid) {
            b.gridAccount = a;
        } else {
            _accounts[agentId] = a;
        }
        b.gridAccount.available = SafeCast.toUint128(b.gridAccount.available + p.forfeit + collected);

        _record(b, agentId, p, collected);
    }

    /// @dev Adds a settled position to the batch's movements and reports it.
    function _record(Batch memory b, uint16 agentId, Position memory p, uint256 collected) private {
        uint256 uncollected = p.shortfallCharge - collected;
        EpochBook memory moved = b.moved;
        moved.credited += SafeCast.toUint128(p.credit);
        moved.forfeited += SafeCast.toUint128(p.forfeit);
        moved.surplusCredited += SafeCast.toUint128(p.surplusCredit);
        moved.shortfallCharged += SafeCast.toUint128(collected);
        moved.shortfallUncollected += SafeCast.toUint128(uncollected);
        emit PositionSettled(
            b.epochId,
            agentId,
            uint24(p.passedMask),
            p.lock,
            p.credit,
            p.forfeit,
            p.surplusCredit,
            collected,
            uncollected
        );
    }

    /// @dev A voided epoch gives the agent's lock back.
    function _refund(
        Batch memory b,
        uint16 agentId,
        AgentDays calldata batch,
        uint256 i,
        Tariff calldata tariff
    ) private {
        (uint256 lock,,,) = Positions.commitments(batch.scheduleWh, i, tariff);
        b.potOut += lock;
        Account memory a = agentId == b.grid ? b.gridAccount : _accounts[agentId];
        a.locked -= SafeCast.toUint120(lock);
        a.available = SafeCast.toUint128(a.available + lock);
        if (agentId == b.grid) b.gridAccount = a;
        else _accounts[agentId] = a;
        emit Refunded(b.epochId, agentId, lock);
    }

    /// @dev Applies a batch's movements to the epoch's book. Checked: the pot and the reserve
    ///      cover every credit and refund by construction (Positions); a failure here would be a bug,
    ///      and reverting keeps other epochs' funds untouched.
    function _writeBook(EpochBook storage book, Batch memory b) private {
        EpochBook memory moved = b.moved;
        book.pot -= SafeCast.toUint128(b.potOut);
        book.reserve -= SafeCast.toUint128(b.reserveOut);
        book.credited += moved.credited;
        book.forfeited += moved.forfeited;
        book.surplusCredited += moved.surplusCredited;
        book.shortfallCharged += moved.shortfallCharged;
        book.shortfallUncollected += moved.shortfallUncollected;
    }

    /// @dev Every agent is settled: the grid agent's reserve is unlocked, and what is left in the
    ///      reserve and the pot (rounding dust; nothing for a voided epoch) goes to it.
    function _close(Batch memory b, EpochBook storage book, uint256 reserve) private {
        uint256 dust = book.pot;
        uint256 reserveLeft = book.reserve;
        book.pot = 0;
        book.reserve = 0;
        b.gridAccount.locked -= SafeCast.toUint120(reserve);
        b.gridAccount.available = SafeCast.toUint128(b.gridAccount.available + dust + reserveLeft);
        emit EpochClosed(b.epochId, dust, reserveLeft);
    }

    /// @dev The reading commitment of MeterReadings, keccak256(meter ‖ packed row), hashed from
    ///      the revealed row in calldata.
    function _readingCommitment(address meter, bytes calldata packed, uint256 row)
        private
        pure
        returns (bytes32 h)
    {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, shl(96, meter))
            calldatacopy(add(ptr, 20), add(packed.offset, mul(row, 96)), 96)
            h := keccak256(ptr, 116)
        }
    }
}

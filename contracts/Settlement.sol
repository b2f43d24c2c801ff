// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClearingLedger} from "./interfaces/IClearingLedger.sol";
import {IMeterReadings} from "./interfaces/IMeterReadings.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {ISettlement} from "./interfaces/ISettlement.sol";
import {Leaves} from "./libraries/Leaves.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";

/// @title Settlement
/// @notice Escrow, batch settlement of verified trades, and pull payments to sellers.
/// @dev The batch loop keeps per-agent balances, check bits and the trade bitmap word in memory
///      and writes each touched slot once, so that a batch of 1,000 trades stays within a few
///      thousand gas per trade (see the gas table of `pnpm bench`).
contract Settlement is ISettlement, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using BitMaps for BitMaps.BitMap;

    uint256 private constant _PASSED_SHIFT = 24;
    /// @dev Marks a memory cache entry as loaded (check bits use 48 bits, balances fit 255).
    uint256 private constant _LOADED = 1 << 255;

    IParticipantRegistry public immutable registry;
    IClearingLedger public immutable ledger;
    IMeterReadings public immutable meters;
    IERC20 private immutable _token;

    mapping(uint16 agentId => uint256) private _escrow;
    mapping(uint16 agentId => uint256) private _claimable;
    /// @dev A set bit means the trade is settled or rejected (final).
    mapping(uint32 epochId => BitMaps.BitMap) private _processed;
    mapping(uint32 epochId => BitMaps.BitMap) private _rejected;
    mapping(uint32 epochId => EpochSettlement) private _epochSettlement;

    /// @dev Per-batch working state, in memory.
    struct Batch {
        uint32 epochId;
        uint32 tradeCount;
        uint16 minAgent;
        uint256[] checks;
        uint256[] escrow;
        uint256[] credit;
        uint256 wordIndex;
        uint256 word;
        bool wordLoaded;
        uint256 settled;
        uint256 rejected;
        uint256 unpaid;
        uint256 skipped;
        uint256 energy;
        uint256 value;
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
        _escrow[agentId] += received;
        emit Deposited(agentId, msg.sender, received);
    }

    /// @inheritdoc ISettlement
    function withdrawEscrow(uint16 agentId, uint256 amount, address to) external nonReentrant {
        _onlyOwner(agentId);
        if (amount == 0) revert ZeroAmount();
        uint256 available = _escrow[agentId];
        if (amount > available) revert InsufficientBalance(agentId, available, amount);
        _escrow[agentId] = available - amount;
        emit EscrowWithdrawn(agentId, to, amount);
        _token.safeTransfer(to, amount);
    }

    /// @inheritdoc ISettlement
    function withdraw(uint16 agentId, address to) external nonReentrant returns (uint256 amount) {
        _onlyOwner(agentId);
        amount = _claimable[agentId];
        if (amount == 0) revert ZeroAmount();
        _claimable[agentId] = 0;
        emit Withdrawn(agentId, to, amount);
        _token.safeTransfer(to, amount);
    }

    /// @inheritdoc ISettlement
    function settleTrades(
        uint32 epochId,
        uint256[] calldata trades,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external {
        if (trades.length == 0) revert EmptyBatch();
        IClearingLedger.Epoch memory e = ledger.epoch(epochId);
        if (e.voided) revert IClearingLedger.EpochIsVoided(epochId);
        if (block.timestamp <= e.challengeEndsAt) {
            revert IClearingLedger.ChallengeWindowOpen(epochId, e.challengeEndsAt);
        }

        (uint256 minAgent, uint256 maxAgent) = _verifyTrades(epochId, e.tradeRoot, trades, proof, proofFlags);
        uint16 agentCount = registry.agentCount();
        if (maxAgent >= agentCount) {
            revert TradeAgentUnknown(_tradeNaming(trades, maxAgent), uint16(maxAgent));
        }

        Batch memory b;
        b.epochId = epochId;
        b.tradeCount = e.tradeCount;
        b.minAgent = uint16(minAgent);
        uint256 span = maxAgent - minAgent + 1;
        b.checks = new uint256[](span);
        b.escrow = new uint256[](span);
        b.credit = new uint256[](span);

        for (uint256 i; i < trades.length; ++i) {
            _settleOne(b, trades[i]);
        }
        _flushWord(b);
        _writeBalances(b);

        EpochSettlement storage s = _epochSettlement[epochId];
        s.settled += SafeCast.toUint32(b.settled);
        s.rejected += SafeCast.toUint32(b.rejected);
        s.settledEnergyWh += SafeCast.toUint64(b.energy);
        s.settledValue += SafeCast.toUint128(b.value);
        emit BatchSettled(epochId, msg.sender, b.settled, b.rejected, b.unpaid, b.skipped, b.value);
    }

    /// @inheritdoc ISettlement
    function token() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc ISettlement
    function escrowOf(uint16 agentId) external view returns (uint256) {
        return _escrow[agentId];
    }

    /// @inheritdoc ISettlement
    function claimableOf(uint16 agentId) external view returns (uint256) {
        return _claimable[agentId];
    }

    /// @inheritdoc ISettlement
    function tradeStatus(uint32 epochId, uint32 tradeIndex) external view returns (TradeStatus) {
        if (!_processed[epochId].get(tradeIndex)) return TradeStatus.Open;
        return _rejected[epochId].get(tradeIndex) ? TradeStatus.Rejected : TradeStatus.Settled;
    }

    /// @inheritdoc ISettlement
    function epochSettlement(uint32 epochId) external view returns (EpochSettlement memory) {
        return _epochSettlement[epochId];
    }

    /// @dev Hashes every trade leaf and verifies the multiproof; returns the agent id range.
    function _verifyTrades(
        uint32 epochId,
        bytes32 root,
        uint256[] calldata trades,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) private pure returns (uint256 minAgent, uint256 maxAgent) {
        bytes32[] memory hashes = new bytes32[](trades.length);
        minAgent = type(uint16).max;
        for (uint256 i; i < trades.length; ++i) {
            uint256 word = trades[i];
            hashes[i] = Leaves.tradeLeafOfWord(epochId, word);
            uint256 seller = uint16(word >> 32);
            uint256 buyer = uint16(word >> 48);
            if (seller < minAgent) minAgent = seller;
            if (buyer < minAgent) minAgent = buyer;
            if (seller > maxAgent) maxAgent = seller;
            if (buyer > maxAgent) maxAgent = buyer;
        }
        if (!MerkleProof.multiProofVerifyCalldata(proof, proofFlags, root, hashes)) {
            revert InvalidTradeProof();
        }
    }

    function _settleOne(Batch memory b, uint256 word) private {
        uint32 tradeIndex = uint32(word);
        uint16 seller = uint16(word >> 32);
        uint16 buyer = uint16(word >> 48);
        uint8 hour = uint8(word >> 64);
        uint256 energy = uint64(word >> 72);
        uint256 value = word >> 136;
        if (tradeIndex >= b.tradeCount) revert TradeIndexOutOfRange(tradeIndex, b.tradeCount);
        if (hour >= Leaves.HOURS) revert TradeHourOutOfRange(tradeIndex, hour);

        uint256 mask = _selectWord(b, tradeIndex);
        if (b.word & mask != 0) {
            ++b.skipped;
            return;
        }

        bool sellerOk = _passed(b, seller, hour);
        bool buyerOk = _passed(b, buyer, hour);
        if (!sellerOk || !buyerOk) {
            b.word |= mask;
            _rejected[b.epochId].set(tradeIndex);
            ++b.rejected;
            RejectReason reason = sellerOk
                ? RejectReason.BuyerFailedCheck
                : (buyerOk ? RejectReason.SellerFailedCheck : RejectReason.BothFailedCheck);
            emit TradeRejected(b.epochId, tradeIndex, reason);
            return;
        }

        uint256 bi = buyer - b.minAgent;
        uint256 available = b.escrow[bi];
        if (available & _LOADED == 0) available = _escrow[buyer] | _LOADED;
        if ((available & ~_LOADED) < value) {
            b.escrow[bi] = available;
            ++b.unpaid;
            emit TradeUnpaid(b.epochId, tradeIndex, buyer, value);
            return;
        }
        // No underflow: value <= available & ~_LOADED was checked just above.
        unchecked {
            b.escrow[bi] = available - value;
        }
        b.credit[seller - b.minAgent] += value;
        b.word |= mask;
        ++b.settled;
        b.energy += energy;
        b.value += value;
    }

    /// @dev Whether the agent passed its check for the hour; reverts if it is not checked yet.
    function _passed(Batch memory b, uint16 agentId, uint8 hour) private view returns (bool) {
        uint256 idx = agentId - b.minAgent;
        uint256 bits = b.checks[idx];
        if (bits & _LOADED == 0) {
            bits = uint256(meters.checkBits(b.epochId, agentId)) | _LOADED;
            b.checks[idx] = bits;
        }
        if ((bits >> hour) & 1 == 0) revert ScheduleNotChecked(b.epochId, agentId, hour);
        return (bits >> (_PASSED_SHIFT + hour)) & 1 == 1;
    }

    /// @dev Makes the bitmap word of `tradeIndex` the cached one and returns the trade's bit.
    function _selectWord(Batch memory b, uint32 tradeIndex) private returns (uint256 mask) {
        uint256 wordIndex = tradeIndex >> 8;
        if (!b.wordLoaded || wordIndex != b.wordIndex) {
            _flushWord(b);
            b.wordIndex = wordIndex;
            b.word = _processed[b.epochId]._data[wordIndex];
            b.wordLoaded = true;
        }
        mask = 1 << (tradeIndex & 0xff);
    }

    function _flushWord(Batch memory b) private {
        if (b.wordLoaded) _processed[b.epochId]._data[b.wordIndex] = b.word;
    }

    function _writeBalances(Batch memory b) private {
        for (uint256 i; i < b.escrow.length; ++i) {
            uint16 agentId = uint16(b.minAgent + i);
            uint256 held = b.escrow[i];
            if (held & _LOADED != 0) _escrow[agentId] = held & ~_LOADED;
            uint256 credit = b.credit[i];
            if (credit != 0) _claimable[agentId] += credit;
        }
    }

    /// @dev Index of the first trade naming `agentId`, for the error message.
    function _tradeNaming(uint256[] calldata trades, uint256 agentId) private pure returns (uint32) {
        for (uint256 i; i < trades.length; ++i) {
            if (uint16(trades[i] >> 32) == agentId || uint16(trades[i] >> 48) == agentId) {
                return uint32(trades[i]);
            }
        }
        return 0;
    }

    function _onlyOwner(uint16 agentId) private view {
        address owner = registry.agent(agentId).owner;
        if (owner != msg.sender) revert IParticipantRegistry.NotAgentOwner(agentId, msg.sender);
    }
}

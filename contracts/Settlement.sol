// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClearingLedger} from "./interfaces/IClearingLedger.sol";
import {IMeterReadings} from "./interfaces/IMeterReadings.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {ISettlement} from "./interfaces/ISettlement.sol";
import {Leaves} from "./libraries/Leaves.sol";
import {MultiProof} from "./libraries/MultiProof.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
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
        uint256[] calldata proofFlagBits
    ) external {
        if (trades.length == 0) revert EmptyBatch();
        IClearingLedger.Epoch memory e = ledger.epoch(epochId);
        if (e.voided) revert IClearingLedger.EpochIsVoided(epochId);
        if (block.timestamp <= e.challengeEndsAt) {
            revert IClearingLedger.ChallengeWindowOpen(epochId, e.challengeEndsAt);
        }

        (uint256 minAgent, uint256 maxAgent, uint256 maxAgentTrade) =
            _verifyTrades(epochId, e.tradeRoot, trades, proof, proofFlagBits);
        if (maxAgent >= registry.agentCount()) {
            revert TradeAgentUnknown(uint32(maxAgentTrade), uint16(maxAgent));
        }

        Batch memory b = _newBatch(epochId, e.tradeCount, minAgent, maxAgent);
        _settleAll(b, trades);
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
    function tradeStatuses(uint32 epochId, uint32 from, uint32 count)
        external
        view
        returns (TradeStatus[] memory out)
    {
        out = new TradeStatus[](count);
        BitMaps.BitMap storage processed = _processed[epochId];
        BitMaps.BitMap storage rejected = _rejected[epochId];
        for (uint256 i; i < count; ++i) {
            uint256 index = uint256(from) + i;
            if (processed.get(index)) {
                out[i] = rejected.get(index) ? TradeStatus.Rejected : TradeStatus.Settled;
            }
        }
    }

    /// @inheritdoc ISettlement
    function epochSettlement(uint32 epochId) external view returns (EpochSettlement memory) {
        return _epochSettlement[epochId];
    }

    /// @dev Hashes every trade leaf and verifies the multiproof; returns the agent id range and the
    ///      index of a trade naming the largest id (for the error if that id is unknown).
    function _verifyTrades(
        uint32 epochId,
        bytes32 root,
        uint256[] calldata trades,
        bytes32[] calldata proof,
        uint256[] calldata proofFlagBits
    ) private pure returns (uint256 minAgent, uint256 maxAgent, uint256 maxAgentTrade) {
        bytes32[] memory hashes = new bytes32[](trades.length);
        minAgent = type(uint16).max;
        for (uint256 i; i < trades.length; ++i) {
            uint256 word = trades[i];
            hashes[i] = Leaves.tradeLeafOfWord(epochId, word);
            uint256 seller = uint16(word >> 32);
            uint256 buyer = uint16(word >> 48);
            (uint256 low, uint256 high) = seller < buyer ? (seller, buyer) : (buyer, seller);
            if (low < minAgent) minAgent = low;
            if (high > maxAgent) (maxAgent, maxAgentTrade) = (high, uint32(word));
        }
        if (!MultiProof.verify(root, hashes, proof, proofFlagBits)) revert InvalidTradeProof();
    }

    function _newBatch(uint32 epochId, uint32 tradeCount, uint256 minAgent, uint256 maxAgent)
        private
        pure
        returns (Batch memory b)
    {
        b.epochId = epochId;
        b.tradeCount = tradeCount;
        b.minAgent = uint16(minAgent);
        uint256 span = maxAgent - minAgent + 1;
        b.checks = new uint256[](span);
        b.escrow = new uint256[](span);
        b.credit = new uint256[](span);
    }

    /// @dev The hot loop: everything a trade needs is in memory after the first touch of each
    ///      agent and bitmap word. Arithmetic is unchecked because every quantity is bounded: ids
    ///      are 16-bit and at least minAgent, values are 120-bit, energies 64-bit, and a batch is
    ///      far shorter than 2^32 trades, so no sum can reach 2^256.
    function _settleAll(Batch memory b, uint256[] calldata trades) private {
        uint256 tradeCount = b.tradeCount;
        uint256 wordIndex = type(uint256).max;
        uint256 word;
        unchecked {
            for (uint256 i; i < trades.length; ++i) {
                uint256 packed = trades[i];
                uint256 tradeIndex = uint32(packed);
                if (tradeIndex >= tradeCount) {
                    revert TradeIndexOutOfRange(uint32(tradeIndex), uint32(tradeCount));
                }
                if (tradeIndex >> 8 != wordIndex) {
                    if (wordIndex != type(uint256).max) _processed[b.epochId]._data[wordIndex] = word;
                    wordIndex = tradeIndex >> 8;
                    word = _processed[b.epochId]._data[wordIndex];
                }
                uint256 mask = 1 << (tradeIndex & 0xff);
                if (word & mask != 0) ++b.skipped;
                else if (_decide(b, packed)) word |= mask;
            }
        }
        if (wordIndex != type(uint256).max) _processed[b.epochId]._data[wordIndex] = word;
    }

    /// @dev Settles or rejects one open trade in memory; returns whether the outcome is final
    ///      (settled or rejected) rather than unpaid. Unchecked: ids are 16-bit and at least
    ///      minAgent, values 120-bit, energies 64-bit, and a batch is far shorter than 2^32 trades,
    ///      so no difference underflows and no sum reaches 2^256.
    function _decide(Batch memory b, uint256 packed) private returns (bool) {
        unchecked {
            uint256 hour = uint8(packed >> 64);
            if (hour >= Leaves.HOURS) revert TradeHourOutOfRange(uint32(packed), uint8(hour));
            uint256 seller = uint16(packed >> 32) - b.minAgent;
            uint256 buyer = uint16(packed >> 48) - b.minAgent;
            uint256 sellerBits = _checksOf(b, seller, hour);
            uint256 buyerBits = _checksOf(b, buyer, hour);

            uint256 passedShift = _PASSED_SHIFT + hour;
            if (((sellerBits & buyerBits) >> passedShift) & 1 == 0) {
                _reject(
                    b.epochId,
                    uint32(packed),
                    (sellerBits >> passedShift) & 1 == 1,
                    (buyerBits >> passedShift) & 1 == 1
                );
                ++b.rejected;
                return true;
            }

            uint256 value = packed >> 136;
            uint256[] memory escrow = b.escrow;
            uint256 held = _at(escrow, buyer);
            if (held == 0) held = _escrow[uint16(buyer + b.minAgent)] | _LOADED;
            if ((held & ~_LOADED) < value) {
                _put(escrow, buyer, held);
                ++b.unpaid;
                emit TradeUnpaid(b.epochId, uint32(packed), uint16(buyer + b.minAgent), value);
                return false;
            }
            _put(escrow, buyer, held - value);
            uint256[] memory credit = b.credit;
            _put(credit, seller, _at(credit, seller) + value);
            ++b.settled;
            b.energy += uint64(packed >> 72);
            b.value += value;
            return true;
        }
    }

    /// @dev An agent's check bits, fetched once per batch; reverts if the hour is unchecked.
    function _checksOf(Batch memory b, uint256 index, uint256 hour) private view returns (uint256 bits) {
        uint256[] memory checks = b.checks;
        bits = _at(checks, index);
        if (bits == 0) {
            bits = _loadChecks(b.epochId, index + b.minAgent);
            _put(checks, index, bits);
        }
        if ((bits >> hour) & 1 == 0) {
            revert ScheduleNotChecked(b.epochId, uint16(index + b.minAgent), uint8(hour));
        }
    }

    /// @dev Unchecked memory array access for the batch caches: every index is an agent id minus
    ///      the batch's smallest id, and the caches span up to its largest, so it is in bounds.
    function _at(uint256[] memory a, uint256 i) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := mload(add(add(a, 0x20), shl(5, i)))
        }
    }

    function _put(uint256[] memory a, uint256 i, uint256 v) private pure {
        assembly ("memory-safe") {
            mstore(add(add(a, 0x20), shl(5, i)), v)
        }
    }

    /// @dev Check bits of an agent, tagged as loaded so that an agent with no checks (all zero) is
    ///      not fetched again.
    function _loadChecks(uint32 epochId, uint256 agentId) private view returns (uint256) {
        return uint256(meters.checkBits(epochId, uint16(agentId))) | _LOADED;
    }

    function _reject(uint32 epochId, uint32 tradeIndex, bool sellerOk, bool buyerOk) private {
        _rejected[epochId].set(tradeIndex);
        RejectReason reason = sellerOk
            ? RejectReason.BuyerFailedCheck
            : (buyerOk ? RejectReason.SellerFailedCheck : RejectReason.BothFailedCheck);
        emit TradeRejected(epochId, tradeIndex, reason);
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

    function _onlyOwner(uint16 agentId) private view {
        address owner = registry.agent(agentId).owner;
        if (owner != msg.sender) revert IParticipantRegistry.NotAgentOwner(agentId, msg.sender);
    }
}

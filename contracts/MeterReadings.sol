// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClearingLedger} from "./interfaces/IClearingLedger.sol";
import {IMeterReadings} from "./interfaces/IMeterReadings.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {Leaves, ScheduleLeaf} from "./libraries/Leaves.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";

/// @title MeterReadings
/// @notice Signed smart-meter readings and the tolerance checks of scheduled against measured
///         energy. Readings are accepted during the epoch's reading window; checks open after it,
///         so a missing reading is final when it is judged.
contract MeterReadings is IMeterReadings, EIP712 {
    using BitMaps for BitMaps.BitMap;

    /// @inheritdoc IMeterReadings
    int32 public constant MISSING_READING = type(int32).min;
    /// @notice EIP-712 type hash of a meter's daily readings.
    bytes32 public constant METER_READING_TYPEHASH =
        keccak256("MeterReading(uint32 epochId,uint16 agentId,int32[24] energyWh)");

    uint256 private constant _PASSED_SHIFT = 24;

    IParticipantRegistry public immutable registry;
    IClearingLedger public immutable ledger;

    /// @dev 24 int32 values pack into three storage slots.
    mapping(uint32 epochId => mapping(uint16 agentId => int32[24])) private _readings;
    mapping(uint32 epochId => BitMaps.BitMap) private _submitted;
    /// @dev bit h: hour h checked; bit 24 + h: hour h passed.
    mapping(uint32 epochId => mapping(uint16 agentId => uint48)) private _checks;

    constructor(IParticipantRegistry participantRegistry, IClearingLedger clearingLedger)
        EIP712("GridMarket Meter", "1")
    {
        registry = participantRegistry;
        ledger = clearingLedger;
    }

    /// @inheritdoc IMeterReadings
    function submitReadings(SignedReading[] calldata batch) external {
        if (batch.length == 0) revert EmptyBatch();
        uint32 cachedId;
        IClearingLedger.Epoch memory e;
        for (uint256 i; i < batch.length; ++i) {
            SignedReading calldata r = batch[i];
            if (i == 0 || r.epochId != cachedId) {
                e = ledger.epoch(r.epochId);
                cachedId = r.epochId;
            }
            if (e.voided) revert EpochIsVoided(r.epochId);
            if (block.timestamp > e.readingsCloseAt) {
                revert ReadingWindowClosed(r.epochId, e.readingsCloseAt);
            }

            IParticipantRegistry.Agent memory a = registry.agent(r.agentId);
            if (a.networkId != e.networkId || a.networkIndex >= e.agentCount) {
                revert AgentNotInNetwork(r.agentId, e.networkId);
            }
            if (!a.active) revert AgentInactive(r.agentId);
            if (a.meter == address(0)) revert MeterKeyRevoked(r.agentId);
            if (_submitted[r.epochId].get(r.agentId)) revert ReadingAlreadySubmitted(r.epochId, r.agentId);

            (address signer, ECDSA.RecoverError err,) =
                ECDSA.tryRecover(_digest(r.epochId, r.agentId, r.energyWh), r.signature);
            if (err == ECDSA.RecoverError.NoError && signer != a.meter && registry.isRetiredMeter(signer)) {
                revert RetiredMeterKey(r.agentId, signer);
            }
            if (err != ECDSA.RecoverError.NoError || signer != a.meter) {
                revert InvalidMeterSignature(r.agentId, signer);
            }

            _submitted[r.epochId].set(r.agentId);
            _readings[r.epochId][r.agentId] = r.energyWh;
            emit ReadingsSubmitted(r.epochId, r.agentId, signer);
        }
    }

    /// @inheritdoc IMeterReadings
    function checkSchedule(
        uint32 epochId,
        ScheduleLeaf[] calldata leaves,
        bytes32[] calldata proof,
        uint256[] calldata proofFlagBits
    ) external {
        if (leaves.length == 0) revert EmptyBatch();
        IClearingLedger.Epoch memory e = ledger.epoch(epochId);
        if (e.voided) revert EpochIsVoided(epochId);
        if (block.timestamp <= e.readingsCloseAt) revert ReadingWindowOpen(epochId, e.readingsCloseAt);

        if (!Leaves.verifySchedule(epochId, e.scheduleRoot, leaves, proof, proofFlagBits)) {
            revert InvalidScheduleProof();
        }

        uint256 passed;
        uint256 failed;
        for (uint256 i; i < leaves.length; ++i) {
            HourCheck outcome = _checkLeaf(epochId, leaves[i], e.toleranceWh);
            if (outcome == HourCheck.Passed) ++passed;
            else if (outcome == HourCheck.Failed) ++failed;
        }
        emit SchedulesChecked(epochId, passed + failed, passed, failed);
    }

    /// @inheritdoc IMeterReadings
    function readingDigest(uint32 epochId, uint16 agentId, int32[24] calldata energyWh)
        external
        view
        returns (bytes32)
    {
        return _digest(epochId, agentId, energyWh);
    }

    /// @inheritdoc IMeterReadings
    function hasReadings(uint32 epochId, uint16 agentId) external view returns (bool) {
        return _submitted[epochId].get(agentId);
    }

    /// @inheritdoc IMeterReadings
    function readings(uint32 epochId, uint16 agentId) external view returns (int32[24] memory values) {
        if (_submitted[epochId].get(agentId)) return _readings[epochId][agentId];
        for (uint256 h; h < Leaves.HOURS; ++h) {
            values[h] = MISSING_READING;
        }
    }

    /// @inheritdoc IMeterReadings
    function hourCheck(uint32 epochId, uint16 agentId, uint8 hour) external view returns (HourCheck) {
        if (hour >= Leaves.HOURS) revert HourOutOfRange(hour);
        uint48 bits = _checks[epochId][agentId];
        if ((bits >> hour) & 1 == 0) return HourCheck.Unchecked;
        return (bits >> (_PASSED_SHIFT + hour)) & 1 == 1 ? HourCheck.Passed : HourCheck.Failed;
    }

    /// @inheritdoc IMeterReadings
    function checkBits(uint32 epochId, uint16 agentId) external view returns (uint48) {
        return _checks[epochId][agentId];
    }

    /// @dev Records one leaf's outcome; Unchecked means it had been checked before (skipped).
    function _checkLeaf(uint32 epochId, ScheduleLeaf calldata leaf, uint32 toleranceWh)
        private
        returns (HourCheck)
    {
        if (leaf.hour >= Leaves.HOURS) revert HourOutOfRange(leaf.hour);
        uint48 bits = _checks[epochId][leaf.agentId];
        if ((bits >> leaf.hour) & 1 == 1) return HourCheck.Unchecked;

        int32 measured = _submitted[epochId].get(leaf.agentId)
            ? _readings[epochId][leaf.agentId][leaf.hour]
            : MISSING_READING;
        bool ok = measured != MISSING_READING && _within(measured, leaf.energyWh, toleranceWh);
        bits |= uint48(1 << leaf.hour);
        if (ok) bits |= uint48(1 << (_PASSED_SHIFT + leaf.hour));
        _checks[epochId][leaf.agentId] = bits;
        if (ok) return HourCheck.Passed;
        emit ToleranceFailed(epochId, leaf.agentId, leaf.hour, leaf.energyWh, measured);
        return HourCheck.Failed;
    }

    function _digest(uint32 epochId, uint16 agentId, int32[24] calldata energyWh)
        private
        view
        returns (bytes32)
    {
        // EIP-712 encodes a fixed array as the hash of its elements, each padded to 32 bytes:
        // exactly abi.encode of the array.
        return _hashTypedDataV4(
            keccak256(abi.encode(METER_READING_TYPEHASH, epochId, agentId, keccak256(abi.encode(energyWh))))
        );
    }

    function _within(int32 measured, int64 scheduled, uint32 tolerance) private pure returns (bool) {
        int256 diff = int256(measured) - int256(scheduled);
        return (diff < 0 ? -diff : diff) <= int256(uint256(tolerance));
    }
}

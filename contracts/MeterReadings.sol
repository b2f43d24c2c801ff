// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClearingLedger} from "./interfaces/IClearingLedger.sol";
import {IMeterReadings} from "./interfaces/IMeterReadings.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {Roles} from "./libraries/Roles.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// @title MeterReadings
/// @notice Signed smart-meter readings, accepted during the epoch's reading window. One storage
///         slot per reading (a commitment to the signing key and the values, hashed packed; the
///         values are in the event), which settlement opens again.
contract MeterReadings is IMeterReadings, EIP712 {
    /// @inheritdoc IMeterReadings
    int32 public constant MISSING_READING = type(int32).min;
    /// @notice EIP-712 type hash of a meter's daily readings.
    bytes32 public constant METER_READING_TYPEHASH =
        keccak256("MeterReading(uint32 epochId,uint16 agentId,int32[24] energyWh)");

    IParticipantRegistry public immutable registry;
    IClearingLedger public immutable ledger;

    mapping(uint32 epochId => mapping(uint16 agentId => bytes32 commitment)) private _commitments;

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
            // A reading already on chain (a copy relayed first by someone else) is skipped, so that
            // one copied reading cannot make a relayer's whole batch revert.
            if (_commitments[r.epochId][r.agentId] != bytes32(0)) {
                emit ReadingSkipped(r.epochId, r.agentId);
                continue;
            }
            address signer = _verify(r, e);
            _commitments[r.epochId][r.agentId] = _commitment(signer, r.energyWh);
            emit ReadingsSubmitted(r.epochId, r.agentId, signer, r.energyWh);
        }
    }

    /// @inheritdoc IMeterReadings
    function clearReadings(uint32 epochId, uint16 agentId, address meter, int32[24] calldata energyWh)
        external
    {
        if (!IAccessControl(address(registry)).hasRole(Roles.REGISTRAR, msg.sender)) {
            revert NotRegistrar(msg.sender);
        }
        IClearingLedger.Epoch memory e = ledger.epoch(epochId);
        if (block.timestamp > e.readingsCloseAt) revert ReadingWindowClosed(epochId, e.readingsCloseAt);
        bytes32 stored = _commitments[epochId][agentId];
        if (stored == bytes32(0) || stored != _commitment(meter, energyWh)) {
            revert ReadingNotStored(epochId, agentId);
        }
        if (!registry.isRetiredMeter(meter)) revert MeterKeyNotRetired(meter);
        delete _commitments[epochId][agentId];
        emit ReadingsCleared(epochId, agentId, meter);
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
    function readingCommitment(address meter, int32[24] calldata energyWh) external pure returns (bytes32) {
        return _commitment(meter, energyWh);
    }

    /// @inheritdoc IMeterReadings
    function commitments(uint32 epochId, uint16[] calldata agentIds)
        external
        view
        returns (bytes32[] memory out)
    {
        out = new bytes32[](agentIds.length);
        mapping(uint16 => bytes32) storage stored = _commitments[epochId];
        for (uint256 i; i < agentIds.length; ++i) {
            out[i] = stored[agentIds[i]];
        }
    }

    /// @inheritdoc IMeterReadings
    function hasReadings(uint32 epochId, uint16 agentId) external view returns (bool) {
        return _commitments[epochId][agentId] != bytes32(0);
    }

    /// @dev Checks the agent and the signature; returns the signer (the agent's current meter key).
    function _verify(SignedReading calldata r, IClearingLedger.Epoch memory e)
        private
        view
        returns (address)
    {
        IParticipantRegistry.Agent memory a = registry.agent(r.agentId);
        if (a.networkId != e.networkId || a.networkIndex >= e.agentCount) {
            revert AgentNotInNetwork(r.agentId, e.networkId);
        }
        if (!a.active) revert AgentInactive(r.agentId);
        if (a.meter == address(0)) revert MeterKeyRevoked(r.agentId);
        (address signer, ECDSA.RecoverError err,) =
            ECDSA.tryRecover(_digest(r.epochId, r.agentId, r.energyWh), r.signature);
        if (err == ECDSA.RecoverError.NoError && signer != a.meter && registry.isRetiredMeter(signer)) {
            revert RetiredMeterKey(r.agentId, signer);
        }
        if (err != ECDSA.RecoverError.NoError || signer != a.meter) {
            revert InvalidMeterSignature(r.agentId, signer);
        }
        return signer;
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

    /// @dev keccak256(meter ‖ the 24 values as int32 big-endian): 116 bytes, the meter's 20 bytes
    ///      followed by the reading packed as a schedule row (ScheduleRows), so that settlement hashes
    ///      a revealed row straight from calldata. Each value is taken as its low 32 bits, as
    ///      settlement reads it.
    function _commitment(address meter, int32[24] calldata energyWh) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, shl(96, meter))
            // Increasing offsets: each store's zero tail is overwritten by the next value.
            for { let t := 0 } lt(t, 24) { t := add(t, 1) } {
                mstore(add(ptr, add(20, shl(2, t))), shl(224, calldataload(add(energyWh, shl(5, t)))))
            }
            h := keccak256(ptr, 116)
        }
    }
}

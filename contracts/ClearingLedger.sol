// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClearingLedger} from "./interfaces/IClearingLedger.sol";
import {INetworkRegistry} from "./interfaces/INetworkRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {ISettlement} from "./interfaces/ISettlement.sol";
import {Positions} from "./libraries/Positions.sol";
import {Roles} from "./libraries/Roles.sol";
import {ScheduleRows} from "./libraries/ScheduleRows.sol";
import {Units} from "./libraries/Units.sol";
import {SettlementMode, Tariff} from "./types/Tariff.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title ClearingLedger
/// @notice The record of cleared market days. The oracle posts each day's complete schedule; the
///         ledger checks balance, computes the schedule root, commits the tariff and the trades,
///         and has Settlement lock every consumer's purchases. An optimistic dispute game voids an
///         epoch that overloads a line, holds an unjustified trade, or differs from a consensus its
///         oracle signed.
contract ClearingLedger is IClearingLedger, AccessControl, EIP712, ReentrancyGuardTransient {
    /// @notice Role that posts epochs.
    bytes32 public constant ORACLE_ROLE = Roles.ORACLE;
    /// @notice EIP-712 type of the consensus schedule an oracle signs for each agent.
    bytes32 public constant CONSENSUS_TYPEHASH =
        keccak256("ConsensusSchedule(uint32 epochId,uint16 agentId,int32[24] energyWh)");
    uint256 private constant _BPS = 10_000;

    IParticipantRegistry public immutable registry;
    INetworkRegistry public immutable networks;
    /// @inheritdoc IClearingLedger
    uint64 public immutable readingWindow;
    /// @inheritdoc IClearingLedger
    uint64 public immutable challengeWindow;
    /// @inheritdoc IClearingLedger
    uint128 public immutable minBond;
    /// @inheritdoc IClearingLedger
    uint16 public immutable challengerShareBps;
    /// @inheritdoc IClearingLedger
    address public immutable treasury;
    /// @notice Where escrow is locked; bound once after deployment (the two contracts refer to
    ///         each other).
    ISettlement public settlement;
    /// @notice Burned bond shares not yet paid to the treasury (pulled, so that a treasury that
    ///         refuses payments cannot block a dispute).
    uint256 public treasuryOwed;

    mapping(uint32 epochId => Epoch) private _epochs;
    mapping(uint32 epochId => string) private _documentURIs;
    mapping(bytes32 commitment => uint256 blockNumber) private _commitments;
    uint32[] private _epochIds;

    /// @dev Sums of one posting, kept in memory to keep the stack shallow.
    struct Totals {
        uint256 supplyWh;
        uint256 supplyValue;
        uint256 locked;
        uint256 surplusCap;
    }

    constructor(
        address admin,
        IParticipantRegistry participantRegistry,
        uint64 readingWindowSeconds,
        uint64 challengeWindowSeconds,
        uint128 minimumBond,
        uint16 challengerShare,
        address treasuryAddress
    ) EIP712("GridMarket Clearing", "1") {
        if (challengerShare > _BPS) revert ShareTooLarge(challengerShare);
        if (treasuryAddress == address(0)) revert IParticipantRegistry.ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        registry = participantRegistry;
        networks = INetworkRegistry(participantRegistry.networks());
        readingWindow = readingWindowSeconds;
        challengeWindow = challengeWindowSeconds;
        minBond = minimumBond;
        challengerShareBps = challengerShare;
        treasury = treasuryAddress;
        emit ParametersSet(
            readingWindowSeconds, challengeWindowSeconds, minimumBond, challengerShare, treasuryAddress
        );
    }

    /// @notice Binds the settlement contract that holds the escrow. Only the admin, once.
    function bindSettlement(ISettlement settlementContract) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(settlement) != address(0) || address(settlementContract) == address(0)) {
            revert SettlementBinding(address(settlement));
        }
        settlement = settlementContract;
        emit SettlementBound(address(settlementContract));
    }

    /// @inheritdoc IClearingLedger
    function postEpoch(EpochParams calldata p, bytes calldata scheduleWh, Tariff calldata tariff)
        external
        payable
        onlyRole(ORACLE_ROLE)
    {
        if (p.epochId == 0) revert ZeroEpochId();
        if (_epochs[p.epochId].postedAt != 0) revert EpochAlreadyPosted(p.epochId);
        if (p.documentHash == bytes32(0)) revert EmptyCommitment();
        if ((p.tradeCount == 0) != (p.tradeRoot == bytes32(0))) revert TradeRootMismatch(p.tradeCount);
        if (address(settlement) == address(0)) revert SettlementBinding(address(0));
        if (msg.value < minBond) revert BondTooSmall(msg.value, minBond);
        _checkTariff(tariff);
        networks.network(p.networkId);
        uint16[] memory ids = registry.networkAgents(p.networkId);
        (bool hasGrid, uint16 grid) = registry.gridAgent(p.networkId);
        if (ids.length == 0 || !hasGrid) revert NetworkNotPostable(p.networkId);
        ScheduleRows.checkLength(scheduleWh, ids.length);

        _checkBalance(scheduleWh, ids.length);
        (uint256[] memory locks, Totals memory totals) = _locks(ids, grid, scheduleWh, tariff);
        uint256 reserve = p.mode == SettlementMode.Imbalance ? Positions.ceilDiv(totals.surplusCap) : 0;
        Epoch storage e = _store(
            p,
            _scheduleRoot(p.epochId, ids, scheduleWh),
            keccak256(abi.encode(tariff)),
            uint16(ids.length),
            grid
        );
        e.supplyWh = SafeCast.toUint64(totals.supplyWh);
        e.supplyValue = SafeCast.toUint128(totals.supplyValue);
        e.lockedValue = SafeCast.toUint128(totals.locked);
        e.reserve = SafeCast.toUint128(reserve);

        settlement.lockEpoch(p.epochId, ids, locks, grid, reserve);
        _emitPosted(p, e, tariff);
    }

    /// @inheritdoc IClearingLedger
    function commitChallenge(bytes32 commitment) external {
        // The earliest block counts: a commitment is never moved later by repeating it.
        if (_commitments[commitment] == 0) _commitments[commitment] = block.number;
        emit ChallengeCommitted(msg.sender, commitment);
    }

    /// @inheritdoc IClearingLedger
    function disputeLineOverload(uint32 epochId, uint8 hour, bytes calldata scheduleWh, bytes32 salt)
        external
        nonReentrant
    {
        Epoch storage e = _disputable(epochId);
        if (hour >= ScheduleRows.HOURS) revert HourOutOfRange(hour);
        uint16[] memory ids = _epochAgents(e);
        ScheduleRows.checkLength(scheduleWh, ids.length);
        if (_scheduleRoot(epochId, ids, scheduleWh) != e.scheduleRoot) revert InvalidScheduleProof();

        (bool found, uint256 line, int256 flowWh) = _firstOverload(e.networkId, ids, scheduleWh, hour);
        if (!found) revert NoViolation(epochId);
        _void(epochId, e, Violation.LineOverload, (uint256(hour) << 16) | line, flowWh, salt);
    }

    /// @inheritdoc IClearingLedger
    function disputeTrade(
        uint32 epochId,
        TradeLeaf calldata trade,
        bytes32[] calldata tradeProof,
        RowProof calldata seller,
        RowProof calldata buyer,
        Tariff calldata tariff,
        bytes32 salt
    ) external nonReentrant {
        Epoch storage e = _disputable(epochId);
        if (!MerkleProof.verifyCalldata(tradeProof, e.tradeRoot, _tradeLeaf(epochId, trade))) {
            revert InvalidTradeProof();
        }
        (bool found, TradeFault fault) = _tradeFault(epochId, e, trade, seller, buyer, tariff);
        if (!found) revert NoViolation(epochId);
        _void(epochId, e, Violation.TradeMismatch, trade.tradeIndex, int256(uint256(fault)), salt);
    }

    /// @inheritdoc IClearingLedger
    function disputeSignedSchedule(
        uint32 epochId,
        uint16 agentId,
        int32[24] calldata signedWh,
        bytes calldata signature,
        RowProof calldata posted,
        bytes32 salt
    ) external nonReentrant {
        Epoch storage e = _disputable(epochId);
        address signer = ECDSA.recover(_consensusDigest(epochId, agentId, signedWh), signature);
        if (signer != e.oracle) revert NotSignedByOracle(signer);
        if (!MerkleProof.verifyCalldata(
                posted.proof, e.scheduleRoot, _rowLeaf(epochId, agentId, posted.energyWh)
            )) {
            revert InvalidScheduleProof();
        }
        for (uint256 t; t < ScheduleRows.HOURS; ++t) {
            if (posted.energyWh[t] != signedWh[t]) {
                _void(epochId, e, Violation.SignedScheduleMismatch, agentId, int256(t), salt);
                return;
            }
        }
        revert NoViolation(epochId);
    }

    /// @inheritdoc IClearingLedger
    function releaseBond(uint32 epochId) external nonReentrant {
        Epoch storage e = _posted(epochId);
        if (e.voided) revert EpochIsVoided(epochId);
        if (block.timestamp <= e.challengeEndsAt) revert ChallengeWindowOpen(epochId, e.challengeEndsAt);
        if (e.bondReleased) revert BondAlreadySettled(epochId);
        e.bondReleased = true;
        uint256 amount = e.bond;
        emit BondReleased(epochId, e.oracle, amount);
        if (amount != 0) Address.sendValue(payable(e.oracle), amount);
    }

    /// @notice Pays the burned bond shares to the treasury. Anyone may call it.
    function payTreasury() external nonReentrant {
        uint256 amount = treasuryOwed;
        treasuryOwed = 0;
        if (amount != 0) Address.sendValue(payable(treasury), amount);
    }

    /// @inheritdoc IClearingLedger
    function epoch(uint32 epochId) external view returns (Epoch memory) {
        return _posted(epochId);
    }

    /// @inheritdoc IClearingLedger
    function documentURI(uint32 epochId) external view returns (string memory) {
        _posted(epochId);
        return _documentURIs[epochId];
    }

    /// @inheritdoc IClearingLedger
    function epochIds() external view returns (uint32[] memory) {
        return _epochIds;
    }

    /// @inheritdoc IClearingLedger
    function consensusDigest(uint32 epochId, uint16 agentId, int32[24] calldata energyWh)
        external
        view
        returns (bytes32)
    {
        return _consensusDigest(epochId, agentId, energyWh);
    }

    /// @dev Reverts unless every hour of the rows sums to exactly 0 Wh.
    function _checkBalance(bytes calldata scheduleWh, uint256 rows) private pure {
        for (uint256 t; t < ScheduleRows.HOURS; ++t) {
            int256 sum;
            for (uint256 k; k < rows; ++k) {
                sum += ScheduleRows.at(scheduleWh, k, t);
            }
            if (sum != 0) revert UnbalancedHour(t, sum);
        }
    }

    /// @dev The schedule root of the rows of `ids`.
    function _scheduleRoot(uint32 epochId, uint16[] memory ids, bytes calldata scheduleWh)
        private
        pure
        returns (bytes32)
    {
        bytes32[] memory leaves = new bytes32[](ids.length);
        for (uint256 k; k < ids.length; ++k) {
            leaves[k] = ScheduleRows.leaf(epochId, ids[k], scheduleWh, k);
        }
        return ScheduleRows.root(leaves);
    }

    /// @dev Each agent's lock and the epoch's totals. The grid agent is the balancing party: it never
    ///      earns surplus credits, so it adds nothing to the reserve.
    function _locks(uint16[] memory ids, uint16 grid, bytes calldata scheduleWh, Tariff calldata tariff)
        private
        pure
        returns (uint256[] memory locks, Totals memory totals)
    {
        locks = new uint256[](ids.length);
        for (uint256 k; k < ids.length; ++k) {
            (uint256 lock, uint256 supplyValue, uint256 supplyWh, uint256 surplusCap) =
                Positions.commitments(scheduleWh, k, tariff);
            locks[k] = lock;
            totals.locked += lock;
            totals.supplyValue += supplyValue;
            totals.supplyWh += supplyWh;
            if (ids[k] != grid) totals.surplusCap += surplusCap;
        }
    }

    function _store(EpochParams calldata p, bytes32 root, bytes32 tariffHash, uint16 agentCount, uint16 grid)
        private
        returns (Epoch storage e)
    {
        e = _epochs[p.epochId];
        e.scheduleRoot = root;
        e.tradeRoot = p.tradeRoot;
        e.documentHash = p.documentHash;
        e.tariffHash = tariffHash;
        e.oracle = msg.sender;
        e.postedAt = uint64(block.timestamp);
        e.readingsCloseAt = uint64(block.timestamp) + readingWindow;
        e.challengeEndsAt = uint64(block.timestamp) + challengeWindow;
        e.networkId = p.networkId;
        e.toleranceWh = p.toleranceWh;
        e.tradeCount = p.tradeCount;
        e.agentCount = agentCount;
        e.gridAgent = grid;
        e.mode = p.mode;
        e.bond = SafeCast.toUint128(msg.value);
        _documentURIs[p.epochId] = p.documentURI;
        _epochIds.push(p.epochId);
    }

    function _emitPosted(EpochParams calldata p, Epoch storage e, Tariff calldata tariff) private {
        emit EpochPosted(
            p.epochId,
            p.networkId,
            msg.sender,
            e.scheduleRoot,
            p.tradeRoot,
            p.documentHash,
            p.documentURI,
            p.mode,
            p.toleranceWh,
            e.readingsCloseAt,
            e.challengeEndsAt,
            tariff
        );
    }

    function _checkTariff(Tariff calldata tariff) private pure {
        for (uint256 t; t < ScheduleRows.HOURS; ++t) {
            if (tariff.surplus[t] > tariff.price[t] || tariff.price[t] > tariff.shortfall[t]) {
                revert TariffOutOfOrder(t);
            }
        }
    }

    /// @dev The fault of a trade, if any: checked in the order of TradeFault.
    function _tradeFault(
        uint32 epochId,
        Epoch storage e,
        TradeLeaf calldata trade,
        RowProof calldata seller,
        RowProof calldata buyer,
        Tariff calldata tariff
    ) private view returns (bool, TradeFault) {
        if (trade.tradeIndex >= e.tradeCount || trade.hour >= ScheduleRows.HOURS) {
            return (true, TradeFault.IndexOutOfRange);
        }
        if (!_isMember(e, trade.seller) || !_isMember(e, trade.buyer)) {
            return (true, TradeFault.AgentNotInEpoch);
        }
        bytes32 root = e.scheduleRoot;
        if (
            !MerkleProof.verifyCalldata(seller.proof, root, _rowLeaf(epochId, trade.seller, seller.energyWh))
                || !MerkleProof.verifyCalldata(
                    buyer.proof, root, _rowLeaf(epochId, trade.buyer, buyer.energyWh)
                )
        ) revert InvalidScheduleProof();
        if (keccak256(abi.encode(tariff)) != e.tariffHash) revert TariffMismatch();
        int256 energy = int256(uint256(trade.energyWh));
        if (seller.energyWh[trade.hour] < energy) return (true, TradeFault.SellerSuppliesLess);
        if (-int256(buyer.energyWh[trade.hour]) < energy) return (true, TradeFault.BuyerConsumesLess);
        if (trade.value != Positions.tradeValue(trade.energyWh, tariff.price[trade.hour])) {
            return (true, TradeFault.ValueNotAtPrice);
        }
        return (false, TradeFault.AgentNotInEpoch);
    }

    function _isMember(Epoch storage e, uint16 agentId) private view returns (bool) {
        if (agentId >= registry.agentCount()) return false;
        IParticipantRegistry.Agent memory a = registry.agent(agentId);
        return a.networkId == e.networkId && a.networkIndex < e.agentCount;
    }

    /// @dev The first line whose |flow| exceeds its limit plus the network's rounding tolerance,
    ///      with the flow in Wh rounded half away from zero (the comparison itself is exact).
    function _firstOverload(uint32 networkId, uint16[] memory ids, bytes calldata scheduleWh, uint256 hour)
        private
        view
        returns (bool, uint256, int256)
    {
        INetworkRegistry.Network memory net = networks.network(networkId);
        int256[] memory injection = new int256[](net.busCount);
        for (uint256 k; k < ids.length; ++k) {
            injection[registry.agent(ids[k]).bus - 1] += ScheduleRows.at(scheduleWh, k, hour);
        }
        int32[] memory ptdf = networks.ptdf(networkId);
        uint32[] memory limits = networks.lineLimits(networkId);
        for (uint256 line; line < net.lineCount; ++line) {
            int256 flow;
            uint256 rowStart = line * net.busCount;
            for (uint256 b; b < net.busCount; ++b) {
                flow += int256(ptdf[rowStart + b]) * injection[b];
            }
            int256 bound = int256(uint256(limits[line]) + net.flowToleranceWh) * Units.PTDF_SCALE;
            if (flow > bound || flow < -bound) {
                int256 half = flow > 0 ? Units.PTDF_SCALE / 2 : -Units.PTDF_SCALE / 2;
                return (true, line, (flow + half) / Units.PTDF_SCALE);
            }
        }
        return (false, 0, 0);
    }

    /// @dev Voids the epoch and splits the bond: the challenger's share only to a challenger that
    ///      committed in an earlier block and is not the epoch's oracle, the rest to the treasury.
    ///      So an oracle that voids its own epoch (or front-runs a challenger) loses at least the
    ///      treasury's share, and a copier of a challenger's transaction earns nothing.
    function _void(
        uint32 epochId,
        Epoch storage e,
        Violation violation,
        uint256 detail,
        int256 amount,
        bytes32 salt
    ) private {
        e.voided = true;
        e.bondReleased = true;
        uint256 bond = e.bond;
        uint256 committedAt = _commitments[keccak256(abi.encode(msg.sender, epochId, salt))];
        bool rewarded = committedAt != 0 && committedAt < block.number && msg.sender != e.oracle;
        uint256 reward = rewarded ? bond * challengerShareBps / _BPS : 0;
        uint256 burned = bond - reward;
        treasuryOwed += burned;
        emit EpochVoided(epochId, msg.sender, violation, detail, amount, reward, burned);
        if (reward != 0) Address.sendValue(payable(msg.sender), reward);
    }

    function _epochAgents(Epoch storage e) private view returns (uint16[] memory ids) {
        ids = registry.networkAgents(e.networkId);
        uint256 n = e.agentCount;
        // Agents registered after posting are not part of the epoch.
        assembly ("memory-safe") {
            mstore(ids, n)
        }
    }

    function _tradeLeaf(uint32 epochId, TradeLeaf calldata t) private pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                keccak256(abi.encode(epochId, t.tradeIndex, t.seller, t.buyer, t.hour, t.energyWh, t.value))
            )
        );
    }

    function _rowLeaf(uint32 epochId, uint16 agentId, int32[24] calldata energyWh)
        private
        pure
        returns (bytes32)
    {
        return keccak256(bytes.concat(keccak256(abi.encode(epochId, agentId, energyWh))));
    }

    function _consensusDigest(uint32 epochId, uint16 agentId, int32[24] calldata energyWh)
        private
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(
            keccak256(abi.encode(CONSENSUS_TYPEHASH, epochId, agentId, keccak256(abi.encode(energyWh))))
        );
    }

    function _posted(uint32 epochId) private view returns (Epoch storage e) {
        e = _epochs[epochId];
        if (e.postedAt == 0) revert EpochNotPosted(epochId);
    }

    function _disputable(uint32 epochId) private view returns (Epoch storage e) {
        e = _posted(epochId);
        if (e.voided) revert EpochIsVoided(epochId);
        if (block.timestamp > e.challengeEndsAt) revert ChallengeWindowClosed(epochId, e.challengeEndsAt);
    }
}

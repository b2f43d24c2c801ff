// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SettlementMode, Tariff} from "../types/Tariff.sol";

/// @title IClearingLedger
/// @notice One epoch per market day. The oracle posts the whole schedule (one row of 24 hourly Wh
///         values per agent of the network) as calldata; the ledger checks that every hour
///         balances, computes the schedule's Merkle root itself, commits the tariff, the trade
///         root (the bilateral trades that explain the schedule) and the result document, and
///         locks every agent's scheduled purchases in escrow. During the challenge window anyone
///         may prove that the epoch overloads a line, holds a trade its schedule and prices do not
///         justify, or differs from a consensus the oracle signed; that voids the epoch, pays the
///         challenger part of the oracle's bond and sends the rest to the treasury.
/// @dev Schedule rows: see ScheduleRows (packed int32 big-endian, agent-major, in the network's
///      agent order). Row leaf: (uint32 epochId, uint16 agentId, int32[24] energyWh). Trade leaf:
///      (uint32 epochId, uint32 tradeIndex, uint16 seller, uint16 buyer, uint8 hour,
///      uint64 energyWh, uint120 value). Both are StandardMerkleTree leaves (OpenZeppelin's
///      merkle-tree library). Energy is Wh per hourly period (positive = injection); money is
///      in the settlement token's base units; prices in base units per kWh.
interface IClearingLedger {
    /// @notice What the oracle posts for a market day, besides the schedule rows and the tariff.
    /// @param epochId Market-day identifier chosen by the oracle (non-zero, unique).
    /// @param networkId Network whose agents the schedule covers (all of them, in list order).
    /// @param mode How positions settle (Imbalance by default; Thesis reproduces the thesis).
    /// @param tradeRoot Root of the trade tree (zero if there are no trades).
    /// @param tradeCount Number of trade leaves; trade indices are 0..tradeCount-1.
    /// @param documentHash keccak256 of the full result document's bytes.
    /// @param toleranceWh Meter tolerance: |measured - scheduled| <= toleranceWh passes.
    /// @param documentURI Where the result document can be fetched.
    struct EpochParams {
        uint32 epochId;
        uint32 networkId;
        SettlementMode mode;
        bytes32 tradeRoot;
        uint32 tradeCount;
        bytes32 documentHash;
        uint32 toleranceWh;
        string documentURI;
    }

    /// @notice A posted epoch.
    /// @param scheduleRoot Root of the schedule rows, computed by the ledger from the posted rows.
    /// @param tariffHash keccak256(abi.encode(tariff)).
    /// @param gridAgent The network's grid agent: the balancing party of imbalance settlement.
    /// @param readingsCloseAt Last timestamp at which meter readings are accepted.
    /// @param challengeEndsAt Last timestamp at which a dispute is accepted; settlement opens after.
    /// @param supplyWh Scheduled supply of the day (Σ positive values).
    /// @param supplyValue What the epoch pays for that supply at most (Σ rounded-down credits).
    /// @param lockedValue Escrow locked from consumers at posting (Σ rounded-up locks).
    /// @param reserve Locked from the grid agent at posting: the most the epoch can credit for
    ///        metered surplus (zero in Thesis mode).
    /// @param bond Native-currency bond posted with the epoch.
    struct Epoch {
        bytes32 scheduleRoot;
        bytes32 tradeRoot;
        bytes32 documentHash;
        bytes32 tariffHash;
        address oracle;
        uint64 postedAt;
        uint64 readingsCloseAt;
        uint64 challengeEndsAt;
        uint32 networkId;
        uint32 toleranceWh;
        uint32 tradeCount;
        uint16 agentCount;
        uint16 gridAgent;
        SettlementMode mode;
        bool voided;
        bool bondReleased;
        uint64 supplyWh;
        uint128 supplyValue;
        uint128 lockedValue;
        uint128 reserve;
        uint128 bond;
    }

    /// @notice A bilateral trade as committed in the trade tree.
    /// @param value Base units: energyWh × price(hour) / 1000, rounded half up.
    struct TradeLeaf {
        uint32 tradeIndex;
        uint16 seller;
        uint16 buyer;
        uint8 hour;
        uint64 energyWh;
        uint120 value;
    }

    /// @notice A schedule row with its single proof against the schedule root.
    struct RowProof {
        int32[24] energyWh;
        bytes32[] proof;
    }

    /// @notice Why a dispute voided an epoch.
    enum Violation {
        LineOverload,
        TradeMismatch,
        SignedScheduleMismatch
    }

    /// @notice Why a trade contradicts the epoch's schedule or prices.
    enum TradeFault {
        AgentNotInEpoch,
        SellerSuppliesLess,
        BuyerConsumesLess,
        ValueNotAtPrice,
        IndexOutOfRange
    }

    /// @notice An epoch was posted (its tariff is in the event so that anyone can read it).
    event EpochPosted(
        uint32 indexed epochId,
        uint32 indexed networkId,
        address indexed oracle,
        bytes32 scheduleRoot,
        bytes32 tradeRoot,
        bytes32 documentHash,
        string documentURI,
        SettlementMode mode,
        uint32 toleranceWh,
        uint64 readingsCloseAt,
        uint64 challengeEndsAt,
        Tariff tariff
    );
    /// @notice A dispute proved a violation and voided the epoch.
    /// @param detail The hour and line (LineOverload, detail = hour << 16 | line), the trade index
    ///        (TradeMismatch) or the agent id (SignedScheduleMismatch).
    /// @param amount The overloading flow in Wh (LineOverload), the TradeFault (TradeMismatch), or
    ///        the first hour whose value differs (SignedScheduleMismatch).
    /// @param reward Paid to the challenger; `burned` went to the treasury.
    event EpochVoided(
        uint32 indexed epochId,
        address indexed challenger,
        Violation violation,
        uint256 detail,
        int256 amount,
        uint256 reward,
        uint256 burned
    );
    /// @notice A challenger committed to a dispute it will reveal in a later block.
    event ChallengeCommitted(address indexed challenger, bytes32 indexed commitment);
    /// @notice The bond of an undisputed epoch went back to its oracle.
    event BondReleased(uint32 indexed epochId, address indexed oracle, uint256 amount);
    /// @notice The deployment's windows, minimum bond, challenger share and treasury.
    event ParametersSet(
        uint64 readingWindow,
        uint64 challengeWindow,
        uint128 minBond,
        uint16 challengerShareBps,
        address treasury
    );
    /// @notice The settlement contract that holds the escrow was bound (once).
    event SettlementBound(address settlement);

    /// @notice The epoch id is already posted.
    error EpochAlreadyPosted(uint32 epochId);
    /// @notice Epoch ids must be non-zero.
    error ZeroEpochId();
    /// @notice No epoch with this id was posted.
    error EpochNotPosted(uint32 epochId);
    /// @notice The document hash is zero.
    error EmptyCommitment();
    /// @notice The trade root is zero while trades are declared, or set while none are.
    error TradeRootMismatch(uint32 tradeCount);
    /// @notice The network has no agents, more than the ledger can post, or no grid agent.
    error NetworkNotPostable(uint32 networkId);
    /// @notice Some hour of the posted schedule does not sum to exactly 0 Wh.
    error UnbalancedHour(uint256 hour, int256 sumWh);
    /// @notice In some hour the surplus price exceeds the price or the price the shortfall price.
    error TariffOutOfOrder(uint256 hour);
    /// @notice The tariff does not match the epoch's committed tariff hash.
    error TariffMismatch();
    /// @notice The bond sent is below the deployment's minimum.
    error BondTooSmall(uint256 sent, uint256 minimum);
    /// @notice The challenge window is over.
    error ChallengeWindowClosed(uint32 epochId, uint64 endedAt);
    /// @notice The challenge window is still open.
    error ChallengeWindowOpen(uint32 epochId, uint64 endsAt);
    /// @notice The epoch was voided by a dispute.
    error EpochIsVoided(uint32 epochId);
    /// @notice The hour is not one of 0..23.
    error HourOutOfRange(uint256 hour);
    /// @notice The revealed rows do not hash to the committed schedule root.
    error InvalidScheduleProof();
    /// @notice The revealed trade is not in the committed trade tree.
    error InvalidTradeProof();
    /// @notice The signature over a consensus schedule is not the epoch oracle's.
    error NotSignedByOracle(address signer);
    /// @notice The dispute shows no violation.
    error NoViolation(uint32 epochId);
    /// @notice The bond was already released or paid out.
    error BondAlreadySettled(uint32 epochId);
    /// @notice The settlement contract is already bound, or not bound yet.
    error SettlementBinding(address settlement);
    /// @notice The challenger share exceeds 100%.
    error ShareTooLarge(uint16 bps);

    /// @notice Posts an epoch. Only the oracle role; the bond is sent as msg.value. Reverts unless
    ///         every hour of `scheduleWh` balances, the tariff is ordered, and every consumer's
    ///         escrow (and the grid agent's, for the surplus reserve) covers what it locks.
    /// @param scheduleWh The network's agents' rows, packed (ScheduleRows), in network order.
    function postEpoch(EpochParams calldata params, bytes calldata scheduleWh, Tariff calldata tariff)
        external
        payable;

    /// @notice Records a commitment keccak256(abi.encode(challenger, epochId, salt)); a dispute
    ///         revealed with that salt in a later block pays its reward to the challenger.
    function commitChallenge(bytes32 commitment) external;

    /// @notice Proves that in `hour` a line's flow exceeds its limit plus the network's rounding
    ///         tolerance. Reveals the whole schedule (checked against the root).
    function disputeLineOverload(uint32 epochId, uint8 hour, bytes calldata scheduleWh, bytes32 salt) external;

    /// @notice Proves that a committed trade contradicts the schedule or the tariff: an agent outside
    ///         the epoch, a seller scheduled to supply less than the trade in its hour, a buyer
    ///         scheduled to consume less, a value other than energy × price, or an index beyond the
    ///         trade count.
    function disputeTrade(
        uint32 epochId,
        TradeLeaf calldata trade,
        bytes32[] calldata tradeProof,
        RowProof calldata seller,
        RowProof calldata buyer,
        Tariff calldata tariff,
        bytes32 salt
    ) external;

    /// @notice Proves that the posted row of `agentId` differs from the consensus schedule the
    ///         epoch's oracle signed for it (EIP-712 ConsensusSchedule, domain "GridMarket
    ///         Clearing" / "1").
    function disputeSignedSchedule(
        uint32 epochId,
        uint16 agentId,
        int32[24] calldata signedWh,
        bytes calldata signature,
        RowProof calldata posted,
        bytes32 salt
    ) external;

    /// @notice Returns the bond of an undisputed epoch to its oracle once the window is over.
    function releaseBond(uint32 epochId) external;

    /// @notice A posted epoch; reverts with EpochNotPosted if absent.
    function epoch(uint32 epochId) external view returns (Epoch memory);

    /// @notice The result document's URI.
    function documentURI(uint32 epochId) external view returns (string memory);

    /// @notice Ids of all posted epochs, in posting order.
    function epochIds() external view returns (uint32[] memory);

    /// @notice The EIP-712 digest an oracle signs for an agent's consensus schedule.
    function consensusDigest(uint32 epochId, uint16 agentId, int32[24] calldata energyWh)
        external
        view
        returns (bytes32);

    /// @notice Seconds after posting during which meter readings are accepted.
    function readingWindow() external view returns (uint64);

    /// @notice Seconds after posting during which disputes are accepted.
    function challengeWindow() external view returns (uint64);

    /// @notice Minimum bond an oracle posts with an epoch, in wei.
    function minBond() external view returns (uint128);

    /// @notice Share of a voided epoch's bond paid to a committed challenger, in basis points.
    function challengerShareBps() external view returns (uint16);

    /// @notice Where the rest of a voided epoch's bond goes.
    function treasury() external view returns (address);
}

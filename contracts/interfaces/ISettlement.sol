// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ISettlement
/// @notice Batch settlement of an epoch's bilateral trades in an ERC-20 token. Buyers escrow
///         deposits; a trade, revealed with a multiproof against the epoch's trade root, pays the
///         seller from the buyer's escrow only if both parties passed their meter check for the
///         trade's hour. A trade whose party failed is rejected for good; a trade whose buyer
///         lacks escrow stays unpaid and can be settled later. Sellers withdraw (pull payments).
///         Everything is permissionless, so participants can settle and claim their own trades.
/// @dev Token amounts are in the token's base units. Conservation: the contract's token balance
///      always equals the sum of escrow and claimable balances.
interface ISettlement {
    /// @notice Why a trade was rejected.
    enum RejectReason {
        SellerFailedCheck,
        BuyerFailedCheck,
        BothFailedCheck
    }

    /// @notice Where a trade stands: open (not yet decided, possibly unpaid), settled (paid) or
    ///         rejected; the last two are final.
    enum TradeStatus {
        Open,
        Settled,
        Rejected
    }

    /// @notice Settlement progress of an epoch.
    /// @param settled Trades paid.
    /// @param rejected Trades rejected (final).
    /// @param settledEnergyWh Energy of paid trades.
    /// @param settledValue Value of paid trades.
    struct EpochSettlement {
        uint32 settled;
        uint32 rejected;
        uint64 settledEnergyWh;
        uint128 settledValue;
    }

    /// @notice Tokens were escrowed for an agent.
    event Deposited(uint16 indexed agentId, address indexed from, uint256 amount);
    /// @notice Escrow went back to the agent's owner.
    event EscrowWithdrawn(uint16 indexed agentId, address indexed to, uint256 amount);
    /// @notice A seller's proceeds were paid out.
    event Withdrawn(uint16 indexed agentId, address indexed to, uint256 amount);
    /// @notice A trade was rejected because a party failed its meter check.
    event TradeRejected(uint32 indexed epochId, uint32 indexed tradeIndex, RejectReason reason);
    /// @notice A trade could not be paid from the buyer's escrow; it stays settleable.
    event TradeUnpaid(uint32 indexed epochId, uint32 indexed tradeIndex, uint16 indexed buyer, uint256 value);
    /// @notice Summary of one settlement batch.
    event BatchSettled(
        uint32 indexed epochId,
        address indexed caller,
        uint256 settled,
        uint256 rejected,
        uint256 unpaid,
        uint256 skipped,
        uint256 value
    );

    /// @notice The amount is zero.
    error ZeroAmount();
    /// @notice An empty batch.
    error EmptyBatch();
    /// @notice The agent has less escrow or claimable balance than requested.
    error InsufficientBalance(uint16 agentId, uint256 available, uint256 requested);
    /// @notice The revealed trades do not match the epoch's trade root.
    error InvalidTradeProof();
    /// @notice A trade index is not below the epoch's trade count.
    error TradeIndexOutOfRange(uint32 tradeIndex, uint32 tradeCount);
    /// @notice A trade names an unregistered agent.
    error TradeAgentUnknown(uint32 tradeIndex, uint16 agentId);
    /// @notice A trade's hour is not one of 0..23.
    error TradeHourOutOfRange(uint32 tradeIndex, uint8 hour);
    /// @notice A party's hour is not checked yet: run the tolerance check first.
    error ScheduleNotChecked(uint32 epochId, uint16 agentId, uint8 hour);
    /// @notice The agent is deactivated.
    error AgentInactive(uint16 agentId);

    /// @notice Escrows `amount` tokens from the caller for `agentId`.
    function deposit(uint16 agentId, uint256 amount) external;

    /// @notice Returns escrow to `to`. Only the agent's owner.
    function withdrawEscrow(uint16 agentId, uint256 amount, address to) external;

    /// @notice Settles a batch of trades of a closed, undisputed epoch.
    /// @param trades One word per trade (see Leaves.unpackTrade), in the multiproof's leaf order.
    function settleTrades(
        uint32 epochId,
        uint256[] calldata trades,
        bytes32[] calldata proof,
        uint256[] calldata proofFlagBits
    ) external;

    /// @notice Pays the agent's whole claimable balance to `to`. Only the agent's owner.
    function withdraw(uint16 agentId, address to) external returns (uint256 amount);

    /// @notice The settlement token.
    function token() external view returns (address);

    /// @notice Escrow held for a buyer.
    function escrowOf(uint16 agentId) external view returns (uint256);

    /// @notice Proceeds a seller can withdraw.
    function claimableOf(uint16 agentId) external view returns (uint256);

    /// @notice Where a trade stands.
    function tradeStatus(uint32 epochId, uint32 tradeIndex) external view returns (TradeStatus);

    /// @notice Statuses of `count` consecutive trades from `from` (for auditors and claim tools).
    function tradeStatuses(uint32 epochId, uint32 from, uint32 count)
        external
        view
        returns (TradeStatus[] memory);

    /// @notice Settlement progress of an epoch.
    function epochSettlement(uint32 epochId) external view returns (EpochSettlement memory);
}

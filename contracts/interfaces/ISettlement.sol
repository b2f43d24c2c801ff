// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Tariff} from "../types/Tariff.sol";

/// @title ISettlement
/// @notice Escrow and settlement of positions in an ERC-20 token. An agent's balance is either
///         available (withdrawable, lockable) or locked in open epochs. Posting an epoch locks each
///         agent's scheduled purchases into that epoch's pot (and the grid agent's surplus reserve),
///         so a consumer can never take scheduled energy without paying and one epoch's escrow never
///         pays another's. After the challenge window, anyone settles agents of the epoch by
///         revealing their schedule rows (multiproof against the schedule root) and their meter
///         readings (checked against the stored commitments); each agent's position
///         (Positions.settle) is paid from the pot, imbalance is settled against the grid agent, and
///         a voided epoch gives every lock back. Everything but withdrawal is permissionless.
/// @dev Conservation: the token balance of this contract always equals the agents' available
///      balances plus every epoch's pot and reserve. An agent's `locked` says what it committed to
///      epochs it has not settled yet; the pots hold those tokens until the epoch pays them out.
interface ISettlement {
    /// @notice An agent's balance.
    /// @param available Withdrawable and lockable.
    /// @param locked Locked in epochs that are not settled yet (purchases, and the grid's reserve).
    /// @param opened Set by the first deposit or by openAccounts, never cleared: the account's
    ///        storage slot stays non-zero, so settling or withdrawing never pays for creating it
    ///        again (a seller that never deposits would otherwise pay a fresh slot every day).
    struct Account {
        uint128 available;
        uint120 locked;
        bool opened;
    }

    /// @notice What an epoch still holds and has paid.
    /// @param pot Locked purchases not yet paid out as credits or forfeits.
    /// @param reserve The grid agent's surplus reserve not yet paid out.
    /// @param settledAgents Agents settled (or refunded, if voided).
    /// @param credited Paid to agents for their scheduled supply.
    /// @param forfeited Thesis mode: supply of failed hours paid to the grid agent.
    /// @param surplusCredited Imbalance credits paid from the reserve.
    /// @param shortfallCharged Imbalance charges collected for the grid agent.
    /// @param shortfallUncollected Imbalance charges an agent's available balance could not cover.
    struct EpochBook {
        uint128 pot;
        uint128 reserve;
        uint32 settledAgents;
        uint128 credited;
        uint128 forfeited;
        uint128 surplusCredited;
        uint128 shortfallCharged;
        uint128 shortfallUncollected;
    }

    /// @notice Agents to settle in one batch, in the schedule multiproof's leaf order.
    /// @param agentIds The agents.
    /// @param scheduleWh Their committed rows, packed (ScheduleRows).
    /// @param meters The key that signed each agent's stored reading (zero if it has none).
    /// @param measuredWh Their stored readings, packed like rows (ignored where there is none).
    struct AgentDays {
        uint16[] agentIds;
        bytes scheduleWh;
        address[] meters;
        bytes measuredWh;
    }

    /// @notice An account's storage was created ahead of its first settlement.
    event AccountOpened(uint16 indexed agentId);
    /// @notice Tokens were deposited for an agent.
    event Deposited(uint16 indexed agentId, address indexed from, uint256 amount);
    /// @notice An agent's owner withdrew available balance.
    event Withdrawn(uint16 indexed agentId, address indexed to, uint256 amount);
    /// @notice Balance was locked into an epoch when it was posted.
    event Locked(uint32 indexed epochId, uint16 indexed agentId, uint256 amount);
    /// @notice One agent's position in an epoch was settled (see Positions for the amounts).
    event PositionSettled(
        uint32 indexed epochId,
        uint16 indexed agentId,
        uint24 passedMask,
        uint256 lock,
        uint256 credit,
        uint256 forfeit,
        uint256 surplusCredit,
        uint256 shortfallCharged,
        uint256 shortfallUncollected
    );
    /// @notice A voided epoch gave an agent's lock back.
    event Refunded(uint32 indexed epochId, uint16 indexed agentId, uint256 amount);
    /// @notice Every agent of the epoch is settled: the rounding dust and the unused reserve went to
    ///         the grid agent.
    event EpochClosed(uint32 indexed epochId, uint256 dust, uint256 reserveReturned);
    /// @notice Summary of one settlement batch.
    event BatchSettled(uint32 indexed epochId, address indexed caller, uint256 settled, uint256 skipped);

    /// @notice The amount is zero.
    error ZeroAmount();
    /// @notice An empty batch.
    error EmptyBatch();
    /// @notice The agent's available balance is below what is asked.
    error InsufficientBalance(uint16 agentId, uint256 available, uint256 requested);
    /// @notice The batch's arrays do not have one entry per agent.
    error BatchShapeMismatch();
    /// @notice The revealed rows do not match the epoch's schedule root.
    error InvalidScheduleProof();
    /// @notice A revealed reading does not match the stored commitment.
    error ReadingMismatch(uint16 agentId);
    /// @notice The agent is deactivated.
    error AgentInactive(uint16 agentId);
    /// @notice Settlement opens once both the reading and the challenge windows are over.
    error SettlementNotOpen(uint32 epochId, uint64 opensAfter);
    /// @notice Only the clearing ledger locks escrow.
    error NotLedger(address caller);

    /// @notice Deposits `amount` tokens from the caller to the agent's available balance.
    function deposit(uint16 agentId, uint256 amount) external;

    /// @notice Opens the accounts of agents that have none yet (see Account.opened); the others are
    ///         skipped. Anyone may call it: it moves no tokens, it only pays for the storage that
    ///         every later settlement of these agents would otherwise pay again.
    function openAccounts(uint16[] calldata agentIds) external;

    /// @notice Withdraws available balance to `to`. Only the agent's owner.
    function withdraw(uint16 agentId, uint256 amount, address to) external;

    /// @notice Locks an epoch's purchases and reserve. Only the clearing ledger, while posting.
    function lockEpoch(
        uint32 epochId,
        uint16[] calldata agentIds,
        uint256[] calldata locks,
        uint16 gridAgent,
        uint256 reserve
    ) external;

    /// @notice Settles agents of an epoch whose reading and challenge windows are over (refunds
    ///         them at once if it was voided). Agents already settled are skipped.
    function settleAgents(
        uint32 epochId,
        AgentDays calldata batch,
        bytes32[] calldata proof,
        uint256[] calldata proofFlagBits,
        Tariff calldata tariff
    ) external;

    /// @notice The settlement token.
    function token() external view returns (address);

    /// @notice An agent's balance.
    function accountOf(uint16 agentId) external view returns (Account memory);

    /// @notice What an epoch holds and has paid.
    function epochBook(uint32 epochId) external view returns (EpochBook memory);

    /// @notice Whether an agent's position in an epoch is settled (or refunded).
    function isSettled(uint32 epochId, uint16 agentId) external view returns (bool);
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice How an epoch's positions are settled.
/// @dev Imbalance (default): two-settlement. Every scheduled position settles at the day-ahead
///      price; metered deviation beyond the tolerance is charged (shortfall) or credited (surplus)
///      at the epoch's imbalance prices, against the network's grid agent, the balancing party.
///      Thesis: the rule of the thesis (§5.3), used to reproduce its tables. An hour in which a
///      supplier is outside the tolerance is not paid to it (its trades are rejected); the grid
///      agent, which covered the shortfall, is paid instead; consumers always pay their schedule.
enum SettlementMode {
    Imbalance,
    Thesis
}

/// @notice An epoch's prices per hour, in settlement-token base units per kWh, committed at
///         posting. The contracts enforce surplus ≤ price ≤ shortfall in every hour, so that no
///         deviation from the schedule can earn more than keeping to it.
/// @param price Day-ahead settlement price π(t) (thesis 5-2) at which scheduled energy settles.
/// @param shortfall Imbalance price of energy short of the schedule (e.g. the grid's import price).
/// @param surplus Imbalance price of energy beyond the schedule (e.g. an export price).
struct Tariff {
    uint64[24] price;
    uint64[24] shortfall;
    uint64[24] surplus;
}

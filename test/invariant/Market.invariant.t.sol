// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMeterReadings} from "../../contracts/interfaces/IMeterReadings.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {MarketFixture, TradeData} from "../utils/MarketFixture.sol";
import {MarketHandler} from "./handlers/MarketHandler.sol";

contract MarketInvariantTest is MarketFixture {
    MarketHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new MarketHandler(
            MarketHandler.Deployment(
                registry, ledger, meters, settlement, token, admin, registrar, oracle, owners, meterKeys
            )
        );
        vm.startPrank(admin);
        token.grantRole(token.MINTER_ROLE(), address(handler));
        registry.grantRole(registry.REGISTRAR_ROLE(), address(handler));
        ledger.grantRole(ledger.ORACLE_ROLE(), address(handler));
        vm.stopPrank();

        bytes4[] memory selectors = new bytes4[](11);
        selectors[0] = MarketHandler.post.selector;
        selectors[1] = MarketHandler.report.selector;
        selectors[2] = MarketHandler.rotateMeter.selector;
        selectors[3] = MarketHandler.warp.selector;
        selectors[4] = MarketHandler.check.selector;
        selectors[5] = MarketHandler.dispute.selector;
        selectors[6] = MarketHandler.deposit.selector;
        selectors[7] = MarketHandler.withdrawEscrow.selector;
        selectors[8] = MarketHandler.settle.selector;
        selectors[9] = MarketHandler.withdraw.selector;
        selectors[10] = MarketHandler.reportWithStaleKey.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    /// Tokens are conserved: escrow + claimable + withdrawn = deposits, and the contract holds
    /// exactly escrow + claimable.
    function invariant_tokensAreConserved() public view {
        uint256 held;
        for (uint16 a; a < AGENTS; ++a) {
            held += settlement.escrowOf(a) + settlement.claimableOf(a);
        }
        assertEq(token.balanceOf(address(settlement)), held);
        assertEq(held + handler.ghost_withdrawn(), handler.ghost_deposited());
    }

    /// No trade settles twice: each epoch's settled value equals the value of its trades whose
    /// status is Settled, counted once each.
    function invariant_noTradeSettlesTwice() public view {
        for (uint256 e; e < handler.epochCount(); ++e) {
            uint32 epochId = handler.ghost_epochs(e);
            TradeData[] memory trades = handler.tradesOf(epochId);
            uint256 value;
            uint256 count;
            for (uint256 i; i < trades.length; ++i) {
                if (settlement.tradeStatus(epochId, trades[i].tradeIndex) == ISettlement.TradeStatus.Settled)
                {
                    value += trades[i].value;
                    ++count;
                }
            }
            ISettlement.EpochSettlement memory s = settlement.epochSettlement(epochId);
            assertEq(s.settledValue, value);
            assertEq(s.settled, count);
        }
    }

    /// No trade pays unless both parties passed their meter check for the trade's hour.
    function invariant_onlyVerifiedTradesPay() public view {
        for (uint256 e; e < handler.epochCount(); ++e) {
            uint32 epochId = handler.ghost_epochs(e);
            TradeData[] memory trades = handler.tradesOf(epochId);
            for (uint256 i; i < trades.length; ++i) {
                if (settlement.tradeStatus(epochId, trades[i].tradeIndex) != ISettlement.TradeStatus.Settled) continue;
                TradeData memory t = trades[i];
                assertEq(
                    uint8(meters.hourCheck(epochId, t.seller, t.hour)), uint8(IMeterReadings.HourCheck.Passed)
                );
                assertEq(
                    uint8(meters.hourCheck(epochId, t.buyer, t.hour)), uint8(IMeterReadings.HourCheck.Passed)
                );
            }
        }
    }

    /// Only an agent's current meter key can set its readings: no reading signed by a rotated-out
    /// key was ever accepted.
    function invariant_onlyCurrentMeterKeysReport() public view {
        assertEq(handler.ghost_staleKeyAccepted(), 0);
    }

    /// A voided epoch pays nothing.
    function invariant_voidedEpochsPayNothing() public view {
        for (uint256 e; e < handler.epochCount(); ++e) {
            uint32 epochId = handler.ghost_epochs(e);
            if (!ledger.epoch(epochId).voided) continue;
            ISettlement.EpochSettlement memory s = settlement.epochSettlement(epochId);
            assertEq(s.settled, 0);
            assertEq(s.settledValue, 0);
        }
    }

    /// A seller's claimable balance plus what it withdrew equals the value of its paid trades,
    /// so claimable never exceeds it.
    function invariant_claimableMatchesPaidTrades() public view {
        uint256[AGENTS] memory paid;
        for (uint256 e; e < handler.epochCount(); ++e) {
            uint32 epochId = handler.ghost_epochs(e);
            TradeData[] memory trades = handler.tradesOf(epochId);
            for (uint256 i; i < trades.length; ++i) {
                if (settlement.tradeStatus(epochId, trades[i].tradeIndex) == ISettlement.TradeStatus.Settled)
                {
                    paid[trades[i].seller] += trades[i].value;
                }
            }
        }
        for (uint16 a; a < AGENTS; ++a) {
            assertEq(settlement.claimableOf(a) + handler.ghost_proceedsWithdrawn(a), paid[a]);
            assertLe(settlement.claimableOf(a), paid[a]);
        }
    }

    /// Corrupt epochs either get voided or stay unsettled while their window is open; an honest
    /// epoch is never voided (its hours balance and its flows are within limits).
    function invariant_honestEpochsAreNeverVoided() public view {
        for (uint256 e; e < handler.epochCount(); ++e) {
            uint32 epochId = handler.ghost_epochs(e);
            if (!handler.ghost_corrupt(epochId)) assertFalse(ledger.epoch(epochId).voided);
        }
    }
}

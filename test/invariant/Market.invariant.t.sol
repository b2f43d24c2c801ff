// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClearingLedger} from "../../contracts/interfaces/IClearingLedger.sol";
import {IParticipantRegistry} from "../../contracts/interfaces/IParticipantRegistry.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {SettlementMode, Tariff} from "../../contracts/types/Tariff.sol";
import {MarketBase} from "../utils/MarketBase.sol";
import {MarketHandler} from "./handlers/MarketHandler.sol";

/// @notice The market's invariants under every role's bounded random actions (see MarketHandler).
///         30 agents on a triangle network; subclasses choose how their ids are spread.
abstract contract MarketInvariantBase is MarketBase {
    uint256 internal constant AGENTS = 30;
    uint256 internal constant ORACLE_KEY = 0x0a11ce;

    MarketHandler internal handler;
    uint32 internal networkId;
    uint16[] internal members;

    /// @notice The id of the agent at network position k.
    function idAt(uint256 k) internal view virtual returns (uint256);

    function setUp() public {
        deployMarket();
        // Generous limits: honest days (at most 6.2 kWh an hour in all) never reach them; the
        // malicious oracle's 300 kWh transfer overloads line 2-3.
        uint32[] memory limits = new uint32[](3);
        (limits[0], limits[1], limits[2]) = (1_000_000, 1_000_000, 100_000);
        int32[] memory ptdf = new int32[](9);
        (ptdf[1], ptdf[2], ptdf[4], ptdf[5], ptdf[7], ptdf[8]) =
        (-666_666_667, -333_333_333, -333_333_333, -666_666_667, 333_333_333, -333_333_333);
        vm.prank(registrar);
        networkId = networks.registerNetwork(3, 1, 3, limits, ptdf);

        uint256[] memory keys = new uint256[](AGENTS);
        bool[] memory buyers = new bool[](AGENTS);
        for (uint256 k; k < AGENTS; ++k) {
            if (idAt(k) != registry.agentCount()) jumpAgentIds(idAt(k));
            keys[k] = uint256(keccak256(abi.encode("meter", k)));
            buyers[k] = k % 2 == 1;
            IParticipantRegistry.AgentKind kind = k == 0
                ? IParticipantRegistry.AgentKind.Grid
                : (buyers[k] ? IParticipantRegistry.AgentKind.Buyer : IParticipantRegistry.AgentKind.Seller);
            vm.prank(registrar);
            uint16 id = registry.registerAgent(
                makeAddr(string.concat("owner", vm.toString(k))),
                vm.addr(keys[k]),
                networkId,
                k == 0 ? 1 : uint16(2 + k % 2),
                kind,
                false
            );
            members.push(id);
        }

        handler = new MarketHandler(
            MarketHandler.Setup(
                networks,
                registry,
                ledger,
                meters,
                settlement,
                token,
                admin,
                registrar,
                networkId,
                members,
                keys,
                buyers
            )
        );
        bytes32 oracleRole = ledger.ORACLE_ROLE();
        bytes32 minterRole = token.MINTER_ROLE();
        bytes32 registrarRole = registry.REGISTRAR_ROLE();
        vm.startPrank(admin);
        ledger.grantRole(oracleRole, vm.addr(ORACLE_KEY));
        token.grantRole(minterRole, address(handler));
        registry.grantRole(registrarRole, address(handler));
        vm.stopPrank();

        bytes4[] memory selectors = new bytes4[](16);
        selectors[0] = MarketHandler.postHonest.selector;
        selectors[1] = MarketHandler.postCorrupt.selector;
        selectors[2] = MarketHandler.oracleDisputesItself.selector;
        selectors[3] = MarketHandler.dispute.selector;
        selectors[4] = MarketHandler.report.selector;
        selectors[5] = MarketHandler.relayWithCopiedReading.selector;
        selectors[6] = MarketHandler.reportWithRetiredKey.selector;
        selectors[7] = MarketHandler.stolenKeyCleared.selector;
        selectors[8] = MarketHandler.rotateMeter.selector;
        selectors[9] = MarketHandler.withdrawLocked.selector;
        selectors[10] = MarketHandler.withdraw.selector;
        selectors[11] = MarketHandler.settle.selector;
        selectors[12] = MarketHandler.warp.selector;
        selectors[13] = MarketHandler.releaseBond.selector;
        selectors[14] = MarketHandler.postHonest.selector;
        selectors[15] = MarketHandler.settle.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    // ---------------------------------------------------------------- helpers

    function _epoch(uint256 i)
        internal
        view
        returns (MarketHandler.EpochGhost memory g, IClearingLedger.Epoch memory e)
    {
        g = handler.epochAt(i);
        e = ledger.epoch(g.id);
    }

    // ---------------------------------------------------------------- invariants

    /// Tokens are held exactly: the contract's balance is every agent's available balance plus every
    /// epoch's pot and reserve.
    function invariant_tokensHeldAreBalancesPotsAndReserves() public view {
        uint256 held;
        for (uint256 k; k < AGENTS; ++k) {
            held += settlement.accountOf(members[k]).available;
        }
        for (uint256 i; i < handler.epochCount(); ++i) {
            ISettlement.EpochBook memory b = settlement.epochBook(handler.epochAt(i).id);
            held += b.pot + b.reserve;
        }
        assertEq(token.balanceOf(address(settlement)), held);
    }

    /// Tokens are conserved: what was deposited is held or was withdrawn, to the base unit.
    function invariant_tokensAreConserved() public view {
        assertEq(token.balanceOf(address(settlement)) + handler.ghost_withdrawn(), handler.ghost_deposited());
    }

    /// No epoch pays more than its committed supply value, whoever posted it.
    function invariant_noEpochPaysMoreThanItsCommittedTotal() public view {
        for (uint256 i; i < handler.epochCount(); ++i) {
            (, IClearingLedger.Epoch memory e) = _epoch(i);
            ISettlement.EpochBook memory b = settlement.epochBook(handler.epochAt(i).id);
            assertLe(uint256(b.credited) + b.forfeited, e.supplyValue);
        }
    }

    /// An agent is paid at most its scheduled supply at the price (plus surplus credits bounded by
    /// its scheduled energy at the surplus price); a consumer is never paid as a seller.
    function invariant_noAgentIsPaidBeyondItsSchedule() public view {
        for (uint256 i; i < handler.epochCount(); ++i) {
            uint32 id = handler.epochAt(i).id;
            uint256[] memory supply = handler.supplyValuesOf(id);
            uint256[] memory caps = handler.surplusCapsOf(id);
            (uint256[] memory credit, uint256[] memory surplus,,) = handler.ghostsOf(id);
            for (uint256 k; k < AGENTS; ++k) {
                assertLe(credit[k], supply[k]);
                assertLe(surplus[k], caps[k]);
                if (supply[k] == 0) assertEq(credit[k], 0);
            }
        }
    }

    /// The escrow of an open epoch covers what it still owes: its pot every unsettled agent's
    /// supply (its locks, if voided), its reserve every unsettled agent's largest surplus credit.
    function invariant_anOpenEpochHoldsWhatItStillOwes() public view {
        for (uint256 i; i < handler.epochCount(); ++i) {
            (MarketHandler.EpochGhost memory g, IClearingLedger.Epoch memory e) = _epoch(i);
            uint256[] memory locks = handler.locksOf(g.id);
            uint256[] memory supply = handler.supplyValuesOf(g.id);
            uint256[] memory caps = handler.surplusCapsOf(g.id);
            uint256 owed;
            uint256 surplus;
            for (uint256 k; k < AGENTS; ++k) {
                if (settlement.isSettled(g.id, members[k])) continue;
                owed += e.voided ? locks[k] : supply[k];
                if (k != 0 && g.mode == SettlementMode.Imbalance) surplus += caps[k];
            }
            ISettlement.EpochBook memory b = settlement.epochBook(g.id);
            assertGe(b.pot, owed);
            if (!e.voided) assertGe(b.reserve, surplus);
        }
    }

    /// Every agent's locked balance is exactly its unsettled locks plus, for the grid agent, the
    /// reserves of epochs not closed yet.
    function invariant_lockedBalancesAreOpenCommitments() public view {
        uint256[] memory expected = new uint256[](AGENTS);
        for (uint256 i; i < handler.epochCount(); ++i) {
            (MarketHandler.EpochGhost memory g, IClearingLedger.Epoch memory e) = _epoch(i);
            uint256[] memory locks = handler.locksOf(g.id);
            for (uint256 k; k < AGENTS; ++k) {
                if (!settlement.isSettled(g.id, members[k])) expected[k] += locks[k];
            }
            if (settlement.epochBook(g.id).settledAgents < AGENTS) expected[0] += e.reserve;
        }
        for (uint256 k; k < AGENTS; ++k) {
            assertEq(settlement.accountOf(members[k]).locked, expected[k]);
        }
    }

    /// A settled epoch spent its locks on its suppliers: credits, forfeits and dust add up to
    /// exactly what was locked, and nothing stays in its pot.
    function invariant_aClosedEpochPaidItsLocksToItsSuppliers() public view {
        for (uint256 i; i < handler.epochCount(); ++i) {
            (MarketHandler.EpochGhost memory g, IClearingLedger.Epoch memory e) = _epoch(i);
            ISettlement.EpochBook memory b = settlement.epochBook(g.id);
            if (e.voided || b.settledAgents < AGENTS) continue;
            assertEq(uint256(b.credited) + b.forfeited + handler.ghost_dust(g.id), e.lockedValue);
            assertEq(b.pot, 0);
            assertEq(b.reserve, 0);
        }
    }

    /// A voided epoch pays nothing.
    function invariant_aVoidedEpochPaysNothing() public view {
        for (uint256 i; i < handler.epochCount(); ++i) {
            (MarketHandler.EpochGhost memory g, IClearingLedger.Epoch memory e) = _epoch(i);
            if (!e.voided) continue;
            ISettlement.EpochBook memory b = settlement.epochBook(g.id);
            assertEq(uint256(b.credited) + b.forfeited + b.surplusCredited + b.shortfallCharged, 0);
        }
    }

    /// An honest epoch is never voided, by any dispute.
    function invariant_anHonestEpochIsNeverVoided() public view {
        assertEq(handler.ghost_honestVoided(), 0);
        for (uint256 i; i < handler.epochCount(); ++i) {
            (MarketHandler.EpochGhost memory g, IClearingLedger.Epoch memory e) = _epoch(i);
            if (g.kind == MarketHandler.Kind.Honest) assertFalse(e.voided);
        }
    }

    /// A corrupt epoch nobody disputed pays by its schedule only: the inflated trade's consumer is
    /// paid nothing and the credits never exceed the schedule's supply value recomputed here.
    function invariant_anUndisputedCorruptEpochPaysOnlyItsSchedule() public view {
        for (uint256 i; i < handler.epochCount(); ++i) {
            (MarketHandler.EpochGhost memory g, IClearingLedger.Epoch memory e) = _epoch(i);
            if (g.kind == MarketHandler.Kind.Honest || e.voided) continue;
            uint256[] memory supply = handler.supplyValuesOf(g.id);
            uint256 schedule;
            for (uint256 k; k < AGENTS; ++k) {
                schedule += supply[k];
            }
            assertLe(settlement.epochBook(g.id).credited, schedule);
            if (g.kind == MarketHandler.Kind.InflatedTrade) {
                assertEq(handler.ghost_credit(g.id, members[g.badAgent]), 0);
            }
        }
    }

    /// Only an agent's current meter key has its readings stand; a retired key is refused, and a
    /// relayer's batch never fails because someone copied one of its readings.
    function invariant_onlyCurrentKeysReadingsStand() public view {
        assertEq(handler.ghost_staleKeyAccepted(), 0);
        assertEq(handler.ghost_copyBatchReverted(), 0);
        for (uint256 i; i < handler.epochCount(); ++i) {
            uint32 id = handler.epochAt(i).id;
            (,,, bytes32[] memory expected) = handler.ghostsOf(id);
            bytes32[] memory stored = meters.commitments(id, members);
            for (uint256 k; k < AGENTS; ++k) {
                assertEq(stored[k], expected[k]);
            }
        }
    }

    /// No agent is settled twice in an epoch, and the epoch counts exactly the agents settled.
    function invariant_noAgentIsSettledTwice() public view {
        for (uint256 i; i < handler.epochCount(); ++i) {
            uint32 id = handler.epochAt(i).id;
            (,, uint256[] memory times,) = handler.ghostsOf(id);
            uint256 settled;
            for (uint256 k; k < AGENTS; ++k) {
                assertLe(times[k], 1);
                settled += times[k];
            }
            assertEq(settlement.epochBook(id).settledAgents, settled);
        }
    }

    /// A buyer can never withdraw escrow an open epoch has locked.
    function invariant_lockedEscrowIsNeverWithdrawn() public view {
        assertEq(handler.ghost_lockedWithdrawn(), 0);
    }

    /// The oracle never gains by disputing its own epochs; the ledger holds exactly the bonds not
    /// settled yet and what it owes the treasury.
    function invariant_bondsAreHeldAndTheOracleNeverRecoversOne() public view {
        assertLe(handler.ghost_oracleDisputeGain(), 0);
        uint256 bonds;
        for (uint256 i; i < handler.epochCount(); ++i) {
            (, IClearingLedger.Epoch memory e) = _epoch(i);
            if (!e.bondReleased) bonds += e.bond;
        }
        assertEq(address(ledger).balance, bonds + ledger.treasuryOwed());
    }

    /// Every posted epoch is balanced and complete: the malicious oracle's unbalanced or
    /// incomplete days never got in.
    function invariant_everyPostedScheduleIsCompleteAndBalanced() public view {
        assertEq(handler.ghost_corruptPosted(), 0);
        for (uint256 i; i < handler.epochCount(); ++i) {
            (MarketHandler.EpochGhost memory g, IClearingLedger.Epoch memory e) = _epoch(i);
            int32[24][] memory rows = handler.rowsOf(g.id);
            assertEq(e.agentCount, rows.length);
            assertEq(e.scheduleRoot, scheduleTree(g.id, members, rows)[0]);
        }
    }

    /// Call summary: how often each action ran (read with -vvv).
    function invariant_callSummary() public {
        string[17] memory paths = [
            "postHonest",
            "postCorrupt.overload",
            "postCorrupt.inflatedTrade",
            "postCorrupt.signedThenChanged",
            "postCorrupt.unbalanced",
            "postCorrupt.omitted",
            "oracleDisputesItself",
            "dispute",
            "report",
            "relayWithCopiedReading",
            "reportWithRetiredKey",
            "stolenKeyCleared",
            "rotateMeter",
            "withdrawLocked",
            "withdraw",
            "settle.ok",
            "warp"
        ];
        for (uint256 i; i < paths.length; ++i) {
            emit log_named_uint(paths[i], handler.calls(bytes32(bytes(paths[i]))));
        }
    }

    /// Every handler path can take effect: a fixed sequence through all of them, each counted,
    /// ending with every invariant checked (so that none of them is vacuous for want of a path).
    function test_everyHandlerPathTakesEffect() public {
        handler.postHonest(1, false);
        handler.postCorrupt(2, 0); // overload
        handler.postCorrupt(3, 1); // inflated trade
        handler.postCorrupt(4, 3); // unbalanced: refused
        handler.postCorrupt(5, 4); // a row left out: refused
        handler.postCorrupt(6, 2); // signed, then changed
        handler.rotateMeter(5, 1);
        handler.reportWithRetiredKey(0, 5);
        handler.relayWithCopiedReading(0, 3);
        handler.stolenKeyCleared(1, 7);
        handler.report(1, 0, 60);
        handler.report(2, type(uint256).max / 5, 120);
        handler.report(3, 0, -7);
        handler.dispute(1);
        handler.oracleDisputesItself(2);
        handler.dispute(0);
        handler.withdrawLocked(1);
        for (uint256 i; i < 3; ++i) {
            handler.warp(90 minutes);
        }
        handler.settle(0, type(uint256).max);
        handler.settle(1, type(uint256).max);
        handler.settle(3, 0x5555);
        handler.withdraw(2, type(uint256).max);
        handler.releaseBond(0);
        string[18] memory paths = [
            "postHonest",
            "postCorrupt.overload",
            "postCorrupt.inflatedTrade",
            "postCorrupt.signedThenChanged",
            "postCorrupt.unbalanced",
            "postCorrupt.omitted",
            "oracleDisputesItself",
            "dispute",
            "dispute.voided",
            "report",
            "relayWithCopiedReading",
            "reportWithRetiredKey",
            "stolenKeyCleared",
            "rotateMeter",
            "withdrawLocked",
            "withdraw",
            "settle.ok",
            "warp"
        ];
        for (uint256 i; i < paths.length; ++i) {
            assertGt(handler.calls(bytes32(bytes(paths[i]))), 0, paths[i]);
        }
        assertTrue(ledger.epoch(2).voided);
        assertTrue(ledger.epoch(3).voided);
        assertFalse(ledger.epoch(1).voided);
        assertEq(settlement.epochBook(1).settledAgents, AGENTS);
        invariant_tokensHeldAreBalancesPotsAndReserves();
        invariant_tokensAreConserved();
        invariant_noEpochPaysMoreThanItsCommittedTotal();
        invariant_noAgentIsPaidBeyondItsSchedule();
        invariant_anOpenEpochHoldsWhatItStillOwes();
        invariant_lockedBalancesAreOpenCommitments();
        invariant_aClosedEpochPaidItsLocksToItsSuppliers();
        invariant_aVoidedEpochPaysNothing();
        invariant_anHonestEpochIsNeverVoided();
        invariant_anUndisputedCorruptEpochPaysOnlyItsSchedule();
        invariant_onlyCurrentKeysReadingsStand();
        invariant_noAgentIsSettledTwice();
        invariant_lockedEscrowIsNeverWithdrawn();
        invariant_bondsAreHeldAndTheOracleNeverRecoversOne();
        invariant_everyPostedScheduleIsCompleteAndBalanced();
    }

    function _one(uint16 id) internal pure returns (uint16[] memory a) {
        a = new uint16[](1);
        a[0] = id;
    }
}

/// forge-config: default.invariant.runs = 16
/// forge-config: default.invariant.depth = 50
/// forge-config: ci.invariant.runs = 64
/// forge-config: ci.invariant.depth = 60
/// @notice Agent ids 2,000 apart (0, 2000, …, 58000): settlement must not care how far apart.
contract MarketInvariantTest is MarketInvariantBase {
    function idAt(uint256 k) internal pure override returns (uint256) {
        return k * 2000;
    }
}

/// forge-config: default.invariant.runs = 8
/// forge-config: default.invariant.depth = 50
/// forge-config: ci.invariant.runs = 24
/// forge-config: ci.invariant.depth = 60
/// @notice Agent ids at the top of the id space (65,505 … 65,534, the last id there is).
contract MarketNearIdLimitInvariantTest is MarketInvariantBase {
    function idAt(uint256 k) internal pure override returns (uint256) {
        return 65_505 + k;
    }
}

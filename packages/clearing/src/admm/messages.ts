// The messages of consensus ADMM (thesis Algorithm 1), the only things that cross the boundary
// between an agent and the rest of the market. They are plain JSON-serializable objects, so that
// agents can live in other processes. What crosses:
//   coordinator → agent   ρ and the relaxation α                       (ProposeRequest)
//   agent → operator      p̂_i + u_i, its relaxed proposal plus scaled dual  (Offer)
//   operator → agent      z_i, its consensus injection                    (Consensus)
//   agent → coordinator   four scalars for the stopping rule and welfare   (ResidualReport)
//   coordinator → agent   a ρ change, so that u is rescaled               (Rescale)
//   agent → everyone      at the end, its own dispatch, dual price and
//                         welfare terms at its committed schedule z_i       (FinalReport)
// An agent's costs, utility and battery data never leave it; the operator never sees p or u alone.
//
// In process, a message is read before the next one of its kind is asked: the consensus z an agent
// is handed may be a view of the operator's buffer (valid during the call), and the offer and
// residual report an agent answers with are its own objects, rewritten by its next answer of that
// kind. A transport that keeps or sends them elsewhere copies or serializes them first. (At 10,000
// agents a fresh array per agent per message was most of what a round allocated; garbage that lives
// across a round is promoted, and the old generation it fills was the run's peak memory.)
import type { AgentDispatch, WelfareTerms } from '../model/welfare';

export interface ProposeRequest {
  type: 'propose';
  rho: number;
  /** Over-relaxation α: the agent offers α·p + (1 − α)·z (α = 1: none). */
  alpha: number;
}

export interface Offer {
  type: 'offer';
  agent: number;
  /** p̂_i(t) + u_i(t) for each hour: what the operator projects (4-7). */
  offer: number[];
}

export interface Consensus {
  type: 'consensus';
  /** z_i(t) for each hour (4-5) or (4-6); read during the call only. */
  z: ArrayLike<number>;
}

export interface ResidualReport {
  type: 'residuals';
  agent: number;
  /** ‖p_i − z_i‖² (for the primal residual 4-10). */
  mismatchSq: number;
  /** ‖p_i‖² and ‖z_i‖² (for the relative primal tolerance). */
  proposalSq: number;
  consensusSq: number;
  /** ‖ρ u_i‖² (for the relative dual tolerance). */
  scaledDualSq: number;
  /** The agent's own surplus at p_i (utility − cost, USD), for the welfare trace. */
  surplusUsd: number;
}

export interface Rescale {
  type: 'rescale';
  /** u ← factor · u (ρ_old / ρ_new), keeping ρu unchanged. */
  factor: number;
}

export interface FinalReport {
  type: 'report';
  agent: number;
  /** The agent's dispatch at its last proposal p (components it chooses to disclose). */
  dispatch: AgentDispatch;
  /** Its own welfare terms at its committed schedule z_i (its battery's charge and discharge as proposed), USD. */
  welfareAtSchedule: WelfareTerms;
  /** Its dual price −ρ·u_i(t), USD/kWh: the marginal value of energy at its bus. */
  dualPriceUsdPerKwh: number[];
  /** Sellers: marginal cost 2αx + β at their generation (5-1), for the settlement price (5-2). */
  marginalCostUsdPerKwh?: number[];
}

/** What the coordinator and the operator can do with an agent: exchange messages, nothing else. */
export interface AgentEndpoint {
  readonly index: number;
  propose(request: ProposeRequest): Offer;
  accept(consensus: Consensus): ResidualReport;
  rescale(request: Rescale): void;
  report(rho: number): FinalReport;
}

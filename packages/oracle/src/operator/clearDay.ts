// The operator clears a day: ADMM with the network enforced (played here, or by agents in their own
// processes), the unconstrained optimum as the document's reference (Fig. 6.7), and the result
// document that the epoch will commit to.
import { buildResult, type ClearingSolution, type Market, type ResultDocument, runAdmm, solveCentralized } from '@gridmarket/clearing';

export type AdmmSettings = { rho?: number; adaptive?: boolean; alpha?: number };

/** Clears the market with ADMM; by default in this process, or by the agents wherever they run. */
export type Clear = (market: Market, admm: AdmmSettings) => Promise<ClearingSolution>;

export const clearHere: Clear = async (market, admm) => runAdmm(market, { constrained: true, ...admm });

/** ADMM stopped without converging: there is no schedule to post. */
export class ClearingNotConvergedError extends Error {
  override name = 'ClearingNotConvergedError';
  constructor(
    readonly market: string,
    readonly status: string,
    readonly iterations: number,
  ) {
    super(`ADMM did not converge for ${market} (${status} after ${iterations} iterations)`);
  }
}

export interface ClearDayParameters {
  market: Market;
  admm?: AdmmSettings;
  clear?: Clear;
}

export interface ClearDayResult {
  solution: ClearingSolution;
  doc: ResultDocument;
  iterations: number;
}

export async function clearDay({ market, admm = {}, clear = clearHere }: ClearDayParameters): Promise<ClearDayResult> {
  const solution = await clear(market, admm);
  const run = solution.admm!;
  if (run.status !== 'converged') throw new ClearingNotConvergedError(market.name, run.status, run.iterations);
  const unconstrained = solveCentralized(market, { constrained: false });
  const doc = buildResult(market, solution, { method: 'admm', ...admm }, unconstrained.status === 'optimal' ? unconstrained : undefined);
  return { solution, doc, iterations: run.iterations };
}

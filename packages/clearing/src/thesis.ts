// The numbers the thesis reports (seed, chapter 6), for side-by-side comparison.

export const THESIS = {
  /** Table 6.4: ADMM iterations and time (s, Python + CVXPY). */
  admm: {
    ieee14: { unconstrained: { iterations: 84, timeS: 72.96 }, constrained: { iterations: 119, timeS: 222.811 } },
    ieee33: { unconstrained: { iterations: 80, timeS: 91.674 }, constrained: { iterations: 49, timeS: 124.723 } },
  },
  /** Table 6.6: welfare (USD), time (s) and max line utilization. */
  performance: {
    ieee14: {
      centralized: { unconstrained: { welfare: 14.11, timeS: 0.413, maxUtil: 2.11 }, constrained: { welfare: 13.97, timeS: 0.892, maxUtil: 1.01 } },
      admm: { unconstrained: { welfare: 14.1, timeS: 72.96, maxUtil: 2.391 }, constrained: { welfare: 13.97, timeS: 222.811, maxUtil: 1.0 } },
    },
    ieee33: {
      centralized: { unconstrained: { welfare: 49.25, timeS: 0.578, maxUtil: 6.46 }, constrained: { welfare: 45.32, timeS: 1.552, maxUtil: 1.001 } },
      admm: { unconstrained: { welfare: 49.24, timeS: 91.674, maxUtil: 3.857 }, constrained: { welfare: 45.32, timeS: 124.723, maxUtil: 1.0 } },
    },
  },
  /** Table 6.5: welfare gap of ADMM (14-bus). */
  gap: { unconstrained: { absolute: 0.01, percent: 0.0466 }, constrained: { absolute: 0.003, percent: 0.0187 } },
  /** Table 6.7: network utilization (14-bus): max utilization and lines above 80%. */
  utilization: {
    unconstrainedCentralized: { max: 2.11, linesAbove80: 3, totalLines: 20 },
    unconstrainedAdmm: { max: 2.391, linesAbove80: 1, totalLines: 20 },
    constrainedAdmm: { max: 1.0, linesAbove80: 1, totalLines: 20 },
  },
  /** Table 6.9: computation time (14-bus, s). */
  time: { centralizedUnconstrained: 0.41, centralizedConstrained: 0.89, admmUnconstrained: 72.96, admmConstrained: 222.81 },
  /** §6.5: the ρ values swept. */
  rhoSweep: [0.1, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5],
  /** §6.10, 6.11, Table 6.8 (14-bus constrained). */
  settlement: { trades: 2808, verified: 2795, energyKwh: 276.05, valueUsd: 16.56, averagePrice: 0.06 },
} as const;

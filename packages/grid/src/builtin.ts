// The test networks of the thesis (seed Tables 3.2 and 3.3): line data of the modified IEEE 14-bus
// and IEEE 33-bus systems with the thesis's thermal limits in kW. r and x are in p.u.
import { buildNetwork, type LineInput, type Network } from './network';

type Row = [from: number, to: number, r: number, x: number, limitKw: number];
const lines = (rows: Row[]): LineInput[] => rows.map(([from, to, r, x, limitKw]) => ({ from, to, r, x, limitKw }));

/** Table 3.2, "Line Parameters of the Modified IEEE-14 Bus Network". */
export const IEEE14_LINES: LineInput[] = lines([
  [1, 2, 0.01938, 0.05917, 15],
  [1, 5, 0.05403, 0.22304, 5],
  [2, 3, 0.04699, 0.19797, 2],
  [2, 4, 0.05811, 0.17632, 2],
  [2, 5, 0.05695, 0.17388, 8],
  [3, 4, 0.06701, 0.17103, 9],
  [4, 5, 0.01335, 0.04211, 6],
  [4, 7, 0, 0.20912, 1.2],
  [4, 9, 0, 0.55618, 0.76],
  [5, 6, 0, 0.25202, 1.5],
  [6, 11, 0.09498, 0.1989, 5],
  [6, 12, 0.12291, 0.25581, 2],
  [6, 13, 0.06615, 0.13027, 2],
  [7, 8, 0, 0.17615, 20],
  [7, 9, 0, 0.11001, 7],
  [9, 10, 0.03181, 0.0845, 5],
  [9, 14, 0.12711, 0.27038, 5],
  [10, 11, 0.08205, 0.19207, 5],
  [12, 13, 0.22092, 0.19988, 19],
  [13, 14, 0.17093, 0.34802, 14],
]);

/** Table 3.3, "Line Parameters of the Modified IEEE-33 Bus Network" (radial feeder). */
export const IEEE33_LINES: LineInput[] = lines([
  [1, 2, 0.005753, 0.002932, 3.5],
  [2, 3, 0.03076, 0.015667, 3.5],
  [3, 4, 0.022836, 0.01163, 3.5],
  [4, 5, 0.023778, 0.01211, 3.5],
  [5, 6, 0.051099, 0.044112, 3.5],
  [6, 7, 0.01168, 0.038608, 3.5],
  [7, 8, 0.044386, 0.014668, 2.5],
  [8, 9, 0.064264, 0.04617, 2.5],
  [9, 10, 0.065138, 0.04617, 2.5],
  [10, 11, 0.012266, 0.004056, 2.5],
  [11, 12, 0.02336, 0.007724, 2.5],
  [12, 13, 0.091592, 0.072063, 2.5],
  [13, 14, 0.033792, 0.04448, 2.5],
  [14, 15, 0.036874, 0.032818, 2.5],
  [15, 16, 0.046564, 0.034004, 2.5],
  [16, 17, 0.080424, 0.107378, 2.5],
  [17, 18, 0.045671, 0.035813, 2.5],
  [2, 19, 0.010232, 0.009764, 1.8],
  [19, 20, 0.093851, 0.084567, 1.8],
  [20, 21, 0.02555, 0.029849, 1.8],
  [21, 22, 0.04423, 0.058481, 1.8],
  [3, 23, 0.028152, 0.019236, 1.8],
  [23, 24, 0.056028, 0.044243, 1.8],
  [24, 25, 0.055904, 0.043743, 1.8],
  [6, 26, 0.012666, 0.006451, 1.8],
  [26, 27, 0.017732, 0.009028, 1.8],
  [27, 28, 0.066074, 0.058256, 1.8],
  [28, 29, 0.050176, 0.043712, 1.8],
  [29, 30, 0.031664, 0.016128, 1.8],
  [30, 31, 0.060795, 0.060084, 1.8],
  [31, 32, 0.019373, 0.02258, 1.8],
  [32, 33, 0.021276, 0.033081, 1.8],
]);

export const BUILTIN_NETWORKS = ['ieee14', 'ieee33'] as const;
export type BuiltinNetwork = (typeof BUILTIN_NETWORKS)[number];

export function builtinNetwork(name: BuiltinNetwork, slack = 1): Network {
  const l = name === 'ieee14' ? IEEE14_LINES : IEEE33_LINES;
  return buildNetwork({ name, lines: l, slack });
}

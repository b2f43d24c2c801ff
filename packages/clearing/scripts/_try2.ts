import { loadCase } from '../src/case/market';
import { solveCentralized } from '../src/centralized/interiorPoint';
import { runAdmm } from '../src/admm/coordinator';
for (const name of ['ieee14', 'ieee33']) {
  const m = loadCase(name);
  for (const constrained of [false, true]) {
    const c = solveCentralized(m, { constrained });
    for (const [label, opt] of [['fixed', {}], ['relax1.6', { alpha: 1.6 }], ['adapt+relax', { adaptive: true, alpha: 1.6 }], ['epsRel1e-4', { epsRel: 1e-4 }]] as const) {
      const a = runAdmm(m, { constrained, ...opt });
      const gap = (c.welfareUsd - a.welfareUsd) / Math.abs(c.welfareUsd) * 100;
      console.log(name, constrained ? 'C' : 'U', label.padEnd(12), a.status, 'it', String(a.admm!.iterations).padStart(4), 'gap%', gap.toFixed(4), 'ms', a.solveTimeMs.toFixed(0));
    }
  }
}

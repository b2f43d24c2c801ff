// The arithmetic of the figures: ticks a person can read on linear and log axes, value formats,
// which category labels a phone keeps, and the heat maps' shades.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shade } from '../src/components/charts/Plot';
import { formatValue, linearAxis, logAxis, majorLabels, niceStep, powerOfTen, scientific } from '../src/lib/plot';

describe('linearAxis', () => {
  it('widens the range to whole 1-2-5 steps and labels them with the decimals the step needs', () => {
    const a = linearAxis(0.0312, 0.0874, { zero: false });
    assert.deepEqual(a.ticks.map((t) => t.label), ['0.02', '0.04', '0.06', '0.08', '0.10']);
    assert.equal(a.ticks[0]!.at, 0);
    assert.equal(a.ticks.at(-1)!.at, 1);
    assert.deepEqual(linearAxis(3, 117).ticks.map((t) => t.label), ['0', '50', '100', '150']);
  });

  it('takes in negative values and keeps zero a tick', () => {
    const a = linearAxis(-2.4, 3.1);
    assert.ok(a.min <= -2.4 && a.max >= 3.1);
    assert.ok(a.ticks.some((t) => t.label === '0' && Math.abs(t.at - a.scale(0)) < 1e-12));
  });

  it('draws a flat series in the middle of a range instead of dividing by zero', () => {
    const a = linearAxis(5, 5, { zero: false });
    assert.ok(a.max > a.min);
    assert.ok(Number.isFinite(a.scale(5)));
  });

  it('puts the unit on every tick when asked', () => {
    assert.deepEqual(linearAxis(0, 100, { unit: ' %', count: 2 }).ticks.map((t) => t.label), ['0 %', '50 %', '100 %']);
  });
});

describe('logAxis', () => {
  it('ticks every decade, written as powers of ten', () => {
    const a = logAxis(3e-4, 0.2);
    assert.deepEqual(a.ticks.map((t) => t.label), ['10⁻⁴', '10⁻³', '10⁻²', '10⁻¹', '1']);
    assert.equal(a.scale(1e-4), 0);
    assert.equal(a.scale(1), 1);
    assert.ok(Math.abs(a.scale(1e-2) - 0.5) < 1e-12);
  });

  it('labels every second decade when there are too many, keeping each grid line', () => {
    const a = logAxis(2e-9, 50);
    assert.equal(a.ticks.length, 12);
    assert.deepEqual(a.ticks.filter((t) => t.label).map((t) => t.label), ['10⁻⁹', '10⁻⁷', '10⁻⁵', '10⁻³', '10⁻¹', '10']);
  });
});

describe('formats', () => {
  it('writes powers of ten and scientific values without "e"', () => {
    assert.equal(powerOfTen(-12), '10⁻¹²');
    assert.equal(powerOfTen(0), '1');
    assert.equal(scientific(0.000123456, 2), '1.23 × 10⁻⁴');
  });

  it('writes values with their unit or currency, and a dash for a missing one', () => {
    assert.equal(formatValue(0.08125, { kind: 'usd', digits: 4, per: 'kWh' }), '$0.0813/kWh');
    assert.equal(formatValue(1234.5, { kind: 'fixed', digits: 1, unit: 'kW' }), '1,234.5 kW');
    assert.equal(formatValue(-0.5, { kind: 'fixed', digits: 2, unit: 'kWh' }), '-0.50 kWh');
    assert.equal(formatValue(null, { kind: 'fixed', digits: 2 }), '—');
  });

  it('chooses 1, 2 or 5 times a power of ten', () => {
    assert.equal(niceStep(1, 5), 0.2);
    assert.equal(niceStep(730, 5), 200);
    assert.equal(niceStep(0.003, 3), 0.001);
  });
});

describe('majorLabels', () => {
  it('keeps about the asked number of labels, evenly, the first always', () => {
    const hours = majorLabels(24, 8);
    assert.equal(hours.filter(Boolean).length, 8);
    assert.deepEqual(hours.slice(0, 4), [true, false, false, true]);
    assert.ok(majorLabels(5, 8).every(Boolean));
  });
});

describe('shade', () => {
  it('goes from the lightest to the darkest shade, darker for larger shares', () => {
    assert.equal(shade(0), 'rgb(219,233,251)');
    assert.equal(shade(1), 'rgb(11,58,128)');
    const luminance = (c: string) => c.match(/\d+/g)!.map(Number).reduce((a, b) => a + b, 0);
    assert.ok(luminance(shade(0.2)) > luminance(shade(0.5)));
  });
});

// The one money rule of the market (web app and CLI): whole micro-dollars, then half away from zero.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDecimal, formatUsd, usdToMicroUsd } from '../src/result/money';

describe('formatUsd', () => {
  it('rounds to the nearest cent, not down: 15,809,000 micro-dollars are $15.81', () => {
    assert.equal(formatUsd({ units: 15_809_000n, decimals: 6 }), '$15.81');
    assert.equal(formatUsd({ units: '15804999', decimals: 6 }), '$15.80');
  });

  it('rounds a half cent away from zero, from base units and from a dollar number alike', () => {
    assert.equal(formatUsd({ units: 15_805_000n, decimals: 6 }), '$15.81');
    // 15.805 is 15.80499999999999971578… as a double: toFixed(2) says 15.80, the rule says 15.81.
    assert.equal(formatUsd(15.805), '$15.81');
    assert.equal(formatUsd(-15.805), '-$15.81');
    assert.equal(formatUsd(0.125, 2), '$0.13');
  });

  it('puts the sign before the currency, and never shows a negative zero', () => {
    assert.equal(formatUsd({ units: -420_000n, decimals: 6 }), '-$0.42');
    assert.equal(formatUsd({ units: -4n, decimals: 6 }), '$0.00');
    assert.equal(formatUsd(-0.001), '$0.00');
  });

  it('groups thousands and shows the digits asked for', () => {
    assert.equal(formatUsd({ units: 1_234_567_890_123n, decimals: 6 }, 4), '$1,234,567.8901');
    assert.equal(formatUsd(1234.5, 3), '$1,234.500');
    assert.equal(formatUsd(999.995), '$1,000.00');
    assert.equal(formatUsd(7, 0), '$7');
  });

  it('agrees with the CLI where the CLI is exact (toFixed on values away from a half cent)', () => {
    for (const v of [0, 0.01, 1.234, 15.8093, 99.999, 345.6789]) assert.equal(formatUsd(v), `$${v.toFixed(2)}`);
  });
});

describe('formatDecimal', () => {
  it('pads when more digits are asked for than the amount has', () => {
    assert.equal(formatDecimal({ units: 5n, decimals: 6 }, 6), '0.000005');
    assert.equal(formatDecimal({ units: 42n, decimals: 0 }, 2), '42.00');
    assert.equal(formatDecimal({ units: 10n ** 17n, decimals: 18 }, 3), '0.100');
  });

  it('refuses decimals or digits that are not whole numbers ≥ 0', () => {
    assert.throws(() => formatDecimal({ units: 1n, decimals: -1 }, 2), RangeError);
    assert.throws(() => formatDecimal({ units: 1n, decimals: 6 }, 1.5), RangeError);
  });
});

describe('usdToMicroUsd', () => {
  it('takes a dollar amount to the nearest micro-dollar and refuses what is not finite', () => {
    assert.equal(usdToMicroUsd(15.805), 15_805_000n);
    assert.equal(usdToMicroUsd(-0.0000004), 0n);
    assert.throws(() => usdToMicroUsd(Number.NaN), RangeError);
  });
});

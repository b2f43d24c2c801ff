// The pure parts the pages rely on: epoch statuses and token amounts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fmtUnits } from '../src/lib/format';
import { epochStatus } from '../src/lib/status';

describe('epochStatus', () => {
  const epoch = { voided: false, challengeEndsAt: 100n, tradeCount: 10 };
  it('follows an epoch from posting to settlement', () => {
    assert.equal(epochStatus(epoch, { settled: 0, rejected: 0 }, 50n), 'challenge window');
    assert.equal(epochStatus(epoch, { settled: 0, rejected: 0 }, 100n), 'challenge window');
    assert.equal(epochStatus(epoch, { settled: 0, rejected: 0 }, 101n), 'posted');
    assert.equal(epochStatus(epoch, { settled: 3, rejected: 1 }, 101n), 'settling');
    assert.equal(epochStatus(epoch, { settled: 8, rejected: 2 }, 101n), 'settled');
  });
  it('calls a voided epoch voided whatever else holds, and an epoch without trades settled once its window closes', () => {
    assert.equal(epochStatus({ ...epoch, voided: true }, { settled: 0, rejected: 0 }, 50n), 'voided');
    assert.equal(epochStatus({ ...epoch, tradeCount: 0 }, { settled: 0, rejected: 0 }, 101n), 'settled');
  });
});

describe('fmtUnits', () => {
  it('prints base units with the token decimals, truncating', () => {
    assert.equal(fmtUnits(0n, 6), '0.00');
    assert.equal(fmtUnits('1234567', 6), '1.23');
    assert.equal(fmtUnits(1_234_567_890_123n, 6, 4), '1,234,567.8901');
    assert.equal(fmtUnits(5n, 6, 6), '0.000005');
    assert.equal(fmtUnits(42n, 0, 0), '42');
  });
});

// The pure parts the pages rely on: epoch statuses, money, durations and the auditor's records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fmtDuration, fmtEth, fmtRelative, fmtUsd } from '../src/lib/format';
import { formatDetails } from '../src/lib/records';
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

describe('fmtUsd', () => {
  it('writes token base units as dollars, rounded to the cent as the CLI does (not truncated)', () => {
    assert.equal(fmtUsd(0n, 6), '$0.00');
    assert.equal(fmtUsd('15809000', 6), '$15.81');
    assert.equal(fmtUsd(1_234_567_890_123n, 6, 4), '$1,234,567.8901');
    assert.equal(fmtUsd(-420_000n, 6), '-$0.42');
  });
});

describe('fmtEth', () => {
  it('writes wei as ETH without trailing zeros', () => {
    assert.equal(fmtEth(10n ** 17n), '0.1 ETH');
    assert.equal(fmtEth('2000000000000000000'), '2 ETH');
    assert.equal(fmtEth(1234n), '0 ETH');
  });
});

describe('fmtDuration and fmtRelative', () => {
  it('picks the unit a person would', () => {
    assert.equal(fmtDuration(45), '45 s');
    assert.equal(fmtDuration(-720), '12 min');
    assert.equal(fmtDuration(3.5 * 3600), '3.5 h');
    assert.equal(fmtDuration(2.1 * 86_400), '2.1 days');
    assert.equal(fmtRelative(100, 40), 'in 60 s');
    assert.equal(fmtRelative(0, 7200), '2.0 h ago');
  });
});

describe('formatDetails', () => {
  it("writes the settlement token's amounts in dollars and bonds in ETH", () => {
    assert.equal(formatDetails({ contract: 'Settlement', details: 'from=0xabcdef0123… amount=15809000' }, 6), 'from=0xabcdef0123… amount=$15.81');
    assert.equal(formatDetails({ contract: 'Settlement', details: 'caller=0x12… settled=12 rejected=0 unpaid=1 skipped=0 value=2500000' }, 6), 'caller=0x12… settled=12 rejected=0 unpaid=1 skipped=0 value=$2.50');
    assert.equal(formatDetails({ contract: 'SettlementToken', details: 'from=0x1… to=0x2… value=1000000' }, 6), 'from=0x1… to=0x2… value=$1.00');
    assert.equal(formatDetails({ contract: 'ClearingLedger', details: 'oracle=0x3… amount=100000000000000000' }, 6), 'oracle=0x3… amount=0.1 ETH');
  });

  it('leaves counts, other contracts and values it cannot read as they are', () => {
    assert.equal(formatDetails({ contract: 'MeterReadings', details: 'checked=24 passed=23 failed=1' }, 6), 'checked=24 passed=23 failed=1');
    assert.equal(formatDetails({ contract: 'Settlement', details: 'tradeIndex=3 value=1234567890…' }, 6), 'tradeIndex=3 value=1234567890…');
  });
});

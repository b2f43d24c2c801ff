// The pure parts the pages rely on: epoch statuses, money, durations and the auditor's records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fmtDuration, fmtEth, fmtRelative, fmtUsd } from '../src/lib/format';
import { formatDetails } from '../src/lib/records';
import { epochStatus } from '../src/lib/status';
import { ConfigError, webConfig } from '../src/server/config';

describe('epochStatus', () => {
  const epoch = { voided: false, challengeEndsAt: 100n, agentCount: 10 };
  it('follows an epoch from posting to settlement', () => {
    assert.equal(epochStatus(epoch, { settledAgents: 0 }, 50n), 'challenge window');
    assert.equal(epochStatus(epoch, { settledAgents: 0 }, 100n), 'challenge window');
    assert.equal(epochStatus(epoch, { settledAgents: 0 }, 101n), 'posted');
    assert.equal(epochStatus(epoch, { settledAgents: 4 }, 101n), 'settling');
    assert.equal(epochStatus(epoch, { settledAgents: 10 }, 101n), 'settled');
  });
  it('calls a voided epoch voided whatever else holds', () => {
    assert.equal(epochStatus({ ...epoch, voided: true }, { settledAgents: 0 }, 50n), 'voided');
    assert.equal(epochStatus({ ...epoch, voided: true }, { settledAgents: 10 }, 101n), 'voided');
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
    assert.equal(formatDetails({ contract: 'Settlement', event: 'Deposited', details: 'from=0xabcdef0123… amount=15809000' }, 6), 'from=0xabcdef0123… amount=$15.81');
    assert.equal(
      formatDetails({ contract: 'Settlement', event: 'PositionSettled', details: 'passedMask=16777215 lock=0 credit=2500000 forfeit=0 surplusCredit=30 shortfallCharged=0 shortfallUncollected=0' }, 6),
      'passedMask=16777215 lock=$0.00 credit=$2.50 forfeit=$0.00 surplusCredit=$0.00 shortfallCharged=$0.00 shortfallUncollected=$0.00',
    );
    assert.equal(formatDetails({ contract: 'SettlementToken', event: 'Transfer', details: 'from=0x1… to=0x2… value=1000000' }, 6), 'from=0x1… to=0x2… value=$1.00');
    assert.equal(formatDetails({ contract: 'ClearingLedger', event: 'BondReleased', details: 'oracle=0x3… amount=100000000000000000' }, 6), 'oracle=0x3… amount=0.1 ETH');
    assert.equal(formatDetails({ contract: 'ClearingLedger', event: 'EpochVoided', details: 'violation=0 detail=786432 amount=-933 reward=50000000000000000 burned=50000000000000000' }, 6), 'violation=0 detail=786432 amount=-933 reward=0.05 ETH burned=0.05 ETH');
  });

  it('leaves counts, other events and values it cannot read as they are', () => {
    assert.equal(formatDetails({ contract: 'MeterReadings', event: 'ReadingsSubmitted', details: 'meter=0x1… energyWh=[24]' }, 6), 'meter=0x1… energyWh=[24]');
    assert.equal(formatDetails({ contract: 'Settlement', event: 'BatchSettled', details: 'caller=0x1… settled=12 skipped=0' }, 6), 'caller=0x1… settled=12 skipped=0');
    assert.equal(formatDetails({ contract: 'Settlement', event: 'Deposited', details: 'amount=1234567890…' }, 6), 'amount=1234567890…');
  });
});

describe('webConfig', () => {
  it('trusts no document origin unless told, and names a bad one', () => {
    assert.deepEqual(webConfig({}).documentOrigins, []);
    assert.deepEqual(webConfig({ GRIDMARKET_DOCUMENT_ORIGINS: 'http://10.0.0.5:8600/documents, https://docs.example ' }).documentOrigins, ['http://10.0.0.5:8600', 'https://docs.example']);
    assert.throws(() => webConfig({ GRIDMARKET_DOCUMENT_ORIGINS: 'http://ok:1,file:///etc' }), (e: Error) => e instanceof ConfigError && e.message === 'GRIDMARKET_DOCUMENT_ORIGINS: "file:///etc" is not an http(s) origin');
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildResult, loadCase, runAdmm } from '@gridmarket/clearing';
import { checkTariff, tradeValue } from '@gridmarket/contracts';
import { mnemonicToAccount } from 'viem/accounts';
import { checkConservation, ConservationError, DEV_MNEMONIC, DocumentStore, mnemonicAccount, type EpochPositions, simulateReadings, startDocumentServer, StoreError, tokenUnitsPerMicroUsd, toOnchain, tradeStatuses } from '../src/index';

const market = loadCase('ieee14');
const doc = buildResult(market, runAdmm(market, { constrained: true }), {});
const ids = market.agents.map((_, i) => 100 + i);

describe('on-chain form', () => {
  it('maps agents to on-chain ids, prices to token units and values by the contract rule, conserving energy', () => {
    const e = toOnchain(doc, { epochId: 7, agentIds: ids, tokenDecimals: 18, mode: 'imbalance' });
    assert.equal(e.rows.length, market.agents.length);
    assert.equal(e.trades.length, doc.trades.length);
    assert.equal(e.trades[5]!.seller, 100 + doc.trades[5]!.seller);
    const t = doc.trades[5]!;
    const price = BigInt(doc.tariff.priceMicroUsdPerKwh[t.hour]!) * 10n ** 12n;
    assert.equal(e.tariff.price[t.hour], price);
    assert.equal(e.trades[5]!.value, tradeValue(BigInt(t.energyWh), price));
    // With 6 decimals a trade's value is the document's, to the micro-dollar.
    const six = toOnchain(doc, { epochId: 7, agentIds: ids, tokenDecimals: 6, mode: 'imbalance' });
    six.trades.forEach((tr, i) => assert.equal(tr.value, BigInt(doc.trades[i]!.valueMicroUsd)));
    for (let h = 0; h < 24; h++) assert.equal(e.rows.reduce((sum, r) => sum + r[h]!, 0), 0);
    assert.equal(e.gridPosition, 0);
    assert.equal(e.commitments.supplyWh, BigInt(doc.totals.energyWh));
  });

  it('has a tariff in which no deviation pays: surplus ≤ price ≤ shortfall every hour', () => {
    const e = toOnchain(doc, { epochId: 7, agentIds: ids, tokenDecimals: 6, mode: 'imbalance' });
    assert.doesNotThrow(() => checkTariff(e.tariff));
    assert.ok(e.tariff.shortfall.every((s, h) => s >= e.tariff.price[h]! && e.tariff.price[h]! >= e.tariff.surplus[h]!));
  });

  it('refuses tokens that cannot hold micro-dollars exactly', () => {
    assert.throws(() => tokenUnitsPerMicroUsd(2), /at least 6 decimals/);
    assert.equal(tokenUnitsPerMicroUsd(6), 1n);
  });

  it('refuses a document whose trades do not add up to its schedule', () => {
    const bad = structuredClone(doc);
    bad.trades[0]!.energyWh += 1;
    assert.throws(() => checkConservation(bad), ConservationError);
    const unbalanced = structuredClone(doc);
    unbalanced.schedule.wh[1]![3]! += 1;
    assert.throws(() => toOnchain(unbalanced, { epochId: 1, agentIds: ids, tokenDecimals: 6, mode: 'imbalance' }), /hour 3: the schedule sums to 1 Wh/);
  });

  it('refuses to put on chain a document whose trades were not listed (too many seller–buyer pairs)', () => {
    const omitted = structuredClone(doc);
    omitted.trades = [];
    omitted.tradesOmitted = { pairs: 6_000_000, limit: 5_000_000 };
    assert.throws(() => toOnchain(omitted, { epochId: 1, agentIds: ids, tokenDecimals: 6, mode: 'imbalance' }), (e: Error) => e instanceof ConservationError && /lists no trades: its day pairs 6,000,000 sellers and buyers/.test(e.message));
  });
});

describe('trade statuses', () => {
  const e = toOnchain(doc, { epochId: 7, agentIds: ids, tokenDecimals: 6, mode: 'thesis' });
  const everyone = (passed: (id: number, hour: number) => boolean): EpochPositions => ({
    settled: new Map(
      ids.map((id) => [
        id,
        { agentId: id, passed: Array.from({ length: 24 }, (_, h) => passed(id, h)), lock: 0n, credit: 0n, forfeit: 0n, surplusCredit: 0n, shortfallCharged: 0n, shortfallUncollected: 0n },
      ]),
    ),
    refunded: new Set(),
  });
  const seller = e.trades.find((t) => t.seller !== ids[0])!;

  it('follow the positions: in thesis mode a failed seller rejects its trades, a failed buyer does not', () => {
    const sellerFails = tradeStatuses(e.trades, everyone((id) => id !== seller.seller), { voided: false, settlementMode: 'thesis', gridAgent: ids[0]! });
    e.trades.forEach((t, i) => assert.equal(sellerFails[i]!.status, t.seller === seller.seller ? 'rejected' : 'settled'));
    const buyerFails = tradeStatuses(e.trades, everyone((id) => id !== seller.buyer), { voided: false, settlementMode: 'thesis', gridAgent: ids[0]! });
    e.trades.forEach((t, i) => {
      assert.equal(buyerFails[i]!.status, 'settled');
      assert.equal(buyerFails[i]!.verified, t.buyer !== seller.buyer && t.seller !== seller.buyer);
    });
  });

  it('settle every trade in imbalance mode, and none of a voided epoch', () => {
    const all = tradeStatuses(e.trades, everyone(() => false), { voided: false, settlementMode: 'imbalance', gridAgent: ids[0]! });
    assert.ok(all.every((s) => s.status === 'settled' && !s.verified));
    const voided = tradeStatuses(e.trades, everyone(() => true), { voided: true, settlementMode: 'imbalance', gridAgent: ids[0]! });
    assert.ok(voided.every((s) => s.status === 'voided'));
    const open = tradeStatuses(e.trades, { settled: new Map(), refunded: new Set() }, { voided: false, settlementMode: 'imbalance', gridAgent: ids[0]! });
    assert.ok(open.every((s) => s.status === 'open'));
  });
});

describe('document store', () => {
  it('returns a stored document only while its bytes match the committed hash', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-store-'));
    try {
      const store = new DocumentStore(dir);
      const { hash, uri, file } = store.put(doc);
      assert.equal((await store.get(uri, hash)).totals.trades, doc.totals.trades);
      // Another document under the same name is refused.
      const tampered = readFileSync(file, 'utf8').replace(`"welfareUsd":${doc.welfareUsd}`, '"welfareUsd":99');
      writeFileSync(file, tampered);
      await assert.rejects(store.get(uri, hash), (e: Error) => e instanceof StoreError && /does not match the chain/.test(e.message));
      await assert.rejects(store.get(`${uri.slice(0, -4)}beef`, hash), /not found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('document server', () => {
  it('serves the store over HTTP to a reader holding none of it, who still checks every byte', async () => {
    const served = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-served-'));
    const empty = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-reader-'));
    const server = await startDocumentServer(new DocumentStore(served));
    try {
      const operator = new DocumentStore(served, server.url);
      const { hash, uri, file } = operator.put(doc);
      assert.equal(uri, `${server.url}/documents/${hash}`);
      const reader = new DocumentStore(empty);
      assert.equal((await reader.get(uri, hash)).totals.trades, doc.totals.trades);

      const head = await fetch(uri, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(Number(head.headers.get('content-length')), readFileSync(file).length);
      assert.equal((await fetch(uri, { method: 'POST' })).status, 405);
      assert.equal((await fetch(`${server.url}/documents/..%2F..%2Fetc%2Fpasswd`)).status, 400);
      assert.equal((await fetch(`${server.url}/elsewhere`)).status, 404);

      // Missing, malformed and tampered documents are refused with what went wrong.
      await assert.rejects(reader.get(`${server.url}/documents/0x${'ab'.repeat(32)}`, hash), (e: Error) => e instanceof StoreError && e.kind === 'missing' && /404/.test(e.message));
      writeFileSync(file, readFileSync(file, 'utf8').replace(`"welfareUsd":${doc.welfareUsd}`, '"welfareUsd":99'));
      await assert.rejects(reader.get(uri, hash), (e: Error) => e instanceof StoreError && e.kind === 'tampered' && /does not match the chain/.test(e.message));
    } finally {
      await server.close();
      rmSync(served, { recursive: true, force: true });
      rmSync(empty, { recursive: true, force: true });
    }
    // A server that sends without end (no length given): stopped at the cap, not read into memory whole.
    const endless = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1 << 20, 32);
      const more = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', more);
      };
      more();
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = endless.address() as AddressInfo;
      await assert.rejects(new DocumentStore(empty).get(`http://127.0.0.1:${port}/documents/x`, `0x${'ab'.repeat(32)}`), (e: Error) => e instanceof StoreError && /is larger than the 67108864 bytes a document may have$/.test(e.message));
    } finally {
      endless.closeAllConnections();
      await new Promise((resolve) => endless.close(resolve));
    }
    // A server that is gone: named as unreachable, not as a bad document.
    await assert.rejects(new DocumentStore(empty).get(`${server.url}/documents/0x${'ab'.repeat(32)}`, `0x${'ab'.repeat(32)}`), (e: Error) => e instanceof StoreError && e.kind === 'missing' && /could not be fetched/.test(e.message));
  });

  it('lets whoever posts the URI make a reader fetch only what the reader allows: no device files, no other origins, no redirects', async () => {
    const hash = `0x${'ab'.repeat(32)}` as const;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gridmarket-sources-'));
    // An endless "file" would fill the reader's memory: only regular files are read.
    await assert.rejects(new DocumentStore(dir).get('file:///dev/zero', hash), (e: Error) => e instanceof StoreError && /is not a regular file/.test(e.message));
    await assert.rejects(new DocumentStore(dir, undefined, { files: false }).get(`file://${path.join(dir, 'x.json')}`, hash), (e: Error) => e instanceof StoreError && e.kind === 'refused' && /reads no file:\/\/ URIs/.test(e.message));
    // Two servers: the trusted one redirects to the other; the other counts the requests it gets.
    let strangerRequests = 0;
    const stranger = createServer((_req, res) => {
      strangerRequests++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
    const strangerUrl = `http://127.0.0.1:${(stranger.address() as AddressInfo).port}`;
    const trusted = createServer((_req, res) => {
      res.writeHead(302, { location: `${strangerUrl}/documents/${hash}` });
      res.end();
    });
    await new Promise<void>((resolve) => trusted.listen(0, '127.0.0.1', resolve));
    const trustedUrl = `http://127.0.0.1:${(trusted.address() as AddressInfo).port}`;
    try {
      const reader = new DocumentStore(dir, undefined, { httpOrigins: [trustedUrl] });
      await assert.rejects(reader.get(`${strangerUrl}/documents/${hash}`, hash), (e: Error) => e instanceof StoreError && e.kind === 'refused' && e.message.includes(`${strangerUrl} is not among the document origins this reader trusts (${trustedUrl})`));
      await assert.rejects(reader.get(`${trustedUrl}/documents/${hash}`, hash), (e: Error) => e instanceof StoreError && e.kind === 'refused' && /redirect/.test(e.message));
      assert.equal(strangerRequests, 0, 'the other origin was never asked');
      // Without a list (a reader on the command line) the redirect is followed, and the bytes still checked.
      await assert.rejects(new DocumentStore(dir).get(`${trustedUrl}/documents/${hash}`, hash), (e: Error) => e instanceof StoreError && e.kind === 'tampered');
      assert.equal(strangerRequests, 1);
    } finally {
      await new Promise((resolve) => trusted.close(resolve));
      await new Promise((resolve) => stranger.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('meter simulator', () => {
  const schedule = Array.from({ length: 24 }, (_, h) => (h - 12) * 100);
  it('is deterministic for a seed and noisy around the schedule', () => {
    const a = simulateReadings(schedule, { seed: 5, noiseWh: 10 })!;
    assert.deepEqual(a, simulateReadings(schedule, { seed: 5, noiseWh: 10 }));
    assert.ok(a.every((v, h) => Math.abs(v - schedule[h]!) < 60));
    assert.deepEqual(simulateReadings(schedule, { seed: 5, noiseWh: 0 }), schedule);
  });
  it('applies faults', () => {
    assert.equal(simulateReadings(schedule, { seed: 1, noiseWh: 0, fault: { agent: 0, kind: 'outage' } }), undefined);
    const stuck = simulateReadings(schedule, { seed: 1, noiseWh: 0, fault: { agent: 0, kind: 'stuck', hour: 10 } })!;
    assert.ok(stuck.slice(10).every((v) => v === schedule[10]));
    const bias = simulateReadings(schedule, { seed: 1, noiseWh: 0, fault: { agent: 0, kind: 'bias', amountWh: 300 } })!;
    assert.ok(bias.every((v, h) => v === schedule[h]! + 300));
    const spike = simulateReadings(schedule, { seed: 1, noiseWh: 0, fault: { agent: 0, kind: 'spike', hour: 3, amountWh: 999 } })!;
    assert.equal(spike[3], schedule[3]! + 999);
    assert.equal(spike[4], schedule[4]);
  });
});

describe('development accounts', () => {
  it('derive the same keys as viem from the mnemonic, once per path', () => {
    for (const [accountIndex, addressIndex] of [[0, 1], [1, 0], [1, 25], [2, 7], [3, 7]] as const) {
      const a = mnemonicAccount(DEV_MNEMONIC, accountIndex, addressIndex);
      assert.equal(a.address, mnemonicToAccount(DEV_MNEMONIC, { accountIndex, addressIndex }).address, `${accountIndex}/${addressIndex}`);
      assert.equal(mnemonicAccount(DEV_MNEMONIC, accountIndex, addressIndex), a);
    }
    const other = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
    assert.equal(mnemonicAccount(other, 1, 0).address, mnemonicToAccount(other, { accountIndex: 1, addressIndex: 0 }).address);
    assert.notEqual(mnemonicAccount(other, 1, 0).address, mnemonicAccount(DEV_MNEMONIC, 1, 0).address);
  });
});

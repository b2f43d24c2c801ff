import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BaseError, walk } from '../src/index';

class FamilyError extends BaseError {
  override name = 'FamilyError';
}
class LeafError extends FamilyError {
  override name = 'LeafError';
}

describe('BaseError', () => {
  it('keeps the short message, and the message is that one line when there is nothing more', () => {
    const e = new LeafError('sellers[0].alpha: must be at most 1000000');
    assert.equal(e.shortMessage, 'sellers[0].alpha: must be at most 1000000');
    assert.equal(e.message, e.shortMessage);
    assert.equal(e.details, '');
    assert.equal(e.name, 'LeafError');
    assert.ok(e instanceof FamilyError && e instanceof BaseError && e instanceof Error);
  });

  it('takes its details from the cause and prints them after meta messages', () => {
    const cause = new Error('EACCES: permission denied');
    const e = new BaseError('cannot write r.json', { cause, metaMessages: ['directory: /root'] });
    assert.equal(e.cause, cause);
    assert.equal(e.details, 'EACCES: permission denied');
    assert.equal(e.message, 'cannot write r.json\n\ndirectory: /root\n\nDetails: EACCES: permission denied');
  });

  it('does not repeat details that the short message already says', () => {
    const inner = new BaseError('case14.m: mpc.branch: not found');
    const e = new BaseError('network.matpower: case14.m: mpc.branch: not found', { cause: inner });
    assert.equal(e.message, e.shortMessage);
  });

  it('walks the cause chain to the innermost error, or to the first that matches', () => {
    const root = new TypeError('root');
    const leaf = new LeafError('leaf', { cause: root });
    const top = new BaseError('top', { cause: new Error('middle', { cause: leaf }) });
    assert.equal(top.walk(), root);
    assert.equal(top.walk((e) => e instanceof FamilyError), leaf);
    assert.equal(top.walk((e) => e instanceof RangeError), null);
    assert.equal(walk(new Error('plain', { cause: leaf }), (e) => e instanceof LeafError), leaf);
  });

  it('stops walking a cause chain that loops', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    a.cause = a;
    assert.equal(walk(a, (e) => e instanceof RangeError), null);
  });
});

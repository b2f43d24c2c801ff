// Exit codes follow error types, through the cause chain; what no row claims is a bug.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CaseError, CentralizedError, RoundingError, SettingsError } from '@gridmarket/clearing';
import { MatpowerFormatError, NetworkError } from '@gridmarket/grid';
import { HttpRequestError } from 'viem';
import { CHAIN_EXIT_CODES } from '../src/chainExitCodes';
import { OutputPathError, UsageError } from '../src/errors';
import { EXIT_CODES, ExitCode, exitCodeIn } from '../src/exitCodes';
import { reportError } from '../src/reportError';

const codeOf = (err: unknown) => exitCodeIn(EXIT_CODES, err) ?? exitCodeIn(CHAIN_EXIT_CODES, err) ?? ExitCode.bug;

describe('exit codes by error type', () => {
  it('invalid input is 2: flags, output paths, cases, settings, networks and MATPOWER files', () => {
    for (const err of [new UsageError('--rho'), new OutputPathError('--out', '/proc/x', 'virtual'), new CaseError('sellers[0].alpha', 'too big'), new SettingsError('rho', 'too big'), new NetworkError('lines[0].x', 'zero'), new MatpowerFormatError('mpc.bus', 'missing')]) {
      assert.equal(codeOf(err), ExitCode.invalidInput, err.name);
    }
  });

  it('a centralized solver that broke down is 3, like a day that did not clear', () => {
    assert.equal(codeOf(new CentralizedError('interior point ended with max_iter')), ExitCode.notCleared);
  });

  it('an unreachable chain is 4', () => {
    assert.equal(codeOf(new HttpRequestError({ url: 'http://127.0.0.1:9', details: 'fetch failed' })), ExitCode.chain);
  });

  it('is decided by the cause chain when the outer error is not ours', () => {
    const wrapped = new Error('while loading', { cause: new CaseError('buyers[0].bus', 'unknown bus 21') });
    assert.equal(codeOf(wrapped), ExitCode.invalidInput);
  });

  it('is a bug (1) for what nobody raised on purpose, even a gridmarket error with no row', () => {
    assert.equal(codeOf(new TypeError("Cannot read properties of undefined (reading 'x')")), ExitCode.bug);
    assert.equal(codeOf(new RoundingError('hour 3 does not balance')), ExitCode.bug);
  });
});

describe('reportError', () => {
  const capture = async (err: unknown, debug = false) => {
    const write = process.stderr.write.bind(process.stderr);
    let text = '';
    process.stderr.write = ((chunk: string) => ((text += chunk), true)) as typeof process.stderr.write;
    try {
      return { code: await reportError(err, { debug }), text };
    } finally {
      process.stderr.write = write;
    }
  };

  it('prints the short message of an expected failure in one line, without a stack', async () => {
    const { code, text } = await capture(new CaseError('sellers[0].alpha', 'must be at most 1e6 USD/kW²h', { details: 'more' }));
    assert.equal(code, ExitCode.invalidInput);
    assert.equal(text, 'error: sellers[0].alpha: must be at most 1e6 USD/kW²h\n');
  });

  it('prints the stack and the causes of a bug', async () => {
    const { code, text } = await capture(new TypeError('boom', { cause: new Error('root') }));
    assert.equal(code, ExitCode.bug);
    assert.match(text, /^gridmarket: internal error \(a bug: please report it with what follows\)\nTypeError: boom\n\s+at /);
    assert.match(text, /\ncaused by: Error: root\n\s+at /);
  });
});

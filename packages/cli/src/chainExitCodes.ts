// Exit codes of the chain side's errors: oracle, contracts, viem. Loaded only when exitCodes.ts has
// no row for an error, so that a command that never touches a chain never loads viem to fail.
// The oracle's and contracts' errors extend Error, not BaseError, and some of the oracle's input
// errors are RangeErrors; rows for their own classes replace those when they adopt BaseError.
import { DeploymentFileError } from '@gridmarket/contracts';
import { AnvilError } from '@gridmarket/contracts/node';
import {
  AgentNotInEpochError,
  ChainUnavailableError,
  ClearingNotConvergedError,
  ConservationError,
  EpochConflictError,
  EpochNotPostedError,
  NetworkTooLargeError,
  NotAgentOwnerError,
  PipelineInputError,
  RegistrationError,
  SettlementNotOpenError,
  StoreError,
  WalletShortError,
} from '@gridmarket/oracle';
import { ContractFunctionRevertedError, HttpRequestError, TimeoutError, BaseError as ViemError, WebSocketRequestError } from 'viem';
import { walk } from '@gridmarket/errors';
import { type ErrorClass, ExitCode } from './exitCodes';

export const CHAIN_EXIT_CODES: readonly (readonly [ErrorClass, ExitCode])[] = [
  [DeploymentFileError, ExitCode.invalidInput],
  [StoreError, ExitCode.invalidInput],
  [EpochConflictError, ExitCode.invalidInput],
  [RegistrationError, ExitCode.invalidInput],
  [ConservationError, ExitCode.invalidInput],
  // proof.ts, claim.ts, onchain.ts: an agent not in the epoch, a token without 6 decimals.
  [RangeError, ExitCode.invalidInput],
  [PipelineInputError, ExitCode.invalidInput],
  [AgentNotInEpochError, ExitCode.invalidInput],
  [NotAgentOwnerError, ExitCode.invalidInput],
  [WalletShortError, ExitCode.invalidInput],
  [ClearingNotConvergedError, ExitCode.notCleared],
  [EpochNotPostedError, ExitCode.chain],
  [NetworkTooLargeError, ExitCode.chain],
  [SettlementNotOpenError, ExitCode.chain],
  [ChainUnavailableError, ExitCode.chain],
  [HttpRequestError, ExitCode.chain],
  [WebSocketRequestError, ExitCode.chain],
  [TimeoutError, ExitCode.chain],
  [ContractFunctionRevertedError, ExitCode.chain],
  [AnvilError, ExitCode.chain],
];

/**
 * A revert in one line with the contract's error and its arguments (`… reverted: NotRegistered(3)`);
 * undefined for other errors, and for our own errors that wrap a revert with a sentence of their own.
 */
export function chainErrorLine(err: unknown): string | undefined {
  if (!(err instanceof ViemError)) return undefined;
  const revert = walk(err, (e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
  if (!revert) return undefined;
  const head = revert.shortMessage.split('\n')[0]!.replace(/[.:]$/, '');
  const error = revert.data ? `${revert.data.errorName}(${(revert.data.args ?? []).map(String).join(', ')})` : (revert.reason ?? revert.signature);
  return error ? `${head}: ${error}` : head;
}

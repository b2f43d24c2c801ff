// The connection to a chain: clients, the operator account, the deployment, and the accounts of
// the simulated participants and meters. Every transaction goes through `send`, which waits for
// the receipt, records its gas under a step name, and can stop the process after a given number
// of transactions (used to test that every step resumes).
import {
  BaseError,
  bytesToHex,
  type Chain,
  ContractFunctionRevertedError,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type PublicClient,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
} from 'viem';
import { mnemonicToSeedSync } from '@scure/bip39';
import { type HDAccount, HDKey, hdKeyToAccount, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import type { Deployment } from '@gridmarket/contracts';

/** The well-known development mnemonic of anvil and hardhat: local chains only. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';

export type Account = PrivateKeyAccount | HDAccount;

// Deriving an account from a mnemonic costs a PBKDF2 of the mnemonic (2,048 rounds) and a BIP-32
// path: ~50 ms each, and a market day asks for each owner and meter key several times. The seed's
// root key is computed once per mnemonic and each account once per path.
const roots = new Map<string, HDKey>();
const derived = new Map<string, HDAccount>();

/** The account at m/44'/60'/accountIndex'/0/addressIndex of a mnemonic, as `mnemonicToAccount` derives it, cached. */
export function mnemonicAccount(mnemonic: string, accountIndex: number, addressIndex: number): HDAccount {
  const key = `${accountIndex}/${addressIndex}/${mnemonic}`;
  let account = derived.get(key);
  if (!account) {
    let root = roots.get(mnemonic);
    if (!root) {
      root = HDKey.fromMasterSeed(mnemonicToSeedSync(mnemonic));
      roots.set(mnemonic, root);
    }
    account = hdKeyToAccount(root, { accountIndex, addressIndex });
    derived.set(key, account);
  }
  return account;
}

export interface GasRecord {
  step: string;
  gasUsed: bigint;
  hash: Hex;
  receipt?: TransactionReceipt;
}

export class StoppedError extends Error {
  override name = 'StoppedError';
}

export interface ContextOptions {
  rpcUrl: string;
  deployment: Deployment;
  /** The oracle's key; a read-only context (an auditor's, the web app's) has none. */
  operatorKey?: Hex;
  /** Mnemonic of the simulated participants (owners) and meters. */
  mnemonic?: string;
  /** For tests: stop (throw StoppedError) after this many transactions. */
  maxTransactions?: number;
}

export class ChainContext {
  readonly chain: Chain;
  readonly publicClient: PublicClient;
  private readonly operatorAccount: PrivateKeyAccount | undefined;
  readonly gas: GasRecord[] = [];
  transactions = 0;

  constructor(readonly options: ContextOptions) {
    this.chain = defineChain({
      id: options.deployment.chainId,
      name: `chain ${options.deployment.chainId}`,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [options.rpcUrl] } },
    });
    // Receipts are polled every 100 ms (viem's default is 4 s, far slower than a local chain).
    this.publicClient = createPublicClient({ chain: this.chain, transport: http(options.rpcUrl), pollingInterval: 100 }) as PublicClient;
    this.operatorAccount = options.operatorKey ? privateKeyToAccount(options.operatorKey) : undefined;
  }

  /** The oracle's account; an error in a read-only context. */
  get operator(): PrivateKeyAccount {
    if (!this.operatorAccount) throw new Error('this context is read-only: no operator key was given');
    return this.operatorAccount;
  }

  get deployment(): Deployment {
    return this.options.deployment;
  }

  /** Owner account of a simulated participant (on-chain agent id). */
  owner(agentId: number): Account {
    return mnemonicAccount(this.options.mnemonic ?? DEV_MNEMONIC, 1, agentId);
  }

  /**
   * An independent challenger (a watcher or an auditor): anvil's second development account. It is
   * not the oracle, so a dispute it wins pays it the challenger's share of the bond.
   */
  challenger(): Account {
    return mnemonicAccount(this.options.mnemonic ?? DEV_MNEMONIC, 0, 1);
  }

  /** A relayer of meter readings other than the operator: anvil's third development account. */
  relayer(): Account {
    return mnemonicAccount(this.options.mnemonic ?? DEV_MNEMONIC, 0, 2);
  }

  /** Smart-meter signing key of a simulated participant, by key generation (rotation bumps it). */
  meter(agentId: number, generation = 0): Account {
    return mnemonicAccount(this.options.mnemonic ?? DEV_MNEMONIC, 2 + generation, agentId);
  }

  testClient() {
    return createTestClient({ chain: this.chain, mode: 'anvil', transport: http(this.options.rpcUrl) });
  }

  /** Sends a contract call from `account`, waits, records gas under `step`. Reverts are errors. */
  async send(step: string, request: Record<string, unknown>, account: Account = this.operator): Promise<TransactionReceipt> {
    this.checkBudget();
    const wallet = createWalletClient({ chain: this.chain, transport: http(this.options.rpcUrl), account });
    // The wallet's gas estimate runs the call first: a revert is reported with its custom error
    // (decoded with the ABI) instead of being mined, without a separate simulation.
    const hash = await wallet.writeContract({ ...request, account } as never);
    const receipt = await this.record(step, hash);
    if (receipt.status !== 'success') throw new Error(`${step}: transaction ${hash} reverted`);
    return receipt;
  }

  /**
   * Waits for a transaction's receipt and records its gas under `step`: every send here, and a
   * transaction another process sent for this day (a relayer's batch, an agent's deposit), so that
   * the day's gas and transaction counts are the same whoever sent it.
   */
  async record(step: string, hash: Hex): Promise<TransactionReceipt> {
    const receipt = await this.receiptOf(hash);
    this.transactions++;
    this.gas.push({ step, gasUsed: receipt.gasUsed, hash, receipt });
    return receipt;
  }

  /** Sends prepared calldata (a claim step) from `account`, simulating it first like `send`. */
  async sendCalldata(step: string, tx: { to: Hex; data: Hex }, account: Account): Promise<TransactionReceipt> {
    this.checkBudget();
    await this.publicClient.call({ account, to: tx.to, data: tx.data });
    const wallet = createWalletClient({ chain: this.chain, transport: http(this.options.rpcUrl), account });
    const hash = await wallet.sendTransaction({ to: tx.to, data: tx.data, account, chain: this.chain });
    const receipt = await this.record(step, hash);
    if (receipt.status !== 'success') throw new Error(`${step}: transaction ${hash} reverted`);
    return receipt;
  }

  /** For tests: a context stops (throws StoppedError) once it has sent `maxTransactions`. */
  private checkBudget(): void {
    if (this.options.maxTransactions !== undefined && this.transactions >= this.options.maxTransactions) {
      throw new StoppedError(`stopped after ${this.transactions} transactions`);
    }
  }

  /**
   * The receipt of a sent transaction, asked for again until it is there. viem's
   * waitForTransactionReceipt looks again only when a new block comes; on an automining chain with
   * nothing else to mine, a first look that came too early (a loaded machine) then waits out its
   * 180 s timeout for a block that never comes. Backs off from 25 ms to 1 s between looks.
   */
  private async receiptOf(hash: Hex): Promise<TransactionReceipt> {
    const deadline = Date.now() + 180_000;
    for (let wait = 25; ; wait = Math.min(wait * 2, 1000)) {
      try {
        return await this.publicClient.getTransactionReceipt({ hash });
      } catch (err) {
        if (!(err instanceof TransactionReceiptNotFoundError) || Date.now() > deadline) throw err;
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** Sends native currency (to fund participants' gas). */
  async transfer(step: string, to: Hex, value: bigint): Promise<void> {
    this.checkBudget();
    const wallet = createWalletClient({ chain: this.chain, transport: http(this.options.rpcUrl), account: this.operator });
    const hash = await wallet.sendTransaction({ to, value, account: this.operator, chain: this.chain });
    await this.record(step, hash);
  }
}

/** The custom error name of a contract revert, if the error is one. */
export function revertName(err: unknown): string | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  return reverted instanceof ContractFunctionRevertedError ? (reverted.data?.errorName ?? reverted.signature ?? 'revert') : undefined;
}

/** The private key behind a local account (HD-derived or a plain key), to hand a spawned role its key file. */
export function privateKeyOf(account: Account): Hex {
  const hd = (account as { getHdKey?: () => { privateKey: Uint8Array | null } }).getHdKey?.();
  if (hd?.privateKey) return bytesToHex(hd.privateKey);
  throw new Error(`no private key available for ${account.address}`);
}

// The commands `gridmarket` knows, each loaded only when it runs: `gridmarket --help` reads this
// table and loads no command, `gridmarket network` loads the network command and what it uses.
import type { Command } from 'commander';

export interface CommandEntry {
  /** One line for `gridmarket --help`; the command's own `--help` has its description and options. */
  summary: string;
  /** Imports the module that registers the command (its options and action) on the program. */
  load: () => Promise<(program: Command) => void>;
}

const net = async () => (await import('./commands/net')).registerNet;
const roles = async () => (await import('./commands/roles')).registerRoles;
const participant = async () => (await import('./commands/participant')).registerParticipant;

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  network: { summary: 'the network of a case: buses, lines, limits, slack bus, PTDF', load: async () => (await import('./commands/network')).registerNetwork },
  clear: { summary: 'clear a 24-hour market and write the result document', load: async () => (await import('./commands/clear')).registerClear },
  compare: { summary: "the thesis's tables next to this implementation's", load: async () => (await import('./commands/compare')).registerCompare },
  run: { summary: 'market days on a chain: clear, post, meter, check, settle, withdraw; then serve the web app', load: async () => (await import('./commands/run')).registerRun },
  case: { summary: 'case files: split a case into its public part and one private file per agent', load: async () => (await import('./commands/caseSplit')).registerCaseSplit },
  operator: { summary: 'the network operator of a clearing across machines: ADMM rounds over NATS from the public case alone', load: net },
  agent: { summary: "a participant's process: answers the operator's rounds over NATS from its private files", load: net },
  withdraw: { summary: "an agent's own withdrawal of its available balance, from its owner's key", load: roles },
  deposit: { summary: "an agent's own deposit of what posting will lock, from its owner's key", load: roles },
  meter: { summary: "an agent's smart meter: signs the posted day's readings and sends them over NATS to a relayer", load: roles },
  relay: { summary: "the relayer: collects the meters' readings over NATS and submits them in batches", load: roles },
  settle: { summary: "the settler: settles a posted epoch's positions once its windows are over (anyone may)", load: roles },
  documents: { summary: "serve the work dir's result documents over HTTP, for auditors and participants elsewhere", load: async () => (await import('./commands/documents')).registerDocuments },
  proof: { summary: "a participant's leaves of an epoch with their Merkle proofs", load: participant },
  audit: { summary: 'recheck an epoch against its document, the chain and the meter readings', load: participant },
  dispute: { summary: 'void an infeasible epoch on chain with the proof of one hour', load: participant },
};

// The market the browser tests, screenshots and bench run against: four 14-bus days on a local
// anvil, each left in a state a page must show.
//   epoch 1 — settled by the operator (with a failing meter: its positions are charged imbalance);
//   epoch 2 — readings relayed and both windows over, nothing settled: participants claim it themselves;
//   epoch 3 — a faulty oracle posted an overloaded line and no watcher disputed it (yet);
//   epoch 4 — posted normally with an http:// document URI, served by a document server in this
//             process (another process than the app's): a test may tamper with the served file.
import path from 'node:path';
import type { Deployment } from '@gridmarket/contracts';
import { DocumentStore, type PipelineOptions, runPipeline, startDocumentServer } from '@gridmarket/oracle';

export const EPOCHS = { settled: 1, claimable: 2, corrupt: 3, tamperable: 4 } as const;

export interface Scenario {
  rpcUrl: string;
  workDir: string;
  deployment: Deployment;
  /** The document server some epochs' URIs point at. */
  documentsUrl: string;
  /** Stops the chain and the document server. */
  stopChain: () => Promise<void>;
}

export async function buildScenario(workDir: string, log: (line: string) => void = () => {}): Promise<Scenario> {
  const common: Omit<PipelineOptions, 'firstEpoch'> = {
    case: 'ieee14',
    days: 1,
    workDir,
    toleranceWh: 50,
    noiseWh: 15,
    time: 'advance',
    onProgress: log,
  };
  const first = await runPipeline({ ...common, firstEpoch: EPOCHS.settled, keepChain: true, faults: [{ agent: 20, kind: 'outage' }] });
  const documents = await startDocumentServer(new DocumentStore(path.join(workDir, 'store')));
  const stopChain = async () => {
    await documents.close();
    await first.stopChain!();
  };
  try {
    const onChain = { rpcUrl: first.rpcUrl, deploymentFile: path.join(workDir, 'deployments', `${first.chainId}.json`) };
    await runPipeline({ ...common, ...onChain, firstEpoch: EPOCHS.claimable, firstDay: 1, stopAfter: 'windows' });
    await runPipeline({ ...common, ...onChain, firstEpoch: EPOCHS.corrupt, firstDay: 2, corrupt: [{ day: 0, kind: 'overload' }], watch: false, stopAfter: 'post' });
    await runPipeline({ ...common, ...onChain, firstEpoch: EPOCHS.tamperable, firstDay: 3, stopAfter: 'post', documentsUrl: documents.url });
    return { rpcUrl: first.rpcUrl, workDir, deployment: first.deployment, documentsUrl: documents.url, stopChain };
  } catch (err) {
    await stopChain();
    throw err;
  }
}

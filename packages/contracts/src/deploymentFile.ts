// Reading a deployment file (node only): its JSON, then the schema; both failures name the file.
import { readFileSync } from 'node:fs';
import { type Deployment, DeploymentFileError, parseDeployment } from './deployment';

export function readDeploymentFile(file: string): Deployment {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DeploymentFileError(`${file} is not a readable JSON file (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
  return parseDeployment(json, file);
}

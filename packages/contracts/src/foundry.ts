// The forge and anvil binaries shipped by the @foundry-rs npm packages for this platform. The
// packages' own `bin` wrappers run them but always exit 0, which would hide a failing `forge test`
// or `forge script`: everything here runs the binaries directly.
import { createRequire } from 'node:module';
import path from 'node:path';

export class FoundryBinaryError extends Error {
  override name = 'FoundryBinaryError';
}

export function foundryBinary(tool: 'forge' | 'anvil'): string {
  const require = createRequire(import.meta.url);
  const wrapper = require.resolve(`@foundry-rs/${tool}/package.json`);
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const platformPackage = `@foundry-rs/${tool}-${process.platform}-${arch}/package.json`;
  try {
    const dir = path.dirname(createRequire(wrapper).resolve(platformPackage));
    return path.join(dir, 'bin', process.platform === 'win32' ? `${tool}.exe` : tool);
  } catch {
    throw new FoundryBinaryError(`no ${tool} binary for ${process.platform}-${arch} (${platformPackage} is not installed)`);
  }
}

// The WebAssembly text of the LDLᵀ kernels, assembled with wabt (a dev dependency), as base64.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import loadWabt from 'wabt';

export async function assembleLdlKernels(): Promise<string> {
  const wabt = await loadWabt();
  const file = fileURLToPath(new URL('../src/kernels/ldl.wat', import.meta.url));
  const module = wabt.parseWat('ldl.wat', readFileSync(file, 'utf8'), { simd: true });
  try {
    module.validate();
    const { buffer } = module.toBinary({ write_debug_names: false });
    return Buffer.from(buffer).toString('base64');
  } finally {
    module.destroy();
  }
}

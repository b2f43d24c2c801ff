// Generates typed ABIs (src/generated.ts) from the forge artifacts of the repository root.
// GENERATED_OUT lets the staleness test write a second copy elsewhere and compare.
import { defineConfig } from '@wagmi/cli';
import { foundry } from '@wagmi/cli/plugins';

export default defineConfig({
  out: process.env.GENERATED_OUT ?? 'src/generated.ts',
  plugins: [
    foundry({
      project: '../..',
      forge: { build: false },
      include: [
        'NetworkRegistry.sol/NetworkRegistry.json',
        'ParticipantRegistry.sol/ParticipantRegistry.json',
        'ClearingLedger.sol/ClearingLedger.json',
        'MeterReadings.sol/MeterReadings.json',
        'Settlement.sol/Settlement.json',
        'SettlementToken.sol/SettlementToken.json',
      ],
    }),
  ],
});

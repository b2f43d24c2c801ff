import type { NextConfig } from 'next';

const config: NextConfig = {
  // The workspace packages ship TypeScript sources.
  transpilePackages: ['@gridmarket/clearing', '@gridmarket/contracts', '@gridmarket/errors', '@gridmarket/oracle'],
  // Pages read a live chain: nothing is prerendered at build time.
  poweredByHeader: false,
  reactStrictMode: true,
  devIndicators: false,
};

export default config;

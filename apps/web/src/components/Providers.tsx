'use client';
// Wallet and query state for the pages that use a wallet (participant, auditor): the others do
// not load wagmi at all. The browser talks to the chain through the
// app's /api/rpc (so one setting, GRIDMARKET_RPC_URL, decides the chain for server and browser).
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useState } from 'react';
import { defineChain } from 'viem';
import { createConfig, http, injected, WagmiProvider } from 'wagmi';

interface AppChain {
  chainId: number;
  /** Local chain: offer the development accounts (anvil impersonation) as a wallet. */
  devAccounts: boolean;
}

const AppChainContext = createContext<AppChain>({ chainId: 31337, devAccounts: false });
export const useAppChain = () => useContext(AppChainContext);

export function rpcUrl(): string {
  return `${typeof window === 'undefined' ? 'http://localhost' : window.location.origin}/api/rpc`;
}

export function Providers({ chainId, devAccounts, children }: AppChain & { children: ReactNode }) {
  const [state] = useState(() => {
    const chain = defineChain({
      id: chainId,
      name: chainId === 31337 ? 'Local chain' : `Chain ${chainId}`,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl()] } },
    });
    return {
      queryClient: new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } }),
      wagmi: createConfig({
        chains: [chain],
        connectors: [injected()],
        transports: { [chain.id]: http(rpcUrl()) },
        ssr: true,
        multiInjectedProviderDiscovery: false,
        // A local chain answers in milliseconds; viem's default polls every 4 s.
        pollingInterval: 250,
      }),
    };
  });
  return (
    <AppChainContext.Provider value={{ chainId, devAccounts }}>
      <WagmiProvider config={state.wagmi}>
        <QueryClientProvider client={state.queryClient}>{children}</QueryClientProvider>
      </WagmiProvider>
    </AppChainContext.Provider>
  );
}

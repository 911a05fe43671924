import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { AppContext, createAppContext } from "./chain/queries";
import { loadConfig } from "./config";
import { RunnerProvider } from "./features/tx/activity";
import { WalletProvider } from "./wallet/wallet";
import "./styles.css";

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, staleTime: 1_000, refetchOnWindowFocus: true } },
});

const root = createRoot(document.getElementById("root") as HTMLElement);

loadConfig().then((cfg) => {
  root.render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <AppContext.Provider value={createAppContext(cfg)}>
          <WalletProvider>
            <RunnerProvider>
              <App />
            </RunnerProvider>
          </WalletProvider>
        </AppContext.Provider>
      </QueryClientProvider>
    </StrictMode>,
  );
});

import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { registerOfflineShell } from "./lib/offline-shell.ts";
import { makeQueryClient, makeTrpcClient, TRPCProvider } from "./lib/trpc.ts";
import "./styles.css";
import "./styles/feedback.css";
import "./styles/lists.css";
import "./styles/print.css";
import "./styles/search.css";

function Root() {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(makeTrpcClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <App />
      </TRPCProvider>
    </QueryClientProvider>
  );
}

registerOfflineShell();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);

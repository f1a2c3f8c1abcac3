import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { registerOfflineShell } from "./lib/offline-shell.ts";
import { makeQueryClient, makeTrpcClient, TRPCProvider } from "./lib/trpc.ts";
// One stylesheet per area, in cascade order: later files may refine earlier ones (a page's rules
// after the base, forms and tables; feedback, lists, print and search last), so keep new areas
// before feedback.css and do not reorder.
import "./styles/base.css";
import "./styles/layout.css";
import "./styles/forms.css";
import "./styles/tables.css";
import "./styles/signin.css";
import "./styles/community.css";
import "./styles/outreach.css";
import "./styles/referrals.css";
import "./styles/episodes.css";
import "./styles/reports.css";
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

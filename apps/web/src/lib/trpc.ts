import type { AppRouter } from "@pathways/api";
import { QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import superjson from "superjson";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export function makeTrpcClient() {
  return createTRPCClient<AppRouter>({
    links: [
      // A page's queries go together in one request; a mutation goes alone, on the server's direct
      // route for single calls (a contact sent from the outbox is answered without tRPC's batch path).
      splitLink({
        condition: (op) => op.type === "mutation",
        true: httpLink({ url: "/trpc", transformer: superjson }),
        false: httpBatchLink({ url: "/trpc", transformer: superjson, maxURLLength: 2000, maxItems: 20 }),
      }),
    ],
  });
}

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // A refusal will not change on retry; a network blip might.
        retry: (failures, error) =>
          failures < 2 && !(error instanceof TRPCClientError && error.data?.httpStatus < 500),
      },
    },
  });
}

/** The message to show a person for a failed call, and any per-field messages. */
export function describeError(error: unknown): { message: string; fields: Record<string, string[]> } {
  if (error instanceof TRPCClientError) {
    const data = error.data as { fieldErrors?: Record<string, string[]> | null } | undefined;
    return { message: error.message, fields: data?.fieldErrors ?? {} };
  }
  return { message: "Could not reach Pathways. Check your connection and try again.", fields: {} };
}

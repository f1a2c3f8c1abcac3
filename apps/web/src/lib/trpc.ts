import type { AppRouter } from "@pathways/api";
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
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

function httpStatusOf(error: unknown): number | undefined {
  return error instanceof TRPCClientError ? (error.data?.httpStatus as number | undefined) : undefined;
}

export function makeQueryClient() {
  // A session that ends while a page is open (idle too long) makes any call answer 401: ask again who
  // is signed in, so the whole app shows the signed-out state instead of one table saying so.
  const onError = (error: unknown) => {
    if (httpStatusOf(error) === 401) void client.invalidateQueries({ queryKey: [["auth", "me"]] });
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // Ask even when the browser says it is offline, so a page says "no connection" instead of
        // waiting for ever (the browser's offline flag is also wrong on a weak signal).
        networkMode: "always",
        // A refusal will not change on retry; a network blip might.
        retry: (failures, error) => failures < 2 && !((httpStatusOf(error) ?? 500) < 500),
      },
      mutations: { networkMode: "always" },
    },
  });
  return client;
}

export type ProblemKind = "offline" | "signed-out" | "refused" | "error";

/**
 * What a person is told for a failed call: which kind of problem, a sentence, and per-field messages.
 * `signingIn`: the call is a step of signing in, whose 401 answers what was typed (a wrong password or
 * code, a sign-in that took too long) in the server's words, not a session that ended.
 */
export function describeError(
  error: unknown,
  { signingIn = false }: { signingIn?: boolean } = {},
): {
  kind: ProblemKind;
  message: string;
  fields: Record<string, string[]>;
} {
  const status = httpStatusOf(error);
  if (status === undefined) {
    // The browser's own words ("Failed to fetch", "Load failed") mean Pathways could not be reached.
    return {
      kind: "offline",
      message: "Pathways cannot be reached. Check your signal and try again.",
      fields: {},
    };
  }
  if (status === 401 && !signingIn) {
    return { kind: "signed-out", message: "You are signed out. Sign in again to carry on.", fields: {} };
  }
  const data = (error as TRPCClientError<AppRouter>).data as
    | { fieldErrors?: Record<string, string[]> | null }
    | undefined;
  return {
    kind: status < 500 ? "refused" : "error",
    message: (error as Error).message,
    fields: data?.fieldErrors ?? {},
  };
}

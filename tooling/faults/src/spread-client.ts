import type { AppRouter } from "@pathways/api";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";

/**
 * A tRPC client that sends each request to the next of several API processes, behind one session
 * cookie, like a browser behind a round-robin load balancer. `pick` chooses the process instead.
 */
export function spreadClient(urls: string[]) {
  let cookie = "";
  let turn = 0;
  const at = (index: number) =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: "http://pathways.invalid/trpc",
          transformer: superjson,
          headers: () => (cookie ? { cookie } : {}),
          fetch: async (input, init) => {
            const base = urls[(index < 0 ? turn++ : index) % urls.length]!;
            const response = await fetch(String(input).replace("http://pathways.invalid", base), init);
            const setCookie = response.headers.get("set-cookie");
            if (setCookie) cookie = setCookie.split(";")[0]!;
            return response;
          },
        }),
      ],
    });
  const spread = at(-1);
  const pinned = urls.map((_, index) => at(index));
  return { spread, pick: (index: number) => pinned[index]! };
}

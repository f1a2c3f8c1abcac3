import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../../lib/trpc.ts";

/** After any action on a report: the report and the triage list read again. */
export function useRefresh(id: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.community.get.queryKey({ id }) }),
      queryClient.invalidateQueries({ queryKey: trpc.community.list.infiniteQueryKey() }),
    ]);
  };
}

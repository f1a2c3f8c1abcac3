/** What the episode page's parts share: the episode as the API answers it, and the refetch after a change. */
import type { RouterOutputs } from "@pathways/api";
import type { appointmentOutcomes } from "@pathways/validators";
import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../lib/trpc.ts";

export type Episode = RouterOutputs["episodes"]["get"];
export type Appointment = Episode["appointments"][number];
export type Outcome = (typeof appointmentOutcomes)[number];

/** Refetches the episode (and the caseload, whose rows it changes) after a change. */
export function useRefresh(episodeId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.episodes.get.queryKey({ episodeId }) });
    await queryClient.invalidateQueries({ queryKey: trpc.caseload.pathKey() });
  };
}

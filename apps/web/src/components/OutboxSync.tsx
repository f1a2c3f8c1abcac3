import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { keepPeople } from "../lib/offline-people.ts";
import { useOutboxSync } from "../lib/outbox.ts";
import { useTRPC } from "../lib/trpc.ts";

/** How often the phone refreshes the people it keeps for searching with no signal. */
const keptPeopleRefreshMs = 10 * 60_000;

/**
 * Sends what is waiting on this phone, from the moment the app opens (also after a reload), and keeps
 * the people this worker met recently on the phone for the person search with no signal.
 */
export function OutboxSync({ userId }: { userId: string }) {
  useOutboxSync(userId);
  const trpc = useTRPC();
  const met = useQuery({
    ...trpc.people.metRecently.queryOptions(),
    staleTime: keptPeopleRefreshMs,
    refetchInterval: keptPeopleRefreshMs,
    retry: false,
  });
  useEffect(() => {
    if (met.data) void keepPeople(userId, met.data);
  }, [met.data, userId]);
  return null;
}

import type { AppRouter } from "@pathways/api";
import { useQueryClient } from "@tanstack/react-query";
import { type TRPCClient, TRPCClientError } from "@trpc/client";
import { useEffect, useMemo, useSyncExternalStore } from "react";
import {
  classifyFailure,
  createOfflineQueue,
  type OfflineQueue,
  offlineMessage,
  startAutoSync,
  type Transport,
} from "./offline-queue.ts";
import { describeError, useTRPC, useTRPCClient } from "./trpc.ts";

/** A send that takes longer than this is treated as no connection (a weak signal can hang for minutes). */
const sendTimeoutMs = 20_000;

function trpcTransport(client: TRPCClient<AppRouter>): Transport {
  return async (item) => {
    if (typeof navigator !== "undefined" && navigator.onLine === false) {
      return { outcome: "retry", message: offlineMessage };
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), sendTimeoutMs);
    try {
      const result =
        item.kind === "contact"
          ? await client.contacts.log.mutate(item.input, { signal: controller.signal })
          : await client.needleFinds.log.mutate(item.input, { signal: controller.signal });
      return { outcome: "sent", result };
    } catch (error) {
      const httpStatus = error instanceof TRPCClientError ? error.data?.httpStatus : undefined;
      const { message, fields } = describeError(error);
      return classifyFailure({ httpStatus, message, fields });
    } finally {
      clearTimeout(timer);
    }
  };
}

let shared: OfflineQueue | null = null;

/** The app's one outbox (one per tab), sending through the app's tRPC client. */
export function useOutbox(): OfflineQueue {
  const client = useTRPCClient();
  shared ??= createOfflineQueue({ transport: trpcTransport(client) });
  return shared;
}

/** The signed-in user's items in the outbox, re-rendered whenever it changes. */
export function useOutboxItems(userId: string) {
  const queue = useOutbox();
  const items = useSyncExternalStore((onChange) => {
    const stop = queue.subscribe(onChange);
    return () => {
      stop();
    };
  }, queue.items);
  return useMemo(() => items.filter((item) => item.userId === userId), [items, userId]);
}

/**
 * Starts sending the user's waiting items (on load, after a reload, when back online) and refreshes
 * the lists when something is sent in the background.
 */
export function useOutboxSync(userId: string) {
  const queue = useOutbox();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useEffect(() => {
    const stopSync = startAutoSync(queue, userId, { network: window, page: document });
    const stopListening = queue.subscribe((event) => {
      if (event.type !== "sent") return;
      const key =
        event.item.kind === "contact" ? trpc.contacts.mine.pathKey() : trpc.needleFinds.mine.pathKey();
      void queryClient.invalidateQueries({ queryKey: key });
    });
    return () => {
      stopSync();
      stopListening();
    };
  }, [queue, userId, trpc, queryClient]);
}

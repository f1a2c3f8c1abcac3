import type { AppRouter } from "@pathways/api";
import { useQueryClient } from "@tanstack/react-query";
import { type TRPCClient, TRPCClientError } from "@trpc/client";
import { useEffect, useMemo, useSyncExternalStore } from "react";
import {
  classifyFailure,
  createOfflineQueue,
  type OfflineQueue,
  type OutboxItem,
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
      const known = await duplicatesToReconcile(client, item, controller.signal);
      if (known > 0) {
        return {
          outcome: "refused",
          message: duplicatesMessage(known),
          fields: { duplicates: ["Choose one of the people above if it is them, or tick “None of these”."] },
        };
      }
      const result =
        item.kind === "contact"
          ? await client.contacts.log.mutate(item.input, { signal: controller.signal })
          : item.kind === "needleFind"
            ? await client.needleFinds.log.mutate(item.input, { signal: controller.signal })
            : await client.taskforce.log.mutate(item.input, { signal: controller.signal });
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

function duplicatesMessage(known: number): string {
  return `${known === 1 ? "Someone" : `${known} people`} like this new person ${known === 1 ? "is" : "are"} already known. Open it, choose them if it is the same person, or tick “None of these”, then send it again.`;
}

/**
 * A new person logged with no signal skipped the duplicate check: it runs before the contact is sent,
 * and the contact waits for the worker when someone like them is already known.
 */
async function duplicatesToReconcile(
  client: TRPCClient<AppRouter>,
  item: OutboxItem,
  signal: AbortSignal,
): Promise<number> {
  if (item.kind !== "contact" || !item.input.newPerson || item.duplicatesChecked) return 0;
  const { firstInitial, surnameInitial, dateOfBirth, sex } = item.input.newPerson;
  const found = await client.people.likelyDuplicates.query(
    { firstInitial, surnameInitial, dateOfBirth, sex: sex ?? "unknown" },
    { signal },
  );
  return found.length;
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
        event.item.kind === "contact"
          ? trpc.contacts.mine.pathKey()
          : event.item.kind === "needleFind"
            ? trpc.needleFinds.mine.pathKey()
            : trpc.taskforce.list.pathKey();
      void queryClient.invalidateQueries({ queryKey: key });
      // Someone just met joins the people kept on the phone for searching with no signal.
      if (event.item.kind === "contact") {
        void queryClient.invalidateQueries({ queryKey: trpc.people.metRecently.queryKey() });
      }
    });
    return () => {
      stopSync();
      stopListening();
    };
  }, [queue, userId, trpc, queryClient]);
}

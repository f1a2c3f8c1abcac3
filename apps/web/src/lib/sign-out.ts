import { TRPCClientError } from "@trpc/client";
import { useSyncExternalStore } from "react";
import { forgetOfflinePeople } from "./offline-people.ts";
import type { OfflineQueue } from "./offline-queue.ts";
import { forgetRememberedUser, rememberSessionEnded } from "./offline-shell.ts";

/**
 * Signing out on a shared phone must not wait for a signal. The phone forgets who was signed in (and
 * the people kept for offline search) at once; the server session, which only the server can end
 * (its cookie is HTTP-only), is ended the next time the app has a signal. Until then this phone
 * shows the sign-in page whatever the old cookie says.
 */
const pendingKey = "pathways.signOutPending";
const listeners = new Set<() => void>();

function readPending(): boolean {
  try {
    return localStorage.getItem(pendingKey) !== null;
  } catch {
    return false;
  }
}

function setPending(pending: boolean): void {
  try {
    if (pending) localStorage.setItem(pendingKey, String(Date.now()));
    else localStorage.removeItem(pendingKey);
  } catch {
    // Storage refused: the sign-out then needs the signal it always needed.
  }
  for (const listener of listeners) listener();
}

/** True while a sign-out made on this phone has not yet reached the server. */
export function useSignOutPending(): boolean {
  return useSyncExternalStore((onChange) => {
    listeners.add(onChange);
    window.addEventListener("storage", onChange);
    return () => {
      listeners.delete(onChange);
      window.removeEventListener("storage", onChange);
    };
  }, readPending);
}

interface SignOutClient {
  auth: { signOut: { mutate(input?: undefined, options?: { signal?: AbortSignal }): Promise<unknown> } };
}

/**
 * Ends the server session a sign-out left behind, if any. True when nothing is owed any more: ended
 * now, or already over (the server answers 401 for a session that has expired). False with no signal.
 */
export async function endPendingServerSession(client: SignOutClient, timeoutMs = 10_000): Promise<boolean> {
  if (!readPending()) return true;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    await client.auth.signOut.mutate(undefined, { signal: controller.signal });
  } catch (error) {
    const status = error instanceof TRPCClientError ? error.data?.httpStatus : undefined;
    if (typeof status !== "number" || status >= 500) return false;
  } finally {
    clearTimeout(timer);
  }
  setPending(false);
  return true;
}

export type UnsentChoice = "keep" | "delete";

/**
 * Signs this phone out now, signal or not. Contacts still waiting are kept for the same worker's next
 * sign-in on this phone, or deleted, as the worker chose; other workers never see or send them.
 */
export async function signOutNow({
  client,
  queue,
  userId,
  unsent,
}: {
  client: SignOutClient;
  queue: OfflineQueue | null;
  userId: string;
  unsent: UnsentChoice;
}): Promise<void> {
  setPending(true);
  forgetRememberedUser();
  rememberSessionEnded(null);
  await forgetOfflinePeople();
  if (queue && unsent === "delete") {
    await queue.ready;
    for (const item of queue.items().filter((entry) => entry.userId === userId)) {
      await queue.discard(item.clientKey);
    }
  }
  // A short wait with a signal, so the server session usually ends before the page is left.
  if (typeof navigator === "undefined" || navigator.onLine) await endPendingServerSession(client, 3_000);
  window.location.replace("/");
}

import type { ContactDraft, NeedleFindDraft, TaskforceActivityDraft } from "@pathways/validators";
import { type DBSchema, type IDBPDatabase, openDB } from "idb";

/**
 * The outbox: contacts and needle finds are written to IndexedDB first and sent from there, so one
 * logged in a park with no signal is never lost. Each carries the `clientKey` it was made with; the
 * server stores a key once, so a resend after a lost response never makes a duplicate. Nothing here
 * knows about React or tRPC: the app gives it a transport, tests give it theirs.
 */

/** Taskforce activity (patrols, seizures ...) is queued like a contact: it carries its own client key. */
export type OutboxEntry =
  | { kind: "contact"; input: ContactDraft }
  | { kind: "needleFind"; input: NeedleFindDraft }
  | { kind: "taskforceActivity"; input: TaskforceActivityDraft };

export interface Refusal {
  message: string;
  fields: Record<string, string[]>;
}

export type OutboxItem = OutboxEntry & {
  clientKey: string;
  /** Only the user who logged an item sends it: a shared phone never sends one under another's name. */
  userId: string;
  /** One line for lists while it waits, e.g. "Street outreach at South Park". */
  summary: string;
  /** Who the record is about, as the worker saw it when logging (shown while it waits). */
  personLabel?: string;
  /**
   * A new person whose likely duplicates the worker has already seen (logged with a signal). One
   * logged with no signal is checked when it is sent, and held back if someone like them is known.
   */
  duplicatesChecked?: boolean;
  /** `waiting`: will be sent when possible. `refused`: the server said no; kept until the user acts. */
  status: "waiting" | "refused";
  queuedAt: number;
  attempts: number;
  /** Server errors (500) met in a row; at `maxServerErrors` the item stops being resent. */
  serverErrors?: number;
  lastAttemptAt: number | null;
  /** Why the last attempt did not go through: no connection, or the server's refusal. */
  lastError: Refusal | null;
};

/** What a transport reports for one attempt. Throwing counts as `retry` (no connection). */
export type SendOutcome =
  | { outcome: "sent"; result: unknown }
  | { outcome: "refused"; message: string; fields: Record<string, string[]> }
  | { outcome: "retry"; message: string; serverError?: boolean };

export type Transport = (item: OutboxItem) => Promise<SendOutcome>;

export type SendResult =
  | { status: "sent"; result: unknown }
  | { status: "waiting"; message: string }
  | { status: "refused"; message: string; fields: Record<string, string[]> };

export type OutboxEvent = { type: "changed" } | { type: "sent"; item: OutboxItem; result: unknown };

export const offlineMessage = "No connection just now: saved on this phone and will be sent automatically.";

/**
 * How many times a record may meet a server error (500) before the phone stops resending it and shows
 * it to the worker: a record that breaks the server breaks it every time, and would otherwise be sent
 * for ever. An outage (502, 503, 504) is not counted: the same record will go through once it ends.
 */
export const maxServerErrors = 3;

/**
 * Sorts a failed call into "try again later", "the server broke on it" or "the server refused it".
 * Every 4xx is a refusal of the record except 401 (signed out: it is sent after signing in again),
 * 408 and 429 (the server asks to try later).
 */
export function classifyFailure(failure: {
  httpStatus?: number;
  message?: string;
  fields?: Record<string, string[]> | null;
}): SendOutcome {
  const status = failure.httpStatus;
  if (status === 401)
    return { outcome: "retry", message: "Signed out: it will be sent after you sign in again." };
  if (
    status === undefined ||
    status === 408 ||
    status === 429 ||
    status === 502 ||
    status === 503 ||
    status === 504
  ) {
    return { outcome: "retry", message: offlineMessage };
  }
  if (status >= 500) {
    return {
      outcome: "retry",
      serverError: true,
      message: "Pathways had a problem storing this record; it will try again.",
    };
  }
  if (status >= 400) {
    return {
      outcome: "refused",
      message: failure.message || "Pathways refused this record.",
      fields: failure.fields ?? {},
    };
  }
  return { outcome: "retry", message: offlineMessage };
}

interface OutboxSchema extends DBSchema {
  items: { key: string; value: OutboxItem; indexes: { byQueuedAt: number } };
}

export interface OfflineQueueOptions {
  transport: Transport;
  /** The IndexedDB database name; tests use their own. */
  dbName?: string;
  /** The clock; tests pass their own. */
  now?: () => number;
}

export interface OfflineQueue {
  /** Resolves once the stored items are loaded: items queued before a reload are back. */
  ready: Promise<void>;
  /** Stores the entry (durably) and then tries to send it at once. */
  submit(
    entry: OutboxEntry & {
      clientKey: string;
      userId: string;
      summary: string;
      personLabel?: string;
      duplicatesChecked?: boolean;
    },
  ): Promise<SendResult>;
  /** Sends one stored item now, unless it is already on its way. */
  send(clientKey: string): Promise<SendResult>;
  /** Sends every waiting item of the user, oldest first; stops at the first that cannot get through. */
  sync(userId: string): Promise<{ sent: number; waiting: number; refused: number }>;
  /** Items in the order they were queued (a snapshot that changes identity when anything changes). */
  items(): readonly OutboxItem[];
  /** Gives up on an item the user no longer wants sent. */
  discard(clientKey: string): Promise<void>;
  subscribe(listener: (event: OutboxEvent) => void): () => void;
  close(): void;
}

export function createOfflineQueue({
  transport,
  dbName = "pathways-outbox",
  now = Date.now,
}: OfflineQueueOptions): OfflineQueue {
  const database: Promise<IDBPDatabase<OutboxSchema>> = openDB<OutboxSchema>(dbName, 1, {
    upgrade(db) {
      const store = db.createObjectStore("items", { keyPath: "clientKey" });
      store.createIndex("byQueuedAt", "queuedAt");
    },
  });
  let snapshot: readonly OutboxItem[] = [];
  const listeners = new Set<(event: OutboxEvent) => void>();
  const inFlight = new Map<string, Promise<SendResult>>();
  let syncing: Promise<{ sent: number; waiting: number; refused: number }> | null = null;

  const emit = (event: OutboxEvent) => {
    for (const listener of listeners) listener(event);
  };
  const reload = async () => {
    snapshot = await (await database).getAllFromIndex("items", "byQueuedAt");
    emit({ type: "changed" });
  };
  const ready = reload();

  async function attempt(clientKey: string): Promise<SendResult> {
    const db = await database;
    const item = await db.get("items", clientKey);
    if (!item) return { status: "waiting", message: "This record is no longer in the outbox." };
    let outcome: SendOutcome;
    try {
      outcome = await transport(item);
    } catch {
      outcome = { outcome: "retry", message: offlineMessage };
    }
    // Read again: the worker may have discarded or corrected it while it was on its way.
    const current = await db.get("items", clientKey);
    if (!current) {
      await reload();
      return outcome.outcome === "sent"
        ? { status: "sent", result: outcome.result }
        : { status: "waiting", message: "This record is no longer in the outbox." };
    }
    const attempted = { ...current, attempts: current.attempts + 1, lastAttemptAt: now() };
    if (outcome.outcome === "sent") {
      await db.delete("items", clientKey);
      await reload();
      emit({ type: "sent", item: attempted, result: outcome.result });
      return { status: "sent", result: outcome.result };
    }
    if (outcome.outcome === "refused") {
      const refusal = { message: outcome.message, fields: outcome.fields };
      await db.put("items", { ...attempted, status: "refused", lastError: refusal });
      await reload();
      return { status: "refused", ...refusal };
    }
    const serverErrors = outcome.serverError ? (current.serverErrors ?? 0) + 1 : 0;
    if (serverErrors >= maxServerErrors) {
      const refusal = {
        message: `Pathways could not store this record after ${serverErrors} tries. Check it, then correct and send it again, or discard it.`,
        fields: {},
      };
      await db.put("items", { ...attempted, serverErrors, status: "refused", lastError: refusal });
      await reload();
      return { status: "refused", ...refusal };
    }
    await db.put("items", {
      ...attempted,
      serverErrors,
      lastError: { message: outcome.message, fields: {} },
    });
    await reload();
    return { status: "waiting", message: outcome.message };
  }

  function send(clientKey: string): Promise<SendResult> {
    const running = inFlight.get(clientKey);
    if (running) return running;
    const sending = attempt(clientKey).finally(() => inFlight.delete(clientKey));
    inFlight.set(clientKey, sending);
    return sending;
  }

  async function syncNow(userId: string) {
    await ready;
    const report = { sent: 0, waiting: 0, refused: 0 };
    const waiting = (await (await database).getAllFromIndex("items", "byQueuedAt")).filter(
      (item) => item.userId === userId && item.status === "waiting",
    );
    for (const [index, item] of waiting.entries()) {
      const result = await send(item.clientKey);
      if (result.status === "sent") report.sent++;
      else if (result.status === "refused") report.refused++;
      else {
        // No connection: the rest would fail the same way; they wait for the next sync.
        report.waiting += waiting.length - index;
        break;
      }
    }
    return report;
  }

  return {
    ready,
    async submit({ clientKey, userId, summary, personLabel, duplicatesChecked, ...entry }) {
      await ready;
      const db = await database;
      const existing = await db.get("items", clientKey);
      // Strictly increasing, so items logged in the same millisecond still go out in order.
      const queuedAt = existing?.queuedAt ?? Math.max(now(), (snapshot.at(-1)?.queuedAt ?? 0) + 1);
      await db.put("items", {
        ...(entry as OutboxEntry),
        clientKey,
        userId,
        summary,
        personLabel,
        duplicatesChecked,
        status: "waiting",
        queuedAt,
        attempts: existing?.attempts ?? 0,
        serverErrors: 0,
        lastAttemptAt: existing?.lastAttemptAt ?? null,
        lastError: null,
      });
      await reload();
      return send(clientKey);
    },
    send,
    sync(userId) {
      // One sync at a time in this tab; another tab may sync too, which the client keys make safe.
      syncing ??= syncNow(userId).finally(() => {
        syncing = null;
      });
      return syncing;
    },
    items: () => snapshot,
    async discard(clientKey) {
      await (await database).delete("items", clientKey);
      await reload();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      void database.then((db) => db.close());
    },
  };
}

/**
 * Keeps the outbox moving: a sync when started (so items queued before a reload go out), whenever
 * the browser says it is back online, when the app comes back to the foreground, and every
 * `intervalMs` while items wait (the `online` event is not sent when a weak signal recovers).
 */
export function startAutoSync(
  queue: OfflineQueue,
  userId: string,
  {
    network,
    page,
    intervalMs = 30_000,
  }: {
    /** Fires `online` (the window). */
    network: EventTarget;
    /** Fires `visibilitychange` (the document), when there is one. */
    page?: EventTarget;
    intervalMs?: number;
  },
): () => void {
  const run = () => {
    if (queue.items().some((item) => item.userId === userId && item.status === "waiting")) {
      void queue.sync(userId);
    }
  };
  void queue.ready.then(() => queue.sync(userId));
  network.addEventListener("online", run);
  page?.addEventListener("visibilitychange", run);
  const timer = setInterval(run, intervalMs);
  return () => {
    network.removeEventListener("online", run);
    page?.removeEventListener("visibilitychange", run);
    clearInterval(timer);
  };
}

import "fake-indexeddb/auto";
import { randomUUID } from "node:crypto";
import { appRouter, createCaller } from "@pathways/api";
import { contacts, count, createDb, type DbHandle, eq } from "@pathways/db";
import type { ContactDraft } from "@pathways/validators";
import { makeWorld, testDisclosureSecret } from "@pathways/vitest-config";
import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  classifyFailure,
  createOfflineQueue,
  maxServerErrors,
  type OfflineQueue,
  type OutboxItem,
  startAutoSync,
  type Transport,
} from "../src/lib/offline-queue.ts";

/**
 * The outbox driven against the real API in-process (tRPC caller over an embedded database), with a
 * switch for the network: nothing here is mocked except the wire.
 */
let handle: DbHandle;
let world: Awaited<ReturnType<typeof makeWorld>>;

beforeAll(async () => {
  handle = await createDb({ dataDir: "memory://" });
  await handle.migrate();
  world = await makeWorld(handle.db);
}, 60_000);
afterAll(() => handle.close());

function callerFor(actor: typeof world.actors.outreach_worker) {
  return createCaller({
    db: handle.db,
    actor,
    requestId: "web-test",
    request: {
      requestId: "web-test",
      address: "127.0.0.1",
      sessionToken: null,
      setSessionCookie: () => {},
      clearSessionCookie: () => {},
    },
    sessions: { secret: "test-secret-test-secret-test-secret-0123", idleMinutes: 30 },
    disclosureSecret: testDisclosureSecret,
  });
}

/** A phone's connection to Pathways: off, on, or on but losing the next response after the server acted. */
function network(actor = world.actors.outreach_worker) {
  const caller = callerFor(actor);
  const state = { online: false, loseNextResponse: false, requests: 0 };
  const transport: Transport = async (item: OutboxItem) => {
    if (!state.online) throw new TypeError("Failed to fetch");
    state.requests++;
    try {
      const result =
        item.kind === "contact"
          ? await caller.contacts.log(item.input)
          : item.kind === "needleFind"
            ? await caller.needleFinds.log(item.input)
            : await caller.taskforce.log(item.input);
      if (state.loseNextResponse) {
        state.loseNextResponse = false;
        throw new TypeError("The network connection was lost.");
      }
      return { outcome: "sent", result };
    } catch (error) {
      if (!(error instanceof TRPCError)) throw error;
      const shape = getTRPCErrorShape({
        config: appRouter._def._config,
        error,
        type: "mutation",
        path: undefined,
        input: undefined,
        ctx: undefined,
      });
      return classifyFailure({
        httpStatus: getHTTPStatusCodeFromError(error),
        message: shape.message,
        fields: shape.data.fieldErrors,
      });
    }
  };
  return { state, transport };
}

function draft(overrides: Partial<ContactDraft> = {}): ContactDraft {
  return {
    clientKey: `device-${randomUUID()}`,
    occurredAt: new Date(Date.now() - 60_000),
    location: "South Park, by the bandstand",
    contactType: "street_outreach",
    interventions: [{ intervention: "naloxone_supplied", quantity: 1 }],
    ...overrides,
  };
}

function submitContact(
  queue: OfflineQueue,
  input: ContactDraft,
  userId = world.actors.outreach_worker.userId,
) {
  return queue.submit({
    kind: "contact",
    input,
    clientKey: input.clientKey,
    userId,
    summary: "Street outreach",
  });
}

async function storedContacts(clientKey: string) {
  const [row] = await handle.db
    .select({ n: count() })
    .from(contacts)
    .where(eq(contacts.clientKey, clientKey));
  return row!.n;
}

/** Resolves when the queue next reports a sent item. */
function nextSent(queue: OfflineQueue) {
  return new Promise<void>((resolve) => {
    const stop = queue.subscribe((event) => {
      if (event.type === "sent") {
        stop();
        resolve();
      }
    });
  });
}

describe("offline queue", () => {
  it("keeps a contact logged offline as waiting, and sends it once when the connection returns", async () => {
    const { state, transport } = network();
    const queue = createOfflineQueue({ transport, dbName: `outbox-${randomUUID()}` });
    const input = draft();
    const result = await submitContact(queue, input);
    expect(result.status).toBe("waiting");
    expect(queue.items()).toMatchObject([{ clientKey: input.clientKey, status: "waiting", attempts: 1 }]);
    expect(await storedContacts(input.clientKey)).toBe(0);

    state.online = true;
    expect(await queue.sync(world.actors.outreach_worker.userId)).toEqual({
      sent: 1,
      waiting: 0,
      refused: 0,
    });
    expect(queue.items()).toEqual([]);
    expect(await storedContacts(input.clientKey)).toBe(1);
    // Nothing left to send: a further sync sends nothing.
    expect(await queue.sync(world.actors.outreach_worker.userId)).toEqual({
      sent: 0,
      waiting: 0,
      refused: 0,
    });
    expect(state.requests).toBe(1);
    queue.close();
  });

  it("survives a reload: a new queue over the same storage sends what the old one left, on start", async () => {
    const dbName = `outbox-${randomUUID()}`;
    const offline = network();
    const before = createOfflineQueue({ transport: offline.transport, dbName });
    const inputs = [draft(), draft({ contactType: "welfare_check" })];
    for (const input of inputs) await submitContact(before, input);
    before.close();

    const { state, transport } = network();
    state.online = true;
    const after = createOfflineQueue({ transport, dbName });
    await after.ready;
    expect(after.items().map((item) => item.clientKey)).toEqual(inputs.map((input) => input.clientKey));
    const [first] = after.items();
    expect(first?.kind === "contact" ? first.input.occurredAt : null).toBeInstanceOf(Date);

    const events = new EventTarget();
    const drained = new Promise<void>((resolve) => {
      const stop = after.subscribe(() => {
        if (after.items().length === 0) {
          stop();
          resolve();
        }
      });
    });
    const stop = startAutoSync(after, world.actors.outreach_worker.userId, { network: events });
    await drained;
    stop();
    for (const input of inputs) expect(await storedContacts(input.clientKey)).toBe(1);
    after.close();
  });

  it("sends when the browser says it is back online", async () => {
    const { state, transport } = network();
    const queue = createOfflineQueue({ transport, dbName: `outbox-${randomUUID()}` });
    const events = new EventTarget();
    const stop = startAutoSync(queue, world.actors.outreach_worker.userId, {
      network: events,
      intervalMs: 3_600_000,
    });
    const input = draft();
    await submitContact(queue, input);
    expect(queue.items()).toHaveLength(1);
    state.online = true;
    const sent = nextSent(queue);
    events.dispatchEvent(new Event("online"));
    await sent;
    expect(await storedContacts(input.clientKey)).toBe(1);
    stop();
    queue.close();
  });

  it("never duplicates: a lost response, then a resend, and several syncs at once make one contact", async () => {
    const { state, transport } = network();
    const queue = createOfflineQueue({ transport, dbName: `outbox-${randomUUID()}` });
    state.online = true;
    state.loseNextResponse = true;
    const input = draft();
    // The server stored it, but the phone never heard back: it stays waiting.
    expect((await submitContact(queue, input)).status).toBe("waiting");
    expect(await storedContacts(input.clientKey)).toBe(1);

    const userId = world.actors.outreach_worker.userId;
    const reports = await Promise.all([queue.sync(userId), queue.sync(userId), queue.send(input.clientKey)]);
    expect(reports[0]).toEqual({ sent: 1, waiting: 0, refused: 0 });
    expect(reports[2]).toMatchObject({ status: "sent", result: { replayed: true } });
    expect(queue.items()).toEqual([]);
    expect(await storedContacts(input.clientKey)).toBe(1);
    expect(state.requests).toBe(2);
    queue.close();
  });

  it("keeps a contact the server refuses, with the server's message, until the user discards it", async () => {
    const { state, transport } = network();
    const dbName = `outbox-${randomUUID()}`;
    const queue = createOfflineQueue({ transport, dbName });
    const userId = world.actors.outreach_worker.userId;
    const refusedInput = draft({ personId: randomUUID() });
    const goodInput = draft();
    await submitContact(queue, refusedInput);
    await submitContact(queue, goodInput);
    state.online = true;
    expect(await queue.sync(userId)).toEqual({ sent: 1, waiting: 0, refused: 1 });
    const [kept] = queue.items();
    expect(kept).toMatchObject({ clientKey: refusedInput.clientKey, status: "refused" });
    expect(Object.keys(kept!.lastError!.fields)).toEqual(["personId"]);
    expect(kept!.lastError!.message).toMatch(/^No person .* was found/);

    // A refused item is not retried on its own, and not dropped.
    expect(await queue.sync(userId)).toEqual({ sent: 0, waiting: 0, refused: 0 });
    queue.close();
    const reloaded = createOfflineQueue({ transport, dbName });
    await reloaded.ready;
    expect(reloaded.items().map((item) => [item.clientKey, item.status])).toEqual([
      [refusedInput.clientKey, "refused"],
    ]);
    await reloaded.discard(refusedInput.clientKey);
    expect(reloaded.items()).toEqual([]);
    expect(await storedContacts(goodInput.clientKey)).toBe(1);
    reloaded.close();
  });

  it("does not bring back a contact discarded while it was being sent", async () => {
    const { transport } = network();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Offline, and slow to find out: the worker discards it before the attempt gives up.
    const slow: Transport = async (item) => {
      await gate;
      return transport(item);
    };
    const queue = createOfflineQueue({ transport: slow, dbName: `outbox-${randomUUID()}` });
    const input = draft();
    const submitted = submitContact(queue, input);
    await expect.poll(() => queue.items().length).toBe(1);
    await queue.discard(input.clientKey);
    release();
    expect((await submitted).status).toBe("waiting");
    expect(queue.items()).toEqual([]);
    expect(await storedContacts(input.clientKey)).toBe(0);
    queue.close();
  });

  it("sends only the signed-in user's items from a shared phone", async () => {
    const { state, transport } = network();
    const queue = createOfflineQueue({ transport, dbName: `outbox-${randomUUID()}` });
    const mine = draft();
    const theirs = draft();
    await submitContact(queue, mine);
    await submitContact(queue, theirs, "someone-else");
    state.online = true;
    expect(await queue.sync(world.actors.outreach_worker.userId)).toEqual({
      sent: 1,
      waiting: 0,
      refused: 0,
    });
    expect(queue.items().map((item) => item.clientKey)).toEqual([theirs.clientKey]);
    queue.close();
  });
});

describe("a record the server cannot take", () => {
  it("stops resending a record that makes the server fail, and shows it to the worker", async () => {
    let requests = 0;
    // What the server answered for a contact dated in year 0 before dates were bounded: a 500.
    const transport: Transport = async () => {
      requests++;
      return classifyFailure({ httpStatus: 500, message: "Something went wrong on our side." });
    };
    const queue = createOfflineQueue({ transport, dbName: `outbox-${randomUUID()}` });
    const userId = world.actors.outreach_worker.userId;
    const input = draft({ occurredAt: new Date("0000-06-01T12:00:00Z") });
    expect((await submitContact(queue, input)).status).toBe("waiting");
    for (let sync = 1; sync < maxServerErrors; sync++) await queue.sync(userId);
    expect(requests).toBe(maxServerErrors);
    expect(queue.items()).toMatchObject([{ clientKey: input.clientKey, status: "refused" }]);
    expect(queue.items()[0]!.lastError?.message).toMatch(/could not store this record after 3 tries/);
    // Refused: no more sending, whatever happens.
    expect(await queue.sync(userId)).toEqual({ sent: 0, waiting: 0, refused: 0 });
    expect(requests).toBe(maxServerErrors);
    queue.close();
  });

  it("keeps resending through an outage (503), which is not the record's fault", async () => {
    let requests = 0;
    const transport: Transport = async () => {
      requests++;
      return classifyFailure({ httpStatus: 503 });
    };
    const queue = createOfflineQueue({ transport, dbName: `outbox-${randomUUID()}` });
    const userId = world.actors.outreach_worker.userId;
    const input = draft();
    await submitContact(queue, input);
    for (let sync = 0; sync < maxServerErrors + 2; sync++) await queue.sync(userId);
    expect(requests).toBe(maxServerErrors + 3);
    expect(queue.items()).toMatchObject([{ clientKey: input.clientKey, status: "waiting" }]);
    queue.close();
  });

  it("refuses a hostile date at once when the server answers 4xx, and never sends it again", async () => {
    const { state, transport } = network();
    state.online = true;
    const queue = createOfflineQueue({ transport, dbName: `outbox-${randomUUID()}` });
    const userId = world.actors.outreach_worker.userId;
    const input = draft({ occurredAt: new Date("-000100-06-01T12:00:00Z") });
    let result = await submitContact(queue, input);
    for (let sync = 1; sync < maxServerErrors && result.status === "waiting"; sync++) {
      result = await queue.send(input.clientKey);
    }
    expect(result.status).toBe("refused");
    const sent = state.requests;
    await queue.sync(userId);
    expect(state.requests).toBe(sent);
    expect(await storedContacts(input.clientKey)).toBe(0);
    queue.close();
  });
});

describe("classifying a failed send", () => {
  it("retries what may succeed later and keeps refusals", () => {
    expect(classifyFailure({})).toMatchObject({ outcome: "retry" });
    expect(classifyFailure({ httpStatus: 503 })).toMatchObject({ outcome: "retry" });
    expect(classifyFailure({ httpStatus: 429 })).toMatchObject({ outcome: "retry" });
    expect(classifyFailure({ httpStatus: 500 })).toMatchObject({ outcome: "retry", serverError: true });
    expect(classifyFailure({ httpStatus: 409, message: "Conflict" })).toMatchObject({ outcome: "refused" });
    expect(classifyFailure({ httpStatus: 422, message: "Unprocessable" })).toMatchObject({
      outcome: "refused",
    });
    expect(classifyFailure({ httpStatus: 401 })).toMatchObject({
      outcome: "retry",
      message: "Signed out: it will be sent after you sign in again.",
    });
    expect(
      classifyFailure({ httpStatus: 400, message: "Please check", fields: { notes: ["notes too long"] } }),
    ).toEqual({ outcome: "refused", message: "Please check", fields: { notes: ["notes too long"] } });
    expect(classifyFailure({ httpStatus: 403, message: "Only outreach workers may do this." })).toMatchObject(
      {
        outcome: "refused",
      },
    );
  });
});

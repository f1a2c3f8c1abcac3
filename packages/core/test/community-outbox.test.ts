import { createDb, type Database, eq, outboxMessages } from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { beforeEach, expect, it } from "vitest";
import {
  channelByRecipientKind,
  type DeliveryChannel,
  logChannel,
  type OutboxDelivery,
} from "../src/community/channels.ts";
import {
  defaultOutboxSettings,
  deliverDueMessages,
  deliverNextMessage,
  type OutboxSettings,
  retryDelayMs,
  startOutboxWorker,
} from "../src/community/outbox.ts";
import { submitCommunityReport } from "../src/community/reports.ts";
import { acknowledgeCommunityReport, retryCommunityReportUpdate } from "../src/community/triage/index.ts";
import type { Ctx } from "../src/context.ts";
import { Conflict, Forbidden } from "../src/errors.ts";
import { deleteOutbox, outboxOf, reportIdOf, reportInput, staffCtx, testClock } from "./community-helpers.ts";

/**
 * A real channel object standing in for SMTP: it refuses the first `failures` deliveries, then
 * accepts, and keeps every message it accepted.
 */
class TestChannel implements DeliveryChannel {
  readonly name = "test";
  readonly accepted: OutboxDelivery[] = [];
  readonly refused: OutboxDelivery[] = [];
  constructor(
    private failures = 0,
    private readonly onAccept?: (delivery: OutboxDelivery) => void | Promise<void>,
  ) {}

  async deliver(delivery: OutboxDelivery) {
    if (this.failures > 0) {
      this.failures -= 1;
      this.refused.push(delivery);
      throw new Error(`421 Service not available: try later (for <${delivery.recipient}>)`);
    }
    await this.onAccept?.(delivery);
    this.accepted.push(delivery);
  }
}

function systemCtx(db: Database, now: () => Date): Ctx {
  return { db, actor: { kind: "system", name: "test" }, now };
}

async function reportsWithEmail(db: Database, now: () => Date, howMany: number) {
  const references: string[] = [];
  for (let i = 0; i < howMany; i += 1) {
    const submitted = await submitCommunityReport({
      ctx: systemCtx(db, now),
      input: reportInput({ contactEmail: `resident${i}@example.org` }),
    });
    references.push(submitted.reference);
  }
  return references;
}

async function pendingCount(db: Database) {
  return (await db.select().from(outboxMessages).where(eq(outboxMessages.status, "pending"))).length;
}

/**
 * Waits until `done()` holds, checking between turns of the event loop (no timing assertion). The
 * bound is generous: it only turns a hang into a failure, and a loaded CI machine is slow.
 */
async function until(done: () => Promise<boolean>) {
  const giveUpAt = Date.now() + 60_000;
  while (Date.now() < giveUpAt) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error("condition never held");
}

const fast: OutboxSettings = { ...defaultOutboxSettings, maxAttempts: 4 };

describeDb("community report updates (outbox)", (use) => {
  // Each test starts with an empty outbox: the worker takes any due message, whoever queued it.
  beforeEach(async () => {
    await deleteOutbox(use().db);
  });

  it("retries a delivery that fails, with growing waits, and sends it exactly once when the channel recovers", async () => {
    const db = use().db;
    const clock = testClock();
    const [reference] = await reportsWithEmail(db, clock.now, 1);
    const channel = new TestChannel(2);
    const ctx = systemCtx(db, clock.now);

    expect(await deliverNextMessage({ ctx, channel, settings: fast })).toMatchObject({
      attempt: 1,
      outcome: "retry",
      error: "421 Service not available: try later (for <[recipient]>)",
    });
    // Not due again until the backoff has passed.
    expect(await deliverNextMessage({ ctx, channel, settings: fast })).toBeNull();
    clock.advance(retryDelayMs(1, fast) - 1000);
    expect(await deliverNextMessage({ ctx, channel, settings: fast })).toBeNull();
    clock.advance(1000);
    expect(await deliverNextMessage({ ctx, channel, settings: fast })).toMatchObject({
      attempt: 2,
      outcome: "retry",
    });
    clock.advance(retryDelayMs(2, fast));
    expect(retryDelayMs(2, fast)).toBe(2 * retryDelayMs(1, fast));
    expect(await deliverNextMessage({ ctx, channel, settings: fast })).toMatchObject({
      attempt: 3,
      outcome: "sent",
    });
    const sentAt = clock.now();
    clock.advance(24 * 60 * 60_000);
    expect(await deliverDueMessages({ ctx, channel, settings: fast })).toEqual([]);

    expect(channel.refused).toHaveLength(2);
    expect(channel.accepted).toHaveLength(1);
    expect(channel.accepted[0]).toMatchObject({
      recipient: "resident0@example.org",
      recipientKind: "email",
      attempt: 3,
    });
    expect(new Set([...channel.refused, ...channel.accepted].map((d) => d.messageId)).size).toBe(1);
    const [message] = await outboxOf(db, await reportIdOf(db, reference!));
    expect(message).toMatchObject({ status: "sent", attempts: 3, lastError: null });
    expect(message!.sentAt).toEqual(sentAt);
  });

  it("marks a message failed after the last attempt, and staff can send it again once", async () => {
    const db = use().db;
    const { actors } = await makeWorld(db);
    const clock = testClock();
    const [reference] = await reportsWithEmail(db, clock.now, 1);
    const ctx = systemCtx(db, clock.now);
    const down = new TestChannel(Number.POSITIVE_INFINITY);
    const outcomes: string[] = [];
    for (let attempt = 1; attempt <= fast.maxAttempts; attempt += 1) {
      const [result] = await deliverDueMessages({ ctx, channel: down, settings: fast });
      outcomes.push(result!.outcome);
      clock.advance(fast.retryMaxMs);
    }
    expect(outcomes).toEqual(["retry", "retry", "retry", "failed"]);
    expect(await deliverDueMessages({ ctx, channel: down, settings: fast })).toEqual([]);
    const id = await reportIdOf(db, reference!);
    const [failed] = await outboxOf(db, id);
    expect(failed).toMatchObject({ status: "failed", attempts: 4, sentAt: null });
    expect(failed!.lastError).toBe("421 Service not available: try later (for <[recipient]>)");

    const worker = staffCtx(db, actors.outreach_worker, clock.now);
    await expect(
      retryCommunityReportUpdate({
        ctx: staffCtx(db, actors.treatment_manager),
        input: { messageId: failed!.id },
      }),
    ).rejects.toBeInstanceOf(Forbidden);
    await retryCommunityReportUpdate({ ctx: worker, input: { messageId: failed!.id } });
    await expect(
      retryCommunityReportUpdate({ ctx: worker, input: { messageId: failed!.id } }),
    ).rejects.toThrow(new Conflict("That update is still being delivered; the worker keeps trying it."));
    const up = new TestChannel();
    expect((await deliverDueMessages({ ctx, channel: up, settings: fast })).map((r) => r.outcome)).toEqual([
      "sent",
    ]);
    await expect(
      retryCommunityReportUpdate({ ctx: worker, input: { messageId: failed!.id } }),
    ).rejects.toThrow(new Conflict("That update was already sent; it is never sent twice."));
    expect(up.accepted).toHaveLength(1);
  });

  it("finishes the message in hand when stopped, and a restarted worker sends the rest, nothing twice", async () => {
    const db = use().db;
    await reportsWithEmail(db, () => new Date(), 6);
    let first: ReturnType<typeof startOutboxWorker> | undefined;
    const firstChannel = new TestChannel(0, async () => {
      // The stop arrives while the third message is being sent.
      if (firstChannel.accepted.length === 2) {
        void first!.stop();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    first = startOutboxWorker({ db, channel: firstChannel, pollIntervalMs: 10 });
    await first.stopped;
    expect(firstChannel.accepted).toHaveLength(3);
    expect(await pendingCount(db)).toBe(3);
    const sent = await db.select().from(outboxMessages).where(eq(outboxMessages.status, "sent"));
    expect(sent.map((m) => m.id).sort()).toEqual(firstChannel.accepted.map((d) => d.messageId).sort());
    // What was not started was not attempted: nothing is left claimed.
    const waiting = await db.select().from(outboxMessages).where(eq(outboxMessages.status, "pending"));
    expect(waiting.map((m) => m.attempts)).toEqual([0, 0, 0]);

    const secondChannel = new TestChannel();
    const second = startOutboxWorker({ db, channel: secondChannel, pollIntervalMs: 10 });
    await until(async () => (await pendingCount(db)) === 0);
    await second.stop();
    const all = [...firstChannel.accepted, ...secondChannel.accepted].map((d) => d.messageId);
    expect(all).toHaveLength(6);
    expect(new Set(all).size).toBe(6);
    expect(secondChannel.accepted.map((d) => d.recipient).sort()).toEqual(
      waiting.map((m) => m.recipient).sort(),
    );
  });

  it("sends again, once, a message whose worker died before sending it, after its lease runs out", async () => {
    const db = use().db;
    const clock = testClock();
    const [reference] = await reportsWithEmail(db, clock.now, 1);
    const ctx = systemCtx(db, clock.now);
    // The worker dies after claiming: its send never finishes and nothing is marked.
    const dying: DeliveryChannel = { name: "dies", deliver: () => new Promise<void>(() => {}) };
    void deliverNextMessage({ ctx, channel: dying, settings: fast });
    const id = await reportIdOf(db, reference!);
    await until(async () => (await outboxOf(db, id))[0]!.attempts === 1);

    const healthy = new TestChannel();
    expect(await deliverDueMessages({ ctx, channel: healthy, settings: fast })).toEqual([]);
    clock.advance(fast.leaseMs);
    expect(
      (await deliverDueMessages({ ctx, channel: healthy, settings: fast })).map((r) => r.outcome),
    ).toEqual(["sent"]);
    clock.advance(fast.leaseMs * 10);
    expect(await deliverDueMessages({ ctx, channel: healthy, settings: fast })).toEqual([]);
    expect(healthy.accepted.map((d) => d.attempt)).toEqual([2]);
  });

  it("marks failed, without sending again, a message whose last attempt died mid-send", async () => {
    const db = use().db;
    const clock = testClock();
    const [reference] = await reportsWithEmail(db, clock.now, 1);
    const ctx = systemCtx(db, clock.now);
    const down = new TestChannel(fast.maxAttempts - 1);
    for (let i = 1; i < fast.maxAttempts; i += 1) {
      await deliverDueMessages({ ctx, channel: down, settings: fast });
      clock.advance(fast.retryMaxMs);
    }
    const dying: DeliveryChannel = { name: "dies", deliver: () => new Promise<void>(() => {}) };
    void deliverNextMessage({ ctx, channel: dying, settings: fast });
    const id = await reportIdOf(db, reference!);
    await until(async () => (await outboxOf(db, id))[0]!.attempts === fast.maxAttempts);
    clock.advance(fast.leaseMs);
    const healthy = new TestChannel();
    expect(await deliverDueMessages({ ctx, channel: healthy, settings: fast })).toEqual([]);
    expect(healthy.accepted).toEqual([]);
    const [message] = await outboxOf(db, id);
    expect(message!.status).toBe("failed");
    expect(message!.lastError).toContain("it was not tried again in case it had been sent");
  });

  it("never lets two workers on separate connections deliver the same message", async () => {
    const { db, url } = use();
    await reportsWithEmail(db, () => new Date(), 12);
    // On PostgreSQL the second worker has its own connection pool; PGlite has one connection only.
    const other = url ? await createDb({ url, maxConnections: 2 }) : null;
    try {
      const slow = () => new TestChannel(0, () => new Promise((resolve) => setTimeout(resolve, 5)));
      const channels = [slow(), slow()];
      const workers = [
        startOutboxWorker({ db, channel: channels[0]!, pollIntervalMs: 5 }),
        startOutboxWorker({ db: other?.db ?? db, channel: channels[1]!, pollIntervalMs: 5 }),
      ];
      await until(async () => (await pendingCount(db)) === 0);
      await Promise.all(workers.map((w) => w.stop()));
      const delivered = channels.flatMap((c) => c.accepted.map((d) => d.messageId));
      expect(delivered).toHaveLength(12);
      expect(new Set(delivered).size).toBe(12);
    } finally {
      await other?.close();
    }
  });

  it("keeps running through a database outage and delivers once it is back", async () => {
    const db = use().db;
    await reportsWithEmail(db, () => new Date(), 1);
    let outage = true;
    const lines: string[] = [];
    // A database that refuses every statement while the outage lasts.
    const flaky = new Proxy(db, {
      get(target, property, receiver) {
        if (outage && property === "execute") return () => Promise.reject(new Error("connection refused"));
        return Reflect.get(target, property, receiver);
      },
    });
    const channel = new TestChannel();
    const worker = startOutboxWorker({
      db: flaky,
      channel,
      pollIntervalMs: 5,
      log: (level, message) => lines.push(`${level}: ${message}`),
    });
    await until(async () => lines.some((line) => line.startsWith("error: outbox worker: could not reach")));
    expect(channel.accepted).toEqual([]);
    outage = false;
    await until(async () => (await pendingCount(db)) === 0);
    await worker.stop();
    expect(channel.accepted).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith("error:"))).toHaveLength(1);
    expect(lines).toContain("info: outbox worker: the database is reachable again");
  });

  it("writes updates to the log without the reporter's address or number when nothing real is configured", async () => {
    const db = use().db;
    const { actors } = await makeWorld(db);
    const clock = testClock();
    const emailed = await submitCommunityReport({
      ctx: systemCtx(db, clock.now),
      input: reportInput({ contactEmail: "neighbour@example.org" }),
    });
    await submitCommunityReport({
      ctx: systemCtx(db, clock.now),
      input: reportInput({ contactPhone: "07700 900777" }),
    });
    await acknowledgeCommunityReport({
      ctx: staffCtx(db, actors.outreach_worker, clock.now),
      input: { id: await reportIdOf(db, emailed.reference) },
    });
    const emailLines: string[] = [];
    const phoneLines: string[] = [];
    const channel = channelByRecipientKind({
      email: logChannel((line) => emailLines.push(line)),
      phone: logChannel((line) => phoneLines.push(line)),
    });
    const results = await deliverDueMessages({ ctx: systemCtx(db, clock.now), channel });
    expect(results.map((r) => r.outcome)).toEqual(["sent", "sent", "sent"]);
    expect(emailLines).toHaveLength(2);
    expect(phoneLines).toHaveLength(1);
    const acknowledgement = (await outboxOf(db, await reportIdOf(db, emailed.reference))).find((m) =>
      m.subject.endsWith("Acknowledged"),
    );
    expect(emailLines).toContain(
      `outbox: update ${acknowledgement!.id} for a reporter (by email) written to the log instead of being sent: "Update on your report ${emailed.reference}: Acknowledged"`,
    );
    for (const line of [...emailLines, ...phoneLines]) {
      expect(line).not.toContain("neighbour@example.org");
      expect(line).not.toContain("07700 900777");
    }
  });

  it("lets only Pathways itself run deliveries", async () => {
    const db = use().db;
    const { actors } = await makeWorld(db);
    await expect(
      deliverNextMessage({ ctx: staffCtx(db, actors.admin), channel: new TestChannel() }),
    ).rejects.toBeInstanceOf(Forbidden);
  });
});

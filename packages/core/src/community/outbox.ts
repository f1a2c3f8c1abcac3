import { type Executor, queryRows, type SQL, sql } from "@pathways/db";
import { type BackgroundLoop, backgroundLoop, pause } from "../background.ts";
import { type Ctx, now } from "../context.ts";
import { requireRoleOrSystem } from "../rights.ts";
import { sqlErrorCode } from "../sql-errors.ts";
import { type DeliveryChannel, recipientKindOf } from "./channels.ts";

/*
 * Delivering reporters' updates from the outbox.
 *
 * A message is written in the transaction that made the change it announces, so it exists exactly
 * when the change does. Delivering one takes three steps, none of them inside a long transaction
 * (on PGlite a transaction held open during a slow send would stall every request):
 *
 *   1. claim: one UPDATE takes the earliest due message (`for update skip locked`, so workers on
 *      several processes never take the same one; on PGlite, one connection, the statement simply
 *      runs alone), counts the attempt and leases the message until `now + leaseMs`;
 *   2. send it through the channel;
 *   3. mark it `sent`, or schedule a retry with exponential backoff, or mark it `failed` after
 *      `maxAttempts`; the mark only applies if the claim is still ours (same attempt number).
 *
 * What this guarantees, honestly:
 * - Never lost: a message is only ever `pending` until marked. If the channel is down it is retried;
 *   if the worker is down or dies mid-attempt, the lease runs out and the message is due again.
 *   `failed` comes only after `maxAttempts` real attempts (about 8.5 hours with the defaults), and
 *   staff can send a failed update again from triage. The tracking page shows every update anyway.
 * - Not sent twice by a stop: on SIGTERM the worker finishes the message in hand, marks it, then
 *   exits. Retries follow only a send the channel reported as failed.
 * - The limit: if the process dies, or the database cannot be reached, in the moment between the
 *   channel accepting a message and the mark being written, nothing records that it went, and it is
 *   sent again once the lease runs out. No outbox can close that gap without the receiver's help
 *   (SMTP has no "send exactly once"): the attempt is recorded first so it is at least visible, the
 *   mark is retried while the lease allows, and the SMTP channel sends a stable Message-ID so mail
 *   systems can recognise the repeat. A message whose final attempt ended that way is marked
 *   `failed` (outcome unknown) rather than risk a further send.
 * - A channel must give up well within the lease (the SMTP channel times out in under a minute);
 *   otherwise a second worker could take the message while the first is still sending it.
 */

export interface OutboxSettings {
  /** Attempts before a message is marked failed. */
  maxAttempts: number;
  /** Wait after the first failure; it doubles with each further failure, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long a claimed message is reserved for its worker before it is due again. */
  leaseMs: number;
}

/** 1, 2, 4 ... 256 minutes apart: ten attempts over about 8.5 hours. */
export const defaultOutboxSettings: OutboxSettings = {
  maxAttempts: 10,
  retryBaseMs: 60_000,
  retryMaxMs: 6 * 60 * 60_000,
  leaseMs: 5 * 60_000,
};

/** The wait after failed attempt number `attempt` (1-based). */
export function retryDelayMs(attempt: number, settings: OutboxSettings): number {
  return Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.max(0, attempt - 1));
}

export type DeliveryOutcome = "sent" | "retry" | "failed" | "claim_lost";

export interface DeliveryResult {
  messageId: string;
  attempt: number;
  outcome: DeliveryOutcome;
  /** The channel's error, with the recipient's address or number taken out. */
  error?: string;
}

interface ClaimedMessage {
  id: string;
  recipient: string;
  subject: string;
  body: string;
  attempts: number;
}

/** Takes the earliest due message and records the attempt before anything is sent. */
async function claimNext(db: Executor, at: Date, settings: OutboxSettings): Promise<ClaimedMessage | null> {
  const leaseUntil = new Date(at.getTime() + settings.leaseMs);
  const [message] = await queryRows<ClaimedMessage>(
    db,
    sql`update outbox_messages
        set attempts = attempts + 1, next_attempt_at = ${leaseUntil.toISOString()}::timestamptz
        where id = (
          select id from outbox_messages
          where status = 'pending'
            and next_attempt_at <= ${at.toISOString()}::timestamptz
            and attempts < ${settings.maxAttempts}
          order by next_attempt_at, id
          limit 1
          for update skip locked
        )
        returning id, recipient, subject, body, attempts::int as attempts`,
  );
  return message ?? null;
}

/**
 * Messages whose last allowed attempt was claimed but never marked (the worker died mid-send): the
 * outcome is unknown, so they are marked failed instead of being sent once more.
 */
async function failAbandoned(db: Executor, at: Date, settings: OutboxSettings): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update outbox_messages
        set status = 'failed',
            last_error = 'The last attempt did not finish (the worker stopped while delivering it); it was not tried again in case it had been sent.'
        where status = 'pending'
          and attempts >= ${settings.maxAttempts}
          and next_attempt_at <= ${at.toISOString()}::timestamptz
        returning id`,
  );
  return rows.length;
}

/** The mark applies only while the claim is ours: same attempt, still pending. */
async function mark(db: Executor, claimed: ClaimedMessage, change: SQL): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update outbox_messages set ${change}
        where id = ${claimed.id} and status = 'pending' and attempts = ${claimed.attempts}
        returning id`,
  );
  return rows.length === 1;
}

/** Retries a mark through short database blips, for as long as the lease leaves room. */
async function markWithRetry(
  db: Executor,
  claimed: ClaimedMessage,
  change: SQL,
  settings: OutboxSettings,
): Promise<boolean> {
  const deadline = Date.now() + settings.leaseMs / 2;
  for (let wait = 250; ; wait *= 2) {
    try {
      return await mark(db, claimed, change);
    } catch (error) {
      if (Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

function redact(error: unknown, recipient: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split(recipient).join("[recipient]").slice(0, 500);
}

export interface DeliverArgs {
  ctx: Ctx;
  channel: DeliveryChannel;
  settings?: OutboxSettings;
}

/** Claims, sends and marks one due message; null when none is due. Only Pathways itself may. */
export async function deliverNextMessage({
  ctx,
  channel,
  settings = defaultOutboxSettings,
}: DeliverArgs): Promise<DeliveryResult | null> {
  requireRoleOrSystem(ctx.actor, []);
  await failAbandoned(ctx.db, now(ctx), settings);
  const claimed = await claimNext(ctx.db, now(ctx), settings);
  if (!claimed) return null;
  const attempt = claimed.attempts;
  try {
    await channel.deliver({
      messageId: claimed.id,
      recipient: claimed.recipient,
      recipientKind: recipientKindOf(claimed.recipient),
      subject: claimed.subject,
      body: claimed.body,
      attempt,
    });
  } catch (deliveryError) {
    const error = redact(deliveryError, claimed.recipient);
    const at = now(ctx);
    const change =
      attempt >= settings.maxAttempts
        ? sql`status = 'failed', last_error = ${error}`
        : sql`next_attempt_at = ${new Date(at.getTime() + retryDelayMs(attempt, settings)).toISOString()}::timestamptz, last_error = ${error}`;
    const ours = await markWithRetry(ctx.db, claimed, change, settings);
    return {
      messageId: claimed.id,
      attempt,
      outcome: ours ? (attempt >= settings.maxAttempts ? "failed" : "retry") : "claim_lost",
      error,
    };
  }
  const ours = await markWithRetry(
    ctx.db,
    claimed,
    sql`status = 'sent', sent_at = ${now(ctx).toISOString()}::timestamptz, last_error = null`,
    settings,
  );
  return { messageId: claimed.id, attempt, outcome: ours ? "sent" : "claim_lost" };
}

/** Delivers due messages until none is due (or `limit` were tried): for tests and one-off runs. */
export async function deliverDueMessages(args: DeliverArgs & { limit?: number }): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = [];
  while (results.length < (args.limit ?? Number.POSITIVE_INFINITY)) {
    const result = await deliverNextMessage(args);
    if (!result) break;
    results.push(result);
  }
  return results;
}

export type OutboxLog = (level: "info" | "warn" | "error", message: string, fields?: object) => void;

export interface OutboxWorkerOptions {
  db: Executor;
  channel: DeliveryChannel;
  settings?: OutboxSettings;
  /** How long to wait when nothing is due, or after the database could not be reached. */
  pollIntervalMs?: number;
  log?: OutboxLog;
  /** The clock; tests pass one they control. */
  now?: () => Date;
}

/** The delivery worker: `stop()` finishes the message in hand (send and mark), then stops. */
export type OutboxWorker = BackgroundLoop;

/**
 * Runs the delivery loop until stopped. A failing database does not end it: the error is logged
 * and the loop tries again after the poll interval, so the worker outlives outages.
 */
export function startOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const log: OutboxLog = options.log ?? (() => {});
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const ctx: Ctx = {
    db: options.db,
    actor: { kind: "system", name: "outbox-worker" },
    ...(options.now ? { now: options.now } : {}),
  };
  return backgroundLoop(async (stopping) => {
    log("info", `outbox worker started (channel: ${options.channel.name})`);
    let databaseDown = false;
    while (!stopping.aborted) {
      let result: DeliveryResult | null = null;
      try {
        result = await deliverNextMessage({ ctx, channel: options.channel, settings: options.settings });
        if (databaseDown) log("info", "outbox worker: the database is reachable again");
        databaseDown = false;
      } catch (error) {
        if (!databaseDown)
          log("error", "outbox worker: could not reach the outbox; will keep trying", { err: error });
        databaseDown = true;
      }
      if (result) {
        const { messageId, attempt, outcome, error } = result;
        const level = outcome === "sent" ? "info" : outcome === "retry" ? "warn" : "error";
        log(level, `outbox: update ${messageId} ${outcomeText[outcome]}`, {
          messageId,
          attempt,
          outcome,
          error,
        });
        continue;
      }
      await pause(pollIntervalMs, stopping);
    }
    log("info", "outbox worker stopped");
  });
}

const outcomeText: Record<DeliveryOutcome, string> = {
  sent: "sent",
  retry: "could not be sent; it will be tried again",
  failed: "could not be sent and will not be tried again; staff can retry it from triage",
  claim_lost: "took longer than its lease and was taken over by another worker",
};

/** Whether the database holds the outbox: false before `pathways migrate` has made Pathways' tables. */
export async function outboxExists(db: Executor): Promise<boolean> {
  try {
    await queryRows(db, sql`select 1 from outbox_messages limit 0`);
    return true;
  } catch (error) {
    if (sqlErrorCode(error) === "42P01") return false;
    throw error;
  }
}

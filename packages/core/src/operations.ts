import { type Executor, queryRows, sql } from "@pathways/db";

/** How far behind one queue of background work is. */
export interface QueueState {
  /** Rows waiting, counted up to `queueCountCap` (a bulk load can queue millions). */
  length: number;
  /** Seconds since the oldest waiting row was queued (or fell due); 0 when none waits. */
  oldestSeconds: number;
}

export interface BackgroundQueues {
  /** People whose funnel, outcomes and waiting-times rollups wait to be recomputed. */
  personRollups: QueueState;
  /** Changes waiting to be added into the hotspot-activity and safeguarding day counts. */
  dayRollups: QueueState;
  /** Reporters' updates due for delivery (pending and past their next attempt). */
  outboxDue: QueueState;
  /** Reporters' updates given up on after their last attempt (staff can resend them from triage). */
  outboxFailed: number;
}

export const queueCountCap = 100_000;

/**
 * The background queues' lengths and ages, for /readyz and /metrics: each is read through an index or
 * a capped scan, so a probe stays cheap even when a bulk load has queued the whole city (the day
 * queue's age is then that of the oldest of the first rows stored, near enough). Counts and ages only:
 * nothing about a person.
 */
export async function backgroundQueues(db: Executor): Promise<BackgroundQueues> {
  const [row] = await queryRows<{
    person_length: number;
    person_oldest: number | null;
    day_length: number;
    day_oldest: number | null;
    due_length: number;
    due_oldest: number | null;
    failed: number;
  }>(
    db,
    sql`select
      (select count(*)::int from (select 1 from report_person_queue limit ${queueCountCap}) q) as person_length,
      (select extract(epoch from now() - queued_at)::float8 from report_person_queue order by id limit 1) as person_oldest,
      (select count(*)::int from (select 1 from report_day_deltas limit ${queueCountCap}) q) as day_length,
      (select extract(epoch from now() - min(queued_at))::float8
        from (select queued_at from report_day_deltas limit ${queueCountCap}) q) as day_oldest,
      (select count(*)::int from (select 1 from outbox_messages
        where status = 'pending' and next_attempt_at <= now() limit ${queueCountCap}) q) as due_length,
      (select extract(epoch from now() - min(next_attempt_at))::float8 from outbox_messages
        where status = 'pending' and next_attempt_at <= now()) as due_oldest,
      (select count(*)::int from outbox_messages where status = 'failed') as failed`,
  );
  const state = (length: number, oldest: number | null): QueueState => ({
    length,
    oldestSeconds: Math.max(0, Math.round((oldest ?? 0) * 10) / 10),
  });
  return {
    personRollups: state(row!.person_length, row!.person_oldest),
    dayRollups: state(row!.day_length, row!.day_oldest),
    outboxDue: state(row!.due_length, row!.due_oldest),
    outboxFailed: row!.failed,
  };
}

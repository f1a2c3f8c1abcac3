import { type Executor, isTransaction, queryRows, type SQL, sql } from "@pathways/db";
import { yieldToEventLoop } from "../background.ts";
import { localDaySql } from "../calendar.ts";
import { sqlErrorCode } from "../sql-errors.ts";
import {
  dayKey,
  dayValues,
  episodeFactsFresh,
  episodeKey,
  episodeSums,
  episodeValues,
  everywhere,
  funnelDaysFresh,
  funnelSums,
  refreshEpisodeFacts,
  refreshFunnelDays,
  type Slice,
  type Sums,
  slices,
  sliceText,
} from "./person-rollup-sql.ts";
import { inRollupTurn, reportRows } from "./rollup-turns.ts";

export {
  contactsMeasure,
  episodeMeasure,
  everywhere,
  funnelStages,
  sustainedMeasure,
} from "./person-rollup-sql.ts";

/**
 * The person-level rollups behind the funnel, outcomes and waiting-times reports (migration 0004):
 * per person, their funnel days and their episodes' facts, recomputed from the raw rows for exactly
 * the people the triggers queued. The reports read them instead of the raw rows when they are up to
 * date; the raw queries stay as the reference the tests compare them with.
 */

/**
 * Queue rows taken per transaction, unless the caller fixes it: the chunk grows or shrinks so that a
 * transaction does about this many milliseconds of work. On PGlite a transaction holds the only
 * connection, so a contact being logged meanwhile waits no longer than that.
 */
const chunkTargetMs = 50;
const chunkLimits = { first: 100, least: 20, most: 2000 };
/** Refreshes take turns (a transaction-scoped advisory lock), so two never recompute one person at once. */
const refreshLock = sql.raw("hashtext('report_person_rollups')");
/**
 * A queue this long is bulk change (a generated or imported data set, a restore, an upgrade): if it
 * also names a quarter of everyone, every person is recomputed in one set-based rebuild, which takes
 * about as long as loading the rows did, instead of person by person. Reports meanwhile count the raw
 * rows: the rollups may be far behind.
 */
const bulkBacklog = 20_000;
/** Reports fold a queue this short themselves (a few seconds of changes); a longer one is the refresher's. */
const reportFold = 50;
/**
 * After refreshing this many queue rows the rollups have changed enough to need vacuuming (every
 * refresh rewrites rows, leaving dead ones) and new statistics.
 */
export const vacuumAfter = 10_000;
/** The raw tables the rollups are computed from. */
const rawTables = "people, contacts, referrals, episodes, services";
const rollupTables = [
  "report_person_funnel_days",
  "report_person_funnel_months",
  "report_person_episodes",
  "report_person_episode_months",
  "report_person_wait_months",
  "report_person_anonymous_days",
];

export interface RefreshOptions {
  /** Queue rows per transaction; by default it adapts to about 50 ms of work. */
  chunk?: number;
  /** A shutdown: checked between steps. What is committed stays; the rest stays queued. */
  signal?: AbortSignal;
  /**
   * False: fold only if no other refresher is folding, and no bulk rebuild (a report does not wait
   * behind the background refresher).
   */
  wait?: boolean;
  /** Told before a rebuild of every person starts (it is the one step that takes long). */
  onRebuild?: (queuedPeople: number) => void;
  /** A report folding before it reads: it holds the turn its fold transactions would wait for. */
  turnHeld?: boolean;
}

export interface RefreshResult {
  /** Queue rows taken. */
  queued: number;
  /** People whose rows were recomputed. */
  people: number;
  /** Days whose anonymous contacts changed. */
  days: number;
  /** True when every person's rollups were rebuilt in one go instead. */
  rebuilt: boolean;
}

/** Thrown between the steps of a rebuild when the signal aborts: its transaction rolls back. */
class Stopped extends Error {}

/**
 * Recomputes the rollups of every queued person and day, a chunk per transaction, until the queue
 * holds nothing visible, or rebuilds them all at once after bulk change. Idempotent and safe to run
 * from several processes at once. Run by the background refresher, and by reports for a short queue.
 *
 * The statement that takes work off the queue has the same plan whatever the statistics say (they
 * are stale after a bulk load, and always on PGlite, which never analyzes on its own): the queue's
 * head is read once by its primary key into an array, and rows are deleted by key from that array;
 * a chunk takes every queued row of the people it names, so each person is recomputed once per fold.
 */
export async function refreshPersonRollups(
  db: Executor,
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  const total: RefreshResult = { queued: 0, people: 0, days: 0, rebuilt: false };
  const [state] = await queryRows<{ backlog: number }>(
    db,
    sql`select count(*)::int as backlog from (select 1 from report_person_queue limit ${bulkBacklog}) q`,
  );
  const backlog = state?.backlog ?? 0;
  if (backlog === 0) return total;
  if (backlog >= bulkBacklog && !isTransaction(db)) {
    if (options.wait === false) return total;
    const [bulk] = await queryRows<{ queued: number; everyone: number }>(
      db,
      sql`select (select count(distinct person_id)::int from report_person_queue) as queued,
        (select count(*)::int from people) as everyone`,
    );
    if (bulk && bulk.queued * 4 >= bulk.everyone) {
      options.onRebuild?.(bulk.queued);
      return rebuildPersonRollups(db, { signal: options.signal });
    }
    // A long queue of fewer people: folded person by person, on statistics that count it and the
    // rows that came with it.
    await db.execute(sql.raw(`analyze report_person_queue, ${rawTables}`));
  }
  let chunk = options.chunk ?? chunkLimits.first;
  for (;;) {
    await yieldToEventLoop();
    if (options.signal?.aborted) break;
    const started = performance.now();
    const done = await inRollupTurn(
      db,
      () =>
        db.transaction(async (tx) => {
          // JIT compiling these statements (their row estimates are far too high) costs seconds on PostgreSQL.
          const lock =
            options.wait === false
              ? sql`pg_try_advisory_xact_lock(${refreshLock})`
              : sql`pg_advisory_xact_lock(${refreshLock}) is null`;
          const [locked] = await queryRows<{ locked: boolean }>(
            tx,
            sql`select ${lock} as locked, set_config('jit', 'off', true)`,
          );
          if (options.wait === false && !locked?.locked) return null;
          // Anonymous contacts are added up as they come; people are taken for recomputing, with every
          // row queued for them.
          const [taken] = await queryRows<{ queued: number; people: string[] | null; days: number }>(
            tx,
            sql`
          with head as materialized (
            select id, person_id from report_person_queue order by id limit ${chunk}
          ),
          taken as (
            delete from report_person_queue
            where id = any (array(select id from head))
              or person_id = any (array(select distinct person_id from head where person_id is not null))
            returning person_id, anonymous_day, hotspot_id, contacts
          ),
          anonymous as (
            select t.anonymous_day as day, p.place_id, sum(t.contacts)::int as contacts
            from taken t
            cross join lateral (values (${everywhere}::uuid), (t.hotspot_id)) p(place_id)
            where t.anonymous_day is not null and p.place_id is not null
            group by 1, 2
          ),
          added as (
            insert into report_person_anonymous_days as a (place_id, day, contacts)
            select place_id, day, contacts from anonymous where contacts <> 0
            on conflict (place_id, day) do update set contacts = a.contacts + excluded.contacts
          )
          select (select count(*)::int from head) as queued,
            (select array_agg(distinct person_id::text) from taken where person_id is not null) as people,
            (select count(distinct day)::int from anonymous) as days`,
          );
          const queued = taken?.people ?? [];
          const people = queued.length ? await refreshPeople(tx, queued) : 0;
          return { queued: taken?.queued ?? 0, people, days: taken?.days ?? 0 };
        }),
      { turnHeld: options.turnHeld },
    );
    if (!done) break;
    total.queued += done.queued;
    total.people += done.people;
    total.days += done.days;
    if (done.queued < chunk) break;
    if (!options.chunk) chunk = nextChunk(chunk, performance.now() - started);
  }
  if (total.queued >= vacuumAfter && !isTransaction(db)) await vacuumRollups(db);
  return total;
}

/**
 * Vacuums and analyzes the person rollups and their queue. PGlite has no autovacuum, and a PostgreSQL
 * may run with it off (this machine kind's does): the funnel's month sums, left with 1.19M dead rows
 * for 150k live ones after a busy day, took 123-266 ms to read instead of 63-67 ms. Outside a
 * transaction only; it blocks no reads or writes.
 */
export async function vacuumRollups(db: Executor) {
  // Never the truncation step, which takes an exclusive lock that writers would queue behind (a
  // contact's trigger writes to the queue); skip a table another vacuum holds rather than wait.
  await db.execute(
    sql.raw(`vacuum (analyze, truncate false, skip_locked) report_person_queue, ${rollupTables.join(", ")}`),
  );
}

/**
 * Rebuilds every person's rollups from the raw rows, set-based, in one transaction: the answer to
 * bulk change, where recomputing person by person would take many times longer. It sees one snapshot
 * (repeatable read): the queue rows it deletes are exactly the changes it counted, and changes
 * committed meanwhile stay queued for the next fold. A refresher that folded a chunk after that
 * snapshot makes it fail to serialize; it is then started again. Stops between its statements when
 * `signal` aborts, rolling back.
 */
export async function rebuildPersonRollups(
  db: Executor,
  options: { signal?: AbortSignal } = {},
): Promise<RefreshResult> {
  const result: RefreshResult = { queued: 0, people: 0, days: 0, rebuilt: true };
  const columns = (names: readonly string[]) => sql.raw(names.join(", "));
  const sums = (list: Sums[], slice: Slice) =>
    list.map((sum) => {
      const key = sum.key.join(", ");
      const rows = `(select * from ${sum.from} where ${sliceText(slice, "person_id")})`;
      return sql.raw(`insert into ${sum.table} as t (${key}, n)
        select ${key}, sum(n) from (${sum.shares(rows, 1)}) shares
        group by ${key} having sum(n) <> 0
        on conflict (${key}) do update set n = t.n + excluded.n`);
    });
  const anonymous = sql`insert into report_person_anonymous_days (place_id, day, contacts)
    select p.place_id, ${localDaySql(sql`c.occurred_at`)}, count(*)::int
    from contacts c
    cross join lateral (values (${everywhere}::uuid), (c.hotspot_id)) p(place_id)
    where c.person_id is null and p.place_id is not null
    group by 1, 2`;
  /**
   * The statements of the rebuild, a slice of people at a time, so that none runs long (PGlite runs
   * a statement on the JavaScript thread: a stop waits for the one in hand). Every slice's episode
   * facts come before any funnel days: a funnel day reads the episode started from a referral, which
   * may be another person's after a merge was undone.
   */
  const steps = (slices: Slice[]): SQL[] => [
    sql.raw(`truncate ${rollupTables.join(", ")}`),
    ...slices.map(
      (slice) => sql`${episodeFactsFresh(slice)}
        insert into report_person_episodes (${columns([...episodeKey, ...episodeValues])})
        select ${columns([...episodeKey, ...episodeValues])} from fresh`,
    ),
    ...slices.flatMap((slice) => sums(episodeSums, slice)),
    ...slices.map(
      (slice) => sql`${funnelDaysFresh(slice)}
        insert into report_person_funnel_days (${columns([...dayKey, ...dayValues])})
        select ${columns([...dayKey, ...dayValues])} from fresh`,
    ),
    ...slices.flatMap((slice) => sums([funnelSums], slice)),
    anonymous,
  ];
  // Bulk change leaves the raw tables' statistics stale (and PGlite never refreshes them): on those
  // the planner looked up each episode's re-presentation by scanning whole tables (town: 12 s, not 1.4).
  if (!isTransaction(db)) await db.execute(sql.raw(`analyze ${rawTables}`));
  for (let attempt = 1; ; attempt++) {
    try {
      await db.transaction(
        async (tx) => {
          await tx.execute(
            sql`select pg_advisory_xact_lock(${refreshLock}), set_config('jit', 'off', true),
              set_config('work_mem', '64MB', true)`,
          );
          const [taken] = await queryRows<{ queued: number; people: number; days: number }>(
            tx,
            sql`with taken as (delete from report_person_queue returning person_id, anonymous_day)
              select count(*)::int as queued, count(distinct person_id)::int as people,
                count(distinct anonymous_day)::int as days from taken`,
          );
          Object.assign(result, taken);
          const [everyone] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from people`);
          for (const step of steps(slices(everyone?.n ?? 0))) {
            await yieldToEventLoop();
            if (options.signal?.aborted) throw new Stopped();
            await tx.execute(step);
          }
        },
        { isolationLevel: "repeatable read" },
      );
      break;
    } catch (error) {
      if (error instanceof Stopped) return { queued: 0, people: 0, days: 0, rebuilt: false };
      if (attempt < 3 && sqlErrorCode(error) === "40001") continue;
      throw error;
    }
  }
  if (!isTransaction(db)) await vacuumRollups(db);
  return result;
}

function nextChunk(chunk: number, tookMs: number): number {
  if (tookMs < chunkTargetMs / 2) return Math.min(chunk * 2, chunkLimits.most);
  if (tookMs > chunkTargetMs * 2) return Math.max(Math.floor(chunk / 2), chunkLimits.least);
  return chunk;
}

function uuidList(ids: string[]): SQL {
  return sql`${`{${ids.join(",")}}`}::uuid[]`;
}

/**
 * Recomputes the episode facts and funnel days of the queued people and of everyone whose episode
 * started from one of their referrals (a funnel chain runs from the referrer's contacts to the
 * episode's person; after a merge is undone the two can differ).
 */
async function refreshPeople(tx: Executor, queued: string[]): Promise<number> {
  const related = await queryRows<{ person_id: string }>(
    tx,
    sql`select distinct e.person_id::text as person_id
      from referrals r join episodes e on e.referral_id = r.id
      where r.person_id = any(${uuidList(queued)}) and e.person_id <> r.person_id`,
  );
  const people = [...new Set([...queued, ...related.map((row) => row.person_id)])];
  const list = uuidList(people);
  await tx.execute(refreshEpisodeFacts(list));
  await tx.execute(refreshFunnelDays(list));
  return people.length;
}

/** How fresh rollups are that a report reads. */
export interface RollupsAnswer {
  /**
   * When the oldest change not yet folded into them was made (an ISO instant): the figures count
   * everything recorded before it. Null: they count everything.
   */
  asOf: string | null;
}

/** The header field that says how fresh a report's figures are: absent when they count everything. */
export function freshness(answer: RollupsAnswer | null): { figuresAsOf?: string } {
  return answer?.asOf ? { figuresAsOf: answer.asOf } : {};
}

/** The oldest of the first queued changes (a queue is folded in order, so the oldest is near its head). */
const queueAsOf = sql`(select to_char(min(queued_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
  from (select queued_at from report_person_queue order by id limit 1000) q)`;

/**
 * Whether the rollups can answer a report run on `today`, and how fresh they are. They count
 * everything recorded, so nothing may be dated after that day (the tests' fixed clocks run reports
 * "in the past" and take the raw queries). A report folds a short queue itself, unless a refresher is
 * folding (it does not wait); a longer one is the background refresher's, and the report reads the
 * rollups as they are, saying as of when. After bulk change (a long queue, for a quarter of everyone
 * or more) the rollups may be far behind: the report counts the raw rows while the refresher
 * rebuilds them.
 */
export async function personRollupsAnswer(db: Executor, today: string): Promise<RollupsAnswer | null> {
  const [state] = await reportRows<{
    latest: string | null;
    backlog: number;
    span: number | null;
    people: number | null;
    as_of: string | null;
  }>(
    db,
    sql`select greatest(
        (select ${localDaySql(sql`max(requested_at)`)} from referrals),
        (select max(started_on) from episodes),
        (select max(discharged_on) from episodes)
      )::text as latest,
      (select count(*)::int from (select 1 from report_person_queue limit ${bulkBacklog}) q) as backlog,
      (select (max(id) - min(id) + 1)::float8 from report_person_queue) as span,
      (select reltuples::float8 from pg_class where oid = 'people'::regclass) as people,
      ${queueAsOf} as as_of`,
  );
  if (state?.latest && state.latest > today) return null;
  const backlog = state?.backlog ?? 0;
  // Bulk change, as the refresher judges it: the queue's id span bounds its length without counting
  // it, and the planner's estimate of everyone is enough (unknown before the first ANALYZE).
  const bulk =
    backlog >= bulkBacklog && (!state?.people || state.people <= 0 || (state.span ?? 0) * 4 >= state.people);
  if (bulk) return null;
  if (backlog === 0 || backlog > reportFold) return { asOf: state?.as_of ?? null };
  await refreshPersonRollups(db, { wait: false, turnHeld: true });
  const [after] = await reportRows<{ as_of: string | null }>(db, sql`select ${queueAsOf} as as_of`);
  return { asOf: after?.as_of ?? null };
}

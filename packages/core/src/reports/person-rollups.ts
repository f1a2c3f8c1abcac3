import { type Executor, queryRows, type SQL, sql } from "@pathways/db";
import { dayOf, referralWindowDays, representedAfter, successfulDischarge } from "./common.ts";

/**
 * The person-level rollups behind the funnel, outcomes and waiting-times reports (migration 0004):
 * per person, their funnel days and their episodes' facts, recomputed from the raw rows for exactly
 * the people the triggers queued. The reports read them instead of the raw rows when they are up to
 * date; the raw queries stay as the reference the tests compare them with.
 */

/** The place and provider "everywhere": rows under it count every hotspot or provider. */
export const everywhere = "00000000-0000-0000-0000-000000000000";

/**
 * Queue rows taken per transaction, unless the caller fixes it: the chunk grows or shrinks so that a
 * transaction does about this many milliseconds of work. On PGlite a transaction holds the only
 * connection, so a contact being logged meanwhile waits no longer than that; bulk refreshes (the
 * generator, an upgrade) pass a large fixed chunk, which is faster overall.
 */
const chunkTargetMs = 50;
const chunkLimits = { first: 50, least: 1, most: 2000 };
/** Refreshes take turns (a transaction-scoped advisory lock), so two never recompute one person at once. */
const refreshLock = sql.raw("hashtext('report_person_rollups')");
/** Reports refresh a backlog up to this size themselves; a larger one is left to the worker. */
const reportBacklog = 5000;
/** After refreshing this many queue rows the rollups have grown or changed enough to need new statistics. */
const analyzeAfter = 10_000;

export interface RefreshResult {
  /** Queue rows taken. */
  queued: number;
  /** People whose rows were recomputed. */
  people: number;
  /** Days whose anonymous contacts changed. */
  days: number;
}

/**
 * Recomputes the rollups of every queued person and day, a chunk per transaction, until the queue
 * holds nothing visible. Idempotent and safe to run from several processes at once. Run by the reports
 * before they read, and by the background worker.
 */
export async function refreshPersonRollups(
  db: Executor,
  options: { chunk?: number } = {},
): Promise<RefreshResult> {
  const total: RefreshResult = { queued: 0, people: 0, days: 0 };
  const [queued] = await queryRows<{ any: boolean }>(
    db,
    sql`select exists (select 1 from report_person_queue) as any`,
  );
  if (!queued?.any) return total;
  let chunk = options.chunk ?? chunkLimits.first;
  for (;;) {
    const started = performance.now();
    const done = await db.transaction(async (tx) => {
      // JIT compiling these statements (their row estimates are far too high) costs seconds on PostgreSQL.
      await tx.execute(sql`select pg_advisory_xact_lock(${refreshLock}), set_config('jit', 'off', true)`);
      // Anonymous contacts are added up as they come; people are taken for recomputing.
      const [taken] = await queryRows<{ queued: number; people: string[] | null; days: number }>(
        tx,
        sql`
          with taken as (
            delete from report_person_queue
            where id in (select id from report_person_queue order by id limit ${chunk})
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
          select (select count(*)::int from taken) as queued,
            (select array_agg(distinct person_id::text) from taken where person_id is not null) as people,
            (select count(distinct day)::int from anonymous) as days`,
      );
      const queued = taken?.people ?? [];
      const people = queued.length ? await refreshPeople(tx, queued) : 0;
      return { queued: taken?.queued ?? 0, people, days: taken?.days ?? 0 };
    });
    total.queued += done.queued;
    total.people += done.people;
    total.days += done.days;
    if (done.queued < chunk) break;
    if (!options.chunk) chunk = nextChunk(chunk, performance.now() - started);
  }
  // PostgreSQL's autovacuum would analyze them in time; PGlite has no autovacuum.
  if (total.queued >= analyzeAfter) {
    await db.execute(
      sql`analyze report_person_funnel_days, report_person_funnel_months, report_person_episodes, report_person_anonymous_days`,
    );
  }
  return total;
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

const episodeKey = ["provider_scope", "episode_id"];
const episodeValues = [
  "person_id",
  "referral_id",
  "substance_group",
  "started_on",
  "discharged_on",
  "discharge_reason",
  "successful",
  "represented",
  "service_id",
  "waiting_days",
  "prev_end_in_group",
  "prev_end",
  "prev_success_in_group",
  "prev_success",
  "next_success_in_group",
  "next_success",
];

/**
 * Two row aliases have the same key and, when `values` are given, the same values (nulls equal). The
 * key is compared with `=` so that the planner can hash on it.
 */
function same(a: string, b: string, key: readonly string[], values: readonly string[] = []): string {
  const keyEqual = key.map((c) => `${a}.${c} = ${b}.${c}`).join(" and ");
  if (!values.length) return keyEqual;
  const list = (alias: string) => values.map((c) => `${alias}.${c}`).join(", ");
  return `${keyEqual} and (${list(a)}) is not distinct from (${list(b)})`;
}

/** A table of sums kept from rollup rows: its key columns, and what rows add to it (times `sign`). */
interface Sums {
  table: string;
  key: readonly string[];
  shares(rows: string, sign: 1 | -1): string;
}

/**
 * The rest of a refresh statement whose CTE `fresh` holds the people's rows as they should be: only
 * the rows that differ from what `table` holds are written, and the sums move by the difference.
 */
function writeChanges(
  table: string,
  key: readonly string[],
  values: readonly string[],
  people: SQL,
  sums: Sums[],
): SQL {
  const columns = [...key, ...values].join(", ");
  const moves = sums.map(
    (sum, index) => `,
    sums${index} as (
      insert into ${sum.table} as t (${sum.key.join(", ")}, n)
      select ${sum.key.join(", ")}, sum(n)
      from (${sum.shares("went", -1)} union all ${sum.shares("came", 1)}) shares
      group by ${sum.key.join(", ")}
      having sum(n) <> 0
      on conflict (${sum.key.join(", ")}) do update set n = t.n + excluded.n
    )`,
  );
  return sql`,
    stored as materialized (
      select ${sql.raw(columns)} from ${sql.raw(table)} where person_id = any(${people})
    ),
    -- Both sides see the table as it was before this statement: the changes follow from them.
    went as (
      select o.* from stored o
      where not exists (select 1 from fresh n where ${sql.raw(same("n", "o", key, values))})
    ),
    came as (
      select n.* from fresh n
      where not exists (select 1 from stored o where ${sql.raw(same("n", "o", key, values))})
    ),
    vanished as (
      select ${sql.raw(key.map((c) => `o.${c}`).join(", "))} from stored o
      where not exists (select 1 from fresh n where ${sql.raw(same("n", "o", key))})
    ),
    gone as (
      delete from ${sql.raw(table)} o using vanished v where ${sql.raw(same("v", "o", key))}
    ),
    written as (
      insert into ${sql.raw(table)} as o (${sql.raw(columns)})
      select ${sql.raw(columns)} from came
      on conflict (${sql.raw(key.join(", "))}) do update
        set (${sql.raw(columns)}) = (${sql.raw([...key, ...values].map((c) => `excluded.${c}`).join(", "))})
    )${sql.raw(moves.join(""))}
    select 1`;
}

/**
 * The measures of report_person_episode_months, each once within the episode's substance group and
 * once across groups (`acrossGroups` added): episodes that start in the month whose earlier episodes
 * ended before the month (by the month the last ended: the first open in a period starting then), the
 * starts and ends that say who is in treatment on a day, successful discharges that are the first of
 * the month (by the month of the one before) and those without re-presentation that are the last of the
 * month (by the month of the one after); then successful discharges and discharges by reason.
 */
export const episodeMeasure = {
  firstStart: 0,
  openFrom: 1,
  closedFrom: 2,
  firstCompletion: 3,
  lastSustained: 4,
  acrossGroups: 5,
  successfulDischarges: 10,
  /** Plus the reason's index in dischargeReasons. */
  dischargesBy: 20,
} as const;

/** Month sums of episode facts in `rows`; see episodeMeasure. */
function episodeShares(rows: string, sign: 1 | -1): string {
  const month = (column: string) => `date_trunc('month', ${column})::date`;
  const measures = [
    { suffix: "_in_group", base: 0 },
    { suffix: "", base: episodeMeasure.acrossGroups },
  ].flatMap(({ suffix, base }) => {
    const ended = `x.prev_end${suffix}`;
    const open = `greatest(x.started_on, ${ended})`;
    const closed = `greatest(coalesce(x.discharged_on, 'infinity'::date), ${ended})`;
    const before = `x.prev_success${suffix}`;
    const after = `x.next_success${suffix}`;
    return [
      `(${base + episodeMeasure.firstStart}, ${month("x.started_on")},
        case when ${ended} is null or ${ended} < ${month("x.started_on")}
          then coalesce(${month(ended)}, '-infinity'::date) end)`,
      `(${base + episodeMeasure.openFrom}, ${month(open)}, case when ${open} < 'infinity' then '-infinity'::date end)`,
      `(${base + episodeMeasure.closedFrom}, ${month(closed)}, case when ${closed} < 'infinity' then '-infinity'::date end)`,
      `(${base + episodeMeasure.firstCompletion}, ${month("x.discharged_on")},
        case when x.successful and (${before} is null or ${before} < ${month("x.discharged_on")})
          then coalesce(${month(before)}, '-infinity'::date) end)`,
      `(${base + episodeMeasure.lastSustained}, ${month("x.discharged_on")},
        case when x.successful and not x.represented
          and (${after} is null or ${after} >= ${month("x.discharged_on")} + interval '1 month')
          then coalesce(${month(after)}, 'infinity'::date) end)`,
    ];
  });
  return `
    select x.provider_scope, x.substance_group, m.measure, m.month, m.key, ${sign} as n
    from ${rows} x
    cross join lateral (values ${measures.join(", ")},
      (${episodeMeasure.successfulDischarges}, ${month("x.discharged_on")},
        case when x.successful then '-infinity'::date end),
      (${episodeMeasure.dischargesBy} - 1 + array_position(enum_range(null::discharge_reason), x.discharge_reason),
        ${month("x.discharged_on")}, case when x.discharged_on is not null then '-infinity'::date end)
    ) m(measure, month, key)
    where m.key is not null`;
}

/** Month sums of waits in `rows`: episodes from a referral by service, month of start and days waited. */
function waitShares(rows: string, sign: 1 | -1): string {
  return `
    select x.provider_scope, x.substance_group, x.service_id, date_trunc('month', x.started_on)::date as month,
      x.waiting_days, ${sign} as n
    from ${rows} x where x.service_id is not null`;
}

/**
 * Each episode of the people, once for every provider and once for its own: the successful and
 * re-presented flags (counting everything recorded), the wait from its referral, and the neighbouring
 * episodes of the same person in the same scope that make "distinct people" a filtered count. Only
 * rows that changed are written.
 */
function refreshEpisodeFacts(people: SQL): SQL {
  const byPerson = "partition by s.provider_scope, e.person_id";
  const byGroup = `${byPerson}, e.substance_group`;
  const byStart = "order by e.started_on, e.id rows between unbounded preceding and 1 preceding";
  // "The rest of the partition" frames are read backwards: a frame that grows keeps its min or max as
  // it goes, while one that shrinks makes PostgreSQL recompute it on every row.
  const upTo = "rows between unbounded preceding and 1 preceding";
  const before = `order by e.discharged_on, e.id ${upTo}`;
  const after = `order by e.discharged_on desc, e.id desc ${upTo}`;
  const end = "coalesce(e.discharged_on, 'infinity'::date)";
  const success = "case when e.successful then e.discharged_on end";
  return sql`
    with fresh as materialized (
      select s.provider_scope, e.id as episode_id, e.person_id, e.referral_id, e.substance_group,
        e.started_on, e.discharged_on, e.discharge_reason, e.successful, e.represented,
        r.service_id, e.started_on - ${dayOf(sql`r.requested_at`)} as waiting_days,
        max(${sql.raw(end)}) over (${sql.raw(`${byGroup} ${byStart}`)}) as prev_end_in_group,
        max(${sql.raw(end)}) over (${sql.raw(`${byPerson} ${byStart}`)}) as prev_end,
        max(${sql.raw(success)}) over (${sql.raw(`${byGroup} ${before}`)}) as prev_success_in_group,
        max(${sql.raw(success)}) over (${sql.raw(`${byPerson} ${before}`)}) as prev_success,
        min(${sql.raw(success)}) over (${sql.raw(`${byGroup} ${after}`)}) as next_success_in_group,
        min(${sql.raw(success)}) over (${sql.raw(`${byPerson} ${after}`)}) as next_success
      from (
        select f.*, f.successful and ${representedAfter(sql`f.person_id`, sql`f.discharged_on`, null)} as represented
        from (
          select ep.*, coalesce(${successfulDischarge("ep")}, false) as successful
          from episodes ep where ep.person_id = any(${people})
        ) f
      ) e
      cross join lateral (values (${everywhere}::uuid), (e.provider_organisation_id)) s(provider_scope)
      left join referrals r on r.id = e.referral_id
    )${writeChanges("report_person_episodes", episodeKey, episodeValues, people, [
      {
        table: "report_person_episode_months",
        key: ["provider_scope", "substance_group", "measure", "month", "key"],
        shares: episodeShares,
      },
      {
        table: "report_person_wait_months",
        key: ["provider_scope", "substance_group", "service_id", "month", "waiting_days"],
        shares: waitShares,
      },
    ])}`;
}

/** The funnel stages: their bit in report_person_funnel_days.stages and their column suffix. */
export const funnelStages = [
  { bit: 1, name: "contacted" },
  { bit: 2, name: "referred" },
  { bit: 4, name: "started" },
  { bit: 8, name: "completed" },
  { bit: 16, name: "sustained" },
] as const;
/** report_person_funnel_months measures beyond the stages (0-4, by index in funnelStages). */
export const sustainedMeasure = 5;
export const contactsMeasure = 6;

const dayKey = ["place_id", "day", "person_id"];
const dayValues = [
  "contacts",
  "stages",
  ...funnelStages.flatMap(({ name }) => [`prev_${name}`, `next_${name}`]),
  "sustained_discharge",
];

/**
 * What funnel days in `rows` add to the month sums (times `sign`): for each stage, the person's first
 * day of the month reaching it, keyed by the month of the previous one; sustained completions by their
 * discharge; contacts.
 */
function monthShares(rows: string, sign: 1 | -1): string {
  const month = "date_trunc('month', x.day)::date";
  const stages = funnelStages.map(
    ({ bit, name }, measure) =>
      `(${measure}, case when x.stages & ${bit} <> 0 and (x.prev_${name} is null or x.prev_${name} < ${month})
        then coalesce(date_trunc('month', x.prev_${name})::date, '-infinity'::date) end, 1)`,
  );
  return `
    select x.place_id, m.measure, ${month} as month, m.key, ${sign} * m.n as n
    from ${rows} x
    cross join lateral (values ${stages.join(", ")},
      (${sustainedMeasure}, x.sustained_discharge, 1),
      (${contactsMeasure}, case when x.contacts > 0 then '-infinity'::date end, x.contacts)
    ) m(measure, key, n)
    where m.key is not null`;
}

/**
 * The funnel days of the people: every London day and place they were contacted, and the days of
 * other people's contacts that led to a referral from which their episode started. Stage bits: 1
 * contacted, 2 referred within 90 days, 4 started treatment from such a referral, 8 completed
 * successfully, 16 no re-presentation within 182 days (everything recorded counts: the reports use
 * these rows only when nothing is dated after the day they are run). Only the days that changed are
 * written (a contact today changes a day or two of a long history), and the month sums move by the
 * difference.
 */
function refreshFunnelDays(people: SQL): SQL {
  const window = sql.raw(String(referralWindowDays));
  // Next days are read backwards, as in refreshEpisodeFacts.
  const order = "partition by d.place_id, d.person_id order by d.day";
  const neighbours = funnelStages.flatMap(({ bit, name }) => [
    `max(case when d.stages & ${bit} <> 0 then d.day end) over (${order} rows between unbounded preceding and 1 preceding) as prev_${name}`,
    `min(case when d.stages & ${bit} <> 0 then d.day end) over (${order} desc rows between unbounded preceding and 1 preceding) as next_${name}`,
  ]);
  return sql`
    with counted as materialized (
      select unnest(${people}) as person_id
    ),
    -- The people's referrals, and the referrals their episodes started from.
    chain_referral_ids as (
      select r.id from referrals r where r.person_id in (select person_id from counted)
      union
      select own.referral_id from report_person_episodes own
      where own.provider_scope = ${everywhere}::uuid and own.referral_id is not null
        and own.person_id in (select person_id from counted)
    ),
    chain_referrals as materialized (
      select r.id, r.person_id, ${dayOf(sql`r.requested_at`)} as day, ef.person_id as episode_person,
        case when ef.episode_id is null then 0
          else 4 | (case when ef.successful then 8 else 0 end)
            | (case when ef.successful and not ef.represented then 16 else 0 end) end as stages,
        case when ef.successful and not ef.represented then ef.discharged_on end as sustained_discharge
      from chain_referral_ids ids
      join referrals r on r.id = ids.id
      left join report_person_episodes ef on ef.referral_id = r.id and ef.provider_scope = ${everywhere}::uuid
    ),
    chain_contacts as materialized (
      select c.person_id, ${dayOf(sql`c.occurred_at`)} as day, p.place_id, count(*)::int as contacts
      from contacts c
      cross join lateral (values (${everywhere}::uuid), (c.hotspot_id)) p(place_id)
      where p.place_id is not null
        and c.person_id in (select person_id from counted union select person_id from chain_referrals)
      group by 1, 2, 3
    ),
    chains as (
      select cc.place_id, cc.day, cc.person_id as contact_person, cr.episode_person, cr.stages, cr.sustained_discharge
      from chain_contacts cc
      join chain_referrals cr on cr.person_id = cc.person_id and cr.day between cc.day and cc.day + ${window}
    ),
    reached as (
      select place_id, day, person_id, contacts, 1 as stages, null::date as sustained_discharge
      from chain_contacts where person_id in (select person_id from counted)
      union all
      select place_id, day, contact_person, 0, 2, null
      from chains where contact_person in (select person_id from counted)
      union all
      select place_id, day, episode_person, 0, stages, sustained_discharge
      from chains where stages <> 0 and episode_person in (select person_id from counted)
    ),
    d as (
      select place_id, day, person_id, sum(contacts)::int as contacts, bit_or(stages)::smallint as stages,
        max(sustained_discharge) as sustained_discharge
      from reached group by place_id, day, person_id
    ),
    fresh as materialized (
      select d.place_id, d.day, d.person_id, d.contacts, d.stages, d.sustained_discharge,
        ${sql.raw(neighbours.join(",\n        "))}
      from d
    )${writeChanges("report_person_funnel_days", dayKey, dayValues, people, [
      {
        table: "report_person_funnel_months",
        key: ["place_id", "measure", "month", "key"],
        shares: monthShares,
      },
    ])}`;
}

/**
 * Whether the rollups can answer a report run on `today`: they count everything recorded, so nothing
 * may be dated after that day (the tests' fixed clocks run reports "in the past" and take the raw
 * queries). A small backlog is refreshed first; a large one (a restore, an upgrade) is left to the
 * background worker and the report reads the raw rows meanwhile.
 */
export async function personRollupsAnswer(db: Executor, today: string): Promise<boolean> {
  const [state] = await queryRows<{ latest: string | null; backlog: number }>(
    db,
    sql`select greatest(
        (select ${dayOf(sql`max(requested_at)`)} from referrals),
        (select max(started_on) from episodes),
        (select max(discharged_on) from episodes)
      )::text as latest,
      (select count(*)::int from (select 1 from report_person_queue limit ${reportBacklog + 1}) q) as backlog`,
  );
  if (state?.latest && state.latest > today) return false;
  if ((state?.backlog ?? 0) > reportBacklog) return false;
  if (state?.backlog) await refreshPersonRollups(db);
  return true;
}

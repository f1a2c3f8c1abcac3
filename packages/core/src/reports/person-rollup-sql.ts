import { type SQL, sql } from "@pathways/db";
import { localDaySql } from "../calendar.ts";
import { successfulDischargeSql } from "../rules/discharge.ts";
import { referralWindowDays } from "../rules/pathway-windows.ts";
import { representedAfter } from "./common.ts";

/**
 * The statements behind the person rollups (person-rollups.ts refreshes and rebuilds with them): each
 * person's episode facts and funnel days computed fresh from the raw rows, the changes written to the
 * rollup tables, and the month sums kept from them.
 */

/** The place and provider "everywhere": rows under it count every hotspot or provider. */
export const everywhere = "00000000-0000-0000-0000-000000000000";

export const episodeKey = ["provider_scope", "episode_id"];
export const episodeValues = [
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
export function same(a: string, b: string, key: readonly string[], values: readonly string[] = []): string {
  const keyEqual = key.map((c) => `${a}.${c} = ${b}.${c}`).join(" and ");
  if (!values.length) return keyEqual;
  const list = (alias: string) => values.map((c) => `${alias}.${c}`).join(", ");
  return `${keyEqual} and (${list(a)}) is not distinct from (${list(b)})`;
}

/** A table of sums kept from rollup rows: its key columns, and what rows add to it (times `sign`). */
export interface Sums {
  table: string;
  /** The rollup table whose rows are summed. */
  from: string;
  key: readonly string[];
  shares(rows: string, sign: 1 | -1): string;
}

/** People by id, from `from` up to (not including) `to`, or to the end. */
export interface Slice {
  from: string;
  to: string | null;
}

/** Whose rows a statement computes: the people in a uuid[] parameter, or a slice of everyone (a rebuild). */
export type People = SQL | Slice;

function isSlice(people: People): people is Slice {
  return "from" in people && "to" in people;
}

/** Slices of about `size` people each, by id (random uuids are spread evenly over the range). */
export function slices(people: number, size = 1000): Slice[] {
  const count = Math.max(1, Math.ceil(people / size));
  const bound = (i: number) =>
    `${Math.floor((i * 2 ** 32) / count)
      .toString(16)
      .padStart(8, "0")}-0000-0000-0000-000000000000`;
  return Array.from({ length: count }, (_, i) => ({
    from: bound(i),
    to: i + 1 < count ? bound(i + 1) : null,
  }));
}

export function sliceText(slice: Slice, column: string): string {
  return `${column} >= '${slice.from}'::uuid${slice.to ? ` and ${column} < '${slice.to}'::uuid` : ""}`;
}

/** `column` holds one of the people (`counted`: as listed by the CTE of that name). */
function among(people: People, column: string, counted = false): SQL {
  if (isSlice(people)) return sql.raw(sliceText(people, column));
  return counted
    ? sql`${sql.raw(column)} in (select person_id from counted)`
    : sql`${sql.raw(column)} = any(${people})`;
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
    -- Both sides see the table as it was before this statement: the changes follow from them. Each
    -- is materialized, so that its anti join is planned on its own and hashed: inlined into the
    -- delete, the planner took fresh for a tenth of its size and compared every pair of rows in a
    -- nested loop (town, 200 people: 20,000 x 20,000 rows, seconds per chunk).
    went as materialized (
      select o.* from stored o
      where not exists (select 1 from fresh n where ${sql.raw(same("n", "o", key, values))})
    ),
    came as materialized (
      select n.* from fresh n
      where not exists (select 1 from stored o where ${sql.raw(same("n", "o", key, values))})
    ),
    vanished as materialized (
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
export function episodeFactsFresh(people: People): SQL {
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
        r.service_id, e.started_on - ${localDaySql(sql`r.requested_at`)} as waiting_days,
        max(${sql.raw(end)}) over (${sql.raw(`${byGroup} ${byStart}`)}) as prev_end_in_group,
        max(${sql.raw(end)}) over (${sql.raw(`${byPerson} ${byStart}`)}) as prev_end,
        max(${sql.raw(success)}) over (${sql.raw(`${byGroup} ${before}`)}) as prev_success_in_group,
        max(${sql.raw(success)}) over (${sql.raw(`${byPerson} ${before}`)}) as prev_success,
        min(${sql.raw(success)}) over (${sql.raw(`${byGroup} ${after}`)}) as next_success_in_group,
        min(${sql.raw(success)}) over (${sql.raw(`${byPerson} ${after}`)}) as next_success
      from (
        select f.*, f.successful and ${representedAfter(sql`f.person_id`, sql`f.discharged_on`, null)} as represented
        from (
          select ep.*, coalesce(${successfulDischargeSql("ep")}, false) as successful
          from episodes ep where ${among(people, "ep.person_id")}
        ) f
      ) e
      cross join lateral (values (${everywhere}::uuid), (e.provider_organisation_id)) s(provider_scope)
      left join referrals r on r.id = e.referral_id
    )`;
}

export const episodeSums: Sums[] = [
  {
    table: "report_person_episode_months",
    from: "report_person_episodes",
    key: ["provider_scope", "substance_group", "measure", "month", "key"],
    shares: episodeShares,
  },
  {
    table: "report_person_wait_months",
    from: "report_person_episodes",
    key: ["provider_scope", "substance_group", "service_id", "month", "waiting_days"],
    shares: waitShares,
  },
];

export function refreshEpisodeFacts(people: SQL): SQL {
  return sql`${episodeFactsFresh(people)}${writeChanges("report_person_episodes", episodeKey, episodeValues, people, episodeSums)}`;
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

export const dayKey = ["place_id", "day", "person_id"];
export const dayValues = [
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
export function funnelDaysFresh(people: People): SQL {
  const window = sql.raw(String(referralWindowDays));
  // Next days are read backwards, as in refreshEpisodeFacts.
  const order = "partition by d.place_id, d.person_id order by d.day";
  const neighbours = funnelStages.flatMap(({ bit, name }) => [
    `max(case when d.stages & ${bit} <> 0 then d.day end) over (${order} rows between unbounded preceding and 1 preceding) as prev_${name}`,
    `min(case when d.stages & ${bit} <> 0 then d.day end) over (${order} desc rows between unbounded preceding and 1 preceding) as next_${name}`,
  ]);
  return sql`
    with counted as materialized (
      ${isSlice(people) ? sql.raw(`select id as person_id from people where ${sliceText(people, "id")}`) : sql`select unnest(${people}) as person_id`}
    ),
    -- The people's referrals, and the referrals their episodes started from.
    chain_referral_ids as (
      select r.id from referrals r where ${among(people, "r.person_id", true)}
      union
      select own.referral_id from report_person_episodes own
      where own.provider_scope = ${everywhere}::uuid and own.referral_id is not null
        and ${among(people, "own.person_id", true)}
    ),
    chain_referrals as materialized (
      select r.id, r.person_id, ${localDaySql(sql`r.requested_at`)} as day, ef.person_id as episode_person,
        case when ef.episode_id is null then 0
          else 4 | (case when ef.successful then 8 else 0 end)
            | (case when ef.successful and not ef.represented then 16 else 0 end) end as stages,
        case when ef.successful and not ef.represented then ef.discharged_on end as sustained_discharge
      from chain_referral_ids ids
      join referrals r on r.id = ids.id
      left join report_person_episodes ef on ef.referral_id = r.id and ef.provider_scope = ${everywhere}::uuid
    ),
    chain_contacts as materialized (
      select c.person_id, ${localDaySql(sql`c.occurred_at`)} as day, p.place_id, count(*)::int as contacts
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
      from chain_contacts where ${among(people, "person_id", true)}
      union all
      select place_id, day, contact_person, 0, 2, null
      from chains where ${among(people, "contact_person", true)}
      union all
      select place_id, day, episode_person, 0, stages, sustained_discharge
      from chains where stages <> 0 and ${among(people, "episode_person", true)}
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
    )`;
}

export const funnelSums: Sums = {
  table: "report_person_funnel_months",
  from: "report_person_funnel_days",
  key: ["place_id", "measure", "month", "key"],
  shares: monthShares,
};

export function refreshFunnelDays(people: SQL): SQL {
  return sql`${funnelDaysFresh(people)}${writeChanges("report_person_funnel_days", dayKey, dayValues, people, [funnelSums])}`;
}

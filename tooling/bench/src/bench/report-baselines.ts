/**
 * The raw-SQL baselines for benchmark 2: for each commissioner report, one hand-written query over the
 * raw rows computing the same figures (before disclosure control), with $1 = from, $2 = to, $3 = the
 * day the report is run. Written once here, without Drizzle, tRPC or the report verbs' code, as the
 * best a raw implementation does: London days are turned into ranges of instants, so that the
 * indexes on the timestamp columns (alone or after a person) are used.
 */
const london = (column: string) => `(${column} at time zone 'Europe/London')::date`;
/** The first instant of a London day given as a date expression. */
const startOf = (day: string) => `((${day})::timestamp at time zone 'Europe/London')`;
/** `column` (a timestamptz) falls on a London day from `from` to `to` (date expressions), inclusive. */
const onDays = (column: string, from: string, to: string) =>
  `(${column} >= ${startOf(from)} and ${column} < ${startOf(`(${to}) + 1`)})`;
/** `column` falls on a London day up to the day the report is run. */
const upToToday = (column: string) => `${column} < ${startOf("$3::date + 1")}`;
const successful = (e: string) =>
  `(${e}.discharge_reason in ('completed_drug_free', 'completed_alcohol_free', 'completed_occasional_user')
    and not (${e}.substance_group = 'opiate' and coalesce(${e}.ost_at_exit, false)))`;
const represented = (person: string, discharged: string) => `(
  exists (select 1 from episodes rp where rp.person_id = ${person} and rp.started_on > ${discharged}
    and rp.started_on <= ${discharged} + 182 and rp.started_on <= $3::date)
  or exists (select 1 from referrals rr join services rs on rs.id = rr.service_id
    where rr.person_id = ${person} and rs.code in ('opiate_treatment', 'non_opiate_treatment', 'alcohol_treatment')
      and ${onDays("rr.requested_at", `${discharged} + 1`, `${discharged} + 182`)}
      and ${upToToday("rr.requested_at")}))`;

/** The first day of the year before the period: hotspot activity compares with it. */
const yearBefore = "($1::date - interval '1 year')::date";

export const reportBaselines: Record<string, string> = {
  funnel: `
    with pc as (
      select person_id, ${london("occurred_at")} as day from contacts
      where ${onDays("occurred_at", "$1::date", "$2::date")}),
    cd as (select distinct person_id, day from pc where person_id is not null),
    rf as (
      select distinct r.id, r.person_id from referrals r join cd on cd.person_id = r.person_id
      where ${onDays("r.requested_at", "cd.day", "cd.day + 90")} and ${upToToday("r.requested_at")}),
    st as (
      select e.person_id, e.discharged_on, ${successful("e")} as ok
      from episodes e join rf on rf.id = e.referral_id where e.started_on <= $3::date),
    cp as (
      select s.person_id, s.discharged_on, ${represented("s.person_id", "s.discharged_on")} as represented
      from st s where s.ok and s.discharged_on <= $3::date)
    select (select count(*)::int from pc) as contacts,
      (select count(distinct person_id)::int from cd) as people,
      (select count(distinct person_id)::int from rf) as referred,
      (select count(distinct person_id)::int from st) as started,
      (select count(distinct person_id)::int from cp) as completed,
      (select count(distinct person_id)::int from cp where not represented) as sustained`,
  outcomes: `
    with s as (
      select e.person_id, e.substance_group::text as g, e.discharge_reason::text as reason, e.discharged_on,
        (e.discharged_on between $1::date and $2::date and e.discharged_on <= $3::date) as exited,
        ${successful("e")} as ok
      from episodes e
      where e.started_on <= $2::date and e.started_on <= $3::date
        and (e.discharged_on is null or e.discharged_on >= $1::date)),
    latest as (
      select person_id, g, max(discharged_on) as discharged_on from s where exited and ok group by person_id, g
      union all
      select person_id, null, max(discharged_on) from s where exited and ok group by person_id)
    select 'group' as kind, g, null as reason, count(distinct person_id)::int as a,
      (count(distinct person_id) filter (where exited and ok))::int as b,
      (count(*) filter (where exited))::int as c, (count(*) filter (where exited and ok))::int as d
    from s group by rollup (g)
    union all
    select 'sustained', l.g, null, (count(*) filter (where not ${represented("l.person_id", "l.discharged_on")}))::int, 0, 0, 0
    from latest l group by l.g
    union all
    select 'exits', g, reason, count(*)::int, 0, 0, 0 from s where exited group by g, reason`,
  waitingTimes: `
    select sv.id::text, sv.name, count(*)::int as started,
      (count(*) filter (where e.started_on - ${london("r.requested_at")} > 21))::int as over,
      (percentile_cont(0.5) within group (order by e.started_on - ${london("r.requested_at")}))::float8 as median
    from episodes e join referrals r on r.id = e.referral_id join services sv on sv.id = r.service_id
    where e.started_on between $1::date and $2::date and e.started_on <= $3::date
    group by rollup ((sv.id, sv.name))`,
  hotspotActivity: `
    with a as (
      select 'contacts' as measure, hotspot_id, ${london("occurred_at")} as day, 1 as n from contacts
      where ${onDays("occurred_at", yearBefore, "$2::date")}
      union all select 'reports', hotspot_id, ${london("submitted_at")}, 1 from community_reports
      where ${onDays("submitted_at", yearBefore, "$2::date")}
      union all select 'needles', hotspot_id, ${london("found_at")}, count from needle_finds
      where ${onDays("found_at", yearBefore, "$2::date")})
    select measure, hotspot_id, 'current' as window, to_char(day, 'YYYY-MM') as month, sum(n)::int as n
    from a where day between $1::date and $2::date and day <= $3::date group by 1, 2, 4
    union all
    select measure, hotspot_id, 'year_before', to_char(day + interval '1 year', 'YYYY-MM'), sum(n)::int
    from a where day between ($1::date - interval '1 year')::date and ($2::date - interval '1 year')::date
    group by 1, 2, 4`,
  safeguarding: `
    select 'concern' as kind, to_char(${london("c.occurred_at")}, 'YYYY-MM') as month, x.concern::text as key, count(*)::int as n
    from contacts c cross join lateral unnest(c.safeguarding_concerns) as x(concern)
    where ${onDays("c.occurred_at", "$1::date", "$2::date")} and ${upToToday("c.occurred_at")}
    group by 2, 3
    union all
    select 'referral', null, r.status::text, count(*)::int
    from referrals r join services sv on sv.id = r.service_id
    where sv.code = 'safeguarding_social_care' and ${onDays("r.requested_at", "$1::date", "$2::date")}
      and ${upToToday("r.requested_at")}
    group by 3`,
};

import { type Executor, sql } from "@pathways/db";
import {
  type FunnelInput,
  type FunnelReport,
  type FunnelStage,
  reportDefinitions,
} from "@pathways/validators";
import { addDays, localDaySql } from "../calendar.ts";
import type { VerbArgs } from "../context.ts";
import { successfulDischargeSql } from "../rules/discharge.ts";
import { referralWindowDays, representationWindowDays } from "../rules/pathway-windows.ts";
import {
  day,
  firstDayAfterWindow,
  hotspotOf,
  inRanges,
  onDays,
  periodMonths,
  type ReportScope,
  reportHeader,
  reportScope,
  representedAfter,
} from "./common.ts";
import { dayRollupCounts, dayRollupMeasure, dayRollupsAnswer, yearsOfMonths } from "./day-rollups.ts";
import { monthProfile } from "./disclosure.ts";
import {
  contactsMeasure,
  everywhere,
  freshness,
  funnelStages,
  personRollupsAnswer,
  sustainedMeasure,
} from "./person-rollups.ts";
import { reportRows } from "./rollup-turns.ts";

export interface FunnelRow {
  contacts: number;
  people_contacted: number;
  referred: number;
  started_treatment: number;
  completed: number;
  sustained: number;
  /** The latest discharge among completions not (yet) followed by a re-presentation. */
  last_open_completion: string | null;
}

/** What a funnel report counts, before disclosure control. */
export interface FunnelQuery {
  from: string;
  to: string;
  hotspotId: string | null;
  /** The day the report is run (Europe/London). */
  today: string;
}

/**
 * The outreach-to-recovery funnel (DOMAIN.md "Outreach funnel"), each stage a subset of the one
 * before: contacts in the period (at the hotspot), the people named on them, those referred on the
 * day of one of those contacts or within 90 days after it, those who started an episode from such a
 * referral, those whose episode ended successfully, and those with no re-presentation within 182 days.
 * Referrals, starts and discharges count up to the day the report is run.
 */
export async function funnelReport(args: VerbArgs<FunnelInput>): Promise<FunnelReport> {
  return funnelReportFor(reportScope(args.ctx, reportDefinitions.funnel.readers, args.input), args);
}

/** The funnel for a reader whose scope (and so disclosure control) the verb has worked out. */
export async function funnelReportFor(
  scope: ReportScope,
  { ctx, input }: VerbArgs<FunnelInput>,
): Promise<FunnelReport> {
  const hotspot = await hotspotOf(ctx, input.hotspotId);
  const query = { from: input.from, to: input.to, hotspotId: hotspot?.id ?? null, today: scope.today };
  const rollups = await personRollupsAnswer(ctx.db, scope.today);
  const row = rollups ? await funnelFromRollups(ctx.db, query) : await funnelFromRaw(ctx.db, query);

  const { disclosure } = scope;
  // Every stage counts records that follow from the contacts at the place in the period: their months
  // describe the cells, so the contacts figure is the same cell as the hotspot activity report's.
  const place = hotspot?.id ?? "everywhere";
  const contacts = disclosure.enabled ? await contactMonths(ctx, query) : "";
  const stages: [FunnelStage, number][] = [
    ["contacts", row.contacts],
    ["people_contacted", row.people_contacted],
    ["referred", row.referred],
    ["started_treatment", row.started_treatment],
    ["completed", row.completed],
    ["sustained", row.sustained],
  ];
  const counts = stages.map(([stage, value]) =>
    disclosure.count(value, `${stage === "contacts" ? "contacts" : `funnel:${stage}`}|${place}|${contacts}`),
  );
  const lastOpenCompletion = disclosure.recordDay(row.last_open_completion, counts.at(-1)!);
  const sustainedFinalOn = lastOpenCompletion
    ? firstDayAfterWindow(lastOpenCompletion, representationWindowDays)
    : null;
  return {
    ...reportHeader(scope, input, hotspot),
    ...freshness(rollups),
    stages: stages.map(([stage], index) => ({
      stage,
      count: disclosure.figure(counts[index]!),
      // Contacts and people are different units; from "referred" on, each stage is a share of people.
      shareOfPrevious: index >= 2 ? disclosure.percent(counts[index]!, counts[index - 1]!) : null,
    })),
    sustainedProvisional: sustainedFinalOn !== null && scope.today < sustainedFinalOn,
    sustainedFinalOn,
  };
}

/** The months of the period holding contacts at the place, with how many (up to the day the report is run). */
async function contactMonths(ctx: VerbArgs<unknown>["ctx"], query: FunnelQuery): Promise<string> {
  await dayRollupsAnswer(ctx.db);
  const rows = await dayRollupCounts(ctx.db, {
    windows: [
      {
        window: "current",
        from: query.from,
        to: query.to < query.today ? query.to : query.today,
        shiftYears: 0,
      },
    ],
    measures: [dayRollupMeasure.contacts],
    hotspotId: query.hotspotId,
    byPlace: false,
  });
  return monthProfile(rows.map((row) => [row.month, row.n] as const));
}

/** The funnel from the raw rows: the reference the rollups are tested against. */
export async function funnelFromRaw(db: Executor, query: FunnelQuery): Promise<FunnelRow> {
  const contactDay = localDaySql(sql`c.occurred_at`);
  const requestedDay = localDaySql(sql`r.requested_at`);
  const today = day(query.today);
  const [row] = await reportRows<FunnelRow>(
    db,
    sql`
      with period_contacts as (
        select c.person_id, ${contactDay} as day
        from contacts c
        where ${onDays(sql`c.occurred_at`, query.from, query.to)}
          ${query.hotspotId ? sql`and c.hotspot_id = ${query.hotspotId}::uuid` : sql``}
      ),
      contact_days as (
        select distinct person_id, day from period_contacts where person_id is not null
      ),
      -- Each referral's London day is worked out once, not once per contact it is compared with.
      candidate_referrals as materialized (
        select r.id, r.person_id, ${requestedDay} as day
        from referrals r
        where r.person_id in (select person_id from contact_days)
          and ${onDays(sql`r.requested_at`, query.from, addDays(query.to, referralWindowDays))}
      ),
      referred as (
        select distinct cr.id, cr.person_id
        from candidate_referrals cr
        join contact_days cd on cd.person_id = cr.person_id
        where cr.day between cd.day and cd.day + ${sql.raw(String(referralWindowDays))}
          and cr.day <= ${today}
      ),
      started as (
        select e.person_id, e.discharged_on, ${successfulDischargeSql("e")} as successful
        from episodes e
        join referred r on r.id = e.referral_id
        where e.started_on <= ${today}
      ),
      completed as (
        select s.person_id, s.discharged_on,
          ${representedAfter(sql`s.person_id`, sql`s.discharged_on`, query.today)} as represented
        from started s
        where s.successful and s.discharged_on <= ${today}
      )
      select
        (select count(*)::int from period_contacts) as contacts,
        (select count(distinct person_id)::int from contact_days) as people_contacted,
        (select count(distinct person_id)::int from referred) as referred,
        (select count(distinct person_id)::int from started) as started_treatment,
        (select count(distinct person_id)::int from completed) as completed,
        (select count(distinct person_id)::int from completed where not represented) as sustained,
        (select max(discharged_on)::text from completed where not represented) as last_open_completion
    `,
  );
  if (!row) throw new Error("The funnel query returned no row");
  return row;
}

/**
 * The funnel from the person rollups (valid when personRollupsAnswer says so). A person counts at a
 * stage on their first day in the period that reached it: the day whose previous such day (at the
 * place) falls before the period. Whole months come from the month sums (each person's first day of
 * the month at a stage, by the month of their previous one); the part-months at either end come from
 * the days, and so do the first days in the whole months whose previous day falls in `from`'s month
 * before `from` (found from that day, through its next day). Short statements: the month sums a
 * calendar year at a time.
 */
export async function funnelFromRollups(db: Executor, query: FunnelQuery): Promise<FunnelRow> {
  const place = sql`${query.hotspotId ?? everywhere}::uuid`;
  const from = day(query.from);
  const { whole, parts, fromMonth, before } = periodMonths(query.from, query.to);
  const inParts = inRanges(sql`f.day`, parts);
  const inBefore = whole ? inRanges(sql`f.day`, [before]) : sql`false`;

  // A statement per calendar year of whole months (sums add up, latest days compare): one statement
  // over five years held PGlite for about 114 ms, and a contact being logged waited for all of it.
  const monthly: StageSums[] = [];
  for (const run of whole ? yearsOfMonths(whole.firstMonth, whole.lastMonth) : []) {
    const [year] = await reportRows<StageSums>(
      db,
      sql`select
            (sum(m.n) filter (where m.measure = ${contactsMeasure}))::int as contacts,
            ${sql.join(
              funnelStages.map(
                (_, measure) =>
                  sql`(sum(m.n) filter (where m.measure = ${measure} and m.key < ${day(fromMonth)}))::int
                    as ${sql.raw(`stage${measure}`)}`,
              ),
              sql`, `,
            )},
            (select max(s.key) from report_person_funnel_months s
              where s.place_id = ${place} and s.measure = ${sustainedMeasure} and s.n > 0
                and s.month between ${day(run.from)} and ${day(run.to)})::text as latest
          from report_person_funnel_months m
          where m.place_id = ${place}
            and m.measure = any(${`{${[...funnelStages.keys(), contactsMeasure].join(",")}}`}::smallint[])
            and m.month between ${day(run.from)} and ${day(run.to)}`,
    );
    if (year) monthly.push(year);
  }
  const [daily] =
    parts.length || (whole && before)
      ? await reportRows<StageSums>(
          db,
          sql`select
              (sum(f.contacts) filter (where ${inParts}))::int as contacts,
              ${sql.join(
                funnelStages.map(({ bit, name }, measure) => {
                  const previous = sql.raw(`f.prev_${name}`);
                  const next = inRanges(sql.raw(`f.next_${name}`), [whole]);
                  return sql`(count(*) filter (where f.stages & ${sql.raw(String(bit))} <> 0
                    and ((${inParts} and (${previous} is null or ${previous} < ${from})) or (${inBefore} and ${next}))))::int
                    as ${sql.raw(`stage${measure}`)}`;
                }),
                sql`, `,
              )},
              (max(f.sustained_discharge) filter (where ${inParts}))::text as latest
            from report_person_funnel_days f
            where f.place_id = ${place} and (${inParts} or ${inBefore})`,
        )
      : [];
  const [anonymous] = await reportRows<{ contacts: number }>(
    db,
    sql`select coalesce(sum(a.contacts), 0)::int as contacts from report_person_anonymous_days a
      where a.place_id = ${place} and a.day between ${from} and ${day(query.to)}`,
  );
  const sum = (column: keyof StageSums) =>
    [...monthly, daily].reduce((total, part) => total + Number(part?.[column] ?? 0), 0);
  const latest = [...monthly, daily]
    .map((part) => part?.latest)
    .filter((value) => value != null)
    .sort();
  return {
    contacts: sum("contacts") + (anonymous?.contacts ?? 0),
    people_contacted: sum("stage0"),
    referred: sum("stage1"),
    started_treatment: sum("stage2"),
    completed: sum("stage3"),
    sustained: sum("stage4"),
    last_open_completion: latest.at(-1) ?? null,
  };
}

/** Contacts and people at each stage (in funnelStages order) over some of a period, and the latest sustained completion. */
interface StageSums {
  contacts: number | null;
  stage0: number | null;
  stage1: number | null;
  stage2: number | null;
  stage3: number | null;
  stage4: number | null;
  latest: string | null;
}

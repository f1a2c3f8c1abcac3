import { queryRows, sql } from "@pathways/db";
import type { FunnelInput, FunnelReport, FunnelStage } from "@pathways/validators";
import { addDays } from "../calendar.ts";
import type { VerbArgs } from "../context.ts";
import {
  day,
  dayOf,
  firstDayAfterWindow,
  hotspotOf,
  onDays,
  referralWindowDays,
  reportHeader,
  reportScope,
  representationDays,
  representedAfter,
  successfulDischarge,
} from "./common.ts";

interface FunnelRow {
  contacts: number;
  people_contacted: number;
  referred: number;
  started_treatment: number;
  completed: number;
  sustained: number;
  /** The latest discharge among completions not (yet) followed by a re-presentation. */
  last_open_completion: string | null;
}

/**
 * The outreach-to-recovery funnel (DOMAIN.md "Outreach funnel"), each stage a subset of the one
 * before: contacts in the period (at the hotspot), the people named on them, those referred on the
 * day of one of those contacts or within 90 days after it, those who started an episode from such a
 * referral, those whose episode ended successfully, and those with no re-presentation within 182 days.
 * Referrals, starts and discharges count up to the day the report is run.
 */
export async function funnelReport({ ctx, input }: VerbArgs<FunnelInput>): Promise<FunnelReport> {
  const scope = reportScope(ctx, ["commissioner"]);
  const hotspot = await hotspotOf(ctx, input.hotspotId);
  const contactDay = dayOf(sql`c.occurred_at`);
  const requestedDay = dayOf(sql`r.requested_at`);
  const today = day(scope.today);
  const [row] = await queryRows<FunnelRow>(
    ctx.db,
    sql`
      with period_contacts as (
        select c.person_id, ${contactDay} as day
        from contacts c
        where ${onDays(sql`c.occurred_at`, input.from, input.to)}
          ${hotspot ? sql`and c.hotspot_id = ${hotspot.id}::uuid` : sql``}
      ),
      contact_days as (
        select distinct person_id, day from period_contacts where person_id is not null
      ),
      -- Each referral's London day is worked out once, not once per contact it is compared with.
      candidate_referrals as materialized (
        select r.id, r.person_id, ${requestedDay} as day
        from referrals r
        where r.person_id in (select person_id from contact_days)
          and ${onDays(sql`r.requested_at`, input.from, addDays(input.to, referralWindowDays))}
      ),
      referred as (
        select distinct cr.id, cr.person_id
        from candidate_referrals cr
        join contact_days cd on cd.person_id = cr.person_id
        where cr.day between cd.day and cd.day + ${sql.raw(String(referralWindowDays))}
          and cr.day <= ${today}
      ),
      started as (
        select e.person_id, e.discharged_on, ${successfulDischarge("e")} as successful
        from episodes e
        join referred r on r.id = e.referral_id
        where e.started_on <= ${today}
      ),
      completed as (
        select s.person_id, s.discharged_on,
          ${representedAfter(sql`s.person_id`, sql`s.discharged_on`, scope.today)} as represented
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

  const { disclosure } = scope;
  const stages: [FunnelStage, number][] = [
    ["contacts", row.contacts],
    ["people_contacted", row.people_contacted],
    ["referred", row.referred],
    ["started_treatment", row.started_treatment],
    ["completed", row.completed],
    ["sustained", row.sustained],
  ];
  const counts = stages.map(([, value]) => disclosure.count(value));
  disclosure.apply();
  const sustainedFinalOn = row.last_open_completion
    ? firstDayAfterWindow(row.last_open_completion, representationDays)
    : null;
  return {
    ...reportHeader(scope, input, hotspot),
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

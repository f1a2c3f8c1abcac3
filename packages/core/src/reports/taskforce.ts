import { type Executor, queryRows, type SQL, sql } from "@pathways/db";
import {
  arrestOffences,
  drugClasses,
  patrolStyles,
  type TaskforceReport,
  type TaskforceReportInput,
  weaponKinds,
} from "@pathways/validators";
import type { VerbArgs } from "../context.ts";
import { taskforceReader } from "../taskforce/access.ts";
import { hotspotOf, onDays, type ReportScope, reportHeader } from "./common.ts";
import { funnelFromRaw, funnelFromRollups } from "./funnel.ts";
import { freshness, personRollupsAnswer } from "./person-rollups.ts";

/** Taskforce activity in the period, grouped as the report's tables break it down. */
interface ActivityGroup {
  kind: string;
  patrol_style: string | null;
  offence: string | null;
  drug_class: string | null;
  drug_unit: string | null;
  n: number;
  arrests: number;
  drug_quantity: number;
  cash_seizures: number;
  cash_pounds: number;
  knives: number;
  firearms: number;
  other_weapons: number;
}

/** The taskforce activity of the period at the place, the reader's own taskforce's (admins: all). */
async function activityGroups(
  db: Executor,
  place: { from: string; to: string; hotspotId: string | null },
  organisationId: string | null,
): Promise<ActivityGroup[]> {
  return queryRows<ActivityGroup>(
    db,
    sql`select t.kind::text as kind, t.patrol_style::text as patrol_style, t.offence::text as offence,
        t.drug_class::text as drug_class, t.drug_unit::text as drug_unit,
        count(*)::int as n,
        coalesce(sum(t.arrest_count), 0)::int as arrests,
        coalesce(sum(t.drug_quantity), 0)::float8 as drug_quantity,
        count(t.cash_pounds)::int as cash_seizures,
        coalesce(sum(t.cash_pounds), 0)::int as cash_pounds,
        coalesce(sum(t.knives), 0)::int as knives,
        coalesce(sum(t.firearms), 0)::int as firearms,
        coalesce(sum(t.other_weapons), 0)::int as other_weapons
      from taskforce_activity t
      where ${onDays(sql`t.occurred_at`, place.from, place.to)}
        ${atPlace(sql`t.hotspot_id`, place.hotspotId)}
        ${organisationId ? sql`and t.organisation_id = ${organisationId}::uuid` : sql``}
      group by 1, 2, 3, 4, 5`,
  );
}

function atPlace(column: SQL, hotspotId: string | null): SQL {
  return hotspotId ? sql`and ${column} = ${hotspotId}::uuid` : sql``;
}

/**
 * Needles collected (the needle finds' counts) and community reporters updated: distinct addresses
 * sent, or queued to be sent, an update on a report at the place in the period (a failed one is not).
 */
async function placeCounts(db: Executor, place: { from: string; to: string; hotspotId: string | null }) {
  const [row] = await queryRows<{ needles: number; reporters: number }>(
    db,
    sql`select
      (select coalesce(sum(n.count), 0)::int from needle_finds n
        where ${onDays(sql`n.found_at`, place.from, place.to)} ${atPlace(sql`n.hotspot_id`, place.hotspotId)}) as needles,
      (select count(distinct lower(o.recipient))::int from outbox_messages o
        join community_report_events e on e.id = o.report_event_id
        join community_reports r on r.id = e.report_id
        where o.status <> 'failed' and ${onDays(sql`e.at`, place.from, place.to)}
          ${atPlace(sql`r.hotspot_id`, place.hotspotId)}) as reporters`,
  );
  return row ?? { needles: 0, reporters: 0 };
}

/**
 * The taskforce period report (docs/decisions/0084-taskforce-report.md). People, referrals and
 * completions are the outreach funnel's own stages at the place (one definition, the funnel's query);
 * the rest are plain sums of the activity log, needle finds and the community reports' outbox.
 * Its readers (taskforce staff, admins) see exact figures: no commissioner runs it.
 */
export async function taskforceReportFor(
  scope: ReportScope,
  { ctx, input }: VerbArgs<TaskforceReportInput>,
): Promise<TaskforceReport> {
  const { organisationId } = taskforceReader(ctx.actor);
  const hotspot = await hotspotOf(ctx, input.hotspotId);
  const place = { from: input.from, to: input.to, hotspotId: hotspot?.id ?? null };
  const rollups = await personRollupsAnswer(ctx.db, scope.today);
  const query = { ...place, today: scope.today };
  const funnel = rollups ? await funnelFromRollups(ctx.db, query) : await funnelFromRaw(ctx.db, query);
  const groups = await activityGroups(ctx.db, place, organisationId);
  const { needles, reporters } = await placeCounts(ctx.db, place);

  const total = (rows: ActivityGroup[], column: keyof ActivityGroup) =>
    rows.reduce((sum, row) => sum + Number(row[column]), 0);
  const ofKind = (kind: string) => groups.filter((row) => row.kind === kind);
  const seizures = ofKind("seizure");
  return {
    ...reportHeader(scope, input, hotspot),
    ...freshness(rollups),
    contacts: funnel.contacts,
    peopleReached: funnel.people_contacted,
    peopleReferred: funnel.referred,
    completions: funnel.completed,
    reportersUpdated: reporters,
    needlesCollected: needles,
    arrests: arrestOffences.map((offence) => ({
      offence,
      arrests: total(
        ofKind("arrest").filter((row) => row.offence === offence),
        "arrests",
      ),
    })),
    drugSeizures: drugClasses.map((drugClass) => {
      const rows = seizures.filter((row) => row.drug_class === drugClass);
      return {
        drugClass,
        seizures: total(rows, "n"),
        quantities: rows.map((row) => ({
          unit: row.drug_unit as TaskforceReport["drugSeizures"][number]["quantities"][number]["unit"],
          quantity: Math.round(row.drug_quantity * 100) / 100,
        })),
      };
    }),
    cashSeizures: total(seizures, "cash_seizures"),
    cashPounds: total(seizures, "cash_pounds"),
    weapons: weaponKinds.map((kind) => ({
      kind,
      found: total(seizures, kind === "knife" ? "knives" : kind === "firearm" ? "firearms" : "other_weapons"),
    })),
    patrols: patrolStyles.map((style) => ({
      style,
      patrols: total(
        ofKind("patrol").filter((row) => row.patrol_style === style),
        "n",
      ),
    })),
    searches: total(ofKind("search"), "n"),
    warrants: total(ofKind("warrant"), "n"),
    environmentalActions: total(ofKind("environmental_action"), "n"),
    needleSweeps: total(ofKind("needle_sweep"), "n"),
  };
}

import { type Executor, type SQL, sql } from "@pathways/db";
import {
  type ExitsByReasonRow,
  type OutcomesInput,
  type OutcomesReport,
  type OutcomesRow,
  reportDefinitions,
} from "@pathways/validators";
import {
  type DischargeReason,
  dischargeReasons,
  type SubstanceGroup,
  substanceGroups,
} from "@pathways/validators/codes";
import type { VerbArgs } from "../context.ts";
import { successfulDischargeSql } from "../rules/discharge.ts";
import { dischargedInPeriodSql, openInPeriodSql } from "../rules/in-treatment.ts";
import { representationWindowDays } from "../rules/pathway-windows.ts";
import {
  day,
  type EpisodeQuery,
  episodeCellPeriod,
  episodeQuery,
  firstDayAfterWindow,
  inRanges,
  periodMonths,
  type ReportScope,
  reportHeader,
  reportScope,
  representedAfter,
} from "./common.ts";
import { yearsOfMonths } from "./day-rollups.ts";
import type { Count } from "./disclosure.ts";
import { episodeMeasure, everywhere, freshness, personRollupsAnswer } from "./person-rollups.ts";
import { reportRows } from "./rollup-turns.ts";

export interface GroupRow {
  /** null: across substance groups. */
  substance_group: SubstanceGroup | null;
  in_treatment: number;
  completions: number;
  discharges: number;
  successful_discharges: number;
}

export interface ExitRow {
  substance_group: SubstanceGroup;
  discharge_reason: DischargeReason;
  n: number;
}

/** An outcomes report's figures before disclosure control. */
export interface OutcomesFigures {
  groupRows: GroupRow[];
  sustainedRows: { substance_group: SubstanceGroup | null; sustained: number }[];
  exitRows: ExitRow[];
}

/**
 * Treatment outcomes by substance group (DOMAIN.md "Measures"): people in treatment; people
 * discharged successfully in the period (opiate: not on OST at exit) as a share of them; those whose
 * latest successful discharge had no re-presentation within 182 days (provisional until 182 days
 * after `to` have passed); successful discharges as a share of all discharges; discharges by reason.
 */
export async function outcomesReport(args: VerbArgs<OutcomesInput>): Promise<OutcomesReport> {
  return outcomesReportFor(reportScope(args.ctx, reportDefinitions.outcomes.readers, args.input), args);
}

/** The outcomes for a reader whose scope (and so disclosure control) the verb has worked out. */
export async function outcomesReportFor(
  scope: ReportScope,
  { ctx, input }: VerbArgs<OutcomesInput>,
): Promise<OutcomesReport> {
  const query = episodeQuery(scope, input);
  const rollups = await personRollupsAnswer(ctx.db, scope.today);
  const period = await episodeCellPeriod(ctx, scope, input);
  const { groupRows, sustainedRows, exitRows } = rollups
    ? await outcomesFromRollups(ctx.db, query)
    : await outcomesFromRaw(ctx.db, query);

  const groups: SubstanceGroup[] = input.substanceGroup ? [input.substanceGroup] : [...substanceGroups];
  // With one group, its row is the total: the "all groups" figures would only repeat it.
  const rowKeys: (SubstanceGroup | null)[] = groups.length > 1 ? [...groups, null] : groups;
  const { disclosure } = scope;

  // A cell is described by what it counts, the substance group, and the period cut to the months
  // episodes are held for (docs/DISCLOSURE.md); totals across groups are cells of their own.
  const cell = (what: string, group: SubstanceGroup | null, value: number) =>
    disclosure.count(value, `outcomes:${what}|${group ?? "all"}|${period}`);
  const cellsOf = (key: SubstanceGroup | null) => {
    const row = groupRows.find((r) => r.substance_group === key);
    const sustained = sustainedRows.find((r) => r.substance_group === key)?.sustained ?? 0;
    return {
      inTreatment: cell("in_treatment", key, row?.in_treatment ?? 0),
      completions: cell("completions", key, row?.completions ?? 0),
      sustained: cell("without_representation", key, sustained),
      discharges: cell("discharges", key, row?.discharges ?? 0),
      successfulDischarges: cell("successful_discharges", key, row?.successful_discharges ?? 0),
    };
  };
  const cells = new Map(rowKeys.map((key) => [key, cellsOf(key)]));
  const groupCells = groups.map((group) => cells.get(group)!);
  const totalCells = cells.get(groups.length > 1 ? null : groups[0]!)!;

  // Discharges by reason: reasons down, groups across; its margins are the discharge counts above.
  const reasonCells = dischargeReasons.map((reason) => {
    const ofReason = exitRows.filter((r) => r.discharge_reason === reason);
    const byGroup = groups.map((group) =>
      cell(`discharges:${reason}`, group, ofReason.find((r) => r.substance_group === group)?.n ?? 0),
    );
    const total =
      groups.length > 1
        ? cell(
            `discharges:${reason}`,
            null,
            ofReason.reduce((sum, r) => sum + r.n, 0),
          )
        : byGroup[0]!;
    return { reason, byGroup, total };
  });

  const figure = (cell: Count) => disclosure.figure(cell);
  const rows: OutcomesRow[] = rowKeys.map((key) => {
    const c = cells.get(key)!;
    return {
      substanceGroup: key,
      inTreatment: figure(c.inTreatment),
      successfulCompletions: figure(c.completions),
      successfulCompletionShare: disclosure.percent(c.completions, c.inTreatment),
      completionsWithoutRepresentation: figure(c.sustained),
      withoutRepresentationShare: disclosure.percent(c.sustained, c.inTreatment),
      discharges: figure(c.discharges),
      successfulDischarges: figure(c.successfulDischarges),
      successfulShareOfExits: disclosure.percent(c.successfulDischarges, c.discharges),
    };
  });
  const exitsByReason: ExitsByReasonRow[] = [
    ...reasonCells.map((r) => ({
      dischargeReason: r.reason,
      bySubstanceGroup: r.byGroup.map(figure),
      total: figure(r.total),
    })),
    {
      dischargeReason: null,
      bySubstanceGroup: groupCells.map((c) => figure(c.discharges)),
      total: figure(totalCells.discharges),
    },
  ];
  const finalOn = firstDayAfterWindow(input.to, representationWindowDays);
  return {
    ...reportHeader(scope, input, null),
    ...freshness(rollups),
    substanceGroups: groups,
    rows,
    exitsByReason,
    withoutRepresentationProvisional: scope.today < finalOn,
    withoutRepresentationFinalOn: finalOn,
  };
}

/**
 * Episodes open on any day of the period (the "in treatment" population), flagged with whether they
 * ended in the period and whether that ending was successful. Only the given provider's episodes when
 * the report is a provider's own.
 */
function episodesInPeriod(query: EpisodeQuery): SQL {
  return sql`
    scoped as (
      select e.person_id, e.substance_group, e.discharge_reason, e.discharged_on,
        ${dischargedInPeriodSql("e", query)} as exited,
        ${successfulDischargeSql("e")} as successful
      from episodes e
      where ${openInPeriodSql("e", query)}
        ${query.providerId ? sql`and e.provider_organisation_id = ${query.providerId}::uuid` : sql``}
        ${query.substanceGroup ? sql`and e.substance_group::text = ${query.substanceGroup}` : sql``}
    )`;
}

/** The outcome figures from the raw rows: the reference the rollups are tested against. */
export async function outcomesFromRaw(db: Executor, query: EpisodeQuery): Promise<OutcomesFigures> {
  const scoped = episodesInPeriod(query);
  const groupRows = await reportRows<GroupRow>(
    db,
    sql`
      with ${scoped}
      select s.substance_group::text as substance_group,
        (count(distinct s.person_id))::int as in_treatment,
        (count(distinct s.person_id) filter (where s.exited and s.successful))::int as completions,
        (count(*) filter (where s.exited))::int as discharges,
        (count(*) filter (where s.exited and s.successful))::int as successful_discharges
      from scoped s
      group by rollup (s.substance_group)
    `,
  );

  // PHOF C19: a person counts once, by their latest successful discharge in the period (per group,
  // and across groups for the total).
  const sustainedRows = await reportRows<{ substance_group: SubstanceGroup | null; sustained: number }>(
    db,
    sql`
      with ${scoped},
      latest as (
        select s.person_id, s.substance_group::text as substance_group, max(s.discharged_on) as discharged_on
        from scoped s where s.exited and s.successful
        group by s.person_id, s.substance_group
        union all
        select s.person_id, null::text, max(s.discharged_on)
        from scoped s where s.exited and s.successful
        group by s.person_id
      )
      select l.substance_group,
        (count(*) filter (where not ${representedAfter(sql`l.person_id`, sql`l.discharged_on`, query.today)}))::int
          as sustained
      from latest l
      group by l.substance_group
    `,
  );

  const exitRows = await reportRows<ExitRow>(
    db,
    sql`
      with ${scoped}
      select s.substance_group::text as substance_group, s.discharge_reason::text as discharge_reason,
        count(*)::int as n
      from scoped s
      where s.exited
      group by s.substance_group, s.discharge_reason
    `,
  );
  return { groupRows, sustainedRows, exitRows };
}

/**
 * The outcome figures from the episode rollups (valid when personRollupsAnswer says so). A person
 * counts once in treatment by their first episode (by start) open in the period, i.e. the one whose
 * earlier episodes all ended before the period: either it started before `from` and is open on it
 * (started-before-`from` minus ended-before-`from`, counted from episodes whose earlier ones had
 * ended), or it started in the period. They count once among completions by their first successful
 * discharge in the period, and once in PHOF C19 by their last. Whole months come from the month sums,
 * the days around `from` and `to` from the episodes, in short statements.
 */
export async function outcomesFromRollups(db: Executor, query: EpisodeQuery): Promise<OutcomesFigures> {
  const from = day(query.from);
  const to = day(query.to);
  const scope = sql`${query.providerId ?? everywhere}::uuid`;
  const ofGroup = query.substanceGroup ? sql`and x.substance_group::text = ${query.substanceGroup}` : sql``;
  const { whole, parts, fromMonth, before, toMonth, after } = periodMonths(query.from, query.to);
  const m = episodeMeasure;
  const bothWays = (...measures: number[]) =>
    sql.raw(measures.flatMap((measure) => [measure, measure + m.acrossGroups]).join(", "));

  /** Month sums per group and measure, of the months `which` picks (the figures below add up the rows). */
  const sumsOf = (which: SQL) =>
    reportRows<{
      substance_group: SubstanceGroup;
      measure: number;
      reason: DischargeReason | null;
      n: number;
    }>(
      db,
      sql`select x.substance_group::text as substance_group, x.measure,
          case when x.measure >= ${m.dischargesBy}
            then (enum_range(null::discharge_reason))[x.measure - ${m.dischargesBy} + 1]::text end as reason,
          sum(x.n)::int as n
        from report_person_episode_months x
        where x.provider_scope = ${scope} ${ofGroup} and ${which}
        group by x.substance_group, x.measure`,
    );
  // Episodes open on `from`, from the months before it; then the period's whole months a calendar
  // year per statement: over five years one statement held PGlite for 110-124 ms, and a contact being
  // logged waited for all of it.
  const sums = await sumsOf(
    sql`x.measure in (${bothWays(m.openFrom, m.closedFrom)}) and x.month < ${day(fromMonth)}`,
  );
  for (const run of whole ? yearsOfMonths(whole.firstMonth, whole.lastMonth) : []) {
    sums.push(
      ...(await sumsOf(sql`x.month between ${day(run.from)} and ${day(run.to)}
        and ((x.measure in (${bothWays(m.firstStart, m.firstCompletion)}) and x.key < ${day(fromMonth)})
          or (x.measure in (${bothWays(m.lastSustained)}) and x.key > ${day(toMonth)})
          or x.measure >= ${m.successfulDischarges})`)),
    );
  }

  const ways = [
    { name: "in_group", suffix: "_in_group", base: 0 },
    { name: "across", suffix: "", base: m.acrossGroups },
  ] as const;
  const started = inRanges(sql`x.started_on`, parts);
  const discharged = inRanges(sql`x.discharged_on`, parts);
  const beforeFrom = (column: SQL) => inRanges(column, [before]);
  const edges = await reportRows<EdgeCounts>(
    db,
    sql`select x.substance_group::text as substance_group, x.discharge_reason::text as discharge_reason,
        ${sql.join(
          ways.flatMap(({ name, suffix }) => {
            const ended = sql.raw(`x.prev_end${suffix}`);
            const previous = sql.raw(`x.prev_success${suffix}`);
            const next = sql.raw(`x.next_success${suffix}`);
            return [
              sql`(count(*) filter (where ${beforeFrom(sql`greatest(x.started_on, ${ended})`)}))::int
                as ${sql.raw(`open_${name}`)}`,
              sql`(count(*) filter (where ${beforeFrom(sql`greatest(coalesce(x.discharged_on, 'infinity'::date), ${ended})`)}))::int
                as ${sql.raw(`closed_${name}`)}`,
              sql`(count(*) filter (where (${started} and (${ended} is null or ${ended} < ${from}))
                or (${inRanges(sql`x.started_on`, [whole])} and ${beforeFrom(ended)})))::int
                as ${sql.raw(`starts_${name}`)}`,
              sql`(count(*) filter (where x.successful and ((${discharged} and (${previous} is null or ${previous} < ${from}))
                or (${beforeFrom(sql`x.discharged_on`)} and ${inRanges(next, [whole])}))))::int
                as ${sql.raw(`completions_${name}`)}`,
              sql`(count(*) filter (where x.successful and not x.represented
                and ((${discharged} and (${next} is null or ${next} > ${to}))
                  or (${inRanges(sql`x.discharged_on`, [whole])} and ${inRanges(next, [after])}))))::int
                as ${sql.raw(`sustained_${name}`)}`,
            ];
          }),
          sql`, `,
        )},
        (count(*) filter (where ${discharged}))::int as discharges,
        (count(*) filter (where ${discharged} and x.successful))::int as successful_discharges
      from report_person_episodes x
      where x.provider_scope = ${scope} ${ofGroup}
        and (${inRanges(sql`x.started_on`, [...parts, before])} or ${inRanges(sql`x.discharged_on`, [...parts, before])}
          or ${beforeFrom(sql`x.prev_end_in_group`)} or ${beforeFrom(sql`x.prev_end`)}
          or ${inRanges(sql`x.next_success_in_group`, [after])} or ${inRanges(sql`x.next_success`, [after])})
      group by x.substance_group, x.discharge_reason`,
  );

  const summed = (group: SubstanceGroup | null, measure: number) =>
    sums
      .filter((row) => row.measure === measure && (group === null || row.substance_group === group))
      .reduce((total, row) => total + row.n, 0);
  const edged = (
    group: SubstanceGroup | null,
    column: keyof Omit<EdgeCounts, "substance_group" | "discharge_reason">,
  ) =>
    edges
      .filter((row) => group === null || row.substance_group === group)
      .reduce((total, row) => total + row[column], 0);
  const figures = (group: SubstanceGroup | null, way: (typeof ways)[number]) => ({
    in_treatment:
      summed(group, way.base + m.openFrom) +
      edged(group, `open_${way.name}`) -
      summed(group, way.base + m.closedFrom) -
      edged(group, `closed_${way.name}`) +
      summed(group, way.base + m.firstStart) +
      edged(group, `starts_${way.name}`),
    completions: summed(group, way.base + m.firstCompletion) + edged(group, `completions_${way.name}`),
    sustained: summed(group, way.base + m.lastSustained) + edged(group, `sustained_${way.name}`),
  });
  const discharges = (group: SubstanceGroup | null) =>
    sums
      .filter((row) => row.reason !== null && (group === null || row.substance_group === group))
      .reduce((total, row) => total + row.n, 0) + edged(group, "discharges");
  const successful = (group: SubstanceGroup | null) =>
    summed(group, m.successfulDischarges) + edged(group, "successful_discharges");

  const groups = [...new Set([...sums, ...edges].map((row) => row.substance_group))];
  // Across groups; with one group asked for, that group is all there is.
  const acrossWay = query.substanceGroup ? ways[0] : ways[1];
  const groupRows: GroupRow[] = [];
  const sustainedRows: OutcomesFigures["sustainedRows"] = [];
  for (const group of [...groups, null]) {
    const { in_treatment, completions, sustained } = figures(group, group === null ? acrossWay : ways[0]);
    groupRows.push({
      substance_group: group,
      in_treatment,
      completions,
      discharges: discharges(group),
      successful_discharges: successful(group),
    });
    sustainedRows.push({ substance_group: group, sustained });
  }
  const exits = new Map<string, ExitRow>();
  const addExit = (group: SubstanceGroup, reason: DischargeReason, n: number) => {
    const key = `${group} ${reason}`;
    const exit = exits.get(key) ?? { substance_group: group, discharge_reason: reason, n: 0 };
    exit.n += n;
    exits.set(key, exit);
  };
  for (const row of sums) if (row.reason) addExit(row.substance_group, row.reason, row.n);
  for (const row of edges)
    if (row.discharge_reason) addExit(row.substance_group, row.discharge_reason, row.discharges);
  return { groupRows, sustainedRows, exitRows: [...exits.values()].filter((exit) => exit.n > 0) };
}

/** Per substance group and discharge reason, the episodes around the ends of a period that the month sums leave out. */
interface EdgeCounts {
  substance_group: SubstanceGroup;
  discharge_reason: DischargeReason | null;
  open_in_group: number;
  open_across: number;
  closed_in_group: number;
  closed_across: number;
  starts_in_group: number;
  starts_across: number;
  completions_in_group: number;
  completions_across: number;
  sustained_in_group: number;
  sustained_across: number;
  discharges: number;
  successful_discharges: number;
}

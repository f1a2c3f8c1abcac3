import { type Executor, queryRows, type SQL, sql } from "@pathways/db";
import type { ExitsByReasonRow, OutcomesInput, OutcomesReport, OutcomesRow } from "@pathways/validators";
import {
  type DischargeReason,
  dischargeReasons,
  type SubstanceGroup,
  substanceGroups,
} from "@pathways/validators/codes";
import type { VerbArgs } from "../context.ts";
import {
  day,
  type EpisodeQuery,
  episodeQuery,
  firstDayAfterWindow,
  reportHeader,
  reportScope,
  representationDays,
  representedAfter,
  successfulDischarge,
} from "./common.ts";
import type { Count } from "./disclosure.ts";
import { everywhere, personRollupsAnswer, yearSlices } from "./person-rollups.ts";

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
export async function outcomesReport({ ctx, input }: VerbArgs<OutcomesInput>): Promise<OutcomesReport> {
  const scope = reportScope(ctx, ["commissioner", "treatment_manager"]);
  const query = episodeQuery(scope, input);
  const { groupRows, sustainedRows, exitRows } = (await personRollupsAnswer(ctx.db, scope.today))
    ? await outcomesFromRollups(ctx.db, query)
    : await outcomesFromRaw(ctx.db, query);

  const groups: SubstanceGroup[] = input.substanceGroup ? [input.substanceGroup] : [...substanceGroups];
  // With one group, its row is the total: the "all groups" figures would only repeat it.
  const rowKeys: (SubstanceGroup | null)[] = groups.length > 1 ? [...groups, null] : groups;
  const { disclosure } = scope;

  const cellsOf = (key: SubstanceGroup | null) => {
    const row = groupRows.find((r) => r.substance_group === key);
    const sustained = sustainedRows.find((r) => r.substance_group === key)?.sustained ?? 0;
    return {
      inTreatment: disclosure.count(row?.in_treatment ?? 0),
      completions: disclosure.count(row?.completions ?? 0),
      sustained: disclosure.count(sustained),
      discharges: disclosure.count(row?.discharges ?? 0),
      successfulDischarges: disclosure.count(row?.successful_discharges ?? 0),
    };
  };
  const cells = new Map(rowKeys.map((key) => [key, cellsOf(key)]));
  const groupCells = groups.map((group) => cells.get(group)!);
  const totalCells = cells.get(groups.length > 1 ? null : groups[0]!)!;
  if (groups.length > 1) {
    for (const measure of Object.keys(totalCells) as (keyof typeof totalCells)[]) {
      disclosure.sum(
        groupCells.map((c) => c[measure]),
        totalCells[measure],
      );
    }
  }

  // Discharges by reason: reasons down, groups across; its margins are the discharge counts above.
  const reasonCells = dischargeReasons.map((reason) => {
    const byGroup = groups.map((group) =>
      disclosure.count(
        exitRows.find((r) => r.substance_group === group && r.discharge_reason === reason)?.n ?? 0,
      ),
    );
    const total =
      groups.length > 1 ? disclosure.count(byGroup.reduce((sum, c) => sum + c.value, 0)) : byGroup[0]!;
    if (groups.length > 1) disclosure.sum(byGroup, total);
    return { reason, byGroup, total };
  });
  groups.forEach((_, index) => {
    disclosure.sum(
      reasonCells.map((r) => r.byGroup[index]!),
      groupCells[index]!.discharges,
    );
  });
  if (groups.length > 1) {
    disclosure.sum(
      reasonCells.map((r) => r.total),
      totalCells.discharges,
    );
  }
  disclosure.apply();

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
  const finalOn = firstDayAfterWindow(input.to, representationDays);
  return {
    ...reportHeader(scope, input, null),
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
  const from = day(query.from);
  const to = day(query.to);
  const today = day(query.today);
  return sql`
    scoped as (
      select e.person_id, e.substance_group, e.discharge_reason, e.discharged_on,
        (e.discharged_on between ${from} and ${to} and e.discharged_on <= ${today}) as exited,
        ${successfulDischarge("e")} as successful
      from episodes e
      where e.started_on <= ${to}
        and e.started_on <= ${today}
        and (e.discharged_on is null or e.discharged_on >= ${from})
        ${query.providerId ? sql`and e.provider_organisation_id = ${query.providerId}::uuid` : sql``}
        ${query.substanceGroup ? sql`and e.substance_group::text = ${query.substanceGroup}` : sql``}
    )`;
}

/** The outcome figures from the raw rows: the reference the rollups are tested against. */
export async function outcomesFromRaw(db: Executor, query: EpisodeQuery): Promise<OutcomesFigures> {
  const scoped = episodesInPeriod(query);
  const groupRows = await queryRows<GroupRow>(
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
  const sustainedRows = await queryRows<{ substance_group: SubstanceGroup | null; sustained: number }>(
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

  const exitRows = await queryRows<ExitRow>(
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
 * The outcome figures from the episode rollups (valid when personRollupsAnswer says so), from the
 * episodes open in the period. A person counts once in treatment by their first episode (by start)
 * open in the period, i.e. the one whose earlier episodes all ended before it; once among completions
 * by their first successful discharge in the period; once in PHOF C19 by their last. Every figure is
 * a sum over episodes, so they are read a year of starts at a time: no statement runs long.
 */
export async function outcomesFromRollups(db: Executor, query: EpisodeQuery): Promise<OutcomesFigures> {
  const from = day(query.from);
  const to = day(query.to);
  const scope = sql`${query.providerId ?? everywhere}::uuid`;
  const ofGroup = query.substanceGroup ? sql`and e.substance_group::text = ${query.substanceGroup}` : sql``;
  const before = (column: string) => sql.raw(`(e.${column} is null or e.${column} < `);
  const after = (column: string) => sql.raw(`(e.${column} is null or e.${column} > `);
  const exited = sql`e.discharged_on between ${from} and ${to}`;
  const completion = sql`${exited} and e.successful`;
  const [first] = await queryRows<{ started_on: string | null }>(
    db,
    sql`select min(e.started_on)::text as started_on from report_person_episodes e where e.provider_scope = ${scope}`,
  );
  const rows: EpisodeCounts[] = [];
  for (const slice of yearSlices(first?.started_on ?? query.from, query.to)) {
    rows.push(
      ...(await queryRows<EpisodeCounts>(
        db,
        sql`
          select e.substance_group::text as substance_group, e.discharge_reason::text as discharge_reason,
            (count(*) filter (where ${before("prev_end_in_group")}${from})))::int as in_group,
            (count(*) filter (where ${before("prev_end")}${from})))::int as in_all,
            (count(*) filter (where ${completion} and ${before("prev_success_in_group")}${from})))::int
              as completions_in_group,
            (count(*) filter (where ${completion} and ${before("prev_success")}${from})))::int
              as completions_in_all,
            (count(*) filter (where ${completion} and not e.represented
              and ${after("next_success_in_group")}${to})))::int as sustained_in_group,
            (count(*) filter (where ${completion} and not e.represented
              and ${after("next_success")}${to})))::int as sustained_in_all,
            (count(*) filter (where ${exited}))::int as discharges,
            (count(*) filter (where ${completion}))::int as successful_discharges
          from report_person_episodes e
          where e.provider_scope = ${scope}
            and e.started_on between ${day(slice.from)} and ${day(slice.to)}
            and (e.discharged_on is null or e.discharged_on >= ${from})
            ${ofGroup}
          group by e.substance_group, e.discharge_reason
        `,
      )),
    );
  }
  const sum = (
    list: EpisodeCounts[],
    measure: keyof Omit<EpisodeCounts, "substance_group" | "discharge_reason">,
  ) => list.reduce((total, row) => total + row[measure], 0);
  const groupRows: GroupRow[] = [];
  const sustainedRows: OutcomesFigures["sustainedRows"] = [];
  for (const group of [...new Set(rows.map((row) => row.substance_group))]) {
    const ofGroup = rows.filter((row) => row.substance_group === group);
    groupRows.push({
      substance_group: group,
      in_treatment: sum(ofGroup, "in_group"),
      completions: sum(ofGroup, "completions_in_group"),
      discharges: sum(ofGroup, "discharges"),
      successful_discharges: sum(ofGroup, "successful_discharges"),
    });
    sustainedRows.push({ substance_group: group, sustained: sum(ofGroup, "sustained_in_group") });
  }
  // Across groups; with one group asked for, that group is all there is.
  const one = query.substanceGroup !== null;
  groupRows.push({
    substance_group: null,
    in_treatment: sum(rows, one ? "in_group" : "in_all"),
    completions: sum(rows, one ? "completions_in_group" : "completions_in_all"),
    discharges: sum(rows, "discharges"),
    successful_discharges: sum(rows, "successful_discharges"),
  });
  sustainedRows.push({
    substance_group: null,
    sustained: sum(rows, one ? "sustained_in_group" : "sustained_in_all"),
  });
  const exits = new Map<string, ExitRow>();
  for (const row of rows) {
    if (row.discharge_reason === null || row.discharges === 0) continue;
    const key = `${row.substance_group} ${row.discharge_reason}`;
    const exit = exits.get(key) ?? {
      substance_group: row.substance_group,
      discharge_reason: row.discharge_reason,
      n: 0,
    };
    exit.n += row.discharges;
    exits.set(key, exit);
  }
  return { groupRows, sustainedRows, exitRows: [...exits.values()] };
}

/** Per substance group and discharge reason, over some of the episodes: what the outcome figures add up. */
interface EpisodeCounts {
  substance_group: SubstanceGroup;
  discharge_reason: DischargeReason | null;
  in_group: number;
  in_all: number;
  completions_in_group: number;
  completions_in_all: number;
  sustained_in_group: number;
  sustained_in_all: number;
  discharges: number;
  successful_discharges: number;
}

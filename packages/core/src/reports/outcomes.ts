import { queryRows, type SQL, sql } from "@pathways/db";
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
  firstDayAfterWindow,
  type ReportScope,
  reportHeader,
  reportScope,
  representationDays,
  representedAfter,
  successfulDischarge,
} from "./common.ts";
import type { Count } from "./disclosure.ts";

/**
 * Episodes open on any day of the period (the "in treatment" population), flagged with whether they
 * ended in the period and whether that ending was successful. Only the given provider's episodes when
 * the report is a provider's own.
 */
function episodesInPeriod(scope: ReportScope, input: OutcomesInput): SQL {
  const from = day(input.from);
  const to = day(input.to);
  const today = day(scope.today);
  return sql`
    scoped as (
      select e.person_id, e.substance_group, e.discharge_reason, e.discharged_on,
        (e.discharged_on between ${from} and ${to} and e.discharged_on <= ${today}) as exited,
        ${successfulDischarge("e")} as successful
      from episodes e
      where e.started_on <= ${to}
        and e.started_on <= ${today}
        and (e.discharged_on is null or e.discharged_on >= ${from})
        ${scope.providerId ? sql`and e.provider_organisation_id = ${scope.providerId}::uuid` : sql``}
        ${input.substanceGroup ? sql`and e.substance_group::text = ${input.substanceGroup}` : sql``}
    )`;
}

interface GroupRow {
  substance_group: SubstanceGroup | null;
  in_treatment: number;
  completions: number;
  discharges: number;
  successful_discharges: number;
}

/**
 * Treatment outcomes by substance group (DOMAIN.md "Measures"): people in treatment; people
 * discharged successfully in the period (opiate: not on OST at exit) as a share of them; those whose
 * latest successful discharge had no re-presentation within 182 days (provisional until 182 days
 * after `to` have passed); successful discharges as a share of all discharges; discharges by reason.
 */
export async function outcomesReport({ ctx, input }: VerbArgs<OutcomesInput>): Promise<OutcomesReport> {
  const scope = reportScope(ctx, ["commissioner", "treatment_manager"]);
  const scoped = episodesInPeriod(scope, input);

  const groupRows = await queryRows<GroupRow>(
    ctx.db,
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
    ctx.db,
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
        (count(*) filter (where not ${representedAfter(sql`l.person_id`, sql`l.discharged_on`, scope.today)}))::int
          as sustained
      from latest l
      group by l.substance_group
    `,
  );

  const exitRows = await queryRows<{
    substance_group: SubstanceGroup;
    discharge_reason: DischargeReason;
    n: number;
  }>(
    ctx.db,
    sql`
      with ${scoped}
      select s.substance_group::text as substance_group, s.discharge_reason::text as discharge_reason,
        count(*)::int as n
      from scoped s
      where s.exited
      group by s.substance_group, s.discharge_reason
    `,
  );

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

import { eq, hotspots, type SQL, sql } from "@pathways/db";
import {
  periodGridProblems,
  type ReportHeader,
  type ReportReader,
  type SubstanceGroup,
} from "@pathways/validators";
import { treatmentServiceCodes } from "@pathways/validators/codes";
import { addDays, localDay, localDaySql, withinDaysAfterSql } from "../calendar.ts";
import { type Ctx, now, type UserActor } from "../context.ts";
import { NotFound, ValidationError } from "../errors.ts";
import { requireRole } from "../rights.ts";
import { representationWindowDays } from "../rules/pathway-windows.ts";
import { DisclosureControl } from "./disclosure.ts";
import { reportRows } from "./rollup-turns.ts";

/**
 * Who is asking and what they may see: commissioners get every provider's figures under disclosure
 * control; a treatment manager gets their own provider's figures as they are.
 */
export interface ReportScope {
  actor: UserActor;
  disclosure: DisclosureControl;
  /** Episodes of this provider only (treatment managers); null for every provider (everyone else). */
  providerId: string | null;
  /** The day the report is run (Europe/London): data after it is not counted. */
  today: string;
}

/**
 * A commissioner's period must be whole months (docs/DISCLOSURE.md), whoever called the verb: the
 * validators say so to the API and the CLI, and this holds for any other caller.
 */
export function reportScope(
  ctx: Ctx,
  roles: readonly ReportReader[],
  period: { from: string; to: string },
): ReportScope {
  const actor = requireRole(ctx.actor, roles);
  const isCommissioner = actor.role === "commissioner";
  if (isCommissioner) {
    const problems = periodGridProblems(period.from, period.to);
    if (problems.length) {
      throw new ValidationError(
        problems.map((problem) => problem.message).join("; "),
        Object.fromEntries(problems.map((problem) => [problem.path, [problem.message]])),
      );
    }
  }
  return {
    actor,
    disclosure: new DisclosureControl(isCommissioner, ctx.disclosureSecret ?? null),
    providerId: actor.role === "treatment_manager" ? actor.organisationId : null,
    today: localDay(now(ctx)),
  };
}

/** What a report on episodes (outcomes, waiting times) counts, before disclosure control. */
export interface EpisodeQuery {
  from: string;
  to: string;
  substanceGroup: SubstanceGroup | null;
  /** Episodes of this provider only; null for every provider. */
  providerId: string | null;
  /** The day the report is run (Europe/London). */
  today: string;
}

export function episodeQuery(
  scope: ReportScope,
  input: { from: string; to: string; substanceGroup?: SubstanceGroup },
): EpisodeQuery {
  return {
    from: input.from,
    to: input.to,
    substanceGroup: input.substanceGroup ?? null,
    providerId: scope.providerId,
    today: scope.today,
  };
}

/**
 * The period of an episode report's cells as disclosure control describes them: cut to the months
 * Pathways holds episodes in (from the first start to the month the report is run), so a period
 * stretched over months before any episode or into the future describes the same cells. Empty for
 * figures without disclosure control.
 */
export async function episodeCellPeriod(
  ctx: Ctx,
  scope: ReportScope,
  period: { from: string; to: string },
): Promise<string> {
  if (!scope.disclosure.enabled) return "";
  const [first] = await reportRows<{ started_on: string | null }>(
    ctx.db,
    sql`select min(e.started_on)::text as started_on from episodes e`,
  );
  const firstMonth = first?.started_on ? `${first.started_on.slice(0, 7)}-01` : period.to;
  const lastDay = lastDayOfMonth(`${scope.today.slice(0, 7)}-01`);
  const from = period.from > firstMonth ? period.from : firstMonth;
  const to = period.to < lastDay ? period.to : lastDay;
  return from > to ? "none" : `${from}..${to}`;
}

export async function hotspotOf(ctx: Ctx, hotspotId: string | undefined) {
  if (!hotspotId) return null;
  const [hotspot] = await ctx.db
    .select({ id: hotspots.id, name: hotspots.name })
    .from(hotspots)
    .where(eq(hotspots.id, hotspotId));
  if (!hotspot) throw new NotFound("hotspot", hotspotId);
  return hotspot;
}

export function reportHeader(
  scope: ReportScope,
  input: { from: string; to: string; substanceGroup?: SubstanceGroup },
  hotspot: { id: string; name: string } | null,
): ReportHeader {
  return {
    from: input.from,
    to: input.to,
    hotspot,
    substanceGroup: input.substanceGroup ?? null,
    provider: scope.providerId ? { id: scope.providerId, name: scope.actor.organisationName } : null,
    disclosureControl: scope.disclosure.enabled,
    runOn: scope.today,
  };
}

export function day(value: string): SQL {
  return sql`${value}::date`;
}

/**
 * A timestamp column on a London day from `from` to `to` (inclusive). The day test is exact; the
 * instant range around it (a day wider on each side than any UTC offset) lets an index on the column
 * narrow the rows first.
 */
export function onDays(column: SQL, from: string, to: string): SQL {
  const earliest = new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000).toISOString();
  const latest = new Date(Date.parse(`${to}T00:00:00Z`) + 2 * 86_400_000).toISOString();
  return sql`(${column} >= ${earliest}::timestamptz and ${column} < ${latest}::timestamptz
    and ${localDaySql(column)} between ${day(from)} and ${day(to)})`;
}

/** A constant code list (from codes.ts, never user input) as SQL literals. */
function quoted(codes: readonly string[]): string {
  return codes.map((code) => `'${code}'`).join(", ");
}

/**
 * Re-presentation (DOMAIN.md): a new episode, or a referral to a treatment service, for the same
 * person within 182 days after a successful discharge on `discharged` (D < day <= D + 182), counted
 * up to the day the report is run (null: everything recorded, as the rollups count). Any provider's
 * episode counts, not only the reporting provider's.
 */
export function representedAfter(person: SQL, discharged: SQL, today: string | null): SQL {
  const requested = localDaySql(sql.raw("rr.requested_at"));
  return sql`(
    exists (
      select 1 from episodes rp
      where rp.person_id = ${person}
        and ${withinDaysAfterSql(sql.raw("rp.started_on"), discharged, representationWindowDays)}
        ${today === null ? sql`` : sql`and rp.started_on <= ${day(today)}`}
    )
    or exists (
      select 1 from referrals rr join services rs on rs.id = rr.service_id
      where rr.person_id = ${person}
        and rs.code in (${sql.raw(quoted(treatmentServiceCodes))})
        and ${withinDaysAfterSql(requested, discharged, representationWindowDays)}
        ${today === null ? sql`` : sql`and ${requested} <= ${day(today)}`}
    )
  )`;
}

/** The months (YYYY-MM) a period touches, with the part of each inside the period. */
export function monthsOf(from: string, to: string): { month: string; from: string; to: string }[] {
  const months: { month: string; from: string; to: string }[] = [];
  let [year, month] = from.split("-").map(Number) as [number, number];
  for (;;) {
    const key = `${year}-${String(month).padStart(2, "0")}`;
    if (key > to.slice(0, 7)) break;
    const first = `${key}-01`;
    const last = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
    months.push({ month: key, from: first < from ? from : first, to: last > to ? to : last });
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

/** A run of days, both ends included (YYYY-MM-DD). */
export interface DayRange {
  from: string;
  to: string;
}

/**
 * A period cut for reading month sums: the whole calendar months inside it (null if none), the
 * part-months at either end, the first day of `from`'s month and the last of `to`'s, and the days of
 * those two months outside the period (`before`: from the 1st up to `from`; `after`: after `to`).
 */
export interface PeriodMonths {
  whole: (DayRange & { firstMonth: string; lastMonth: string }) | null;
  parts: DayRange[];
  fromMonth: string;
  before: DayRange | null;
  toMonth: string;
  after: DayRange | null;
}

export function periodMonths(from: string, to: string): PeriodMonths {
  const months = monthsOf(from, to);
  const lastDay = (month: string) => lastDayOfMonth(`${month}-01`);
  const isWhole = (m: (typeof months)[number]) => m.from === `${m.month}-01` && m.to === lastDay(m.month);
  const whole = months.filter(isWhole);
  const first = whole[0];
  const last = whole.at(-1);
  const fromMonth = `${from.slice(0, 7)}-01`;
  const toMonth = `${to.slice(0, 7)}-01`;
  const toMonthEnd = lastDay(to.slice(0, 7));
  return {
    whole:
      first && last
        ? { from: first.from, to: last.to, firstMonth: first.from, lastMonth: `${last.month}-01` }
        : null,
    parts: months.filter((m) => !isWhole(m)).map((m) => ({ from: m.from, to: m.to })),
    fromMonth,
    before: from === fromMonth ? null : { from: fromMonth, to: addDays(from, -1) },
    toMonth,
    after: to === toMonthEnd ? null : { from: addDays(to, 1), to: toMonthEnd },
  };
}

function lastDayOfMonth(first: string): string {
  const [year, month] = first.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** `column` falls in one of the ranges (false for none). */
export function inRanges(column: SQL, ranges: (DayRange | null)[]): SQL {
  const present = ranges.filter((range): range is DayRange => range !== null);
  if (!present.length) return sql`false`;
  return sql`(${sql.join(
    present.map((range) => sql`${column} between ${day(range.from)} and ${day(range.to)}`),
    sql` or `,
  )})`;
}

/** The day after `day` plus `days`: the first day on which a window of `days` after `day` is closed. */
export function firstDayAfterWindow(dayValue: string, days: number): string {
  return new Date(Date.parse(`${dayValue}T00:00:00Z`) + (days + 1) * 86_400_000).toISOString().slice(0, 10);
}

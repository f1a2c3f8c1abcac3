import { z } from "zod";
import { serviceTimeZone } from "./calendar.ts";
import {
  type DischargeReason,
  type ReferralStatus,
  type SafeguardingConcern,
  type ServiceCode,
  type SubstanceGroup,
  substanceGroups,
} from "./codes.ts";
import { Id } from "./common.ts";
import { addYears, eventDay, isRealDay } from "./dates.ts";

// ---------------------------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------------------------

/** The longest period one report covers: five years keeps monthly tables and queries bounded. */
export const maxReportYears = 5;

const period = {
  from: eventDay("from"),
  to: eventDay("to"),
};

const hotspotFilter = Id.optional();
const substanceGroupFilter = z
  .enum(substanceGroups, { error: `substanceGroup must be one of ${substanceGroups.join(", ")}` })
  .optional();

/** The last day of the month of `day` (YYYY-MM-DD). */
export function lastDayOfMonth(day: string): string {
  const [year, month] = day.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/**
 * Periods are whole calendar months (docs/DISCLOSURE.md): a fixed grid of periods leaves a reader
 * no one-day differences to compare. Returns the problems, each naming its field.
 */
export function periodGridProblems(from: string, to: string): { path: "from" | "to"; message: string }[] {
  const problems: { path: "from" | "to"; message: string }[] = [];
  if (!from.endsWith("-01")) {
    problems.push({
      path: "from",
      message: `from must be the first day of a month (reports cover whole months), e.g. ${from.slice(0, 7)}-01`,
    });
  }
  if (to !== lastDayOfMonth(to)) {
    problems.push({
      path: "to",
      message: `to must be the last day of a month (reports cover whole months), e.g. ${lastDayOfMonth(to)}`,
    });
  }
  return problems;
}

/** The period [from, to] is inclusive at both ends (calendar days in Europe/London), in whole months. */
export function withPeriodRules<T extends z.ZodObject<typeof period & z.ZodRawShape>>(schema: T) {
  return schema.superRefine((input, issue) => {
    const { from, to } = input as { from: unknown; to: unknown };
    // Bad dates already have their own messages; the period rules need two good ones.
    if (!isRealDay(from) || !isRealDay(to)) return;
    const offGrid = periodGridProblems(from, to);
    for (const problem of offGrid)
      issue.addIssue({ code: "custom", path: [problem.path], message: problem.message });
    if (offGrid.length) return;
    if (to < from) issue.addIssue({ code: "custom", path: ["to"], message: "to must be on or after from" });
    else if (to >= addYears(from, maxReportYears)) {
      issue.addIssue({
        code: "custom",
        path: ["to"],
        message: `the period can be at most ${maxReportYears} years: to must be before ${addYears(from, maxReportYears)}`,
      });
    }
  });
}

/** A filter the report cannot apply is refused rather than silently ignored. */
function unknownFilter(report: string) {
  return (issue: z.core.$ZodRawIssue) =>
    issue.code === "unrecognized_keys"
      ? `${report} has no filter named ${(issue.keys as string[]).join(", ")}`
      : undefined;
}

/** Every filter a report can take; each report accepts the subset that means something for it. */
export const ReportFilters = withPeriodRules(
  z.strictObject(
    { ...period, hotspotId: hotspotFilter, substanceGroup: substanceGroupFilter },
    { error: unknownFilter("a report") },
  ),
);
export type ReportFilters = z.infer<typeof ReportFilters>;

export const FunnelInput = withPeriodRules(
  z.strictObject({ ...period, hotspotId: hotspotFilter }, { error: unknownFilter("the funnel report") }),
);
export type FunnelInput = z.infer<typeof FunnelInput>;

export const OutcomesInput = withPeriodRules(
  z.strictObject(
    { ...period, substanceGroup: substanceGroupFilter },
    { error: unknownFilter("the outcomes report") },
  ),
);
export type OutcomesInput = z.infer<typeof OutcomesInput>;

export const WaitingTimesInput = withPeriodRules(
  z.strictObject(
    { ...period, substanceGroup: substanceGroupFilter },
    { error: unknownFilter("the waiting times report") },
  ),
);
export type WaitingTimesInput = z.infer<typeof WaitingTimesInput>;

export const HotspotActivityInput = withPeriodRules(
  z.strictObject(
    { ...period, hotspotId: hotspotFilter },
    { error: unknownFilter("the hotspot activity report") },
  ),
);
export type HotspotActivityInput = z.infer<typeof HotspotActivityInput>;

export const SafeguardingInput = withPeriodRules(
  z.strictObject(
    { ...period, hotspotId: hotspotFilter },
    { error: unknownFilter("the safeguarding report") },
  ),
);
export type SafeguardingInput = z.infer<typeof SafeguardingInput>;

/** The taskforce period report: a hotspot or every place (docs/decisions/0084-taskforce-report.md). */
export const TaskforceReportInput = withPeriodRules(
  z.strictObject({ ...period, hotspotId: hotspotFilter }, { error: unknownFilter("the taskforce report") }),
);
export type TaskforceReportInput = z.infer<typeof TaskforceReportInput>;

/** Drug-related death rates: per area (never a hotspot), for all substance groups or one. */
export const RatesInput = withPeriodRules(
  z.strictObject(
    { ...period, substanceGroup: substanceGroupFilter },
    { error: unknownFilter("the rates report") },
  ),
);
export type RatesInput = z.infer<typeof RatesInput>;

// ---------------------------------------------------------------------------------------------
// Figures and disclosure control
// ---------------------------------------------------------------------------------------------

/** A share, change or median not shown: it would be taken over too few people (docs/DISCLOSURE.md). */
export const hiddenFigure = "*";

/**
 * A count. For commissioners it is protected by cell key perturbation (docs/DISCLOSURE.md): never 1
 * to 4, possibly changed by a little, and totals protected on their own (rows may not add up).
 */
export type Figure = number;
/** A percentage to one decimal place, from the counts as shown; null without a denominator. */
export type Percent = number | null;
/** A number of days; hidden when taken over too few people; null when there is nothing to measure. */
export type Days = number | typeof hiddenFigure | null;

export function isHidden(value: Figure | Percent | Days): value is typeof hiddenFigure {
  return value === hiddenFigure;
}

/** What a protected report says to its reader, in one line, above its tables and in its CSV files. */
export const protectedFiguresNote =
  "Figures are protected: each count may be changed by a little (a count of 1 to 4 shows as 0 or 5), " +
  "and totals are protected on their own, so rows may not add up to the totals.";

/**
 * What a small protected count may truly be (from the perturbation table in docs/DISCLOSURE.md): a
 * count shown as 0 is 0 to 5, one shown as 5 is 1 to 7. Charts draw these as ranges, not as bars of
 * 0 or 5 that would read as exact.
 */
export const smallProtectedCounts: Readonly<Record<number, string>> = { 0: "0–5", 5: "1–7" };

/** The symbols a report can show, explained (the web's legend); some only in protected figures. */
export const figureLegend: { symbol: string; meaning: string; protectedOnly: boolean }[] = [
  {
    symbol: "0",
    meaning: "None; in protected figures, none or a true count of 1 to 5 shown as 0.",
    protectedOnly: true,
  },
  { symbol: "5", meaning: "In protected figures, a true count of 1 to 7.", protectedOnly: true },
  { symbol: "6", meaning: "In protected figures, a true count of 5 to 8.", protectedOnly: true },
  {
    symbol: "7 or more",
    meaning: "In protected figures, within 2 of the true count (half of them exactly).",
    protectedOnly: true,
  },
  {
    symbol: hiddenFigure,
    meaning: "A median not shown: it would be taken over fewer than 10 (as shown).",
    protectedOnly: true,
  },
  {
    symbol: "–",
    meaning: "No share, change or median: there was nothing to divide by or to measure.",
    protectedOnly: false,
  },
];

// ---------------------------------------------------------------------------------------------
// Report outputs
// ---------------------------------------------------------------------------------------------

/** What every report says about itself: its filters, whose data, and whether figures are protected. */
export interface ReportHeader {
  from: string;
  to: string;
  hotspot: { id: string; name: string } | null;
  substanceGroup: SubstanceGroup | null;
  /** All providers (commissioners) or one provider's own figures (its treatment managers). */
  provider: { id: string; name: string } | null;
  /** True when the figures are protected by cell key perturbation (commissioner output). */
  disclosureControl: boolean;
  /** The day (Europe/London) the report was run: later data can still change provisional figures. */
  runOn: string;
  /**
   * Set when the figures were read from rollups that had changes still to fold (the background
   * refresher was catching up): they count everything recorded before this instant (ISO, UTC).
   * Absent: they count everything recorded when the report ran.
   */
  figuresAsOf?: string;
}

const asOfTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: serviceTimeZone,
  hour: "2-digit",
  minute: "2-digit",
});

/**
 * What a report says when its figures are not the latest (see ReportHeader.figuresAsOf), in UK time:
 * "Figures as of 14:05; changes made since are still being added up." Null when they are the latest.
 */
export function figuresAsOfNote(header: Pick<ReportHeader, "figuresAsOf">): string | null {
  if (!header.figuresAsOf) return null;
  return `Figures as of ${asOfTime.format(new Date(header.figuresAsOf))}; changes made since are still being added up.`;
}

export const funnelStages = [
  "contacts",
  "people_contacted",
  "referred",
  "started_treatment",
  "completed",
  "sustained",
] as const;
export type FunnelStage = (typeof funnelStages)[number];

export interface FunnelReport extends ReportHeader {
  stages: { stage: FunnelStage; count: Figure; shareOfPrevious: Percent }[];
  /** Sustained is provisional while a counted completion is less than 182 days old. */
  sustainedProvisional: boolean;
  /** The first day on which sustained is final (null when nothing was completed). */
  sustainedFinalOn: string | null;
}

export interface OutcomesRow {
  /** null: all substance groups together (people in two groups are counted once). */
  substanceGroup: SubstanceGroup | null;
  inTreatment: Figure;
  successfulCompletions: Figure;
  successfulCompletionShare: Percent;
  completionsWithoutRepresentation: Figure;
  withoutRepresentationShare: Percent;
  discharges: Figure;
  successfulDischarges: Figure;
  successfulShareOfExits: Percent;
}

export interface ExitsByReasonRow {
  /** null: every reason (the total row). */
  dischargeReason: DischargeReason | null;
  bySubstanceGroup: Figure[];
  total: Figure;
}

export interface OutcomesReport extends ReportHeader {
  /** The substance groups of the columns of `exitsByReason`, in order. */
  substanceGroups: SubstanceGroup[];
  rows: OutcomesRow[];
  exitsByReason: ExitsByReasonRow[];
  /** Completions without re-presentation are final only once 182 days have passed after `to`. */
  withoutRepresentationProvisional: boolean;
  withoutRepresentationFinalOn: string;
}

/** The national waiting-time threshold: the measure is the share waiting more than this many days. */
export const waitingThresholdDays = 21;

export interface WaitingTimesRow {
  /** null: every service together. */
  service: { id: string; code: ServiceCode; name: string; providerName: string } | null;
  started: Figure;
  withinThreshold: Figure;
  overThreshold: Figure;
  overThresholdShare: Percent;
  medianDays: Days;
}

export interface WaitingTimesReport extends ReportHeader {
  rows: WaitingTimesRow[];
}

export interface YearOnYear {
  current: Figure;
  yearBefore: Figure;
  /** Change against the year before, in percent (+16.9 for 4,100 -> 4,793). */
  change: Percent;
}

export interface ActivityFigures {
  contacts: YearOnYear;
  communityReports: YearOnYear;
  needlesFound: YearOnYear;
}

export interface ActivityMonth extends ActivityFigures {
  /** YYYY-MM */
  month: string;
  /** The part of the month inside the period (the first and last months may be partial). */
  from: string;
  to: string;
}

export interface HotspotActivityReport extends ReportHeader {
  months: ActivityMonth[];
  total: ActivityFigures;
  /** Per hotspot (and "other locations"), when the report covers every hotspot. */
  byHotspot: ({ hotspot: { id: string; name: string } | null } & ActivityFigures)[];
}

export interface SafeguardingReport extends ReportHeader {
  /** YYYY-MM, the columns of `concerns`. */
  months: string[];
  concerns: { concern: SafeguardingConcern | null; byMonth: Figure[]; total: Figure }[];
  socialCareReferrals: { status: ReferralStatus | null; count: Figure }[];
}

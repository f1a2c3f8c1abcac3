import { z } from "zod";
import {
  type DischargeReason,
  type ReferralStatus,
  type SafeguardingConcern,
  type ServiceCode,
  type SubstanceGroup,
  substanceGroups,
} from "./codes.ts";
import { Id } from "./common.ts";

// ---------------------------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------------------------

/** The longest period one report covers: five years keeps monthly tables and queries bounded. */
export const maxReportYears = 5;

function isRealDay(value: unknown): value is string {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function reportDate(label: string) {
  return z
    .string({ error: `${label} must be a date as YYYY-MM-DD` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${label} must be a date as YYYY-MM-DD`, abort: true })
    .refine(isRealDay, { error: `${label} must be a real calendar date`, abort: true })
    .refine((value) => value >= "2000-01-01", `${label} must be 2000-01-01 or later`);
}

/** The same day `years` later (29 February becomes 28 February), as YYYY-MM-DD. */
export function addYears(day: string, years: number): string {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year + years, month - 1, date));
  // 29 February in a year without one rolls into March: step back to the 28th.
  if (target.getUTCMonth() !== month - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

const period = {
  from: reportDate("from"),
  to: reportDate("to"),
};

const hotspotFilter = Id.optional();
const substanceGroupFilter = z
  .enum(substanceGroups, { error: `substanceGroup must be one of ${substanceGroups.join(", ")}` })
  .optional();

/** The period [from, to] is inclusive at both ends (calendar days in Europe/London). */
function withPeriodRules<T extends z.ZodObject<typeof period & z.ZodRawShape>>(schema: T) {
  return schema.superRefine((input, issue) => {
    const { from, to } = input as { from: unknown; to: unknown };
    // Bad dates already have their own messages; the period rules need two good ones.
    if (!isRealDay(from) || !isRealDay(to)) return;
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

/** The reports, by the name the CLI and the web address use. */
export const reportKinds = ["funnel", "outcomes", "waiting", "hotspots", "safeguarding"] as const;
export type ReportKind = (typeof reportKinds)[number];

/** Which filters each report takes, so the web and the CLI offer only those. */
export const reportFilterKeys: Record<ReportKind, readonly ("hotspotId" | "substanceGroup")[]> = {
  funnel: ["hotspotId"],
  outcomes: ["substanceGroup"],
  waiting: ["substanceGroup"],
  hotspots: ["hotspotId"],
  safeguarding: ["hotspotId"],
};

// ---------------------------------------------------------------------------------------------
// Figures and disclosure control
// ---------------------------------------------------------------------------------------------

/** DOMAIN.md disclosure control: a count from 1 to 4 is shown as this (0 stays 0). */
export const smallCount = "<5";
/** A figure hidden so that a total cannot give a `<5` cell away (secondary suppression). */
export const hiddenFigure = "*";

/** A count: the number, or hidden by disclosure control (commissioners only). */
export type Figure = number | typeof smallCount | typeof hiddenFigure;
/** A percentage to one decimal place; hidden with its numerator or denominator; null without a denominator. */
export type Percent = number | typeof hiddenFigure | null;
/** A number of days; hidden with the count it is taken from; null when there is nothing to measure. */
export type Days = number | typeof hiddenFigure | null;

export function isHidden(value: Figure | Percent | Days): value is typeof smallCount | typeof hiddenFigure {
  return value === smallCount || value === hiddenFigure;
}

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
  /** True when small counts are shown as `<5` and `*` (commissioner output). */
  disclosureControl: boolean;
  /** The day (Europe/London) the report was run: later data can still change provisional figures. */
  runOn: string;
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

export interface ReportsByKind {
  funnel: FunnelReport;
  outcomes: OutcomesReport;
  waiting: WaitingTimesReport;
  hotspots: HotspotActivityReport;
  safeguarding: SafeguardingReport;
}

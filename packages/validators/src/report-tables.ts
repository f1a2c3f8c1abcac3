import { codeLabel, type SubstanceGroup } from "./codes.ts";
import { type CsvValue, toCsv } from "./csv.ts";
import type {
  ActivityFigures,
  FunnelReport,
  FunnelStage,
  HotspotActivityReport,
  OutcomesReport,
  SafeguardingReport,
  WaitingTimesReport,
} from "./reports.ts";
import { waitingThresholdDays } from "./reports.ts";

/** How a column's values read: the web aligns and formats by it; the CSV writes values as they are. */
export type ReportColumnKind = "text" | "date" | "month" | "count" | "percent" | "days";

export interface ReportColumn {
  label: string;
  kind: ReportColumnKind;
}

/**
 * One table of a report, exactly as the web page shows it and the CSV file holds it, so the two
 * can never disagree. Hidden figures stay as the text `<5` or `*`.
 */
export interface ReportTable {
  key: string;
  title: string;
  columns: ReportColumn[];
  rows: CsvValue[][];
  /** Rows that are totals (the web sets them apart). */
  totalRows: number[];
  /** For protected figures, the line that says so (the CSV file's last row). */
  note: string | null;
}

export const funnelStageLabels: Record<FunnelStage, string> = {
  contacts: "Contacts",
  people_contacted: "People contacted",
  referred: "Referred within 90 days",
  started_treatment: "Started treatment",
  completed: "Completed successfully",
  sustained: "Sustained (no re-presentation within 182 days)",
};

export function substanceGroupLabel(group: SubstanceGroup | null): string {
  return group ? codeLabel(group) : "All substance groups";
}

const yesNo = (value: boolean) => (value ? "yes" : "no");

export function funnelTables(report: FunnelReport): Omit<ReportTable, "note">[] {
  return [
    {
      key: "funnel",
      title: "Outreach-to-recovery funnel",
      columns: [
        { label: "Stage", kind: "text" },
        { label: "Count", kind: "count" },
        { label: "Share of previous stage (%)", kind: "percent" },
        { label: "Provisional", kind: "text" },
      ],
      rows: report.stages.map((row) => [
        funnelStageLabels[row.stage],
        row.count,
        row.shareOfPrevious,
        yesNo(row.stage === "sustained" && report.sustainedProvisional),
      ]),
      totalRows: [],
    },
  ];
}

export function outcomesTables(report: OutcomesReport): Omit<ReportTable, "note">[] {
  return [
    {
      key: "outcomes",
      title: "Outcomes by substance group",
      columns: [
        { label: "Substance group", kind: "text" },
        { label: "In treatment", kind: "count" },
        { label: "Successful completions", kind: "count" },
        { label: "Successful completions (% of in treatment)", kind: "percent" },
        { label: "Completions without re-presentation", kind: "count" },
        { label: "Without re-presentation (% of in treatment)", kind: "percent" },
        { label: "Without re-presentation provisional", kind: "text" },
        { label: "Discharges", kind: "count" },
        { label: "Successful discharges", kind: "count" },
        { label: "Successful (% of discharges)", kind: "percent" },
      ],
      rows: report.rows.map((row) => [
        substanceGroupLabel(row.substanceGroup),
        row.inTreatment,
        row.successfulCompletions,
        row.successfulCompletionShare,
        row.completionsWithoutRepresentation,
        row.withoutRepresentationShare,
        yesNo(report.withoutRepresentationProvisional),
        row.discharges,
        row.successfulDischarges,
        row.successfulShareOfExits,
      ]),
      totalRows: report.rows.flatMap((row, index) => (row.substanceGroup === null ? [index] : [])),
    },
    {
      key: "exits_by_reason",
      title: "Discharges by reason",
      columns: [
        { label: "Discharge reason", kind: "text" },
        ...report.substanceGroups.map((group) => ({ label: codeLabel(group), kind: "count" as const })),
        { label: "All substance groups", kind: "count" },
      ],
      rows: report.exitsByReason.map((row) => [
        row.dischargeReason ? codeLabel(row.dischargeReason) : "All discharges",
        ...row.bySubstanceGroup,
        row.total,
      ]),
      totalRows: report.exitsByReason.flatMap((row, index) => (row.dischargeReason === null ? [index] : [])),
    },
  ];
}

export function waitingTables(report: WaitingTimesReport): Omit<ReportTable, "note">[] {
  return [
    {
      key: "waiting_times",
      title: "Waiting times by service",
      columns: [
        { label: "Service", kind: "text" },
        { label: "Provider", kind: "text" },
        { label: "Episodes started", kind: "count" },
        { label: `Waited ${waitingThresholdDays} days or less`, kind: "count" },
        { label: `Waited over ${waitingThresholdDays} days`, kind: "count" },
        { label: `Waited over ${waitingThresholdDays} days (%)`, kind: "percent" },
        { label: "Median wait (days)", kind: "days" },
      ],
      rows: report.rows.map((row) => [
        row.service ? row.service.name : "All services",
        row.service ? row.service.providerName : "",
        row.started,
        row.withinThreshold,
        row.overThreshold,
        row.overThresholdShare,
        row.medianDays,
      ]),
      totalRows: report.rows.flatMap((row, index) => (row.service === null ? [index] : [])),
    },
  ];
}

const activityColumns: ReportColumn[] = (
  [
    ["Contacts", "contacts"],
    ["Community reports", "community reports"],
    ["Needles found", "needles found"],
  ] as const
).flatMap(([label, lower]) => [
  { label, kind: "count" as const },
  { label: `${label} a year before`, kind: "count" as const },
  { label: `Change in ${lower} (%)`, kind: "percent" as const },
]);

function activityValues(figures: ActivityFigures): CsvValue[] {
  return [figures.contacts, figures.communityReports, figures.needlesFound].flatMap((measure) => [
    measure.current,
    measure.yearBefore,
    measure.change,
  ]);
}

export function hotspotTables(report: HotspotActivityReport): Omit<ReportTable, "note">[] {
  const tables: Omit<ReportTable, "note">[] = [
    {
      key: "by_month",
      title: "Activity by month, against the same days a year before",
      columns: [
        { label: "Month", kind: "month" },
        { label: "From", kind: "date" },
        { label: "To", kind: "date" },
        ...activityColumns,
      ],
      rows: [
        ...report.months.map((month) => [month.month, month.from, month.to, ...activityValues(month)]),
        ["Total", report.from, report.to, ...activityValues(report.total)],
      ],
      totalRows: [report.months.length],
    },
  ];
  if (report.byHotspot.length > 0) {
    tables.push({
      key: "by_hotspot",
      title: "Activity by hotspot, against the same period a year before",
      columns: [{ label: "Hotspot", kind: "text" }, ...activityColumns],
      rows: [
        ...report.byHotspot.map((row) => [row.hotspot?.name ?? "Other locations", ...activityValues(row)]),
        ["All locations", ...activityValues(report.total)],
      ],
      totalRows: [report.byHotspot.length],
    });
  }
  return tables;
}

export function safeguardingTables(report: SafeguardingReport): Omit<ReportTable, "note">[] {
  return [
    {
      key: "concerns",
      title: "Safeguarding concerns raised, by type and month",
      columns: [
        { label: "Concern", kind: "text" },
        ...report.months.map((month) => ({ label: month, kind: "count" as const })),
        { label: "Total", kind: "count" },
      ],
      rows: report.concerns.map((row) => [
        row.concern ? codeLabel(row.concern) : "All concerns",
        ...row.byMonth,
        row.total,
      ]),
      totalRows: report.concerns.flatMap((row, index) => (row.concern === null ? [index] : [])),
    },
    {
      key: "social_care_referrals",
      title: "Referrals to social care, by outcome",
      columns: [
        { label: "Outcome (referral status)", kind: "text" },
        { label: "Referrals", kind: "count" },
      ],
      rows: report.socialCareReferrals.map((row) => [
        row.status ? codeLabel(row.status) : "All referrals",
        row.count,
      ]),
      totalRows: report.socialCareReferrals.flatMap((row, index) => (row.status === null ? [index] : [])),
    },
  ];
}

/** What a report was run for: its period and the hotspot or substance group chosen, if any. */
export interface ReportChoice {
  from: string;
  to: string;
  hotspot?: { name: string } | null;
  substanceGroup?: SubstanceGroup | null;
}

/** The choice in words, one line each: "Period: … to …", then "Hotspot: …", "Substance group: …". */
export function reportChoiceLines(choice: ReportChoice): string[] {
  return [
    `Period: ${choice.from} to ${choice.to}`,
    ...(choice.hotspot ? [`Hotspot: ${choice.hotspot.name}`] : []),
    ...(choice.substanceGroup ? [`Substance group: ${codeLabel(choice.substanceGroup)}`] : []),
  ];
}

/**
 * A report table as a CSV file's text; protected figures end with a row saying so. Given what the
 * report was run for, the file starts with a row per choice (period, hotspot, substance group), so a
 * file saved away still says what it counts; the column headings follow.
 */
export function reportTableCsv(table: ReportTable, choice?: ReportChoice): string {
  const padded = (text: string) => [text, ...table.columns.slice(1).map(() => "")];
  const choiceRows = choice ? reportChoiceLines(choice).map(padded) : [];
  const noteRow = table.note ? [padded(table.note)] : [];
  const [first, ...rest] = [...choiceRows, table.columns.map((column) => column.label)];
  return toCsv(first!, [...rest, ...table.rows, ...noteRow]);
}

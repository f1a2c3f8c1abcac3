import type { z } from "zod";
import type { OrganisationKind, Role } from "./codes.ts";
import { ratesTables } from "./deaths.ts";
import {
  funnelTables,
  hotspotTables,
  outcomesTables,
  type ReportChoice,
  type ReportTable,
  safeguardingTables,
  waitingTables,
} from "./report-tables.ts";
import {
  FunnelInput,
  HotspotActivityInput,
  OutcomesInput,
  protectedFiguresNote,
  RatesInput,
  type ReportHeader,
  SafeguardingInput,
  TaskforceReportInput,
  WaitingTimesInput,
} from "./reports.ts";
import { taskforceTables } from "./taskforce-report.ts";

/**
 * What each report is, for every layer that shows or asks for one: its input, who may run it, and its
 * tables (what the web page shows and the CSV file holds). Core's report registry adds the computation
 * to each entry; the API's procedures, `pathways report` and the web's report list are all made from
 * this one list, so a report exists everywhere or nowhere (docs/decisions/0063-report-registry.md).
 */
export interface ReportDefinition<Input extends ReportInputSchema, Report extends ReportHeader> {
  /** The report's heading, on the page. */
  title: string;
  /** Its tab in the web's report list. */
  tabLabel: string;
  /** One or two sentences under the heading: what it counts. */
  description: string;
  /** The period and the filters it takes (others are refused by name). */
  input: Input;
  /** Who may run it: a commissioner always (under disclosure control); a treatment manager on their own provider. */
  readers: readonly ReportReader[];
  /** Readers other than admins must also belong to one of these kinds of organisation (unset: any). */
  readerOrganisations?: readonly OrganisationKind[];
  /** Its tables, in the order the web page shows them. */
  tables(report: Report): Omit<ReportTable, "note">[];
}

export type ReportReader = Role;
type ReportInputSchema = z.ZodObject;

/** Reports across the whole pathway: commissioners only, every figure protected. */
const wholePathway = ["commissioner"] as const satisfies readonly ReportReader[];
/** Reports a provider also runs on its own episodes, shown as they are. */
const ownProvider = ["commissioner", "treatment_manager"] as const satisfies readonly ReportReader[];
/**
 * The taskforce's own figures, exact: its outreach workers and admins, as for its activity log.
 * Commissioners have the funnel and hotspot reports for the pathway (docs/decisions/0084-taskforce-report.md).
 */
const taskforceStaff = ["outreach_worker", "admin"] as const satisfies readonly ReportReader[];

function defineReport<Input extends ReportInputSchema, Report extends ReportHeader>(
  definition: ReportDefinition<Input, Report>,
): ReportDefinition<Input, Report> {
  return definition;
}

/** The reports, by the one name the API, the CLI and the web address use. */
export const reportDefinitions = {
  funnel: defineReport({
    title: "Outreach-to-recovery funnel",
    tabLabel: "Funnel",
    description:
      "Of the people the taskforce met in the period, how many were referred (within 90 days of a contact), started treatment from that referral, completed successfully, and did not come back within 182 days.",
    input: FunnelInput,
    readers: wholePathway,
    tables: funnelTables,
  }),
  outcomes: defineReport({
    title: "Treatment outcomes",
    tabLabel: "Outcomes",
    description:
      "People in treatment in the period, successful completions (opiate clients: not on substitution therapy at exit) as a share of them and of all discharges, and completions without re-presentation within 182 days.",
    input: OutcomesInput,
    readers: ownProvider,
    tables: outcomesTables,
  }),
  waiting: defineReport({
    title: "Waiting times",
    tabLabel: "Waiting times",
    description:
      "For episodes started in the period from a referral: days from the referral to the start of treatment, the median and the share waiting more than 21 days.",
    input: WaitingTimesInput,
    readers: ownProvider,
    tables: waitingTables,
  }),
  hotspots: defineReport({
    title: "Hotspot activity",
    tabLabel: "Hotspot activity",
    description:
      "Contacts, community reports and needles found, per month, against the same days a year before.",
    input: HotspotActivityInput,
    readers: wholePathway,
    tables: hotspotTables,
  }),
  safeguarding: defineReport({
    title: "Safeguarding",
    tabLabel: "Safeguarding",
    description:
      "Safeguarding concerns raised on contacts, by type and month, and referrals to social care by their outcome so far.",
    input: SafeguardingInput,
    readers: wholePathway,
    tables: safeguardingTables,
  }),
  rates: defineReport({
    title: "Drug-related death rates",
    tabLabel: "Death rates",
    description:
      "Drug-related deaths per 100,000 population per year in each area, the city beside the county: crude, and age-standardised to the 2013 European Standard Population where populations by age band are given, each with its 95% confidence interval as ONS publishes them; beside them people in treatment per 100,000 residents and successful completions per 100,000 per year, by the area of residence their episodes record. No rate is shown on fewer than 10.",
    input: RatesInput,
    readers: wholePathway,
    tables: ratesTables,
  }),
  taskforce: defineReport({
    title: "Taskforce period report",
    tabLabel: "Taskforce",
    description:
      "What the taskforce did and found at a place in the period: people reached, referred and completing treatment, community reporters updated, arrests by offence, seizures, weapons found and needles collected.",
    input: TaskforceReportInput,
    readers: taskforceStaff,
    readerOrganisations: ["taskforce"],
    tables: taskforceTables,
  }),
};

export type ReportKind = keyof typeof reportDefinitions;
export const reportKinds = Object.keys(reportDefinitions) as readonly ReportKind[];

/** Each report's output, as its tables read it. */
export type ReportsByKind = {
  [K in ReportKind]: (typeof reportDefinitions)[K] extends ReportDefinition<infer _Input, infer Report>
    ? Report
    : never;
};
/** Each report's input, after its schema has checked it. */
export type ReportInputs = { [K in ReportKind]: z.output<(typeof reportDefinitions)[K]["input"]> };

export type ReportFilter = "hotspotId" | "substanceGroup";

/** The filters a report takes (besides its period), read from its schema, so the web and CLI offer only those. */
export function reportFilters(kind: ReportKind): ReportFilter[] {
  return Object.keys(reportDefinitions[kind].input.shape).filter(
    (key): key is ReportFilter => key !== "from" && key !== "to",
  );
}

/** Whether a user of `role` in an organisation of `organisationKind` may run the report. */
export function mayRunReport(kind: ReportKind, role: Role, organisationKind: OrganisationKind): boolean {
  const definition: ReportDefinition<ReportInputSchema, never> = reportDefinitions[kind];
  if (!definition.readers.includes(role)) return false;
  return (
    role === "admin" ||
    !definition.readerOrganisations ||
    definition.readerOrganisations.includes(organisationKind)
  );
}

/**
 * The reports a role may run, in the registry's order; with the user's organisation kind, only those
 * their organisation may run too (a council's outreach workers have no taskforce report).
 */
export function reportsFor(role: Role, organisationKind?: OrganisationKind): ReportKind[] {
  return reportKinds.filter((kind) =>
    organisationKind
      ? mayRunReport(kind, role, organisationKind)
      : (reportDefinitions[kind].readers as readonly Role[]).includes(role),
  );
}

/** The tables of a report, in the order the web page shows them. */
export function reportTables<K extends ReportKind>(kind: K, report: ReportsByKind[K]): ReportTable[] {
  const note = report.disclosureControl ? protectedFiguresNote : null;
  const tables = reportDefinitions[kind].tables as (report: ReportsByKind[K]) => Omit<ReportTable, "note">[];
  return tables(report).map((table) => ({ ...table, note }));
}

/** A name as it can stand in a file name: "South Park" → `south-park`. */
function fileNamePart(text: string): string {
  return text
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/**
 * e.g. `funnel-2025-01-01-to-2025-12-31.csv`, or `outcomes-exits_by_reason-…` for a second table;
 * a chosen hotspot or substance group ends the name: `funnel-2025-01-01-to-2025-12-31-south-park.csv`.
 */
export function reportCsvFileName(kind: ReportKind, table: ReportTable, choice: ReportChoice): string {
  const name = table.key === kind ? kind : `${kind}-${table.key}`;
  const chosen = [choice.hotspot?.name, choice.substanceGroup ?? undefined]
    .filter((part): part is string => Boolean(part))
    .map(fileNamePart)
    .filter(Boolean);
  return `${[name, choice.from, "to", choice.to, ...chosen].join("-")}.csv`;
}

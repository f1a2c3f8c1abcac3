import {
  type arrestOffences,
  codeLabel,
  type drugClasses,
  type drugQuantityUnits,
  type patrolStyles,
  type weaponKinds,
} from "./codes.ts";
import type { ReportTable } from "./report-tables.ts";
import type { Figure, ReportHeader } from "./reports.ts";

type ArrestOffence = (typeof arrestOffences)[number];
type DrugClass = (typeof drugClasses)[number];
type DrugQuantityUnit = (typeof drugQuantityUnits)[number];
type PatrolStyle = (typeof patrolStyles)[number];
type WeaponKind = (typeof weaponKinds)[number];

/**
 * The taskforce period report (issue 19): what the taskforce did and found at a place over a period,
 * the page a superintendent takes to a residents' meeting. Taskforce activity is the reader's own
 * taskforce's (admins: every taskforce's); people, referrals, completions, needles and reporters are
 * the place's, as the funnel and hotspot activity reports count them.
 */
export interface TaskforceReport extends ReportHeader {
  /** The outreach funnel's first stages at the place (DOMAIN.md "Outreach funnel"). */
  contacts: Figure;
  peopleReached: Figure;
  /** People referred on the day of one of those contacts or within 90 days after it. */
  peopleReferred: Figure;
  /** Of them, people whose episode from such a referral ended successfully (by the day it is run). */
  completions: Figure;
  /** Community reporters (distinct addresses) sent an update on a report at the place in the period. */
  reportersUpdated: Figure;
  /** Needles found and collected (needle finds' counts). */
  needlesCollected: Figure;
  arrests: { offence: ArrestOffence; arrests: Figure }[];
  drugSeizures: {
    drugClass: DrugClass;
    seizures: Figure;
    quantities: { unit: DrugQuantityUnit; quantity: number }[];
  }[];
  cashSeizures: Figure;
  cashPounds: number;
  weapons: { kind: WeaponKind; found: Figure }[];
  patrols: { style: PatrolStyle; patrols: Figure }[];
  searches: Figure;
  warrants: Figure;
  environmentalActions: Figure;
  needleSweeps: Figure;
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const quantityText = (quantities: { unit: DrugQuantityUnit; quantity: number }[]) =>
  quantities.map(({ unit, quantity }) => `${quantity} ${unit}`).join(", ");
const weaponLabels: Record<WeaponKind, string> = {
  knife: "Knives",
  firearm: "Firearms",
  other: "Other weapons",
};

/** A table of one label and one count per row, ending with its total when `total` names one. */
function countTable(
  key: string,
  title: string,
  [label, countLabel]: [string, string],
  rows: [string, number][],
  total?: string,
): Omit<ReportTable, "note"> {
  return {
    key,
    title,
    columns: [
      { label, kind: "text" },
      { label: countLabel, kind: "count" },
    ],
    rows: total ? [...rows, [total, sum(rows.map(([, count]) => count))]] : rows,
    totalRows: total ? [rows.length] : [],
  };
}

export function taskforceTables(report: TaskforceReport): Omit<ReportTable, "note">[] {
  const arrests = sum(report.arrests.map((row) => row.arrests));
  const weapons = sum(report.weapons.map((row) => row.found));
  return [
    countTable(
      "taskforce",
      "The period at a glance",
      ["Measure", "Count"],
      [
        ["People reached (distinct people met)", report.peopleReached],
        ["Contacts", report.contacts],
        ["People referred (within 90 days of a contact)", report.peopleReferred],
        ["Successful completions of treatment", report.completions],
        ["Community reporters updated", report.reportersUpdated],
        ["Arrests", arrests],
        ["Weapons found", weapons],
        ["Cash seized (£)", report.cashPounds],
        ["Needles collected", report.needlesCollected],
      ],
    ),
    countTable(
      "arrests",
      "Arrests by offence",
      ["Offence", "Arrests"],
      report.arrests.map((row) => [codeLabel(row.offence), row.arrests]),
      "All offences",
    ),
    {
      key: "seizures",
      title: "Seizures",
      columns: [
        { label: "Seized", kind: "text" },
        { label: "Seizures", kind: "count" },
        { label: "Amount", kind: "text" },
      ],
      rows: [
        ...report.drugSeizures.map((row) => [
          `Class ${row.drugClass} drugs`,
          row.seizures,
          quantityText(row.quantities),
        ]),
        ["Cash", report.cashSeizures, `£${report.cashPounds.toLocaleString("en-GB")}`],
      ],
      totalRows: [],
    },
    countTable(
      "weapons",
      "Weapons found, by kind",
      ["Weapon", "Found"],
      report.weapons.map((row) => [weaponLabels[row.kind], row.found]),
      "All weapons",
    ),
    countTable(
      "activity",
      "Patrols and actions",
      ["Activity", "Count"],
      [
        ...report.patrols.map((row): [string, number] => [`${codeLabel(row.style)} patrols`, row.patrols]),
        ["Searches", report.searches],
        ["Warrants", report.warrants],
        ["Environmental actions", report.environmentalActions],
        ["Needle sweeps", report.needleSweeps],
      ],
    ),
  ];
}

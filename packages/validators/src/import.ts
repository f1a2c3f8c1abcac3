import {
  contactTypes,
  dischargeReasons,
  incidentCategories,
  incidentSources,
  interventionKinds,
  referralFailureReasons,
  referralSources,
  referralStatuses,
  reportCategories,
  reportStatuses,
  safeguardingConcerns,
  serviceCodes,
  sexes,
  substanceGroups,
  substances,
} from "./codes.ts";

/**
 * `pathways import <folder>` loads historical records from these CSV files (any of them may be
 * missing), in this order: later files refer to rows of earlier ones by their `*_ref` column.
 */
export const importFiles = [
  "people",
  "contacts",
  "referrals",
  "episodes",
  "needle_finds",
  "incidents",
  "community_reports",
] as const;
export type ImportFile = (typeof importFiles)[number];

export interface ImportColumn {
  name: string;
  required: boolean;
  /** What goes in it, for the README and for messages. */
  description: string;
}

const list = (codes: readonly string[]) => codes.join(", ");
const when =
  "ISO 8601 date and time, e.g. 2025-03-14T21:30:00Z; without an offset it is read as London time; a date alone is midday";

export const importColumns: Record<ImportFile, ImportColumn[]> = {
  people: [
    { name: "person_ref", required: true, description: "your key for the person, used by the other files" },
    { name: "first_initial", required: true, description: "one letter" },
    { name: "surname_initial", required: true, description: "one letter" },
    { name: "date_of_birth", required: true, description: "YYYY-MM-DD" },
    { name: "sex", required: true, description: list(sexes) },
    { name: "alias", required: false, description: "street name" },
    { name: "partial_postcode", required: false, description: "e.g. OX4 1" },
    { name: "full_name", required: false, description: "seen by the treatment provider only" },
  ],
  contacts: [
    {
      name: "contact_ref",
      required: false,
      description: "your key for the contact (letters, digits, - and _); referrals.csv may name it",
    },
    { name: "occurred_at", required: true, description: when },
    { name: "hotspot", required: false, description: "hotspot name; or give location" },
    { name: "location", required: false, description: "where, when not at a hotspot" },
    { name: "lat", required: false, description: "latitude, with lng" },
    { name: "lng", required: false, description: "longitude, with lat" },
    { name: "worker_email", required: true, description: "the outreach worker's Pathways email" },
    { name: "person_ref", required: false, description: "from people.csv; empty for an anonymous contact" },
    { name: "contact_type", required: true, description: list(contactTypes) },
    { name: "substances", required: false, description: `separated by ";": ${list(substances)}` },
    {
      name: "interventions",
      required: false,
      description: `separated by ";", counted ones with a quantity as needles_supplied:10: ${list(interventionKinds)}`,
    },
    {
      name: "safeguarding_concerns",
      required: false,
      description: `separated by ";": ${list(safeguardingConcerns)}`,
    },
    { name: "notes", required: false, description: "free text" },
  ],
  referrals: [
    { name: "referral_ref", required: true, description: "your key for the referral, used by episodes.csv" },
    { name: "person_ref", required: true, description: "from people.csv" },
    { name: "contact_ref", required: false, description: "from contacts.csv, when made from a contact" },
    { name: "provider", required: true, description: "the organisation running the service" },
    { name: "service", required: true, description: list(serviceCodes) },
    { name: "referring_organisation", required: true, description: "organisation name" },
    { name: "referring_user_email", required: false, description: "the referrer's Pathways email" },
    { name: "reason", required: true, description: "free text" },
    { name: "source", required: true, description: list(referralSources) },
    { name: "status", required: true, description: list(referralStatuses) },
    {
      name: "failure_reason",
      required: false,
      description: `required when rejected: ${list(referralFailureReasons)}`,
    },
    { name: "requested_at", required: true, description: when },
    { name: "status_changed_at", required: false, description: `${when}; default requested_at` },
  ],
  episodes: [
    { name: "person_ref", required: true, description: "from people.csv" },
    { name: "provider", required: true, description: "treatment provider organisation name" },
    { name: "keyworker", required: false, description: "the provider's keyworker, by name" },
    { name: "substance_group", required: true, description: list(substanceGroups) },
    { name: "referral_ref", required: false, description: "from referrals.csv; empty for a self-referral" },
    { name: "started_on", required: true, description: "YYYY-MM-DD" },
    { name: "discharged_on", required: false, description: "YYYY-MM-DD, with discharge_reason" },
    { name: "discharge_reason", required: false, description: list(dischargeReasons) },
    { name: "ost_at_exit", required: false, description: "yes or no (opiate clients: still on OST at exit)" },
  ],
  needle_finds: [
    { name: "find_ref", required: false, description: "your key for the find (letters, digits, - and _)" },
    { name: "found_at", required: true, description: when },
    { name: "hotspot", required: false, description: "hotspot name; or give location" },
    { name: "location", required: false, description: "where, when not at a hotspot" },
    { name: "lat", required: false, description: "latitude, with lng" },
    { name: "lng", required: false, description: "longitude, with lat" },
    { name: "count", required: true, description: "needles found, a whole number" },
    { name: "collected_by_email", required: true, description: "who collected them: a Pathways email" },
  ],
  incidents: [
    { name: "source", required: true, description: list(incidentSources) },
    {
      name: "source_reference",
      required: true,
      description: "the source's own reference; a reference imported before is skipped",
    },
    { name: "occurred_at", required: true, description: when },
    {
      name: "category",
      required: true,
      description: `${list(incidentCategories)} (ambulance: overdose, drug_related_callout)`,
    },
    { name: "lat", required: false, description: "latitude, with lng" },
    { name: "lng", required: false, description: "longitude, with lat" },
    { name: "area", required: false, description: "area or hotspot name, when there is no lat and lng" },
  ],
  community_reports: [
    {
      name: "report_ref",
      required: false,
      description: "your key for the report (letters, digits, - and _); a report imported before is refused",
    },
    { name: "submitted_at", required: true, description: when },
    { name: "category", required: true, description: list(reportCategories) },
    { name: "hotspot", required: false, description: "hotspot name; or give location" },
    { name: "location", required: false, description: "where, when not at a hotspot" },
    { name: "lat", required: false, description: "latitude, with lng" },
    { name: "lng", required: false, description: "longitude, with lat" },
    { name: "description", required: true, description: "what the resident reported" },
    { name: "contact_email", required: false, description: "the reporter's email, for updates" },
    { name: "contact_phone", required: false, description: "the reporter's phone, for updates" },
    { name: "status", required: false, description: `${list(reportStatuses)}; default open` },
  ],
};

/** One data row of a CSV file: its line in the file (the header is line 1) and its cells by column. */
export interface ImportRecord {
  line: number;
  values: Record<string, string>;
}

export interface ImportFileContent {
  header: string[];
  records: ImportRecord[];
}

export type ImportInput = Partial<Record<ImportFile, ImportFileContent>>;

/** A bad value: where it is (file, line, column) and what is wrong with it. */
export interface ImportProblem {
  file: string;
  line: number;
  column: string | null;
  message: string;
}

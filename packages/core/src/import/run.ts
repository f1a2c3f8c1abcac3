import {
  auditEvents,
  communityReports,
  contacts,
  copyInto,
  type Executor,
  hotspots as hotspotTable,
  keyworkers,
  needleFinds,
  organisations,
  services,
  sql,
  users,
} from "@pathways/db";
import {
  type ImportFile,
  type ImportInput,
  type ImportProblem,
  type ImportRecord,
  importColumns,
  importFiles,
} from "@pathways/validators";
import type { z } from "zod";
import { auditEventRows } from "../audit.ts";
import type { Ctx } from "../context.ts";
import { ValidationError } from "../errors.ts";
import { parseMoment } from "./london-time.ts";

/*
 * What every file's checker shares: the cells of a row, the problems found so far, the reference
 * data (hotspots, organisations, services, users, keyworkers) and the `*_ref` indexes between files.
 */

/** The import found bad values; nothing was written. `problems` says where each one is. */
export class ImportRejected extends ValidationError {
  constructor(readonly problems: ImportProblem[]) {
    super(
      `The import was refused: ${problems.length} problem${problems.length === 1 ? "" : "s"} found. Nothing was written.`,
      problemFields(problems),
    );
  }
}

/** For API clients: each problem's message under "file line N, column C", as the CLI prints it. */
function problemFields(problems: ImportProblem[]): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const problem of problems) {
    const where = `${problem.file} line ${problem.line}${problem.column ? `, column ${problem.column}` : ""}`;
    fields[where] ??= [];
    fields[where].push(problem.message);
  }
  return fields;
}

export interface ImportProgress {
  file: ImportFile;
  stage: "checked" | "written";
  done: number;
  total: number;
}

/** Ids per update statement. */
export const batchSize = 500;
/** Stands in for a reference that did not resolve, so the rest of the row is still checked. */
export const unresolved = "00000000-0000-4000-8000-000000000000";

export function fileName(file: ImportFile) {
  return `${file}.csv`;
}

/** A cell as given, or undefined when empty: an empty cell means "not given". */
export function cell(record: ImportRecord, column: string): string | undefined {
  const value = record.values[column]?.trim();
  return value ? value : undefined;
}

export function listCell(record: ImportRecord, column: string): string[] {
  return (cell(record, column) ?? "")
    .split(";")
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Lower-cased and trimmed, for matching names people typed in a spreadsheet. */
export const key = (name: string) => name.trim().toLowerCase();

export class Problems {
  readonly list: ImportProblem[] = [];
  add(file: ImportFile, line: number, column: string | null, message: string) {
    this.list.push({ file: fileName(file), line, column, message });
  }
  /** Adds a zod failure, naming the CSV column each schema field came from. */
  addZod(file: ImportFile, record: ImportRecord, error: z.ZodError, columnOf: Record<string, string>) {
    for (const issue of error.issues) {
      const field = String(issue.path[0] ?? "");
      const column = columnOf[field] ?? null;
      this.add(file, record.line, column, issue.message);
    }
  }
}

export interface ReferenceData {
  hotspots: Map<string, string>;
  organisations: Map<string, { id: string; kind: string; name: string }>;
  services: Map<string, { id: string; code: string; organisationId: string }>;
  users: Map<string, { id: string; organisationId: string; disabled: boolean }>;
  keyworkers: Map<string, string>;
}

async function referenceData(db: Executor): Promise<ReferenceData> {
  const [hotspotRows, organisationRows, serviceRows, userRows, keyworkerRows] = await Promise.all([
    db.select({ id: hotspotTable.id, name: hotspotTable.name }).from(hotspotTable),
    db
      .select({ id: organisations.id, name: organisations.name, kind: organisations.kind })
      .from(organisations),
    db
      .select({ id: services.id, code: services.code, organisationId: services.organisationId })
      .from(services),
    db
      .select({
        id: users.id,
        email: users.email,
        organisationId: users.organisationId,
        disabledAt: users.disabledAt,
      })
      .from(users),
    db
      .select({ id: keyworkers.id, name: keyworkers.name, organisationId: keyworkers.organisationId })
      .from(keyworkers),
  ]);
  return {
    hotspots: new Map(hotspotRows.map((h) => [key(h.name), h.id])),
    organisations: new Map(organisationRows.map((o) => [key(o.name), o])),
    services: new Map(serviceRows.map((s) => [`${s.organisationId}/${s.code}`, s])),
    users: new Map(
      userRows.map((u) => [
        key(u.email),
        { id: u.id, organisationId: u.organisationId, disabled: !!u.disabledAt },
      ]),
    ),
    keyworkers: new Map(keyworkerRows.map((k) => [`${k.organisationId}/${key(k.name)}`, k.id])),
  };
}

/** Unknown columns are refused (a typo would silently drop data); required ones must be there. */
export function checkHeaders(input: ImportInput, problems: Problems): Set<ImportFile> {
  const usable = new Set<ImportFile>();
  for (const file of importFiles) {
    const content = input[file];
    if (!content) continue;
    const known = importColumns[file].map((c) => c.name);
    const before = problems.list.length;
    for (const column of content.header) {
      if (!known.includes(column)) {
        problems.add(file, 1, column, `unknown column "${column}"; the columns are ${known.join(", ")}`);
      }
    }
    for (const column of importColumns[file].filter((c) => c.required)) {
      if (!content.header.includes(column.name))
        problems.add(file, 1, column.name, `the column ${column.name} is missing`);
    }
    if (problems.list.length === before) usable.add(file);
  }
  return usable;
}

/**
 * The `*_ref`s among the records that an earlier import used already: kept as `import-<ref>` client
 * keys (contacts, needle finds) or as the ref itself (community reports' import_ref).
 */
async function importedRefs(
  db: Executor,
  stored: typeof contacts.clientKey | typeof needleFinds.clientKey | typeof communityReports.importRef,
  prefix: string,
  records: ImportRecord[],
  column: string,
): Promise<Set<string>> {
  const refs = records.map((record) => cell(record, column)).filter((ref) => ref !== undefined);
  if (refs.length === 0) return new Set();
  // One statement for all of them, as one JSON parameter: a list of 50,000 parameters would take a
  // hundred statements and as many round trips.
  const found = await db
    .select({ key: stored })
    .from(stored.table)
    .where(sql`${stored} in (select ${prefix} || json_array_elements_text(${JSON.stringify(refs)}::json))`);
  return new Set(found.map((row) => (row.key ?? "").slice(prefix.length)));
}

/**
 * One import in progress, inside its transaction: what each file's checker reads and reports to. Rows
 * are written (COPY on the transaction's connection) while the next ones are checked; once a problem
 * is found nothing more is written, and the refusal rolls back what was.
 */
export async function startImport(
  ctx: Ctx,
  tx: Executor,
  input: ImportInput,
  onProgress: (progress: ImportProgress) => void,
) {
  const problems = new Problems();
  const usable = checkHeaders(input, problems);
  const rowsOf = (file: ImportFile) => (usable.has(file) ? (input[file]?.records ?? []) : []);
  const progress = (file: ImportFile, stage: ImportProgress["stage"], done: number) =>
    onProgress({ file, stage, done, total: rowsOf(file).length });
  const writing = () => problems.list.length === 0;
  const refs = await referenceData(tx);
  const importedBefore = {
    contacts: await importedRefs(tx, contacts.clientKey, "import-", rowsOf("contacts"), "contact_ref"),
    needle_finds: await importedRefs(
      tx,
      needleFinds.clientKey,
      "import-",
      rowsOf("needle_finds"),
      "find_ref",
    ),
    community_reports: await importedRefs(
      tx,
      communityReports.importRef,
      "",
      rowsOf("community_reports"),
      "report_ref",
    ),
  };
  /** A contact, find or community report imported before (same `*_ref`) is refused rather than written twice. */
  const refuseImportedBefore = (file: keyof typeof importedBefore, record: ImportRecord, column: string) => {
    const ref = cell(record, column);
    if (ref && importedBefore[file].has(ref)) {
      problems.add(
        file,
        record.line,
        column,
        `${column} ${ref} was imported before; remove the row or change its ${column}`,
      );
    }
  };
  const audited = (entity: string, rows: { id: string; personId?: string | null }[]) =>
    copyInto(
      tx,
      auditEvents,
      auditEventRows(
        ctx,
        rows.map((row) => ({ action: "create", entity, entityId: row.id, personId: row.personId })),
      ),
    );

  const lookup = {
    worker(file: ImportFile, record: ImportRecord, column: string, required: boolean) {
      const email = cell(record, column);
      if (!email) {
        if (required) problems.add(file, record.line, column, `${column} is required`);
        return undefined;
      }
      const user = refs.users.get(key(email));
      if (!user) problems.add(file, record.line, column, `no Pathways user has the email ${email}`);
      return user;
    },
    hotspot(file: ImportFile, record: ImportRecord) {
      const name = cell(record, "hotspot");
      if (!name) return undefined;
      const id = refs.hotspots.get(key(name));
      if (!id) problems.add(file, record.line, "hotspot", `no hotspot is named "${name}"`);
      return id ?? unresolved;
    },
    organisation(file: ImportFile, record: ImportRecord, column: string) {
      const name = cell(record, column);
      if (!name) return undefined;
      const organisation = refs.organisations.get(key(name));
      if (!organisation) problems.add(file, record.line, column, `no organisation is named "${name}"`);
      return organisation;
    },
    moment(file: ImportFile, record: ImportRecord, column: string): Date | undefined {
      const text = cell(record, column);
      if (!text) return undefined;
      const moment = parseMoment(text);
      if (!moment) {
        problems.add(
          file,
          record.line,
          column,
          `${column} must be a date and time like 2025-03-14T21:30:00Z ("${text}")`,
        );
      }
      return moment ?? undefined;
    },
    number(file: ImportFile, record: ImportRecord, column: string): number | undefined {
      const text = cell(record, column);
      if (text === undefined) return undefined;
      const value = Number(text);
      if (!Number.isFinite(value)) {
        problems.add(file, record.line, column, `${column} must be a number ("${text}")`);
        return undefined;
      }
      return value;
    },
  };

  return {
    ctx,
    tx,
    problems,
    refs,
    rowsOf,
    progress,
    writing,
    refuseImportedBefore,
    audited,
    lookup,
  };
}

export type ImportRun = Awaited<ReturnType<typeof startImport>>;

/** Where a place's fields came from in a CSV row, for messages. */
export const placeColumns = { hotspotId: "hotspot", location: "location", lat: "lat", lng: "lng" };

/** `*_ref` keys: unique within their file; refs to rows that had problems are not reported again. */
export function refIndex<T>(problems: Problems, file: ImportFile) {
  const rows = new Map<string, { line: number; row: T | null }>();
  return {
    define(record: ImportRecord, column: string, row: T | null) {
      const ref = cell(record, column);
      if (!ref) return;
      const earlier = rows.get(ref);
      if (earlier) {
        problems.add(file, record.line, column, `${column} ${ref} is already used on line ${earlier.line}`);
      } else rows.set(ref, { line: record.line, row });
    },
    resolve(fromFile: ImportFile, record: ImportRecord, column: string): T | null | undefined {
      const ref = cell(record, column);
      if (!ref) return undefined;
      const found = rows.get(ref);
      if (!found) {
        problems.add(fromFile, record.line, column, `${column} ${ref} is not in ${fileName(file)}`);
        return null;
      }
      return found.row;
    },
  };
}
export type RefIndex<T> = ReturnType<typeof refIndex<T>>;

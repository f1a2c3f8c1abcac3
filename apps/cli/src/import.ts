import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { ImportRejected, importHistoricalData } from "@pathways/core";
import { openDatabase, type ServerConfig } from "@pathways/server";
import {
  type ImportFile,
  type ImportInput,
  type ImportProblem,
  type ImportRecord,
  importFiles,
} from "@pathways/validators";
import { CsvError, type Options, parse } from "csv-parse/sync";
import { type Output, UsageError } from "./commands.ts";

export const importUsage = `pathways import <folder>
  Loads ${importFiles.map((file) => `${file}.csv`).join(", ")} from the folder (any may be missing;
  columns in the README). Every row is checked first; one bad value and nothing is written.`;

/** Problems printed before the rest are summed up: enough to fix a file, not a wall of text. */
const shownProblems = 200;

function describe(problem: ImportProblem): string {
  const where = problem.column ? `, column ${problem.column}` : "";
  return `${problem.file} line ${problem.line}${where}: ${problem.message}`;
}

/** Reads one CSV file into a header and records that remember their line; syntax errors become problems. */
function readCsv(file: ImportFile, text: string, problems: ImportProblem[]) {
  let header: string[] | null = null;
  try {
    // Each record is built as it is parsed, with the line it ended on.
    const options: Options<ImportRecord, string[]> = {
      bom: true,
      skip_empty_lines: true,
      on_record: (record, context) => {
        if (!header) {
          header = record.map((name) => name.trim().toLowerCase());
          return null;
        }
        const values: Record<string, string> = {};
        for (let i = 0; i < header.length; i++) values[header[i]!] = record[i] ?? "";
        return { line: context.lines, values };
      },
    };
    // The sync parser's overloads type on_record's result only together with `columns`.
    const records = parse(text, options as unknown as Options) as unknown as ImportRecord[];
    return { header: header ?? [], records };
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines ?? 0;
    problems.push({ file: `${file}.csv`, line, column: null, message: `not valid CSV: ${error.message}` });
    return null;
  }
}

export async function importFolder(
  config: ServerConfig,
  folder: string | undefined,
  output: Output,
): Promise<number> {
  if (!folder) throw new UsageError(`Which folder? ${importUsage}`);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new UsageError(`${folder} is not a folder`);
  const present = importFiles.filter((file) => existsSync(path.join(folder, `${file}.csv`)));
  if (present.length === 0) {
    throw new UsageError(`${folder} has none of ${importFiles.map((file) => `${file}.csv`).join(", ")}`);
  }
  // Opening the database (PGlite compiles its WebAssembly meanwhile) overlaps reading the files.
  const opening = openDatabase(config);
  const input: ImportInput = {};
  const problems: ImportProblem[] = [];
  for (const file of present) {
    const content = readCsv(file, readFileSync(path.join(folder, `${file}.csv`), "utf8"), problems);
    if (content) input[file] = content;
    output.out(`Read ${file}.csv: ${(content?.records.length ?? 0).toLocaleString("en-GB")} rows`);
  }
  if (problems.length > 0) {
    await opening.then((database) => database.close()).catch(() => {});
    return refuse(problems, output);
  }
  const database = await opening;
  try {
    await database.migrate();
    const counts = await importHistoricalData({
      ctx: { db: database.db, actor: { kind: "system", name: "import" } },
      input,
      onProgress: ({ file, stage, done, total }) => {
        if (stage === "checked") output.out(`Checked ${file}.csv`);
        // Every 10,000 rows, and at the end of each file.
        else if (done === total || done % 10_000 === 0) {
          output.out(
            `Writing ${file}.csv: ${done.toLocaleString("en-GB")} of ${total.toLocaleString("en-GB")}`,
          );
        }
      },
    });
    output.out(
      `Imported ${importFiles.map((file) => `${counts[file].toLocaleString("en-GB")} ${file.replace("_", " ")}`).join(", ")}.`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ImportRejected) return refuse(error.problems, output);
    throw error;
  } finally {
    await database.close();
  }
}

function refuse(problems: ImportProblem[], output: Output): number {
  for (const problem of problems.slice(0, shownProblems)) output.err(describe(problem));
  if (problems.length > shownProblems) output.err(`…and ${problems.length - shownProblems} more problems.`);
  output.err(
    `Nothing was imported: fix the ${problems.length === 1 ? "problem" : `${problems.length} problems`} above and run the import again.`,
  );
  return 1;
}

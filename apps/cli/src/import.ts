import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { ImportRejected, importHistoricalData } from "@pathways/core";
import { openDatabase } from "@pathways/server/database";
import type { ServerConfig } from "@pathways/server/env";
import {
  type ImportFile,
  type ImportInput,
  type ImportProblem,
  type ImportRecord,
  importFiles,
} from "@pathways/validators";
import { CsvSyntaxError, parseCsv } from "./csv.ts";
import { type Output, UsageError } from "./output.ts";

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
  try {
    const [header, ...rows] = parseCsv(text);
    if (!header) return { header: [], records: [] };
    const columns = header.fields.map((name) => name.trim().toLowerCase());
    const records: ImportRecord[] = rows.map(({ line, fields }) => {
      const values: Record<string, string> = {};
      for (let i = 0; i < columns.length; i++) values[columns[i]!] = fields[i]!;
      return { line, values };
    });
    return { header: columns, records };
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    problems.push({
      file: `${file}.csv`,
      line: error.line,
      column: null,
      message: `not valid CSV: ${error.message}`,
    });
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

export function refuse(problems: ImportProblem[], output: Output): number {
  for (const problem of problems.slice(0, shownProblems)) output.err(describe(problem));
  if (problems.length > shownProblems) output.err(`…and ${problems.length - shownProblems} more problems.`);
  output.err(
    `Nothing was imported: fix the ${problems.length === 1 ? "problem" : `${problems.length} problems`} above and run the import again.`,
  );
  return 1;
}

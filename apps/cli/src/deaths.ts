import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ImportRejected, importDeathFile } from "@pathways/core";
import { openDatabase } from "@pathways/server/database";
import type { ServerConfig } from "@pathways/server/env";
import type { ImportProblem, ImportRecord } from "@pathways/validators";
import { type DeathImportFile, deathImportFiles } from "@pathways/validators/deaths";
import { CsvSyntaxError, parseCsv } from "./csv.ts";
import { refuse } from "./import.ts";
import { type Output, UsageError } from "./output.ts";

const kinds = Object.keys(deathImportFiles) as DeathImportFile[];

export const deathsUsage = `pathways deaths import <file.csv>
  Loads populations.csv (area, area_kind, year, age_band, population, source) or
  drug_related_deaths.csv (reference, died_on, area, substance_group, known_to_treatment,
  age_at_death), chosen by the file's name. Every row is checked first; one bad value and nothing
  is written.`;

export async function deaths(
  config: ServerConfig,
  action: string | undefined,
  file: string | undefined,
  output: Output,
): Promise<number> {
  if (action !== "import") throw new UsageError(deathsUsage);
  if (!file) throw new UsageError(`Which file? ${deathsUsage}`);
  const kind = kinds.find((name) => path.basename(file) === `${name}.csv`);
  if (!kind)
    throw new UsageError(`The file must be called ${kinds.map((name) => `${name}.csv`).join(" or ")}`);
  if (!existsSync(file)) throw new UsageError(`${file} does not exist`);
  let rows: ReturnType<typeof parseCsv>;
  try {
    rows = parseCsv(readFileSync(file, "utf8"));
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    const problem: ImportProblem = {
      file: `${kind}.csv`,
      line: error.line,
      column: null,
      message: `not valid CSV: ${error.message}`,
    };
    return refuse([problem], output);
  }
  const [header, ...data] = rows;
  const columns = (header?.fields ?? []).map((name) => name.trim().toLowerCase());
  const records: ImportRecord[] = data.map(({ line, fields }) => ({
    line,
    values: Object.fromEntries(columns.map((column, i) => [column, fields[i]!])),
  }));
  const database = await openDatabase(config);
  try {
    await database.migrate();
    const { written } = await importDeathFile({
      ctx: { db: database.db, actor: { kind: "system", name: "import" } },
      input: { file: kind, content: { header: columns, records } },
    });
    output.out(`Imported ${written.toLocaleString("en-GB")} row${written === 1 ? "" : "s"} of ${kind}.csv.`);
    return 0;
  } catch (error) {
    if (error instanceof ImportRejected) return refuse(error.problems, output);
    throw error;
  } finally {
    await database.close();
  }
}

import { areaPopulations, areas, drugRelatedDeaths, inArray, sql } from "@pathways/db";
import type { ImportFileContent, ImportProblem, ImportRecord } from "@pathways/validators";
import {
  AreaInput,
  type DeathImportFile,
  DeathInput,
  deathImportFiles,
  PopulationInput,
} from "@pathways/validators/deaths";
import type { z } from "zod";
import { audit } from "../audit.ts";
import type { VerbArgs } from "../context.ts";
import { cell, ImportRejected, key } from "../import/run.ts";
import { requireRoleOrSystem, verbRoles } from "../rights.ts";

export interface DeathImportInput {
  file: DeathImportFile;
  content: ImportFileContent;
}

const placeholderId = "00000000-0000-4000-8000-000000000000";

/**
 * Loads populations.csv or drug_related_deaths.csv, all or nothing like `pathways import`: every row
 * is checked first, and one bad value refuses the file with each problem's line and column.
 */
export async function importDeathFile({
  ctx,
  input,
}: VerbArgs<DeathImportInput>): Promise<{ written: number }> {
  requireRoleOrSystem(ctx.actor, verbRoles.administer);
  const { file, content } = input;
  const problems: ImportProblem[] = [];
  const add = (line: number, column: string | null, message: string) =>
    problems.push({ file: `${file}.csv`, line, column, message });
  const columns = deathImportFiles[file];
  const known = columns.map((c) => c.name as string);
  for (const column of content.header) {
    if (!known.includes(column))
      add(1, column, `unknown column "${column}"; the columns are ${known.join(", ")}`);
  }
  for (const column of columns.filter((c) => c.required)) {
    if (!content.header.includes(column.name)) add(1, column.name, `the column ${column.name} is missing`);
  }
  if (problems.length) throw new ImportRejected(problems);
  const addZod = (record: ImportRecord, error: z.ZodError, columnOf: Record<string, string>) => {
    for (const issue of error.issues)
      add(record.line, columnOf[String(issue.path[0])] ?? null, issue.message);
  };
  const whole = (record: ImportRecord, column: string): number | string | undefined => {
    const text = cell(record, column);
    return text !== undefined && /^-?\d+$/.test(text) ? Number(text) : text;
  };

  return ctx.db.transaction(async (tx) => {
    const areaIds = new Map(
      (await tx.select({ id: areas.id, name: areas.name }).from(areas)).map((a) => [key(a.name), a.id]),
    );
    const areaOf = (record: ImportRecord) => {
      const name = cell(record, "area");
      const id = name ? areaIds.get(key(name)) : undefined;
      return { name, id };
    };

    if (file === "populations") {
      // New areas in file order, each with the name of the area it lies within (known, or new earlier).
      const newAreas = new Map<string, AreaInput & { withinName?: string }>();
      const rows: (PopulationInput & { areaName: string })[] = [];
      const seen = new Map<string, number>();
      for (const record of content.records) {
        const { name, id } = areaOf(record);
        const kind = cell(record, "area_kind");
        if (name && !id && !newAreas.has(key(name))) {
          if (!kind) add(record.line, "area", `no area called ${name}: give its area_kind to make it`);
          else {
            const area = AreaInput.safeParse({ name, kind });
            const withinName = cell(record, "within");
            if (withinName && !areaIds.has(key(withinName)) && !newAreas.has(key(withinName))) {
              add(
                record.line,
                "within",
                `no area called ${withinName}: give it on an earlier line or make it first`,
              );
            }
            if (area.success) newAreas.set(key(name), { ...area.data, withinName });
            else addZod(record, area.error, { name: "area", kind: "area_kind" });
          }
        }
        const parsed = PopulationInput.safeParse({
          areaId: id ?? placeholderId,
          year: whole(record, "year"),
          ageBand: cell(record, "age_band"),
          population: whole(record, "population"),
          source: cell(record, "source"),
        });
        if (!parsed.success) {
          addZod(record, parsed.error, {
            year: "year",
            ageBand: "age_band",
            population: "population",
            source: "source",
          });
          continue;
        }
        const slot = `${key(name ?? "")}/${parsed.data.year}/${parsed.data.ageBand}`;
        const earlier = seen.get(slot);
        if (earlier !== undefined) {
          add(
            record.line,
            "year",
            `${name} ${parsed.data.year} (${parsed.data.ageBand}) is already given on line ${earlier}`,
          );
        }
        seen.set(slot, record.line);
        if (name) rows.push({ ...parsed.data, areaName: name });
      }
      if (problems.length) throw new ImportRejected(problems);
      for (const { withinName, ...area } of newAreas.values()) {
        const withinAreaId = withinName ? areaIds.get(key(withinName)) : undefined;
        const [made] = await tx
          .insert(areas)
          .values({ ...area, withinAreaId })
          .returning({ id: areas.id });
        areaIds.set(key(area.name), made!.id);
        await audit(tx, ctx, { action: "create", entity: "area", entityId: made!.id });
      }
      if (rows.length) {
        await tx
          .insert(areaPopulations)
          .values(rows.map(({ areaName, ...row }) => ({ ...row, areaId: areaIds.get(key(areaName))! })))
          .onConflictDoUpdate({
            target: [areaPopulations.areaId, areaPopulations.year, areaPopulations.ageBand],
            set: { population: sql`excluded.population`, source: sql`excluded.source` },
          });
      }
      await audit(tx, ctx, { action: "import", entity: "area_population", entityId: `${rows.length} rows` });
      return { written: rows.length };
    }

    const rows: DeathInput[] = [];
    const references = new Map<string, number>();
    for (const record of content.records) {
      const { name, id } = areaOf(record);
      if (name && !id) add(record.line, "area", `no area called ${name}; import its populations first`);
      const known = cell(record, "known_to_treatment")?.toLowerCase();
      const parsed = DeathInput.safeParse({
        diedOn: cell(record, "died_on"),
        areaId: id ?? placeholderId,
        substanceGroup: cell(record, "substance_group"),
        knownToTreatment:
          known === "yes" || known === "true" ? true : known === "no" || known === "false" ? false : known,
        ageAtDeath: whole(record, "age_at_death"),
        sourceReference: cell(record, "reference"),
      });
      if (!parsed.success) {
        addZod(record, parsed.error, {
          diedOn: "died_on",
          substanceGroup: "substance_group",
          knownToTreatment: "known_to_treatment",
          ageAtDeath: "age_at_death",
          sourceReference: "reference",
        });
        continue;
      }
      const reference = parsed.data.sourceReference;
      if (reference) {
        const earlier = references.get(reference);
        if (earlier !== undefined)
          add(record.line, "reference", `${reference} is already given on line ${earlier}`);
        references.set(reference, record.line);
      }
      rows.push(parsed.data);
    }
    if (references.size) {
      const imported = await tx
        .select({ reference: drugRelatedDeaths.sourceReference })
        .from(drugRelatedDeaths)
        .where(inArray(drugRelatedDeaths.sourceReference, [...references.keys()]));
      for (const { reference } of imported) {
        add(
          references.get(reference!)!,
          "reference",
          `${reference} was imported before; a death is imported once`,
        );
      }
    }
    if (problems.length) throw new ImportRejected(problems.sort((a, b) => a.line - b.line));
    if (rows.length) {
      await tx.insert(drugRelatedDeaths).values(
        rows.map((row) => ({
          diedOn: row.diedOn,
          areaId: row.areaId,
          substanceGroup: row.substanceGroup,
          knownToTreatment: row.knownToTreatment,
          ageAtDeath: row.ageAtDeath ?? null,
          sourceReference: row.sourceReference ?? null,
        })),
      );
    }
    await audit(tx, ctx, { action: "import", entity: "drug_related_death", entityId: `${rows.length} rows` });
    return { written: rows.length };
  });
}

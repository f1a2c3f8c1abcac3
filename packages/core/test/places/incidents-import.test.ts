import { auditEvents, count, eq, incidents, like } from "@pathways/db";
import type { ImportFileContent } from "@pathways/validators";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { Forbidden } from "../../src/errors.ts";
import { createHotspot } from "../../src/hotspots.ts";
import { ImportRejected } from "../../src/import/run.ts";
import { importIncidents } from "../../src/places/incidents.ts";

/** Incidents this test's world imported (tests in a file share a database). */
async function countOf(db: Parameters<typeof makeWorld>[0], tag: string) {
  const rows = await db
    .select({ n: count() })
    .from(incidents)
    .where(like(incidents.sourceReference, `%${tag}`));
  return rows[0]!.n;
}

const header = ["source", "source_reference", "occurred_at", "category", "lat", "lng", "area"];

/** A CSV file as the CLI reads it: the header on line 1, data from line 2. */
function incidentsFile(rows: string[][]): ImportFileContent {
  return {
    header,
    records: rows.map((row, index) => ({
      line: index + 2,
      values: Object.fromEntries(header.map((column, i) => [column, row[i] ?? ""])),
    })),
  };
}

async function placesWorld(use: () => { db: Parameters<typeof makeWorld>[0] }) {
  const world = await makeWorld(use().db);
  const admin = world.ctxOf("admin");
  const circle = await createHotspot({
    ctx: admin,
    input: { name: `Grandpont ${world.tag}`, lat: 51.745, lng: -1.255, radiusM: 150 },
  });
  const square = await createHotspot({
    ctx: admin,
    input: {
      name: `South Park ${world.tag}`,
      lat: 51.751,
      lng: -1.2285,
      polygon: [
        [-1.23, 51.75],
        [-1.227, 51.75],
        [-1.227, 51.752],
        [-1.23, 51.752],
        [-1.23, 51.75],
      ],
    },
  });
  const good = incidentsFile([
    ["ambulance", `A1-${world.tag}`, "2026-03-01T22:10:00Z", "overdose", "51.7518", "-1.2298", ""],
    ["ambulance", `A2-${world.tag}`, "2026-03-02 01:30", "drug_related_callout", "51.746", "-1.255", ""],
    ["police", `A1-${world.tag}`, "2026-03-03", "drug_trafficking", "51.7700", "-1.2000", ""],
    [
      "police",
      `P2-${world.tag}`,
      "2026-03-04T12:00:00Z",
      "antisocial_behaviour",
      "",
      "",
      `grandpont ${world.tag}`,
    ],
    ["police", `P3-${world.tag}`, "2026-03-05T12:00:00Z", "weapons", "", "", "Cowley Road"],
  ]);
  return { ...world, circle, square, good };
}

describeDb("incidents import", (use) => {
  it("imports a good file, placing each incident by the containment rule, and audits the import", async () => {
    const { ctxOf, circle, square, good, tag, actors } = await placesWorld(use);
    const result = await importIncidents({ ctx: ctxOf("outreach_worker"), input: good });
    expect(result).toEqual({ imported: 5, alreadyImported: 0 });
    const rows = await use()
      .db.select()
      .from(incidents)
      .where(like(incidents.sourceReference, `%${tag}`));
    const placed = Object.fromEntries(rows.map((r) => [`${r.source} ${r.sourceReference}`, r.hotspotId]));
    expect(placed).toEqual({
      [`ambulance A1-${tag}`]: square.id,
      [`ambulance A2-${tag}`]: circle.id,
      [`police A1-${tag}`]: null,
      [`police P2-${tag}`]: circle.id,
      [`police P3-${tag}`]: null,
    });
    const events = await use()
      .db.select()
      .from(auditEvents)
      .where(eq(auditEvents.actorUserId, actors.outreach_worker.userId));
    expect(events.map((e) => [e.action, e.entity, e.entityId])).toEqual([
      ["import", "incident", "incidents:5"],
    ]);
  });

  it("inserts nothing new when the same file is imported again", async () => {
    const { ctxOf, good, tag } = await placesWorld(use);
    await importIncidents({ ctx: ctxOf("admin"), input: good });
    const again = await importIncidents({ ctx: ctxOf("outreach_worker"), input: good });
    expect(again).toEqual({ imported: 0, alreadyImported: 5 });
    expect(await countOf(use().db, tag)).toBe(5);
  });

  it("refuses a file with bad lines, naming line and column, and writes none of its good ones", async () => {
    const { ctxOf, tag } = await placesWorld(use);
    const bad = incidentsFile([
      ["ambulance", `B1-${tag}`, "2026-03-01T22:10:00Z", "overdose", "51.7518", "-1.2298", ""],
      ["ambulance", `B2-${tag}`, "yesterday", "weapons", "51.7", "", ""],
      ["fire", `B3-${tag}`, "2026-03-01", "overdose", "north", "-1.2", ""],
      ["police", `B4-${tag}`, "2026-03-01", "drug_offence", "", "", ""],
      ["police", `B5-${tag}`, "2026-03-02", "drug_offence", "", "", "Cowley Road"],
      ["police", `B5-${tag}`, "2026-03-02", "drug_offence", "", "", "Cowley Road"],
    ]);
    const refusal = await importIncidents({ ctx: ctxOf("admin"), input: bad }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ImportRejected);
    expect(
      (refusal as ImportRejected).problems.map(
        (p) => `${p.file} line ${p.line}, column ${p.column}: ${p.message}`,
      ),
    ).toEqual([
      'incidents.csv line 3, column occurred_at: occurred_at must be a date and time like 2025-03-14T21:30:00Z ("yesterday")',
      "incidents.csv line 3, column lng: give lat and lng together",
      "incidents.csv line 3, column category: category must be one of overdose, drug_related_callout for ambulance incidents",
      'incidents.csv line 4, column lat: lat must be a number ("north")',
      "incidents.csv line 4, column source: source must be one of ambulance, police",
      "incidents.csv line 5, column area: give lat and lng, or an area",
      `incidents.csv line 7, column source_reference: police reference B5-${tag} is already used on line 6`,
    ]);
    expect(await countOf(use().db, tag)).toBe(0);
  });

  it("refuses treatment managers and commissioners, and anyone signed out", async () => {
    const { ctxOf, publicCtx, good, tag } = await placesWorld(use);
    for (const role of ["treatment_manager", "commissioner"] as const) {
      await expect(importIncidents({ ctx: ctxOf(role), input: good })).rejects.toBeInstanceOf(Forbidden);
    }
    await expect(importIncidents({ ctx: publicCtx, input: good })).rejects.toThrow();
    expect(await countOf(use().db, tag)).toBe(0);
  });
});

import { randomUUID } from "node:crypto";
import {
  auditEvents,
  communityReportEvents,
  communityReports,
  eq,
  inArray,
  outboxMessages,
} from "@pathways/db";
import type { ImportFileContent } from "@pathways/validators";
import { describeDb } from "@pathways/vitest-config";
import { reportWorld } from "@pathways/vitest-config/report-world";
import { expect, it } from "vitest";
import type { Ctx } from "../src/context.ts";
import { ImportRejected, importHistoricalData } from "../src/import/historical.ts";

const header = [
  "report_ref",
  "submitted_at",
  "category",
  "hotspot",
  "location",
  "description",
  "contact_email",
  "status",
];

/** Rows as a CSV file gives them: the header on line 1, data from line 2. */
function reportsFile(rows: string[][]): ImportFileContent {
  return {
    header,
    records: rows.map((row, index) => ({
      line: index + 2,
      values: Object.fromEntries(header.map((column, i) => [column, row[i] ?? ""])),
    })),
  };
}

describeDb("pathways import: community_reports.csv", (use) => {
  it("loads reports with references of their year, their status and no update to the reporter, once", async () => {
    const world = await reportWorld(use().db);
    const ctx = world.systemCtx as Ctx;
    const tag = randomUUID().slice(0, 8);
    const input = {
      community_reports: reportsFile([
        [
          `R1-${tag}`,
          "2019-03-14T21:30:00Z",
          "drug_dealing",
          world.hotspots.southPark.name,
          "",
          "Dealing by the gate",
          "ann@example.org",
          "",
        ],
        [
          `R2-${tag}`,
          "2019-07-01",
          "discarded_needles",
          "",
          "Cowley Road bus stop",
          "Needles in the hedge",
          "",
          "closed_actioned",
        ],
        [
          `R3-${tag}`,
          "2020-01-02 09:00",
          "drug_use",
          world.hotspots.grandpont.name,
          "",
          "People using by the river",
          "",
          "acknowledged",
        ],
      ]),
    };
    const counts = await importHistoricalData({ ctx, input });
    expect(counts.community_reports).toBe(3);
    const rows = await use()
      .db.select()
      .from(communityReports)
      .where(inArray(communityReports.importRef, [`R1-${tag}`, `R2-${tag}`, `R3-${tag}`]));
    const byRef = new Map(rows.map((row) => [row.importRef, row]));
    expect(byRef.get(`R1-${tag}`)).toMatchObject({
      category: "drug_dealing",
      hotspotId: world.hotspots.southPark.id,
      status: "open",
      contactEmail: "ann@example.org",
    });
    expect(byRef.get(`R1-${tag}`)!.reference).toMatch(/^CR-2019-\d{6}$/);
    expect(byRef.get(`R2-${tag}`)).toMatchObject({
      location: "Cowley Road bus stop",
      status: "closed_actioned",
    });
    expect(byRef.get(`R3-${tag}`)!.reference).toMatch(/^CR-2020-\d{6}$/);
    expect(new Set(rows.map((row) => row.reference)).size).toBe(3);
    const ids = rows.map((row) => row.id);
    const events = await use()
      .db.select()
      .from(communityReportEvents)
      .where(inArray(communityReportEvents.reportId, ids));
    expect(events.map((event) => event.status).sort()).toEqual(["acknowledged", "closed_actioned", "open"]);
    const messages = await use()
      .db.select()
      .from(outboxMessages)
      .where(
        inArray(
          outboxMessages.reportEventId,
          events.map((event) => event.id),
        ),
      );
    expect(messages).toEqual([]);
    const audited = await use().db.select().from(auditEvents).where(inArray(auditEvents.entityId, ids));
    expect(audited.map((event) => [event.action, event.entity])).toEqual(
      ids.map(() => ["create", "community_report"]),
    );

    // The same file again is refused as a whole, naming each report imported before.
    const again = importHistoricalData({ ctx, input });
    await expect(again).rejects.toBeInstanceOf(ImportRejected);
    await expect(again).rejects.toMatchObject({
      problems: [
        {
          file: "community_reports.csv",
          line: 2,
          column: "report_ref",
          message: `report_ref R1-${tag} was imported before; remove the row or change its report_ref`,
        },
        { line: 3, column: "report_ref" },
        { line: 4, column: "report_ref" },
      ],
    });
  });

  it("refuses the whole file with each bad line's column, and writes nothing", async () => {
    const world = await reportWorld(use().db);
    const ctx = world.systemCtx as Ctx;
    const tag = randomUUID().slice(0, 8);
    const input = {
      community_reports: reportsFile([
        [
          `G-${tag}`,
          "2019-03-14T21:30:00Z",
          "drug_dealing",
          world.hotspots.southPark.name,
          "",
          "Fine",
          "",
          "",
        ],
        [`B1-${tag}`, "yesterday", "drug_dealing", world.hotspots.southPark.name, "", "Bad time", "", ""],
        [`B2-${tag}`, "2019-03-14", "loud_music", "Nowhere Park", "", "Bad category and place", "", "solved"],
        [`B3-${tag}`, "2019-03-14", "drug_use", "", "", "No place", "not an email", ""],
        [`G-${tag}`, "2019-03-15", "drug_use", world.hotspots.southPark.name, "", "Same ref", "", ""],
      ]),
    };
    const refused = importHistoricalData({ ctx, input });
    await expect(refused).rejects.toBeInstanceOf(ImportRejected);
    const error = (await refused.catch((e: unknown) => e)) as ImportRejected;
    const where = error.problems.map((problem) => [problem.line, problem.column]);
    expect(where).toEqual(
      expect.arrayContaining([
        [3, "submitted_at"],
        [4, "category"],
        [4, "hotspot"],
        [4, "status"],
        [5, "location"],
        [5, "contact_email"],
        [6, "report_ref"],
      ]),
    );
    expect(where.filter(([line]) => line === 2)).toEqual([]);
    const written = await use()
      .db.select({ id: communityReports.id })
      .from(communityReports)
      .where(eq(communityReports.importRef, `G-${tag}`));
    expect(written).toEqual([]);
  });
});

import { safeguardingConcerns, substanceGroups } from "@pathways/validators/codes";
import { describeDb } from "@pathways/vitest-config";
import { on, reportWorld } from "@pathways/vitest-config/report-world";
import fc from "fast-check";
import { expect, it } from "vitest";
import { ptableRow } from "../../src/reports/disclosure.ts";
import { outcomesReport } from "../../src/reports/outcomes.ts";
import { refreshPersonRollups } from "../../src/reports/person-rollups.ts";
import { safeguardingReport } from "../../src/reports/safeguarding.ts";

const months = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"];
const period = { from: "2025-01-01", to: "2025-06-30" };
const runOn = "2025-09-01";

/** Whether the ptable can show `count` as `shown`. */
function reachable(count: number, shown: number): boolean {
  return ptableRow(count).some(([change]) => count + change === shown);
}

describeDb("disclosure control over random worlds", (use) => {
  it("protects whatever the data, gives the same answer twice, and leaves a provider's own figures exact", {
    timeout: 600_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            month: fc.constantFrom(...months),
            concern: fc.constantFrom(...safeguardingConcerns),
            n: fc.integer({ min: 0, max: 9 }),
          }),
          { maxLength: 10 },
        ),
        fc.array(
          fc.record({ group: fc.constantFrom(...substanceGroups), n: fc.integer({ min: 1, max: 6 }) }),
          { maxLength: 3 },
        ),
        async (concernCells, episodeGroups) => {
          const db = use().db;
          const world = await reportWorld(db);
          const southPark = world.hotspots.southPark.id;
          for (const { month, concern, n } of concernCells) {
            for (let i = 0; i < n; i++)
              await world.contact({ at: `${month}-10`, hotspotId: southPark, concerns: [concern] });
          }
          for (const { group, n } of episodeGroups) {
            for (const personId of await world.people(n)) {
              await world.episodes([{ personId, substanceGroup: group, startedOn: "2025-02-01" }]);
            }
          }
          await refreshPersonRollups(db);

          const ask = () =>
            safeguardingReport({
              ctx: on(world.ctxOf("commissioner"), runOn),
              input: { ...period, hotspotId: southPark },
            });
          const report = await ask();
          expect(await ask()).toEqual(report);
          const truth = (concern: string, inMonths: string[]) =>
            concernCells
              .filter((cell) => cell.concern === concern && inMonths.includes(cell.month))
              .reduce((sum, cell) => sum + cell.n, 0);
          for (const row of report.concerns) {
            if (row.concern === null) continue;
            row.byMonth.forEach((shown, index) => {
              const count = truth(row.concern!, [months[index]!]);
              expect(shown < 1 || shown > 4).toBe(true);
              expect(reachable(count, shown)).toBe(true);
            });
            expect(reachable(truth(row.concern, months), row.total)).toBe(true);
          }

          // The treatment manager's own provider: exactly what was recorded, small counts included.
          const own = await outcomesReport({
            ctx: on(world.ctxOf("treatment_manager"), runOn),
            input: period,
          });
          expect(own.disclosureControl).toBe(false);
          for (const group of substanceGroups) {
            const recorded = episodeGroups.filter((g) => g.group === group).reduce((sum, g) => sum + g.n, 0);
            expect(own.rows.find((row) => row.substanceGroup === group)!.inTreatment).toBe(recorded);
          }
          const commissioner = await outcomesReport({
            ctx: on(world.ctxOf("commissioner"), runOn),
            input: period,
          });
          for (const row of commissioner.rows) {
            for (const count of [row.inTreatment, row.successfulCompletions, row.discharges]) {
              expect(count < 1 || count > 4).toBe(true);
            }
          }
        },
      ),
      { numRuns: Number(process.env.ROLLUP_RUNS ?? 6) },
    );
  });
});

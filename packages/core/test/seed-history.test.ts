import { and, count, episodes, isNull, lt } from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { addDays } from "../src/calendar.ts";
import { funnelReport } from "../src/reports/funnel.ts";
import { hotspotActivityReport } from "../src/reports/hotspot-activity.ts";
import { outcomesReport } from "../src/reports/outcomes.ts";
import { seedDemo } from "../src/seed/demo.ts";

const now = new Date("2026-06-15T12:00:00Z");
const today = "2026-06-15";

describeDb("demo history", (use) => {
  it("gives the demo two years of imported history: reports with figures to show, caseloads untouched", async () => {
    const db = use().db;
    await seedDemo({ ctx: { db, actor: { kind: "system", name: "seed" }, now: () => now } });
    const { ctxOf } = await makeWorld(db);
    const commissioner = { ...ctxOf("commissioner"), now: () => now };
    const history = { from: addDays(today, -1095), to: addDays(today, -366) };

    const funnel = await funnelReport({ ctx: commissioner, input: history });
    for (const stage of funnel.stages) {
      expect(typeof stage.count === "number" && stage.count >= 5, `${stage.stage}: ${stage.count}`).toBe(
        true,
      );
    }
    expect(funnel.sustainedProvisional).toBe(false);

    const outcomes = await outcomesReport({ ctx: commissioner, input: history });
    const all = outcomes.rows.at(-1)!;
    expect(typeof all.successfulCompletionShare).toBe("number");
    expect(outcomes.withoutRepresentationProvisional).toBe(false);

    // The demo year against the history's last year.
    const activity = await hotspotActivityReport({
      ctx: commissioner,
      input: { from: addDays(today, -365), to: addDays(today, -1) },
    });
    expect(activity.total.needlesFound.yearBefore).toBeGreaterThan(100);
    expect(typeof activity.total.needlesFound.change).toBe("number");

    // Every historical episode has ended: nothing from before the demo year is still open.
    const [open] = await db
      .select({ n: count() })
      .from(episodes)
      .where(and(isNull(episodes.dischargedOn), lt(episodes.startedOn, addDays(today, -366))));
    expect(open!.n).toBe(0);
  }, 180_000);
});

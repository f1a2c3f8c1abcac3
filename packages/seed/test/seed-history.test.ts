import { addDays, refreshDayRollups, refreshPersonRollups, runReport } from "@pathways/core";
import { and, count, episodes, eq, inArray, isNull, keyworkers, lt, or } from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { seedDemo } from "../src/demo.ts";
import { demoKeyworkers } from "../src/world.ts";

const now = new Date("2026-06-15T12:00:00Z");
const today = "2026-06-15";

describeDb("demo history", (use) => {
  it("gives the demo two years of imported history: reports with figures to show, caseloads untouched", async () => {
    const db = use().db;
    await seedDemo({ ctx: { db, actor: { kind: "system", name: "seed" }, now: () => now } });
    // Reports read the rollups as of their oldest queued change: fold what the seed queued, as serve does.
    await refreshPersonRollups(db);
    await refreshDayRollups(db);
    const { ctxOf } = await makeWorld(db);
    const commissioner = { ...ctxOf("commissioner"), now: () => now };
    // Reports cover whole months: the history's full months, July 2023 to May 2025.
    const history = { from: "2023-07-01", to: "2025-05-31" };

    const funnel = await runReport("funnel", { ctx: commissioner, input: history });
    for (const stage of funnel.stages) {
      expect(typeof stage.count === "number" && stage.count >= 5, `${stage.stage}: ${stage.count}`).toBe(
        true,
      );
    }
    expect(funnel.sustainedProvisional).toBe(false);

    const outcomes = await runReport("outcomes", { ctx: commissioner, input: history });
    const all = outcomes.rows.at(-1)!;
    expect(typeof all.successfulCompletionShare).toBe("number");
    expect(outcomes.withoutRepresentationProvisional).toBe(false);

    // The demo year's full months against the same months of the history's last year.
    const activity = await runReport("hotspots", {
      ctx: commissioner,
      input: { from: "2025-06-01", to: "2026-05-31" },
    });
    expect(activity.total.needlesFound.yearBefore).toBeGreaterThan(100);
    expect(typeof activity.total.needlesFound.change).toBe("number");

    // Every historical episode has ended: nothing from before the demo year is still open on the demo
    // keyworkers' caseloads or unassigned. (The opiate team's long-running substitution clients are the
    // demo city's, not history.)
    const [open] = await db
      .select({ n: count() })
      .from(episodes)
      .leftJoin(keyworkers, eq(keyworkers.id, episodes.keyworkerId))
      .where(
        and(
          isNull(episodes.dischargedOn),
          lt(episodes.startedOn, addDays(today, -366)),
          or(isNull(episodes.keyworkerId), inArray(keyworkers.name, demoKeyworkers)),
        ),
      );
    expect(open!.n).toBe(0);
  }, 180_000);
});

import { queryRows, sql } from "@pathways/db";
import { isWithinDaysAfter } from "@pathways/validators/calendar";
import { describeDb } from "@pathways/vitest-config";
import { describe, expect, it } from "vitest";
import { withinDaysAfterSql } from "../../src/calendar.ts";
import {
  nextTopDue,
  referralWindowDays,
  representationWindowDays,
  startTopWithinDays,
  topReviewIntervalDays,
} from "../../src/rules/pathway-windows.ts";

describe("the pathway's windows (DOMAIN.md)", () => {
  it("are the days DOMAIN.md gives", () => {
    // Funnel: referred on the day of a contact or within the 90 days after it.
    expect(referralWindowDays).toBe(90);
    // Re-presentation: within 182 days after a successful discharge.
    expect(representationWindowDays).toBe(182);
    // TOP: a review due every 182 days while open; the start TOP within two weeks.
    expect(topReviewIntervalDays).toBe(182);
    expect(startTopWithinDays).toBe(14);
  });

  it("puts the next TOP two weeks after the start, then 182 days after the latest start or review", () => {
    const open = { startedOn: "2026-01-05", dischargedOn: null };
    expect(nextTopDue(open, [])).toBe("2026-01-19");
    expect(nextTopDue(open, [{ stage: "start", completedOn: "2026-01-10" }])).toBe("2026-07-11");
    expect(
      nextTopDue(open, [
        { stage: "start", completedOn: "2026-01-10" },
        { stage: "review", completedOn: "2026-07-01" },
      ]),
    ).toBe("2026-12-30");
    expect(nextTopDue({ ...open, dischargedOn: "2026-03-01" }, [])).toBeNull();
  });
});

describeDb("'within N days after' in SQL", (use) => {
  it("agrees with isWithinDaysAfter at both ends of the re-presentation window", async () => {
    const start = "2026-01-01";
    const days = ["2025-12-31", "2026-01-01", "2026-01-02", "2026-07-02", "2026-07-03"];
    const rows = await queryRows<{ inside: boolean }>(
      use().db,
      sql`select ${withinDaysAfterSql(sql`t.day`, sql`${start}::date`, representationWindowDays)} as inside
        from unnest(${`{${days.join(",")}}`}::date[]) with ordinality as t(day, n) order by t.n`,
    );
    expect(rows.map((row) => row.inside)).toEqual(
      days.map((day) => isWithinDaysAfter(day, start, representationWindowDays)),
    );
    expect(rows.map((row) => row.inside)).toEqual([false, false, true, true, false]);
  });
});

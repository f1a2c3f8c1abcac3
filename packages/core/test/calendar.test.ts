import { readdirSync, readFileSync } from "node:fs";
import { queryRows, sql } from "@pathways/db";
import { describeDb } from "@pathways/vitest-config";
import { describe, expect, it } from "vitest";
import { localDay, localDaySql, serviceTimeZone } from "../src/calendar.ts";

describeDb("the service's calendar in SQL", (use) => {
  it("gives the same local day as localDay, across the clock changes", async () => {
    const instants = [
      "2026-06-30T23:30:00Z",
      "2026-01-31T23:30:00Z",
      "2026-03-29T00:30:00Z",
      "2026-03-29T01:30:00Z",
      "2026-10-25T00:30:00Z",
      "2026-10-25T23:30:00Z",
    ];
    const rows = await queryRows<{ day: string }>(
      use().db,
      sql`select ${localDaySql(sql`t.at`)}::text as day
        from unnest(${`{${instants.join(",")}}`}::timestamptz[]) with ordinality as t(at, n) order by t.n`,
    );
    expect(rows.map((row) => row.day)).toEqual(instants.map((at) => localDay(new Date(at))));
  });
});

describe("the migrations' time zone", () => {
  it("is the service's time zone wherever a migration turns a time into a day", () => {
    const folder = new URL("../../db/drizzle/", import.meta.url);
    const zones = new Set<string>();
    for (const name of readdirSync(folder).filter((file) => file.endsWith(".sql"))) {
      const text = readFileSync(new URL(name, folder), "utf8");
      for (const match of text.matchAll(/at time zone '([^']+)'/gi)) zones.add(match[1]!);
    }
    expect(zones.size).toBeGreaterThan(0);
    expect([...zones]).toEqual([serviceTimeZone]);
  });
});

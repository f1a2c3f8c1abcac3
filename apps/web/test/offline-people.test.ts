import "fake-indexeddb/auto";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  forgetOfflinePeople,
  keepDays,
  keepPeople,
  maxOfflinePeople,
  type OfflinePerson,
  searchOfflinePeople,
} from "../src/lib/offline-people.ts";

const day = 86_400_000;
const spider: OfflinePerson = {
  id: "p-1",
  attributor: "JS-1988-03-14-M",
  alias: "Spider",
  partialPostcode: "OX4 1",
  lastContactAt: "2026-05-01T10:00:00.000Z",
};
const moth: OfflinePerson = {
  id: "p-2",
  attributor: "AB-1990-01-02-F",
  alias: null,
  partialPostcode: "OX1 2",
  lastContactAt: null,
};

describe("people kept on the phone for offline search", () => {
  it("finds people by attributor start, alias part and postcode start, for their worker only", async () => {
    const dbName = `people-${randomUUID()}`;
    const now = Date.UTC(2026, 4, 2);
    await keepPeople("worker-1", [spider, moth], { now, dbName });
    const find = (query: string, userId = "worker-1") => searchOfflinePeople(userId, query, { now, dbName });
    expect((await find("js 1988")).map((p) => p.id)).toEqual(["p-1"]);
    expect((await find("spid")).map((p) => p.id)).toEqual(["p-1"]);
    expect((await find("OX1")).map((p) => p.id)).toEqual(["p-2"]);
    expect(await find("ZZ")).toEqual([]);
    expect(await find("spider", "worker-2")).toEqual([]);
  });

  it("keeps only the fields the picker shows", async () => {
    const dbName = `people-${randomUUID()}`;
    const withMore = { ...spider, fullName: "John Smith", openSafeguardingFlags: 2 } as OfflinePerson;
    await keepPeople("worker-1", [withMore], { dbName });
    const [found] = await searchOfflinePeople("worker-1", "spider", { dbName });
    expect(found).toEqual(spider);
  });

  it("drops people kept longer than the set number of days", async () => {
    const dbName = `people-${randomUUID()}`;
    const keptAt = Date.UTC(2026, 4, 1);
    await keepPeople("worker-1", [spider], { now: keptAt, dbName });
    expect(
      await searchOfflinePeople("worker-1", "spider", { now: keptAt + keepDays * day, dbName }),
    ).toHaveLength(1);
    expect(
      await searchOfflinePeople("worker-1", "spider", { now: keptAt + keepDays * day + 1, dbName }),
    ).toEqual([]);
    // Deleted, not just hidden: going back in time does not bring them back.
    expect(await searchOfflinePeople("worker-1", "spider", { now: keptAt, dbName })).toEqual([]);
  });

  it("keeps a bounded list, and nothing after sign-out", async () => {
    const dbName = `people-${randomUUID()}`;
    const many = Array.from({ length: maxOfflinePeople + 50 }, (_, i) => ({
      ...moth,
      id: `p-${i}`,
      attributor: `AB-1990-01-02-F`,
    }));
    await keepPeople("worker-1", many, { dbName });
    expect(await searchOfflinePeople("worker-1", "AB", { dbName, limit: 1000 })).toHaveLength(
      maxOfflinePeople,
    );
    await forgetOfflinePeople(dbName);
    expect(await searchOfflinePeople("worker-1", "AB", { dbName, limit: 1000 })).toEqual([]);
  });
});

import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { Forbidden } from "../src/errors.ts";
import { metRecentlyDays, peopleMetRecently } from "../src/people-offline.ts";
import { addContact, addPerson, auditOf, makePathwayWorld } from "./pathway-fixtures.ts";

const day = 86_400_000;

describeDb("people kept on the phone for offline search", (use) => {
  it("lists the people this worker met recently, latest first, with only what the picker shows", async () => {
    const world = await makePathwayWorld(use().db);
    const today = world.clock.at.getTime();
    const recent = await addPerson(use().db, { alias: "Recent" });
    const earlier = await addPerson(use().db, { alias: "Earlier" });
    const longAgo = await addPerson(use().db, { alias: "Long ago" });
    await addContact(world, recent.id, new Date(today - 1 * day));
    await addContact(world, earlier.id, new Date(today - 5 * day));
    await addContact(world, earlier.id, new Date(today - 9 * day));
    await addContact(world, longAgo.id, new Date(today - (metRecentlyDays + 1) * day));
    await addContact(world, null, new Date(today - 2 * day));

    const listed = await peopleMetRecently({ ctx: world.ctx("outreach_worker"), input: undefined });
    expect(listed.map((person) => person.id)).toEqual([recent.id, earlier.id]);
    expect(Object.keys(listed[0]!).sort()).toEqual([
      "alias",
      "attributor",
      "id",
      "lastContactAt",
      "partialPostcode",
    ]);
    expect(listed[1]!.lastContactAt).toBe(new Date(today - 5 * day).toISOString());
    expect(await auditOf(use().db, recent.id)).toContainEqual({
      action: "list",
      entity: "person",
      personId: recent.id,
    });

    // Another worker met nobody: their phone keeps nobody.
    const other = await makeWorld(use().db);
    expect(await peopleMetRecently({ ctx: other.ctxOf("outreach_worker"), input: undefined })).toEqual([]);
  });

  it("is for outreach workers' phones only", async () => {
    const world = await makePathwayWorld(use().db);
    for (const role of ["treatment_manager", "commissioner", "admin"] as const) {
      await expect(peopleMetRecently({ ctx: world.ctx(role), input: undefined })).rejects.toBeInstanceOf(
        Forbidden,
      );
    }
  });
});

import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { Conflict, Forbidden, Unauthenticated } from "../src/errors.ts";
import { createHotspot, listHotspots, updateHotspot } from "../src/hotspots.ts";

describeDb("hotspots", (use) => {
  it("lets an admin create, edit and retire a hotspot, and hides retired ones by default", async () => {
    const { ctxOf } = await makeWorld(use().db);
    const admin = ctxOf("admin");
    const created = await createHotspot({
      ctx: admin,
      input: { name: "South Park", lat: 51.75, lng: -1.23 },
    });
    const renamed = await updateHotspot({ ctx: admin, input: { id: created.id, name: "South Park (east)" } });
    expect(renamed.name).toBe("South Park (east)");

    const worker = ctxOf("outreach_worker");
    expect(
      (await listHotspots({ ctx: worker, input: { includeRetired: false } })).map((h) => h.name),
    ).toEqual(["South Park (east)"]);
    await updateHotspot({ ctx: admin, input: { id: created.id, active: false } });
    expect(await listHotspots({ ctx: worker, input: { includeRetired: false } })).toEqual([]);
    expect(await listHotspots({ ctx: worker, input: { includeRetired: true } })).toHaveLength(1);
  });

  it("refuses a duplicate name with a message naming it", async () => {
    const { ctxOf } = await makeWorld(use().db);
    const admin = ctxOf("admin");
    await createHotspot({ ctx: admin, input: { name: "Grandpont", lat: 51.74, lng: -1.25 } });
    await expect(
      createHotspot({ ctx: admin, input: { name: "Grandpont", lat: 51.7, lng: -1.2 } }),
    ).rejects.toThrow(new Conflict('A hotspot named "Grandpont" already exists.'));
  });

  it("lets only admins change hotspots, and only signed-in users list them", async () => {
    const { ctxOf, publicCtx } = await makeWorld(use().db);
    await expect(
      createHotspot({
        ctx: ctxOf("outreach_worker"),
        input: { name: "Meadow Lane", lat: 51.73, lng: -1.23 },
      }),
    ).rejects.toBeInstanceOf(Forbidden);
    await expect(listHotspots({ ctx: publicCtx, input: { includeRetired: false } })).rejects.toBeInstanceOf(
      Unauthenticated,
    );
  });
});

import { randomUUID } from "node:crypto";
import { count, eq, needleFinds } from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { Conflict, Forbidden } from "../src/errors.ts";
import { listMyNeedleFinds, logNeedleFind } from "../src/needle-finds.ts";
import { makeHotspot } from "./outreach-fixtures.ts";

function needleFind(overrides: Record<string, unknown> = {}) {
  return {
    clientKey: `device-${randomUUID()}`,
    foundAt: new Date(Date.now() - 60_000),
    count: 3,
    ...overrides,
  };
}

describeDb("needle finds", (use) => {
  it("logs a find once, however many times and however concurrently the device sends it", async () => {
    const { ctxOf } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker");
    const hotspot = await makeHotspot(ctxOf("admin"));
    const input = needleFind({ hotspotId: hotspot.id, count: 12 });
    const first = await logNeedleFind({ ctx: worker, input });
    expect(first).toMatchObject({ count: 12, hotspotName: hotspot.name, replayed: false });
    const again = await Promise.all([1, 2, 3].map(() => logNeedleFind({ ctx: worker, input })));
    expect(again.map((find) => [find.id, find.replayed])).toEqual([
      [first.id, true],
      [first.id, true],
      [first.id, true],
    ]);
    const fresh = needleFind({ location: "Under the railway bridge" });
    const racing = await Promise.all([1, 2, 3].map(() => logNeedleFind({ ctx: worker, input: fresh })));
    expect(new Set(racing.map((find) => find.id)).size).toBe(1);
    for (const key of [input.clientKey, fresh.clientKey]) {
      expect(
        await use().db.select({ n: count() }).from(needleFinds).where(eq(needleFinds.clientKey, key)),
      ).toEqual([{ n: 1 }]);
    }
    const { ctxOf: otherCtxOf } = await makeWorld(use().db);
    await expect(logNeedleFind({ ctx: otherCtxOf("outreach_worker"), input })).rejects.toBeInstanceOf(
      Conflict,
    );
  });

  it("lists a worker's own finds, newest first, a page at a time; only outreach workers log them", async () => {
    const { ctxOf } = await makeWorld(use().db);
    const worker = ctxOf("outreach_worker");
    const logged = [];
    for (let i = 0; i < 4; i++) {
      logged.push(
        await logNeedleFind({
          ctx: worker,
          input: needleFind({ location: "Towpath", foundAt: new Date(Date.now() - (i + 1) * 3_600_000) }),
        }),
      );
    }
    const first = await listMyNeedleFinds({ ctx: worker, input: { limit: 3 } });
    const second = await listMyNeedleFinds({ ctx: worker, input: { limit: 3, cursor: first.nextCursor! } });
    expect([...first.items, ...second.items].map((find) => find.id)).toEqual(logged.map((find) => find.id));
    expect(second.nextCursor).toBeNull();
    await expect(
      logNeedleFind({ ctx: ctxOf("commissioner"), input: needleFind({ location: "Towpath" }) }),
    ).rejects.toBeInstanceOf(Forbidden);
  });
});

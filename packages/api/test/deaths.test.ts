import { describeDb, makeWorld } from "@pathways/vitest-config";
import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import { expect, it } from "vitest";
import { appRouter } from "../src/root.ts";
import { callerAs } from "./helpers.ts";

async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: "mutation",
    path: undefined,
    input: undefined,
    ctx: undefined,
  });
  return { code: error.code, fieldErrors: shape.data.fieldErrors };
}

describeDb("deaths API", (use) => {
  it("records a death for a treatment manager, refuses bad fields by name and other roles", async () => {
    const db = use().db;
    const world = await makeWorld(db);
    const admin = callerAs(db, world.actors.admin);
    const manager = callerAs(db, world.actors.treatment_manager);
    const area = await admin.deaths.createArea({ name: `Oxford ${world.tag}`, kind: "city" });
    await admin.deaths.setPopulation({
      areaId: area.id,
      year: 2025,
      population: 165_000,
      source: "ONS MYE 2025",
    });
    expect((await manager.deaths.areas()).find((a) => a.id === area.id)).toMatchObject({ years: [2025] });
    const death = await manager.deaths.record({
      diedOn: "2025-03-02",
      areaId: area.id,
      substanceGroup: "opiate",
      knownToTreatment: true,
      ageAtDeath: 44,
    });
    expect(death).toMatchObject({ areaName: area.name, knownToTreatment: true });
    expect(
      await refusal(
        manager.deaths.record({
          diedOn: "2999-01-01",
          areaId: area.id,
          substanceGroup: "heroin" as "opiate",
          knownToTreatment: true,
        }),
      ),
    ).toMatchObject({
      code: "BAD_REQUEST",
      fieldErrors: { diedOn: [expect.any(String)], substanceGroup: [expect.any(String)] },
    });
    const commissioner = callerAs(db, world.actors.commissioner);
    expect(await refusal(commissioner.deaths.list({}))).toMatchObject({ code: "FORBIDDEN" });
    expect(await refusal(manager.deaths.createArea({ name: "Ward", kind: "ward" }))).toMatchObject({
      code: "FORBIDDEN",
    });
  });
});

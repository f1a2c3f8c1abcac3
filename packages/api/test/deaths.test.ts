import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { callerAs, refusal } from "./helpers.ts";

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

  it("keeps an area within another only when the other exists, and an episode's area of residence likewise", async () => {
    const db = use().db;
    const world = await makeWorld(db);
    const admin = callerAs(db, world.actors.admin);
    const unknown = "6f1c1f4e-9a55-4c55-8f55-0a5d2c1e4b11";
    const county = await admin.deaths.createArea({ name: `Shire ${world.tag}`, kind: "county" });
    const city = await admin.deaths.createArea({
      name: `Town ${world.tag}`,
      kind: "city",
      withinAreaId: county.id,
    });
    expect((await admin.deaths.areas()).find((a) => a.id === city.id)).toMatchObject({
      withinAreaId: county.id,
    });
    expect(
      await refusal(
        admin.deaths.createArea({ name: `Ward ${world.tag}`, kind: "ward", withinAreaId: unknown }),
      ),
    ).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { withinAreaId: [expect.any(String)] } });
    const manager = callerAs(db, world.actors.treatment_manager);
    const person = await manager.people.create({
      firstInitial: "R",
      surnameInitial: "T",
      dateOfBirth: "1990-01-01",
      sex: "female",
    });
    expect(
      await refusal(
        manager.episodes.start({
          personId: person.id,
          substanceGroup: "alcohol",
          startedOn: "2025-02-01",
          residenceAreaId: unknown,
        }),
      ),
    ).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { residenceAreaId: [expect.any(String)] } });
    expect(
      await manager.episodes.start({
        personId: person.id,
        substanceGroup: "alcohol",
        startedOn: "2025-02-01",
        residenceAreaId: city.id,
      }),
    ).toMatchObject({ personId: person.id });
  });
});

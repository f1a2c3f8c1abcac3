import { auditEvents, eq, people, personCorrections } from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { correctPerson, personCorrectionHistory } from "../src/corrections.ts";
import { Forbidden, NotYours, ValidationError } from "../src/errors.ts";
import { addPerson, makePathwayWorld } from "./pathway-fixtures.ts";

describeDb("correcting a person's details", (use) => {
  it("keeps each correction old -> new with who, when and why, audited, and the attributor follows", async () => {
    const world = await makePathwayWorld(use().db);
    const person = await addPerson(use().db, { alias: "Jonno" });
    const result = await correctPerson({
      ctx: world.ctx("outreach_worker"),
      input: {
        personId: person.id,
        changes: { dateOfBirth: "1988-04-14", alias: "Jono" },
        reason: "He showed his bus pass: born in April, not March",
      },
    });
    expect(result.person.attributor).toBe("JS-1988-04-14-M");
    const [stored] = await use().db.select().from(people).where(eq(people.id, person.id));
    expect(stored).toMatchObject({ dateOfBirth: "1988-04-14", alias: "Jono", attributor: "JS-1988-04-14-M" });

    const rows = await use()
      .db.select()
      .from(personCorrections)
      .where(eq(personCorrections.personId, person.id));
    expect(
      rows
        .map(({ field, oldValue, newValue }) => ({ field, oldValue, newValue }))
        .sort((a, b) => a.field.localeCompare(b.field)),
    ).toEqual([
      { field: "alias", oldValue: "Jonno", newValue: "Jono" },
      { field: "attributor", oldValue: person.attributor, newValue: "JS-1988-04-14-M" },
      { field: "dateOfBirth", oldValue: person.dateOfBirth, newValue: "1988-04-14" },
    ]);
    expect(rows.every((row) => row.reason === "He showed his bus pass: born in April, not March")).toBe(true);
    expect(rows.every((row) => row.correctedByUserId === world.actors.outreach_worker.userId)).toBe(true);
    const events = await use().db.select().from(auditEvents).where(eq(auditEvents.personId, person.id));
    expect(events.filter((event) => event.action === "correct")).toHaveLength(3);

    const history = await personCorrectionHistory({
      ctx: world.ctx("outreach_worker"),
      input: { personId: person.id },
    });
    expect(history.map((row) => row.field).sort()).toEqual(["alias", "attributor", "dateOfBirth"]);
    expect(history[0]!.correctedBy).toBe(world.actors.outreach_worker.name);
  });

  it("refuses a correction that changes nothing, a bad value naming the field, and a full name from outreach", async () => {
    const world = await makePathwayWorld(use().db);
    const person = await addPerson(use().db);
    await expect(
      correctPerson({
        ctx: world.ctx("outreach_worker"),
        input: { personId: person.id, changes: { sex: "male" }, reason: "Checked" },
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      correctPerson({
        ctx: world.ctx("outreach_worker"),
        input: { personId: person.id, changes: { dateOfBirth: "1800-01-01" }, reason: "Typo" },
      }),
    ).rejects.toThrow();
    await expect(
      correctPerson({
        ctx: world.ctx("outreach_worker"),
        input: { personId: person.id, changes: { fullName: "John Smith" }, reason: "Told us" },
      }),
    ).rejects.toBeInstanceOf(Forbidden);
    await expect(
      correctPerson({
        ctx: world.ctx("commissioner"),
        input: { personId: person.id, changes: { alias: "X" }, reason: "x" },
      }),
    ).rejects.toBeInstanceOf(Forbidden);
    // Another provider's treatment manager may not write someone who is not their client.
    const other = await makeWorld(use().db);
    await expect(
      correctPerson({
        ctx: other.ctxOf("treatment_manager"),
        input: { personId: person.id, changes: { alias: "X" }, reason: "x" },
      }),
    ).rejects.toBeInstanceOf(NotYours);
  });
});

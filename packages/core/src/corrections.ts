import { asc, type Executor, eq, people, personCorrections, users } from "@pathways/db";
import {
  attributorOf,
  type CorrectableField,
  CorrectPersonInput,
  correctableFields,
  PersonCorrectionsInput,
} from "@pathways/validators";
import { audit } from "./audit.ts";
import { now, type UserActor, type VerbArgs } from "./context.ts";
import { Forbidden, ValidationError } from "./errors.ts";
import { type Person, personFor, personView, refuseMerged, seesFullName } from "./person-access.ts";
import { requireRole, verbRoles } from "./rights.ts";

/**
 * DOMAIN.md, "Corrections": a person's details can be corrected by whoever may write the person; each
 * correction keeps the old and new value, who, when and why, and the attributor follows the
 * corrected details. Only the treatment provider records or sees a full name.
 */

function detailOf(person: Person, field: CorrectableField | "attributor"): string | null {
  return person[field] ?? null;
}

export async function correctPerson({ ctx, input }: VerbArgs<CorrectPersonInput>) {
  const actor = requireRole(ctx.actor, verbRoles.writePeople);
  const { personId, changes, reason } = CorrectPersonInput.parse(input);
  if (changes.fullName !== undefined && !seesFullName(actor)) {
    throw new Forbidden("Only the treatment provider may record a full name.");
  }
  return ctx.db.transaction(async (tx) => {
    const person = await personFor(tx, actor, personId, { lock: true });
    refuseMerged(person, "correct the details");
    const corrected: Record<string, string | null> = {};
    for (const field of correctableFields) {
      const next = changes[field];
      if (next === undefined) continue;
      const value = typeof next === "string" && next.trim() === "" ? null : next;
      if (value !== detailOf(person, field)) corrected[field] = value;
    }
    if (Object.keys(corrected).length === 0) {
      throw new ValidationError("Nothing to correct: the new details are the same as the old ones.", {
        changes: ["Change at least one detail"],
      });
    }
    const next = { ...person, ...corrected } as Person;
    const attributor = attributorOf({
      firstInitial: next.firstInitial,
      surnameInitial: next.surnameInitial,
      dateOfBirth: next.dateOfBirth,
      sex: next.sex,
    });
    if (attributor !== person.attributor) corrected.attributor = attributor;
    const [updated] = await tx
      .update(people)
      .set({ ...corrected, attributor })
      .where(eq(people.id, person.id))
      .returning();
    const at = now(ctx);
    const rows = await tx
      .insert(personCorrections)
      .values(
        Object.entries(corrected).map(([field, newValue]) => ({
          personId: person.id,
          field,
          oldValue: detailOf(person, field as CorrectableField | "attributor"),
          newValue,
          reason,
          correctedByUserId: actor.userId,
          correctedAt: at,
        })),
      )
      .returning({ id: personCorrections.id });
    await audit(
      tx,
      ctx,
      rows.map((row) => ({
        action: "correct",
        entity: "person_correction",
        entityId: row.id,
        personId: person.id,
      })),
    );
    return {
      person: personView(updated!, actor),
      corrections: await correctionsOf(tx, actor, person.id),
    };
  });
}

async function correctionsOf(tx: Executor, actor: UserActor, personId: string) {
  const rows = await tx
    .select({
      id: personCorrections.id,
      field: personCorrections.field,
      oldValue: personCorrections.oldValue,
      newValue: personCorrections.newValue,
      reason: personCorrections.reason,
      correctedAt: personCorrections.correctedAt,
      correctedBy: users.name,
    })
    .from(personCorrections)
    .leftJoin(users, eq(users.id, personCorrections.correctedByUserId))
    .where(eq(personCorrections.personId, personId))
    .orderBy(asc(personCorrections.correctedAt), asc(personCorrections.field));
  // A full name stays with the treatment provider, in the history too.
  const hidden = !seesFullName(actor);
  return rows.map((row) =>
    hidden && row.field === "fullName"
      ? { ...row, oldValue: null, newValue: null, hidden: true }
      : { ...row, hidden: false },
  );
}

/** The corrections of a person's details, oldest first; reading them is audited like the person. */
export async function personCorrectionHistory({ ctx, input }: VerbArgs<PersonCorrectionsInput>) {
  const actor = requireRole(ctx.actor, verbRoles.readPeople);
  const { personId } = PersonCorrectionsInput.parse(input);
  return ctx.db.transaction(async (tx) => {
    const person = await personFor(tx, actor, personId);
    await audit(tx, ctx, {
      action: "read",
      entity: "person_correction",
      entityId: person.id,
      personId: person.id,
    });
    return correctionsOf(tx, actor, person.id);
  });
}

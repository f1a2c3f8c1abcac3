import {
  and,
  areaPopulations,
  areas,
  desc,
  drugRelatedDeathCorrections,
  drugRelatedDeaths,
  type Executor,
  episodes,
  eq,
  isNull,
  people,
  sql,
  treatmentInterventions,
} from "@pathways/db";
import type {
  AreaInput,
  DeathCorrectionInput,
  DeathInput,
  DeathListInput,
  PopulationInput,
} from "@pathways/validators/deaths";
import { audit } from "../audit.ts";
import { type Ctx, now, type SystemActor, type UserActor, type VerbArgs } from "../context.ts";
import { closeEpisode } from "../episodes/discharge.ts";
import { Conflict, NotFound, ValidationError } from "../errors.ts";
import { personFor } from "../person-access.ts";
import { requireRole, requireRoleOrSystem, verbRoles } from "../rights.ts";

type DeathRow = typeof drugRelatedDeaths.$inferSelect;

/**
 * Admins keep the areas rates are given for (the city, the county, wards), each maybe within another
 * made before it (so there is never a loop). Audited.
 */
export async function createArea({ ctx, input }: VerbArgs<AreaInput>) {
  requireRoleOrSystem(ctx.actor, verbRoles.administer);
  return ctx.db.transaction(async (tx) => {
    if (input.withinAreaId) await areaNamed(tx, input.withinAreaId, "withinAreaId");
    const [existing] = await tx
      .select({ id: areas.id })
      .from(areas)
      .where(sql`lower(${areas.name}) = lower(${input.name})`);
    if (existing) throw ValidationError.field("name", `An area called ${input.name} already exists.`);
    const [area] = await tx.insert(areas).values(input).returning();
    await audit(tx, ctx, { action: "create", entity: "area", entityId: area!.id });
    return area!;
  });
}

/** The areas with the years each has populations for (no person in them: any signed-in user). */
export async function listAreas({ ctx }: VerbArgs<undefined>) {
  requireRole(ctx.actor, verbRoles.signedIn);
  const rows = await ctx.db
    .select({
      id: areas.id,
      name: areas.name,
      kind: areas.kind,
      withinAreaId: areas.withinAreaId,
      years: sql<
        number[]
      >`coalesce(array_agg(distinct ${areaPopulations.year}) filter (where ${areaPopulations.year} is not null), '{}')`,
    })
    .from(areas)
    .leftJoin(areaPopulations, eq(areaPopulations.areaId, areas.id))
    .groupBy(areas.id)
    .orderBy(areas.kind, areas.name);
  return rows.map((row) => ({ ...row, years: [...row.years].map(Number).sort() }));
}

export async function areaNamed(tx: Executor, areaId: string, field: string) {
  const [area] = await tx.select().from(areas).where(eq(areas.id, areaId));
  if (!area)
    throw ValidationError.field(field, `${field}: no such area; choose one of the configured areas.`);
  return area;
}

/**
 * Sets an area's population for a year and age band, replacing an earlier figure (a revised mid-year
 * estimate). Audited: rates change with it.
 */
export async function setPopulation({ ctx, input }: VerbArgs<PopulationInput>) {
  requireRoleOrSystem(ctx.actor, verbRoles.administer);
  return ctx.db.transaction(async (tx) => {
    await areaNamed(tx, input.areaId, "areaId");
    const [row] = await tx
      .insert(areaPopulations)
      .values(input)
      .onConflictDoUpdate({
        target: [areaPopulations.areaId, areaPopulations.year, areaPopulations.ageBand],
        set: { population: input.population, source: input.source },
      })
      .returning();
    await audit(tx, ctx, { action: "update", entity: "area_population", entityId: row!.id });
    return row!;
  });
}

/**
 * The person a death is linked to, when the recorder may see them (the person rule): otherwise refused
 * as if no such person existed, so a refusal says nothing about who is held where.
 */
async function linkablePerson(tx: Executor, actor: UserActor | SystemActor, personId: string) {
  const person = await personFor(tx, actor, personId);
  if (person.mergedIntoId) {
    throw ValidationError.field(
      "personId",
      `${person.attributor} was merged into another person; link the survivor.`,
    );
  }
  return person;
}

function deathView(row: DeathRow, areaName: string) {
  const { createdAt: _createdAt, ...rest } = row;
  return { ...rest, areaName };
}

/** Records a drug-related death; linked to a person only by someone who may see them. Audited. */
export async function recordDeath({ ctx, input }: VerbArgs<DeathInput>) {
  const actor = requireRoleOrSystem(ctx.actor, verbRoles.recordDeaths);
  return ctx.db.transaction(async (tx) => {
    const area = await areaNamed(tx, input.areaId, "areaId");
    if (input.personId) await linkablePerson(tx, actor, input.personId);
    if (input.sourceReference) {
      const [known] = await tx
        .select({ id: drugRelatedDeaths.id })
        .from(drugRelatedDeaths)
        .where(eq(drugRelatedDeaths.sourceReference, input.sourceReference));
      if (known) {
        throw new Conflict(`A death with the source reference ${input.sourceReference} is already recorded.`);
      }
    }
    const [row] = await tx
      .insert(drugRelatedDeaths)
      .values({
        diedOn: input.diedOn,
        areaId: input.areaId,
        substanceGroup: input.substanceGroup,
        knownToTreatment: input.knownToTreatment,
        ageAtDeath: input.ageAtDeath ?? null,
        personId: input.personId ?? null,
        sourceReference: input.sourceReference ?? null,
        recordedByUserId: actor.kind === "user" ? actor.userId : null,
        organisationId: actor.kind === "user" ? actor.organisationId : null,
      })
      .returning();
    await audit(tx, ctx, {
      action: "create",
      entity: "drug_related_death",
      entityId: row!.id,
      personId: row!.personId,
    });
    if (input.personId) await closeEpisodesOnDeath(tx, ctx, input.personId, input.diedOn);
    return deathView(row!, area.name);
  });
}

/**
 * DOMAIN.md: a death linked to a person closes their open treatment episodes as
 * `incomplete_client_died` on the day of death, with the discharge's own writes (episodes/discharge.ts). A
 * date before an episode or one of its interventions started is refused, naming diedOn.
 */
async function closeEpisodesOnDeath(tx: Executor, ctx: Ctx, personId: string, diedOn: string) {
  const open = await tx
    .select({ id: episodes.id, personId: episodes.personId, startedOn: episodes.startedOn })
    .from(episodes)
    .where(and(eq(episodes.personId, personId), isNull(episodes.dischargedOn)));
  for (const episode of open) {
    const [later] = await tx
      .select({ startedOn: treatmentInterventions.startedOn })
      .from(treatmentInterventions)
      .where(
        and(
          eq(treatmentInterventions.episodeId, episode.id),
          sql`${treatmentInterventions.startedOn} > ${diedOn}::date`,
        ),
      )
      .limit(1);
    const startedAfter = episode.startedOn > diedOn ? episode.startedOn : later?.startedOn;
    if (startedAfter) {
      throw ValidationError.field(
        "diedOn",
        `diedOn is before the person's treatment (an episode or intervention started on ${startedAfter}); check the date`,
      );
    }
    await closeEpisode(
      tx,
      ctx,
      episode,
      { dischargedOn: diedOn, reason: "incomplete_client_died" },
      now(ctx),
    );
  }
}

const correctable = [
  "diedOn",
  "areaId",
  "substanceGroup",
  "knownToTreatment",
  "ageAtDeath",
  "personId",
] as const;

/**
 * Corrects a death: each changed field keeps its old and new value, who, when and why (as a
 * person's corrections do). A treatment manager corrects the deaths their organisation recorded.
 */
export async function correctDeath({ ctx, input }: VerbArgs<DeathCorrectionInput>) {
  const actor = requireRole(ctx.actor, verbRoles.recordDeaths);
  return ctx.db.transaction(async (tx) => {
    const [death] = await tx
      .select()
      .from(drugRelatedDeaths)
      .where(eq(drugRelatedDeaths.id, input.deathId))
      .for("update");
    if (!death || (actor.role !== "admin" && death.organisationId !== actor.organisationId)) {
      throw new NotFound("drug-related death", input.deathId);
    }
    const { changes } = input;
    if (changes.areaId) await areaNamed(tx, changes.areaId, "changes.areaId");
    if (changes.personId) await linkablePerson(tx, actor, changes.personId);
    // Unlinking or relinking a person needs sight of the person linked now, too.
    if (changes.personId !== undefined && death.personId) await linkablePerson(tx, actor, death.personId);
    const at = now(ctx);
    const changed = correctable.filter(
      (field) => changes[field] !== undefined && (changes[field] ?? null) !== death[field],
    );
    if (changed.length === 0)
      throw ValidationError.field("changes", "changes must differ from what is recorded");
    const update = Object.fromEntries(changed.map((field) => [field, changes[field] ?? null]));
    const [row] = await tx
      .update(drugRelatedDeaths)
      .set(update)
      .where(eq(drugRelatedDeaths.id, death.id))
      .returning();
    await tx.insert(drugRelatedDeathCorrections).values(
      changed.map((field) => ({
        deathId: death.id,
        field,
        oldValue: death[field] === null ? null : String(death[field]),
        newValue: changes[field] === null ? null : String(changes[field]),
        reason: input.reason,
        correctedByUserId: actor.userId,
        correctedAt: at,
      })),
    );
    await audit(tx, ctx, {
      action: "correct",
      entity: "drug_related_death",
      entityId: death.id,
      personId: row!.personId ?? death.personId,
    });
    // Linking someone new ends their treatment as recording the death linked would have; unlinking
    // does not reopen what a death closed (docs/decisions/0081, "Not done").
    if (changed.includes("personId") && row!.personId) {
      await closeEpisodesOnDeath(tx, ctx, row!.personId, row!.diedOn);
    }
    const area = await areaNamed(tx, row!.areaId, "areaId");
    return deathView(row!, area.name);
  });
}

/**
 * The register, newest death first: admins see every death, a treatment manager the deaths their
 * organisation recorded. Each death's corrections come with it.
 */
export async function listDeaths({ ctx, input }: VerbArgs<DeathListInput>) {
  const actor = requireRole(ctx.actor, verbRoles.recordDeaths);
  return ctx.db.transaction(async (tx) => {
    const rows = await tx
      // The linked person's attributor: the recorder could see them to link them, and the register is
      // read only by the recording organisation (whose people rule is the same) and admins.
      .select({ death: drugRelatedDeaths, areaName: areas.name, personAttributor: people.attributor })
      .from(drugRelatedDeaths)
      .innerJoin(areas, eq(areas.id, drugRelatedDeaths.areaId))
      .leftJoin(people, eq(people.id, drugRelatedDeaths.personId))
      .where(
        and(
          actor.role === "admin" ? undefined : eq(drugRelatedDeaths.organisationId, actor.organisationId),
          input.areaId ? eq(drugRelatedDeaths.areaId, input.areaId) : undefined,
        ),
      )
      .orderBy(desc(drugRelatedDeaths.diedOn), desc(drugRelatedDeaths.createdAt))
      .limit(input.limit);
    const corrections = rows.length
      ? await tx
          .select()
          .from(drugRelatedDeathCorrections)
          .where(
            sql`${drugRelatedDeathCorrections.deathId} in (${sql.join(
              rows.map((row) => sql`${row.death.id}::uuid`),
              sql`, `,
            )})`,
          )
          .orderBy(drugRelatedDeathCorrections.correctedAt)
      : [];
    await audit(tx, ctx, { action: "list", entity: "drug_related_death", entityId: input.areaId ?? "all" });
    return rows.map(({ death, areaName, personAttributor }) => ({
      ...deathView(death, areaName),
      personAttributor,
      corrections: corrections
        .filter((c) => c.deathId === death.id)
        .map(({ field, oldValue, newValue, reason, correctedAt }) => ({
          field,
          oldValue,
          newValue,
          reason,
          correctedAt,
        })),
    }));
  });
}

import {
  and,
  asc,
  consents,
  contacts,
  count,
  desc,
  type Executor,
  episodes,
  eq,
  gte,
  inArray,
  isNull,
  lte,
  max,
  or,
  organisations,
  people,
  personMerges,
  referrals,
  type SQL,
  safeguardingFlags,
  services,
  sql,
  users,
} from "@pathways/db";
import {
  type AttributorInput,
  attributorOf,
  type ConsentInput,
  type FindPeopleInput,
  type MergePeopleInput,
  type PersonIdInput,
  type PersonInput,
  type ResolveSafeguardingFlagInput,
  type UndoMergeInput,
} from "@pathways/validators";
import type { OnBehalf } from "./acting.ts";
import { type AuditRecord, audit } from "./audit.ts";
import { addDays, localDay } from "./calendar.ts";
import { contactPage } from "./contacts.ts";
import { now, type SystemActor, type UserActor, type VerbArgs } from "./context.ts";
import { Conflict, InvalidTransition, NotYours, ValidationError } from "./errors.ts";
import {
  insertPerson,
  oncePerRecord,
  type Person,
  personFor,
  personView,
  refuseMerged,
  seesFullName,
  visiblePeople,
} from "./person-access.ts";
import { safeguardingFlagFor, visibleEpisodes } from "./record-access.ts";
import { requireRole, requireRoleOrSystem, verbRoles } from "./rights.ts";

function userIdOf(actor: UserActor | SystemActor): string | null {
  return actor.kind === "user" ? actor.userId : null;
}

/**
 * Adds a person. A system job (the seed) may name the user it records them for, so a provider's
 * walk-in is that provider's client from the start, as when its treatment manager adds them.
 */
export async function createPerson({ ctx, input }: VerbArgs<PersonInput & OnBehalf>) {
  const signedIn = requireRoleOrSystem(ctx.actor, verbRoles.writePeople);
  const { onBehalfOf, ...person } = input;
  return ctx.db.transaction(async (tx) => {
    const actor = signedIn.kind === "system" && onBehalfOf ? await recordingUser(tx, onBehalfOf) : signedIn;
    return personView(await insertPerson(tx, ctx, actor, person), actor);
  });
}

/** The user a system job records a person for, as the verbs see a signed-in user. */
async function recordingUser(tx: Executor, userId: string): Promise<UserActor> {
  const [user] = await tx
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      organisationId: organisations.id,
      organisationName: organisations.name,
      organisationKind: organisations.kind,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, userId));
  if (!user) throw new NotYours("user", userId);
  return requireRole({ kind: "user", sessionId: null, ...user }, verbRoles.writePeople);
}

/** The latest contact and open safeguarding flags of each listed person, for telling people apart. */
async function withActivity(tx: Executor, actor: UserActor, rows: Person[]) {
  const ids = rows.map((person) => person.id);
  const [latest, flags] = ids.length
    ? [
        await tx
          .select({ personId: contacts.personId, at: max(contacts.occurredAt) })
          .from(contacts)
          .where(inArray(contacts.personId, ids))
          .groupBy(contacts.personId),
        await tx
          .select({ personId: safeguardingFlags.personId, n: count() })
          .from(safeguardingFlags)
          .where(and(inArray(safeguardingFlags.personId, ids), isNull(safeguardingFlags.resolvedAt)))
          .groupBy(safeguardingFlags.personId),
      ]
    : [[], []];
  const lastContact = new Map(latest.map((row) => [row.personId, row.at]));
  const openFlags = new Map(flags.map((row) => [row.personId, row.n]));
  return rows.map((person) => ({
    ...personView(person, actor),
    lastContactAt: lastContact.get(person.id) ?? null,
    openSafeguardingFlags: openFlags.get(person.id) ?? 0,
  }));
}

/** `text` matched literally inside a LIKE pattern. */
export function likePattern(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Search as you type: the start of an attributor ("JS-1988", "js 1988 03"), part of an alias, the
 * start of a partial postcode, or (treatment provider only) part of a full name. Merged people are
 * left out (their survivor is found instead).
 */
export async function findPeople({ ctx, input }: VerbArgs<FindPeopleInput>) {
  const actor = requireRole(ctx.actor, verbRoles.readPeople);
  const query = input.query.trim();
  const attributorStart = query.toUpperCase().replace(/[\s/.]+/g, "-");
  const postcodeStart = query.toUpperCase().replace(/\s+/g, " ");
  const conditions: (SQL | undefined)[] = [
    isNull(people.mergedIntoId),
    or(
      sql`${people.attributor} like ${`${likePattern(attributorStart)}%`}`,
      sql`lower(${people.alias}) like ${`%${likePattern(query.toLowerCase())}%`}`,
      sql`${people.partialPostcode} like ${`${likePattern(postcodeStart)}%`}`,
      // Only the treatment provider may search by (or see) a full name.
      seesFullName(actor)
        ? sql`lower(${people.fullName}) like ${`%${likePattern(query.toLowerCase())}%`}`
        : undefined,
    ),
    visiblePeople(actor),
  ];
  if (input.cursor) {
    const match =
      /^([A-Z]{2}-\d{4}-\d{2}-\d{2}-[MFOU])_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(
        input.cursor,
      );
    if (!match) throw ValidationError.field("cursor", "cursor is not valid; start again from the first page");
    conditions.push(sql`(${people.attributor}, ${people.id}) > (${match[1]}, ${match[2]}::uuid)`);
  }
  return ctx.db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(people)
      .where(and(...conditions))
      .orderBy(asc(people.attributor), asc(people.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    await audit(
      tx,
      ctx,
      page.map((person) => ({ action: "list", entity: "person", entityId: person.id, personId: person.id })),
    );
    const last = page.at(-1);
    return {
      items: await withActivity(tx, actor, page),
      nextCursor: rows.length > input.limit && last ? `${last.attributor}_${last.id}` : null,
    };
  });
}

export type DuplicateReason = "same_attributor" | "sex_unknown" | "date_of_birth_a_day_apart";

/**
 * People who may be the same as the one about to be added (DOMAIN.md): the same attributor, or the
 * same initials with a date of birth at most a day apart and the same sex, or either sex unknown.
 */
export async function likelyDuplicates({ ctx, input }: VerbArgs<AttributorInput>) {
  const actor = requireRole(ctx.actor, verbRoles.readPeople);
  const sameSex =
    input.sex === "unknown" ? undefined : or(eq(people.sex, input.sex), eq(people.sex, "unknown"));
  return ctx.db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(people)
      .where(
        and(
          isNull(people.mergedIntoId),
          eq(people.firstInitial, input.firstInitial),
          eq(people.surnameInitial, input.surnameInitial),
          gte(people.dateOfBirth, addDays(input.dateOfBirth, -1)),
          lte(people.dateOfBirth, addDays(input.dateOfBirth, 1)),
          sameSex,
          visiblePeople(actor),
        ),
      )
      .orderBy(asc(people.attributor), asc(people.id))
      .limit(20);
    await audit(
      tx,
      ctx,
      rows.map((person) => ({ action: "list", entity: "person", entityId: person.id, personId: person.id })),
    );
    const attributor = attributorOf(input);
    return (await withActivity(tx, actor, rows))
      .map((person) => ({
        ...person,
        reason: (person.attributor === attributor
          ? "same_attributor"
          : person.dateOfBirth === input.dateOfBirth
            ? "sex_unknown"
            : "date_of_birth_a_day_apart") satisfies DuplicateReason as DuplicateReason,
      }))
      .sort((a, b) => Number(b.reason === "same_attributor") - Number(a.reason === "same_attributor"));
  });
}

/**
 * The person page: who they are, current consent, open safeguarding flags, referral statuses (service
 * and dates only, never clinical detail), merge history and the first page of contacts.
 */
export async function getPerson({ ctx, input }: VerbArgs<PersonIdInput>) {
  const actor = requireRole(ctx.actor, verbRoles.readPeople);
  return ctx.db.transaction(async (tx) => {
    const person = await personFor(tx, actor, input.id);
    const trail: AuditRecord[] = [
      { action: "read", entity: "person", entityId: person.id, personId: person.id },
    ];

    const consentRows = await tx
      .selectDistinctOn([consents.kind], {
        kind: consents.kind,
        status: consents.status,
        recordedOn: consents.recordedOn,
      })
      .from(consents)
      .where(eq(consents.personId, person.id))
      .orderBy(consents.kind, desc(consents.recordedAt), desc(consents.id));

    const flags = await tx
      .select({
        id: safeguardingFlags.id,
        concern: safeguardingFlags.concern,
        contactId: safeguardingFlags.contactId,
        raisedAt: safeguardingFlags.raisedAt,
      })
      .from(safeguardingFlags)
      .where(and(eq(safeguardingFlags.personId, person.id), isNull(safeguardingFlags.resolvedAt)))
      .orderBy(desc(safeguardingFlags.raisedAt));
    for (const flag of flags) {
      trail.push({ action: "list", entity: "safeguarding_flag", entityId: flag.id, personId: person.id });
    }

    const referralRows = await tx
      .select({
        id: referrals.id,
        number: referrals.number,
        serviceName: services.name,
        providerName: organisations.name,
        status: referrals.status,
        requestedAt: referrals.requestedAt,
        statusChangedAt: referrals.statusChangedAt,
      })
      .from(referrals)
      .innerJoin(services, eq(services.id, referrals.serviceId))
      .innerJoin(organisations, eq(organisations.id, services.organisationId))
      .where(eq(referrals.personId, person.id))
      .orderBy(desc(referrals.requestedAt));
    for (const referral of referralRows) {
      trail.push({ action: "list", entity: "referral", entityId: referral.id, personId: person.id });
    }

    // The reader's own provider's episodes only (record-access.ts): nobody else sees any.
    const episodeRows = await tx
      .select({
        id: episodes.id,
        substanceGroup: episodes.substanceGroup,
        startedOn: episodes.startedOn,
        dischargedOn: episodes.dischargedOn,
        dischargeReason: episodes.dischargeReason,
      })
      .from(episodes)
      .where(and(eq(episodes.personId, person.id), visibleEpisodes(actor)))
      .orderBy(desc(episodes.startedOn), desc(episodes.id));
    for (const episode of episodeRows) {
      trail.push({ action: "list", entity: "episode", entityId: episode.id, personId: person.id });
    }

    const merges = await mergeHistory(tx, person.id);
    for (const merge of merges) {
      const other = merge.survivorId === person.id ? merge.mergedId : merge.survivorId;
      trail.push({ action: "list", entity: "person", entityId: other, personId: other });
    }
    const [mergedInto] = person.mergedIntoId
      ? await tx.select().from(people).where(eq(people.id, person.mergedIntoId))
      : [];
    if (mergedInto) {
      trail.push({ action: "list", entity: "person", entityId: mergedInto.id, personId: mergedInto.id });
    }

    const firstContacts = await contactPage(tx, { personId: person.id, limit: 20 });
    for (const contact of firstContacts.items) {
      trail.push({ action: "list", entity: "contact", entityId: contact.id, personId: person.id });
    }
    await audit(tx, ctx, oncePerRecord(trail));

    return {
      person: personView(person, actor),
      mergedInto: mergedInto ? { id: mergedInto.id, attributor: mergedInto.attributor } : null,
      consents: consentRows,
      openSafeguardingFlags: flags,
      referrals: referralRows,
      episodes: episodeRows,
      merges,
      contacts: firstContacts,
    };
  });
}

async function mergeHistory(tx: Executor, personId: string) {
  const rows = await tx
    .select({
      id: personMerges.id,
      survivorId: personMerges.survivorId,
      mergedId: personMerges.mergedId,
      moved: personMerges.moved,
      mergedAt: personMerges.mergedAt,
      undoneAt: personMerges.undoneAt,
    })
    .from(personMerges)
    .where(or(eq(personMerges.survivorId, personId), eq(personMerges.mergedId, personId)))
    .orderBy(desc(personMerges.mergedAt));
  const ids = [...new Set(rows.flatMap((row) => [row.survivorId, row.mergedId]))];
  const attributors = new Map(
    ids.length
      ? (
          await tx
            .select({ id: people.id, attributor: people.attributor })
            .from(people)
            .where(inArray(people.id, ids))
        ).map((row) => [row.id, row.attributor])
      : [],
  );
  return rows.map(({ moved, ...row }) => ({
    ...row,
    survivorAttributor: attributors.get(row.survivorId)!,
    mergedAttributor: attributors.get(row.mergedId)!,
    movedCount: Object.values(moved).reduce((sum, list) => sum + list.length, 0),
  }));
}

export async function recordConsent({ ctx, input }: VerbArgs<ConsentInput>) {
  const actor = requireRoleOrSystem(ctx.actor, verbRoles.writePeople);
  return ctx.db.transaction(async (tx) => {
    const person = await personFor(tx, actor, input.personId);
    refuseMerged(person, "record consent");
    const [consent] = await tx
      .insert(consents)
      .values({
        personId: person.id,
        kind: input.kind,
        status: input.status,
        recordedOn: input.recordedOn,
        recordedByUserId: userIdOf(actor),
        recordedAt: now(ctx),
      })
      .returning();
    await audit(tx, ctx, { action: "create", entity: "consent", entityId: consent!.id, personId: person.id });
    return { id: consent!.id, kind: consent!.kind, status: consent!.status, recordedOn: consent!.recordedOn };
  });
}

/**
 * The person-level records a merge moves, with the entity name their audit events carry. Every
 * table with a person_id that follows the person belongs here, or a merge would leave records behind.
 */
const movable = [
  { key: "contacts", entity: "contact", table: contacts },
  { key: "referrals", entity: "referral", table: referrals },
  { key: "episodes", entity: "episode", table: episodes },
  { key: "consents", entity: "consent", table: consents },
  { key: "safeguardingFlags", entity: "safeguarding_flag", table: safeguardingFlags },
] as const;

/**
 * Merges a duplicate into the person who carries on (the survivor): every contact, referral, episode,
 * consent and safeguarding flag moves, and `person_merges.moved` records exactly which, for undo.
 */
export async function mergePeople({ ctx, input }: VerbArgs<MergePeopleInput>) {
  const actor = requireRoleOrSystem(ctx.actor, verbRoles.mergePeople);
  return ctx.db.transaction(async (tx) => {
    // Locked in id order, so two merges of the same pair cannot deadlock.
    const [first, second] = [input.survivorId, input.mergedId].sort();
    const locked = new Map<string, Person>();
    for (const id of [first!, second!]) locked.set(id, await personFor(tx, actor, id, { lock: true }));
    const survivor = locked.get(input.survivorId)!;
    const merged = locked.get(input.mergedId)!;
    for (const person of [survivor, merged]) {
      if (person.mergedIntoId) {
        const into = await personFor(tx, actor, person.mergedIntoId);
        throw new Conflict(
          `${person.attributor} was already merged into ${into.attributor}; merge with ${into.attributor} instead.`,
        );
      }
    }
    const moved: Record<string, string[]> = {};
    const trail: AuditRecord[] = [
      { action: "merge", entity: "person", entityId: survivor.id, personId: survivor.id },
      { action: "merge", entity: "person", entityId: merged.id, personId: merged.id },
    ];
    for (const { key, entity, table } of movable) {
      const rows = await tx
        .update(table)
        .set({ personId: survivor.id })
        .where(eq(table.personId, merged.id))
        .returning({ id: table.id });
      moved[key] = rows.map((row) => row.id);
      for (const row of rows)
        trail.push({ action: "merge", entity, entityId: row.id, personId: survivor.id });
    }
    await tx.update(people).set({ mergedIntoId: survivor.id }).where(eq(people.id, merged.id));
    const [merge] = await tx
      .insert(personMerges)
      .values({
        survivorId: survivor.id,
        mergedId: merged.id,
        moved,
        mergedAt: now(ctx),
        mergedByUserId: userIdOf(actor),
      })
      .returning();
    await audit(tx, ctx, trail);
    return {
      mergeId: merge!.id,
      survivorId: survivor.id,
      mergedId: merged.id,
      moved: Object.fromEntries(Object.entries(moved).map(([key, ids]) => [key, ids.length])),
    };
  });
}

/** Undoes a merge: the merged person comes back with exactly the records the merge moved. */
export async function undoMerge({ ctx, input }: VerbArgs<UndoMergeInput>) {
  const actor = requireRoleOrSystem(ctx.actor, verbRoles.mergePeople);
  return ctx.db.transaction(async (tx) => {
    const [merge] = await tx
      .select()
      .from(personMerges)
      .where(eq(personMerges.id, input.mergeId))
      .for("update");
    if (!merge) throw new NotYours("merge", input.mergeId);
    // A merge is its two people's record: whoever may write both may undo it.
    const survivor = await personFor(tx, actor, merge.survivorId, { lock: true });
    const merged = await personFor(tx, actor, merge.mergedId, { lock: true });
    if (merge.undoneAt) {
      throw new InvalidTransition(
        `The merge of ${merged.attributor} into ${survivor.attributor} was already undone on ${localDay(merge.undoneAt)}.`,
      );
    }
    if (survivor.mergedIntoId) {
      const into = await personFor(tx, actor, survivor.mergedIntoId);
      throw new Conflict(
        `${survivor.attributor} has since been merged into ${into.attributor}; undo that merge first.`,
      );
    }
    const trail: AuditRecord[] = [
      { action: "unmerge", entity: "person", entityId: survivor.id, personId: survivor.id },
      { action: "unmerge", entity: "person", entityId: merged.id, personId: merged.id },
    ];
    const restored: Record<string, number> = {};
    for (const { key, entity, table } of movable) {
      const ids = merge.moved[key] ?? [];
      const rows = ids.length
        ? await tx
            .update(table)
            .set({ personId: merged.id })
            .where(and(inArray(table.id, ids), eq(table.personId, survivor.id)))
            .returning({ id: table.id })
        : [];
      restored[key] = rows.length;
      for (const row of rows)
        trail.push({ action: "unmerge", entity, entityId: row.id, personId: merged.id });
    }
    await tx.update(people).set({ mergedIntoId: null }).where(eq(people.id, merged.id));
    await tx
      .update(personMerges)
      .set({ undoneAt: now(ctx), undoneByUserId: userIdOf(actor) })
      .where(eq(personMerges.id, merge.id));
    await audit(tx, ctx, trail);
    return { mergeId: merge.id, survivorId: survivor.id, restoredId: merged.id, restored };
  });
}

export async function resolveSafeguardingFlag({ ctx, input }: VerbArgs<ResolveSafeguardingFlagInput>) {
  const actor = requireRoleOrSystem(ctx.actor, verbRoles.writePeople);
  return ctx.db.transaction(async (tx) => {
    const flag = await safeguardingFlagFor(tx, actor, input.flagId, { lock: true });
    if (flag.resolvedAt) {
      throw new InvalidTransition(
        `This ${flag.concern.replaceAll("_", " ")} flag was already resolved on ${localDay(flag.resolvedAt)}.`,
      );
    }
    const [resolved] = await tx
      .update(safeguardingFlags)
      .set({ resolvedAt: now(ctx), resolvedByUserId: userIdOf(actor), resolutionNote: input.note })
      .where(eq(safeguardingFlags.id, flag.id))
      .returning();
    await audit(tx, ctx, {
      action: "update",
      entity: "safeguarding_flag",
      entityId: flag.id,
      personId: flag.personId,
    });
    return {
      id: resolved!.id,
      concern: resolved!.concern,
      resolvedAt: resolved!.resolvedAt!,
      resolutionNote: resolved!.resolutionNote,
    };
  });
}

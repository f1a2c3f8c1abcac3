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
  hotspots,
  inArray,
  max,
  organisations,
  people,
  referralEvents,
  referrals,
  type SQL,
  services,
  sql,
  users,
} from "@pathways/db";
import {
  MoveReferralInput,
  type MyReferralsInput,
  openReferralStatuses,
  type ReferralDraftInput,
  type ReferralIdInput,
  ReferralInput,
  type ReferralStatus,
  type referralFailureReasons,
  treatmentServiceCodes,
} from "@pathways/validators";
import { audit } from "./audit.ts";
import { daysBetween, localDay } from "./calendar.ts";
import { type Ctx, now, type VerbArgs } from "./context.ts";
import { Conflict, Forbidden, InvalidTransition, NotFound, ValidationError } from "./errors.ts";
import {
  type ActingUser,
  actingUser,
  decodeCursor,
  encodeCursor,
  followsSuccessfulDischarge,
  loadPerson,
  type OnBehalf,
  referralReference,
  validated,
} from "./pathway-rules.ts";
import { clientOf } from "./person-access.ts";
import { isUniqueViolation, sqlConstraint } from "./sql-errors.ts";

/** Who makes referrals: outreach workers on the street, treatment managers for their own clients. */
const referrerRoles = ["outreach_worker", "treatment_manager"] as const;

/** A referral with no status change for this many days is flagged "stale" to its provider. */
export const staleAfterDays = 7;
/** The national waiting-time measure: the share waiting more than 21 days. */
export const longWaitDays = 21;

const failureStatuses = ["rejected", "unable_to_contact", "declined_by_client", "cancelled"] as const;
type FailureStatus = (typeof failureStatuses)[number];

/** The one forward step from each open status (DOMAIN.md). */
const nextStep: Record<(typeof openReferralStatuses)[number], ReferralStatus> = {
  requested: "received",
  received: "accepted",
  accepted: "treatment_started",
};

/** Why a referral failed when the mover does not say; a rejection must say, a cancellation may. */
const defaultFailureReason: Record<FailureStatus, (typeof referralFailureReasons)[number] | null> = {
  rejected: null,
  unable_to_contact: "unable_to_contact_client",
  declined_by_client: "client_refused_services",
  cancelled: null,
};

export function isOpenReferralStatus(
  status: ReferralStatus,
): status is (typeof openReferralStatuses)[number] {
  return (openReferralStatuses as readonly string[]).includes(status);
}

function isFailureStatus(status: ReferralStatus): status is FailureStatus {
  return (failureStatuses as readonly string[]).includes(status);
}

/**
 * Why a referral cannot move from `from` to `to`, or null when the status machine allows it:
 * requested -> received -> accepted -> treatment_started, and from any open status to a failure.
 */
export function referralMoveRefusal(
  reference: string,
  from: ReferralStatus,
  to: ReferralStatus,
): string | null {
  if (!isOpenReferralStatus(from) || from === to) {
    return `Referral ${reference} is already \`${from}\`; it cannot move to \`${to}\`.`;
  }
  if (to === nextStep[from] || isFailureStatus(to)) return null;
  return `Referral ${reference} is \`${from}\`; it cannot move to \`${to}\`. Next it can move to \`${nextStep[from]}\`, or end as rejected, unable to contact, declined by client or cancelled.`;
}

/** The row every referral verb starts from: the referral, its service and the service's provider. */
function referralRows(db: Executor) {
  return db
    .select({
      id: referrals.id,
      number: referrals.number,
      clientKey: referrals.clientKey,
      personId: referrals.personId,
      contactId: referrals.contactId,
      referringUserId: referrals.referringUserId,
      referringOrganisationId: referrals.referringOrganisationId,
      serviceId: referrals.serviceId,
      serviceName: services.name,
      serviceCode: services.code,
      providerOrganisationId: services.organisationId,
      providerName: organisations.name,
      reason: referrals.reason,
      source: referrals.source,
      status: referrals.status,
      failureReason: referrals.failureReason,
      requestedAt: referrals.requestedAt,
      statusChangedAt: referrals.statusChangedAt,
      isRepresentation: referrals.isRepresentation,
    })
    .from(referrals)
    .innerJoin(services, eq(services.id, referrals.serviceId))
    .innerJoin(organisations, eq(organisations.id, services.organisationId));
}
type ReferralRow = Awaited<ReturnType<ReturnType<typeof referralRows>["execute"]>>[number];

/** The referral locked for the rest of the transaction, so two status moves cannot interleave. */
export async function lockReferral(tx: Executor, referralId: string): Promise<ReferralRow> {
  const [referral] = await referralRows(tx)
    .where(eq(referrals.id, referralId))
    .for("update", { of: referrals });
  if (!referral) throw new NotFound("referral", referralId);
  return referral;
}

/** How the acting user stands to a referral: its provider, the person who made it, or neither. */
function standing(acting: ActingUser, referral: ReferralRow) {
  return {
    isProvider:
      acting.role === "treatment_manager" && acting.organisationId === referral.providerOrganisationId,
    isReferrer: referral.referringUserId === acting.userId,
  };
}

function refuseOutsider(referral: ReferralRow): never {
  throw new Forbidden(
    `Referral ${referralReference(referral.number)} is to ${referral.providerName}; only that provider and the person who made it can see it.`,
  );
}

/** The latest `share` consent of a person (DOMAIN.md: the latest row is the current state). */
export async function currentShareConsent(db: Executor, personId: string) {
  const [consent] = await db
    .select({ status: consents.status, recordedOn: consents.recordedOn })
    .from(consents)
    .where(and(eq(consents.personId, personId), eq(consents.kind, "share")))
    .orderBy(desc(consents.recordedAt), desc(consents.recordedOn))
    .limit(1);
  return consent ?? null;
}

function consentRefusal(
  attributor: string,
  providerName: string,
  consent: Awaited<ReturnType<typeof currentShareConsent>>,
): string | null {
  if (consent?.status === "given") return null;
  const state = consent
    ? `${consent.status === "withdrawn" ? "withdrew" : "refused"} consent to share on ${consent.recordedOn}`
    : "has no consent to share recorded";
  return `A referral to ${providerName} shares ${attributor}'s details with another organisation, and ${attributor} ${state}. Record their consent to share before referring.`;
}

/**
 * A treatment manager may refer or look up only their own provider's clients (the same rule as the
 * person pages); outreach workers work with all the taskforce's people.
 */
async function refuseUnknownPerson(
  db: Executor,
  acting: ActingUser,
  person: { id: string; attributor: string },
) {
  if (acting.role !== "treatment_manager") return;
  const [client] = await db
    .select({ id: people.id })
    .from(people)
    .where(and(eq(people.id, person.id), clientOf(acting.organisationId)));
  if (!client) {
    throw new Forbidden(
      `${person.attributor} is not a client of ${acting.organisationName}; treatment managers see their own provider's clients only.`,
    );
  }
}

/** What the person who made a referral sees: its status and dates, never clinical detail. */
async function referrerView(db: Executor, referral: ReferralRow) {
  const [person] = await db
    .select({ id: people.id, attributor: people.attributor, alias: people.alias })
    .from(people)
    .where(eq(people.id, referral.personId));
  const history = await historyOf(db, [referral.id], false);
  return {
    id: referral.id,
    number: referral.number,
    reference: referralReference(referral.number),
    status: referral.status,
    failureReason: referral.failureReason,
    reason: referral.reason,
    requestedAt: referral.requestedAt,
    statusChangedAt: referral.statusChangedAt,
    person: person!,
    service: { id: referral.serviceId, name: referral.serviceName, code: referral.serviceCode },
    providerName: referral.providerName,
    history: history.get(referral.id) ?? [],
  };
}
export type ReferrerReferralView = Awaited<ReturnType<typeof referrerView>>;

/** Status history, oldest first; `withAuthors` adds who moved it (for the provider only). */
async function historyOf(db: Executor, referralIds: string[], withAuthors: boolean) {
  const byId = new Map<
    string,
    {
      status: ReferralStatus;
      at: Date;
      failureReason: ReferralRow["failureReason"];
      note: string | null;
      byName?: string | null;
    }[]
  >();
  if (referralIds.length === 0) return byId;
  const rows = await db
    .select({
      referralId: referralEvents.referralId,
      status: referralEvents.status,
      at: referralEvents.at,
      failureReason: referralEvents.failureReason,
      note: referralEvents.note,
      byName: users.name,
    })
    .from(referralEvents)
    .leftJoin(users, eq(users.id, referralEvents.byUserId))
    .where(inArray(referralEvents.referralId, referralIds))
    .orderBy(asc(referralEvents.at), asc(referralEvents.id));
  for (const { referralId, byName, ...event } of rows) {
    const list = byId.get(referralId) ?? [];
    list.push(withAuthors ? { ...event, byName } : event);
    byId.set(referralId, list);
  }
  return byId;
}

/** What the provider sees: the referral, the person, who referred, how long they have waited. */
async function providerView(db: Executor, ctx: Ctx, referral: ReferralRow) {
  const [details] = await db
    .select({
      person: {
        id: people.id,
        attributor: people.attributor,
        alias: people.alias,
        fullName: people.fullName,
      },
      referringOrganisationName: organisations.name,
      referringUserName: users.name,
    })
    .from(referrals)
    .innerJoin(people, eq(people.id, referrals.personId))
    .innerJoin(organisations, eq(organisations.id, referrals.referringOrganisationId))
    .leftJoin(users, eq(users.id, referrals.referringUserId))
    .where(eq(referrals.id, referral.id));
  const [episode] = await db
    .select({ id: episodes.id })
    .from(episodes)
    .where(eq(episodes.referralId, referral.id));
  const history = await historyOf(db, [referral.id], true);
  return {
    id: referral.id,
    number: referral.number,
    reference: referralReference(referral.number),
    status: referral.status,
    failureReason: referral.failureReason,
    reason: referral.reason,
    source: referral.source,
    requestedAt: referral.requestedAt,
    statusChangedAt: referral.statusChangedAt,
    isRepresentation: referral.isRepresentation,
    person: details!.person,
    service: { id: referral.serviceId, name: referral.serviceName, code: referral.serviceCode },
    providerName: referral.providerName,
    referrer: { organisationName: details!.referringOrganisationName, userName: details!.referringUserName },
    ...referralWait(referral, localDay(now(ctx))),
    episodeId: episode?.id ?? null,
    history: history.get(referral.id) ?? [],
  };
}

/** Days waiting since the request and since the last movement, for an open referral. */
export function referralWait(
  referral: { status: ReferralStatus; requestedAt: Date; statusChangedAt: Date },
  today: string,
) {
  const open = isOpenReferralStatus(referral.status);
  const daysWaiting = open ? daysBetween(localDay(referral.requestedAt), today) : null;
  const daysSinceMovement = open ? daysBetween(localDay(referral.statusChangedAt), today) : null;
  return {
    daysWaiting,
    waitingOver21Days: daysWaiting !== null && daysWaiting > longWaitDays,
    daysSinceMovement,
    stale: daysSinceMovement !== null && daysSinceMovement >= staleAfterDays,
  };
}

/**
 * Refers a person to a service, from a contact or directly. Crossing organisations needs the person's
 * current `share` consent. A resend with the same client key returns the first referral unchanged.
 */
export async function createReferral({ ctx, input }: VerbArgs<ReferralInput & OnBehalf>) {
  const acting = await actingUser(ctx, referrerRoles, input.onBehalfOf);
  const referral = validated(ReferralInput, input);
  const replay = async () => {
    if (!referral.clientKey) return null;
    return ctx.db.transaction(async (tx) => {
      const [existing] = await referralRows(tx).where(eq(referrals.clientKey, referral.clientKey!));
      if (!existing) return null;
      if (existing.referringUserId !== acting.userId) {
        throw new Conflict(
          "This client key was already used for another referral; the form makes a new one.",
        );
      }
      await audit(tx, ctx, {
        action: "read",
        entity: "referral",
        entityId: existing.id,
        personId: existing.personId,
      });
      return referrerView(tx, existing);
    });
  };
  const earlier = await replay();
  if (earlier) return earlier;
  try {
    return await ctx.db.transaction(async (tx) => insertReferral(tx, { ...ctx, db: tx }, acting, referral));
  } catch (error) {
    // Two sends of one form raced: the loser answers with the winner's referral.
    if (isUniqueViolation(error) && sqlConstraint(error) === "referrals_client_key_key") {
      const winner = await replay();
      if (winner) return winner;
    }
    throw error;
  }
}

async function insertReferral(tx: Executor, ctx: Ctx, acting: ActingUser, input: ReferralInput) {
  const [service] = await tx
    .select({
      id: services.id,
      name: services.name,
      code: services.code,
      active: services.active,
      organisationId: services.organisationId,
      providerName: organisations.name,
    })
    .from(services)
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .where(eq(services.id, input.serviceId));
  if (!service) throw new NotFound("service", input.serviceId);
  if (!service.active) {
    throw ValidationError.field(
      "serviceId",
      `${service.providerName}: ${service.name} takes no new referrals.`,
    );
  }

  let personId = input.personId;
  if (input.contactId) {
    const [contact] = await tx
      .select({ personId: contacts.personId, organisationId: contacts.organisationId })
      .from(contacts)
      .where(eq(contacts.id, input.contactId));
    if (!contact) throw new NotFound("contact", input.contactId);
    if (contact.organisationId !== acting.organisationId) {
      throw new Forbidden("That contact was logged by another organisation; refer from your own contacts.");
    }
    if (!contact.personId) {
      throw ValidationError.field(
        "contactId",
        "This contact is anonymous: add the person to the contact before referring them.",
      );
    }
    if (personId && personId !== contact.personId) {
      throw ValidationError.field("personId", "The person does not match the person on the contact.");
    }
    personId = contact.personId;
  }
  const person = await loadPerson(tx, personId!);
  await refuseUnknownPerson(tx, acting, person);

  if (service.organisationId !== acting.organisationId) {
    const refusal = consentRefusal(
      person.attributor,
      service.providerName,
      await currentShareConsent(tx, person.id),
    );
    if (refusal) throw new Forbidden(refusal);
  }

  const [open] = await tx
    .select({ number: referrals.number, status: referrals.status })
    .from(referrals)
    .where(
      and(
        eq(referrals.personId, person.id),
        eq(referrals.serviceId, service.id),
        inArray(referrals.status, [...openReferralStatuses]),
      ),
    )
    .limit(1);
  if (open) {
    throw new Conflict(
      `${person.attributor} already has an open referral to ${service.providerName}: ${service.name} (${referralReference(open.number)}, \`${open.status}\`).`,
    );
  }

  const at = now(ctx);
  const isTreatment = (treatmentServiceCodes as readonly string[]).includes(service.code);
  const [created] = await tx
    .insert(referrals)
    .values({
      clientKey: input.clientKey ?? null,
      personId: person.id,
      contactId: input.contactId ?? null,
      referringUserId: acting.userId,
      referringOrganisationId: acting.organisationId,
      serviceId: service.id,
      reason: input.reason,
      source: input.source,
      status: "requested",
      requestedAt: at,
      statusChangedAt: at,
      isRepresentation: isTreatment && (await followsSuccessfulDischarge(tx, person.id, localDay(at))),
    })
    .returning({ id: referrals.id });
  await tx
    .insert(referralEvents)
    .values({ referralId: created!.id, status: "requested", at, byUserId: acting.userId });
  await audit(tx, ctx, { action: "create", entity: "referral", entityId: created!.id, personId: person.id });
  const [row] = await referralRows(tx).where(eq(referrals.id, created!.id));
  return referrerView(tx, row!);
}

/**
 * Moves a referral along the DOMAIN.md status machine, recording who, when and why as a referral event.
 * The provider works it; the person who made it may only cancel it. `treatment_started` comes from
 * starting an episode, never from here.
 */
export async function moveReferral({ ctx, input }: VerbArgs<MoveReferralInput & OnBehalf>) {
  const acting = await actingUser(ctx, referrerRoles, input.onBehalfOf);
  const move = validated(MoveReferralInput, input);
  return ctx.db.transaction(async (tx) => {
    const referral = await lockReferral(tx, move.referralId);
    const reference = referralReference(referral.number);
    const { isProvider, isReferrer } = standing(acting, referral);
    if (!isProvider && !isReferrer) refuseOutsider(referral);
    if (!isProvider && move.to !== "cancelled") {
      throw new Forbidden(
        `Only ${referral.providerName} can move referral ${reference} to \`${move.to}\`; as its referrer you can cancel it.`,
      );
    }
    const refusal = referralMoveRefusal(reference, referral.status, move.to);
    if (refusal) throw new InvalidTransition(refusal);
    if (move.to === "treatment_started") {
      throw new InvalidTransition(
        `Referral ${reference} moves to \`treatment_started\` when an episode is started from it.`,
      );
    }
    const failureReason = isFailureStatus(move.to)
      ? (move.failureReason ?? defaultFailureReason[move.to])
      : null;
    if (move.failureReason && !isFailureStatus(move.to)) {
      throw ValidationError.field(
        "failureReason",
        "a failure reason is only recorded when a referral ends without treatment",
      );
    }
    const at = now(ctx);
    await tx
      .update(referrals)
      .set({ status: move.to, failureReason, statusChangedAt: at })
      .where(eq(referrals.id, referral.id));
    await tx.insert(referralEvents).values({
      referralId: referral.id,
      status: move.to,
      failureReason,
      note: move.note ?? null,
      at,
      byUserId: acting.userId,
    });
    await audit(tx, ctx, {
      action: "update",
      entity: "referral",
      entityId: referral.id,
      personId: referral.personId,
    });
    const [moved] = await referralRows(tx).where(eq(referrals.id, referral.id));
    return isProvider ? providerView(tx, ctx, moved!) : referrerView(tx, moved!);
  });
}

/**
 * One referral: in full for its provider, status and dates only for the person who made it.
 * Anyone else is refused, whatever their organisation.
 */
export async function getReferral({ ctx, input }: VerbArgs<ReferralIdInput & OnBehalf>) {
  const acting = await actingUser(ctx, referrerRoles, input.onBehalfOf);
  return ctx.db.transaction(async (tx) => {
    const [referral] = await referralRows(tx).where(eq(referrals.id, input.referralId));
    if (!referral) throw new NotFound("referral", input.referralId);
    const { isProvider, isReferrer } = standing(acting, referral);
    if (!isProvider && !isReferrer) refuseOutsider(referral);
    await audit(tx, ctx, {
      action: "read",
      entity: "referral",
      entityId: referral.id,
      personId: referral.personId,
    });
    return isProvider
      ? { view: "provider" as const, referral: await providerView(tx, ctx, referral) }
      : { view: "referrer" as const, referral: await referrerView(tx, referral) };
  });
}

function showCondition(show: MyReferralsInput["show"]): SQL | undefined {
  if (show === "open") return inArray(referrals.status, [...openReferralStatuses]);
  if (show === "closed") return sql`${referrals.status} not in ('requested', 'received', 'accepted')`;
  return undefined;
}

/**
 * "My referrals": the referrals the acting user made, newest first, each with its status history.
 * Status and dates only: the referrer never sees the episode behind a `treatment_started`.
 */
export async function listMyReferrals({ ctx, input }: VerbArgs<MyReferralsInput & OnBehalf>) {
  const acting = await actingUser(ctx, referrerRoles, input.onBehalfOf);
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  return ctx.db.transaction(async (tx) => {
    const rows = await referralRows(tx)
      .where(
        and(
          eq(referrals.referringUserId, acting.userId),
          showCondition(input.show),
          cursor
            ? sql`(${referrals.requestedAt}, ${referrals.id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`
            : undefined,
        ),
      )
      .orderBy(desc(referrals.requestedAt), desc(referrals.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const personRows = page.length
      ? await tx
          .select({ id: people.id, attributor: people.attributor, alias: people.alias })
          .from(people)
          .where(
            inArray(
              people.id,
              page.map((row) => row.personId),
            ),
          )
      : [];
    const personById = new Map(personRows.map((person) => [person.id, person]));
    const history = await historyOf(
      tx,
      page.map((row) => row.id),
      false,
    );
    await audit(
      tx,
      ctx,
      page.map((row) => ({ action: "list", entity: "referral", entityId: row.id, personId: row.personId })),
    );
    const last = page.at(-1);
    return {
      items: page.map((referral) => ({
        id: referral.id,
        number: referral.number,
        reference: referralReference(referral.number),
        status: referral.status,
        failureReason: referral.failureReason,
        reason: referral.reason,
        requestedAt: referral.requestedAt,
        statusChangedAt: referral.statusChangedAt,
        person: personById.get(referral.personId)!,
        service: { id: referral.serviceId, name: referral.serviceName, code: referral.serviceCode },
        providerName: referral.providerName,
        history: history.get(referral.id) ?? [],
      })),
      nextCursor: rows.length > input.limit && last ? encodeCursor(last.requestedAt, last.id) : null,
    };
  });
}

/**
 * A cheap fingerprint of "my referrals" (how many, and the latest change) that the screen polls; it
 * refetches the list, and writes audit events, only when this changes. Carries nothing about a person.
 */
export async function myReferralsVersion({ ctx, input }: VerbArgs<OnBehalf | undefined>) {
  const acting = await actingUser(ctx, referrerRoles, input?.onBehalfOf);
  const [row] = await ctx.db
    .select({ count: count(), latestChangeAt: max(referrals.statusChangedAt) })
    .from(referrals)
    .where(eq(referrals.referringUserId, acting.userId));
  return { count: row?.count ?? 0, latestChangeAt: row?.latestChangeAt ?? null };
}

/** Services that take referrals, with whether referring to each crosses organisations. */
export async function listReferralServices({ ctx, input }: VerbArgs<OnBehalf | undefined>) {
  const acting = await actingUser(ctx, referrerRoles, input?.onBehalfOf);
  return servicesFor(ctx.db, acting);
}

async function servicesFor(db: Executor, acting: ActingUser) {
  const rows = await db
    .select({
      id: services.id,
      code: services.code,
      name: services.name,
      organisationId: services.organisationId,
      organisationName: organisations.name,
    })
    .from(services)
    .innerJoin(organisations, eq(organisations.id, services.organisationId))
    .where(and(eq(services.active, true), eq(organisations.active, true)))
    .orderBy(asc(organisations.name), asc(services.name));
  return rows.map((service) => ({
    ...service,
    crossesOrganisations: service.organisationId !== acting.organisationId,
  }));
}

/**
 * What the referral form shows before it is filled in: who is being referred, from which contact,
 * their current consent to share, and which services that consent allows.
 */
export async function referralDraft({ ctx, input }: VerbArgs<ReferralDraftInput & OnBehalf>) {
  const acting = await actingUser(ctx, referrerRoles, input.onBehalfOf);
  return ctx.db.transaction(async (tx) => {
    let personId = input.personId;
    let contact: { id: string; occurredAt: Date; place: string | null } | null = null;
    if (input.contactId) {
      const [row] = await tx
        .select({
          id: contacts.id,
          personId: contacts.personId,
          organisationId: contacts.organisationId,
          occurredAt: contacts.occurredAt,
          hotspotName: hotspots.name,
          location: contacts.location,
        })
        .from(contacts)
        .leftJoin(hotspots, eq(hotspots.id, contacts.hotspotId))
        .where(eq(contacts.id, input.contactId));
      if (!row) throw new NotFound("contact", input.contactId);
      if (row.organisationId !== acting.organisationId) {
        throw new Forbidden("That contact was logged by another organisation; refer from your own contacts.");
      }
      if (!row.personId) {
        throw ValidationError.field(
          "contactId",
          "This contact is anonymous: add the person to the contact before referring them.",
        );
      }
      if (personId && personId !== row.personId) {
        throw ValidationError.field("personId", "The person does not match the person on the contact.");
      }
      personId = row.personId;
      contact = { id: row.id, occurredAt: row.occurredAt, place: row.hotspotName ?? row.location };
      await audit(tx, ctx, { action: "read", entity: "contact", entityId: row.id, personId: row.personId });
    }
    const person = await loadPerson(tx, personId!);
    await refuseUnknownPerson(tx, acting, person);
    await audit(tx, ctx, { action: "read", entity: "person", entityId: person.id, personId: person.id });
    const shareConsent = await currentShareConsent(tx, person.id);
    const openReferrals = await referralRows(tx).where(
      and(eq(referrals.personId, person.id), inArray(referrals.status, [...openReferralStatuses])),
    );
    const available = await servicesFor(tx, acting);
    return {
      person: { id: person.id, attributor: person.attributor, alias: person.alias },
      contact,
      shareConsent,
      services: available.map((service) => {
        const openReferral = openReferrals.find((referral) => referral.serviceId === service.id);
        return {
          ...service,
          blockedBy: service.crossesOrganisations
            ? consentRefusal(person.attributor, service.organisationName, shareConsent)
            : null,
          openReferral: openReferral
            ? { reference: referralReference(openReferral.number), status: openReferral.status }
            : null,
        };
      }),
    };
  });
}

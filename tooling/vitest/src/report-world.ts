import { randomUUID } from "node:crypto";
import {
  communityReports,
  contacts,
  type Database,
  episodes,
  hotspots,
  needleFinds,
  organisations,
  people,
  referrals,
  services,
} from "@pathways/db";
import type {
  DischargeReason,
  ReferralStatus,
  SafeguardingConcern,
  ServiceCode,
  SubstanceGroup,
} from "@pathways/validators/codes";
import { makeWorld, type TestCtx } from "./world.ts";

/** Noon UTC on a day, unless a full timestamp is given: report days are Europe/London days. */
export function at(value: string): Date {
  return new Date(value.length === 10 ? `${value}T12:00:00Z` : value);
}

/** A context whose clock reads `today` (noon, Europe/London), so provisional flags are fixed. */
export function on(ctx: TestCtx, today: string) {
  return { ...ctx, now: () => at(today) };
}

/**
 * A world for report tests: the roles of makeWorld, two hotspots, the treatment manager's organisation
 * as a provider with its three treatment services, a social care service and a housing service.
 * Rows are inserted directly (the report queries read the tables, whatever verb wrote them).
 */
export async function reportWorld(db: Database) {
  const world = await makeWorld(db);
  const { tag, actors } = world;
  const [southPark, grandpont] = await db
    .insert(hotspots)
    .values([
      { name: `South Park ${tag}`, lat: 51.7527, lng: -1.2335 },
      { name: `Grandpont ${tag}`, lat: 51.7453, lng: -1.2577 },
    ])
    .returning();
  const provider = actors.treatment_manager.organisationId;
  const [otherProvider, socialCare] = await db
    .insert(organisations)
    .values([
      { name: `Other provider ${tag}`, kind: "treatment_provider" },
      { name: `Social care ${tag}`, kind: "social_care" },
    ])
    .returning();
  const serviceRows = await db
    .insert(services)
    .values([
      { organisationId: provider, code: "opiate_treatment", name: "Opiate treatment" },
      { organisationId: provider, code: "non_opiate_treatment", name: "Non-opiate treatment" },
      { organisationId: provider, code: "alcohol_treatment", name: "Alcohol treatment" },
      { organisationId: otherProvider!.id, code: "opiate_treatment", name: "Opiate treatment (other)" },
      { organisationId: socialCare!.id, code: "safeguarding_social_care", name: "Safeguarding referral" },
      { organisationId: actors.admin.organisationId, code: "housing_support", name: "Housing support" },
    ])
    .returning();
  const service = (code: ServiceCode, organisationId = provider) =>
    serviceRows.find((s) => s.code === code && s.organisationId === organisationId)!.id;

  let personNumber = 0;
  const worker = actors.outreach_worker;

  return {
    ...world,
    db,
    hotspots: { southPark: southPark!, grandpont: grandpont! },
    provider,
    otherProvider: otherProvider!.id,
    service,
    socialCareService: service("safeguarding_social_care", socialCare!.id),
    housingService: service("housing_support", actors.admin.organisationId),

    /** `count` new people; returns their ids. */
    async people(count: number): Promise<string[]> {
      if (count === 0) return [];
      const rows = Array.from({ length: count }, () => {
        personNumber += 1;
        const day = String((personNumber % 28) + 1).padStart(2, "0");
        return {
          attributor: `AB-1990-01-${day}-U`,
          firstInitial: "A",
          surnameInitial: "B",
          dateOfBirth: `1990-01-${day}`,
          sex: "unknown" as const,
        };
      });
      const created = [];
      // Batches keep the number of bind parameters well under PostgreSQL's limit.
      for (let i = 0; i < rows.length; i += 500) {
        created.push(
          ...(await db
            .insert(people)
            .values(rows.slice(i, i + 500))
            .returning({ id: people.id })),
        );
      }
      return created.map((row) => row.id);
    },

    async contact(input: {
      at: string;
      personId?: string | null;
      hotspotId?: string | null;
      concerns?: SafeguardingConcern[];
    }): Promise<string> {
      const [row] = await db
        .insert(contacts)
        .values({
          clientKey: randomUUID(),
          occurredAt: at(input.at),
          hotspotId: input.hotspotId === undefined ? southPark!.id : input.hotspotId,
          location: input.hotspotId === null ? "Cowley Road bus stop" : null,
          workerId: worker.userId,
          organisationId: worker.organisationId,
          personId: input.personId ?? null,
          contactType: "street_outreach",
          safeguardingConcerns: input.concerns ?? [],
        })
        .returning({ id: contacts.id });
      return row!.id;
    },

    async referral(input: {
      personId: string;
      serviceId: string;
      requestedAt: string;
      status?: ReferralStatus;
      contactId?: string;
    }): Promise<string> {
      const requestedAt = at(input.requestedAt);
      const [row] = await db
        .insert(referrals)
        .values({
          personId: input.personId,
          contactId: input.contactId ?? null,
          referringUserId: worker.userId,
          referringOrganisationId: worker.organisationId,
          serviceId: input.serviceId,
          reason: "Wants help with drug use",
          source: "outreach",
          status: input.status ?? "treatment_started",
          requestedAt,
          statusChangedAt: requestedAt,
        })
        .returning({ id: referrals.id });
      return row!.id;
    },

    async episodes(
      rows: {
        personId: string;
        substanceGroup: SubstanceGroup;
        startedOn: string;
        dischargedOn?: string;
        dischargeReason?: DischargeReason;
        ostAtExit?: boolean;
        referralId?: string;
        providerId?: string;
      }[],
    ): Promise<void> {
      const values = rows.map((row) => ({
        personId: row.personId,
        providerOrganisationId: row.providerId ?? provider,
        substanceGroup: row.substanceGroup,
        referralId: row.referralId ?? null,
        startedOn: row.startedOn,
        dischargedOn: row.dischargedOn ?? null,
        dischargeReason: row.dischargeReason ?? null,
        ostAtExit: row.ostAtExit ?? null,
      }));
      for (let i = 0; i < values.length; i += 500) await db.insert(episodes).values(values.slice(i, i + 500));
    },

    async needleFind(input: { at: string; count: number; hotspotId?: string | null }): Promise<void> {
      await db.insert(needleFinds).values({
        clientKey: randomUUID(),
        foundAt: at(input.at),
        hotspotId: input.hotspotId === undefined ? southPark!.id : input.hotspotId,
        location: input.hotspotId === null ? "Cowley Road bus stop" : null,
        count: input.count,
        collectedByUserId: worker.userId,
        organisationId: worker.organisationId,
      });
    },

    async communityReport(input: { at: string; hotspotId?: string | null }): Promise<void> {
      await db.insert(communityReports).values({
        reference: `CR-${tag}-${randomUUID().slice(0, 8)}`,
        tokenHash: randomUUID(),
        category: "drug_use",
        hotspotId: input.hotspotId === undefined ? southPark!.id : input.hotspotId,
        location: input.hotspotId === null ? "Cowley Road bus stop" : null,
        description: "People using drugs by the play area",
        submittedAt: at(input.at),
      });
    },
  };
}

export type ReportWorld = Awaited<ReturnType<typeof reportWorld>>;

/** Builds a suite's data set once, on first use, for the tests of that suite to share. */
export function once<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= build();
    return built;
  };
}

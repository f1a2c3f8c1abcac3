import {
  addDays,
  type Ctx,
  isSuccessfulDischarge,
  localDay,
  refreshDayRollups,
  refreshPersonRollups,
  representationWindowDays,
} from "@pathways/core";
import {
  contactInterventions,
  contacts,
  copyRows,
  copyValue,
  type Database,
  episodes,
  hotspots,
  keyworkers,
  needleFinds,
  organisations,
  people,
  referralEvents,
  referrals,
  safeguardingFlags,
  services,
  sql,
  users,
} from "@pathways/db";
import type {
  ContactType,
  DischargeReason,
  InterventionKind,
  SafeguardingConcern,
  ServiceCode,
  Substance,
  SubstanceGroup,
} from "@pathways/validators/codes";
import { getTableConfig, type PgTable } from "drizzle-orm/pg-core";
import { isDatabaseEmpty, seedDemo } from "./demo.ts";
import { makeRandom, type Random } from "./random.ts";

/** Sizes of the synthetic data sets. `city` is a city of 150,000 over five years (issue 10). */
export const scalePresets = {
  /** Ten times the city over ten years (issue 16): the size PostgreSQL deployments plan for. */
  national: { people: 1_000_000, contacts: 10_000_000, referrals: 2_000_000, years: 10 },
  city: { people: 100_000, contacts: 1_000_000, referrals: 200_000, years: 5 },
  town: { people: 10_000, contacts: 100_000, referrals: 20_000, years: 5 },
  village: { people: 1_000, contacts: 10_000, referrals: 2_000, years: 2 },
} as const;
export type Scale = keyof typeof scalePresets;

const extraHotspots = [
  ["Cowley Centre", 51.7327, -1.2106],
  ["Rose Hill", 51.7262, -1.2279],
  ["Barton", 51.7613, -1.1969],
  ["Headington", 51.7602, -1.2167],
  ["Jericho", 51.7595, -1.2675],
  ["St Clements", 51.7505, -1.2389],
  ["Botley", 51.7512, -1.2889],
  ["Littlemore", 51.7199, -1.2252],
  ["Iffley Road", 51.7429, -1.2345],
  ["Castle Street", 51.7512, -1.2621],
  ["Oxford Station", 51.7535, -1.2701],
  ["Magdalen Bridge", 51.7507, -1.2469],
] as const;

const contactTypeWeights: [ContactType, number][] = [
  ["street_outreach", 55],
  ["patrol_encounter", 20],
  ["welfare_check", 12],
  ["needle_exchange", 10],
  ["report_follow_up", 3],
];
const substanceWeights: [Substance, number][] = [
  ["heroin", 30],
  ["crack", 25],
  ["other_opioid", 5],
  ["cocaine", 10],
  ["cannabis", 12],
  ["spice", 6],
  ["alcohol", 15],
  ["amphetamine", 3],
  ["benzodiazepine", 3],
  ["other", 1],
];
const concerns: SafeguardingConcern[] = [
  "child_exploitation",
  "adult_exploitation",
  "cuckooing",
  "county_lines",
  "child_at_risk",
  "domestic_abuse",
  "self_neglect",
];
const serviceWeights: [ServiceCode, number][] = [
  ["opiate_treatment", 45],
  ["non_opiate_treatment", 25],
  ["alcohol_treatment", 20],
  ["safeguarding_social_care", 5],
  ["housing_support", 5],
];
const groupOfService: Partial<Record<ServiceCode, SubstanceGroup>> = {
  opiate_treatment: "opiate",
  non_opiate_treatment: "non_opiate",
  alcohol_treatment: "alcohol",
};
const dischargeWeights: [DischargeReason, number][] = [
  ["completed_drug_free", 30],
  ["completed_alcohol_free", 6],
  ["completed_occasional_user", 4],
  ["transferred_not_in_custody", 5],
  ["transferred_in_custody", 3],
  ["incomplete_dropped_out", 35],
  ["incomplete_withdrawn_by_provider", 5],
  ["incomplete_retained_in_custody", 3],
  ["incomplete_declined_commencement", 7],
  ["incomplete_client_died", 2],
];
export interface GenerateOptions {
  db: Database;
  scale: Scale;
  seed?: number;
  /** The generated years end on this day. */
  today?: Date;
  progress?: (stage: string, rows: number) => void;
}

export interface GeneratedCounts {
  people: number;
  contacts: number;
  referrals: number;
  episodes: number;
  needleFinds: number;
}

const batchSize = 50_000;

/**
 * Rows into a table in batches through COPY, in the order they were generated, so a seed gives the
 * same data on both drivers.
 */
class BatchWriter {
  private lines: string[] = [];
  written = 0;
  private readonly name: string;
  private readonly columnNames: string[];
  constructor(
    private readonly db: Database,
    table: PgTable,
    columnNames: string[],
    /** Writers of the rows this table's foreign keys point at: flushed first. */
    private readonly after: BatchWriter[] = [],
  ) {
    this.name = getTableConfig(table).name;
    this.columnNames = columnNames;
  }
  async add(row: Record<string, unknown>) {
    this.lines.push(this.columnNames.map((c) => copyValue(row[c])).join("\t"));
    if (this.lines.length >= batchSize) await this.flush();
  }
  async flush() {
    if (this.lines.length === 0) return;
    for (const writer of this.after) await writer.flush();
    const lines = this.lines;
    this.lines = [];
    await copyRows(this.db, this.name, this.columnNames, `${lines.join("\n")}\n`);
    this.written += lines.length;
  }
}

/**
 * A realistic synthetic city, deterministic for a seed: hotspots with their own popularity,
 * people met repeatedly (a few very often), summer peaks, referrals soon after contacts, waiting
 * times with a tail past 21 days, discharges of every kind, re-presentations, needle finds.
 */
export async function generateCity({
  db,
  scale,
  seed = 2026,
  today = new Date(),
  progress,
}: GenerateOptions) {
  const preset = scalePresets[scale];
  const random = makeRandom(seed);
  const ctx: Ctx = { db, actor: { kind: "system", name: "scale-seed" }, now: () => today };
  if (!(await isDatabaseEmpty(ctx))) throw new Error("The scale seed fills an empty database only.");
  await seedDemo({ ctx });

  await db.insert(hotspots).values(extraHotspots.map(([name, lat, lng]) => ({ name, lat, lng })));
  // Ordered, so the same seed picks the same places on any database.
  const hotspotRows = await db.select({ id: hotspots.id }).from(hotspots).orderBy(hotspots.name);
  const hotspotWeights = hotspotRows.map((_, i) => 1 / (i + 1) ** 0.7);
  const [worker] = await db.select().from(users).where(sql`${users.role} = 'outreach_worker'`);
  const [provider] = await db
    .select()
    .from(organisations)
    .where(sql`${organisations.kind} = 'treatment_provider'`);
  const serviceRows = await db.select().from(services);
  const serviceId = Object.fromEntries(serviceRows.map((s) => [s.code, s.id])) as Record<ServiceCode, string>;
  const keyworkerIds = (await db.select({ id: keyworkers.id }).from(keyworkers).orderBy(keyworkers.name)).map(
    (k) => k.id,
  );

  const endDay = localDay(today);
  const totalDays = preset.years * 365;
  const startDay = addDays(endDay, -totalDays);

  // People, each with a home hotspot and a weight for how often they are met (a long tail).
  const personIds: string[] = [];
  const personHome: number[] = [];
  const cumulative = new Float64Array(preset.people);
  const peopleWriter = new BatchWriter(db, people, [
    "id",
    "attributor",
    "first_initial",
    "surname_initial",
    "date_of_birth",
    "sex",
    "alias",
    "partial_postcode",
    "created_at",
  ]);
  let running = 0;
  for (let i = 0; i < preset.people; i++) {
    const id = random.uuid();
    const first = letter(random);
    const surname = letter(random);
    const dob = addDays("1960-01-01", random.between(0, 45 * 365));
    const sex = random.pick(["male", "male", "male", "female", "female", "unknown", "other"] as const);
    personIds.push(id);
    personHome.push(random.weighted(hotspotWeights));
    running += 1 / (i + 1) ** 0.6;
    cumulative[i] = running;
    await peopleWriter.add({
      id,
      attributor: `${first}${surname}-${dob}-${sex[0]!.toUpperCase()}`,
      first_initial: first,
      surname_initial: surname,
      date_of_birth: dob,
      sex,
      alias: random.chance(0.3) ? `Street name ${i}` : null,
      partial_postcode: `OX${random.between(1, 4)} ${random.between(1, 9)}`,
      created_at: `${startDay}T09:00:00Z`,
    });
  }
  await peopleWriter.flush();
  progress?.("people", peopleWriter.written);

  const contactWriter = new BatchWriter(db, contacts, [
    "id",
    "client_key",
    "occurred_at",
    "hotspot_id",
    "worker_id",
    "organisation_id",
    "person_id",
    "contact_type",
    "substances",
    "safeguarding_concerns",
    "created_at",
  ]);
  const interventionWriter = new BatchWriter(
    db,
    contactInterventions,
    ["contact_id", "intervention", "quantity"],
    [contactWriter],
  );
  const flagWriter = new BatchWriter(
    db,
    safeguardingFlags,
    ["id", "person_id", "concern", "contact_id", "raised_at", "raised_by_user_id"],
    [contactWriter],
  );
  const referralWriter = new BatchWriter(
    db,
    referrals,
    [
      "id",
      "person_id",
      "contact_id",
      "referring_user_id",
      "referring_organisation_id",
      "service_id",
      "reason",
      "source",
      "status",
      "failure_reason",
      "requested_at",
      "status_changed_at",
      "is_representation",
      "created_at",
    ],
    [contactWriter],
  );
  const eventWriter = new BatchWriter(
    db,
    referralEvents,
    ["id", "referral_id", "status", "failure_reason", "at"],
    [referralWriter],
  );
  const episodeWriter = new BatchWriter(
    db,
    episodes,
    [
      "id",
      "person_id",
      "provider_organisation_id",
      "keyworker_id",
      "substance_group",
      "referral_id",
      "started_on",
      "discharged_on",
      "discharge_reason",
      "ost_at_exit",
      "is_representation",
      "created_at",
    ],
    [referralWriter],
  );

  // Per person: the day an open episode ends (no second referral before it) and the last successful discharge.
  const busyUntil = new Int32Array(preset.people).fill(-1);
  const lastSuccess = new Int32Array(preset.people).fill(-1_000_000);
  // Referrals are made at a rate that lands near the preset, given how many people are already in treatment.
  let referralsMade = 0;
  let namedSoFar = 0;
  let eligibleSoFar = 0;
  let episodeCount = 0;

  const perDay = preset.contacts / totalDays;
  let contactNumber = 0;
  for (let d = 0; d < totalDays; d++) {
    const day = addDays(startDay, d);
    const month = Number(day.slice(5, 7));
    // Summer is busier in the parks: about +30% in July against January.
    const seasonal = 1 + 0.3 * Math.sin(((month - 4) / 12) * 2 * Math.PI);
    const due =
      d === totalDays - 1
        ? preset.contacts - contactNumber
        : Math.round(perDay * seasonal * (0.8 + random.next() * 0.4));
    for (let n = 0; n < due && contactNumber < preset.contacts; n++, contactNumber++) {
      const id = random.uuid();
      const occurredAt = `${day}T${String(random.between(10, 21)).padStart(2, "0")}:${String(random.between(0, 59)).padStart(2, "0")}:00Z`;
      const named = random.chance(0.85);
      const person = named ? pickPerson(cumulative, random) : -1;
      const hotspot =
        person >= 0 && random.chance(0.7) ? personHome[person]! : random.weighted(hotspotWeights);
      const concern = person >= 0 && random.chance(0.02) ? random.pick(concerns) : null;
      const substancesUsed = [
        ...new Set([
          pickWeighted(substanceWeights, random),
          ...(random.chance(0.4) ? [pickWeighted(substanceWeights, random)] : []),
        ]),
      ];
      await contactWriter.add({
        id,
        client_key: `scale-${seed}-${contactNumber}`,
        occurred_at: occurredAt,
        hotspot_id: hotspotRows[hotspot]!.id,
        worker_id: worker!.id,
        organisation_id: worker!.organisationId,
        person_id: person >= 0 ? personIds[person] : null,
        contact_type: pickWeighted(contactTypeWeights, random),
        substances: substancesUsed,
        safeguarding_concerns: concern ? [concern] : [],
        created_at: occurredAt,
      });
      for (const [intervention, p, quantity] of [
        ["harm_reduction_advice", 0.5, null],
        ["naloxone_supplied", 0.1, [1, 2]],
        ["needles_supplied", 0.15, [10, 50]],
        ["sharps_returned", 0.1, [5, 40]],
        ["signposted", 0.1, null],
      ] as [InterventionKind, number, [number, number] | null][]) {
        if (random.chance(p)) {
          await interventionWriter.add({
            contact_id: id,
            intervention,
            quantity: quantity ? random.between(quantity[0], quantity[1]) : null,
          });
        }
      }
      if (concern) {
        await flagWriter.add({
          id: random.uuid(),
          person_id: personIds[person],
          concern,
          contact_id: id,
          raised_at: occurredAt,
          raised_by_user_id: worker!.id,
        });
      }
      if (person >= 0) {
        namedSoFar++;
        if (busyUntil[person]! < d) {
          eligibleSoFar++;
          const remainingEligible = (preset.contacts - contactNumber) * 0.85 * (eligibleSoFar / namedSoFar);
          if (random.chance((preset.referrals - referralsMade) / Math.max(1, remainingEligible))) {
            referralsMade++;
            episodeCount += await referAndTreat({ person, d, contactId: id, occurredAt });
          }
        }
      }
    }
  }

  async function referAndTreat({
    person,
    d,
    contactId,
    occurredAt,
  }: {
    person: number;
    d: number;
    contactId: string;
    occurredAt: string;
  }) {
    const service = pickWeighted(serviceWeights, random);
    const requestedDay = Math.min(d + random.between(0, 3), totalDays - 1);
    const requestedAt = `${addDays(startDay, requestedDay)}${occurredAt.slice(10)}`;
    const group = groupOfService[service];
    const representation =
      group !== undefined && requestedDay - lastSuccess[person]! <= representationWindowDays;
    const referralId = random.uuid();
    // Older referrals have an outcome; the last month's are still open.
    const age = totalDays - requestedDay;
    const roll = random.next();
    const starts = group !== undefined && age > 30 && roll < 0.62;
    const status = starts
      ? "treatment_started"
      : age <= 30
        ? random.pick(["requested", "received", "accepted"] as const)
        : random.pick(["rejected", "unable_to_contact", "declined_by_client", "cancelled"] as const);
    const failure =
      status === "rejected"
        ? "not_eligible"
        : status === "unable_to_contact"
          ? "unable_to_contact_client"
          : status === "declined_by_client"
            ? "client_refused_services"
            : status === "cancelled"
              ? "services_no_longer_needed"
              : null;
    // Waiting: most within a fortnight, a tail past the 21-day national measure.
    const waiting = random.chance(0.15) ? random.between(22, 60) : random.between(0, 21);
    const startDayIndex = Math.min(requestedDay + waiting, totalDays - 1);
    const changedAt = `${addDays(startDay, starts ? startDayIndex : Math.min(requestedDay + 2, totalDays - 1))}T12:00:00Z`;
    await referralWriter.add({
      id: referralId,
      person_id: personIds[person],
      contact_id: contactId,
      referring_user_id: worker!.id,
      referring_organisation_id: worker!.organisationId,
      service_id: serviceId[service],
      reason: "Met on outreach; wants help",
      source: "outreach",
      status,
      failure_reason: failure,
      requested_at: requestedAt,
      status_changed_at: changedAt,
      is_representation: representation,
      created_at: requestedAt,
    });
    await eventWriter.add({
      id: random.uuid(),
      referral_id: referralId,
      status: "requested",
      failure_reason: null,
      at: requestedAt,
    });
    if (status !== "requested") {
      await eventWriter.add({
        id: random.uuid(),
        referral_id: referralId,
        status,
        failure_reason: failure,
        at: changedAt,
      });
    }
    if (!starts || !group) return 0;
    const length = random.between(30, 420);
    const dischargeIndex = startDayIndex + length;
    const discharged = dischargeIndex < totalDays;
    const reason = discharged ? pickWeighted(dischargeWeights, random) : null;
    // Occasional-user completions are not valid for opiate clients (DOMAIN.md).
    const dischargeReason =
      reason === "completed_occasional_user" && group === "opiate" ? "completed_drug_free" : reason;
    const ostAtExit = discharged && group === "opiate" ? random.chance(0.3) : null;
    await episodeWriter.add({
      id: random.uuid(),
      person_id: personIds[person],
      provider_organisation_id: provider!.id,
      keyworker_id: random.pick(keyworkerIds),
      substance_group: group,
      referral_id: referralId,
      started_on: addDays(startDay, startDayIndex),
      discharged_on: discharged ? addDays(startDay, dischargeIndex) : null,
      discharge_reason: dischargeReason,
      ost_at_exit: ostAtExit,
      is_representation: startDayIndex - lastSuccess[person]! <= representationWindowDays,
      created_at: `${addDays(startDay, startDayIndex)}T12:00:00Z`,
    });
    busyUntil[person] = discharged ? dischargeIndex : totalDays;
    if (isSuccessfulDischarge({ dischargeReason, substanceGroup: group, ostAtExit })) {
      lastSuccess[person] = dischargeIndex;
    }
    return 1;
  }

  for (const writer of [
    contactWriter,
    interventionWriter,
    flagWriter,
    referralWriter,
    eventWriter,
    episodeWriter,
  ]) {
    await writer.flush();
  }
  progress?.("contacts", contactWriter.written);
  progress?.("referrals", referralWriter.written);
  progress?.("episodes", episodeWriter.written);

  // Discarded needles found at each hotspot most weeks.
  const needleWriter = new BatchWriter(db, needleFinds, [
    "id",
    "client_key",
    "found_at",
    "hotspot_id",
    "count",
    "collected_by_user_id",
    "organisation_id",
  ]);
  for (let d = 0; d < totalDays; d += 7) {
    for (let h = 0; h < hotspotRows.length; h++) {
      if (!random.chance(0.6 * hotspotWeights[h]! + 0.2)) continue;
      await needleWriter.add({
        id: random.uuid(),
        client_key: `scale-needles-${seed}-${d}-${h}`,
        found_at: `${addDays(startDay, d + random.between(0, 6))}T09:30:00Z`,
        hotspot_id: hotspotRows[h]!.id,
        count: random.between(1, 25),
        collected_by_user_id: worker!.id,
        organisation_id: worker!.organisationId,
      });
    }
  }
  await needleWriter.flush();
  progress?.("needle finds", needleWriter.written);
  // The COPYs queued their changes for the report day rollups: fold them now, so reports start steady.
  const folded = await refreshDayRollups(db);
  progress?.("report day rollup changes folded", folded);
  // ... and the funnel days and episode facts of every person they queued.
  const refreshed = await refreshPersonRollups(db, { chunk: 2000 });
  progress?.("people's report rollups refreshed", refreshed.people);
  await db.execute(sql`analyze`);

  return {
    people: peopleWriter.written,
    contacts: contactWriter.written,
    referrals: referralWriter.written,
    episodes: episodeCount,
    needleFinds: needleWriter.written,
  } satisfies GeneratedCounts;
}

function letter(random: Random): string {
  return String.fromCharCode(65 + random.between(0, 25));
}

function pickWeighted<T>(pairs: readonly [T, number][], random: Random): T {
  return pairs[random.weighted(pairs.map(([, w]) => w))]![0];
}

/** Binary search in cumulative weights: frequent visitors come up far more often. */
function pickPerson(cumulative: Float64Array, random: Random): number {
  const target = random.next() * cumulative[cumulative.length - 1]!;
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cumulative[mid]! < target) low = mid + 1;
    else high = mid;
  }
  return low;
}

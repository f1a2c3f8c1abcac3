import {
  composeUpdate,
  createArea,
  formatReference,
  hashTrackingToken,
  isSuccessfulDischarge,
  localDaySql,
} from "@pathways/core";
import {
  and,
  areaPopulations,
  communityReportCounters,
  communityReportEvents,
  communityReports,
  copyInto,
  daysOfAction,
  drugRelatedDeaths,
  episodes,
  eq,
  keyworkers,
  lte,
  needleFinds,
  outboxMessages,
  people,
  queryRows,
  type SQL,
  sql,
  taskforceActivity,
  taskforceOperations,
  topReviews,
} from "@pathways/db";
import {
  addDays,
  addYears,
  attributorOf,
  type CommunityReportCategory,
  lastDayOfMonth,
  localDay,
} from "@pathways/validators";
import type { DischargeReason, ReportStatus, Sex, SubstanceGroup } from "@pathways/validators/codes";
import { makeRandom, type Random } from "./random.ts";
import type { DemoWorld } from "./world.ts";

/**
 * The figures of the taskforce's own account that the demo's last twelve whole months show
 * (issue 19; DOMAIN.md's seed check): people in opiate treatment and drug-free completions, community
 * reporters sent an update, needles the council's sweeps collected against the year before, and the
 * arrests of the taskforce's first two months.
 */
export const demoCityTargets = {
  opiateInTreatment: 670,
  opiateCompletions: 97,
  reportersUpdated: 600,
  needlesCollected: 4_793,
  needlesCollectedYearBefore: 4_100,
  arrestsInFirstTwoMonths: 13,
} as const;

/** The demo year: the last twelve whole months before today's, as the reports' periods run. */
export function demoYear(today: string) {
  const thisMonth = `${today.slice(0, 7)}-01`;
  const from = addYears(thisMonth, -1);
  const to = addDays(thisMonth, -1);
  return {
    from,
    to,
    yearBefore: { from: addYears(from, -1), to: addYears(to, -1) },
    /** The taskforce's first two months, when it made its first 13 arrests. */
    firstTwoMonths: { from, to: lastDayOfMonth(addDays(lastDayOfMonth(from), 1)) },
  };
}

type Period = { from: string; to: string };

/**
 * The areas the commissioner's rates report compares: the city within the county. Populations and
 * yearly deaths are illustrative, of the size ONS publishes (mid-year estimates of about 162,000 and
 * 725,000; Oxford's 25 drug-related deaths over 2015-17, about 8 a year, and the county's rate of
 * about 2.5 per 100,000, some 18 a year with the city's), not ONS's own figures for any year.
 */
export const demoAreas = {
  city: { name: "Oxford", population: 162_000, deathsAYear: [6, 10] },
  county: { name: "Oxfordshire", population: 725_000, deathsAYear: [8, 12] },
} as const;
/** The years the demo's populations and deaths cover: those its treatment episodes reach back to. */
export const demoAreaYears = 7;
type AreaIds = { city: string; county: string };

/** The three hotspots the taskforce chose, where its patrols, sweeps and most reports are. */
const chosen = ["South Park", "Grandpont", "Meadow Lane"] as const;

/** The provider's opiate team, who hold the bulk of the city's opiate clients. */
const opiateTeam = [
  "Farah Ali",
  "George Baker",
  "Hannah Clarke",
  "Imran Hussain",
  "Jade Turner",
  "Kieran Walsh",
  "Laura Price",
  "Mohammed Rahman",
  "Nina Kowalski",
  "Owen Hughes",
  "Rachel Green",
  "Sean O'Brien",
  "Tara Patel",
  "Usman Malik",
  "Vicky Lewis",
  "Will Foster",
  "Yasmin Begum",
  "Zoe Harris",
  "Callum Reid",
  "Esther Mensah",
  "Lewis Grant",
  "Megan Doyle",
];

/**
 * The demo city's volume, after the other area seeds: each figure of `demoCityTargets` is topped up
 * to its target from what those seeds already made, so the demo shows exactly the account's figures
 * whatever the other seeds add. Everything here goes in with COPY (a handful of statements, not a verb
 * per row), so `npm start` stays quick; the rollups are folded by seedDemo afterwards.
 */
export async function seedDemoCity(world: DemoWorld) {
  const random = makeRandom(1917);
  const year = demoYear(localDay(world.today));
  const areaIds = await seedAreasAndDeaths(world, localDay(world.today));
  await seedOpiateClients(world, random, year, areaIds);
  await seedNeedleSweeps(world, random, year);
  await seedReporters(world, random, year);
  await seedTaskforceActivity(world, random, year);
}

const day = (d: string, time = "12:00") => new Date(`${d}T${time}:00Z`);
const between = (random: Random, period: Period, lastDaysOff = 0) =>
  addDays(period.from, random.between(0, daysIn(period) - 1 - lastDaysOff));
/** Instants on the period's days, as the reports count them (Europe/London calendar days). */
const onDaysOf = (column: SQL, period: Period) =>
  sql`${localDaySql(column)} between ${period.from}::date and ${period.to}::date`;
const daysIn = (period: Period) => (Date.parse(period.to) - Date.parse(period.from)) / 86_400_000 + 1;

/**
 * Oxford within Oxfordshire, each with a mid-year population for every year from the earliest
 * treatment the demo holds to this one, and a few drug-related deaths a year up to yesterday: in the
 * city, or elsewhere in the county (the county's count holds the city's, as decision 0085 says).
 * Each has an age and substance group; about half were known to treatment. The areas go through the
 * verb (two rows, audited as an admin's would be); populations and deaths by COPY. Its own generator,
 * so the other figures' draws are as they were.
 */
async function seedAreasAndDeaths(world: DemoWorld, today: string): Promise<AreaIds> {
  const tx = world.ctx.db;
  const random = makeRandom(2017);
  const county = await createArea({
    ctx: world.ctx,
    input: { name: demoAreas.county.name, kind: "county" },
  });
  const city = await createArea({
    ctx: world.ctx,
    input: { name: demoAreas.city.name, kind: "city", withinAreaId: county.id },
  });
  const ids: AreaIds = { city: city.id, county: county.id };
  const thisYear = Number(today.slice(0, 4));
  const source = "Illustrative (demo), of the size of ONS mid-year estimates";
  const populations: (typeof areaPopulations.$inferInsert)[] = [];
  const deaths: (typeof drugRelatedDeaths.$inferInsert)[] = [];
  // Opiate deaths most, as ONS's figures are; then cocaine and other drugs, and alcohol with drugs.
  const substances: SubstanceGroup[] = ["opiate", "opiate", "opiate", "non_opiate", "non_opiate_and_alcohol"];
  for (let year = thisYear - demoAreaYears; year <= thisYear; year++) {
    for (const key of ["city", "county"] as const) {
      const area = demoAreas[key];
      // A little growth a year, as the estimates show.
      const population = Math.round(area.population * (1 + (year - thisYear + 1) * 0.006));
      populations.push({ id: random.uuid(), areaId: ids[key], year, ageBand: "all", population, source });
      const count = random.between(area.deathsAYear[0], area.deathsAYear[1]);
      for (let index = 0; index < count; index++) {
        const diedOn = addDays(`${year}-01-01`, random.between(0, 364));
        if (diedOn >= today) continue;
        // Recorded when the coroner's inquest is known, about a month on.
        const recordedOn = addDays(diedOn, random.between(20, 60));
        deaths.push({
          id: random.uuid(),
          diedOn,
          areaId: ids[key],
          substanceGroup: random.pick(substances),
          knownToTreatment: random.chance(0.5),
          ageAtDeath: random.between(24, 62),
          sourceReference: `demo-${key}-${year}-${String(index + 1).padStart(2, "0")}`,
          recordedByUserId: world.userIds.admin!,
          organisationId: world.organisationIds.council!,
          createdAt: recordedOn < today ? day(recordedOn, "10:00") : world.today,
        });
      }
    }
  }
  await copyInto(tx, areaPopulations, populations);
  await copyInto(tx, drugRelatedDeaths, deaths);
  return ids;
}

/**
 * Opiate clients of the provider, in treatment on some day of the demo year: long-running
 * substitution treatment started up to six years before, new starts in the year, the year's drug-free
 * completions (not on substitution at exit) and other exits. No referral: their treatment began
 * before the taskforce, or on a walk-in.
 */
async function seedOpiateClients(
  world: DemoWorld,
  random: Random,
  year: ReturnType<typeof demoYear>,
  areaIds: AreaIds,
) {
  const tx = world.ctx.db;
  const open = await tx
    .select({
      personId: episodes.personId,
      dischargedOn: episodes.dischargedOn,
      dischargeReason: episodes.dischargeReason,
      ostAtExit: episodes.ostAtExit,
    })
    .from(episodes)
    .where(
      and(
        eq(episodes.substanceGroup, "opiate"),
        lte(episodes.startedOn, year.to),
        sql`(${episodes.dischargedOn} is null or ${episodes.dischargedOn} >= ${year.from})`,
      ),
    );
  const inTreatment = new Set(open.map((row) => row.personId)).size;
  const completed = new Set(
    open
      .filter(
        (row) =>
          row.dischargedOn !== null &&
          row.dischargedOn <= year.to &&
          isSuccessfulDischarge({ ...row, substanceGroup: "opiate" }),
      )
      .map((row) => row.personId),
  ).size;
  const clients = demoCityTargets.opiateInTreatment - inTreatment;
  const completions = demoCityTargets.opiateCompletions - completed;

  const team = await tx
    .insert(keyworkers)
    .values(opiateTeam.map((name) => ({ name, organisationId: world.organisationIds.provider! })))
    .returning({ id: keyworkers.id });
  const personRows: (typeof people.$inferInsert)[] = [];
  const episodeRows: (typeof episodes.$inferInsert)[] = [];
  const otherExits: DischargeReason[] = [
    "incomplete_dropped_out",
    "incomplete_dropped_out",
    "incomplete_dropped_out",
    "transferred_not_in_custody",
    "transferred_in_custody",
    "incomplete_retained_in_custody",
    "incomplete_withdrawn_by_provider",
  ];
  // Where each lives, as the provider records it at the start: most in the city, some elsewhere in the
  // county, and about one in ten not recorded (its own generator, so the other draws are unchanged).
  const residence = makeRandom(85);
  for (let index = 0; index < clients; index++) {
    const firstInitial = String.fromCharCode(65 + random.between(0, 25));
    const surnameInitial = String.fromCharCode(65 + random.between(0, 25));
    const dateOfBirth = addDays("1962-01-01", random.between(0, 38 * 365));
    const sex: Sex = random.pick(["male", "male", "male", "female", "female"] as const);
    // A completion, another exit in the year (about one in eight), or still in treatment today.
    const outcome = index < completions ? "completed" : random.chance(0.13) ? "exit" : "open";
    const dischargedOn = outcome === "open" ? null : between(random, year);
    const startedOn =
      outcome === "completed"
        ? addDays(dischargedOn!, -random.between(150, 900))
        : random.chance(0.25)
          ? between(random, year, outcome === "exit" ? 0 : 30)
          : addDays(year.from, -random.between(1, 6 * 365));
    const personId = random.uuid();
    personRows.push({
      id: personId,
      attributor: attributorOf({ firstInitial, surnameInitial, dateOfBirth, sex }),
      firstInitial,
      surnameInitial,
      dateOfBirth,
      sex,
      createdAt: day(startedOn, "09:00"),
    });
    episodeRows.push({
      id: random.uuid(),
      personId,
      providerOrganisationId: world.organisationIds.provider!,
      keyworkerId: team[index % team.length]!.id,
      substanceGroup: "opiate",
      startedOn: dischargedOn && startedOn > dischargedOn ? dischargedOn : startedOn,
      dischargedOn,
      dischargeReason:
        outcome === "completed" ? "completed_drug_free" : outcome === "exit" ? random.pick(otherExits) : null,
      ostAtExit: outcome === "completed" ? false : outcome === "exit" ? true : null,
      residenceAreaId: [areaIds.city, areaIds.county, null][residence.weighted([75, 15, 10])],
      createdAt: day(startedOn),
    });
  }
  // Their keyworkers keep TOP up to date: a start TOP, and a review in the last six months for those
  // still in treatment, so the caseloads' overdue lists hold the demo's own cases, not the whole team.
  const reviews: (typeof topReviews.$inferInsert)[] = [];
  const today = localDay(world.today);
  for (const episode of episodeRows) {
    const top = (stage: "start" | "review", completedOn: string, progress: number) =>
      reviews.push({
        id: random.uuid(),
        episodeId: episode.id!,
        stage,
        completedOn,
        substanceDays: { heroin: Math.max(0, 24 - progress * 10) },
        injectingDays: Math.max(0, 20 - progress * 9),
        sharedEquipment: false,
        crimeDays: Math.max(0, 6 - progress * 3),
        psychologicalHealth: 8 + progress * 4,
        physicalHealth: 9 + progress * 4,
        qualityOfLife: 7 + progress * 5,
        paidWorkDays: 0,
        acuteHousingProblem: progress === 0,
      });
    const startTop = addDays(episode.startedOn, 3);
    if (startTop > today) continue;
    top("start", startTop, 0);
    const review = addDays(today, -random.between(1, 170));
    if (episode.dischargedOn === null && review > startTop) top("review", review, random.between(1, 2));
  }
  await copyInto(tx, people, personRows);
  await copyInto(tx, episodes, episodeRows);
  await copyInto(tx, topReviews, reviews);
}

/**
 * The council's needle sweeps at the three hotspots: finds added up to the needles of the account
 * (4,100 collected the year before, 4,793 in the demo year: +16.9%), on top of those the outreach
 * workers and the history already logged.
 */
async function seedNeedleSweeps(world: DemoWorld, random: Random, year: ReturnType<typeof demoYear>) {
  const tx = world.ctx.db;
  const collected = async (period: Period) => {
    const [row] = await queryRows<{ n: number }>(
      tx,
      sql`select coalesce(sum(count), 0)::int as n from needle_finds
          where ${onDaysOf(sql`found_at`, period)}`,
    );
    return row?.n ?? 0;
  };
  const rows: (typeof needleFinds.$inferInsert)[] = [];
  const sweep = async (period: Period, target: number) => {
    let left = target - (await collected(period));
    // A sweep a week at each hotspot, picking up whatever is left to find evenly over the year.
    const sweeps: { on: string; hotspot: string }[] = [];
    for (let d = 0; d < daysIn(period); d += 7) {
      for (const hotspot of chosen)
        sweeps.push({ on: addDays(period.from, d + random.between(0, 6)), hotspot });
    }
    const sweepsInPeriod = sweeps.filter((s) => s.on <= period.to);
    for (const [index, { on, hotspot }] of sweepsInPeriod.entries()) {
      const remaining = sweepsInPeriod.length - index;
      const count =
        remaining === 1 ? left : Math.max(1, Math.round((left / remaining) * (0.5 + random.next())));
      if (count <= 0 || left <= 0) continue;
      const found = Math.min(count, left);
      left -= found;
      rows.push({
        id: random.uuid(),
        clientKey: `demo-council-sweep-${on}-${hotspot}`,
        foundAt: day(on, "08:30"),
        hotspotId: world.hotspotIds[hotspot]!,
        count: found,
        collectedByUserId: world.userIds.admin!,
        organisationId: world.organisationIds.council!,
      });
    }
  };
  await sweep(year.yearBefore, demoCityTargets.needlesCollectedYearBefore);
  await sweep(year, demoCityTargets.needlesCollected);
  await copyInto(tx, needleFinds, rows);
}

const reportCategories: CommunityReportCategory[] = [
  "drug_dealing",
  "drug_dealing",
  "drug_use",
  "drug_use",
  "discarded_needles",
  "discarded_needles",
  "weapons",
  "exploitation_concern",
  "other",
];
const reportDescriptions: Record<CommunityReportCategory, string> = {
  drug_dealing: "People meeting by the benches and swapping small packages for cash, most evenings.",
  drug_use: "Someone injecting behind the toilets; foil and spoons left on the path.",
  discarded_needles: "Used needles in the grass by the path where children walk to school.",
  weapons: "A knife hidden in the bushes by the footpath. I did not touch it.",
  exploitation_concern: "Young teenagers out late with older men who give them phones and money.",
  other: "Rubbish and drug paraphernalia left where people gather at night.",
};

/**
 * Residents who reported a concern and left an email for updates: each report acknowledged and
 * closed within a fortnight, each change sent to its reporter. Enough reporters are added that 600
 * were sent an update in the demo year, and as many reported the year before, so the hotspot report
 * has a year to compare with.
 */
async function seedReporters(world: DemoWorld, random: Random, year: ReturnType<typeof demoYear>) {
  const tx = world.ctx.db;
  const [updated] = await queryRows<{ n: number }>(
    tx,
    sql`select count(distinct lower(o.recipient))::int as n from outbox_messages o
        join community_report_events e on e.id = o.report_event_id
        where o.status <> 'failed' and ${onDaysOf(sql`e.at`, year)}`,
  );
  const wanted = demoCityTargets.reportersUpdated - (updated?.n ?? 0);
  const hotspotNames = Object.keys(world.hotspotIds);
  const planned = [year, year.yearBefore].flatMap((period) =>
    Array.from({ length: wanted }, () => {
      // Closed within a fortnight of being made, so every update falls inside the period.
      const submittedAt = new Date(
        day(between(random, period, 16), "07:00").getTime() + random.between(0, 13) * 3_600_000,
      );
      const acknowledgedAt = new Date(submittedAt.getTime() + random.between(2, 30) * 3_600_000);
      return {
        submittedAt,
        acknowledgedAt,
        closedAt: new Date(acknowledgedAt.getTime() + random.between(1, 12) * 86_400_000),
        hotspot: random.chance(0.7) ? random.pick(chosen) : random.pick(hotspotNames),
        category: random.pick(reportCategories),
        actioned: random.chance(0.8),
      };
    }),
  );
  planned.sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());
  // Reference numbers are taken from each year's counter, as a submission takes its own.
  const perYear = new Map<number, number>();
  for (const report of planned) {
    const reportYear = Number(localDay(report.submittedAt).slice(0, 4));
    perYear.set(reportYear, (perYear.get(reportYear) ?? 0) + 1);
  }
  const nextNumber = new Map<number, number>();
  for (const [reportYear, count] of perYear) {
    const [counter] = await tx
      .insert(communityReportCounters)
      .values({ year: reportYear, lastNumber: count })
      .onConflictDoUpdate({
        target: communityReportCounters.year,
        set: { lastNumber: sql`${communityReportCounters.lastNumber} + ${count}` },
      })
      .returning({ last: communityReportCounters.lastNumber });
    nextNumber.set(reportYear, counter!.last - count + 1);
  }

  const reports: (typeof communityReports.$inferInsert)[] = [];
  const events: (typeof communityReportEvents.$inferInsert)[] = [];
  const messages: (typeof outboxMessages.$inferInsert)[] = [];
  for (const [index, plan] of planned.entries()) {
    const reportYear = Number(localDay(plan.submittedAt).slice(0, 4));
    const number = nextNumber.get(reportYear)!;
    nextNumber.set(reportYear, number + 1);
    const reference = formatReference(reportYear, number);
    const id = random.uuid();
    const contactEmail = `neighbour.${String(index + 1).padStart(4, "0")}@example.net`;
    const status: ReportStatus = plan.actioned ? "closed_actioned" : "closed_no_action";
    reports.push({
      id,
      reference,
      tokenHash: hashTrackingToken(random.uuid()),
      category: plan.category,
      hotspotId: world.hotspotIds[plan.hotspot]!,
      description: reportDescriptions[plan.category],
      contactEmail,
      status,
      submittedAt: plan.submittedAt,
    });
    const changes = [
      { from: null, to: "open", at: plan.submittedAt, publicNote: "We have received your report." },
      { from: "open", to: "acknowledged", at: plan.acknowledgedAt, publicNote: null },
      {
        from: "acknowledged",
        to: status,
        at: plan.closedAt,
        publicNote: plan.actioned
          ? "Patrols visited and the taskforce acted on what you told us. Thank you."
          : "Patrols visited several times and found nothing. Please report again if you see it happen.",
      },
    ] as const;
    const forUpdate = {
      reference,
      category: plan.category,
      place: plan.hotspot,
      contactEmail,
      contactPhone: null,
    };
    for (const change of changes) {
      const eventId = random.uuid();
      events.push({
        id: eventId,
        reportId: id,
        status: change.to,
        publicNote: change.publicNote,
        at: change.at,
        byUserId: change.from === null ? null : world.userIds.outreach_worker!,
      });
      messages.push({
        id: random.uuid(),
        reportEventId: eventId,
        recipient: contactEmail,
        // The submission's own message has no note of its own beyond the thanks it always gives.
        ...composeUpdate(forUpdate, {
          eventId,
          from: change.from,
          to: change.to,
          publicNote: change.from === null ? null : change.publicNote,
        }),
        status: "sent",
        attempts: 1,
        nextAttemptAt: change.at,
        sentAt: new Date(change.at.getTime() + 90_000),
        createdAt: change.at,
      });
    }
  }
  await copyInto(tx, communityReports, reports);
  await copyInto(tx, communityReportEvents, events);
  await copyInto(tx, outboxMessages, messages);
}

/**
 * The taskforce's year at its three hotspots, as its account tells it: an operation from the first day
 * of the demo year with 13 arrests in its first two months and a few a month after, patrols most days
 * (high-visibility and covert), six knives found in the undergrowth of South Park, a cache of weapons
 * near the Westgate Centre, a day of action with six warrants (£5,000 cash and Class B drugs seized),
 * and the environmental changes: vegetation cut back, a bench moved, church gates padlocked.
 */
async function seedTaskforceActivity(world: DemoWorld, random: Random, year: ReturnType<typeof demoYear>) {
  const tx = world.ctx.db;
  const organisationId = world.organisationIds.taskforce!;
  const loggedByUserId = world.userIds.outreach_worker!;
  const [operation] = await tx
    .insert(taskforceOperations)
    .values({ name: "Operation Kingfisher", organisationId, startedOn: year.from })
    .returning({ id: taskforceOperations.id });
  const dayOfActionOn = addDays(year.from, 150);
  const [dayOfAction] = await tx
    .insert(daysOfAction)
    .values({
      name: "Day of action: warrants",
      date: dayOfActionOn,
      organisationId,
      operationId: operation!.id,
    })
    .returning({ id: daysOfAction.id });
  let number = 0;
  const rows: (typeof taskforceActivity.$inferInsert)[] = [];
  const log = (on: string, time: string, row: Partial<typeof taskforceActivity.$inferInsert>) => {
    number += 1;
    rows.push({
      id: random.uuid(),
      clientKey: `demo-taskforce-${String(number).padStart(4, "0")}`,
      occurredAt: day(on, time),
      loggedByUserId,
      organisationId,
      operationId: operation!.id,
      kind: "patrol",
      ...row,
    });
  };
  const at = (hotspot: string) => ({ hotspotId: world.hotspotIds[hotspot]! });

  // Arrests: 13 in the first two months, then one or two most months.
  const arrestDays = (period: Period, arrests: number) => {
    let left = arrests;
    while (left > 0) {
      const arrestCount = Math.min(left, random.between(1, 3));
      left -= arrestCount;
      log(between(random, period), "21:00", {
        ...at(random.pick(chosen)),
        kind: "arrest",
        offence: random.pick([
          "possession",
          "possession_with_intent_to_supply",
          "supply",
          "weapons",
        ] as const),
        arrestCount,
      });
    }
  };
  arrestDays(year.firstTwoMonths, demoCityTargets.arrestsInFirstTwoMonths);
  for (
    let month = addDays(year.firstTwoMonths.to, 1);
    month < year.to;
    month = addDays(lastDayOfMonth(month), 1)
  ) {
    arrestDays({ from: month, to: lastDayOfMonth(month) }, random.between(0, 2));
  }
  // Patrols on about four days a week, at one of the three hotspots each.
  for (let d = 0; d < daysIn(year); d++) {
    if (!random.chance(0.55)) continue;
    const on = addDays(year.from, d);
    const covert = random.chance(0.3);
    const hours = random.between(2, 3);
    const start = random.between(16, 20);
    log(on, `${start}:00`, {
      ...at(random.pick(chosen)),
      kind: "patrol",
      patrolStyle: covert ? "covert" : "high_visibility",
      endedAt: day(on, `${start + hours}:00`),
      officers: covert ? 2 : random.between(2, 4),
    });
  }
  log(addDays(year.from, 40), "10:00", { ...at("South Park"), kind: "seizure", knives: 6 });
  log(addDays(year.from, 95), "14:00", {
    location: "Near the Westgate Centre",
    kind: "seizure",
    knives: 3,
    otherWeapons: 2,
  });
  for (const area of [
    "Abingdon Road",
    "Whitehouse Road",
    "Weirs Lane",
    "Donnington Bridge Road",
    "Iffley Road",
    "Cowley Road",
  ]) {
    log(dayOfActionOn, "06:00", {
      ...at("Grandpont"),
      kind: "warrant",
      area,
      dayOfActionId: dayOfAction!.id,
    });
  }
  log(dayOfActionOn, "09:00", {
    ...at("Grandpont"),
    kind: "seizure",
    dayOfActionId: dayOfAction!.id,
    drugSubstance: "cannabis",
    drugClass: "B",
    drugQuantity: 1.2,
    drugUnit: "kilograms",
    cashPounds: 5000,
  });
  log(addDays(year.from, 60), "09:00", {
    ...at("South Park"),
    kind: "environmental_action",
    action: "vegetation_cut_back",
    note: "Undergrowth by the path cut back so the area can be seen from the road.",
  });
  log(addDays(year.from, 75), "09:00", {
    ...at("Meadow Lane"),
    kind: "environmental_action",
    action: "furniture_moved",
    note: "Bench moved to a more visible place.",
  });
  log(addDays(year.from, 110), "09:00", {
    ...at("Grandpont"),
    kind: "environmental_action",
    action: "gates_secured",
    note: "Church gates padlocked at night.",
  });
  rows.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  await copyInto(tx, taskforceActivity, rows);
}

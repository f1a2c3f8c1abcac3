import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  backupDatabase,
  contacts,
  createDb,
  type Database,
  episodes,
  queryRows,
  referrals,
  restoreDatabase,
  sql,
} from "@pathways/db";
import {
  type DischargeReason,
  dischargeReasons,
  type SubstanceGroup,
  substanceGroups,
} from "@pathways/validators/codes";
import { describeDb, openTestDb } from "@pathways/vitest-config";
import { at, type ReportWorld, reportWorld } from "@pathways/vitest-config/report-world";
import fc from "fast-check";
import { afterAll, expect, it } from "vitest";
import { addDays } from "../../src/calendar.ts";
import { mergePeople, undoMerge } from "../../src/people.ts";
import type { EpisodeQuery } from "../../src/reports/common.ts";
import { type FunnelQuery, funnelFromRaw, funnelFromRollups } from "../../src/reports/funnel.ts";
import { type OutcomesFigures, outcomesFromRaw, outcomesFromRollups } from "../../src/reports/outcomes.ts";
import {
  personRollupsAnswer,
  rebuildPersonRollups,
  refreshPersonRollups,
} from "../../src/reports/person-rollups.ts";
import { type WaitRow, waitsFromRaw, waitsFromRollups } from "../../src/reports/waiting-times.ts";

/** Every generated date falls before this day, so the rollups may answer a report run on it. */
const today = "2028-12-31";
const firstDay = "2024-01-01";
const day = fc.integer({ min: 0, max: 730 }).map((n) => addDays(firstDay, n));
// Around midnight in London, in winter and in summer time, as well as midday.
const time = fc.constantFrom("T00:30:00Z", "T12:00:00Z", "T22:59:00Z", "T23:30:00Z");
const place = fc.constantFrom("southPark", "grandpont", "elsewhere") as fc.Arbitrary<
  "southPark" | "grandpont" | "elsewhere"
>;
// Half the discharges successful, so that completions and re-presentations are common.
const reason = fc.oneof(
  fc.constantFrom<DischargeReason>(
    "completed_drug_free",
    "completed_alcohol_free",
    "completed_occasional_user",
  ),
  fc.constantFrom(...dischargeReasons),
);
const serviceKind = fc.constantFrom(
  "opiate",
  "nonOpiate",
  "alcohol",
  "otherProvider",
  "socialCare",
  "housing",
);

// Referrals mostly follow a contact and episodes a referral, so that people go down the funnel; some
// episodes or treatment referrals follow a discharge within or just beyond 182 days (re-presentations).
const history = fc.record({
  people: fc.integer({ min: 2, max: 6 }),
  contacts: fc.array(fc.record({ person: fc.option(fc.nat(5), { nil: null, freq: 5 }), place, day, time }), {
    minLength: 1,
    maxLength: 30,
  }),
  referrals: fc.array(
    fc.record({
      contact: fc.option(fc.nat(29), { nil: null, freq: 4 }),
      offset: fc.integer({ min: -3, max: 95 }),
      person: fc.nat(5),
      day,
      time,
      service: serviceKind,
    }),
    { maxLength: 12 },
  ),
  episodes: fc.array(
    fc.record({
      // An episode from a referral is usually the referral's person's; after an undone merge it may not be.
      referral: fc.option(fc.record({ index: fc.nat(11), samePerson: fc.nat(4).map((n) => n > 0) }), {
        nil: null,
        freq: 4,
      }),
      wait: fc.integer({ min: -2, max: 60 }),
      person: fc.nat(5),
      start: day,
      otherProvider: fc.nat(3).map((n) => n === 0),
      group: fc.constantFrom(...substanceGroups),
      length: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null, freq: 4 }),
      reason,
      ost: fc.option(fc.boolean(), { nil: null }),
    }),
    { maxLength: 10 },
  ),
  returns: fc.array(
    fc.record({
      episode: fc.nat(9),
      after: fc.constantFrom(1, 90, 181, 182, 183, 250),
      asReferral: fc.boolean(),
      service: serviceKind,
    }),
    { maxLength: 4 },
  ),
  changes: fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant("merge" as const), survivor: fc.nat(5), merged: fc.nat(5) }),
      fc.record({ kind: fc.constant("undo" as const) }),
      fc.record({ kind: fc.constant("moveContact" as const), index: fc.nat(29), day, place }),
      fc.record({ kind: fc.constant("nameContact" as const), index: fc.nat(29), person: fc.nat(5) }),
      fc.record({ kind: fc.constant("deleteContact" as const), index: fc.nat(29) }),
      fc.record({
        kind: fc.constant("discharge" as const),
        index: fc.nat(9),
        length: fc.integer({ min: 0, max: 300 }),
        reason,
      }),
      fc.record({ kind: fc.constant("rerefer" as const), index: fc.nat(11), day }),
    ),
    { maxLength: 5 },
  ),
});

const query = fc.record({
  from: day,
  length: fc.integer({ min: 0, max: 500 }),
  wholeMonths: fc.boolean(),
  place: fc.option(place, { nil: null }),
  group: fc.option(fc.constantFrom(...substanceGroups), { nil: null }),
  provider: fc.boolean(),
});

type History = typeof history extends fc.Arbitrary<infer T> ? T : never;
type Query = typeof query extends fc.Arbitrary<infer T> ? T : never;

/** Removes every contact, referral and episode (through the triggers, like any delete). */
async function clear(db: Database) {
  await db.delete(episodes);
  await db.delete(referrals);
  await db.delete(contacts);
}

/** The item at a generated index, wrapped round the list (undefined when it is empty). */
function nth<T>(list: T[], index: number): T | undefined {
  return list[index % Math.max(1, list.length)];
}

/** Writes a generated history through the tables, then its changes through the verbs and updates. */
async function write(world: ReportWorld, h: History) {
  const { db } = world;
  const people = await world.people(h.people);
  const person = (index: number) => people[index % people.length]!;
  const placeId = (p: "southPark" | "grandpont" | "elsewhere") =>
    p === "elsewhere" ? null : world.hotspots[p].id;
  const services = {
    opiate: world.service("opiate_treatment"),
    nonOpiate: world.service("non_opiate_treatment"),
    alcohol: world.service("alcohol_treatment"),
    otherProvider: world.service("opiate_treatment", world.otherProvider),
    socialCare: world.socialCareService,
    housing: world.housingService,
  };
  const contactIds: string[] = [];
  for (const c of h.contacts) {
    contactIds.push(
      await world.contact({
        at: `${c.day}${c.time}`,
        personId: c.person === null ? null : person(c.person),
        hotspotId: placeId(c.place),
      }),
    );
  }
  const referralRows: { id: string; personId: string; day: string }[] = [];
  for (const r of h.referrals) {
    const contact = r.contact === null ? null : h.contacts[r.contact % h.contacts.length]!;
    const personId = person(contact?.person ?? r.person);
    const requested = contact ? addDays(contact.day, r.offset) : r.day;
    const id = await world.referral({
      personId,
      serviceId: services[r.service],
      requestedAt: `${requested}${r.time}`,
    });
    referralRows.push({ id, personId, day: requested });
  }
  const used = new Set<string>();
  const episodeRows: { id: string; personId: string; startedOn: string; dischargedOn: string | null }[] = [];
  for (const e of h.episodes) {
    const referral =
      e.referral && referralRows.length ? referralRows[e.referral.index % referralRows.length]! : null;
    const referralId = referral && !used.has(referral.id) ? referral.id : null;
    if (referralId) used.add(referralId);
    const startedOn = referralId ? addDays(referral!.day, e.wait) : e.start;
    const dischargedOn = e.length === null ? null : addDays(startedOn, e.length);
    const personId = referralId && e.referral?.samePerson ? referral!.personId : person(e.person);
    const [row] = await db
      .insert(episodes)
      .values({
        personId,
        providerOrganisationId: e.otherProvider ? world.otherProvider : world.provider,
        substanceGroup: e.group,
        referralId,
        startedOn,
        dischargedOn,
        dischargeReason: dischargedOn ? e.reason : null,
        ostAtExit: dischargedOn ? e.ost : null,
      })
      .returning({ id: episodes.id });
    episodeRows.push({ id: row!.id, personId, startedOn, dischargedOn });
  }
  for (const back of h.returns) {
    const episode = episodeRows.length ? episodeRows[back.episode % episodeRows.length]! : null;
    if (!episode?.dischargedOn) continue;
    const returned = addDays(episode.dischargedOn, back.after);
    if (back.asReferral) {
      await world.referral({
        personId: episode.personId,
        serviceId: services[back.service],
        requestedAt: `${returned}T12:00:00Z`,
        status: "requested",
      });
    } else {
      await db.insert(episodes).values({
        personId: episode.personId,
        providerOrganisationId: world.provider,
        substanceGroup: "opiate",
        startedOn: returned,
      });
    }
  }

  const worker = world.ctxOf("outreach_worker");
  const merges: string[] = [];
  for (const change of h.changes) {
    switch (change.kind) {
      case "merge": {
        if (person(change.survivor) === person(change.merged)) break;
        // A person already merged cannot be merged again: the verb refuses, and nothing changes.
        const merged = await mergePeople({
          ctx: worker,
          input: { survivorId: person(change.survivor), mergedId: person(change.merged) },
        }).catch(() => null);
        if (merged) merges.push(merged.mergeId);
        break;
      }
      case "undo": {
        const mergeId = merges.pop();
        if (mergeId) await undoMerge({ ctx: worker, input: { mergeId } }).catch(() => null);
        break;
      }
      case "moveContact": {
        const id = nth(contactIds, change.index);
        if (!id) break;
        await db
          .update(contacts)
          .set({
            occurredAt: at(change.day),
            hotspotId: placeId(change.place),
            location: change.place === "elsewhere" ? "Cowley Road bus stop" : null,
          })
          .where(sql`${contacts.id} = ${id}`);
        break;
      }
      case "nameContact": {
        const id = nth(contactIds, change.index);
        if (id)
          await db
            .update(contacts)
            .set({ personId: person(change.person) })
            .where(sql`${contacts.id} = ${id}`);
        break;
      }
      case "deleteContact": {
        const id = nth(contactIds, change.index);
        if (id) await db.delete(contacts).where(sql`${contacts.id} = ${id}`);
        break;
      }
      case "discharge": {
        const episode = nth(episodeRows, change.index);
        if (!episode) break;
        await db
          .update(episodes)
          .set({ dischargedOn: addDays(episode.startedOn, change.length), dischargeReason: change.reason })
          .where(sql`${episodes.id} = ${episode.id}`);
        break;
      }
      case "rerefer": {
        const referral = nth(referralRows, change.index);
        if (referral)
          await db
            .update(referrals)
            .set({ requestedAt: at(change.day) })
            .where(sql`${referrals.id} = ${referral.id}`);
        break;
      }
    }
  }
}

function queries(world: ReportWorld, q: Query) {
  let from = q.from;
  let to = addDays(q.from, q.length);
  if (q.wholeMonths) {
    from = `${from.slice(0, 7)}-01`;
    const [year, month] = to.split("-").map(Number) as [number, number];
    to = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
  }
  const funnel: FunnelQuery = {
    from,
    to,
    hotspotId: q.place && q.place !== "elsewhere" ? world.hotspots[q.place].id : null,
    today,
  };
  const outcomes: EpisodeQuery = {
    from,
    to,
    substanceGroup: q.group,
    providerId: q.provider ? world.provider : null,
    today,
  };
  return { funnel, outcomes };
}

/** The outcome cells the report reads from either source (a group it does not find counts 0). */
function outcomeCells(figures: OutcomesFigures) {
  const keys: (SubstanceGroup | null)[] = [...substanceGroups, null];
  return {
    groups: keys.map((key) => {
      const row = figures.groupRows.find((r) => r.substance_group === key);
      return [
        key,
        row?.in_treatment ?? 0,
        row?.completions ?? 0,
        row?.discharges ?? 0,
        row?.successful_discharges ?? 0,
        figures.sustainedRows.find((r) => r.substance_group === key)?.sustained ?? 0,
      ];
    }),
    exits: substanceGroups.flatMap((group) =>
      dischargeReasons.map(
        (reason: DischargeReason) =>
          figures.exitRows.find((r) => r.substance_group === group && r.discharge_reason === reason)?.n ?? 0,
      ),
    ),
  };
}

/** Waits as the report reads them: per service, and the total when anyone started. */
function waitCells(rows: WaitRow[]) {
  return rows
    .filter((row) => row.service_id !== null || row.started > 0)
    .map((row) => [
      row.service_id,
      row.code,
      row.service_name,
      row.provider_name,
      row.started,
      row.over,
      row.median,
    ])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}

/** Every report's figures from the raw rows and from the rollups, which must be equal. */
async function expectRollupsEqualRaw(db: Database, world: ReportWorld, list: Query[]) {
  // A short queue is folded by the report itself; a longer one is left to the background refresher.
  await refreshPersonRollups(db);
  expect(await personRollupsAnswer(db, today)).toEqual({ asOf: null });
  for (const q of list) {
    const { funnel, outcomes } = queries(world, q);
    expect(await funnelFromRollups(db, funnel), JSON.stringify(funnel)).toEqual(
      await funnelFromRaw(db, funnel),
    );
    expect(outcomeCells(await outcomesFromRollups(db, outcomes)), JSON.stringify(outcomes)).toEqual(
      outcomeCells(await outcomesFromRaw(db, outcomes)),
    );
    expect(waitCells(await waitsFromRollups(db, outcomes)), JSON.stringify(outcomes)).toEqual(
      waitCells(await waitsFromRaw(db, outcomes)),
    );
  }
}

describeDb("person rollups", (use) => {
  it("give the same figures as the raw rows for random histories, changes and periods", async () => {
    const { db } = use();
    const world = await reportWorld(db);
    await fc.assert(
      fc.asyncProperty(history, fc.array(query, { minLength: 3, maxLength: 6 }), async (h, list) => {
        await clear(db);
        await write(world, h);
        await expectRollupsEqualRaw(db, world, list);
        // What the changes left behind is what a rebuild from nothing gives.
        const kept = await snapshot(db);
        expect(await rebuilt(db)).toEqual(kept);
        expect(await refolded(db)).toEqual(kept);
      }),
      { numRuns: Number(process.env.ROLLUP_RUNS ?? 40) },
    );
  }, 300_000);

  it("are only used when nothing is dated after the day the report is run", async () => {
    const { db } = use();
    const world = await reportWorld(db);
    await clear(db);
    const [id] = await world.people(1);
    await world.contact({ at: "2025-03-01", personId: id });
    await world.referral({
      personId: id!,
      serviceId: world.service("opiate_treatment"),
      requestedAt: "2025-03-04",
    });
    expect(await personRollupsAnswer(db, "2025-03-03")).toBeNull();
    expect(await personRollupsAnswer(db, "2025-03-04")).toEqual({ asOf: null });
    const [queued] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from report_person_queue`,
    );
    expect(queued!.n).toBe(0);
  });
});

describeDb("person rollups refreshed concurrently", (use) => {
  it("come out the same whichever refresher takes which people, while contacts keep coming", async () => {
    const { db, handle } = use();
    const world = await reportWorld(db);
    const sample = fc.sample(history, { numRuns: 1, seed: 2026 })[0]!;
    await write(world, { ...sample, people: 6 });
    const [id] = await world.people(1);
    const writes = (async () => {
      for (let i = 0; i < 20; i++) await world.contact({ at: addDays("2025-01-01", i), personId: id });
    })();
    // Two refreshers with small chunks, so they take turns many times; PGlite runs them one after another.
    const second = handle.driver === "postgres" ? await openSecond(use().url!) : null;
    try {
      await Promise.all([
        refreshPersonRollups(db, { chunk: 3 }),
        refreshPersonRollups(second?.db ?? db, { chunk: 2 }),
        writes,
      ]);
    } finally {
      await second?.close();
    }
    const queries = fc.sample(query, { numRuns: 8, seed: 7 });
    await expectRollupsEqualRaw(db, world, queries);
    // The same as rebuilding everything from scratch.
    const before = await snapshot(db);
    expect(await rebuilt(db)).toEqual(before);
  }, 120_000);
});

/** The rollups rebuilt from nothing in one set-based step, as after bulk change. */
async function rebuilt(db: Database) {
  await rebuildPersonRollups(db);
  return snapshot(db);
}

/** The rollups refolded from nothing: every person and every day of anonymous contacts queued again. */
async function refolded(db: Database) {
  await db.execute(sql`delete from report_person_funnel_days`);
  await db.execute(sql`delete from report_person_funnel_months`);
  await db.execute(sql`delete from report_person_episodes`);
  await db.execute(sql`delete from report_person_anonymous_days`);
  await db.execute(sql`delete from report_person_episode_months`);
  await db.execute(sql`delete from report_person_wait_months`);
  await db.execute(sql`
    insert into report_person_queue (person_id)
    select person_id from contacts where person_id is not null union select person_id from referrals
    union select person_id from episodes`);
  await db.execute(sql`
    insert into report_person_queue (anonymous_day, hotspot_id, contacts)
    select (occurred_at at time zone 'Europe/London')::date, hotspot_id, count(*)
    from contacts where person_id is null group by 1, 2`);
  await refreshPersonRollups(db);
  return snapshot(db);
}

async function openSecond(url: string) {
  const handle = await createDb({ url, maxConnections: 2 });
  return { db: handle.db, close: () => handle.close() };
}

/** Every rollup row, in a fixed order (sums without the zeros a refresh may leave behind). */
async function snapshot(db: Database) {
  return {
    days: await queryRows(db, sql`select * from report_person_funnel_days order by place_id, day, person_id`),
    months: await queryRows(
      db,
      sql`select * from report_person_funnel_months where n <> 0 order by place_id, measure, month, key`,
    ),
    episodes: await queryRows(
      db,
      sql`select * from report_person_episodes order by provider_scope, episode_id`,
    ),
    anonymous: await queryRows(
      db,
      sql`select * from report_person_anonymous_days where contacts <> 0 order by place_id, day`,
    ),
    episodeMonths: await queryRows(
      db,
      sql`select * from report_person_episode_months where n <> 0
        order by provider_scope, measure, month, substance_group, key`,
    ),
    waitMonths: await queryRows(
      db,
      sql`select * from report_person_wait_months where n <> 0
        order by provider_scope, month, substance_group, service_id, waiting_days`,
    ),
  };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "pathways-rollups-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describeDb("person rollups after a restore", (use) => {
  it("are rebuilt from the restored rows, and are not in the backup", async () => {
    const { db, driver } = use();
    const world = await reportWorld(db);
    const sample = fc.sample(history, { numRuns: 1, seed: 11 })[0]!;
    await write(world, { ...sample, people: 5 });
    await refreshPersonRollups(db);
    const file = path.join(tmp, `${randomBytes(4).toString("hex")}.jsonl.gz`);
    const tables = await backupDatabase(db, file);
    expect(Object.keys(tables).filter((table) => table.startsWith("report_person"))).toEqual([]);

    const target = await openTestDb(driver);
    try {
      await restoreDatabase(target.db, file);
      const queries = fc.sample(query, { numRuns: 6, seed: 3 });
      await expectRollupsEqualRaw(target.db, world, queries);
      expect(await snapshot(target.db)).toEqual(await snapshot(db));
    } finally {
      await target.drop();
    }
  }, 120_000);
});

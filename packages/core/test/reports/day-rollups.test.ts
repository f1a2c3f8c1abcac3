import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  backupDatabase,
  communityReports,
  contacts,
  type Database,
  eq,
  needleFinds,
  queryRows,
  referrals,
  restoreDatabase,
  safeguardingFlags,
  sql,
} from "@pathways/db";
import { lastDayOfMonth } from "@pathways/validators";
import {
  type ReferralStatus,
  referralStatuses,
  type SafeguardingConcern,
  safeguardingConcerns,
} from "@pathways/validators/codes";
import { describeDb, openTestDb, type TestCtx } from "@pathways/vitest-config";
import { at, on, once, type ReportWorld, reportWorld } from "@pathways/vitest-config/report-world";
import fc from "fast-check";
import { afterAll, expect, it } from "vitest";
import { addDays, daysBetween, serviceTimeZone } from "../../src/calendar.ts";
import { logContact } from "../../src/contacts.ts";
import type { Ctx } from "../../src/context.ts";
import { mergePeople, undoMerge } from "../../src/people.ts";
import { monthsAndDays, refreshDayRollups } from "../../src/reports/day-rollups.ts";
import {
  activityFromDayRollups,
  activityFromRawRows,
  hotspotActivityReport,
  hotspotActivityReportFromRawRows,
} from "../../src/reports/hotspot-activity.ts";
import {
  safeguardingFromDayRollups,
  safeguardingFromRawRows,
  safeguardingReport,
  safeguardingReportFromRawRows,
} from "../../src/reports/safeguarding.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "pathways-day-rollups-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Histories fall on 17 months around the awkward days: 29 February, both clock changes, year ends.
const firstDay = "2015-12-01";
const lastDay = "2017-04-30";
const awkwardDays = [
  "2016-02-29",
  "2016-03-26",
  "2016-03-27",
  "2016-03-31",
  "2016-10-29",
  "2016-10-30",
  "2016-10-31",
  "2016-12-31",
  "2017-01-01",
  "2017-02-28",
  "2017-03-26",
  "2017-03-31",
];
// 23:30 UTC is the next London day in summer; 00:30 UTC is the same day all year round.
const times = ["00:00:00Z", "00:30:00Z", "12:00:00Z", "23:00:00Z", "23:30:00Z", "23:59:59Z"];
// Mostly the awkward days, so records often share a day, a month or a place and their counts add up.
const dayArb = fc.oneof(
  fc.integer({ min: 0, max: daysBetween(firstDay, lastDay) }).map((offset) => addDays(firstDay, offset)),
  { arbitrary: fc.constantFrom(...awkwardDays), weight: 3 },
);
const instantArb = fc.tuple(dayArb, fc.constantFrom(...times)).map(([day, time]) => `${day}T${time}`);
type Place = "southPark" | "grandpont" | null;
const placeArb = fc.constantFrom<Place>("southPark", "grandpont", null);
const concernsArb = fc.oneof(
  fc.subarray([...safeguardingConcerns], { maxLength: 3 }),
  fc.subarray(["cuckooing", "county_lines"] as SafeguardingConcern[]),
);
const statusArb = fc.constantFrom(...referralStatuses);
// Which earlier record a step changes, counted back from the latest: steps often meet on one record.
const pick = fc.nat(4);

type Step =
  | {
      kind: "contacts";
      rows: { at: string; place: Place; concerns: SafeguardingConcern[]; named: boolean; copies: number }[];
    }
  | { kind: "loggedContact"; at: string; place: Place; concerns: SafeguardingConcern[]; newPerson: boolean }
  | { kind: "communityReport"; at: string; place: Place }
  | { kind: "needleFind"; at: string; place: Place; count: number }
  | { kind: "referral"; at: string; socialCare: boolean; status: ReferralStatus; contact: number | null }
  | { kind: "moveContact"; contact: number; at: string; place: Place; concerns: SafeguardingConcern[] }
  | { kind: "deleteContact"; contact: number }
  | { kind: "moveReferral"; referral: number; status: ReferralStatus; contact: number | null }
  | { kind: "deleteReferral"; referral: number }
  | { kind: "changeNeedleFind"; find: number; at: string; place: Place; count: number }
  | { kind: "deleteNeedleFind"; find: number }
  | { kind: "moveCommunityReport"; report: number; at: string; place: Place }
  | { kind: "deleteCommunityReport"; report: number }
  | { kind: "merge"; survivor: number; merged: number; undo: boolean }
  | { kind: "refresh" };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant("contacts" as const),
      rows: fc.array(
        fc.record({
          at: instantArb,
          place: placeArb,
          concerns: concernsArb,
          named: fc.boolean(),
          // Several alike make counts over 4, which disclosure control shows as they are.
          copies: fc.integer({ min: 1, max: 6 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    }),
    weight: 6,
  },
  fc.record({
    kind: fc.constant("loggedContact" as const),
    at: instantArb,
    place: placeArb,
    concerns: concernsArb,
    newPerson: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("communityReport" as const), at: instantArb, place: placeArb }),
  fc.record({
    kind: fc.constant("needleFind" as const),
    at: instantArb,
    place: placeArb,
    count: fc.integer({ min: 1, max: 30 }),
  }),
  {
    arbitrary: fc.record({
      kind: fc.constant("referral" as const),
      at: instantArb,
      socialCare: fc.boolean(),
      status: statusArb,
      contact: fc.option(pick),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("moveContact" as const),
      contact: pick,
      at: instantArb,
      place: placeArb,
      concerns: concernsArb,
    }),
    weight: 2,
  },
  fc.record({ kind: fc.constant("deleteContact" as const), contact: pick }),
  {
    arbitrary: fc.record({
      kind: fc.constant("moveReferral" as const),
      referral: pick,
      status: statusArb,
      contact: fc.option(pick),
    }),
    weight: 2,
  },
  fc.record({ kind: fc.constant("deleteReferral" as const), referral: pick }),
  fc.record({
    kind: fc.constant("changeNeedleFind" as const),
    find: pick,
    at: instantArb,
    place: placeArb,
    count: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({ kind: fc.constant("deleteNeedleFind" as const), find: pick }),
  fc.record({
    kind: fc.constant("moveCommunityReport" as const),
    report: pick,
    at: instantArb,
    place: placeArb,
  }),
  fc.record({ kind: fc.constant("deleteCommunityReport" as const), report: pick }),
  fc.record({ kind: fc.constant("merge" as const), survivor: pick, merged: pick, undo: fc.boolean() }),
  { arbitrary: fc.constant({ kind: "refresh" as const }), weight: 2 },
);

interface Check {
  report: "hotspotActivity" | "safeguarding";
  from: string;
  to: string;
  today: string;
  place: Place | undefined;
}
const checkArb: fc.Arbitrary<Check> = fc
  .record({
    report: fc.constantFrom("hotspotActivity" as const, "safeguarding" as const),
    from: dayArb,
    length: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 520 })),
    // The day the report is run: often inside the period or before the last records.
    today: fc.oneof(dayArb, fc.constant("2026-01-01")),
    place: fc.option(placeArb, { nil: undefined }),
  })
  .map(({ length, ...check }) => ({ ...check, to: addDays(check.from, length) }));

/** The records a history made, by kind, for later steps to change or delete. */
interface Made {
  contacts: string[];
  referrals: string[];
  needleFinds: string[];
  communityReports: string[];
  people: string[];
  merges: string[];
}

function hotspotOf(world: ReportWorld, place: Place): string | null {
  return place ? world.hotspots[place].id : null;
}

/**
 * The record `back` places from the most recently used one. A record chosen moves to the end, so the
 * next steps tend to come back to it: a contact referred from is then often moved or deleted.
 */
function chosen<T>(list: T[], back: number): T | undefined {
  if (!list.length) return undefined;
  const [record] = list.splice(list.length - 1 - (back % list.length), 1);
  list.push(record!);
  return record;
}

async function play(world: ReportWorld, steps: Step[], made: Made) {
  const { db } = world;
  const worker = world.actors.outreach_worker;
  const placed = (place: Place) => ({
    hotspotId: hotspotOf(world, place),
    location: place ? null : "Cowley Road bus stop",
  });
  for (const step of steps) {
    switch (step.kind) {
      case "contacts": {
        const copies = step.rows.flatMap((row) => Array.from({ length: row.copies }, () => row));
        const people = await world.people(copies.filter((row) => row.named).length);
        made.people.push(...people);
        // One statement for all the rows: the triggers fold several rows into one change each.
        const rows = await db
          .insert(contacts)
          .values(
            copies.map((row) => ({
              clientKey: randomUUID(),
              occurredAt: at(row.at),
              ...placed(row.place),
              workerId: worker.userId,
              organisationId: worker.organisationId,
              personId: row.named ? people.shift()! : null,
              contactType: "street_outreach" as const,
              safeguardingConcerns: row.concerns,
            })),
          )
          .returning({ id: contacts.id });
        made.contacts.push(...rows.map((row) => row.id));
        break;
      }
      case "loggedContact": {
        const contact = await logContact({
          ctx: on(world.ctxOf("outreach_worker"), "2026-01-01") as Ctx,
          input: {
            clientKey: randomUUID(),
            occurredAt: at(step.at),
            ...(step.place
              ? { hotspotId: hotspotOf(world, step.place)! }
              : { location: "Cowley Road bus stop" }),
            contactType: "street_outreach",
            substances: [],
            interventions: [],
            safeguardingConcerns: step.concerns,
            ...(step.newPerson
              ? {
                  newPerson: {
                    firstInitial: "N",
                    surnameInitial: "P",
                    dateOfBirth: "1991-05-06",
                    sex: "unknown" as const,
                  },
                }
              : {}),
          },
        });
        made.contacts.push(contact.id);
        if (contact.personId) made.people.push(contact.personId);
        break;
      }
      case "communityReport":
        await world.communityReport({ at: step.at, hotspotId: hotspotOf(world, step.place) });
        made.communityReports = (await db.select({ id: communityReports.id }).from(communityReports)).map(
          (row) => row.id,
        );
        break;
      case "needleFind":
        await world.needleFind({ at: step.at, count: step.count, hotspotId: hotspotOf(world, step.place) });
        made.needleFinds = (await db.select({ id: needleFinds.id }).from(needleFinds)).map((row) => row.id);
        break;
      case "referral": {
        const [personId] = made.people.length
          ? [chosen(made.people, made.referrals.length)!]
          : await world.people(1);
        if (!made.people.includes(personId!)) made.people.push(personId!);
        const contactId = step.contact === null ? undefined : chosen(made.contacts, step.contact);
        made.referrals.push(
          await world.referral({
            personId: personId!,
            serviceId: step.socialCare ? world.socialCareService : world.service("opiate_treatment"),
            requestedAt: step.at,
            status: step.status,
            ...(contactId ? { contactId } : {}),
          }),
        );
        break;
      }
      case "moveContact": {
        const id = chosen(made.contacts, step.contact);
        if (!id) break;
        await db
          .update(contacts)
          .set({ occurredAt: at(step.at), ...placed(step.place), safeguardingConcerns: step.concerns })
          .where(eq(contacts.id, id));
        break;
      }
      case "deleteContact": {
        const id = chosen(made.contacts, step.contact);
        if (!id) break;
        await db.transaction(async (tx) => {
          const gone = await tx
            .delete(referrals)
            .where(eq(referrals.contactId, id))
            .returning({ id: referrals.id });
          made.referrals = made.referrals.filter((referral) => !gone.some((row) => row.id === referral));
          await tx.delete(safeguardingFlags).where(eq(safeguardingFlags.contactId, id));
          await tx.delete(contacts).where(eq(contacts.id, id));
        });
        made.contacts = made.contacts.filter((contact) => contact !== id);
        break;
      }
      case "moveReferral": {
        const id = chosen(made.referrals, step.referral);
        if (!id) break;
        const contactId = step.contact === null ? null : (chosen(made.contacts, step.contact) ?? null);
        await db.update(referrals).set({ status: step.status, contactId }).where(eq(referrals.id, id));
        break;
      }
      case "deleteReferral": {
        const id = chosen(made.referrals, step.referral);
        if (!id) break;
        await db.delete(referrals).where(eq(referrals.id, id));
        made.referrals = made.referrals.filter((referral) => referral !== id);
        break;
      }
      case "changeNeedleFind": {
        const id = chosen(made.needleFinds, step.find);
        if (!id) break;
        await db
          .update(needleFinds)
          .set({ foundAt: at(step.at), ...placed(step.place), count: step.count })
          .where(eq(needleFinds.id, id));
        break;
      }
      case "deleteNeedleFind": {
        const id = chosen(made.needleFinds, step.find);
        if (!id) break;
        await db.delete(needleFinds).where(eq(needleFinds.id, id));
        made.needleFinds = made.needleFinds.filter((find) => find !== id);
        break;
      }
      case "moveCommunityReport": {
        const id = chosen(made.communityReports, step.report);
        if (!id) break;
        await db
          .update(communityReports)
          .set({ submittedAt: at(step.at), ...placed(step.place), status: "acknowledged" })
          .where(eq(communityReports.id, id));
        break;
      }
      case "deleteCommunityReport": {
        const id = chosen(made.communityReports, step.report);
        if (!id) break;
        await db.delete(communityReports).where(eq(communityReports.id, id));
        made.communityReports = made.communityReports.filter((report) => report !== id);
        break;
      }
      case "merge": {
        const survivorId = chosen(made.people, step.survivor);
        const mergedId = chosen(made.people, step.merged);
        if (!survivorId || !mergedId || survivorId === mergedId) break;
        const admin = world.ctxOf("admin") as Ctx;
        const merge = await mergePeople({ ctx: admin, input: { survivorId, mergedId } });
        if (step.undo) await undoMerge({ ctx: admin, input: { mergeId: merge.mergeId } });
        else made.people = made.people.filter((person) => person !== mergedId);
        made.merges.push(merge.mergeId);
        break;
      }
      case "refresh":
        await refreshDayRollups(db);
        break;
    }
  }
}

/**
 * A period widened to whole calendar months: commissioner reports take nothing else
 * (docs/DISCLOSURE.md), while the counting sources are checked on any days.
 */
function wholeMonths<T extends { from: string; to: string }>(input: T): T {
  return { ...input, from: `${input.from.slice(0, 7)}-01`, to: lastDayOfMonth(input.to) };
}

/** Equal counts from both sources (before disclosure control, which hides small differences), and equal reports. */
async function compare(world: ReportWorld, ctx: TestCtx, check: Check) {
  const hotspot = check.place ? world.hotspots[check.place] : null;
  const days = { from: check.from, to: check.to, ...(hotspot ? { hotspotId: hotspot.id } : {}) };
  const input = wholeMonths(days);
  const commissioner = on(ctx, check.today) as Ctx;
  const source = { ctx: commissioner, input: days, today: check.today, hotspot };
  const sorted = <T extends object>(rows: T[]) =>
    rows.map((row) => JSON.stringify(row, Object.keys(row).sort())).sort();
  if (check.report === "hotspotActivity") {
    expect(await activityFromDayRollups(source)).toEqual(await activityFromRawRows(source));
    const args = { ctx: commissioner, input };
    expect(await hotspotActivityReport(args)).toEqual(await hotspotActivityReportFromRawRows(args));
  } else {
    const fromRollups = await safeguardingFromDayRollups(source);
    const fromRawRows = await safeguardingFromRawRows(source);
    expect(sorted(fromRollups.concernRows)).toEqual(sorted(fromRawRows.concernRows));
    expect(sorted(fromRollups.referralRows)).toEqual(sorted(fromRawRows.referralRows));
    const args = { ctx: commissioner, input };
    expect(await safeguardingReport(args)).toEqual(await safeguardingReportFromRawRows(args));
  }
}

/** The day counts as the triggers should have left them, counted from scratch. */
async function expectedDayCounts(db: Database) {
  const london = (column: string) => sql.raw(`(${column} at time zone '${serviceTimeZone}')::date`);
  return queryRows<{ measure: string; day: string; hotspot_id: string | null; n: number }>(
    db,
    sql`
      select measure, day::text as day, hotspot_id::text as hotspot_id, sum(n)::int as n from (
        select 'contacts' as measure, ${london("occurred_at")} as day, hotspot_id, 1 as n from contacts
        union all
        select 'concern:' || x::text, ${london("occurred_at")}, hotspot_id, 1
        from contacts cross join lateral unnest(safeguarding_concerns) x
        union all
        select 'community_reports', ${london("submitted_at")}, hotspot_id, 1 from community_reports
        union all
        select 'needles_found', ${london("found_at")}, hotspot_id, count from needle_finds
        union all
        select 'social_care_referral:' || r.status::text, ${london("r.requested_at")}, c.hotspot_id, 1
        from referrals r join services s on s.id = r.service_id and s.code = 'safeguarding_social_care'
        left join contacts c on c.id = r.contact_id
      ) facts
      group by 1, 2, 3
      order by 1, 2, 3
    `,
  );
}

async function dayCounts(db: Database) {
  return queryRows<{ measure: string; day: string; hotspot_id: string | null; n: number }>(
    db,
    sql`select measure, day::text as day, hotspot_id::text as hotspot_id, n from report_day_counts
      where n <> 0 order by 1, 2, 3`,
  );
}

/** Every month count is the sum of its days. */
async function monthsOutOfStep(db: Database) {
  return queryRows(
    db,
    sql`
      select coalesce(m.measure, d.measure) as measure, coalesce(m.month, d.month) as month, m.n as stored, d.n as days
      from (select * from report_day_month_counts where n <> 0) m
      full join (
        select measure, date_trunc('month', day::timestamp)::date as month, hotspot_id, sum(n)::int as n
        from report_day_counts group by 1, 2, 3 having sum(n) <> 0
      ) d on d.measure = m.measure and d.month = m.month and d.hotspot_id is not distinct from m.hotspot_id
      where m.n is distinct from d.n
    `,
  );
}

/** Deletes what a history made, so the next starts from an empty outreach record. */
async function clear(db: Database) {
  await db.delete(referrals);
  await db.delete(safeguardingFlags);
  await db.delete(communityReports);
  await db.delete(needleFinds);
  await db.execute(sql`delete from contact_interventions`);
  await db.delete(contacts);
}

describeDb("report day rollups", (use) => {
  const world = once(async () => reportWorld(use().db));

  it("the triggers count days in the service's time zone", async () => {
    const [row] = await queryRows<{ source: string }>(
      use().db,
      sql`select string_agg(prosrc, ' ') as source from pg_proc where proname like 'report\\_day\\_%\\_changed'`,
    );
    const zones = row!.source.match(/AT TIME ZONE '[^']*'/g) ?? [];
    expect(zones.length).toBeGreaterThan(0);
    expect(new Set(zones)).toEqual(new Set([`AT TIME ZONE '${serviceTimeZone}'`]));
  });

  it("follows every kind of change to the counted records", async () => {
    const w = await world();
    const made: Made = {
      contacts: [],
      referrals: [],
      needleFinds: [],
      communityReports: [],
      people: [],
      merges: [],
    };
    const history: Step[] = [
      {
        kind: "contacts",
        rows: [
          { at: "2016-03-26T23:30:00Z", place: "southPark", concerns: ["cuckooing"], named: true, copies: 2 },
        ],
      },
      { kind: "referral", at: "2016-03-27T00:30:00Z", socialCare: true, status: "requested", contact: 0 },
      { kind: "needleFind", at: "2016-10-30T00:30:00Z", place: null, count: 12 },
      { kind: "communityReport", at: "2016-12-31T23:30:00Z", place: "grandpont" },
      { kind: "refresh" },
      // A social care referral counts at its contact's hotspot, wherever that contact moves.
      { kind: "moveContact", contact: 0, at: "2016-10-29T23:30:00Z", place: "grandpont", concerns: [] },
      { kind: "moveReferral", referral: 0, status: "rejected", contact: 0 },
      { kind: "changeNeedleFind", find: 0, at: "2016-10-30T00:30:00Z", place: "southPark", count: 5 },
      { kind: "moveCommunityReport", report: 0, at: "2017-01-01T00:30:00Z", place: null },
      {
        kind: "moveContact",
        contact: 1,
        at: "2016-03-26T23:30:00Z",
        place: "southPark",
        concerns: ["cuckooing"],
      },
    ];
    try {
      await play(w, history, made);
      await refreshDayRollups(w.db);
      expect(await dayCounts(w.db)).toEqual(await expectedDayCounts(w.db));
      expect(await monthsOutOfStep(w.db)).toEqual([]);
      const grandpont = w.hotspots.grandpont.id;
      expect(
        (await dayCounts(w.db)).filter((row) => row.measure.startsWith("social_care_referral:")),
      ).toEqual([
        { measure: "social_care_referral:rejected", day: "2016-03-27", hotspot_id: grandpont, n: 1 },
      ]);
    } finally {
      await clear(w.db);
    }
    await refreshDayRollups(w.db);
    expect(await dayCounts(w.db)).toEqual([]);
  });

  it("hotspot activity and safeguarding from the rollups equal the reports from the raw rows, whatever the history", async () => {
    const w = await world();
    const commissioner = w.ctxOf("commissioner");
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 1, maxLength: 40, size: "max" }),
        fc.array(checkArb, { minLength: 1, maxLength: 8 }),
        async (steps, checks) => {
          const made: Made = {
            contacts: [],
            referrals: [],
            needleFinds: [],
            communityReports: [],
            people: [],
            merges: [],
          };
          try {
            await play(w, steps, made);
            for (const check of checks) await compare(w, commissioner, check);
            await refreshDayRollups(w.db);
            expect(await dayCounts(w.db)).toEqual(await expectedDayCounts(w.db));
            expect(await monthsOutOfStep(w.db)).toEqual([]);
            // Deleting every record takes every count back to nothing.
            await clear(w.db);
            await refreshDayRollups(w.db);
            expect(await dayCounts(w.db)).toEqual([]);
          } finally {
            // A failed run must not leave wrong counts behind for the next (and for shrinking).
            await clear(w.db);
            for (const table of ["report_day_deltas", "report_day_counts", "report_day_month_counts"]) {
              await w.db.execute(sql.raw(`delete from ${table}`));
            }
          }
        },
      ),
      // ROLLUP_RUNS raises the runs when hunting for a rare history (as person-rollups.test.ts does).
      { numRuns: Number(process.env.ROLLUP_RUNS ?? 40) },
    );
  }, 300_000);

  it("agrees with the raw rows when refreshers run at once while contacts keep coming", async () => {
    const w = await world();
    const db = w.db;
    const worker = w.actors.outreach_worker;
    const contactsOn = (days: number, offset: number) =>
      Array.from({ length: days }, (_, i) => ({
        clientKey: randomUUID(),
        occurredAt: at(`${addDays("2010-01-01", i + offset)}T23:30:00Z`),
        hotspotId: i % 3 ? w.hotspots.southPark.id : null,
        location: i % 3 ? null : "Cowley Road bus stop",
        workerId: worker.userId,
        organisationId: worker.organisationId,
        contactType: "street_outreach" as const,
        safeguardingConcerns: i % 5 ? [] : (["cuckooing"] as SafeguardingConcern[]),
      }));
    try {
      // More queued changes than one refresh step folds, so refreshers take turns over several steps.
      await db.insert(contacts).values(contactsOn(2500, 0));
      await Promise.all([
        refreshDayRollups(db),
        refreshDayRollups(db),
        db.insert(contacts).values(contactsOn(700, 400)),
        refreshDayRollups(db),
        ...Array.from({ length: 20 }, (_, i) => db.insert(contacts).values(contactsOn(1, i * 90))),
        refreshDayRollups(db),
      ]);
      await refreshDayRollups(db);
      expect(await dayCounts(db)).toEqual(await expectedDayCounts(db));
      expect(await monthsOutOfStep(db)).toEqual([]);
      await compare(w, w.ctxOf("commissioner"), {
        report: "hotspotActivity",
        from: "2011-01-01",
        to: "2015-12-31",
        today: "2026-01-01",
        place: undefined,
      });
    } finally {
      await clear(db);
      await refreshDayRollups(db);
    }
  });

  // A backup, a restore and eight reports: more than the default 20 s on a busy machine.
  it("is rebuilt by a restore: the restored database reports the same as the one backed up", {
    timeout: 120_000,
  }, async () => {
    const w = await world();
    const driver = use().driver;
    const steps = fc.sample(fc.array(stepArb, { minLength: 40, maxLength: 40 }), {
      numRuns: 1,
      seed: 10,
    })[0]!;
    const made: Made = {
      contacts: [],
      referrals: [],
      needleFinds: [],
      communityReports: [],
      people: [],
      merges: [],
    };
    const target = await openTestDb(driver);
    try {
      await play(w, steps, made);
      const file = path.join(tmp, `backup-${driver}.jsonl.gz`);
      await backupDatabase(w.db, file);
      await restoreDatabase(target.db, file);
      expect(await dayCounts(target.db)).toEqual([]);
      await refreshDayRollups(target.db);
      expect(await dayCounts(target.db)).toEqual(await expectedDayCounts(target.db));
      expect(await monthsOutOfStep(target.db)).toEqual([]);
      const checks: Check[] = [
        {
          report: "hotspotActivity",
          from: "2016-01-01",
          to: "2016-12-31",
          today: "2026-01-01",
          place: undefined,
        },
        {
          report: "hotspotActivity",
          from: "2016-03-27",
          to: "2017-02-10",
          today: "2016-11-05",
          place: "southPark",
        },
        {
          report: "safeguarding",
          from: "2016-01-01",
          to: "2017-04-30",
          today: "2026-01-01",
          place: undefined,
        },
        { report: "safeguarding", from: "2015-12-01", to: "2016-10-30", today: "2026-01-01", place: null },
      ];
      const restoredWorld = { ...w, db: target.db };
      const restoredCommissioner = { ...w.ctxOf("commissioner"), db: target.db };
      for (const check of checks) {
        await compare(restoredWorld, restoredCommissioner, check);
        const input = wholeMonths({
          from: check.from,
          to: check.to,
          ...(check.place ? { hotspotId: w.hotspots[check.place].id } : {}),
        });
        const report = check.report === "hotspotActivity" ? hotspotActivityReport : safeguardingReport;
        expect(await report({ ctx: on(restoredCommissioner, check.today) as Ctx, input })).toEqual(
          await report({ ctx: on(w.ctxOf("commissioner"), check.today) as Ctx, input }),
        );
      }
      expect(await dayCounts(target.db)).toEqual(await expectedDayCounts(target.db));
    } finally {
      await target.drop();
      await clear(w.db);
      await refreshDayRollups(w.db);
    }
  });
});

it("splits a period into whole months and the days at its edges, covering each day once", () => {
  fc.assert(
    fc.property(dayArb, fc.integer({ min: 0, max: 800 }), (from, length) => {
      const to = addDays(from, length);
      const { months, days } = monthsAndDays(from, to);
      const covered: string[] = [];
      for (const span of days) for (let d = span.from; d <= span.to; d = addDays(d, 1)) covered.push(d);
      if (months) {
        expect(months.from.endsWith("-01") && months.to.endsWith("-01")).toBe(true);
        const lastWhole = addDays(`${addDays(months.to, 31).slice(0, 7)}-01`, -1);
        for (let d = months.from; d <= lastWhole; d = addDays(d, 1)) covered.push(d);
      }
      covered.sort();
      const expected = Array.from({ length: length + 1 }, (_, i) => addDays(from, i));
      expect(covered).toEqual(expected);
    }),
  );
});

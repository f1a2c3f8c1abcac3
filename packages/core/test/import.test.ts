import {
  auditEvents,
  contactInterventions,
  contacts,
  count,
  episodes,
  eq,
  people,
  referralEvents,
  referrals,
} from "@pathways/db";
import { type ImportFileContent, type ImportInput, latestEventDay } from "@pathways/validators";
import { describeDb } from "@pathways/vitest-config";
import { type ReportWorld, reportWorld } from "@pathways/vitest-config/report-world";
import { describe, expect, it } from "vitest";
import { Forbidden } from "../src/errors.ts";
import { ImportRejected, importHistoricalData } from "../src/import/historical.ts";
import { parseMoment } from "../src/import/london-time.ts";

/** Rows as a CSV file gives them: the header on line 1, data from line 2. */
function file(header: string[], rows: string[][]): ImportFileContent {
  return {
    header,
    records: rows.map((row, index) => ({
      line: index + 2,
      values: Object.fromEntries(header.map((column, i) => [column, row[i] ?? ""])),
    })),
  };
}

function goodFolder(world: ReportWorld, tag = ""): ImportInput {
  const worker = world.actors.outreach_worker;
  const provider = world.actors.treatment_manager.organisationName;
  return {
    people: file(
      ["person_ref", "first_initial", "surname_initial", "date_of_birth", "sex", "alias", "partial_postcode"],
      [
        ["P1", "j", "s", "1988-03-14", "male", "", ""],
        ["P2", "A", "B", "1990-01-01", "female", "Red", "ox4 1"],
      ],
    ),
    contacts: file(
      [
        "contact_ref",
        "occurred_at",
        "hotspot",
        "location",
        "worker_email",
        "person_ref",
        "contact_type",
        "substances",
        "interventions",
        "safeguarding_concerns",
      ],
      [
        [
          `C1${tag}`,
          "2024-05-01 21:30",
          world.hotspots.southPark.name.toUpperCase(),
          "",
          worker.email,
          "P1",
          "street_outreach",
          "heroin; crack",
          "needles_supplied:10;harm_reduction_advice",
          "cuckooing",
        ],
        [
          `C2${tag}`,
          "2024-05-02T10:00:00Z",
          "",
          "Cowley Road",
          worker.email,
          "",
          "needle_exchange",
          "",
          "",
          "",
        ],
      ],
    ),
    referrals: file(
      [
        "referral_ref",
        "person_ref",
        "contact_ref",
        "provider",
        "service",
        "referring_organisation",
        "referring_user_email",
        "reason",
        "source",
        "status",
        "requested_at",
        "status_changed_at",
      ],
      [
        [
          "R1",
          "P1",
          `C1${tag}`,
          provider,
          "opiate_treatment",
          worker.organisationName,
          worker.email,
          "Wants help with heroin",
          "outreach",
          "treatment_started",
          "2024-05-02",
          "2024-05-10",
        ],
        // Within 182 days of P1's drug-free discharge on 1 September: a re-presentation.
        [
          "R2",
          "P1",
          "",
          provider,
          "opiate_treatment",
          worker.organisationName,
          "",
          "Using again",
          "self",
          "requested",
          "2024-12-01",
          "",
        ],
      ],
    ),
    episodes: file(
      [
        "person_ref",
        "provider",
        "substance_group",
        "referral_ref",
        "started_on",
        "discharged_on",
        "discharge_reason",
        "ost_at_exit",
      ],
      [
        ["P1", provider, "opiate", "R1", "2024-05-10", "2024-09-01", "completed_drug_free", "no"],
        ["P2", provider, "alcohol", "", "2024-06-01", "", "", ""],
      ],
    ),
    needle_finds: file(
      ["find_ref", "found_at", "hotspot", "count", "collected_by_email"],
      [[`N1${tag}`, "2024-05-03", world.hotspots.southPark.name, "12", worker.email]],
    ),
  };
}

const system = (world: ReportWorld) => ({ db: world.db, actor: { kind: "system", name: "import" } as const });

describeDb("historical import", (use) => {
  it("loads a good folder: people, contacts, referrals, episodes and needle finds, with audit events", async () => {
    const world = await reportWorld(use().db);
    const progress: string[] = [];
    const counts = await importHistoricalData({
      ctx: system(world),
      input: goodFolder(world),
      onProgress: (p) => progress.push(`${p.file} ${p.stage} ${p.done}/${p.total}`),
    });
    expect(counts).toEqual({
      people: 2,
      contacts: 2,
      referrals: 2,
      episodes: 2,
      needle_finds: 1,
      incidents: 0,
      community_reports: 0,
    });
    expect(progress).toContain("contacts written 2/2");

    const [p1] = await world.db.select().from(people).where(eq(people.attributor, "JS-1988-03-14-M"));
    expect(p1).toMatchObject({ firstInitial: "J", surnameInitial: "S", sex: "male" });
    const [p2] = await world.db.select().from(people).where(eq(people.attributor, "AB-1990-01-01-F"));
    expect(p2).toMatchObject({ alias: "Red", partialPostcode: "OX4 1" });

    const personContacts = await world.db.select().from(contacts).where(eq(contacts.personId, p1!.id));
    // 21:30 on 1 May is British Summer Time: 20:30 UTC.
    expect(
      personContacts.map((c) => [
        c.occurredAt.toISOString(),
        c.hotspotId,
        c.substances,
        c.safeguardingConcerns,
      ]),
    ).toEqual([
      ["2024-05-01T20:30:00.000Z", world.hotspots.southPark.id, ["heroin", "crack"], ["cuckooing"]],
    ]);
    const items = await world.db
      .select({ intervention: contactInterventions.intervention, quantity: contactInterventions.quantity })
      .from(contactInterventions)
      .where(eq(contactInterventions.contactId, personContacts[0]!.id));
    expect(items.sort((a, b) => a.intervention.localeCompare(b.intervention))).toEqual([
      { intervention: "harm_reduction_advice", quantity: null },
      { intervention: "needles_supplied", quantity: 10 },
    ]);

    const personReferrals = await world.db
      .select()
      .from(referrals)
      .where(eq(referrals.personId, p1!.id))
      .orderBy(referrals.requestedAt);
    expect(personReferrals.map((r) => [r.status, r.contactId, r.isRepresentation])).toEqual([
      ["treatment_started", personContacts[0]!.id, false],
      ["requested", null, true],
    ]);
    const events = await world.db
      .select()
      .from(referralEvents)
      .where(eq(referralEvents.referralId, personReferrals[0]!.id));
    expect(events.map((e) => e.status).sort()).toEqual(["requested", "treatment_started"]);
    const [episode] = await world.db.select().from(episodes).where(eq(episodes.personId, p1!.id));
    expect(episode).toMatchObject({
      referralId: personReferrals[0]!.id,
      dischargeReason: "completed_drug_free",
      ostAtExit: false,
      isRepresentation: false,
    });

    const [audited] = await world.db
      .select({ n: count() })
      .from(auditEvents)
      .where(eq(auditEvents.actorName, "system:import"));
    // One per person-level record written (2 people, 2 contacts, 2 referrals, 2 episodes) and one for
    // the import itself.
    expect(audited!.n).toBe(9);
  });

  it("reports the file, line and column of every bad value, and writes nothing", async () => {
    const world = await reportWorld(use().db);
    const folder = goodFolder(world, "-bad");
    folder.people!.records[1]!.values.date_of_birth = "1990-02-30";
    folder.contacts!.records[0]!.values.hotspot = "Nowhere Park";
    folder.contacts!.records[1]!.values.contact_type = "street";
    folder.referrals!.records[1]!.values.person_ref = "P9";
    folder.referrals!.records[1]!.values.status = "rejected";
    folder.episodes!.records[1]!.values.discharged_on = "2024-05-01";
    folder.episodes!.records[1]!.values.discharge_reason = "completed_alcohol_free";
    folder.needle_finds!.records[0]!.values.count = "lots";
    folder.needle_finds!.header.push("colour");

    const [before] = await world.db.select({ n: count() }).from(people);
    const refusal = await importHistoricalData({ ctx: system(world), input: folder }).catch(
      (e: unknown) => e,
    );
    expect(refusal).toBeInstanceOf(ImportRejected);
    expect((refusal as ImportRejected).problems).toEqual([
      {
        file: "people.csv",
        line: 3,
        column: "date_of_birth",
        message: "date of birth must be a real calendar date",
      },
      { file: "contacts.csv", line: 2, column: "hotspot", message: 'no hotspot is named "Nowhere Park"' },
      {
        file: "contacts.csv",
        line: 3,
        column: "contact_type",
        message:
          "contact type must be one of street_outreach, patrol_encounter, welfare_check, needle_exchange, report_follow_up",
      },
      { file: "referrals.csv", line: 3, column: "person_ref", message: "person_ref P9 is not in people.csv" },
      {
        file: "referrals.csv",
        line: 3,
        column: "failure_reason",
        message: "failure reason is required when rejecting a referral",
      },
      // P2 on line 3 of people.csv has a problem already; their episode is not reported again for it.
      {
        file: "episodes.csv",
        line: 3,
        column: "discharged_on",
        message: "discharged_on cannot be before started_on",
      },
      {
        file: "needle_finds.csv",
        line: 1,
        column: "colour",
        message:
          'unknown column "colour"; the columns are find_ref, found_at, hotspot, location, lat, lng, count, collected_by_email',
      },
    ]);
    const [after] = await world.db.select({ n: count() }).from(people);
    expect(after!.n).toBe(before!.n);
  });

  it("refuses completed_occasional_user for opiate clients and for people seen using crack, as discharge does", async () => {
    const world = await reportWorld(use().db);
    const folder = goodFolder(world, "-occasional");
    // P1 is on opiate treatment; P2 (alcohol) was seen using crack on a contact before the discharge.
    folder.episodes!.records[0]!.values.discharge_reason = "completed_occasional_user";
    folder.contacts!.records[1]!.values.person_ref = "P2";
    folder.contacts!.records[1]!.values.substances = "crack";
    folder.episodes!.records[1]!.values.discharged_on = "2024-07-01";
    folder.episodes!.records[1]!.values.discharge_reason = "completed_occasional_user";
    const refusal = await importHistoricalData({ ctx: system(world), input: folder }).catch(
      (e: unknown) => e,
    );
    expect((refusal as ImportRejected).problems).toEqual([
      {
        file: "episodes.csv",
        line: 2,
        column: "discharge_reason",
        message:
          "`completed_occasional_user` is not valid for opiate or crack users, and this is opiate treatment.",
      },
      {
        file: "episodes.csv",
        line: 3,
        column: "discharge_reason",
        message:
          "`completed_occasional_user` is not valid for opiate or crack users, and crack use is recorded on their contacts.",
      },
    ]);

    // Crack seen only after the discharge does not make them a crack user at discharge.
    folder.episodes!.records[0]!.values.discharge_reason = "completed_drug_free";
    folder.contacts!.records[1]!.values.occurred_at = "2024-07-02T10:00:00Z";
    const counts = await importHistoricalData({ ctx: system(world), input: folder });
    expect(counts.episodes).toBe(2);
  });

  it("refuses year 0, negative years and far-future dates in every date column, naming each", async () => {
    const world = await reportWorld(use().db);
    const folder = goodFolder(world, "-dates");
    folder.people!.records[0]!.values.date_of_birth = "0000-01-01";
    folder.contacts!.records[0]!.values.occurred_at = "0000-06-01T10:00:00Z";
    folder.referrals!.records[0]!.values.requested_at = "1999-12-31T10:00:00Z";
    folder.referrals!.records[0]!.values.status_changed_at = "9999-01-01T10:00:00Z";
    folder.episodes!.records[0]!.values.started_on = "9999-01-01";
    folder.needle_finds!.records[0]!.values.found_at = "0000-01-01";
    const refusal = await importHistoricalData({ ctx: system(world), input: folder }).catch(
      (e: unknown) => e,
    );
    const problems = (refusal as ImportRejected).problems.map(
      (p) => `${p.file} ${p.line} ${p.column}: ${p.message}`,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        "people.csv 2 date_of_birth: date of birth must be 1900-01-01 or later",
        "contacts.csv 2 occurred_at: time of contact must be 2000-01-01 or later",
        "referrals.csv 2 requested_at: requested_at must be 2000-01-01 or later",
        "referrals.csv 2 status_changed_at: status_changed_at cannot be in the future",
        `episodes.csv 2 started_on: start date must be on or before ${latestEventDay()}`,
        "needle_finds.csv 2 found_at: time found must be 2000-01-01 or later",
      ]),
    );
  });

  it("refuses to import the same contacts twice", async () => {
    const world = await reportWorld(use().db);
    await importHistoricalData({ ctx: system(world), input: goodFolder(world, "-twice") });
    const again = await importHistoricalData({
      ctx: system(world),
      input: goodFolder(world, "-twice"),
    }).catch((e: unknown) => e);
    expect((again as ImportRejected).problems).toEqual([
      {
        file: "contacts.csv",
        line: 2,
        column: "contact_ref",
        message: "contact_ref C1-twice was imported before; remove the row or change its contact_ref",
      },
      {
        file: "contacts.csv",
        line: 3,
        column: "contact_ref",
        message: "contact_ref C2-twice was imported before; remove the row or change its contact_ref",
      },
      {
        file: "needle_finds.csv",
        line: 2,
        column: "find_ref",
        message: "find_ref N1-twice was imported before; remove the row or change its find_ref",
      },
    ]);
  });

  it("is for admins and Pathways itself only", async () => {
    const world = await reportWorld(use().db);
    await expect(
      importHistoricalData({ ctx: world.ctxOf("commissioner"), input: {} }),
    ).rejects.toBeInstanceOf(Forbidden);
  });
});

describe("spreadsheet times", () => {
  it("reads London wall-clock times across the clock changes, and times with offsets as given", () => {
    expect(parseMoment("2024-01-15 09:00")?.toISOString()).toBe("2024-01-15T09:00:00.000Z");
    expect(parseMoment("2024-07-15 09:00")?.toISOString()).toBe("2024-07-15T08:00:00.000Z");
    // 31 March 2024, the first day of BST: 00:30 is GMT, 03:00 is BST.
    expect(parseMoment("2024-03-31 00:30")?.toISOString()).toBe("2024-03-31T00:30:00.000Z");
    expect(parseMoment("2024-03-31 03:00")?.toISOString()).toBe("2024-03-31T02:00:00.000Z");
    expect(parseMoment("2024-07-15")?.toISOString()).toBe("2024-07-15T11:00:00.000Z");
    expect(parseMoment("2024-07-15T09:00:00+02:00")?.toISOString()).toBe("2024-07-15T07:00:00.000Z");
    expect(parseMoment("2024-02-30 10:00")).toBeNull();
    expect(parseMoment("15/07/2024")).toBeNull();
  });
});

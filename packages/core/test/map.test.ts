import { randomUUID } from "node:crypto";
import { contacts, eq, incidents, organisations, taskforceActivity, users } from "@pathways/db";
import { mapLayerNames } from "@pathways/validators";
import { describeDb } from "@pathways/vitest-config";
import { at, on, once, type ReportWorld, reportWorld } from "@pathways/vitest-config/report-world";
import { expect, it } from "vitest";
import { ValidationError } from "../src/errors.ts";
import { mapView } from "../src/map/index.ts";
import { runReport } from "../src/reports/registry.ts";

// A period no other suite's rows fall in: the map reads every hotspot's records.
const march = { from: "2019-03-01", to: "2019-03-31" } as const;
const today = "2019-06-01";

/**
 * South Park: 9 contacts (one with its own point, one of the provider's client), 2 needle finds (12
 * needles), 3 community reports, 2 needle sweeps by this taskforce and 1 by another. Grandpont: 3
 * contacts (a small count). Elsewhere (free text): 2 contacts, 1 needle find of 4.
 */
async function mapWorld(world: ReportWorld) {
  const { southPark, grandpont } = world.hotspots;
  for (let i = 0; i < 7; i++) await world.contact({ at: "2019-03-05" });
  const [client] = await world.people(1);
  const [stranger] = await world.people(1);
  // The provider's client: referred to one of its services.
  await world.referral({
    personId: client!,
    serviceId: world.service("opiate_treatment"),
    requestedAt: "2019-03-06",
  });
  const clientContact = await world.contact({ at: "2019-03-06", personId: client! });
  const strangerContact = await world.contact({ at: "2019-03-06", personId: stranger!, hotspotId: null });
  for (let i = 0; i < 3; i++) await world.contact({ at: "2019-03-07", hotspotId: grandpont.id });
  await world.contact({ at: "2019-03-08", hotspotId: null });
  // Outside the period.
  await world.contact({ at: "2019-04-01" });
  await world.db.update(contacts).set({ lat: 51.75, lng: -1.23 }).where(eq(contacts.id, clientContact));
  await world.needleFind({ at: "2019-03-10", count: 5 });
  await world.needleFind({ at: "2019-03-11", count: 7 });
  await world.needleFind({ at: "2019-03-12", count: 4, hotspotId: null });
  for (let i = 0; i < 3; i++) await world.communityReport({ at: "2019-03-15" });

  const [otherTaskforce] = await world.db
    .insert(organisations)
    .values({ name: `Other taskforce ${world.tag}`, kind: "taskforce" })
    .returning();
  const [otherOfficer] = await world.db
    .insert(users)
    .values({
      organisationId: otherTaskforce!.id,
      email: `officer.${world.tag}@test.pathways`,
      name: "Other officer",
      role: "outreach_worker",
      passwordHash: "not-a-hash",
    })
    .returning();
  const sweep = (organisationId: string, userId: string) => ({
    clientKey: randomUUID(),
    kind: "needle_sweep" as const,
    occurredAt: at("2019-03-20"),
    hotspotId: southPark.id,
    loggedByUserId: userId,
    organisationId,
  });
  const worker = world.actors.outreach_worker;
  await world.db
    .insert(taskforceActivity)
    .values([
      sweep(worker.organisationId, worker.userId),
      sweep(worker.organisationId, worker.userId),
      sweep(otherTaskforce!.id, otherOfficer!.id),
    ]);
  // Incidents: 2 at South Park, 1 with its own point outside every hotspot, 1 known by an area name only.
  const incident = (
    reference: string,
    place: { hotspotId?: string; lat?: number; lng?: number; areaName?: string },
  ) => ({
    occurredAt: at("2019-03-25"),
    category: "drug_offence" as const,
    source: "police" as const,
    sourceReference: `${world.tag}-${reference}`,
    ...place,
  });
  await world.db
    .insert(incidents)
    .values([
      incident("1", { hotspotId: southPark.id, areaName: "South Park" }),
      incident("2", { hotspotId: southPark.id, areaName: "South Park" }),
      incident("3", { lat: 51.74, lng: -1.21 }),
      incident("4", { areaName: "Cowley" }),
    ]);
  return { world, clientContact, strangerContact };
}

describeDb("the map", (use) => {
  const data = once(async () => mapWorld(await reportWorld(use().db)));
  const view = async (role: Parameters<ReportWorld["ctxOf"]>[0], input: unknown = march) => {
    const { world } = await data();
    return mapView({ ctx: on(world.ctxOf(role), today), input });
  };

  it("shows an outreach worker every layer of the period as points, and exact counts per hotspot and elsewhere", async () => {
    const { world, clientContact } = await data();
    const map = await view("outreach_worker");
    const { southPark, grandpont } = world.hotspots;
    expect(map.disclosureControl).toBe(false);
    expect(map.layers).toEqual(mapLayerNames);
    expect(map.hotspots.map((h) => h.id)).toEqual(expect.arrayContaining([southPark.id, grandpont.id]));
    const figures = (id: string | null) =>
      map.counts.find((row) => (row.hotspot?.id ?? null) === id)?.figures;
    expect(figures(southPark.id)).toEqual({
      contacts: 8,
      needleFinds: 12,
      communityReports: 3,
      taskforceActivity: 2,
      incidents: 2,
    });
    expect(figures(grandpont.id)).toEqual({
      contacts: 3,
      needleFinds: 0,
      communityReports: 0,
      taskforceActivity: 0,
      incidents: 0,
    });
    expect(figures(null)).toEqual({
      contacts: 2,
      needleFinds: 4,
      communityReports: 0,
      taskforceActivity: 0,
      incidents: 2,
    });
    expect(map.counts.at(-1)?.hotspot).toBeNull();

    const contactLayer = map.points!.contacts!;
    // Free-text contacts have no point; the rest are drawn at their own point or their hotspot's centre.
    expect(contactLayer.points).toHaveLength(11);
    expect(contactLayer.unplaced).toBe(2);
    const own = contactLayer.points.find((p) => p.id === clientContact)!;
    expect([own.lat, own.lng]).toEqual([51.75, -1.23]);
    const atGrandpont = contactLayer.points.find((p) => p.hotspotId === grandpont.id)!;
    expect([atGrandpont.lat, atGrandpont.lng]).toEqual([grandpont.lat, grandpont.lng]);
    expect(Object.keys(own).sort()).toEqual(["at", "hotspotId", "id", "kind", "lat", "lng", "weight"]);
    expect(map.points!.needleFinds!.points.map((p) => p.weight).sort()).toEqual([5, 7]);
    // Its own taskforce's sweeps only.
    expect(map.points!.taskforceActivity!.points).toHaveLength(2);
    const incidentLayer = map.points!.incidents!;
    expect(incidentLayer.points.map((p) => [p.lat, p.lng]).sort()).toEqual(
      [
        [51.74, -1.21],
        [southPark.lat, southPark.lng],
        [southPark.lat, southPark.lng],
      ].sort(),
    );
    expect(incidentLayer.unplaced).toBe(1);
  });

  it("shows a treatment manager only their own clients' contacts, and no other layer", async () => {
    const { clientContact } = await data();
    const map = await view("treatment_manager");
    expect(map.layers).toEqual(["contacts"]);
    expect(map.points!.contacts!.points.map((p) => p.id)).toEqual([clientContact]);
    expect(map.counts.flatMap((row) => Object.values(row.figures)).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("shows an admin every taskforce's activity", async () => {
    const map = await view("admin");
    expect(map.layers).toEqual(mapLayerNames);
    expect(map.points!.taskforceActivity!.points).toHaveLength(3);
  });

  it("gives a commissioner counts per area only: no point, the hotspot report's own protected figures, nothing from 1 to 4", async () => {
    const { world } = await data();
    const map = await view("commissioner");
    expect(map.disclosureControl).toBe(true);
    expect(map.points).toBeNull();
    // The only coordinates in the answer are the hotspots' own.
    const text = JSON.stringify({ ...map, hotspots: [] });
    expect(text).not.toMatch(/"lat"|"lng"|51\.75|-1\.23/);
    for (const row of map.counts) {
      for (const value of Object.values(row.figures)) expect(value === 0 || value >= 5).toBe(true);
    }
    const southPark = map.counts.find((r) => r.hotspot?.id === world.hotspots.southPark.id)!;
    expect(southPark.figures.contacts).toBeGreaterThanOrEqual(6);
    // Every taskforce's 3 sweeps and the 2 incidents there, protected.
    expect([0, 5]).toContain(southPark.figures.taskforceActivity);
    expect([0, 5]).toContain(southPark.figures.incidents);
    expect(Object.keys(southPark.figures).sort()).toEqual([
      "communityReports",
      "contacts",
      "incidents",
      "needleFinds",
      "taskforceActivity",
    ]);
    const report = await runReport("hotspots", { ctx: on(world.ctxOf("commissioner"), today), input: march });
    expect(report.byHotspot.length).toBeGreaterThanOrEqual(3);
    for (const place of report.byHotspot) {
      const row = map.counts.find((r) => (r.hotspot?.id ?? null) === (place.hotspot?.id ?? null))!;
      expect(row.figures).toMatchObject({
        contacts: place.contacts.current,
        needleFinds: place.needlesFound.current,
        communityReports: place.communityReports.current,
      });
    }
    // Grandpont's 3 contacts are never shown as 3; the same question always gets the same answer.
    const grandpont = map.counts.find((r) => r.hotspot?.id === world.hotspots.grandpont.id)!;
    expect([0, 5]).toContain(grandpont.figures.contacts);
    expect((await view("commissioner")).counts).toEqual(map.counts);
  });

  it("refuses a commissioner's period that is not whole months, naming the field", async () => {
    const refused = await view("commissioner", { from: "2019-03-02", to: "2019-03-31" }).catch((e) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(Object.keys((refused as ValidationError).fields)).toEqual(["from"]);
  });
});

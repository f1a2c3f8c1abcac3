import { randomUUID } from "node:crypto";
import { communityReports, eq } from "@pathways/db";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { callerAs, refusal } from "./helpers.ts";

/** The code and per-field messages of a refused call. */
async function fieldErrorsOf(call: Promise<unknown>) {
  const { code, fieldErrors } = await refusal(call);
  return { code, fieldErrors };
}

const report = {
  category: "discarded_needles" as const,
  description: "Needles in the long grass behind the bench, about ten of them.",
};

describeDb("community reports through the API: the resident's pin", (use) => {
  it("stores a resident's pin, shows it to triage, and tells the reporter only that a location was shared", async () => {
    const db = use().db;
    const { actors } = await makeWorld(db);
    const resident = callerAs(db, { kind: "public", address: `203.0.113.${randomUUID()}` });
    const submitted = await resident.community.submit({ ...report, lat: 51.74312, lng: -1.25678 });

    const [row] = await db
      .select({ id: communityReports.id, lat: communityReports.lat, lng: communityReports.lng })
      .from(communityReports)
      .where(eq(communityReports.reference, submitted.reference));
    expect(row).toMatchObject({ lat: 51.74312, lng: -1.25678 });

    const triage = await callerAs(db, actors.outreach_worker).community.get({ id: row!.id });
    expect(triage).toMatchObject({ lat: 51.74312, lng: -1.25678 });

    const tracked = await resident.community.track({ token: submitted.token });
    expect(tracked.sharedLocation).toBe(true);
    expect(JSON.stringify(tracked)).not.toMatch(/51\.74|1\.256|"lat"|"lng"/);
  });

  it("refuses a pin off the globe or half a pin, naming the field", async () => {
    const db = use().db;
    const resident = callerAs(db, { kind: "public", address: `203.0.113.${randomUUID()}` });
    const stored = await db.$count(communityReports);
    expect(await fieldErrorsOf(resident.community.submit({ ...report, lat: 91, lng: -1.25 }))).toEqual({
      code: "BAD_REQUEST",
      fieldErrors: { lat: ["latitude must be between -90 and 90"] },
    });
    expect(await fieldErrorsOf(resident.community.submit({ ...report, lat: 51.7, lng: -180.5 }))).toEqual({
      code: "BAD_REQUEST",
      fieldErrors: { lng: ["longitude must be between -180 and 180"] },
    });
    expect(await fieldErrorsOf(resident.community.submit({ ...report, lat: 51.7 }))).toEqual({
      code: "BAD_REQUEST",
      fieldErrors: { lng: ["location: a shared location needs both latitude and longitude"] },
    });
    expect(
      await fieldErrorsOf(
        resident.community.submit({ ...report, lat: Number.NaN, lng: -1.25 } as typeof report & {
          lat: number;
          lng: number;
        }),
      ),
    ).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { lat: [expect.any(String)] } });
    expect(await db.$count(communityReports)).toBe(stored);
  });

  it("tells anyone, signed in or not, which tile server the maps use (the resident's form has one)", async () => {
    const db = use().db;
    const resident = callerAs(db, { kind: "public", address: `203.0.113.${randomUUID()}` });
    expect(await resident.map.tiles()).toBeNull();
  });
});

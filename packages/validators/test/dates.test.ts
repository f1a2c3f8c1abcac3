import { describe, expect, it } from "vitest";
import { serviceToday } from "../src/calendar.ts";
import { addYears, latestEventDay } from "../src/dates.ts";
import {
  AppointmentInput,
  AuditSearchInput,
  ConsentInput,
  ContactInput,
  DischargeInput,
  FunnelInput,
  NeedleFindInput,
  PersonInput,
} from "../src/index.ts";

const id = "6f1c1f4e-9a55-4c55-8f55-0a5d2c1e4b11";

/** The messages a schema gives for `field`, when `value` is put there. */
function messagesFor(
  schema: { safeParse(input: unknown): { error?: { issues: { path: PropertyKey[]; message: string }[] } } },
  input: Record<string, unknown>,
  field: string,
) {
  return (schema.safeParse(input).error?.issues ?? [])
    .filter((issue) => issue.path[0] === field)
    .map((issue) => issue.message);
}

describe("date bounds, one home for every date field", () => {
  const yearAfter = addYears(latestEventDay(), 1);

  it("refuses a date of birth before 1900 or in the future, naming the field", () => {
    const person = { firstInitial: "J", surnameInitial: "S", sex: "male" };
    expect(messagesFor(PersonInput, { ...person, dateOfBirth: "1899-12-31" }, "dateOfBirth")).toEqual([
      "date of birth must be 1900-01-01 or later",
    ]);
    expect(messagesFor(PersonInput, { ...person, dateOfBirth: "0000-01-01" }, "dateOfBirth")).toEqual([
      "date of birth must be 1900-01-01 or later",
    ]);
    expect(
      messagesFor(PersonInput, { ...person, dateOfBirth: addYears(serviceToday(), 1) }, "dateOfBirth"),
    ).toEqual(["date of birth cannot be in the future"]);
    expect(PersonInput.safeParse({ ...person, dateOfBirth: "1900-01-01" }).success).toBe(true);
  });

  it("refuses contacts and needle finds in year 0, negative years, before 2000 or in the future", () => {
    const contact = { clientKey: "abcdefgh12", location: "park", contactType: "street_outreach" };
    const find = { clientKey: "abcdefgh12", location: "park", count: 3 };
    for (const moment of [
      new Date("0000-01-01T00:00:00Z"),
      new Date("-000001-06-01T00:00:00Z"),
      new Date("1999-12-31T23:59:59Z"),
    ]) {
      expect(messagesFor(ContactInput, { ...contact, occurredAt: moment }, "occurredAt")).toEqual([
        "time of contact must be 2000-01-01 or later",
      ]);
      expect(messagesFor(NeedleFindInput, { ...find, foundAt: moment }, "foundAt")).toEqual([
        "time found must be 2000-01-01 or later",
      ]);
    }
    for (const moment of [new Date("+010000-01-01T00:00:00Z"), new Date(Date.now() + 86_400_000)]) {
      expect(messagesFor(ContactInput, { ...contact, occurredAt: moment }, "occurredAt")).toEqual([
        "time of contact cannot be in the future",
      ]);
    }
    expect(
      messagesFor(ContactInput, { ...contact, occurredAt: new Date(Number.NaN) }, "occurredAt"),
    ).toHaveLength(1);
  });

  it("refuses consents, treatment days, appointments, report periods and audit searches out of range", () => {
    expect(
      messagesFor(
        ConsentInput,
        { personId: id, kind: "share", status: "given", recordedOn: "0000-01-01" },
        "recordedOn",
      ),
    ).toEqual(["date of consent must be 2000-01-01 or later"]);
    expect(
      messagesFor(
        ConsentInput,
        { personId: id, kind: "share", status: "given", recordedOn: addYears(serviceToday(), 1) },
        "recordedOn",
      ),
    ).toEqual(["date of consent cannot be in the future"]);
    expect(messagesFor(DischargeInput, { episodeId: id, dischargedOn: yearAfter }, "dischargedOn")).toEqual([
      `discharge date must be on or before ${latestEventDay()}`,
    ]);
    expect(
      messagesFor(AppointmentInput, { episodeId: id, scheduledAt: "+010000-01-01T00:00:00Z" }, "scheduledAt"),
    ).toEqual([`appointment time must be on or before ${latestEventDay()}`]);
    expect(
      messagesFor(AppointmentInput, { episodeId: id, scheduledAt: "-000001-01-01T00:00:00Z" }, "scheduledAt"),
    ).toEqual(["appointment time must be 2000-01-01 or later"]);
    expect(messagesFor(FunnelInput, { from: "0000-01-01", to: "2025-01-01" }, "from")).toEqual([
      "from must be 2000-01-01 or later",
    ]);
    expect(messagesFor(AuditSearchInput, { from: "0000-01-01" }, "from")).toEqual([
      "from must be 2000-01-01 or later",
    ]);
    expect(messagesFor(AuditSearchInput, { to: "9999-12-31" }, "to")).toEqual([
      `to must be on or before ${latestEventDay()}`,
    ]);
  });
});

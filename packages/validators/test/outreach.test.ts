import { describe, expect, it } from "vitest";
import {
  attributorOf,
  ContactInput,
  FindPeopleInput,
  fieldErrors,
  MergePeopleInput,
  NeedleFindInput,
  PersonInput,
} from "../src/index.ts";

const hotspotId = "0b6a3a2e-5d8e-4c36-9d0e-6f1a2b3c4d5e";

function contact(overrides: Record<string, unknown> = {}) {
  return {
    clientKey: "device-key-0001",
    occurredAt: new Date(Date.now() - 60_000),
    hotspotId,
    contactType: "street_outreach",
    ...overrides,
  };
}

describe("people", () => {
  it("normalises initials and partial postcodes and builds the attributor", () => {
    const person = PersonInput.parse({
      firstInitial: " j",
      surnameInitial: "s",
      dateOfBirth: "1988-03-14",
      sex: "male",
      partialPostcode: " ox4   1 ",
    });
    expect(person).toMatchObject({ firstInitial: "J", surnameInitial: "S", partialPostcode: "OX4 1" });
    expect(attributorOf(person)).toBe("JS-1988-03-14-M");
    expect(attributorOf({ ...person, sex: "unknown" })).toBe("JS-1988-03-14-U");
  });

  it("names the field and the rule for each bad value", () => {
    const nextYear = `${new Date().getUTCFullYear() + 1}-01-01`;
    const result = PersonInput.safeParse({
      firstInitial: "Jo",
      surnameInitial: "7",
      dateOfBirth: nextYear,
      sex: "m",
      alias: "x".repeat(61),
      partialPostcode: "OX4 1DP",
    });
    expect(fieldErrors(result.error!)).toEqual({
      firstInitial: ["first initial must be one letter, A to Z"],
      surnameInitial: ["surname initial must be one letter, A to Z"],
      dateOfBirth: ["date of birth cannot be in the future"],
      sex: ["sex must be one of male, female, other, unknown"],
      alias: ["alias must be at most 60 characters"],
      partialPostcode: [
        "partial postcode must be the first part of a postcode, optionally with one more digit, like OX4 1",
      ],
    });
    expect(
      fieldErrors(
        PersonInput.safeParse({
          firstInitial: "J",
          surnameInitial: "S",
          dateOfBirth: "1988-02-30",
          sex: "male",
        }).error!,
      ),
    ).toEqual({ dateOfBirth: ["date of birth must be a real calendar date"] });
  });

  it("refuses an empty search and a merge of a person with themselves", () => {
    expect(fieldErrors(FindPeopleInput.safeParse({ query: "  " }).error!)).toEqual({
      query: ["search cannot be empty"],
    });
    expect(
      fieldErrors(MergePeopleInput.safeParse({ survivorId: hotspotId, mergedId: hotspotId }).error!),
    ).toEqual({ mergedId: ["choose two different people to merge"] });
  });
});

describe("contacts", () => {
  it("accepts a quick anonymous contact and fills in empty lists", () => {
    const parsed = ContactInput.parse(contact());
    expect(parsed).toMatchObject({ substances: [], interventions: [], safeguardingConcerns: [] });
  });

  it("needs a place, counted quantities, no repeats and bounded notes", () => {
    const result = ContactInput.safeParse(
      contact({
        clientKey: "short",
        hotspotId: undefined,
        lat: 51.75,
        occurredAt: new Date(Date.now() + 3_600_000),
        substances: ["heroin", "heroin"],
        interventions: [
          { intervention: "naloxone_supplied" },
          { intervention: "harm_reduction_advice", quantity: 2 },
          { intervention: "needles_supplied", quantity: 0 },
        ],
        notes: "x".repeat(2001),
      }),
    );
    expect(fieldErrors(result.error!)).toEqual({
      clientKey: ["client key must be 8 to 100 letters, digits, hyphens or underscores"],
      occurredAt: ["time of contact cannot be in the future"],
      hotspotId: ["choose a hotspot or describe the location"],
      lng: ["give both latitude and longitude, or neither"],
      substances: ["substances must not repeat"],
      "interventions.0.quantity": ["quantity of naloxone kits supplied is required"],
      "interventions.1.quantity": ["quantity only applies to naloxone kits, needles and sharps returned"],
      "interventions.2.quantity": ["quantity must be at least 1"],
      notes: ["notes must be at most 2000 characters"],
    });
  });

  it("keeps notes as plain text: line breaks and markup are fine, control characters are not", () => {
    expect(ContactInput.parse(contact({ notes: "<b>seen</b>\nby the gate" })).notes).toBe(
      "<b>seen</b>\nby the gate",
    );
    expect(fieldErrors(ContactInput.safeParse(contact({ notes: "a\u0000b" })).error!)).toEqual({
      notes: ["notes cannot contain control characters"],
    });
  });

  it("takes an existing person or a new one, not both", () => {
    const result = ContactInput.safeParse(
      contact({
        personId: hotspotId,
        newPerson: { firstInitial: "A", surnameInitial: "B", dateOfBirth: "1990-01-01", sex: "female" },
      }),
    );
    expect(fieldErrors(result.error!)).toEqual({
      newPerson: ["choose an existing person or add a new one, not both"],
    });
  });

  it("bounds needle find counts", () => {
    const result = NeedleFindInput.safeParse({
      clientKey: "device-key-0002",
      foundAt: new Date(),
      location: "Behind the pavilion",
      count: 0,
    });
    expect(fieldErrors(result.error!)).toEqual({ count: ["count must be at least 1"] });
  });
});

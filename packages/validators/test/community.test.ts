import { describe, expect, it } from "vitest";
import { reportStatuses } from "../src/codes.ts";
import { fieldErrors } from "../src/common.ts";
import {
  CommunityReportDuplicateInput,
  CommunityReportInput,
  CommunityReportLinkInput,
  CommunityReportListInput,
  CommunityReportNoteInput,
  CommunityReportStatusChange,
  CommunityReportTokenInput,
  closedReportStatuses,
  reportStatusTransitions,
} from "../src/community.ts";

function errorsOf(
  schema: { safeParse(value: unknown): { success: boolean; error?: unknown } },
  value: unknown,
) {
  const result = schema.safeParse(value);
  return result.success ? {} : fieldErrors(result.error as Parameters<typeof fieldErrors>[0]);
}

const report = { category: "drug_use", location: "Bonn Square benches", description: "People injecting." };

describe("the community report form", () => {
  it("accepts a report with only what is required, treating blank optional fields as not given", () => {
    expect(
      CommunityReportInput.parse({
        ...report,
        hotspotId: "",
        contactEmail: " ",
        contactPhone: "",
        website: "",
      }),
    ).toEqual({ ...report, website: "" });
  });

  it("needs a place, a whole shared location, and a description of at most 2,000 characters", () => {
    expect(errorsOf(CommunityReportInput, { category: "drug_use", description: "x".repeat(2001) })).toEqual({
      description: ["description must be at most 2000 characters"],
      location: ["where: pick a place from the list, type where it was, or share your location"],
    });
    expect(errorsOf(CommunityReportInput, { ...report, lat: 51.75 })).toEqual({
      lng: ["location: a shared location needs both latitude and longitude"],
    });
    expect(errorsOf(CommunityReportInput, { ...report, lng: -1.26 })).toEqual({
      lat: ["location: a shared location needs both latitude and longitude"],
    });
    expect(
      CommunityReportInput.parse({ ...report, location: undefined, lat: 51.75, lng: -1.26 }),
    ).toMatchObject({
      lat: 51.75,
      lng: -1.26,
    });
  });

  it("checks the contact details it is given", () => {
    expect(
      errorsOf(CommunityReportInput, { ...report, contactEmail: "nope", contactPhone: "call me" }),
    ).toEqual({
      contactEmail: ["email must be an email address, like name@example.org"],
      contactPhone: ["phone must be a phone number, like 07700 900123"],
    });
    expect(CommunityReportInput.parse({ ...report, contactPhone: " +44 7700 900123 " }).contactPhone).toBe(
      "+44 7700 900123",
    );
    expect(errorsOf(CommunityReportInput, { ...report, category: "noise" })).toEqual({
      category: ["category: choose what you are reporting"],
    });
  });

  it("takes any string as a tracking token, so a malformed one is answered like any other", () => {
    for (const token of ["", "x", "' or 1=1", "A".repeat(43)]) {
      expect(CommunityReportTokenInput.parse({ token })).toEqual({ token });
    }
  });
});

describe("triage inputs", () => {
  it("lists active reports 25 at a time by default, and refuses an age range the wrong way round", () => {
    expect(CommunityReportListInput.parse({})).toEqual({ status: "active", limit: 25 });
    expect(errorsOf(CommunityReportListInput, { minAgeDays: 10, maxAgeDays: 2 })).toEqual({
      minAgeDays: ["minimum age cannot be more than the maximum age"],
    });
  });

  it("needs a public note with every status change, and some note for a note", () => {
    const id = "6f1c2a44-1b7e-4a53-9d55-2c0f3f1b2e10";
    expect(errorsOf(CommunityReportStatusChange, { id, status: "closed_actioned", publicNote: " " })).toEqual(
      {
        publicNote: ["public note cannot be empty"],
      },
    );
    expect(
      errorsOf(CommunityReportStatusChange, { id, status: "duplicate", publicNote: "Seen" }),
    ).toHaveProperty("status");
    expect(errorsOf(CommunityReportNoteInput, { id, publicNote: "", internalNote: "" })).toEqual({
      publicNote: ["note: write a public note, an internal note, or both"],
    });
    expect(errorsOf(CommunityReportLinkInput, { id })).toEqual({
      contactId: ["link: choose a contact or a needle find"],
    });
    expect(CommunityReportLinkInput.parse({ id, contactId: null })).toEqual({ id, contactId: null });
  });

  it("reads a duplicate's reference however it is typed", () => {
    const id = "6f1c2a44-1b7e-4a53-9d55-2c0f3f1b2e10";
    expect(
      CommunityReportDuplicateInput.parse({ id, duplicateOfReference: " cr-2026-000123 " }),
    ).toMatchObject({
      duplicateOfReference: "CR-2026-000123",
    });
    expect(errorsOf(CommunityReportDuplicateInput, { id, duplicateOfReference: "123" })).toEqual({
      duplicateOfReference: ["reference must look like CR-2026-000123"],
    });
  });
});

describe("the status machine", () => {
  it("reaches every status from open, and lets nothing leave a closed status", () => {
    const reachable = new Set(["open"]);
    for (let round = 0; round < reportStatuses.length; round += 1) {
      for (const status of [...reachable])
        for (const next of reportStatusTransitions[status as "open"]) reachable.add(next);
    }
    expect([...reachable].sort()).toEqual([...reportStatuses].sort());
    for (const status of closedReportStatuses) expect(reportStatusTransitions[status]).toEqual([]);
    expect(reportStatusTransitions.open).not.toContain("closed_actioned");
  });
});

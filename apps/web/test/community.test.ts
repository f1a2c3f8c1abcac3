import { describe, expect, it } from "vitest";
import { ageLabel, isPublicPath, placeLabel, trackingUrl, updateLabel } from "../src/lib/community.ts";
import { homePath, mayVisit } from "../src/lib/session.ts";

describe("community report pages", () => {
  it("opens the report form and tracking pages without signing in, and nothing else", () => {
    expect(isPublicPath("/report")).toBe(true);
    expect(isPublicPath("/track/AbC-123_xyz")).toBe(true);
    expect(isPublicPath("/track/")).toBe(false);
    expect(isPublicPath("/track/a/b")).toBe(false);
    expect(isPublicPath("/triage")).toBe(false);
    expect(isPublicPath("/reports")).toBe(false);
    expect(isPublicPath("/")).toBe(false);
  });

  it("lets outreach workers and admins triage, and keeps everyone else's home page where it was", () => {
    expect(mayVisit("outreach_worker", "/triage")).toBe(true);
    expect(mayVisit("admin", "/triage/1b2c")).toBe(true);
    expect(mayVisit("treatment_manager", "/triage")).toBe(false);
    expect(mayVisit("commissioner", "/triage/1b2c")).toBe(false);
    expect(homePath("outreach_worker")).toBe("/outreach");
    expect(homePath("admin")).toBe("/hotspots");
  });

  it("describes places, ages, links and updates in words", () => {
    expect(placeLabel({ hotspotName: "South Park", location: null, sharedLocation: false })).toBe(
      "South Park",
    );
    expect(placeLabel({ hotspotName: null, location: null, sharedLocation: true })).toBe("A shared location");
    expect(ageLabel(0)).toBe("today");
    expect(ageLabel(1)).toBe("1 day old");
    expect(ageLabel(12)).toBe("12 days old");
    expect(trackingUrl("https://pathways.example.org", "tok_en-1")).toBe(
      "https://pathways.example.org/track/tok_en-1",
    );
    const base = { messageId: "m", lastError: null, sentAt: null };
    expect(updateLabel({ ...base, status: "pending", attempts: 0 }, "email")).toBe(
      "Update to the reporter waiting to be sent by email.",
    );
    expect(updateLabel({ ...base, status: "pending", attempts: 2 }, "email")).toBe(
      "Update not sent yet: attempt 2 failed; it will be tried again.",
    );
    expect(updateLabel({ ...base, status: "failed", attempts: 10 }, "email")).toBe(
      "Update could not be sent after 10 attempts.",
    );
    expect(
      updateLabel(
        { ...base, status: "sent", attempts: 1, sentAt: new Date("2026-06-12T13:03:00Z") },
        "email",
      ),
    ).toBe("Update sent by email on 12 Jun 2026, 14:03.");
  });
});

import { describe, expect, it } from "vitest";
import { homePath, mayVisit } from "../src/lib/session.ts";

describe("the people area", () => {
  it("refuses a commissioner any person page, even typed into the address bar", () => {
    expect(mayVisit("commissioner", "/people")).toBe(false);
    expect(mayVisit("commissioner", "/people/0b6a3a2e-5d8e-4c36-9d0e-6f1a2b3c4d5e")).toBe(false);
  });

  it("lets the roles that read people in, without changing anyone's home page", () => {
    for (const role of ["outreach_worker", "treatment_manager", "admin"] as const) {
      expect(mayVisit(role, "/people/0b6a3a2e-5d8e-4c36-9d0e-6f1a2b3c4d5e")).toBe(true);
    }
    expect(mayVisit("treatment_manager", "/outreach/recent")).toBe(false);
    expect(homePath("outreach_worker")).toBe("/outreach");
    expect(homePath("admin")).toBe("/hotspots");
  });
});

import { describe, expect, it } from "vitest";
import { homePath, mayVisit, navItems } from "../src/lib/session.ts";

describe("navigation by role", () => {
  it("sends each role to its own home", () => {
    expect(homePath("outreach_worker")).toBe("/outreach");
    expect(homePath("treatment_manager")).toBe("/caseload");
    expect(homePath("commissioner")).toBe("/reports");
    expect(homePath("admin")).toBe("/hotspots");
  });

  it("keeps commissioners out of person-level areas, even by typed URL", () => {
    expect(mayVisit("commissioner", "/outreach")).toBe(false);
    expect(mayVisit("commissioner", "/caseload/anything")).toBe(false);
    expect(mayVisit("commissioner", "/reports")).toBe(true);
  });

  it("shows no role an area it may not use", () => {
    for (const item of navItems) {
      for (const role of ["outreach_worker", "treatment_manager", "commissioner", "admin"] as const) {
        const also = item.alsoFor?.roles.includes(role) ?? false;
        expect(mayVisit(role, item.href)).toBe(item.roles.includes(role) || also);
      }
    }
  });
});

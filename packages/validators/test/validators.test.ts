import { describe, expect, it } from "vitest";
import { day, fieldErrors, HotspotInput, SignInInput, UserInput } from "../src/index.ts";

describe("shared validators", () => {
  it("accepts real calendar dates only", () => {
    const date = day("date");
    expect(date.safeParse("1988-03-14").success).toBe(true);
    expect(date.safeParse("2024-02-29").success).toBe(true);
    expect(date.safeParse("2023-02-29").error?.issues[0]?.message).toBe("date must be a real calendar date");
    expect(date.safeParse("14/03/1988").error?.issues[0]?.message).toBe("date must be a date as YYYY-MM-DD");
  });

  it("normalises emails so sign-in is case-insensitive", () => {
    expect(SignInInput.parse({ email: "  Outreach@Demo.Pathways ", password: "x" }).email).toBe(
      "outreach@demo.pathways",
    );
  });

  it("gives each field its own message", () => {
    const result = UserInput.safeParse({
      organisationId: "nope",
      email: "x",
      name: " ",
      role: "boss",
      password: "short",
    });
    expect(result.success).toBe(false);
    expect(fieldErrors(result.error!)).toEqual({
      organisationId: ["must be a valid id"],
      email: ["email must be a valid address, like name@example.org"],
      name: ["name cannot be empty"],
      role: ["role must be one of outreach_worker, treatment_manager, commissioner, admin"],
      password: ["password must be at least 12 characters"],
    });
  });

  it("bounds coordinates and names", () => {
    const result = HotspotInput.safeParse({ name: "x".repeat(81), lat: 91, lng: -181 });
    expect(fieldErrors(result.error!)).toEqual({
      name: ["name must be at most 80 characters"],
      lat: ["latitude must be between -90 and 90"],
      lng: ["longitude must be between -180 and 180"],
    });
  });
});

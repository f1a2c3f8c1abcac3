import { describe, expect, it } from "vitest";
import {
  addDays,
  daysBetween,
  isWithinDaysAfter,
  localDay,
  serviceTimeZone,
  serviceToday,
} from "../src/calendar.ts";

describe("the service's calendar (DOMAIN.md)", () => {
  it("is in Europe/London by default", () => {
    expect(serviceTimeZone).toBe("Europe/London");
  });

  it("takes the local day, not the UTC one, across daylight saving", () => {
    expect(localDay(new Date("2026-06-30T23:30:00Z"))).toBe("2026-07-01");
    expect(localDay(new Date("2026-01-31T23:30:00Z"))).toBe("2026-01-31");
    expect(localDay(new Date("2026-03-29T00:30:00Z"))).toBe("2026-03-29");
  });

  it("says what day it is today in the service's time zone", () => {
    // 23:30 UTC on 30 June is already 1 July in London (BST); at 23:30 UTC in January it is not.
    expect(serviceToday(new Date("2026-06-30T23:30:00Z"))).toBe("2026-07-01");
    expect(serviceToday(new Date("2026-01-30T23:30:00Z"))).toBe("2026-01-30");
  });

  it("counts whole days, across month and leap-year ends", () => {
    expect(daysBetween("2026-01-01", "2026-01-22")).toBe(21);
    expect(daysBetween("2024-02-28", "2024-03-01")).toBe(2);
    expect(daysBetween("2026-03-01", "2026-02-28")).toBe(-1);
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });

  it("reads 'within N days after D' as D < day <= D + N", () => {
    expect(isWithinDaysAfter("2026-01-01", "2026-01-01", 182)).toBe(false);
    expect(isWithinDaysAfter("2026-01-02", "2026-01-01", 182)).toBe(true);
    expect(isWithinDaysAfter("2026-07-02", "2026-01-01", 182)).toBe(true);
    expect(isWithinDaysAfter("2026-07-03", "2026-01-01", 182)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { metresBetween, nearestHotspot, roughDistance } from "../src/lib/nearest-hotspot.ts";

// Carfax and Magdalen Bridge, Oxford: about 0.8 km apart as the crow flies.
const carfax = { lat: 51.75197, lng: -1.25787 };
const magdalenBridge = { lat: 51.75036, lng: -1.24662 };

describe("nearest hotspot", () => {
  it("measures a great-circle distance in metres", () => {
    expect(metresBetween(carfax, carfax)).toBe(0);
    const metres = metresBetween(carfax, magdalenBridge);
    expect(metres).toBeGreaterThan(750);
    expect(metres).toBeLessThan(850);
    expect(metresBetween(magdalenBridge, carfax)).toBeCloseTo(metres, 6);
  });

  it("picks the hotspot whose centre is nearest, whatever the list's order", () => {
    const hotspots = [
      { name: "Alpha", ...magdalenBridge },
      { name: "Zulu", lat: carfax.lat + 0.0005, lng: carfax.lng },
    ];
    expect(nearestHotspot(carfax, hotspots)?.hotspot.name).toBe("Zulu");
    expect(nearestHotspot(carfax, [...hotspots].reverse())?.hotspot.name).toBe("Zulu");
    expect(nearestHotspot(carfax, [])).toBeNull();
  });

  it("says a distance roughly", () => {
    expect(roughDistance(3)).toBe("about 10 m");
    expect(roughDistance(144)).toBe("about 140 m");
    expect(roughDistance(2345)).toBe("about 2.3 km");
  });
});

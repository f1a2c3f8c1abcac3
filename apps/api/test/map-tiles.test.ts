import { hashPassword } from "@pathways/core";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { describe, expect, it } from "vitest";
import { ConfigError, tileTemplateOrigin } from "../src/env.ts";
import { call, serverOn, sessionCookieFrom, testConfig } from "./helpers.ts";

describe("PATHWAYS_MAP_TILES", () => {
  it("defaults to OpenStreetMap's tiles with their credit; 'none' turns tiles off", () => {
    expect(testConfig().mapTiles).toEqual({
      urlTemplate: "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
      attribution: "© OpenStreetMap contributors",
    });
    expect(testConfig({ PATHWAYS_MAP_TILES: "none" }).mapTiles).toBeNull();
    expect(
      testConfig({
        PATHWAYS_MAP_TILES: "https://{s}.tiles.example.org/{z}/{x}/{y}.png",
        PATHWAYS_MAP_ATTRIBUTION: "© Example",
      }).mapTiles,
    ).toEqual({ urlTemplate: "https://{s}.tiles.example.org/{z}/{x}/{y}.png", attribution: "© Example" });
  });

  it("refuses a template that is not https or lacks {z}, {x} or {y}, naming the setting", () => {
    for (const bad of [
      "http://tile.openstreetmap.org/{z}/{x}/{y}.png",
      "https://tile.openstreetmap.org/{z}/{x}.png",
      "javascript:alert(1)//{z}{x}{y}",
      "https://{a}.example.org/{z}/{x}/{y}.png",
    ]) {
      let error: unknown;
      try {
        testConfig({ PATHWAYS_MAP_TILES: bad });
      } catch (caught) {
        error = caught;
      }
      expect(error, bad).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems[0], bad).toMatch(
        /^PATHWAYS_MAP_TILES must be "none" or an https URL/,
      );
    }
  });

  it("turns a template into the one origin images may come from", () => {
    expect(tileTemplateOrigin("https://tile.openstreetmap.org/{z}/{x}/{y}.png")).toBe(
      "https://tile.openstreetmap.org",
    );
    expect(tileTemplateOrigin("https://{s}.tiles.example.org:8443/{z}/{x}/{y}.png")).toBe(
      "https://*.tiles.example.org:8443",
    );
  });
});

describeDb("the map's tiles over HTTP", (use) => {
  const policyOf = (headers: Record<string, unknown>) => String(headers["content-security-policy"]);

  it("lets images, and only images, come from the configured tile host, and hands the setting to anyone (the resident's form needs it)", async () => {
    const password = "correct horse battery staple";
    const { actors } = await makeWorld(use().db, { passwordHash: await hashPassword(password) });
    const app = await serverOn(use().handle);
    const policy = policyOf((await app.inject("/healthz")).headers);
    expect(policy).toContain("img-src 'self' data: https://tile.openstreetmap.org;");
    expect(policy.split(";").filter((part) => part.includes("openstreetmap"))).toHaveLength(1);
    expect(policy).toContain("connect-src 'self';");
    const setting = {
      urlTemplate: "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
      attribution: "© OpenStreetMap contributors",
    };
    // A resident without an account pins on the same tiles; the setting tells no more than the CSP.
    const signedOut = await call(app, "query", "map.tiles", undefined);
    expect([signedOut.status, signedOut.data]).toEqual([200, setting]);
    const signIn = await call(app, "mutation", "auth.signIn", { email: actors.commissioner.email, password });
    const tiles = await call(app, "query", "map.tiles", undefined, sessionCookieFrom(signIn.response));
    expect(tiles.data).toEqual(setting);
    await app.close();

    const without = await serverOn(use().handle, { PATHWAYS_MAP_TILES: "none" });
    expect(policyOf((await without.inject("/healthz")).headers)).toContain("img-src 'self' data:;");
    await without.close();
  });
});

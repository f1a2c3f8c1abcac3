import { apiClient } from "@pathways/bench";
import { demoPassword } from "@pathways/seed";
import { serviceToday } from "@pathways/validators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  demoEmail,
  desktop,
  expectAccessible,
  newPage,
  noSideways,
  phone,
  screenshot,
  signIn,
  startApp,
} from "../src/harness.ts";

let app: App;
// No tiles: the journeys have no network, and the map must be whole without them.
beforeAll(async () => {
  app = await startApp({ PATHWAYS_MAP_TILES: "none" });
}, 400_000);
afterAll(() => app?.stop());

/** Pairs of labels whose boxes overlap: none, if each area's counts can be read. */
async function overlappingLabels(map: import("playwright-core").Locator): Promise<string[]> {
  const labels = map.locator(".map-area-label");
  const boxes = [];
  for (let i = 0; i < (await labels.count()); i++) {
    const label = labels.nth(i);
    boxes.push({ name: (await label.innerText()).split("\n")[0]!, box: (await label.boundingBox())! });
  }
  const overlaps: string[] = [];
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      const apart =
        a.box.x + a.box.width <= b.box.x ||
        b.box.x + b.box.width <= a.box.x ||
        a.box.y + a.box.height <= b.box.y ||
        b.box.y + b.box.height <= a.box.y;
      if (!apart) overlaps.push(`${a.name} / ${b.name}`);
    }
  }
  return overlaps;
}

/** Requests the page made anywhere but Pathways itself (a CDN, a tile server). */
function requestsElsewhere(page: import("playwright-core").Page, own: string): string[] {
  const elsewhere: string[] = [];
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(own) && !url.startsWith("data:")) elsewhere.push(url);
  });
  return elsewhere;
}

describe("the map", { timeout: 240_000 }, () => {
  it("an outreach worker on a phone sees the hotspot areas and the layers as clusters, with the same figures in a table", async () => {
    const { page, context, url } = await newPage(app, phone);
    const elsewhere = requestsElsewhere(page, url);
    await signIn(page, "outreach_worker");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Map" }).click();
    const table = page.getByRole("table", { name: /Counts per area/ });
    await table.waitFor();
    for (const layer of [
      "Contacts",
      "Needles found",
      "Community reports",
      "Taskforce activity",
      "Incidents",
    ]) {
      await expect(page.getByRole("checkbox", { name: layer }).isChecked()).resolves.toBe(true);
    }
    for (const hotspot of ["South Park", "Grandpont", "Meadow Lane"]) {
      await table.getByRole("rowheader", { name: hotspot, exact: true }).waitFor();
    }
    // Areas are drawn as vector shapes, and the points gather into clusters.
    const map = page.getByRole("region", { name: /Map of hotspot areas/ });
    expect(await map.locator("path.leaflet-interactive").count()).toBeGreaterThanOrEqual(3);
    await map.locator(".map-cluster").first().waitFor();
    const southPark = table
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: "South Park" }) });
    expect(Number((await southPark.getByRole("cell").first().innerText()).replace(/,/g, ""))).toBeGreaterThan(
      0,
    );

    // A layer turned off leaves the map and the table.
    const before = await map.locator(".map-cluster-contacts").count();
    expect(before).toBeGreaterThan(0);
    await page.getByRole("checkbox", { name: "Contacts" }).uncheck();
    await expect.poll(() => map.locator(".map-cluster-contacts").count()).toBe(0);
    await expect(table.getByRole("columnheader", { name: "Contacts" }).count()).resolves.toBe(0);
    await page.getByRole("checkbox", { name: "Contacts" }).check();
    await map.locator(".map-cluster-contacts").first().waitFor();

    // Heat instead of clusters, chosen by keyboard: one heat canvas with colour on it, no clusters.
    await page.getByRole("radio", { name: /Clusters/ }).focus();
    await page.keyboard.press("ArrowDown");
    expect(await page.getByRole("radio", { name: /Heat/ }).isChecked()).toBe(true);
    const heat = map.locator("canvas.leaflet-heatmap-layer");
    await heat.waitFor();
    await expect.poll(() => map.locator(".map-cluster").count()).toBe(0);
    const painted = () =>
      heat.evaluate((canvas: HTMLCanvasElement) => {
        const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
        let coloured = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) coloured++;
        return coloured;
      });
    await expect.poll(painted).toBeGreaterThan(100);
    // The table of figures stays.
    await southPark.waitFor();
    await screenshot(page, "map-03-heat-phone");
    await page.getByRole("radio", { name: /Clusters/ }).check();
    await map.locator(".map-cluster").first().waitFor();
    expect(await heat.count()).toBe(0);

    // The map takes the keyboard: it is focusable and + zooms in.
    await map.focus();
    await page.keyboard.press("+");
    await noSideways(page, "the map");
    await expectAccessible(page, "the map (outreach worker)");
    await screenshot(page, "map-01-outreach-phone");
    expect(elsewhere).toEqual([]);
    await context.close();
  });

  it("a commissioner sees only counts per area, protected; the API hands them no point", async () => {
    const { page, context } = await newPage(app, desktop);
    await signIn(page, "commissioner");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Map" }).click();
    const table = page.getByRole("table", { name: /Counts per area \(protected/ });
    await table.waitFor();
    const map = page.getByRole("region", { name: /Map of hotspot areas/ });
    expect(await map.locator("path.leaflet-interactive").count()).toBeGreaterThanOrEqual(3);
    expect(await map.locator(".map-cluster, .leaflet-marker-icon").count()).toBe(0);
    await map.locator(".map-area-label").first().waitFor();
    expect(await map.locator(".map-area-label").count()).toBeGreaterThanOrEqual(3);
    // A commissioner has no points, so no choice of how to draw them.
    expect(await page.getByRole("radio", { name: /Heat/ }).count()).toBe(0);
    // Each area's counts can be read: no label covers another, on a phone or a wide screen.
    for (const width of [390, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      await expect.poll(() => overlappingLabels(map), { message: `labels at ${width} px` }).toEqual([]);
    }
    await page.setViewportSize(desktop);
    const figures = (await table.locator("tbody td").allInnerTexts()).map((text) =>
      Number(text.replace(/,/g, "")),
    );
    expect(figures.length).toBeGreaterThan(0);
    expect(figures.filter((n) => n >= 1 && n <= 4)).toEqual([]);
    await expectAccessible(page, "the map (commissioner)");
    await screenshot(page, "map-02-commissioner");
    await context.close();

    // As an attacker with the API: counts only, whole months only.
    const api = apiClient(app.url);
    await api.auth.signIn.mutate({ email: demoEmail("commissioner"), password: demoPassword });
    const year = Number(serviceToday().slice(0, 4)) - 1;
    const view = await api.map.layers.query({ from: `${year}-01-01`, to: `${year}-12-31` });
    expect(view.points).toBeNull();
    expect(JSON.stringify(view.counts)).not.toMatch(/"lat"|"lng"/);
    for (const row of view.counts) {
      for (const value of Object.values(row.figures)) expect(value === 0 || value >= 5).toBe(true);
    }
    await expect(api.map.layers.query({ from: `${year}-01-02`, to: `${year}-12-31` })).rejects.toThrow(
      /from must be the first day of a month/,
    );
  });

  it("an admin draws a hotspot's area as a polygon on the map and saves it", async () => {
    const { page, context } = await newPage(app, desktop);
    await signIn(page, "admin");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Map" }).click();
    const editor = page.getByRole("region", { name: "Draw a hotspot's area" });
    await editor.getByLabel("Hotspot").selectOption({ label: "Grandpont" });
    await editor.getByRole("button", { name: "Draw a polygon" }).click();
    // Corners in the map's empty lower left, away from the clusters (a click on one zooms to it).
    const map = page.getByRole("region", { name: /Map of hotspot areas/ });
    const box = (await map.boundingBox())!;
    for (const [x, y] of [
      [0.1, 0.85],
      [0.2, 0.85],
      [0.15, 0.95],
      [0.1, 0.85],
    ]) {
      await map.click({ position: { x: box.width * x!, y: box.height * y! } });
    }
    await editor.getByRole("status").filter({ hasText: "Drawn." }).waitFor();
    await editor.getByRole("button", { name: "Save area" }).click();
    await editor.getByRole("status").filter({ hasText: "Saved the area of Grandpont." }).waitFor();
    await expectAccessible(page, "the map (admin)");
    await context.close();

    const api = apiClient(app.url);
    await api.auth.signIn.mutate({ email: demoEmail("admin"), password: demoPassword });
    const grandpont = (await api.hotspots.list.query({})).find((h) => h.name === "Grandpont")!;
    expect(grandpont.polygon).toHaveLength(4);
    expect(grandpont.polygon![0]).toEqual(grandpont.polygon![3]);
  });
});

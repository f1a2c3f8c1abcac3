import { apiClient } from "@pathways/bench";
import { demoPassword } from "@pathways/seed";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  demoEmail,
  expectAccessible,
  newPage,
  noSideways,
  phone,
  screenshot,
  signIn,
  startApp,
} from "../src/harness.ts";

let app: App;
beforeAll(async () => {
  app = await startApp();
}, 400_000);
afterAll(() => app?.stop());

describe("hotspot evidence", { timeout: 240_000 }, () => {
  it("a taskforce officer on a phone reads incidents by place, the place outside the hotspots, and before and after an action", async () => {
    // The demo has no taskforce actions: one vegetation cut-back at South Park, 30 days ago.
    const api = apiClient(app.url);
    await api.auth.signIn.mutate({ email: demoEmail("outreach_worker"), password: demoPassword });
    const southPark = (await api.hotspots.list.query({ includeRetired: false })).find(
      (h) => h.name === "South Park",
    )!;
    await api.taskforce.log.mutate({
      clientKey: `e2e-evidence-${Date.now()}`,
      kind: "environmental_action",
      action: "vegetation_cut_back",
      occurredAt: new Date(Date.now() - 30 * 86_400_000),
      hotspotId: southPark.id,
    });

    const { page, context } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Evidence" }).click();
    const byPlace = page.getByRole("table", { name: /^By place/ });
    await byPlace.waitFor();
    for (const hotspot of ["South Park", "Grandpont", "Meadow Lane"]) {
      const row = byPlace.getByRole("row").filter({ has: page.getByRole("rowheader", { name: hotspot }) });
      expect(Number(await row.getByRole("cell").first().innerText())).toBeGreaterThan(0);
    }
    const places = page.getByRole("table", { name: /Places outside today's hotspots/ });
    await places
      .getByRole("cell", { name: /Gloucester Green/ })
      .first()
      .waitFor();

    const action = page.getByLabel("Action");
    const option = action.locator("option", { hasText: "Vegetation cut back at South Park" });
    await action.selectOption((await option.first().getAttribute("value"))!);
    const comparison = page.getByRole("table", { name: /at South Park on .*: 90 days before/ });
    await comparison.waitFor();
    await comparison.getByRole("rowheader", { name: "Incidents" }).waitFor();
    await noSideways(page, "the evidence page");
    await expectAccessible(page, "the evidence page (outreach worker)");
    await screenshot(page, "evidence-01-outreach-phone");
    await context.close();
  });
});

import { eq, hotspots, users } from "@pathways/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  desktop,
  expectAccessible,
  newPage,
  phone,
  screenshot,
  signIn,
  startApp,
} from "../src/harness.ts";

/** Issue 18, problem 4: one-click Disable, Retire hotspot, Mark received and Accept ask first. */
let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

describe("journey: destructive one-click actions ask first", () => {
  it("asks before disabling a user or retiring a hotspot, and 'No' changes nothing", async () => {
    const { page, context } = await newPage(app, desktop);
    await signIn(page, "admin");
    await page.goto("/admin");
    await page.getByRole("button", { name: "Disable Sam Okafor" }).click();
    const question = page.getByRole("group", { name: /^Disable Sam Okafor\?/ });
    await question.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Yes, disable");
    await expectAccessible(page, "the disable question");
    await screenshot(page, "field-30-confirm-disable-desktop");
    await question.getByRole("button", { name: "No" }).click();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Disable Sam Okafor");
    const db = app.server.database.db;
    const [sam] = await db.select().from(users).where(eq(users.name, "Sam Okafor"));
    expect(sam!.disabledAt).toBeNull();

    await page.goto("/hotspots");
    await page.getByRole("button", { name: "Retire Meadow Lane" }).click();
    await page.getByRole("button", { name: "Yes, retire" }).click();
    await page.getByRole("button", { name: "Retire Meadow Lane" }).waitFor({ state: "detached" });
    const [meadow] = await db.select().from(hotspots).where(eq(hotspots.name, "Meadow Lane"));
    expect(meadow!.active).toBe(false);
    // Restoring is the undo, and acts at once.
    await page.getByLabel("Show retired hotspots").check();
    await page.getByRole("button", { name: "Restore Meadow Lane" }).click();
    await page.getByRole("button", { name: "Retire Meadow Lane" }).waitFor();
    await context.close();
  });

  it("asks before marking a referral received, on a phone", async () => {
    const { page, context } = await newPage(app, phone);
    await signIn(page, "treatment_manager");
    await page.goto("/caseload/waiting");
    const receive = page.getByRole("button", { name: /^Mark received R-\d+/ }).first();
    await receive.waitFor();
    const name = (await receive.innerText()).replace(/\s+/g, " ").trim();
    await receive.click();
    await page.getByRole("button", { name: "Yes, received" }).waitFor();
    await expectAccessible(page, "the mark-received question on a phone");
    // The question itself fits the phone; the waiting-list table around it is still wider than a
    // phone (issue 18 #10, not yet turned into cards), so the page as a whole is not checked here.
    const question = await page.locator(".confirm-inline").boundingBox();
    expect(question!.width).toBeLessThanOrEqual(390);
    await screenshot(page, "field-31-confirm-received-phone");
    await page.getByRole("button", { name: "Yes, received" }).click();
    await page.getByRole("button", { name }).waitFor({ state: "detached" });
    await context.close();
  });
});

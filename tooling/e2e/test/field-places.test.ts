import { contacts, eq, hotspots } from "@pathways/db";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  desktop,
  expectAccessible,
  newPage,
  noSideways,
  phone,
  screenshot,
  signIn,
  startApp,
} from "../src/harness.ts";

/**
 * Issue 18, problem 13: a phone new to a worker silently chose the alphabetically first hotspot. Now
 * the form asks, offers the hotspot nearest the phone, and remembers the worker's last choice.
 */
let app: App;
// Starting the server and seeding the demo city can outlast the 2-minute hook limit on a shared, busy machine.
beforeAll(async () => {
  app = await startApp();
}, 600_000);
afterAll(() => app?.stop());

const chosenPlace = (page: Page) =>
  page.getByLabel("Where", { exact: true }).locator("option:checked").innerText();

/** The active hotspots by name, with the alphabetically last: the one a silent default never picks. */
async function demoHotspots() {
  const all = await app.server.database.db.select().from(hotspots).where(eq(hotspots.active, true));
  const byName = all.sort((a, b) => a.name.localeCompare(b.name));
  return { first: byName[0]!, last: byName.at(-1)! };
}

describe("journey: where a contact happened, on a phone new to the worker", () => {
  it("asks instead of choosing, finds the nearest hotspot from the phone's location, and remembers it", async () => {
    const { first, last } = await demoHotspots();
    const { page, context } = await newPage(app, phone);
    await context.grantPermissions(["geolocation"]);
    // A few metres from the last hotspot's centre.
    await context.setGeolocation({ latitude: last.lat + 0.0002, longitude: last.lng - 0.0001 });
    await signIn(page, "outreach_worker");
    await page.getByRole("heading", { name: "Log contact" }).waitFor();
    await expect.poll(() => chosenPlace(page)).toBe("Choose a hotspot…");
    expect(await chosenPlace(page)).not.toBe(first.name);
    await expectAccessible(page, "Log contact asking where");
    await noSideways(page, "Log contact asking where");
    await screenshot(page, "field-50-where-asked-phone");

    // Saving without a place is refused by the one error summary, which leads to the question.
    const notes = `where asked ${Date.now()}`;
    await page.getByLabel("Notes (optional)").fill(notes);
    await page.getByRole("button", { name: "Save contact" }).click();
    const summary = page.locator(".error-summary:focus");
    await summary.waitFor();
    await summary.getByRole("link", { name: "Choose a hotspot or describe the location" }).waitFor();
    await expectAccessible(page, "Log contact with no place chosen");
    await screenshot(page, "field-51-where-missing-phone");
    await summary.getByRole("link", { name: "Choose a hotspot or describe the location" }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("contact-hotspot");
    const stored = () => app.server.database.db.select().from(contacts).where(eq(contacts.notes, notes));
    expect(await stored()).toEqual([]);

    await page.getByRole("button", { name: "Nearest hotspot" }).click();
    await page.getByText(new RegExp(`^Nearest hotspot: ${last.name}, about \\d+ m away\\.$`)).waitFor();
    expect(await chosenPlace(page)).toBe(last.name);
    await expectAccessible(page, "Log contact with the nearest hotspot chosen");
    await noSideways(page, "Log contact with the nearest hotspot chosen");
    await screenshot(page, "field-52-nearest-hotspot-phone");
    await page.getByRole("button", { name: "Save contact" }).click();
    await page.getByText("Contact saved").waitFor();
    const [contact] = await stored();
    expect(contact?.hotspotId).toBe(last.id);

    // The worker's choice is remembered on this phone, on every form that asks where.
    await page.reload();
    await page.getByRole("heading", { name: "Log contact" }).waitFor();
    await expect.poll(() => chosenPlace(page)).toBe(last.name);
    await page.getByRole("link", { name: "Needle find" }).click();
    await page.getByRole("heading", { name: "Needle find", level: 1 }).waitFor();
    await expect.poll(() => chosenPlace(page)).toBe(last.name);
    await context.close();
  });

  it("on a desktop without a location, asks and says the location could not be found", async () => {
    const { page, context } = await newPage(app, desktop);
    await signIn(page, "outreach_worker");
    await page.getByRole("link", { name: "Taskforce log" }).click();
    await page.getByRole("heading", { name: "Taskforce log" }).waitFor();
    await page.getByText("Patrol", { exact: true }).click();
    await expect.poll(() => chosenPlace(page)).toBe("Choose a hotspot…");
    await page.getByRole("button", { name: "Nearest hotspot" }).click();
    await page.getByText("The phone could not give a location. Choose the hotspot from the list.").waitFor({
      timeout: 30_000,
    });
    expect(await chosenPlace(page)).toBe("Choose a hotspot…");
    await expectAccessible(page, "the Taskforce log with no location");
    await screenshot(page, "field-53-where-no-location-desktop");
    await context.close();
  });
});

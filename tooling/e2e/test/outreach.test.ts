import { contacts, eq } from "@pathways/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  chooseHotspot,
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
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

async function storedWithNotes(notes: string) {
  return app.server.database.db.select().from(contacts).where(eq(contacts.notes, notes));
}

describe("journey: outreach on a phone in a park", () => {
  it("logs a contact with a known person in a few taps, raises a flag and offers the referral", async () => {
    const { page, context } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    await page.getByRole("heading", { name: "Log contact" }).waitFor();
    await expectAccessible(page, "the Log contact screen");
    await noSideways(page, "Log contact");
    await screenshot(page, "outreach-01-log-contact-phone");

    await page.getByLabel("Where", { exact: true }).selectOption({ label: "South Park" });
    await page.getByLabel("Who (leave empty if they gave no details)").fill("spider");
    await page.getByRole("button", { name: /JS-1988-03-14-M · Spider/ }).click();
    await page.getByText("Naloxone kits", { exact: true }).click();
    await page.getByRole("button", { name: "One more: How many: naloxone kits" }).click();
    await page.locator("summary", { hasText: "Safeguarding concern" }).click();
    await page.getByText("Cuckooing", { exact: true }).click();
    const notes = `<img src=x onerror=alert(1)> seen by the bandstand ${Date.now()}`;
    await page.getByLabel("Notes (optional)").fill(notes);
    await screenshot(page, "outreach-02-filled-phone");
    await page.getByRole("button", { name: "Save contact" }).click();

    await page.getByText("Contact saved").waitFor();
    const refer = page.getByRole("link", { name: "Refer to treatment" });
    const [stored] = await storedWithNotes(notes);
    expect(stored).toBeDefined();
    expect(await refer.getAttribute("href")).toBe(
      `/referrals/new?personId=${stored!.personId}&contactId=${stored!.id}`,
    );
    await screenshot(page, "outreach-03-saved-phone");

    // The hotspot is remembered for the next contact, also after a reload.
    await page.reload();
    await page.getByRole("heading", { name: "Log contact" }).waitFor();
    expect(await page.getByLabel("Where", { exact: true }).locator("option:checked").innerText()).toBe(
      "South Park",
    );

    await page.goto(`/people/${stored!.personId}`);
    await page.getByRole("heading", { name: "Open safeguarding flags" }).waitFor();
    expect(await page.locator(".flag-card").filter({ hasText: "Cuckooing" }).count()).toBeGreaterThan(0);
    // The notes are shown as typed, never as markup.
    await page.getByText(notes).first().waitFor();
    expect(await page.locator(".contact-card img").count()).toBe(0);
    await expectAccessible(page, "the person page");
    await noSideways(page, "the person page");
    await screenshot(page, "outreach-04-person-phone");
    await context.close();
  });

  it("shows likely duplicates before a new person is saved", async () => {
    const { page, context } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    await chooseHotspot(page);
    await page.getByRole("button", { name: "+ New person" }).click();
    await page.getByLabel("First initial").fill("J");
    await page.getByLabel("Surname initial").fill("S");
    await page.getByLabel("Date of birth").fill("1988-03-14");
    await page.getByText("Male", { exact: true }).click();
    await page.getByRole("heading", { name: "Is this one of these people?" }).waitFor();
    expect(await page.getByRole("button", { name: /JS-1988-03-14-M · Spider/ }).count()).toBe(1);
    await expectAccessible(page, "the new person form with duplicates");
    await screenshot(page, "outreach-05-duplicates-phone");

    const notes = `new person ${Date.now()}`;
    await page.getByLabel("Notes (optional)").fill(notes);
    await page.getByRole("button", { name: "Save contact" }).click();
    // Said twice: in the summary at the top and under the list of people.
    const choose = "Choose one of the people above if it is them";
    await page.getByRole("alert", { name: "There is a problem" }).getByText(choose).waitFor();
    expect(await page.getByRole("region", { name: "Who" }).getByText(choose).count()).toBe(1);
    expect(await storedWithNotes(notes)).toEqual([]);

    await page.getByRole("button", { name: /JS-1988-03-14-M · Spider/ }).click();
    await page.getByRole("button", { name: "Save contact" }).click();
    await page.getByText("Contact saved").waitFor();
    const [stored] = await storedWithNotes(notes);
    expect(stored?.personId).toBeTruthy();
    await context.close();
  });

  it("keeps contacts logged with no signal, and sends each once when the signal returns, even after a reload", async () => {
    const { page, context, signal } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    await page.getByRole("heading", { name: "Log contact" }).waitFor();

    await chooseHotspot(page);
    await signal.lose();
    const first = `offline one ${Date.now()}`;
    await page.getByLabel("Notes (optional)").fill(first);
    await page.getByRole("button", { name: "Save contact" }).click();
    await page.getByText("Saved on this phone, waiting to send.").waitFor();
    await page.getByRole("link", { name: /My contacts/ }).click();
    await page.getByText("Waiting to send").first().waitFor();
    await expectAccessible(page, "My contacts with a contact waiting");
    await screenshot(page, "outreach-06-waiting-phone");
    expect(await storedWithNotes(first)).toEqual([]);

    // Back in signal: the browser says so, and the outbox sends by itself.
    await signal.restore();
    await expect.poll(async () => (await storedWithNotes(first)).length, { timeout: 30_000 }).toBe(1);
    await page.getByText(first).waitFor();
    expect(await page.getByText("Waiting to send").count()).toBe(0);

    // Logged offline, then the page is closed: the next time the app opens, it is sent on load.
    await page.goto("/outreach");
    await page.getByRole("heading", { name: "Log contact" }).waitFor();
    await signal.lose();
    const second = `offline two ${Date.now()}`;
    await page.getByLabel("Notes (optional)").fill(second);
    await page.getByRole("button", { name: "Save contact" }).click();
    await page.getByText("Saved on this phone, waiting to send.").waitFor();
    await page.close();
    await signal.restore();
    const reopened = await context.newPage();
    await reopened.goto("/outreach/recent");
    await expect.poll(async () => (await storedWithNotes(second)).length, { timeout: 30_000 }).toBe(1);
    await reopened.getByText(second).waitFor();
    expect(await storedWithNotes(first)).toHaveLength(1);
    await context.close();
  });

  it("opens with no signal after a reload, and queues a contact there", async () => {
    const { page, context, signal } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    await page.getByRole("heading", { name: "Log contact" }).waitFor();
    // The service worker has stored the app shell once it controls the page.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve));
      }
    });

    await signal.lose();
    await page.reload();
    await page.getByRole("heading", { name: "Log contact" }).waitFor();
    // The hotspots kept on the phone are there to choose from.
    await chooseHotspot(page);
    const notes = `opened offline ${Date.now()}`;
    await page.getByLabel("Notes (optional)").fill(notes);
    await page.getByRole("button", { name: "Save contact" }).click();
    await page.getByText("Saved on this phone, waiting to send.").waitFor();
    await screenshot(page, "outreach-08-opened-offline-phone");
    // A page not opened before loads its code from the service worker's store too.
    await page.getByRole("link", { name: /^My contacts/ }).click();
    await page.getByRole("heading", { name: "My contacts", level: 1 }).waitFor();

    await signal.restore();
    await expect.poll(async () => (await storedWithNotes(notes)).length, { timeout: 45_000 }).toBe(1);
    await context.close();
  });

  it("logs a needle find with the count stepper", async () => {
    const { page, context } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    await page.getByRole("link", { name: "Needle find" }).click();
    await page.getByRole("heading", { name: "Needle find", level: 1 }).waitFor();
    await chooseHotspot(page);
    await page.getByRole("button", { name: "10", exact: true }).click();
    await page.getByRole("button", { name: "One more: Needles collected" }).click();
    await page.getByRole("button", { name: "Save needle find" }).click();
    await page.getByText(/^Saved: 11 needles at /).waitFor();
    await expectAccessible(page, "the needle find screen");
    await noSideways(page, "Needle find");
    await screenshot(page, "outreach-07-needle-find-phone");
    await context.close();
  });

  it("lets an admin correct a hotspot's name and position", async () => {
    const { page, context } = await newPage(app, desktop);
    await signIn(page, "admin");
    await page.goto("/hotspots");
    await page.getByRole("button", { name: "Edit Florence Park" }).click();
    const form = page.getByRole("form", { name: "Edit Florence Park" });
    await form.getByLabel("Name").fill("Florence Park (play area)");
    await form.getByLabel("Latitude").fill("91");
    await form.getByRole("button", { name: "Save changes" }).click();
    await form.getByRole("heading", { name: "There is a problem" }).waitFor();
    await form
      .locator(".field-error")
      .getByText("Latitude must be between -90 and 90", { exact: true })
      .waitFor();
    await form.getByLabel("Latitude").fill("51.7345");
    await form.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("cell", { name: "Florence Park (play area)", exact: true }).waitFor();
    expect(await page.getByRole("cell", { name: /51\.7345/ }).count()).toBe(1);
    await expectAccessible(page, "the hotspots page while editing");
    await context.close();
  });
});

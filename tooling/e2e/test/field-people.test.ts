import { contacts, eq, people } from "@pathways/db";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  chooseHotspot,
  expectAccessible,
  newPage,
  noSideways,
  phone,
  screenshot,
  signIn,
  startApp,
} from "../src/harness.ts";

/** Issue 18, problems 2 and 11: people found with no signal, a new person reconciled when sent, focus. */
let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

async function storedWithNotes(notes: string) {
  return app.server.database.db.select().from(contacts).where(eq(contacts.notes, notes));
}

/** The aliases of the people kept on the phone for searching with no signal. */
function keptAliases(page: Page) {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const request = indexedDB.open("pathways-people");
        request.onsuccess = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains("people")) return resolve([]);
          const all = db.transaction("people").objectStore("people").getAll();
          all.onsuccess = () =>
            resolve(all.result.map((person: { alias: string | null }) => person.alias ?? ""));
        };
        request.onerror = () => resolve([]);
      }),
  );
}

describe("journey: finding a known person in a park with no signal", () => {
  it("keeps recently met people on the phone, finds them offline, and forgets them at sign-out", async () => {
    const { page, context, signal, url } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    await page.getByRole("heading", { name: "Log contact" }).waitFor();
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve));
      }
    });

    await chooseHotspot(page);
    // Met today, with a signal: choosing from the search leaves the keyboard on the choice.
    await page.getByLabel("Who (leave empty if they gave no details)").fill("spider");
    await page.getByRole("button", { name: /JS-1988-03-14-M · Spider/ }).click();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toMatch(
      /^Change person \(chosen: JS-1988-03-14-M/,
    );
    await page.getByRole("button", { name: "Save contact" }).click();
    await page.getByText("Contact saved").waitFor();
    await expect.poll(() => keptAliases(page), { timeout: 30_000 }).toContain("Spider");
    // Nothing clinical or about safeguarding is kept.
    const kept = await page.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const request = indexedDB.open("pathways-people");
          request.onsuccess = () => {
            const all = request.result.transaction("people").objectStore("people").getAll();
            all.onsuccess = () => resolve(Object.keys(all.result[0] ?? {}).sort());
          };
        }),
    );
    expect(kept).toEqual([
      "alias",
      "attributor",
      "id",
      "keptAt",
      "lastContactAt",
      "partialPostcode",
      "userId",
    ]);

    await signal.lose();
    await page.reload();
    await page.getByRole("heading", { name: "Log contact" }).waitFor();
    await page.getByLabel("Who (leave empty if they gave no details)").fill("spid");
    await page.getByText(/No connection: searching the people you met in the last 14 days/).waitFor();
    await expectAccessible(page, "the person search with no signal");
    await noSideways(page, "the person search with no signal");
    await screenshot(page, "field-20-offline-person-search-phone");
    await page.getByRole("button", { name: /JS-1988-03-14-M · Spider/ }).click();
    const notes = `found offline ${Date.now()}`;
    await page.getByLabel("Notes (optional)").fill(notes);
    await page.getByText("Person: JS-1988-03-14-M (Spider)").waitFor();
    await page.getByRole("button", { name: "Save contact" }).click();
    await screenshot(page, "field-20b-offline-saved-phone");
    await page.getByText("Saved on this phone, waiting to send.").waitFor();

    await signal.restore();
    await expect.poll(async () => (await storedWithNotes(notes)).length, { timeout: 45_000 }).toBe(1);
    const [stored] = await storedWithNotes(notes);
    expect(stored!.personId).not.toBeNull();

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${url}/`);
    await page.getByLabel("Email").waitFor();
    const databases = await page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));
    expect(databases).not.toContain("pathways-people");
    await context.close();
  });

  it("holds back a new person logged offline when someone like them is already known", async () => {
    const { page, context, signal } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    await page.getByRole("heading", { name: "Log contact" }).waitFor();
    await chooseHotspot(page);
    await signal.lose();
    await page.getByRole("button", { name: "+ New person" }).click();
    await page.getByLabel("First initial").fill("J");
    await page.getByLabel("Surname initial").fill("S");
    await page.getByLabel("Date of birth").fill("1988-03-14");
    await page.getByText("Male", { exact: true }).click();
    const notes = `new person offline ${Date.now()}`;
    await page.getByLabel("Notes (optional)").fill(notes);
    await page.getByRole("button", { name: "Save contact" }).click();
    await page.getByText("Saved on this phone, waiting to send.").waitFor();

    await signal.restore();
    await page.getByRole("link", { name: /^My contacts/ }).click();
    await page
      .getByText(/Someone like this new person is already known/)
      .first()
      .waitFor({ timeout: 45_000 });
    expect(await storedWithNotes(notes)).toEqual([]);
    await expectAccessible(page, "a new person held back for the duplicate check");
    await noSideways(page, "a new person held back for the duplicate check");
    await screenshot(page, "field-21-new-person-held-back-phone");

    // The worker opens it, sees who is already known, and chooses them.
    await page.getByRole("link", { name: "Correct and send" }).click();
    await page.getByRole("heading", { name: "Is this one of these people?" }).waitFor();
    await page.getByRole("button", { name: /JS-1988-03-14-M · Spider/ }).click();
    await page.getByRole("button", { name: "Save contact" }).click();
    await page.getByText("Contact saved").waitFor();
    const [stored] = await storedWithNotes(notes);
    expect(stored?.personId).toBeTruthy();
    await context.close();
  });

  it("corrects a person's details with a reason, keeps the history, and a long alias never scrolls sideways", async () => {
    const { page, context } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    const [spider] = await app.server.database.db.select().from(people).where(eq(people.alias, "Spider"));
    await page.goto(`/people/${spider!.id}`);
    await page.getByRole("heading", { name: /JS-1988-03-14-M/, level: 1 }).waitFor();
    await page.getByRole("button", { name: "Correct details" }).click();
    const form = page.getByRole("form", { name: "Correct details" });
    await form.getByLabel("Date of birth").fill("1988-03-15");
    const longAlias = "Spider-of-the-bandstand-by-the-old-boathouse-on-the-towpath";
    await form.getByLabel("Alias").fill(longAlias);
    await form.getByRole("button", { name: "Save the correction" }).click();
    const summary = page.getByRole("alert").filter({ hasText: "There is a problem" });
    await summary.waitFor();
    expect(await page.evaluate(() => document.activeElement?.classList.contains("error-summary"))).toBe(true);
    expect(await summary.innerText()).toMatch(/Reason for the correction cannot be empty/);
    await expectAccessible(page, "the correction form with an error");
    await noSideways(page, "the correction form with an error");
    await screenshot(page, "field-22-correction-error-phone");

    await form.getByLabel("Reason for the correction").fill("Showed his bus pass");
    await form.getByRole("button", { name: "Save the correction" }).click();
    await page.getByRole("heading", { name: /JS-1988-03-15-M/, level: 1 }).waitFor();
    await page.getByText("1988-03-14 → 1988-03-15").waitFor();
    await page.getByText("JS-1988-03-14-M → JS-1988-03-15-M").waitFor();
    expect(await page.getByText("“Showed his bus pass”").count()).toBeGreaterThan(0);
    await expectAccessible(page, "the person page after a correction");
    await noSideways(page, "the person page with a long alias");
    await screenshot(page, "field-23-corrected-long-alias-phone");
    const [stored] = await app.server.database.db.select().from(people).where(eq(people.id, spider!.id));
    expect(stored).toMatchObject({ attributor: "JS-1988-03-15-M", alias: longAlias });
    await context.close();
  });
});

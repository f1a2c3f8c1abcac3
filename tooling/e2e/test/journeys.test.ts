import { contactInterventions, contacts, eq, people, safeguardingFlags } from "@pathways/db";
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

/**
 * Journeys 1 and 2 of issue 8 exactly as written, one after the other: the person the outreach worker
 * meets and refers in the park is the one the treatment manager takes from the waiting list.
 */
let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

const db = () => app.server.database.db;
const storedWithNotes = (notes: string) => db().select().from(contacts).where(eq(contacts.notes, notes));

let reference = "";
let outreach: Awaited<ReturnType<typeof newPage>>;

describe("journeys 1 and 2: from the park to a drug-free completion", () => {
  it("1. an outreach worker on a phone logs a new person at South Park, refers them, and logs offline", async () => {
    outreach = await newPage(app, phone);
    const { page, signal } = outreach;
    await signIn(page, "outreach_worker");
    await page.getByRole("heading", { name: "Log contact" }).waitFor();
    await page.getByLabel("Where", { exact: true }).selectOption({ label: "South Park" });

    // A person nobody has met before: initials, date of birth, sex.
    await page.getByRole("button", { name: "+ New person" }).click();
    await page.getByLabel("First initial").fill("Q");
    await page.getByLabel("Surname initial").fill("Z");
    await page.getByLabel("Date of birth").fill("1993-07-21");
    await page.getByText("Male", { exact: true }).click();
    await page.getByText("Naloxone kits", { exact: true }).click();
    await page.locator("summary", { hasText: "Safeguarding concern" }).click();
    await page.getByText("Cuckooing", { exact: true }).click();
    const notes = `journey one ${Date.now()}`;
    await page.getByLabel("Notes (optional)").fill(notes);
    await expectAccessible(page, "the Log contact screen with a new person");
    await page.getByRole("button", { name: "Save contact" }).click();
    await page.getByText("Contact saved").waitFor();
    await screenshot(page, "journey1-01-contact-saved-phone");

    const [stored] = await storedWithNotes(notes);
    expect(stored).toBeDefined();
    const [person] = await db().select().from(people).where(eq(people.id, stored!.personId!));
    expect(person!.attributor).toBe("QZ-1993-07-21-M");
    const given = await db()
      .select()
      .from(contactInterventions)
      .where(eq(contactInterventions.contactId, stored!.id));
    expect(given.map((item) => item.intervention)).toContain("naloxone_supplied");
    const flags = await db()
      .select()
      .from(safeguardingFlags)
      .where(eq(safeguardingFlags.personId, person!.id));
    expect(flags.map((flag) => flag.concern)).toEqual(["cuckooing"]);
    const referHref = await page.getByRole("link", { name: "Refer to treatment" }).getAttribute("href");
    expect(referHref).toBe(`/referrals/new?personId=${person!.id}&contactId=${stored!.id}`);

    // Consent to share, asked there and then, is recorded on the person page before referring.
    await page.goto(`/people/${person!.id}`);
    await page.getByRole("button", { name: "Record consent…" }).click();
    await page.getByLabel("Consent to").selectOption("share");
    await page.getByLabel("Answer").selectOption("given");
    await page.getByRole("button", { name: "Record consent" }).click();
    await page
      .getByText(/^Given on /)
      .first()
      .waitFor();
    await expectAccessible(page, "the person page");

    await page.goto(referHref!);
    await page.getByRole("heading", { name: "Refer to a service" }).waitFor();
    await page.getByRole("radio", { name: /Opiate treatment/ }).check();
    await page.getByLabel("Reason").fill("Using heroin daily; asked for help to stop");
    await expectAccessible(page, "the referral form");
    await page.getByRole("button", { name: "Send referral" }).click();
    const sent = page.getByText(/^Referral R-\d+ sent/);
    await sent.waitFor();
    reference = (await sent.innerText()).match(/R-\d+/)![0];
    await screenshot(page, "journey1-02-referral-sent-phone");

    // No signal: the next contact waits on the phone, then goes once the signal is back.
    await page.goto("/outreach");
    await page.getByRole("heading", { name: "Log contact" }).waitFor();
    await signal.lose();
    const offlineNotes = `journey one offline ${Date.now()}`;
    await page.getByLabel("Notes (optional)").fill(offlineNotes);
    await page.getByRole("button", { name: "Save contact" }).click();
    await page.getByText("Saved on this phone, waiting to send.").waitFor();
    await page.getByRole("link", { name: /My contacts/ }).click();
    await page.getByText("Waiting to send").first().waitFor();
    await screenshot(page, "journey1-03-waiting-phone");
    expect(await storedWithNotes(offlineNotes)).toEqual([]);
    await signal.restore();
    await expect.poll(async () => (await storedWithNotes(offlineNotes)).length, { timeout: 30_000 }).toBe(1);
    await page.getByText(offlineNotes).waitFor();
    await expect.poll(() => page.getByText("Waiting to send").count()).toBe(0);
    await screenshot(page, "journey1-04-sent-phone");
    // Exactly once, however many times the phone tried.
    expect(await storedWithNotes(offlineNotes)).toHaveLength(1);
  });

  it("2. a treatment manager on a desktop takes the referral through to a drug-free completion", async () => {
    expect(reference, "journey 1 made the referral").not.toBe("");
    const { page, context } = await newPage(app, desktop);
    await signIn(page, "treatment_manager");
    await page.getByRole("link", { name: /^Waiting list/ }).click();
    const row = page.getByRole("row").filter({ hasText: reference });
    await row.waitFor();
    await screenshot(page, "journey2-01-waiting-list");
    await row.getByRole("button", { name: `Mark received ${reference}` }).click();
    await row.getByRole("button", { name: "Yes, received" }).click();
    await row.getByRole("button", { name: `Accept ${reference}` }).click();
    await row.getByRole("button", { name: "Yes, accept" }).click();
    await row.getByRole("button", { name: `Start episode for ${reference}` }).click();
    const start = page.getByRole("dialog", { name: `Start treatment: ${reference}` });
    await start.getByLabel("Keyworker").selectOption({ index: 1 });
    await start.getByRole("button", { name: "Start episode" }).click();
    await page.waitForURL(/\/episodes\//);
    await page.getByRole("heading", { name: /QZ-1993-07-21-M/ }).waitFor();

    // TOP at the start of treatment.
    await page.getByRole("button", { name: "Record a TOP" }).click();
    await page.getByLabel("Heroin").fill("24");
    await page.getByLabel("Psychological health").fill("6");
    await page.getByLabel("Physical health").fill("9");
    await page.getByLabel("Quality of life").fill("5");
    await page.getByRole("button", { name: "Save TOP" }).click();
    await page.getByRole("cell", { name: "Start", exact: true }).waitFor();

    // Two appointments held earlier today (the episode started today): one missed, one attended.
    const [today, time] = new Date().toLocaleString("sv-SE", { timeZone: "Europe/London" }).split(" ");
    const [hours, minutes] = time!.split(":").map(Number);
    const minute = hours! * 60 + minutes!;
    const at = (earlier: number) => {
      const m = Math.max(0, minute - earlier);
      return `${today}T${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
    };
    for (const [when, outcome] of [
      [at(2), "did_not_attend"],
      [at(1), "attended"],
    ] as const) {
      await page.getByLabel("Date and time").fill(when);
      await page.getByRole("button", { name: "Book appointment" }).click();
      const pending = page.getByRole("row").filter({ hasText: "Not recorded" }).first();
      await pending.waitFor();
      await pending.getByLabel(/^Outcome of the appointment on/).selectOption(outcome);
      await pending.getByRole("button", { name: "Record" }).click();
      await expect.poll(() => page.getByText("Not recorded").count()).toBe(0);
    }
    expect(
      await page
        .getByRole("row")
        .filter({ hasText: /Did not attend|Attended/ })
        .count(),
    ).toBe(2);
    await expectAccessible(page, "the episode page with appointments");
    await screenshot(page, "journey2-02-episode");

    await page.getByRole("button", { name: "Discharge…" }).click();
    const discharge = page.getByRole("dialog", { name: /^Discharge / });
    await discharge.getByLabel("Reason").selectOption("completed_drug_free");
    await discharge.getByLabel("No").check();
    await discharge.getByRole("button", { name: "Discharge", exact: true }).click();
    await page.getByText(/^Discharged .*: Completed drug free/).waitFor();
    await screenshot(page, "journey2-03-discharged");
    await context.close();

    // The outreach worker's "My referrals" shows where it went.
    await outreach.page.goto("/referrals/mine");
    const card = outreach.page.locator(".referral-card").filter({ hasText: reference });
    await card.getByText("Treatment started", { exact: true }).first().waitFor();
    await expectAccessible(outreach.page, "My referrals");
    await screenshot(outreach.page, "journey2-04-my-referrals-phone");
    await outreach.context.close();
  });
});

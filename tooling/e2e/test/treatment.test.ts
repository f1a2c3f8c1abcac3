import {
  and,
  consents,
  episodes,
  eq,
  inArray,
  isNull,
  notInArray,
  people,
  referrals,
  users,
} from "@pathways/db";
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

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

/** A demo person who consented to share and has never been referred. */
async function unreferredPerson() {
  const db = app.server.database.db;
  const referred = db.select({ id: referrals.personId }).from(referrals);
  const [person] = await db
    .select({ id: people.id, attributor: people.attributor })
    .from(people)
    .innerJoin(consents, and(eq(consents.personId, people.id), eq(consents.status, "given")))
    .where(notInArray(people.id, referred))
    .limit(1);
  if (!person) throw new Error("The demo seed has nobody left to refer");
  return person;
}

describe("journey: from a referral on the street to treatment and discharge", () => {
  it("refers on a phone, works the referral at the provider, and the referrer sees it start without reloading", async () => {
    const person = await unreferredPerson();
    const outreach = await newPage(app, phone);
    await signIn(outreach.page, "outreach_worker");
    await outreach.page.goto(`/referrals/new?personId=${person.id}`);
    await outreach.page.getByRole("heading", { name: "Refer to a service" }).waitFor();
    await outreach.page.getByText(person.attributor).first().waitFor();
    await expectAccessible(outreach.page, "the referral form");
    await noSideways(outreach.page, "the referral form");
    await screenshot(outreach.page, "treatment-01-referral-form-phone");
    await outreach.page.getByRole("radio", { name: /Opiate treatment/ }).check();
    await outreach.page.getByLabel("Reason").fill("Injecting daily, wants to get onto a script");
    await outreach.page.getByRole("button", { name: "Send referral" }).click();
    const sent = outreach.page.getByText(/^Referral R-\d+ sent/);
    await sent.waitFor();
    const reference = (await sent.innerText()).match(/R-\d+/)![0];
    await outreach.page.getByRole("link", { name: "My referrals" }).first().click();
    const card = outreach.page
      .locator(".referral-card")
      .filter({ hasText: `${reference} · Opiate treatment` });
    await card.getByText("Requested", { exact: true }).first().waitFor();
    await expectAccessible(outreach.page, "My referrals");
    await noSideways(outreach.page, "My referrals");
    await screenshot(outreach.page, "treatment-02-my-referrals-phone");

    // At the provider: the waiting list, then receive, accept and start.
    const manager = await newPage(app, desktop);
    await signIn(manager.page, "treatment_manager");
    await manager.page.getByRole("heading", { name: "Caseload" }).waitFor();
    await manager.page.getByRole("table").first().waitFor();
    await expectAccessible(manager.page, "the caseloads");
    await screenshot(manager.page, "treatment-03-caseloads");
    await manager.page.getByRole("link", { name: /^Waiting list/ }).click();
    const row = manager.page.getByRole("row").filter({ hasText: reference });
    await row.waitFor();
    expect(await manager.page.locator(".row-highlight").count()).toBeGreaterThan(0);
    expect(await manager.page.getByText(/No movement for \d+ days/).count()).toBeGreaterThan(0);
    await expectAccessible(manager.page, "the waiting list");
    await screenshot(manager.page, "treatment-04-waiting-list");
    // By keyboard: the close dialog opens with Enter, Escape shuts it and focus goes back to the button.
    const close = row.getByRole("button", { name: `Close… ${reference}` });
    await close.focus();
    await manager.page.keyboard.press("Enter");
    await manager.page.getByRole("dialog", { name: `Close ${reference} without treatment` }).waitFor();
    await expectAccessible(manager.page, "the close referral dialog");
    await manager.page.keyboard.press("Escape");
    await manager.page.getByRole("dialog").waitFor({ state: "hidden" });
    expect(await close.evaluate((button) => button === document.activeElement)).toBe(true);
    await row.getByRole("button", { name: `Mark received ${reference}` }).click();
    await row.getByRole("button", { name: "Yes, received" }).click();
    await row.getByRole("button", { name: `Accept ${reference}` }).click();
    await row.getByRole("button", { name: "Yes, accept" }).click();
    await row.getByRole("button", { name: `Start episode for ${reference}` }).click();
    const dialog = manager.page.getByRole("dialog", { name: `Start treatment: ${reference}` });
    await dialog.waitFor();
    await expectAccessible(manager.page, "the start episode dialog");
    await dialog.getByLabel("Keyworker").selectOption({ index: 1 });
    await dialog.getByRole("button", { name: "Start episode" }).click();
    await manager.page.waitForURL(/\/episodes\//);
    await manager.page.getByRole("heading", { name: new RegExp(person.attributor) }).waitFor();
    await manager.page.getByText(`${reference} from`).waitFor();

    // The referrer's screen catches up by itself (it polls every 15 seconds).
    await card.getByText("Treatment started", { exact: true }).first().waitFor({ timeout: 30_000 });
    await card.getByText(/^History/).click();
    for (const status of ["Requested", "Received", "Accepted", "Treatment started"]) {
      expect(await card.locator(".referral-history").getByText(status, { exact: true }).count()).toBe(1);
    }
    await screenshot(outreach.page, "treatment-05-my-referrals-started-phone");

    // The TOP form refuses an out-of-range score beside its field, then takes the corrected one.
    await expectAccessible(manager.page, "the episode page");
    await manager.page.getByRole("button", { name: "Record a TOP" }).click();
    await manager.page.getByLabel("Heroin").fill("29");
    await manager.page.getByLabel("Psychological health").fill("25");
    await manager.page.getByLabel("Physical health").fill("12");
    await manager.page.getByLabel("Quality of life").fill("9");
    await manager.page.getByRole("button", { name: "Save TOP" }).click();
    // The error summary and the field both say it, in sentence case; the field's words are checked.
    const topErrors = manager.page.getByRole("form", { name: "Record a TOP" }).locator(".field-error");
    await topErrors.getByText("Psychological health must be a score from 0 to 20").waitFor();
    await topErrors.getByText("Days using heroin must be between 0 and 28 (days in the past 28)").waitFor();
    await screenshot(manager.page, "treatment-06-top-form-errors");
    await manager.page.getByLabel("Heroin").fill("20");
    await manager.page.getByLabel("Psychological health").fill("7");
    await manager.page.getByRole("button", { name: "Save TOP" }).click();
    await manager.page.getByRole("cell", { name: "Start", exact: true }).waitFor();

    // An appointment still to come, which the discharge cancels (issue 18 #9: it showed "Attended"
    // until a reload).
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000);
    const local = `${inThreeDays.toISOString().slice(0, 10)}T10:00`;
    const booking = manager.page.getByRole("form", { name: "Book an appointment" });
    await booking.getByLabel("Date and time").fill(local);
    await booking.getByRole("button", { name: "Book appointment" }).click();
    const outcome = manager.page.getByLabel(/^Outcome of the appointment on /);
    await outcome.waitFor();

    // Discharge: an opiate client must say whether they are on OST at exit.
    await manager.page.getByRole("button", { name: "Discharge…" }).click();
    const discharge = manager.page.getByRole("dialog", { name: /^Discharge / });
    await discharge.getByLabel("Reason").selectOption("completed_drug_free");
    await discharge.getByRole("button", { name: "Discharge", exact: true }).click();
    await discharge
      .locator(".field-error")
      .getByText(/OST at exit is required for opiate clients/)
      .waitFor();
    await expectAccessible(manager.page, "the discharge dialog with an error");
    await discharge.getByLabel("No").check();
    await discharge.getByRole("button", { name: "Discharge", exact: true }).click();
    await manager.page.getByText(/^Discharged .*: Completed drug free/).waitFor();
    await expect.poll(() => outcome.inputValue()).toBe("cancelled_by_service");
    await screenshot(manager.page, "treatment-07-discharged");
    await manager.context.close();
    await outreach.context.close();
  });

  it("starts an episode for a former client who came back by themselves, found by search on the waiting list", async () => {
    // A client of the provider whose episodes there are all discharged, with no referral to it open:
    // the usual self-referral (treatment managers see their own provider's clients only).
    const db = app.server.database.db;
    const [manager0] = await db
      .select({ organisationId: users.organisationId })
      .from(users)
      .where(eq(users.email, "treatment@demo.pathways"));
    const open = db.select({ id: episodes.personId }).from(episodes).where(isNull(episodes.dischargedOn));
    const waiting = db
      .select({ id: referrals.personId })
      .from(referrals)
      .where(inArray(referrals.status, ["requested", "received", "accepted"]));
    const [person] = await db
      .select({ id: people.id, attributor: people.attributor })
      .from(people)
      .innerJoin(episodes, eq(episodes.personId, people.id))
      .where(
        and(
          eq(episodes.providerOrganisationId, manager0!.organisationId),
          notInArray(people.id, open),
          notInArray(people.id, waiting),
        ),
      )
      .limit(1);
    if (!person) throw new Error("The demo seed has no former client to come back");
    const manager = await newPage(app, desktop);
    await signIn(manager.page, "treatment_manager");
    await manager.page.goto("/caseload/waiting");
    await manager.page.getByRole("button", { name: "Start a self-referral" }).click();
    const dialog = manager.page.getByRole("dialog", { name: "Start treatment: self-referral" });
    // Nobody chosen yet: the form says what is missing instead of sending.
    await dialog.getByRole("button", { name: "Start episode" }).click();
    await dialog.getByText("Find the person who referred themselves.").waitFor();
    await dialog.getByLabel("Who referred themselves").fill(person.attributor);
    await dialog.getByRole("button", { name: new RegExp(person.attributor) }).click();
    await dialog.getByRole("button", { name: "Choose someone else" }).waitFor();
    await dialog.getByLabel("Substance group").selectOption("alcohol");
    await expectAccessible(manager.page, "the self-referral dialog");
    await screenshot(manager.page, "treatment-08-self-referral");
    await dialog.getByRole("button", { name: "Start episode" }).click();
    await manager.page.waitForURL(/\/episodes\//);
    await manager.page.getByRole("heading", { name: new RegExp(person.attributor) }).waitFor();
    const started = await db
      .select()
      .from(episodes)
      .where(and(eq(episodes.personId, person.id), isNull(episodes.dischargedOn)));
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ referralId: null, substanceGroup: "alcohol" });
    await manager.context.close();
  });
});

import { eq, people, referrals } from "@pathways/db";
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

/** Issue 18, problem 3: consent at the point of referral, and safeguarding referrals on a lawful basis. */
let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

/** Ash: 17, met in Blackbird Leys with a county-lines concern, refused consent to share. */
async function ash() {
  const [person] = await app.server.database.db.select().from(people).where(eq(people.alias, "Ash"));
  return person!;
}

describe("journey: a safeguarding referral from the street without consent", () => {
  it("records the lawful basis on the referral form, with errors that take focus", async () => {
    const { page, context } = await newPage(app, phone);
    await signIn(page, "outreach_worker");
    const person = await ash();
    await page.goto(`/referrals/new?personId=${person.id}`);
    await page.getByRole("heading", { name: "Refer to a service" }).waitFor();
    // No wall of repeated warnings: one short tag per service that needs something.
    // The heading comes before the services load: wait for the first tag, not a count of none.
    await page.getByText("Needs consent to share").first().waitFor();
    expect(await page.getByText(/Services at other organisations cannot be chosen/).count()).toBe(0);

    await page.getByRole("radio", { name: /Safeguarding referral/ }).check();
    await page.getByRole("group", { name: /Sharing with Oxfordshire Children's Social Care/ }).waitFor();
    await expectAccessible(page, "the referral form asking for consent");
    await noSideways(page, "the referral form asking for consent");
    await screenshot(page, "field-10-referral-consent-phone");

    await page.getByRole("button", { name: "Share without consent (safeguarding)" }).click();
    await page.getByLabel("Reason", { exact: true }).fill("Seen carrying for older men at the bus stop.");
    await page.getByRole("button", { name: "Send referral" }).click();
    const summary = page.getByRole("alert").filter({ hasText: "There is a problem" });
    await summary.waitFor();
    expect(await page.evaluate(() => document.activeElement?.classList.contains("error-summary"))).toBe(true);
    // In people's words: no raw field names, sentence case.
    const text = await summary.innerText();
    expect(text).not.toMatch(/lawfulBasis|personId|^[a-z]/m);
    await expectAccessible(page, "the referral form with errors");
    await noSideways(page, "the referral form with errors");
    await screenshot(page, "field-11-referral-errors-phone");

    await page.getByLabel("Lawful basis for sharing without consent").selectOption({
      label: "A child at risk of significant harm",
    });
    await page
      .getByLabel("Why sharing without consent is needed")
      .fill("17, seen twice this week running drugs for older men (county lines).");
    await page.getByRole("radio", { name: "No: telling them would increase the risk" }).check();
    await page
      .getByLabel("Why telling them would increase the risk")
      .fill("It could warn the men exploiting him.");
    await page.getByRole("button", { name: "Send referral" }).click();
    await page.getByText(/Referral R-\d+ sent/).waitFor();
    await expectAccessible(page, "the referral sent on a lawful basis");

    const [stored] = await app.server.database.db
      .select()
      .from(referrals)
      .where(eq(referrals.personId, person.id));
    expect(stored).toMatchObject({
      lawfulBasis: "child_at_risk_of_significant_harm",
      personInformed: false,
      notInformedReason: "It could warn the men exploiting him.",
    });
    await context.close();
  });

  it("records consent inline for a treatment referral, on a desktop", async () => {
    const { page, context } = await newPage(app, desktop);
    await signIn(page, "outreach_worker");
    const person = await ash();
    await page.goto(`/referrals/new?personId=${person.id}`);
    await page.getByRole("radio", { name: /Non-opiate treatment/ }).check();
    const group = page.getByRole("group", { name: /Sharing with Turning Point Oxford/ });
    await group.waitFor();
    // A treatment referral cannot share without consent.
    expect(await page.getByRole("button", { name: "Share without consent (safeguarding)" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Send referral" }).isDisabled()).toBe(true);
    await page.getByRole("button", { name: "They consent: record it today" }).click();
    await group.waitFor({ state: "detached" });
    await page.getByLabel("Reason", { exact: true }).fill("Asked for help with cannabis use.");
    await page.getByRole("button", { name: "Send referral" }).click();
    await page.getByText(/Referral R-\d+ sent/).waitFor();
    await expectAccessible(page, "the referral sent after recording consent");
    await screenshot(page, "field-12-referral-consent-recorded-desktop");
    await context.close();
  });

  it("lists the share without consent for the Caldicott guardian, on a phone", async () => {
    const { page, context } = await newPage(app, phone);
    await signIn(page, "admin");
    await page.goto("/admin/audit");
    await page.getByRole("link", { name: "Shares without consent" }).click();
    await page.getByRole("heading", { name: "Shares without consent", level: 1 }).waitFor();
    const card = page.locator(".share-card").filter({ hasText: "AW-2007-09-05-M" });
    await card.waitFor();
    expect(await card.innerText()).toMatch(/A child at risk of significant harm/);
    expect(await card.innerText()).toMatch(/No: It could warn the men exploiting him\./);
    await expectAccessible(page, "the shares without consent");
    await noSideways(page, "the shares without consent");
    await screenshot(page, "field-13-shares-without-consent-phone");
    await context.close();
  });
});

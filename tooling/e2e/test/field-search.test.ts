import { type Ctx, createOrganisation, createReferral, createUser } from "@pathways/core";
import { consents, eq, organisations, people, services, users } from "@pathways/db";
import { demoPassword } from "@pathways/seed";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  demoEmail,
  expectAccessible,
  newPage,
  noSideways,
  phone,
  screenshot,
  signInAs,
  startApp,
} from "../src/harness.ts";

/** Issue 18: staff's global search in the header finds people and referrals, within each role's rights. */
let app: App;
let reference: string;
let attributor: string;
const alias = `Kestrel ${Date.now() % 100_000}`;
const otherManager = `manager-${Date.now()}@other-provider.example`;

beforeAll(async () => {
  app = await startApp();
  const db = app.server.database.db;
  const system: Ctx = { db, actor: { kind: "system", name: "field-search journey" } };
  // A second treatment provider, with its own manager: the attacker of this journey.
  const other = await createOrganisation({
    ctx: system,
    input: { name: `Other Recovery ${Date.now()}`, kind: "treatment_provider" },
  });
  await createUser({
    ctx: system,
    input: {
      organisationId: other.id,
      email: otherManager,
      name: "Olu Other",
      role: "treatment_manager",
      password: demoPassword,
    },
  });
  // A person the outreach worker met, with consent to share, referred to the demo provider.
  const [person] = await db
    .insert(people)
    .values({
      attributor: "KQ-1979-07-21-F",
      firstInitial: "K",
      surnameInitial: "Q",
      dateOfBirth: "1979-07-21",
      sex: "female",
      alias,
    })
    .returning();
  attributor = person!.attributor;
  await db.insert(consents).values({
    personId: person!.id,
    kind: "share",
    status: "given",
    recordedOn: "2026-01-02",
    recordedAt: new Date(),
  });
  const [worker] = await db
    .select({ user: users, organisation: organisations })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.email, demoEmail("outreach_worker")));
  const [service] = await db.select().from(services).where(eq(services.code, "opiate_treatment"));
  const referral = await createReferral({
    ctx: {
      db,
      actor: {
        kind: "user",
        userId: worker!.user.id,
        name: worker!.user.name,
        email: worker!.user.email,
        role: "outreach_worker",
        organisationId: worker!.organisation.id,
        organisationName: worker!.organisation.name,
        organisationKind: worker!.organisation.kind,
        sessionId: null,
      },
    },
    input: {
      personId: person!.id,
      serviceId: service!.id,
      reason: "Wants help with heroin use",
      source: "outreach",
    },
  });
  reference = `R-${referral.number}`;
});
afterAll(() => app?.stop());

async function search(page: Page, query: string) {
  const box = page.getByRole("searchbox", { name: /Search people, referrals/ });
  await box.fill(query);
  await box.press("Enter");
  await page.getByRole("heading", { name: "Search" }).waitFor();
  await page.getByText(`Results for “${query}”.`).waitFor();
}

describe("journey: staff search from the header", () => {
  it("finds a person by alias and a referral by its R-number for the outreach worker who made it", async () => {
    const { page, context } = await newPage(app, phone);
    await signInAs(page, demoEmail("outreach_worker"));
    await search(page, alias.split(" ")[0]!);
    const person = page.getByRole("link", { name: new RegExp(`${attributor}.*${alias}`) });
    await person.waitFor();
    await expectAccessible(page, "search results for a person");
    await noSideways(page, "search results for a person");
    await screenshot(page, "field-30-search-person-phone");
    await person.click();
    await page.waitForURL(/\/people\//);

    // `/` outside a field puts the keyboard in the search box.
    await page.locator("main").click();
    await page.keyboard.press("/");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("global-search");
    await search(page, reference);
    const referral = page.getByRole("link", { name: new RegExp(`Referral ${reference}`) });
    await referral.waitFor();
    await expectAccessible(page, "search results for a referral");
    await noSideways(page, "search results for a referral");
    await screenshot(page, "field-31-search-referral-phone");
    await referral.click();
    await page.waitForURL(/\/referrals\/mine/);
    await context.close();
  });

  it("shows another provider's treatment manager nothing of the referral or the person", async () => {
    const { page, context } = await newPage(app, phone);
    await signInAs(page, otherManager);
    for (const query of [reference, attributor, alias]) {
      await search(page, query);
      await page.getByText(`Nothing found for “${query}”`).waitFor();
      expect(await page.getByRole("list", { name: "Search results" }).count()).toBe(0);
    }
    await expectAccessible(page, "an empty search");
    await noSideways(page, "an empty search");
    await screenshot(page, "field-32-search-nothing-phone");
    await context.close();
  });
});

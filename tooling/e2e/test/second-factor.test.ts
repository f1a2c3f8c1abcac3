import { totpCode } from "@pathways/core";
import { demoPassword } from "@pathways/seed";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type App,
  demoEmail,
  desktop,
  expectAccessible,
  newPage,
  phone,
  screenshot,
  startApp,
} from "../src/harness.ts";

/** Issue 15: a second factor for admins (as in production), set up and used in the browser. */
let app: App;
beforeAll(async () => {
  app = await startApp({ PATHWAYS_ADMIN_SECOND_FACTOR: "true" });
});
afterAll(() => app?.stop());

async function password(page: Page) {
  await page.goto("/");
  await page.getByLabel("Email").fill(demoEmail("admin"));
  await page.getByLabel("Password").fill(demoPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
}

describe("journey: an admin's second factor", () => {
  let enrolmentCode = "";
  let recoveryCodes: string[] = [];

  it("sets up an authenticator app at the first sign-in and shows the recovery codes once", async () => {
    const { page, context } = await newPage(app, desktop);
    // A wrong password is answered in the server's words, not as a session that ended.
    await page.goto("/");
    await page.getByLabel("Email").fill(demoEmail("admin"));
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("That email and password do not match an active account.").first().waitFor();
    await password(page);
    await page.getByRole("heading", { name: "Set up a second factor" }).waitFor();
    expect(await page.getByRole("img", { name: /QR code/ }).count()).toBe(1);
    await expectAccessible(page, "setting up a second factor");
    await screenshot(page, "second-factor-01-enrol");

    // The key as the page shows it, typed into an "authenticator app" (RFC 6238, as the phone computes it).
    const secret = (await page.locator(".second-factor-secret").innerText()).replace(/\s/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await page.getByLabel("Code").fill("000000");
    await page.getByRole("button", { name: "Confirm and sign in" }).click();
    await page.getByText(/That code is not right/).waitFor();
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);

    enrolmentCode = totpCode(secret, new Date());
    await page.getByLabel("Code").fill(enrolmentCode);
    await page.getByRole("button", { name: "Confirm and sign in" }).click();
    await page.getByRole("heading", { name: "Your recovery codes" }).waitFor();
    recoveryCodes = await page.locator(".recovery-code").allInnerTexts();
    expect(recoveryCodes.length).toBeGreaterThanOrEqual(8);
    expect(new Set(recoveryCodes).size).toBe(recoveryCodes.length);
    await expectAccessible(page, "the recovery codes");
    await page.getByRole("button", { name: "I have saved my recovery codes" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await signOut(page);
    await context.close();
  });

  it("refuses a code used before, takes a recovery code once, on a phone", async () => {
    const { page, context } = await newPage(app, phone);
    await password(page);
    await page.getByRole("heading", { name: "Enter your code" }).waitFor();
    // The code that confirmed the set-up cannot sign in again: a watched or phished code is spent.
    await page.getByLabel("Code").fill(enrolmentCode);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText(/That code is not right/).waitFor();
    await expectAccessible(page, "a refused code");
    await screenshot(page, "second-factor-02-refused-phone");

    await page.getByLabel("Code").fill(recoveryCodes[0]!);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await signOut(page);

    await password(page);
    await page.getByRole("heading", { name: "Enter your code" }).waitFor();
    await page.getByLabel("Code").fill(recoveryCodes[0]!);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText(/That code is not right/).waitFor();
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
    await context.close();
  });
});

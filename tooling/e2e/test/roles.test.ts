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

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

describe("journey 5: role boundaries in the browser", () => {
  it("signs in by keyboard alone and shows who is signed in", async () => {
    const { page, context } = await newPage(app, phone);
    await page.goto("/");
    await expectAccessible(page, "the sign-in page");
    await screenshot(page, "roles-01-sign-in-phone");
    // The email field takes focus when the page opens, so typing starts there.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("email");
    await page.keyboard.type("outreach@demo.pathways");
    await page.keyboard.press("Tab");
    await page.keyboard.type("pathways-demo-2026");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await expect.poll(() => page.locator(".whoami").innerText()).toContain("Outreach worker");
    await context.close();
  });

  it("refuses a commissioner who types a person-level URL, and shows only the Reports area", async () => {
    const { page, context } = await newPage(app, desktop);
    await signIn(page, "commissioner");
    const nav = await page.getByRole("navigation", { name: "Main" }).innerText();
    expect(nav).toContain("Reports");
    expect(nav).not.toContain("Outreach");
    expect(nav).not.toContain("Caseload");
    await page.goto("/people/00000000-0000-4000-8000-000000000000");
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).innerText())
      .toBe("You do not have access to this page");
    await expectAccessible(page, "the refusal page");
    await screenshot(page, "roles-02-commissioner-refused");
    await context.close();
  });

  it("signs out for good: an admin page opened afterwards asks to sign in again", async () => {
    const { page, context } = await newPage(app, desktop);
    await signIn(page, "admin");
    await page.goto("/admin");
    await page.getByRole("heading", { name: "Admin" }).waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await page.goto("/admin");
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await page.getByRole("heading", { name: "Admin" }).count()).toBe(0);
    await context.close();
  });
});

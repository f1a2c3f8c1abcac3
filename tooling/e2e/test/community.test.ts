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

const description = "Needles in the grass by the swings <b>again</b>, about ten of them.";
const internalNote = "Sharps team booked for Tuesday morning; council ref 7781.";
const closingNote = "The needles were collected safely and the area was checked for more.";

describe("journey: a resident reports a concern and follows it", () => {
  let trackingPath = "";
  let reference = "";

  it("reports from a phone without signing in, and gets a reference and a private link", async () => {
    const { page, context, url } = await newPage(app, phone);
    await page.goto("/");
    await page.getByRole("link", { name: "Report a concern" }).click();
    await page.getByRole("heading", { name: "Report a concern" }).waitFor();
    await expectAccessible(page, "the report form");
    await screenshot(page, "community-01-report-form-phone");

    // Sending it empty shows what to fix beside each field.
    await page.getByRole("button", { name: "Send report" }).click();
    await page.getByRole("heading", { name: "There is a problem" }).waitFor();
    await page
      .locator("#category-error")
      .getByText("Choose what you are reporting", { exact: true })
      .waitFor();
    await page.locator("#report-description-error").getByText("Description cannot be empty").waitFor();
    await expectAccessible(page, "the report form with errors");

    // The category by keyboard: focus the first choice, arrow to the third.
    await page.getByRole("radio", { name: /Drug dealing/ }).focus();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    expect(await page.getByRole("radio", { name: /Discarded needles/ }).isChecked()).toBe(true);
    await page.getByLabel("Place", { exact: true }).selectOption({ label: "South Park" });
    await page.getByLabel("What did you see?").fill(description);
    await page.getByLabel("Email", { exact: true }).fill("resident@example.org");
    await page.getByRole("button", { name: "Send report" }).click();

    await page.getByRole("heading", { name: "Thank you: your report is in" }).waitFor();
    reference = await page.locator(".cr-reference").innerText();
    expect(reference).toMatch(/^CR-\d{4}-\d{6}$/);
    const link = await page.getByLabel("Your private tracking link").inputValue();
    expect(link).toMatch(
      new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/track/[A-Za-z0-9_-]{43}$`),
    );
    trackingPath = new URL(link).pathname;
    await expectAccessible(page, "the confirmation");
    await screenshot(page, "community-02-confirmation-phone");

    await page.getByRole("link", { name: "Open the tracking page" }).click();
    await page.getByRole("heading", { name: `Report ${reference}` }).waitFor();
    expect(await page.locator(".cr-facts").innerText()).toContain("Discarded needles");
    expect(await page.locator(".cr-timeline").innerText()).toContain("We have received your report.");
    await expectAccessible(page, "the tracking page");
    await screenshot(page, "community-03-tracking-phone");
    await context.close();
  });

  it("lets an outreach worker find it in triage, acknowledge it with an internal note, and close it", async () => {
    const { page, context } = await newPage(app, desktop);
    await signIn(page, "outreach_worker");
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Community reports" })
      .click();
    await page.getByRole("heading", { name: "Community reports" }).waitFor();
    await page.getByLabel("Category").selectOption({ label: "Discarded needles" });
    await page.getByLabel("Age").selectOption({ label: "Sent today" });
    await page.getByRole("link", { name: new RegExp(reference) }).waitFor();
    await expectAccessible(page, "the triage queue");
    await screenshot(page, "community-04-triage-queue");
    await page.getByRole("link", { name: new RegExp(reference) }).click();

    await page.getByRole("heading", { name: `Report ${reference}` }).waitFor();
    // Typed markup is shown as the text it is.
    expect(await page.locator(".cr-free-text").first().innerText()).toBe(description);
    expect(await page.locator(".cr-free-text b").count()).toBe(0);
    await page.locator("#ack-internal").fill(internalNote);
    await page.getByRole("button", { name: "Acknowledge report" }).click();
    await page.getByText(internalNote).waitFor();
    await page.getByRole("heading", { name: "Move it on" }).waitFor();
    await expectAccessible(page, "a report in triage");
    await screenshot(page, "community-05-triage-report");

    // Then in progress, then closed: each move offers only what may follow.
    await page.getByRole("button", { name: "Mark as in progress" }).click();
    await page.getByRole("radio", { name: "In progress" }).waitFor({ state: "detached" });
    await page.getByRole("radio", { name: "Closed: action taken" }).check();
    await page.locator("#status-public").fill(closingNote);
    await page.getByRole("button", { name: "Mark as closed: action taken" }).click();
    await page.getByRole("heading", { name: "Move it on" }).waitFor({ state: "detached" });
    expect(await page.locator(".cr-timeline").innerText()).toContain(closingNote);
    await context.close();
  });

  it("shows the reporter every public step, but never the internal note or who handled it", async () => {
    const { page, context } = await newPage(app, phone);
    await page.goto(trackingPath);
    await page.getByRole("heading", { name: `Report ${reference}` }).waitFor();
    const text = await page.locator("main").innerText();
    expect(text).toContain("Closed: action taken");
    expect(text).toContain(closingNote);
    expect(text).toContain("Acknowledged");
    expect(text).toContain("Thank you. The taskforce has seen your report and will look into it.");
    expect(text).not.toContain("Sharps team");
    expect(text).not.toContain("Sam Okafor");
    expect(text).not.toContain("resident@example.org");
    await context.close();
  });

  it("takes a pin dropped and dragged on the map on a phone, with no tiles, and shows it to triage only", async () => {
    const { page, context } = await newPage(app, phone);
    const mapCode: string[] = [];
    page.on("request", (request) => {
      if (/PinMap|leaflet|map-/i.test(request.url())) mapCode.push(request.url());
    });
    await page.goto("/report");
    await page.getByRole("heading", { name: "Report a concern" }).waitFor();
    await page.getByRole("radio", { name: /Drug dealing/ }).check();
    // The map's code loads only when the resident asks for it.
    expect(mapCode).toEqual([]);
    await page.getByRole("radio", { name: "My location or a map" }).check();
    const map = page.getByRole("region", { name: /Map: tap where it was to drop a pin/ });
    await map.waitFor();
    expect(mapCode.length).toBeGreaterThan(0);
    // No tiles reach the journeys: the named places are drawn so the resident can find the spot.
    await map.locator(".pin-place-label").filter({ hasText: "South Park" }).waitFor();
    const status = page.getByRole("status").filter({ hasText: /Pin at/ });
    const pinned = async () => {
      const [, lat, lng] = /Pin at (-?\d+\.\d{5}), (-?\d+\.\d{5})/.exec(await status.innerText())!;
      return [lat!, lng!] as const;
    };

    const box = (await map.boundingBox())!;
    await map.click({ position: { x: box.width * 0.3, y: box.height * 0.7 } });
    await status.waitFor();
    const dropped = await pinned();
    // Dragged a little up and to the right, as a thumb corrects it.
    const pin = (await map.locator(".pin-marker").boundingBox())!;
    await page.mouse.move(pin.x + pin.width / 2, pin.y + pin.height / 2);
    await page.mouse.down();
    await page.mouse.move(pin.x + pin.width / 2 + 30, pin.y + pin.height / 2 - 20, { steps: 8 });
    await page.mouse.up();
    await expect.poll(pinned).not.toEqual(dropped);
    const [lat, lng] = await pinned();
    expect(Number(lat)).toBeLessThan(90);
    expect(Number(lng)).toBeGreaterThan(-180);
    expect(Number(lat)).toBeGreaterThan(Number(dropped[0]));
    expect(Number(lng)).toBeGreaterThan(Number(dropped[1]));
    await noSideways(page, "the report form with its map");
    await expectAccessible(page, "the report form with its map");
    await screenshot(page, "community-06-pin-phone");

    await page
      .getByLabel("What did you see?")
      .fill("Handing over small packages by the back gate, most evenings.");
    await page.getByRole("button", { name: "Send report" }).click();
    await page.getByRole("heading", { name: "Thank you: your report is in" }).waitFor();
    const pinReference = await page.locator(".cr-reference").innerText();
    // The reporter's own page says a location was shared, and never gives it back.
    await page.getByRole("link", { name: "Open the tracking page" }).click();
    await page.getByRole("heading", { name: `Report ${pinReference}` }).waitFor();
    const tracked = await page.locator("main").innerText();
    expect(tracked).not.toContain(lat);
    expect(tracked).not.toContain(lng);
    await context.close();

    const staff = await newPage(app, desktop);
    await signIn(staff.page, "outreach_worker");
    await staff.page.goto("/triage");
    await staff.page.getByLabel("Category").selectOption({ label: "Drug dealing" });
    await staff.page.getByLabel("Age").selectOption({ label: "Sent today" });
    await staff.page.getByRole("link", { name: new RegExp(pinReference) }).click();
    await staff.page.getByRole("heading", { name: `Report ${pinReference}` }).waitFor();
    await staff.page.getByRole("link", { name: `${lat}, ${lng} (map)` }).waitFor();
    await staff.context.close();
  });

  it("gives a wrong link a clear page, not an error", async () => {
    const { page, context } = await newPage(app, phone);
    await page.goto(`${trackingPath.slice(0, -3)}abc`);
    await page.getByText("We could not find a report for this link").waitFor();
    await expectAccessible(page, "the unknown-link page");
    await context.close();
  });
});

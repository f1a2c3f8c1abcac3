import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { demoPassword, demoUsers } from "@pathways/core";
import { parseServerEnv, type RunningServer, startServer } from "@pathways/server";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const outputDir = path.resolve(import.meta.dirname, "../../../test-output/e2e");
const webDist = path.resolve(import.meta.dirname, "../../../apps/web/dist");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export const phone = { width: 390, height: 844 };
export const desktop = { width: 1280, height: 900 };

export interface App {
  server: RunningServer;
  url: string;
  browser: Browser;
  stop(): Promise<void>;
}

/** Starts Pathways on a free port over a fresh embedded database with the demo city, and Chromium. */
export async function startApp(): Promise<App> {
  if (!existsSync(path.join(webDist, "index.html"))) {
    throw new Error(`The web app is not built (${webDist}): run \`npm run build -w @pathways/web\`.`);
  }
  if (!existsSync(chromiumPath)) {
    throw new Error(`No Chromium at ${chromiumPath}: \`apt-get install -y chromium\` or set CHROMIUM_PATH.`);
  }
  const dataRoot = mkdtempSync(path.join(os.tmpdir(), "pathways-e2e-"));
  const server = await startServer({
    config: parseServerEnv({
      PORT: "0",
      LOG_LEVEL: "warn",
      NODE_ENV: "test",
      SESSION_SECRET: "e2e-secret-e2e-secret-e2e-secret-01234",
      PATHWAYS_DATA_DIR: path.join(dataRoot, "data"),
      PATHWAYS_WEB_DIST: webDist,
    }),
    demo: true,
  });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    // Playwright gives every launch a fresh, empty profile directory of its own.
  });
  mkdirSync(outputDir, { recursive: true });
  return {
    server,
    url: server.url,
    browser,
    stop: async () => {
      await browser.close();
      await server.stop();
      rmSync(dataRoot, { recursive: true, force: true });
    },
  };
}

export async function newPage(app: App, viewport: { width: number; height: number }) {
  const context: BrowserContext = await app.browser.newContext({
    viewport,
    baseURL: app.url,
    locale: "en-GB",
  });
  const page = await context.newPage();
  return { context, page };
}

export function demoEmail(role: (typeof demoUsers)[number]["role"]): string {
  return demoUsers.find((user) => user.role === role)!.email;
}

export async function signIn(page: Page, role: (typeof demoUsers)[number]["role"]) {
  await page.goto("/");
  await page.getByLabel("Email").fill(demoEmail(role));
  await page.getByLabel("Password").fill(demoPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(outputDir, `${name}.png`), fullPage: true });
}

/**
 * Runs axe-core in the page and fails on serious or critical violations. The script goes in through
 * the DevTools protocol, which the page's strict CSP does not govern, so the CSP stays on.
 */
export async function expectAccessible(page: Page, where: string) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: {
        run(): Promise<{
          violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
        }>;
      };
    };
    const result = await axe.run();
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  expect(violations, `accessibility of ${where}`).toEqual([]);
}

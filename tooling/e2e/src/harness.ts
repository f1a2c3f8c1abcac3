import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { demoPassword, demoUsers } from "@pathways/seed";
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
  /** The signal relays of every page opened, closed with the app. */
  relays: Set<net.Server>;
  stop(): Promise<void>;
}

/** One phone's (browser context's) connection to the server, which a journey can take away and give back. */
export interface Signal {
  lose(): Promise<void>;
  restore(): Promise<void>;
}

/**
 * Starts Pathways on a free port over a fresh embedded database with the demo city, and Chromium.
 * `env`: server configuration over the journeys' defaults (e.g. a second factor for admins).
 */
export async function startApp(env: Record<string, string> = {}): Promise<App> {
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
      ...env,
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
  const relays = new Set<net.Server>();
  return {
    server,
    url: server.url,
    browser,
    relays,
    stop: async () => {
      await browser.close();
      await Promise.all([...relays].map((relay) => new Promise((resolve) => relay.close(resolve))));
      await server.stop();
      rmSync(dataRoot, { recursive: true, force: true });
    },
  };
}

/**
 * Each browser context reaches the server through a TCP relay of its own, so losing the signal is a
 * real network cut. Chromium's offline emulation alone does not reach the service worker, whose
 * requests then still get through (playwright#2311); the emulation is kept too, for `navigator.onLine`
 * and the online and offline events the app listens to.
 */
async function openRelay(app: App): Promise<{ url: string; cut(cut: boolean): void }> {
  const target = new URL(app.url);
  const open = new Set<net.Socket>();
  let cut = false;
  const relay = net.createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port), target.hostname);
    open.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  app.relays.add(relay);
  const { port } = relay.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cut: (now) => {
      cut = now;
      if (now) for (const socket of open) socket.destroy();
    },
  };
}

/** A fresh browser context (a phone or a desktop) with its own signal; `url` is where it reaches Pathways. */
export async function newPage(app: App, viewport: { width: number; height: number }) {
  const relay = await openRelay(app);
  const context: BrowserContext = await app.browser.newContext({
    viewport,
    baseURL: relay.url,
    locale: "en-GB",
  });
  const signal: Signal = {
    lose: async () => {
      await context.setOffline(true);
      relay.cut(true);
    },
    restore: async () => {
      relay.cut(false);
      await context.setOffline(false);
    },
  };
  return { context, page: await context.newPage(), url: relay.url, signal };
}

export function demoEmail(role: (typeof demoUsers)[number]["role"]): string {
  return demoUsers.find((user) => user.role === role)!.email;
}

export async function signIn(page: Page, role: (typeof demoUsers)[number]["role"]) {
  await signInAs(page, demoEmail(role));
}

/** Signs in a user the test made itself (with the demo password), not one of the demo users. */
export async function signInAs(page: Page, email: string) {
  await page.goto("/");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(demoPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** Chooses where a contact, find or activity happened: nothing is chosen for a worker new to the phone. */
export async function chooseHotspot(page: Page, name = "South Park") {
  await page.getByLabel("Where", { exact: true }).selectOption({ label: name });
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(outputDir, `${name}.png`), fullPage: true });
}

/** Fails when the page is wider than the phone's screen (it would scroll sideways). */
export async function noSideways(page: Page, where: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${where} scrolls sideways on a 390 px phone`).toBeLessThanOrEqual(0);
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

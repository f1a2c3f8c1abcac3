/**
 * Benchmark 6: the JavaScript the first screen loads (after `vite build`), gzipped, and the time until
 * the contact form is usable in headless Chromium with 4x CPU throttling.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { median } from "../report.ts";
import { signInCookie, startApi } from "./contacts-http.ts";

const webRoot = path.resolve(import.meta.dirname, "../../../../apps/web");
const dist = path.join(webRoot, "dist");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function gzipSize(file: string): number {
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

/** The module script and modulepreload links of index.html: what the browser fetches before the first screen. */
export function firstScreenScripts(html: string): string[] {
  const sources = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((match) => match[1]!);
  return [...new Set(sources)];
}

export async function benchWeb(runs: number) {
  const build = spawnSync("npx", ["vite", "build", "--logLevel", "error"], {
    cwd: webRoot,
    encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`vite build failed: ${build.stderr}`);
  const html = readFileSync(path.join(dist, "index.html"), "utf8");
  const files = firstScreenScripts(html);
  const firstScreenGzip = files.reduce((sum, file) => sum + gzipSize(path.join(dist, file)), 0);
  const assets = path.join(dist, "assets");
  const allGzip = readdirSync(assets)
    .filter((name) => name.endsWith(".js"))
    .reduce((sum, name) => sum + gzipSize(path.join(assets, name)), 0);

  const dataRoot = mkdtempSync(path.join(os.tmpdir(), "pathways-bench-web-"));
  const port = 41000 + Math.floor(Math.random() * 10000);
  const api = await startApi(
    { PATHWAYS_DATA_DIR: path.join(dataRoot, "data"), PATHWAYS_WEB_DIST: dist },
    port,
    ["--demo"],
  );
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
  });
  const times: number[] = [];
  try {
    // Signed in once; each load starts with the cookie, as a worker reopening the app would.
    const cookie = await signInCookie(api.url, "outreach@demo.pathways");
    const [name, value] = cookie.split("=") as [string, string];
    for (let run = 0; run < Math.max(runs, 5); run++) {
      // A fresh context each time: nothing cached from the previous load.
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "en-GB" });
      await context.addCookies([{ name, value, url: api.url }]);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      const started = performance.now();
      await page.goto(`${api.url}/outreach`, { waitUntil: "commit" });
      const form = page.getByRole("form", { name: "Log a contact" });
      await form.locator('button[type="submit"]:not([disabled])').waitFor({ timeout: 60_000 });
      // Locators only: the page's CSP refuses the eval a string predicate would need.
      const hotspotOptions = form.locator("select").first().locator("option");
      await hotspotOptions.nth(1).waitFor({ state: "attached", timeout: 60_000 });
      await hotspotOptions.filter({ hasText: "Loading" }).waitFor({ state: "detached", timeout: 60_000 });
      times.push(performance.now() - started);
      await context.close();
    }
  } finally {
    await browser.close();
    await api.kill("SIGTERM");
    rmSync(dataRoot, { recursive: true, force: true });
  }
  console.log(
    `  first screen ${(firstScreenGzip / 1024).toFixed(1)} kB gzip; form usable ${median(times).toFixed(0)} ms`,
  );
  return { files, firstScreenGzip, allGzip, times };
}

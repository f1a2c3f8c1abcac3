import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** The shared vitest setup: real databases, one process per file so PGlite instances never share memory. */
export const pathwaysTestConfig = defineConfig({
  test: {
    pool: "forks",
    globalSetup: [fileURLToPath(new URL("./global-setup.ts", import.meta.url))],
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Limits only turn a hang into a failure: a loaded CI machine runs a test several times slower.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

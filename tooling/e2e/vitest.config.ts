import { defineConfig } from "vitest/config";

// Browser journeys: one file at a time (each starts its own server and Chromium on 2 cores).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 120_000,
    // Every file starts a server that seeds the demo city: a loaded machine needs minutes for it.
    hookTimeout: 300_000,
  },
});

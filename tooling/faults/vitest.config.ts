import { defineConfig } from "vitest/config";

// Fault tests start and kill servers and a private PostgreSQL cluster: one file at a time.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});

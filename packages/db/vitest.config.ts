import { defineConfig } from "vitest/config";

// The database package tests createDb and migrate themselves, so it cannot use the shared fixtures
// (they are built on this package).
export default defineConfig({
  test: { pool: "forks", include: ["test/**/*.test.ts"], testTimeout: 60_000 },
});

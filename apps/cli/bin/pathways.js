#!/usr/bin/env node
// The release: the command bundled to JavaScript by `npm run build` (apps/cli/build.mjs), run by
// node alone. From a checkout, `npm run pathways -- …` (bin/pathways-dev.js) runs the TypeScript.
import { existsSync } from "node:fs";

const built = new URL("../dist/pathways.js", import.meta.url);
if (!existsSync(built)) {
  console.error(
    "pathways: the command is not built: run `npm run build -w @pathways/cli` (or `npm run pathways -- …` from a checkout to run the source)",
  );
  process.exit(1);
}
await import(built.href);

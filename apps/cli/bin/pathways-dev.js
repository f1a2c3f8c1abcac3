#!/usr/bin/env node
// Runs the TypeScript source through tsx, for development and the tests: always the code as it is
// now, never an older build.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");

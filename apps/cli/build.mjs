// The release build: the `pathways` command (and with it the server) bundled to plain JavaScript
// in dist/, so it starts with `node` alone. Pathways' own packages are TypeScript and go into the
// bundle; npm packages stay in node_modules (postgres.js as patched at install, PGlite with its
// WebAssembly files). Each command's module stays its own chunk, loaded when the command runs.
import { rmSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const root = import.meta.dirname;
const outdir = path.join(root, "dist");
rmSync(outdir, { recursive: true, force: true });

const started = Date.now();
await build({
  entryPoints: { pathways: path.join(root, "src/main.ts") },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  logLevel: "warning",
  plugins: [
    {
      name: "npm-packages-external",
      setup(plugin) {
        // A bare import that is not one of ours is an npm package: left for node to load.
        plugin.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith("@pathways/") ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
console.log(`pathways built to ${path.relative(process.cwd(), outdir)} in ${Date.now() - started} ms`);

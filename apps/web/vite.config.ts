import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/**
 * Emits sw.js from src/sw.js with this build's scripts and styles listed in it: pages are loaded when
 * first opened, so the worker must store them up front for the app to open any page with no signal.
 */
function serviceWorker(): Plugin {
  return {
    name: "pathways-service-worker",
    apply: "build",
    // After Vite's own plugins have added the styles and index.html to the bundle.
    enforce: "post",
    generateBundle(_options, bundle) {
      const assets = Object.keys(bundle)
        .filter((name) => /\.(js|css)$/.test(name))
        .sort()
        .map((name) => `/${name}`);
      const version = createHash("sha256").update(assets.join("\n")).digest("hex").slice(0, 12);
      const template = readFileSync(new URL("./src/sw.js", import.meta.url), "utf8");
      const source = template
        .replace("const shellAssets = [];", `const shellAssets = ${JSON.stringify(assets)};`)
        .replace('const shellCache = "pathways-shell";', `const shellCache = "pathways-shell-${version}";`);
      if (!source.includes(version) || !source.includes(assets[0] ?? "/assets/")) {
        throw new Error("src/sw.js no longer has the lines the build fills in");
      }
      this.emitFile({ type: "asset", fileName: "sw.js", source });
    },
  };
}

export default defineConfig({
  plugins: [react(), serviceWorker()],
  server: {
    // `npm run dev -w @pathways/web` talks to an API started separately on port 3000.
    proxy: { "/trpc": "http://127.0.0.1:3000" },
  },
  build: {
    outDir: "dist",
    // No source maps in what is served: they would hand the app's source to anyone (the server also
    // refuses any *.map path). Debug with `npm run dev`.
    sourcemap: false,
  },
});

import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  server: {
    // `npm run dev -w @pathways/web` talks to an API started separately on port 3000.
    proxy: { "/trpc": "http://127.0.0.1:3000" },
  },
  build: {
    outDir: "dist",
    sourcemap: true,
  },
});

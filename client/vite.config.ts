// Vite config of the web client. Run from client/ (SvelteKit resolves its project from the cwd):
// `npm run build:client` at the repository root does that.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sveltekit } from "@sveltejs/kit/vite";
import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "vite";
import { themeCss } from "./theme.ts";

const here = dirname(fileURLToPath(import.meta.url));
const engine = process.env.TEEZU_ENGINE_URL ?? "http://127.0.0.1:2567";

// Design tokens → Tailwind theme, regenerated from config/ before any CSS is processed.
const themeFile = join(here, "src/lib/styles/theme.generated.css");
const css = themeCss();
let current = "";
try {
  current = readFileSync(themeFile, "utf8");
} catch {
  /* first build */
}
if (current !== css) {
  mkdirSync(dirname(themeFile), { recursive: true });
  writeFileSync(themeFile, css);
}

export default defineConfig({
  plugins: [tailwindcss(), sveltekit()],
  server: {
    // config/ (roles, moods, tokens) lives one level up.
    fs: { allow: [".."] },
    // `vite dev` in client/ talks to a running engine (`npm start`).
    proxy: {
      "/api": engine,
      "/hls": engine,
      "/matchmake": { target: engine, ws: true },
    },
  },
  build: {
    chunkSizeWarningLimit: 800,
    // The build is small; timing warnings about SvelteKit's own plugins are noise here.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});

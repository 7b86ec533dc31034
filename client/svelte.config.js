// SvelteKit config: a single-page app (no SSR) built to client/build, served by the engine at `/`.
import adapter from "@sveltejs/adapter-static";

/** @type {import('@sveltejs/kit').Config} */
const config = {
  kit: {
    // Every path falls back to index.html; the engine's mountClient does the same for deep links.
    adapter: adapter({ pages: "build", assets: "build", fallback: "index.html", strict: true }),
    // The client shares roles, moods and design tokens with the engine (config/), and the DM
    // encryption with the dm room's tests (rooms/dm/e2ee.ts, WebCrypto only): one source each.
    alias: { $config: "../config", "$dm-e2ee": "../rooms/dm/e2ee.ts" },
  },
};

export default config;

import { defineConfig } from "vite";

// The page is served by app.webchat (aiohttp); the build only has to produce
// static files. Fonts are bundled from @fontsource, so a citizen's browser
// fetches nothing from another host.
export default defineConfig({
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    target: "es2019",
  },
});

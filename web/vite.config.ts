import { defineConfig } from "vite";

// Built assets are committed (web/dist) and embedded in the node binary, so a
// Rust-only build serves the dashboard without Node.js. Names carry a content
// hash; the build is reproducible from package-lock.json (CI rebuilds and diffs).
// `npx vite` serves web/src with live reload and forwards the API to a running
// node (GREENHOUR_NODE, default the devnet's http://127.0.0.1:26657).
const node = process.env.GREENHOUR_NODE ?? "http://127.0.0.1:26657";

export default defineConfig({
  base: "/",
  server: {
    proxy: {
      "/rpc": node,
      "/ws": { target: node.replace(/^http/, "ws"), ws: true },
    },
  },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    sourcemap: false,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 300,
  },
});

// Builds the UI into the Python package, where `frontwatch serve` serves it at /.
// `npm run dev` proxies /api to a `frontwatch serve` on 127.0.0.1:8080.
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  build: {
    outDir: fileURLToPath(new URL("../src/frontwatch/faces/service/static", import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
  },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});

// Build the SPA (index.html) and the sandboxed custom-chart frame (chart-frame.html) into
// cairn/server/static, which `cairn server` serves.
import { defineConfig } from "vite";
import preact from "@preact/preset-vite";
import { resolve } from "node:path";

export default defineConfig({
  plugins: [preact()],
  base: "/",
  build: {
    outDir: "../cairn/server/static",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        main: resolve(__dirname, "index.html"),
        frame: resolve(__dirname, "chart-frame.html"),
      },
    },
  },
  server: { proxy: { "/api": "http://127.0.0.1:8765" } },
});
